#!/usr/bin/env bash
# Formal proofs of the RTL's assertions (rtl/prim/tasu_assert.sv, read with -formal) with Yosys
# and yosys-smtbmc on z3 (Debian's boolector 1.5 is too old for smtbmc's SMT-LIB2):
#   tasu_fifo at the depths the design uses: bounded model checking from reset for 24 cycles,
#     then temporal induction (an unbounded proof) of CountWithinDepth and PointersAgreeWithCount;
#   a mutant of it (in_ready ignores a full queue) must fail BMC, or the proof proves nothing;
#   tasu_cmd_tokens (the command processor's dependency tokens) at the `ci` parameters (4 units,
#   QueueDepth 4, 8-bit counters, all from tasu_pkg) with the harness
#   testbench/formal/tasu_cmd_tokens_fpv.sv: no token taken that was not given, none lost (any
#   issued instruction's completion gives exactly its push mask), none invented, overflow flagged; bounded model checking for TokBmcSteps cycles
#   from reset with Yosys's own SAT solver (`sat -seq`): yosys-smtbmc on z3 or cvc5 stalls at
#   step 5 of this model (more than 10 minutes, measured), minisat does 12 steps in 25 s. The
#   same proof with 2-bit counters, where overflow is shown reachable within the bound, and
#   four mutants at 2-bit counters (a take without a token, the completing instruction's mask
#   mixed up, overflow not flagged, a give lost when a take coincides) that must fail;
#   tasu_dma_rd (the load DMA) with testbench/formal/tasu_dma_rd_fpv.sv: its burst, data,
#   completion and error rules, bounded model checking for DmaBmcSteps cycles from reset (Yosys
#   `sat`), three witnesses reachable, six mutants caught; tasu_dma_wr (the store DMA) likewise
#   with testbench/formal/tasu_dma_wr_fpv.sv.
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
# ---- the command processor's tokens ---------------------------------------------------------
TokBmcSteps=12
# The package generated from tasu_arch.json: the token counters' and DMAs' parameters.
bash "$root/scripts/gen_arch.sh" "$out" > /dev/null
mapfile -t tokens < <(bash "$root/scripts/rtl_files.sh" cmd_tokens "$out")
tok_src=$root/rtl/core/tasu_cmd_tokens.sv
harness=$root/testbench/formal/tasu_cmd_tokens_fpv.sv

# Bounded model checking with Yosys's own SAT solver, from reset: $1 name, $2 files (the
# harness last), $3 harness module, $4 cycles, $5 Yosys commands before `prep` (chparam), $6 sat
# goal, $7 "once" to hold reset off after the first cycle (a later reset restarts harness and
# design alike; leaving it free doubles the DMA proof's time). Exit status 0 when the goal holds
# for every input sequence, 1 when Yosys found a counterexample, 2 on any other failure (a
# mutant that does not parse, a witness name optimized away), which must never count as a
# counterexample.
sat_bmc() {
  local rst="-set-at 1 rst_ni 0"
  [ "${7:-}" = once ] && for ((i = 2; i <= $4; i++)); do rst="$rst -set-at $i rst_ni 1"; done
  yosys -q -l "$out/$1.log" -p "read_verilog -formal -sv $2
    $5; prep -flatten -top $3; memory_map; opt; async2sync; dffunmap
    sat -seq $4 -set-assumes $rst -set-init-zero $6 -verify" > /dev/null 2>&1 && return 0
  grep -q "SAT proof finished - model found: FAIL" "$out/$1.log" && return 1
  echo "formal: $1: Yosys failed without a counterexample (see $out/$1.log)" >&2
  return 2
}
# Runs a command that must end in a counterexample (a mutant caught, a witness reached).
expect_cex() {
  local rc=0
  "$@" || rc=$?
  [ $rc -eq 1 ]
}
# Each mutant of $2 (lines "name|sed expression" in array $3) must fail: $1 label, $4 a
# function run as `$4 NAME FILE` with the mutated file, whose success means not caught.
mutants_caught() {
  local label=$1 src=$2 m name
  local -n list=$3
  for m in "${list[@]}"; do
    name=${m%%|*}
    sed "${m#*|}" "$src" > "$out/${label}_$name.sv"
    if cmp -s "$src" "$out/${label}_$name.sv"; then
      echo "formal: mutant $name no longer applies to $src; update scripts/formal.sh"; fail=1; continue
    fi
    if expect_cex $4 "${label}_$name" "$out/${label}_$name.sv"; then
      echo "formal: the $label mutant $name is caught"
    else
      echo "formal: the $label mutant $name was NOT caught"; fail=1
    fi
  done
}
# $1 name, $2 files, $3 chparam args, $4 sat goal.
tokens_sat() {
  sat_bmc "$1" "$2 $harness" tasu_cmd_tokens_fpv $TokBmcSteps \
    "chparam $3 tasu_cmd_tokens_fpv" "$4"
}

