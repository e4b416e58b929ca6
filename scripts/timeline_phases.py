#!/usr/bin/env python3
"""The vector phases of one program of a `tasu run --timeline` trace: each gap of more than GAP
cycles (default 1500) between the engine's busy stretches, with how busy the vector unit, load DMA
and store DMA are in it (loads overlap on their track, so theirs may pass 1), and the vector unit's
busy cycles summed over the gaps (docs/performance.md quotes these for the prefill and a decode step).
Usage: timeline_phases.py TRACE.json "layer 0 prefill" [GAP]"""
import json
import sys


def main():
    trace, program = sys.argv[1], sys.argv[2]
    gap_min = int(sys.argv[3]) if len(sys.argv) > 3 else 1500
    all_events = json.load(open(trace))["traceEvents"]
    events = [e for e in all_events if e.get("ph") == "X"]
    prog = [e for e in events if e["cat"] == "programs" and e["name"] == program]
    if not prog:
        sys.exit(f"timeline_phases: no program named '{program}' in {trace}")
    t0, t1 = prog[0]["args"]["start_cycle"], prog[0]["args"]["end_cycle"]
    track = {}
    for e in events:
        a, b = e["args"].get("start_cycle"), e["args"].get("end_cycle")
        if a is not None and t0 <= a < t1:
            track.setdefault(e["cat"], []).append((a, b))
    for iv in track.values():
        iv.sort()

    def busy(cat, a, b):
        return sum(min(y, b) - max(x, a) for x, y in track.get(cat, []) if x < b and y > a)

    engine = track.get("engine", [])
    edges = [t0] + [x for iv in engine for x in iv] + [t1]  # idle stretches: (edges[2i], edges[2i+1])
    gaps = [(edges[i], edges[i + 1]) for i in range(0, len(edges) - 1, 2) if edges[i + 1] - edges[i] > gap_min]
    total = vector = 0
    print(f"{program}: cycles {t0:,} to {t1:,} ({t1 - t0:,})")
    for a, b in gaps:
        n = b - a
        v = busy("vector unit", a, b)
        total += n
        vector += v
        print(f"  {a:>12,} - {b:>12,}  {n:>9,} cycles  vector unit {v / n:5.2f}  load DMA {busy('load DMA', a, b) / n:5.2f}"
              f"  store DMA {busy('store DMA', a, b) / n:5.2f}")
    print(f"  gaps: {total:,} cycles, the vector unit busy {vector:,} of them; engine busy {busy('engine', t0, t1):,}")


if __name__ == "__main__":
    main()
