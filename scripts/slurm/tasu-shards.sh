#!/usr/bin/env bash
# Runs a model's decoder layers as independent layer shards and merges them: one fast
# functional-model pass dumps every layer's input (the device is bit-exact against the exact layer model, so
# these are the inputs the RTL would produce), then each shard simulates its layer range on the
# RTL from that dump, and `tasu merge` joins the shards' reports and dumps into one.
#   submit: a Slurm job for the input pass, a job array with one task per shard that depends on
#           it, and a merge job that depends on the array (docs/performance.md: a real cluster).
#   local:  the same steps as processes on this machine, --parallel at a time.
# Usage: tasu-shards.sh submit|local --out DIR --shards N [--layers A:B] [--model DIR] [--config C]
#          [--backend rtl|model] [--prefill P] [--decode D] [--reference FILE] [--seed S]
#          [--clock-mhz F] [--tasu PATH] [--parallel J] [--partition P] [--time T]
# The steps themselves (what the jobs run): tasu-shards.sh step input|shard K|merge DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

die() { echo "tasu-shards: $*" >&2; exit 2; }

# ---- the steps, run by Slurm jobs or local processes; DIR/job.env holds the run's settings ----
if [ "${1:-}" = step ]; then
  what=${2:?step needs input, shard K or merge}
  if [ "$what" = shard ]; then k=${3:?shard needs its index}; dir=${4:?}; else dir=${3:?}; fi
  # shellcheck source=/dev/null
  source "$dir/job.env"
  model_opt=(); [ -n "$MODEL" ] && model_opt=(--model "$MODEL")
  case "$what" in
    input)
      tok_opt=(--prefill "$PREFILL" --decode "$DECODE")
      [ -n "$REFERENCE" ] && tok_opt=(--reference "$REFERENCE")
      # With a reference, exit status 1 only says a tolerance was missed; the dump is complete.
      rc=0
      # From layer 0: the first shard may start above 0 and needs the layer before it.
      "$TASU" run "${model_opt[@]}" --seed "$SEED" --config "$CONFIG" --backend model --layers "0:$END" \
        "${tok_opt[@]}" --dump "$dir/input.safetensors" --json "$dir/input.json" > "$dir/input.txt" || rc=$?
      [ "$rc" -le 1 ] || { cat "$dir/input.txt" >&2; exit "$rc"; }
      ;;
    shard)
      read -r a b < <(sed -n "$((k + 1))p" "$dir/shards.txt") || die "no shard $k in $dir/shards.txt"
      "$TASU" run "${model_opt[@]}" --seed "$SEED" --config "$CONFIG" --backend "$BACKEND" --layers "$a:$b" \
        --input "$dir/input.safetensors" --clock-mhz "$CLOCK" \
        --dump "$dir/shard-$k.safetensors" --json "$dir/shard-$k.json" > "$dir/shard-$k.txt"
      ;;
    merge)
      ref_opt=(); [ -n "$REFERENCE" ] && ref_opt=(--reference "$REFERENCE")
      reports=(); for ((i = 0; i < SHARDS; i++)); do reports+=("$dir/shard-$i.json"); done
      "$TASU" merge "${reports[@]}" "${ref_opt[@]}" --clock-mhz "$CLOCK" \
        --dump "$dir/merged.safetensors" --json "$dir/merged.json" | tee "$dir/merged.txt"
      ;;
    *) die "unknown step $what" ;;
  esac
  exit 0
fi

# ---- planning ------------------------------------------------------------------------------
mode=${1:-}; shift || true
[ "$mode" = submit ] || [ "$mode" = local ] || die "usage: tasu-shards.sh submit|local --out DIR --shards N [options]"
out="" shards="" layers="" model="" config=default backend=rtl prefill=32 decode=4 reference="" seed=1 clock=1000
tasu="$root/build/tasu" parallel=2 partition="" time_limit=""
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || die "$1 needs a value"
  case "$1" in
    --out) out=$2 ;; --shards) shards=$2 ;; --layers) layers=$2 ;; --model) model=$2 ;; --config) config=$2 ;;
    --backend) backend=$2 ;; --prefill) prefill=$2 ;; --decode) decode=$2 ;; --reference) reference=$2 ;;
    --seed) seed=$2 ;; --clock-mhz) clock=$2 ;; --tasu) tasu=$2 ;; --parallel) parallel=$2 ;;
    --partition) partition=$2 ;; --time) time_limit=$2 ;;
    *) die "unknown option $1" ;;
  esac
  shift 2
