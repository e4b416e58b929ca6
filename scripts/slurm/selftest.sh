#!/usr/bin/env bash
# The Slurm path end to end (ctest -L slurm): a real single-node Slurm on this machine, a 2-shard
# RTL run of a shared checkpoint submitted through sbatch, and the merged result compared with the
# unsharded run: same cycles layer by layer, outputs identical, the reference check passed.
# Usage: selftest.sh TASU MODEL_DIR REFERENCE WORK_DIR
# Exits 77 (CTest: skipped) where Slurm cannot run: not root, or the packages missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tasu=${1:?tasu binary} model=${2:?model dir} reference=${3:?reference file} work=${4:?work dir}
if [ "$(id -u)" -ne 0 ] || ! command -v sbatch > /dev/null || [ ! -x /usr/sbin/slurmctld ]; then
  echo "selftest: skipped (needs root and Debian's slurmctld, slurmd, slurm-client, munge: scripts/setup.sh)"
  exit 77
fi
rm -rf "$work"; mkdir -p "$work"; work=$(cd "$work" && pwd)
cluster="$work/cluster"
trap '"$here/local-cluster.sh" stop "$cluster"' EXIT
"$here/local-cluster.sh" start "$cluster"
export SLURM_CONF=$cluster/slurm.conf

"$here/tasu-shards.sh" submit --out "$work/shards" --shards 2 --model "$model" --config ci --backend rtl \
  --reference "$reference" --tasu "$tasu"
read -r _ _ merge_job < "$work/shards/jobs.txt"
# Done when the controller no longer lists the merge job as pending or running; a failing
# squeue (a busy controller) is not taken for "done".
for _ in $(seq 600); do
  if state=$(squeue -h -j "$merge_job" -o %T 2>&1); then
    [ -z "$state" ] && break
  elif grep -q "Invalid job id" <<< "$state"; then
    break
  fi
  sleep 1
done
[ -f "$work/shards/merged.json" ] || { echo "selftest: no merged report"; tail -n 20 "$work"/shards/*.log "$work"/shards/*.txt; exit 1; }
cat "$work/shards/merged.txt"
grep -q '"within_tolerance": true' "$work/shards/merged.json" || { echo "selftest: merged run not within tolerance"; exit 1; }
grep -q '"bit_exact": true' "$work/shards/merged.json" || { echo "selftest: merged run not bit-exact"; exit 1; }

# The same run unsharded, then the merged outputs as its reference: every key must be equal.
"$tasu" run --model "$model" --config ci --backend rtl --reference "$reference" --dump "$work/whole.safetensors" \
  --json "$work/whole.json" > "$work/whole.txt"
"$tasu" merge "$work"/shards/shard-0.json "$work"/shards/shard-1.json --reference "$work/whole.safetensors" \
  --json "$work/against-whole.json" > "$work/against-whole.txt"
if grep 'rel L2' "$work/against-whole.txt" | grep -v 'rel L2 0.000e+00'; then
  echo "selftest: the merged outputs differ from the unsharded run"; exit 1
fi
grep -q 'prefill.layer.1.out *rel L2 0.000e+00' "$work/against-whole.txt" || { echo "selftest: nothing compared"; exit 1; }
# Cycles, layer by layer and phase by phase: the per_layer blocks of both reports are identical.
layers() { sed -n '/"per_layer"/,/^  \]/p' "$1" | grep -v '"first_mismatch"\|"device_seconds"'; }
diff <(layers "$work/whole.json") <(layers "$work/shards/merged.json") ||
  { echo "selftest: per-layer figures differ"; exit 1; }
echo "selftest: 2 Slurm shards merged == unsharded run"