# The counters' width in the hardware (tasu_pkg), and 2, where overflow is within the bound.
semw_hw=$(sed -n 's/.*localparam int RegSemFromLdW = \([0-9]*\);/\1/p' "$out/tasu_pkg.sv")
[ -n "$semw_hw" ] || { echo "formal: no RegSemFromLdW in $out/tasu_pkg.sv"; exit 1; }
for semw in "$semw_hw" 2; do
  if tokens_sat "tokens_semw$semw" "${tokens[*]}" "-set SemW $semw" -prove-asserts; then
    echo "formal: tasu_cmd_tokens SemW $semw: BMC $TokBmcSteps cycles passed"
  else
    echo "formal: tasu_cmd_tokens SemW $semw: FAILED (see $out/tokens_semw$semw.log)"; fail=1
  fi
done
# Not vacuous: with 2-bit counters the bound reaches a counter's overflow.
if expect_cex tokens_sat tokens_overflow_reachable "${tokens[*]}" "-set SemW 2" "-prove overflow 0"; then
  echo "formal: tasu_cmd_tokens SemW 2: overflow reached within the bound"
else
  echo "formal: tasu_cmd_tokens: overflow NOT reachable within the bound"; fail=1
fi

# The mutants: name, sed expression.
tok_mutants=(
  "take_without_token|s/if (head_pop_i\[u\*NU + p\] \&\& sem_q\[(p\*NU + u)\*SemW +: SemW\] == '0) tok_ok\[u\] = 1'b0;/if (1'b0) tok_ok[u] = 1'b0;/"
  "wrong_mask_given|s/done_i\[u\] \&\& inflight_o\[u\] \&\& f_push\[u\*NU + c\]/done_i[u] \&\& inflight_o[u] \&\& head_push_i[u*NU + c]/"
  "overflow_not_flagged|s/if (inc\[ch\] \&\& !dec\[ch\] \&\& sem_q\[ch\*SemW +: SemW\] == '1) overflow_o = 1'b1;/if (1'b0) overflow_o = 1'b1;/"
  "give_lost_on_take|s/SemW'(inc\[ch\]) - SemW'(dec\[ch\])/SemW'(inc[ch]) - SemW'(dec[ch] \&\& !inc[ch])/"
)
tokens_mutant() { tokens_sat "$1" "${tokens[*]/$tok_src/$2}" "-set SemW 2" -prove-asserts; }
mutants_caught token "$tok_src" tok_mutants tokens_mutant