done
[ -n "$out" ] || die "--out DIR is required"
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || die "--shards must be a positive number"
[ -x "$tasu" ] || die "$tasu is not an executable (build it, or give --tasu)"
abspath() { [ -z "$1" ] && return; case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
model=$(abspath "$model"); reference=$(abspath "$reference"); tasu=$(abspath "$tasu")
mkdir -p "$out"; out=$(cd "$out" && pwd)

if [ -n "$layers" ]; then
  [[ "$layers" =~ ^([0-9]+):([0-9]+)$ ]] || die "--layers '$layers' is not of the form A:B"
  first=${BASH_REMATCH[1]} end=${BASH_REMATCH[2]}
elif [ -n "$model" ]; then
  end=$(grep -o '"num_hidden_layers"[^0-9]*[0-9]*' "$model/config.json" | grep -o '[0-9]*$') ||
    die "cannot read num_hidden_layers from $model/config.json"
  first=0
else
  first=0 end=30   # the embedded synthetic model
fi
n=$((end - first))
[ "$n" -ge 1 ] || die "--layers $first:$end is empty"
[ "$shards" -le "$n" ] || die "$shards shards for $n layers"
# Contiguous ranges, the first n % shards of them one layer longer.
: > "$out/shards.txt"
a=$first
for ((i = 0; i < shards; i++)); do
  len=$((n / shards + (i < n % shards ? 1 : 0)))
  echo "$a $((a + len))" >> "$out/shards.txt"
  a=$((a + len))
done
# Shell-quoted (%q), so any path survives being sourced by the jobs.
{
  for v in TASU MODEL CONFIG BACKEND PREFILL DECODE REFERENCE SEED CLOCK FIRST END SHARDS; do
    lower=${v,,}
    printf '%s=%q\n' "$v" "${!lower}"
  done
} > "$out/job.env"
echo "tasu-shards: layers $first:$end in $shards shards ($(tr '\n' ',' < "$out/shards.txt" | sed 's/ /:/g; s/,$//')), results in $out"

if [ "$mode" = local ]; then
  t0=$(date +%s)
  "$0" step input "$out"
  seq 0 $((shards - 1)) | xargs -P "$parallel" -I{} "$0" step shard {} "$out"
  "$0" step merge "$out"
  echo "tasu-shards: local run took $(($(date +%s) - t0)) s"
  exit 0
fi

# Slurm: three submissions chained by dependencies; each job writes its log into DIR.
command -v sbatch > /dev/null || die "sbatch not found: is this a Slurm submit host?"
# A failed input pass or shard must not leave the dependent jobs pending forever.
opts=(--parsable --chdir "$out" --kill-on-invalid-dep=yes)
self=$(printf %q "$here/tasu-shards.sh") qout=$(printf %q "$out")
[ -n "$partition" ] && opts+=(--partition "$partition")
[ -n "$time_limit" ] && opts+=(--time "$time_limit")
j_in=$(sbatch "${opts[@]}" --job-name tasu-input --output "$out/slurm-input.log" --cpus-per-task 1 \
  --wrap "$self step input $qout")
j_sh=$(sbatch "${opts[@]}" --job-name tasu-shard --dependency "afterok:$j_in" --array "0-$((shards - 1))" \
  --output "$out/slurm-shard-%a.log" --cpus-per-task 1 --wrap "$self step shard \$SLURM_ARRAY_TASK_ID $qout")
j_mg=$(sbatch "${opts[@]}" --job-name tasu-merge --dependency "afterany:$j_sh" --output "$out/slurm-merge.log" \
  --cpus-per-task 1 --wrap "$self step merge $qout")
echo "$j_in $j_sh $j_mg" > "$out/jobs.txt"
echo "tasu-shards: submitted input job $j_in, shard array $j_sh, merge job $j_mg"
