#!/usr/bin/env bash
# RTL lint: Verilator -Wall (with the waivers in rtl/lint/verilator_waivers.vlt) on every
# configuration, then Yosys synthesis with `check -assert`: no latches, no multiple drivers,
# no undriven nets, and no multiplier cell anywhere in the design.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
gen=${TASU_LINT_DIR:-$(mktemp -d /tmp/tasu-lint.XXXXXX)}
mkdir -p "$gen"

c++ -std=c++17 -O1 "$root/firmware/arch/gen_arch.cpp" -o "$gen/gen_arch"
"$gen/gen_arch" "$root/firmware/arch/tasu_arch.json" "$gen"

rtl=("$gen/tasu_pkg.sv" "$root"/rtl/tasu_fifo.sv "$root"/rtl/tasu_tile.sv "$root"/rtl/tasu_act_buffer.sv
     "$root"/rtl/tasu_out_buffer.sv "$root"/rtl/tasu_engine.sv "$root"/rtl/tasu_dma_rd.sv
     "$root"/rtl/tasu_dma_wr.sv "$root"/rtl/tasu_mem_arbiter.sv "$root"/rtl/tasu_cmd_proc.sv
     "$root"/rtl/tasu_regs.sv "$root"/rtl/tasu_top.sv)

# Vector-unit building blocks not yet instantiated under tasu_top are linted on their own.
standalone=(tasu_vu_fadd tasu_vu_fmul tasu_vu_cvt tasu_vu_lane)
vu=("$gen/tasu_pkg.sv" "$root"/rtl/tasu_vu_*.sv)

# Every RTL file must be in one of the lists above, so a new module cannot escape lint.
for f in "$root"/rtl/*.sv; do
  m=$(basename "$f" .sv)
  printf '%s\n' "${rtl[@]}" | grep -qxF "$f" || printf '%s\n' "${standalone[@]}" | grep -qxF "$m" ||
    { echo "lint: $f is not in scripts/lint.sh's file lists"; exit 1; }
done

for cfg in $(sed -n 's/^params_\(.*\)\.vc$/\1/p' <(ls "$gen")); do
  echo "lint: verilator -Wall ($cfg)"
  verilator --lint-only -Wall -sv --top-module tasu_top -f "$gen/params_$cfg.vc" \
    "$root/rtl/lint/verilator_waivers.vlt" "${rtl[@]}"
done

for m in "${standalone[@]}"; do
  echo "lint: verilator -Wall ($m)"
  verilator --lint-only -Wall -sv --top-module "$m" "$root/rtl/lint/verilator_waivers.vlt" "${vu[@]}"
  yosys -q -p "read_verilog -sv ${vu[*]}; synth -top $m -run begin:fine; check -assert" > /dev/null
done

echo "lint: yosys synth + check -assert (ci)"
{
  echo "read_verilog -sv ${rtl[*]}"
  cat "$gen/params_ci.ys"
  echo "synth -top tasu_top -run begin:coarse"
  # Before alumacc folds adders into \$macc cells: any multiply, divide or modulo shows here.
  echo "proc; opt -fast"
  echo "select -assert-none t:\$mul t:\$div t:\$mod t:\$divfloor t:\$modfloor t:\$pow"
  echo "synth -top tasu_top -run coarse:fine"
  echo "check -assert"
  echo "select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr"
} > "$gen/lint.ys"
yosys -q -l "$gen/yosys_lint.log" "$gen/lint.ys" > /dev/null
echo "lint: clean"
