#!/usr/bin/env bash
# Random regression at scale: N cases split evenly over three kinds (random four-unit programs
# RTL against the functional model, random BitLinear shapes, random small decoder layers), each
# kind in chunks run J at a time (one process per chunk: SystemC elaborates once per process).
#   scripts/regress.sh --seeds N [--first S] [-j J] [--chunks C] [--binary PATH] [--log DIR]
# Prints one summary line per kind and "regress: N cases, F failed"; exit 1 on any failure,
# whose seed (in the chunk's log) reproduces it:
#   TASU_REGRESS_FIRST=seed TASU_REGRESS_CASES=1 test_regress --gtest_filter=Regress.<Kind>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seeds=200 first=1 jobs=2 chunks=0
binary=${TASU_BUILD_DIR:-$root/build}/testbench/regress/test_regress
log=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds=$2; shift 2 ;;
    --first) first=$2; shift 2 ;;
    -j) jobs=$2; shift 2 ;;
    --chunks) chunks=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "regress: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$seeds$first$jobs$chunks" in *[!0-9]*) echo "regress: --seeds, --first, -j and --chunks take whole numbers" >&2; exit 2 ;; esac
[ "$seeds" -ge 3 ] || { echo "regress: --seeds must be at least 3 (one case of each kind)" >&2; exit 2; }
[ "$jobs" -ge 1 ] || { echo "regress: -j must be at least 1" >&2; exit 2; }
[ -x "$binary" ] || { echo "regress: $binary not built (cmake --build build --target test_regress)" >&2; exit 2; }
log=${log:-$(mktemp -d /tmp/tasu-regress.XXXXXX)}
mkdir -p "$log"
# Chunks of at most ~250 cases keep both cores busy to the end.
per_kind=$(( seeds / 3 ))
[ "$chunks" -ge 1 ] || chunks=$(( (per_kind + 249) / 250 ))
start=$(date +%s)
pids=()
kinds=(RandomFourUnitPrograms RandomBitLinear RandomLayers)
for k in 0 1 2; do
  n=$per_kind
  [ $k -lt $(( seeds % 3 )) ] && n=$(( n + 1 ))
  for c in $(seq 0 $(( chunks - 1 ))); do
    lo=$(( n * c / chunks )) hi=$(( n * (c + 1) / chunks ))
    [ $hi -gt $lo ] || continue
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 0.2; done
    TASU_REGRESS_FIRST=$(( first + lo )) TASU_REGRESS_CASES=$(( hi - lo )) \
      "$binary" --gtest_filter="Regress.${kinds[$k]}" >"$log/${kinds[$k]}-$c.log" 2>&1 &
    pids+=($!)
  done
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
secs=$(( $(date +%s) - start ))
# One line per kind over its chunks: cases, failures, the model's mean and worst cycle error.
awk '/^regress [a-z]+: / {
       k = $2; sub(":", "", k); n[k] += $3; f[k] += $5; m[k] += $3 * $(NF-2); if ($NF + 0 > w[k]) w[k] = $NF + 0 }
     END { for (k in n) printf "regress %s: %d cases, %d failed; model cycles vs RTL: mean |error| %.2f%%, worst %.2f%%\n",
                                k, n[k], f[k], n[k] ? m[k] / n[k] : 0, w[k] }' "$log"/*.log | sort
total=$(cat "$log"/*.log | awk '/^regress [a-z]+: / {n += $3} END {print n + 0}')
failed=$(cat "$log"/*.log | awk '/^regress [a-z]+: / {f += $5} END {print f + 0}')
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "regress: a chunk crashed (logs in $log)"; fi
grep -h "FAILED (" "$log"/*.log | head -20 || true
echo "regress: $total cases, $failed failed in ${secs} s (seeds $first.., logs in $log)"
[ "$failed" -eq 0 ] && [ "$total" -eq "$seeds" ]
