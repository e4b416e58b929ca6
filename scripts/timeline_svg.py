#!/usr/bin/env python3
"""Draws one program of a `tasu run --timeline` trace as an SVG picture for the docs: a row per
unit, each instruction a bar (intervals closer than a pixel merged), coloured by opcode.
Usage: timeline_svg.py TRACE.json "layer 0 prefill" OUT.svg [WIDTH]"""
import json
import sys

COLOURS = {"FETCH": "#bab0ac", "LOAD": "#4e79a7", "MATMUL": "#e15759", "STORE": "#59a14f", "VEC ELEM": "#f28e2b",
           "VEC DOT": "#b07aa1", "VEC MAX": "#edc948", "VEC FROM_OUT": "#76b7b2", "VEC TO_ACT": "#9c755f",
           "VEC DOTS": "#ff9da7", "VEC WSUM": "#6a3d9a"}


def main():
    trace, program, out = sys.argv[1], sys.argv[2], sys.argv[3]
    width = int(sys.argv[4]) if len(sys.argv) > 4 else 1200
    all_events = json.load(open(trace))["traceEvents"]
    events = [e for e in all_events if e.get("ph") == "X"]
    # The tracks as the trace names them (its thread_name records), the programs' own row left out.
    names = sorted((e["tid"], e["args"]["name"]) for e in all_events if e.get("ph") == "M" and e["name"] == "thread_name")
    tracks = [n for _, n in names if n != "programs"]
    prog = [e for e in events if e["cat"] == "programs" and e["name"] == program]
    if not prog:
        sys.exit(f"timeline_svg: no program named '{program}' in {trace}")
    t0, t1 = prog[0]["args"]["start_cycle"], prog[0]["args"]["end_cycle"]
    left, row_h, top = 110, 26, 30
    scale = (width - left - 10) / max(1, t1 - t0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{top + row_h * len(tracks) + 60}" '
             f'font-family="sans-serif" font-size="12">',
             f'<text x="{left}" y="18">{program}: cycles {t0:,} to {t1:,} ({t1 - t0:,} cycles)</text>']
    for i, track in enumerate(tracks):
        y = top + i * row_h
        parts.append(f'<text x="4" y="{y + 16}">{track}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{width - left - 10}" height="{row_h - 4}" fill="#f4f4f4"/>')
        bars = sorted((e["args"]["start_cycle"], e["args"]["end_cycle"], e["name"]) for e in events
                      if e["cat"] == track and t0 <= e["args"]["start_cycle"] < t1)
        merged = []
        for s, f, name in bars:
            if merged and merged[-1][2] == name and (s - merged[-1][1]) * scale < 1:
                merged[-1][1] = max(merged[-1][1], f)
            else:
                merged.append([s, f, name])
        for s, f, name in merged:
            x = left + (s - t0) * scale
            w = max(0.5, (min(f, t1) - s) * scale)
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 4}" '
                         f'fill="{COLOURS.get(name, "#999")}"><title>{name}</title></rect>')
    y = top + len(tracks) * row_h + 20
    x = left
    for name, colour in COLOURS.items():
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 16}" y="{y}">{name}</text>')
        x += 16 + 8 * len(name) + 14
    parts.append("</svg>")
    open(out, "w").write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
