#!/usr/bin/env bash
# Formal proofs of the RTL's assertions (rtl/prim/tasu_assert.sv, read with -formal) with Yosys
# and yosys-smtbmc on z3 (Debian's boolector 1.5 is too old for smtbmc's SMT-LIB2):
#   tasu_fifo at the depths the design uses: bounded model checking from reset for 24 cycles,
#     then temporal induction (an unbounded proof) of CountWithinDepth and PointersAgreeWithCount;
#   a mutant of it (in_ready ignores a full queue) must fail BMC, or the proof proves nothing.
# Usage: scripts/formal.sh [OUT_DIR]. Exit 0 when everything is proven and the mutant caught.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$(mktemp -d /tmp/tasu-formal.XXXXXX)}
mkdir -p "$out"
command -v z3 > /dev/null || { echo "formal: z3 is missing (scripts/setup.sh installs it)"; exit 1; }
mapfile -t fifo < <(bash "$root/scripts/rtl_files.sh" fifo "$out")
src=$root/rtl/prim/tasu_fifo.sv

# $1 name, $2 files, $3 Depth, $4 Width: writes $out/$1.smt2.
model() {
  yosys -q -l "$out/$1.yosys.log" -p "read_verilog -formal -sv $2
    chparam -set Depth $3 -set Width $4 tasu_fifo
    prep -top tasu_fifo; async2sync; dffunmap; write_smt2 -wires $out/$1.smt2" > /dev/null
}

fail=0
for depth in 2 4 8 16; do
  model "fifo_d$depth" "${fifo[*]}" "$depth" 3
  if yosys-smtbmc -s z3 -t 24 "$out/fifo_d$depth.smt2" > "$out/fifo_d$depth.bmc.log" &&
     yosys-smtbmc -s z3 -i -t 4 "$out/fifo_d$depth.smt2" > "$out/fifo_d$depth.ind.log"; then
    echo "formal: tasu_fifo Depth $depth: BMC 24 cycles passed, induction proved"
  else
    echo "formal: tasu_fifo Depth $depth: FAILED (see $out/fifo_d$depth.*.log)"; fail=1
  fi
done

# The mutant: the proof must find its overflow.
sed "s/assign in_ready_o  = (count_q != Depth\[PtrW:0\]);/assign in_ready_o  = 1'b1;/" "$src" > "$out/tasu_fifo_mutant.sv"
if cmp -s "$src" "$out/tasu_fifo_mutant.sv"; then
  echo "formal: the mutated line is gone from $src; update scripts/formal.sh"; exit 1
fi
model fifo_mutant "${fifo[*]/$src/$out/tasu_fifo_mutant.sv}" 4 3
if yosys-smtbmc -s z3 -t 24 "$out/fifo_mutant.smt2" > "$out/fifo_mutant.bmc.log"; then
  echo "formal: the FIFO mutant (push when full) was NOT caught"; fail=1
else
  echo "formal: the FIFO mutant (push when full) is caught: $(grep -m1 -o 'Assert failed.*' "$out/fifo_mutant.bmc.log")"
fi
[ $fail -eq 0 ] && echo "formal: all proven" || { echo "formal: FAILED"; exit 1; }