# ---- the load DMA's burst rules --------------------------------------------------------------
# testbench/formal/tasu_dma_rd_fpv.sv: each burst where and as long as the reference splitter
# says (never across a row or past the destination's capacity, at most Outstanding in flight,
# no needless stall), every good beat written once where it belongs and nothing else, one error
# per failure with its code, pc and info, done exactly on a command's last beat, nothing after an
# error. Small parameters (4-byte bus, 2-beat bursts, 2 outstanding, 16/16/8-beat buffers) so
# that row splits, several rows, capacity and bus errors all fit the bound; the cost doubles with
# each cycle (8 cycles 26 s, 10 cycles 3.5 min, measured), so the bound is 8.
DmaBmcSteps=8
# One DMA's proof: $1 the unit (tasu_$1 with its harness testbench/formal/tasu_$1_fpv.sv and file
# set [$1]), $2 the name of its mutant array, then its witnesses. Bounded model checking for
# DmaBmcSteps cycles from one reset, each witness reached, each mutant caught.
dma_proof() {
  local unit=$1 mutants=$2 w
  shift 2
  mapfile -t dma_files < <(bash "$root/scripts/rtl_files.sh" "$unit" "$out")
  dma_src=$root/rtl/core/tasu_$unit.sv
  dma_harness=$root/testbench/formal/tasu_${unit}_fpv.sv
  dma_top=tasu_${unit}_fpv
  if sat_bmc "$unit" "${dma_files[*]} $dma_harness" $dma_top $DmaBmcSteps "" -prove-asserts once; then
    echo "formal: tasu_$unit burst rules: BMC $DmaBmcSteps cycles passed"
  else
    echo "formal: tasu_$unit burst rules: FAILED (see $out/$unit.log)"; fail=1
  fi
  for w in "$@"; do
    if expect_cex sat_bmc "${unit}_$w" "${dma_files[*]} $dma_harness" $dma_top $DmaBmcSteps "" "-prove $w 0" once; then
      echo "formal: tasu_$unit: $w reached within the bound"
    else
      echo "formal: tasu_$unit: $w NOT reachable within the bound"; fail=1
    fi
  done
  mutants_caught "$unit" "$dma_src" "$mutants" dma_mutant
}
dma_mutant() {
  sat_bmc "$1" "${dma_files[*]/$dma_src/$2} $dma_harness" $dma_top $DmaBmcSteps "" -prove-asserts once
}
rd_mutants=(
  "no_capacity_check|s/assign over_cap   = packed_wgt ? over_bytes : over_beats;/assign over_cap   = 1'b0;/"
  "burst_across_row|s/assign burst_len  = (beats_left_q > 16'(MaxBurst))/assign burst_len  = (1'b1)/"
  "next_row_from_burst|s/addr_d       = row_addr_q + stride_q;/addr_d       = addr_q + stride_q;/"
  "failed_beat_written|s/desc_valid \&\& !rd_err_i \&\& !data_err_q/desc_valid \&\& !data_err_q/"
  "requests_after_bus_error|s/if (bus_err) state_d = StHalt;/if (1'b0) state_d = StHalt;/"
  "done_after_halt|s/assign done_o  = beat_ok \&\& /assign done_o  = rd_valid_i \&\& !rd_err_i \&\& !data_err_q \&\& /"
)
dma_proof dma_rd rd_mutants cover_done_split cover_done_rows cover_over_cap

# ---- the store DMA's burst rules -------------------------------------------------------------
# testbench/formal/tasu_dma_wr_fpv.sv: the reference's bursts, beats in buffer order from the
# command's first (buffers whose beat b reads as a pattern of b), each of a requested burst, last
# on its burst's last beat, never past the buffer; done only with every burst answered; one
# error per failure, a failed write naming its burst's row; nothing after an error. Same small
# parameters and bound as the load DMA (8 cycles: 14 s; 10 cycles: 2.6 min, measured).
wr_mutants=(
  "last_flag_late|s/assign wlast_o       = (beat_in_burst_q == len_head - 9'd1);/assign wlast_o       = (beat_in_burst_q == len_head);/"
  "no_overrun_check|s/assign sram_over     = (sram_q/assign sram_over     = 1'b0 \&\& (sram_q/"
  "done_before_answers|s/((resp_pend_q == '0) || (resp_pend_q == 16'd1 \&\& bresp_valid_i))/1'b1/"
  "next_row_from_burst|s/addr_q       <= row_addr_q + stride_q;/addr_q       <= addr_q + stride_q;/"
  "error_names_newest_row|s/err_info_o = rows_valid ? resp_row : row_addr_q;/err_info_o = row_addr_q;/"
  "data_after_error|s/assign wdata_valid_o = skid_valid \&\& len_valid \&\& (state_q == StBusy);/assign wdata_valid_o = skid_valid \&\& len_valid;/"
)
dma_proof dma_wr wr_mutants cover_done_split cover_done_rows cover_overrun

[ $fail -eq 0 ] && echo "formal: all proven" || { echo "formal: FAILED"; exit 1; }
