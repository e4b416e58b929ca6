#!/usr/bin/env bash
# RTL lint: Verilator -Wall (with the waivers in rtl/lint/verilator_waivers.vlt) on every
# configuration, then Yosys synthesis with `check -assert`: no latches, no multiple drivers,
# no undriven nets, and no multiplier cell anywhere in the ternary engine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
gen=${TASU_LINT_DIR:-$(mktemp -d /tmp/tasu-lint.XXXXXX)}
mkdir -p "$gen"

c++ -std=c++17 -O1 "$root/firmware/arch/gen_arch.cpp" -o "$gen/gen_arch"
"$gen/gen_arch" "$root/firmware/arch/tasu_arch.json" "$gen"

rtl=("$gen/tasu_pkg.sv" "$root"/rtl/tasu_fifo.sv "$root"/rtl/tasu_tile.sv "$root"/rtl/tasu_act_buffer.sv
     "$root"/rtl/tasu_out_buffer.sv "$root"/rtl/tasu_engine.sv "$root"/rtl/tasu_dma_rd.sv
     "$root"/rtl/tasu_dma_wr.sv "$root"/rtl/tasu_mem_arbiter.sv "$root"/rtl/tasu_cmd_proc.sv
     "$root"/rtl/tasu_regs.sv "$root"/rtl/tasu_vu_fadd.sv "$root"/rtl/tasu_vu_fmul.sv
     "$root"/rtl/tasu_vu_cvt.sv "$root"/rtl/tasu_vu_lane.sv "$root"/rtl/tasu_vu_spad.sv "$root"/rtl/tasu_vu.sv
     "$root"/rtl/tasu_top.sv)

# Every RTL file must be in one of the lists above, so a new module cannot escape lint.
for f in "$root"/rtl/*.sv; do
  m=$(basename "$f" .sv)
  printf '%s\n' "${rtl[@]}" | grep -qxF "$f" ||
    { echo "lint: $f is not in scripts/lint.sh's file lists"; exit 1; }
done

for cfg in $(sed -n 's/^params_\(.*\)\.vc$/\1/p' <(ls "$gen")); do
  echo "lint: verilator -Wall ($cfg)"
  verilator --lint-only -Wall -sv --top-module tasu_top -f "$gen/params_$cfg.vc" \
    "$root/rtl/lint/verilator_waivers.vlt" "${rtl[@]}"
done

echo "lint: yosys synth + check -assert (ci)"
# The ternary engine (tiles, reduction, accumulators) must hold no multiplier, divider or
# modulo: checked on tasu_engine alone, before alumacc folds adders into \$macc cells. The
# vector unit multiplies by design and is outside this rule.
{
  echo "read_verilog -sv ${rtl[*]}"
  grep -v "VRows\|MaxBurst" "$gen/params_ci.ys" | sed 's/tasu_top$/tasu_engine/'
  echo "synth -top tasu_engine -run begin:coarse"
  echo "proc; opt -fast"
  echo "select -assert-none t:\$mul t:\$div t:\$mod t:\$divfloor t:\$modfloor t:\$pow"
} > "$gen/lint_engine.ys"
yosys -q -l "$gen/yosys_lint_engine.log" "$gen/lint_engine.ys" > /dev/null
{
  echo "read_verilog -sv ${rtl[*]}"
  cat "$gen/params_ci.ys"
  echo "synth -top tasu_top -run begin:fine"
  echo "check -assert"
  echo "select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr"
} > "$gen/lint.ys"
yosys -q -l "$gen/yosys_lint.log" "$gen/lint.ys" > /dev/null
echo "lint: clean"
