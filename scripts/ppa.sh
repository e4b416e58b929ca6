#!/usr/bin/env bash
# Silicon comparison of the add-only ternary engine against INT8 and BF16 MAC arrays: one
# engine row of each kind (rtl/ppa/tasu_ppa_row.sv: weight store, dot product of Lanes weights,
# accumulator; same interface and one dot product per cycle) synthesized by Yosys to the OSU
# 0.18 um standard cells, timed by OpenSTA, and its power estimated by OpenSTA at the switching
# activity of real BitNet data (build/tasu_ppa_activity); then the engine of the configuration
# composed from those measured units (Tiles x Rows rows, one activation slice per tile), with
# flip-flop or SRAM-model weight storage, beside the control and vector unit synthesized alike.
# Writes report.md and report.html (SVG bars) into the output directory.
#   usage: scripts/ppa.sh [CONFIG]        (default: default; Lanes and WDepth come from it)
#   env:   TASU_PPA_DIR (output, default build/ppa-CONFIG), TASU_PPA_CLOCK_NS (default 10),
#          TASU_SRAM_* (the SRAM model, below), TASU_PPA_REPORT_ONLY=1 (report from the last run),
#          TASU_PPA_ROWS="name ..." (run only these rows, the others' results and shared
#          modules from the last run)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TASU_BUILD_DIR:-$root/build}
config=${1:-default}
out=${TASU_PPA_DIR:-$build/ppa-$config}
clock_ns=${TASU_PPA_CLOCK_NS:-10}
vu_act=${TASU_PPA_VU_ACTIVITY:-0.25}   # operand activity of the vector lane's power (see below)
lib=/usr/share/qflow/tech/osu018/osu018_stdcells.lib
[ -f "$lib" ] || { echo "ppa: $lib missing (Debian package qflow-tech-osu018, scripts/setup.sh)"; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)   # OpenSTA runs inside it

[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j2 --target tasu_ppa_activity > /dev/null
bash "$root/scripts/gen_arch.sh" "$out"
lanes=$(sed -n 's/^-GLanes=//p' "$out/params_$config.vc")
depth=$(sed -n 's/^-GWDepth=//p' "$out/params_$config.vc")
tiles=$(sed -n 's/^-GTiles=//p' "$out/params_$config.vc")
rows=$(sed -n 's/^-GRows=//p' "$out/params_$config.vc")
actwords=$(sed -n 's/^-GActWords=//p' "$out/params_$config.vc")
outwords=$(sed -n 's/^-GOutWords=//p' "$out/params_$config.vc")
vrows=$(sed -n 's/^-GVRows=//p' "$out/params_$config.vc")
accw=$(sed -n 's/^-GAccW=//p' "$out/params_$config.vc")
# A row's store holds what one tile row holds in the engine: WgtBufs buffers of WDepth words.
wgtbufs=$(sed -n 's/.*localparam int WgtBufs = \([0-9]*\);.*/\1/p' "$out/tasu_pkg.sv")
depth=$((wgtbufs * depth))
[ -n "$lanes" ] || { echo "ppa: unknown configuration '$config'"; exit 1; }

# The rows, from tasu_arch.json's ppa_rows (index = tasu_ppa_row's Kind): name, engine, weight bits
# (a LUT3 row stores a 5-bit code per group of three weights, the last group padded).
names=(); engs=(); wbits=(); erow=(); reuse=(); dots=()
while read -r k n eng wb _ dot er ru; do
  [ "$dot" = LUT3 ] && wb=$(awk -v l="$lanes" 'BEGIN { printf "%.6g", int((l + 2) / 3) * 5 / l }')
  names[k]=$n; engs[k]=$eng; wbits[k]=$wb; erow[k]=$er; reuse[k]=$ru; dots[k]=$dot
done < "$out/ppa_rows.txt"
bf16_row=$(awk '$3 == "BF16" {print $2; exit}' "$out/ppa_rows.txt")
mapfile -t rtl < <(bash "$root/scripts/rtl_files.sh" ppa_rows "$out")
mapfile -t vu_float < <(bash "$root/scripts/rtl_files.sh" vu_float "$out")
mapfile -t vu_lane < <(bash "$root/scripts/rtl_files.sh" vu_lane "$out")
mapfile -t top_rtl < <(bash "$root/scripts/rtl_files.sh" top "$out")
[ ${#rtl[@]} -gt 0 ] && [ ${#top_rtl[@]} -gt 0 ] || { echo "ppa: rtl/filesets.txt gave no files"; exit 1; }

# Power by unit (store, dot product, activation slice, rest) from OpenSTA's per-instance report.
# The LUT rows' pair or triple table belongs to the tile: it counts with the activation slice.
unit_of='u = (p[1] ~ /u_wstore/) ? "s" : (p[1] ~ /u_dot/) ? "d" : (p[1] ~ /u_areg|u_lut_table/) ? "a" : "r"'
unit_power() {
  awk 'NF == 5 && $1 ~ /e[-+]/ && $4 ~ /e[-+]/ { split($5, p, "/"); '"$unit_of"'; pw[u] += $4; any = 1 }
       END { if (any) printf "%g %g %g %g", pw["s"], pw["d"], pw["a"], pw["r"]; else print "nan nan nan nan" }' "$1"
}
# Gate-level power (GATE.txt from tasu_ppa_activity, OpenSTA's per-instance power at activity 0
# and 1): "total leakage store dot slice rest" in W; fails if an instance has no activity.
gate_power() {
  awk 'FNR == 1 { f++ }
       f == 1 && !/^#/ { act[$1] = $2; next }
       f >= 2 && NF == 5 && $1 ~ /e[-+]/ { pw[f, $5] = $4; lk[$5] = $3; seen[$5] }
       f >= 2 && /^Total/ { total[f] = 1 }
       END {
         if (!total[2] || !total[3]) exit 1          # an OpenSTA run that did not finish
         for (i in act) if (!((2, i) in pw) || !((3, i) in pw)) miss++
         for (i in seen) {
           if (!(i in act)) { if (pw[2, i] + pw[3, i] > 0) miss++; continue }  # hierarchical instances: 0
           e = pw[2, i] + act[i] * (pw[3, i] - pw[2, i])
           split(i, p, "/"); '"$unit_of"'
           un[u] += e; tot += e; leak += lk[i]; n++
         }
         if (miss || !n) exit 1
         printf "%g %g %g %g %g %g\n", tot, leak, un["s"], un["d"], un["a"], un["r"]
       }' "$@"
}

# TASU_PPA_REPORT_ONLY=1 rewrites the report from the last run's logs.
if [ -z "${TASU_PPA_REPORT_ONLY:-}" ]; then
# One row: synthesis, gate-level activity, timing and power. The rows of one dot product (a group:
# the reuse rows beside the R = 1 row, the 1.6-bit store's beside the 2-bit one) run in turn in
# one job, the groups TASU_PPA_JOBS at a time (default 2, this machine's cores), each row
# writing only its own files.
#   row K [LIBRARY]: LIBRARY (RTLIL), the mapped submodules of the group's rows before this one;
#   a submodule of the same parameters (the same derived name: the dot product, the store, the
#   activation register) is taken from it as mapped, not synthesized again, and this row's own
#   are added to it. So a group's rows differ only in the logic that differs: ABC's result for
#   the same module moves with the order of its cells (docs/ppa.md, "How stable the figures
#   are"), by about 1% between rows that share it, and an INT8 row's 32 multipliers cost ABC 1 to
#   5 minutes each time they are mapped. NAME.modules.il stays in the output directory for runs
#   of some rows only (TASU_PPA_ROWS, below).
row() {
  local k=$1 n=${names[$1]} libin=${2:-} libcmd="" keep=""
  echo "ppa: $n (Lanes $lanes, Depth $depth)"
  # -nooverwrite: a module without parameters (one name, mapped or not) keeps the mapped copy.
  [ -z "$libin" ] || { libcmd="read_liberty -lib $lib; read_rtlil $libin"; keep=-nooverwrite; }
  yosys -q -l "$out/$n.yosys.log" -p "
    $libcmd
    read_verilog -sv $keep ${rtl[*]}
    chparam -set Kind $k -set Lanes $lanes -set Depth $depth -set AccW $accw tasu_ppa_row
    synth -top tasu_ppa_row
    dfflibmap -liberty $lib
    abc -liberty $lib -D $((clock_ns * 1000))
    opt_clean
    select =A:blackbox tasu_ppa_row %u %n; write_rtlil -selected $out/$n.modules.il; select -clear
    tee -q -o $out/$n.stat.txt stat -liberty $lib
    splitnets -ports
    opt_clean -purge
    write_verilog -noattr -noexpr -nohex -nodec $out/$n.v" > /dev/null || return 1
  # Gate-level activity (issue #11, item 2): the mapped netlist, flattened, simulated on the same
  # real weights and activations (model/gate; every partial sum checked against the exact one);
  # each cell's toggles are priced with OpenSTA's power of that cell (below).
  rm -f "$out/$n.gate.txt" "$out/$n.gate_power.txt"
  yosys -q -l "$out/$n.flat.log" -p "read_liberty -lib $lib; read_verilog $out/$n.v; hierarchy -top tasu_ppa_row; flatten; write_json $out/$n.json" > /dev/null || return 1
  "$build/tasu_ppa_activity" "$k" "$lanes" "$depth" "$out/$n.activity.tcl" --netlist "$out/$n.json" --liberty "$lib" \
    --gate-out "$out/$n.gate.txt" > "$out/$n.activity.log" 2>&1 || { cat "$out/$n.activity.log"; return 1; }
  # The MAC arrays' engine rows again with dense weights (int8 / BF16 data in place of the ternary
  # ones): a stand-in for an INT8 or BF16 model's own weights, to bound what the ternary weights
  # spare those multipliers.
  rm -f "$out/$n.dense.txt" "$out/$n.dense_power.txt"
  if [ "${engs[$k]}" != TERNARY ] && [ "${erow[$k]}" = 1 ]; then
    "$build/tasu_ppa_activity" "$k" "$lanes" "$depth" "$out/$n.dense_port.tcl" --netlist "$out/$n.json" --liberty "$lib" \
      --gate-out "$out/$n.dense.txt" --weights dense >> "$out/$n.activity.log" 2>&1 || { cat "$out/$n.activity.log"; return 1; }
  fi
  rm -f "$out/$n.json"   # 10-300 MB; rebuilt from $n.v in seconds
  cat > "$out/$n.sta.tcl" <<EOF || return 1
read_liberty $lib
read_verilog $out/$n.v
link_design tasu_ppa_row
create_clock -name clk -period $clock_ns [get_ports clk_i]
set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports clk_i]]
set_output_delay 0 -clock clk [all_outputs]
# Timing of the compute path, register to register (store read register, slice -> dot product
# -> accumulator): paths from the ports would time the flip-flop store's address decode, whose
# fanout ABC leaves unbuffered and which an SRAM would replace; for the same reason paths into the
# store (a reuse row's read enable, from its token counter) are not timed either.
set_false_path -from [all_inputs]
set_false_path -to [get_cells u_wstore/*]
report_checks -path_delay max -digits 3
report_wns
source $out/$n.activity.tcl
report_power
report_power -instances [get_cells -hierarchical *]
exit
EOF
  # OpenSTA 2.0.17 crashes in report_power on the BF16 netlist when it propagates the ports'
  # activity (not with a global activity, below): the port-annotated column then shows n/a.
  (cd "$out" && sta -no_init -exit "$n.sta.tcl" > "$n.sta.log" 2>&1) || echo "ppa: OpenSTA failed on $n (exit $?), see $out/$n.sta.log"
  # Power with the gate-level activity. OpenSTA 2.0.17 cannot take it per pin: its
  # set_power_activity -pins calls procedures that do not exist, and its activity propagation
  # overwrites internal pins' activity anyway. OpenSTA's power of an instance is linear in the
  # activity of its pins (internal energy per transition plus C V^2 / 2 per transition, the clock
  # pin's power apart), so each instance is priced from OpenSTA's own per-instance power at a
  # global activity of 0 and of 1 (duty 0.5): P = P(0) + a (P(1) - P(0)), a its simulated
  # activity (gate_power below).
  if [ -f "$out/$n.gate.txt" ]; then
    for a in 0 1; do
      printf 'read_liberty %s\nread_verilog %s\nlink_design tasu_ppa_row\ncreate_clock -name clk -period %s [get_ports clk_i]\nset_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports clk_i]]\nset_power_activity -global -activity %s -duty 0.5\nreport_power -digits 6\nreport_power -digits 6 -instances [get_cells -hierarchical *]\nexit\n' \
        "$lib" "$out/$n.v" "$clock_ns" "$a" > "$out/$n.sta_a$a.tcl" || return 1
      (cd "$out" && sta -no_init -exit "$n.sta_a$a.tcl" > "$n.sta_a$a.log" 2>&1) || echo "ppa: OpenSTA failed on $n at activity $a (exit $?), see $out/$n.sta_a$a.log"
    done
    gate_power "$out/$n.gate.txt" "$out/$n.sta_a0.log" "$out/$n.sta_a1.log" > "$out/$n.gate_power.txt" ||
      echo "ppa: no gate-level power for $n (an instance without activity or OpenSTA's power), see $out/$n.sta_a*.log"
    if [ -f "$out/$n.dense.txt" ]; then
      gate_power "$out/$n.dense.txt" "$out/$n.sta_a0.log" "$out/$n.sta_a1.log" > "$out/$n.dense_power.txt" || rm -f "$out/$n.dense_power.txt"
    fi
  fi
  touch "$out/$n.done"
}
# ---- Shared units ---------------------------------------------------------------------------
# The rest of the accelerator is the same whatever the engine: the command processor, DMA,
# arbiter, registers and queues ("control": tasu_top with the engine and the vector unit's
# lanes and scratchpad as black boxes, so the vector unit's sequencer shows apart), and the
# vector unit's lanes (one synthesized, times VLanes). Area only: their power would need an
# activity of whole programs, which this flow does not derive. A job of the rows' pool, started
# first: the control synthesis is its longest job, and run alone after the rows it left a core
# idle for minutes.
shared_units() {
  echo "ppa: control and vector unit ($config)"
  {
    echo "read_verilog -sv ${top_rtl[*]}"
    cat "$out/params_$config.ys"
    # The modules take their parameters from tasu_top (no defaults): black boxes once derived.
    echo "hierarchy -top tasu_top"
    echo "blackbox *tasu_engine *tasu_vu_lane *tasu_vu_spad"
    echo "synth -top tasu_top; dfflibmap -liberty $lib; abc -liberty $lib -D $((clock_ns * 1000)); opt_clean"
    echo "tee -q -o $out/control.stat.txt stat -liberty $lib"
  } > "$out/control.ys" || return 1
  yosys -q -l "$out/control.yosys.log" "$out/control.ys" > /dev/null || return 1
  yosys -q -l "$out/vu_lane.yosys.log" -p "
    read_verilog -sv ${vu_lane[*]}
    synth -top tasu_vu_lane; abc -liberty $lib -D $((clock_ns * 1000)); opt_clean
    tee -q -o $out/vu_lane.stat.txt stat -liberty $lib
    splitnets -ports; opt_clean -purge
    write_verilog -noattr -noexpr -nohex -nodec $out/vu_lane.v" > /dev/null || return 1
  # A lane's energy per operation for the energy model (tasu run --energy), by what it enables:
  # a binary32 add (ELEM ADD, MAX, the other ELEM operations, an upper bound for them), a multiply
  # (ELEM MUL) and a multiply beside the accumulating add (DOT, DOTS, WSUM). Operands switch at
  # TASU_PPA_VU_ACTIVITY (an assumption: no program activity is derived for the vector unit).
  # The operation code and its width, from the package: "WIDTH:CODE".
  vop() { sed -n "s/.*localparam logic \[[0-9]*:0\] Vop$1 = \([0-9]*\)'d\([0-9]*\);/\1:\2/p" "$out/tasu_pkg.sv"; }
  vu_pj=""
  for mode in add:$(vop ADD):0 mul:$(vop MUL):0 mac:$(vop MUL):1; do
    IFS=: read -r name width code acc <<< "$mode"
    {
      printf 'read_liberty %s\nread_verilog %s\nlink_design tasu_vu_lane\n' "$lib" "$out/vu_lane.v"
      printf 'create_clock -name clk -period %s\nset_input_delay 0 -clock clk [all_inputs]\n' "$clock_ns"
      printf 'set_power_activity -input -activity %s -duty 0.5\n' "$vu_act"
      printf 'set_power_activity -input_ports [get_ports en_i] -activity 0 -duty 1\n'
      printf 'set_power_activity -input_ports [get_ports acc_en_i] -activity 0 -duty %s\n' "$acc"
      for ((b = 0; b < width; b++)); do
        printf 'set_power_activity -input_ports [get_ports {op_i[%d]}] -activity 0 -duty %d\n' "$b" $(((code >> b) & 1))
      done
      [ "$acc" = 1 ] || printf 'set_power_activity -input_ports [get_ports {acc_a_i[*]} ] -activity 0 -duty 0\nset_power_activity -input_ports [get_ports {acc_b_i[*]}] -activity 0 -duty 0\n'
      printf 'report_power\nexit\n'
    } > "$out/vu_lane_$name.sta.tcl" || return 1
    (cd "$out" && sta -no_init -exit "vu_lane_$name.sta.tcl" > "vu_lane_$name.sta.log" 2>&1) || true
    # pJ per lane operation: total power (W) x clock period.
    vu_pj="$vu_pj $(awk -v c="$clock_ns" '/^Total/{printf "%.4f", $5 * c * 1e3; f = 1; exit} END {if (!f) print "nan"}' "$out/vu_lane_$name.sta.log")"
  done
  ctl_total=$(sed -n "s/.*Chip area for top module.*: \([0-9.]*\)/\1/p" "$out/control.stat.txt")
  # The sequencer with everything under it (the DOTS tree, its adders and comparators): the area
  # of tasu_vu's own cells alone left the tree in "control" until session 24. From the design
  # hierarchy: each module below tasu_vu times its instance count along the path.
  vu_seq=$(awk '
    /Chip area for module/ { n = $0; sub(/.*Chip area for module .\\?/, "", n); sub(/.: [0-9.]+$/, "", n);
                             a = $0; sub(/.*: /, "", a); area[n] = a + 0 }
    /=== design hierarchy ===/ { h = 1; next }
    h && /^ *$/ && seen { h = 0 }
    h && NF == 2 && $2 ~ /^[0-9]+$/ {
      seen = 1; match($0, /^ */); lvl = RLENGTH; name = $1; sub(/^\\/, "", name); mult[lvl] = $2
      if (in_vu && lvl <= vu_lvl) in_vu = 0
      if (in_vu) { m = 1; for (l in mult) if (l + 0 > vu_lvl && l + 0 <= lvl) m *= mult[l]; total += m * area[name] }
      if (name ~ /tasu_vu$/) { in_vu = 1; vu_lvl = lvl; total = area[name]; for (l in mult) if (l + 0 > lvl) delete mult[l] }
      for (l in mult) if (l + 0 > lvl) delete mult[l]
    }
    END { printf "%.1f", total }' "$out/control.stat.txt")
  vu_lane=$(sed -n "s/.*Chip area for top module.*: \([0-9.]*\)/\1/p" "$out/vu_lane.stat.txt")
  vlanes=$(sed -n 's/.*localparam int VLanes = \([0-9]*\);/\1/p' "$out/tasu_pkg.sv")
  echo "$ctl_total $vu_seq $vu_lane $vlanes$vu_pj" > "$out/shared.txt" || return 1
  touch "$out/shared.done"
}
jobs_max=${TASU_PPA_JOBS:-2}
[ "$jobs_max" -ge 1 ] 2>/dev/null || { echo "ppa: TASU_PPA_JOBS must be a positive number"; exit 2; }
# TASU_PPA_ROWS (names): run only these rows and report them beside the others' results of an
# earlier run in the same directory (a new row without redoing, and re-randomizing, the rest).
only=${TASU_PPA_ROWS:-}
for n in $only; do
  [[ " ${names[*]} " == *" $n "* ]] || { echo "ppa: TASU_PPA_ROWS names '$n', not a row of ppa_rows"; exit 2; }
done
run=()
for k in "${!names[@]}"; do
  if [ -n "$only" ] && [[ " $only " != *" ${names[$k]} "* ]]; then
    [ -s "$out/${names[$k]}.stat.txt" ] && [ -s "$out/${names[$k]}.sta.log" ] ||
      { echo "ppa: TASU_PPA_ROWS leaves out ${names[$k]}, which has no earlier results in $out"; exit 2; }
  else
    run+=("$k")
  fi
done
rm -f "$out/rows_failed" "$out/shared.done"
for k in "${run[@]}"; do rm -f "$out/${names[$k]}.done"; done
(shared_units || echo "control-and-vector-unit" >> "$out/rows_failed") &
# The multiplier rows first: theirs are the longest jobs (ABC's SAT sweeping of the multipliers,
# 1 to 5 minutes for the INT8 group at `ci`), so the short ternary rows fill the slots at the end.
order=()
for k in "${!names[@]}"; do if [ "${engs[$k]}" != TERNARY ]; then order+=("$k"); fi; done
for k in "${!names[@]}"; do if [ "${engs[$k]}" = TERNARY ]; then order+=("$k"); fi; done
# A group's rows in turn (row, above), in ppa_rows order: the R = 1 row, listed first, maps the
# shared modules. A row left out by TASU_PPA_ROWS lends the group its NAME.modules.il of the last
# run, as it lends its results to the report; a failed row lends nothing.
groups=(); declare -A group_of=()
for k in "${order[@]}"; do
  key="${engs[$k]}-${dots[$k]}"
  if [ -z "${group_of[$key]:-}" ]; then group_of[$key]=${#groups[@]}; groups+=("$k"); else groups[${group_of[$key]}]+=" $k"; fi
done
in_run() { [[ " ${run[*]} " == *" $1 "* ]]; }
group() {
  local k il libin="" rc=0
  for k in "$@"; do
    il=$out/${names[$k]}.modules.il
    if ! in_run "$k"; then [ ! -s "$il" ] || libin=$il; continue; fi
    rm -f "$il"
    if row "$k" $libin; then libin=$il; else echo "${names[$k]}" >> "$out/rows_failed"; rc=1; fi
  done
  return $rc
}
for g in "${groups[@]}"; do
  todo=0; for k in $g; do ! in_run "$k" || todo=1; done
  [ "$todo" = 1 ] || continue
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
  # shellcheck disable=SC2086  # a group is a list of row indices
  group $g &
done
wait
# A row whose synthesis or activity failed, or whose job died, fails the flow (OpenSTA's failures
# are reported above).
for k in "${run[@]}"; do [ -f "$out/${names[$k]}.done" ] || echo "${names[$k]}" >> "$out/rows_failed"; done
[ -f "$out/shared.done" ] || echo "control-and-vector-unit" >> "$out/rows_failed"
if [ -s "$out/rows_failed" ]; then echo "ppa: failed rows: $(sort -u "$out/rows_failed" | tr '\n' ' ')(logs in $out)"; exit 1; fi

# OpenSTA 2.0.17 crashes (segmentation fault) in report_power on every BF16 row netlist when it
# propagates activity from the ports, while it handles the binary32 multiplier and adder alone:
# the BF16 dot product's power is then also estimated from those two parts at the mean switching
# activity of the row's real activation bits (a component estimate, the cross-check of the
# gate-level figure, which does not need the propagation).
if [ -n "$bf16_row" ] && ! grep -q '^Total' "$out/$bf16_row.sta.log"; then
  act=$(awk '/act_i/ {for (i = 1; i <= NF; i++) if ($i == "-activity") {s += $(i + 1); c++}} END {printf "%.4f", c ? s / c : 0}' "$out/$bf16_row.activity.tcl")
  parts=""
  for part in tasu_vu_fmul tasu_vu_fadd; do
    yosys -q -l "$out/$part.yosys.log" -p "read_verilog -sv ${vu_float[*]}
      synth -top $part; abc -liberty $lib -D $((clock_ns * 1000)); opt_clean; splitnets -ports; opt_clean -purge
      write_verilog -noattr -noexpr -nohex -nodec $out/$part.v" > /dev/null
    printf 'read_liberty %s\nread_verilog %s\nlink_design %s\ncreate_clock -name clk -period %s\nset_input_delay 0 -clock clk [all_inputs]\nset_power_activity -input -activity %s -duty 0.5\nset_power_activity -input_ports [get_ports en_i] -activity 0 -duty 1\nreport_power\nexit\n' \
      "$lib" "$out/$part.v" "$part" "$clock_ns" "$act" > "$out/$part.sta.tcl"
    (cd "$out" && sta -no_init -exit "$part.sta.tcl" > "$part.sta.log" 2>&1) || true
    parts="$parts $(awk '/^Total/{print $5; exit}' "$out/$part.sta.log")"
  done
  echo "$act$parts" > "$out/bf16_parts.txt"
else
  rm -f "$out/bf16_parts.txt"
fi

fi

# ---- Report ---------------------------------------------------------------------------------
# Per kind: total area and cells; area and power of the weight store, the dot product, the
# activation slice and the rest (accumulator and control of the row); WNS at the clock; total
# and leakage power. Power per unit sums OpenSTA's per-instance report by top-level instance.
{
  for k in "${!names[@]}"; do
    n=${names[$k]}
    total=$(sed -n "s/.*Chip area for top module.*: \([0-9.]*\)/\1/p" "$out/$n.stat.txt")
    cells=$(awk '/=== design hierarchy ===/{h=1} h && /Number of cells:/{print $4; exit}' "$out/$n.stat.txt")
    store=$(sed -n "s/.*Chip area for module .*tasu_ppa_wstore.*: \([0-9.]*\)/\1/p" "$out/$n.stat.txt")
    # The activation slice, with the LUT rows' pair or triple table (one per tile); the dot
    # product is the row's own part.
    areg=$(awk -F': ' '/Chip area for module .*(tasu_ppa_areg|tasu_dot_tern_lut3?_table)/{a += $2} END{print a+0}' "$out/$n.stat.txt")
    dot=$(awk -F': ' '/Chip area for module .*tasu_dot_/ && !/_lut3?_table/{d=$2} END{print d+0}' "$out/$n.stat.txt")
    # The BF16 dot product instantiates the vector unit's multiplier and adders (stat gives each
    # module its own cells): dot = everything but the store, the slice, the row's own cells and
    # the accumulator's adder.
    if [ "${engs[$k]}" = BF16 ]; then
      row_own=$(sed -n "s/.*Chip area for module '.tasu_ppa_row': \([0-9.]*\)/\1/p" "$out/$n.stat.txt")
      fadd=$(sed -n "s/.*Chip area for module '.tasu_vu_fadd': \([0-9.]*\)/\1/p" "$out/$n.stat.txt")
      dot=$(awk -v t="$total" -v s="$store" -v a="$areg" -v r="$row_own" -v f="$fadd" 'BEGIN{print t - s - a - r - f}')
    fi
    # Slack of the worst register-to-register path (met or violated): critical path = clock - slack.
    wns=$(awk '/Path Group: clk/ {g = 1} g && /slack \(/ {print $1; exit}' "$out/$n.sta.log")
    # Power from the gate-level activity where it ran (src gate), else from the port annotation
    # (src port); the port-annotated figures are kept beside it for the comparison.
    pport=$(awk '/^Total/{print $5; exit}' "$out/$n.sta.log")
    lport=$(awk '/^Total/{print $4; exit}' "$out/$n.sta.log")
    uport=$(unit_power "$out/$n.sta.log")
    if [ -s "$out/$n.gate_power.txt" ]; then
      src=gate; read -r power leak units < "$out/$n.gate_power.txt"
    else
      src=port; power=$pport; leak=$lport; units=$uport
    fi
    dense="nan nan nan nan nan nan"
    [ -s "$out/$n.dense_power.txt" ] && dense=$(cat "$out/$n.dense_power.txt")
    echo "$n $total $cells ${store:-0} ${dot:-0} ${areg:-0} ${wns:-nan} ${power:-nan} ${leak:-nan} $units ${engs[$k]} ${wbits[$k]} ${erow[$k]} ${reuse[$k]} $src ${pport:-nan} $uport $dense"
  done
} > "$out/summary.txt"

# SRAM model of the weight store and the buffers (overridable): a 6T cell of 5.59 um^2 (Intel's
# 180 nm logic process, Yang et al., IEDM 1998) at 70% array efficiency; a read costs 2.5 pJ per
# bit: Horowitz (ISSCC 2014) gives 10 pJ for 64 bits from an 8 KB SRAM at 45 nm, 0.9 V, scaled
# to 180 nm, 1.8 V by C V^2 (x4 capacitance, x4 voltage squared).
sram_um2=${TASU_SRAM_BIT_UM2:-5.59}
sram_eff=${TASU_SRAM_EFFICIENCY:-0.70}
sram_pj=${TASU_SRAM_READ_PJ_PER_BIT:-2.5}
read -r ctl_total vu_seq vu_lane vlanes vu_add_pj vu_mul_pj vu_mac_pj < "$out/shared.txt"
bf16_parts=$(cat "$out/bf16_parts.txt" 2>/dev/null || true)

awk -v lanes="$lanes" -v depth="$depth" -v tiles="$tiles" -v rows="$rows" -v accw="$accw" -v clk="$clock_ns" -v cfg="$config" \
    -v outdir="$out" -v actwords="$actwords" -v outwords="$outwords" -v vrows="$vrows" \
    -v ctl_total="$ctl_total" -v vu_seq="$vu_seq" -v vu_lane="$vu_lane" -v vlanes="$vlanes" \
    -v vu_act="$vu_act" -v vu_add_pj="${vu_add_pj:-nan}" -v vu_mul_pj="${vu_mul_pj:-nan}" -v vu_mac_pj="${vu_mac_pj:-nan}" \
    -v sram_um2="$sram_um2" -v sram_eff="$sram_eff" -v sram_pj="$sram_pj" -v bf16_parts="$bf16_parts" '
function fmt(x, d) { return sprintf("%." d "f", x) }
function sram_area(bits) { return bits * sram_um2 / sram_eff }
function jnum(x) { return (x == "nan" || x == "") ? "null" : x }
function rat(a, b) { return (b > 0 && a > 0) ? fmt(a / b, 2) "x" : "n/a" }
{
  n[NR] = $1; area[NR] = $2; cells[NR] = $3; store[NR] = $4; dot[NR] = $5; areg[NR] = $6; wns[NR] = $7
  pw[NR] = $8; lk[NR] = $9; ps[NR] = $10; pd[NR] = $11; pa[NR] = $12; pr[NR] = $13
  rest[NR] = $2 - $4 - $5 - $6
  crit[NR] = clk - $7; fmax[NR] = 1000 / crit[NR]              # MHz
  haspw[NR] = ($8 != "nan" && $10 != "nan")
  eng[NR] = $14; wbits[NR] = $15; erow[NR] = $16; ru[NR] = $17
  src[NR] = $18; pwp[NR] = $19; psp[NR] = $20; pdp[NR] = $21; pap[NR] = $22; prp[NR] = $23
  hasport[NR] = ($19 != "nan" && $20 != "nan")
  hasdense[NR] = ($24 != "nan" && $24 != "")
  pdd[NR] = $27
  e_op[NR] = haspw[NR] ? $8 * clk * 1e-9 / lanes * 1e12 : 0     # pJ per weight operation at the clock
  tops_w[NR] = haspw[NR] ? lanes / (clk * 1e-9) / $8 / 1e12 : 0 # weight operations per second per watt / 1e12
  gops_mm2[NR] = lanes * fmax[NR] * 1e6 / ($2 * 1e-6) / 1e9     # at Fmax
  # The engine: Tiles x Rows rows, one activation slice per tile; each row keeps its own adder
  # and register (Tiles - 1 reduction adders plus one accumulator per output row = one adder per
  # tile row). Weight store as flip-flops (measured) or SRAM (model).
  tr = tiles * rows; ops = tr * lanes
  s_sram[NR] = sram_area(depth * lanes * wbits[NR])
  ps_sram[NR] = lanes * wbits[NR] * sram_pj * 1e-12 / (clk * 1e-9) / ru[NR]   # W at one word read per reuse cycles
  eng_ff[NR] = tr * (store[NR] + dot[NR] + rest[NR]) + tiles * areg[NR]
  eng_sr[NR] = tr * (s_sram[NR] + dot[NR] + rest[NR]) + tiles * areg[NR]
  eng_st[NR] = tr * s_sram[NR]; eng_dot[NR] = tr * dot[NR]; eng_act[NR] = tiles * areg[NR]; eng_rest[NR] = tr * rest[NR]
  peng_ff[NR] = haspw[NR] ? tr * (ps[NR] + pd[NR] + pr[NR]) + tiles * pa[NR] : 0
  peng_sr[NR] = haspw[NR] ? tr * (ps_sram[NR] + pd[NR] + pr[NR]) + tiles * pa[NR] : 0
  eop_ff[NR] = peng_ff[NR] * clk * 1e-9 / ops * 1e12
  eop_sr[NR] = peng_sr[NR] * clk * 1e-9 / ops * 1e12
  # per operation, by unit (SRAM store): pJ
  eu_s[NR] = tr * ps_sram[NR] * clk * 1e-9 / ops * 1e12; eu_d[NR] = tr * pd[NR] * clk * 1e-9 / ops * 1e12
  eu_a[NR] = tiles * pa[NR] * clk * 1e-9 / ops * 1e12;  eu_r[NR] = tr * pr[NR] * clk * 1e-9 / ops * 1e12
  # The same with the port-annotated activity (OpenSTA propagating from the ports alone).
  eop_sr_p[NR] = hasport[NR] ? (tr * (ps_sram[NR] + pdp[NR] + prp[NR]) + tiles * pap[NR]) * clk * 1e-9 / ops * 1e12 : 0
  # And with the dense stand-in weights (the engine rows of the MAC arrays).
  eop_dense[NR] = hasdense[NR] ? (tr * (ps_sram[NR] + $27 + $29) + tiles * $28) * clk * 1e-9 / ops * 1e12 : 0
}
END {
  ops = tiles * rows * lanes
  control = ctl_total - vu_seq
  vu = vu_seq + vlanes * vu_lane
  bufs = sram_area(actwords * tiles * lanes * 8) + sram_area(outwords * rows * 32) + sram_area(vrows * vlanes * 32)
  shared = control + vu + bufs
  # The best ternary row by area and by energy (SRAM store) at each weight reuse, against which
  # the MAC arrays with the same reuse stand; best and beste: without reuse.
  for (i = 1; i <= NR; i++) if (eng[i] == "TERNARY") {
    r = ru[i]
    if (!(r in bst) || eng_sr[i] < eng_sr[bst[r]]) bst[r] = i
    if (haspw[i] && (!(r in bste) || eop_sr[i] < eop_sr[bste[r]])) bste[r] = i
  }
  best = bst[1]; beste = bste[1]

  md = outdir "/report.md"
  printf "# Silicon comparison: the ternary engine against INT8 and BF16 MAC arrays (`%s`)\n\n", cfg > md
  printf "OSU 0.18 um standard cells (Yosys 0.23 + ABC, OpenSTA 2.0.17), clock %s ns (%d MHz); power at the switching activity of the synthetic 2B4T layer'"'"'s q_proj weights and quantized activations, from a gate-level simulation of each mapped row on that data (tasu_ppa_activity, model/gate) priced per cell with OpenSTA'"'"'s power. Configuration `%s`: Tiles %d, Rows %d, Lanes %d, %d weight words per tile row (two buffers), %d weight operations per cycle for every engine.\n\n", clk, 1000 / clk, cfg, tiles, rows, lanes, depth, ops >> md

  printf "## 1. One engine row per kind, synthesized (flip-flop weight store)\n\n" >> md
  printf "A row = its weight store, a registered activation slice (with the LUT row'"'"'s pair table: both are one per tile), the dot product of Lanes weights and an accumulator (%d-bit; binary32 for BF16); one dot product per cycle.\n\n", accw >> md
  printf "| kind | cell area (um^2) | cells | weight store | dot product | act. slice | acc. + control | critical path (ns) | Fmax (MHz) | dynamic power (mW) | leakage (uW) | pJ / weight op | TOPS/W | GOPS/mm^2 @ Fmax |\n" >> md
  printf "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n" >> md
  for (i = 1; i <= NR; i++)
    printf "| %s | %d | %d | %d | %d | %d | %d | %s | %s | %s | %s | %s | %s | %s |\n", n[i], area[i], cells[i], store[i], dot[i], areg[i], rest[i], fmt(crit[i], 2), fmt(fmax[i], 1), haspw[i] ? fmt((pw[i] - lk[i]) * 1e3, 2) : "n/a", haspw[i] ? fmt(lk[i] * 1e6, 2) : "n/a", haspw[i] ? fmt(e_op[i], 3) : "n/a", haspw[i] ? fmt(tops_w[i], 3) : "n/a", fmt(gops_mm2[i], 2) >> md
  printf "\nPower by unit (mW): " >> md
  for (i = 1; i <= NR; i++) printf "%s%s store %s, dot %s, slice %s, rest %s", (i > 1 ? "; " : ""), n[i], haspw[i] ? fmt(ps[i] * 1e3, 2) : "n/a", haspw[i] ? fmt(pd[i] * 1e3, 2) : "n/a", haspw[i] ? fmt(pa[i] * 1e3, 2) : "n/a", haspw[i] ? fmt(pr[i] * 1e3, 2) : "n/a" >> md
  printf ".\n\n" >> md

  printf "### Activity: gate-level simulation against the port annotation\n\n" >> md
  printf "Power above is from the gate-level activity where the row was simulated (model/gate: the mapped netlist on the same real weights and activations, every cell output annotated, every partial sum checked against the exact dot product); the port-annotated figures (OpenSTA propagating the ports'"'"' activity, the stored weights at its default probability) beside it. Dot product and rest (accumulators, control) in mW; energy per operation with the SRAM-model store.\n\n" >> md
  printf "| kind | activity | dot, port (mW) | dot, gate (mW) | rest, port | rest, gate | pJ / op (SRAM), port | pJ / op (SRAM), gate | change |\n|---|---|---|---|---|---|---|---|---|\n" >> md
  for (i = 1; i <= NR; i++)
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", n[i], src[i] == "gate" ? "gate-level" : "ports only", hasport[i] ? fmt(pdp[i] * 1e3, 2) : "n/a", haspw[i] && src[i] == "gate" ? fmt(pd[i] * 1e3, 2) : "n/a", hasport[i] ? fmt(prp[i] * 1e3, 2) : "n/a", haspw[i] && src[i] == "gate" ? fmt(pr[i] * 1e3, 2) : "n/a", hasport[i] ? fmt(eop_sr_p[i], 3) : "n/a", haspw[i] && src[i] == "gate" ? fmt(eop_sr[i], 3) : "n/a", hasport[i] && haspw[i] && src[i] == "gate" ? sprintf("%+.1f%%", 100 * (eop_sr[i] / eop_sr_p[i] - 1)) : "n/a" >> md
  printf "\n" >> md
  nd = 0
  for (i = 1; i <= NR; i++) if (hasdense[i]) nd++
  if (nd) {
    printf "**The MAC arrays on dense weights.** The rows above run the ternary layer'"'"'s weights (0, 1 and -1 as int8 or BF16), which spare the multipliers. With int8 and BF16 data in their place (the activations of 4 more tokens: a stand-in for an INT8 or a BF16 model'"'"'s own weights, not real weights), the MAC arrays'"'"' engine rows take:\n\n" >> md
    printf "| kind | dot, ternary weights (mW) | dot, dense weights (mW) | pJ / op (SRAM), ternary weights | pJ / op (SRAM), dense weights | dense, over the best ternary engine |\n|---|---|---|---|---|---|\n" >> md
    for (i = 1; i <= NR; i++) if (hasdense[i]) printf "| %s | %s | %s | %s | %s | %s |\n", n[i], fmt(pd[i] * 1e3, 2), fmt(pdd[i] * 1e3, 2), fmt(eop_sr[i], 3), fmt(eop_dense[i], 3), beste ? rat(eop_dense[i], eop_sr[beste]) : "n/a" >> md
    printf "\n" >> md
  }

  printf "## 2. The engine of `%s`, composed from the measured units\n\n", cfg >> md
  printf "Engine = Tiles x Rows rows (store, dot product, adder and register each) + one activation slice per tile. Weight store either as the synthesized flip-flops or as SRAM (model: %s um^2 per bit cell at %d%% array efficiency, %s pJ per bit read; see docs/ppa.md for the sources). Equal peak throughput (%d weight operations per cycle) and equal accumulator width for the integer engines.\n\n", sram_um2, sram_eff * 100, sram_pj, ops >> md
  printf "| kind | area, FF store (mm^2) | area, SRAM store (mm^2) | of which: store | dot products | act. slices | adders + regs | pJ / op, FF store | pJ / op, SRAM store | of which: store | dot | slice | rest | TOPS/W (SRAM) | GOPS/mm^2 @ Fmax (SRAM) |\n" >> md
  printf "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n" >> md
  for (i = 1; i <= NR; i++)
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", n[i], fmt(eng_ff[i] / 1e6, 2), fmt(eng_sr[i] / 1e6, 2), fmt(eng_st[i] / 1e6, 2), fmt(eng_dot[i] / 1e6, 2), fmt(eng_act[i] / 1e6, 3), fmt(eng_rest[i] / 1e6, 2), haspw[i] ? fmt(eop_ff[i], 3) : "n/a", haspw[i] ? fmt(eop_sr[i], 3) : "n/a", haspw[i] ? fmt(eu_s[i], 3) : "n/a", haspw[i] ? fmt(eu_d[i], 3) : "n/a", haspw[i] ? fmt(eu_a[i], 4) : "n/a", haspw[i] ? fmt(eu_r[i], 3) : "n/a", haspw[i] ? fmt(1 / eop_sr[i], 3) : "n/a", fmt(ops * fmax[i] * 1e6 / (eng_sr[i] * 1e-6) / 1e9, 2) >> md
  printf "\nBest ternary variant without weight reuse: **%s** by area, **%s** by energy. Ratios, MAC array over the best ternary engine (at the same reuse) (> 1: the ternary engine is smaller or cheaper):\n\n", n[best], n[beste] >> md
  printf "| | engine area, FF store | engine area, SRAM store | dot products alone | energy / op, FF store | energy / op, SRAM store | energy / op, SRAM store, port-annotated activity | whole accelerator area (SRAM) | Fmax (ternary / other) |\n|---|---|---|---|---|---|---|---|---|\n" >> md
  for (j = 1; j <= NR; j++) if (eng[j] != "TERNARY") {
    b = bst[ru[j]]; be = bste[ru[j]]
    printf "| %s%s | %s | %s | %s | %s | %s | %s | %s | %s |\n", n[j], (ru[j] > 1 ? " vs " n[b] : ""), rat(eng_ff[j], eng_ff[b]), rat(eng_sr[j], eng_sr[b]), rat(dot[j], dot[b]), haspw[j] && be ? rat(eop_ff[j], eop_ff[be]) : "n/a", haspw[j] && be ? rat(eop_sr[j], eop_sr[be]) : "n/a", hasport[j] && be && hasport[be] ? rat(eop_sr_p[j], eop_sr_p[be]) : "n/a", rat(eng_sr[j] + shared, eng_sr[b] + shared), rat(fmax[b], fmax[j]) >> md
  }
  printf "\nRows with weight reuse R (name -rR) read a weight word once for R tokens (R accumulators): the store energy per operation is 1/R of a row without reuse; each MAC row stands against the best ternary row with its own reuse.\n" >> md

  if (bf16_parts != "") {
    split(bf16_parts, bp, " ")
    e_dot = (lanes * bp[2] + (lanes - 1) * bp[3]) * clk * 1e-9 / lanes * 1e12
    e_acc = tiles * rows * bp[3] * clk * 1e-9 / ops * 1e12
    for (i = 1; i <= NR; i++) if (eng[i] == "BF16") bfi = i
    e_bf = wbits[bfi] * sram_pj + e_dot + e_acc     # pJ: the store reads wbits per operation
    printf "\nBF16 energy, component estimate (the cross-check of the gate-level figure where OpenSTA'"'"'s propagation crashes): one binary32 multiplier %s mW and one adder %s mW at the row'"'"'s mean activation-bit activity %s; the dot product (%d multipliers, %d adders) %s pJ / op, the accumulators %s pJ / op, with the SRAM-model store %s pJ / op: **%sx** the best ternary engine'"'"'s energy per operation (SRAM store).\n", fmt(bp[2] * 1e3, 2), fmt(bp[3] * 1e3, 2), bp[1], lanes, lanes - 1, fmt(e_dot, 2), fmt(e_acc, 3), fmt(e_bf, 2), beste ? fmt(e_bf / eop_sr[beste], 1) : "n/a" >> md
  }
  printf "\n## 3. The rest of the accelerator (the same for every engine)\n\n" >> md
  printf "| unit | area (mm^2) | how |\n|---|---|---|\n" >> md
  printf "| control: command processor, DMA, arbiter, registers, queues | %s | synthesized (tasu_top without engine and vector unit) |\n", fmt(control / 1e6, 2) >> md
  printf "| vector unit: %d lanes + sequencer | %s | one lane synthesized (%d um^2) x %d, sequencer (with its DOTS tree) synthesized |\n", vlanes, fmt(vu / 1e6, 2), vu_lane, vlanes >> md
  printf "| buffers: activations %d x %d B, outputs %d x %d B, scratchpad %d x %d B | %s | SRAM model |\n", actwords, tiles * lanes, outwords, rows * 4, vrows, vlanes * 4, fmt(bufs / 1e6, 2) >> md
  printf "\nWhole accelerator (SRAM stores and buffers): " >> md
  for (i = 1; i <= NR; i++) printf "%s%s %s mm^2", (i > 1 ? ", " : ""), n[i], fmt((eng_sr[i] + shared) / 1e6, 2) >> md
  printf ".\n\n" >> md

  # Classical scaling to 7 nm (0.7 V): area x (7/180)^2, energy x (7/180) x (0.7/1.8)^2.
  af = (7 / 180) ^ 2; ef = (7 / 180) * (0.7 / 1.8) ^ 2
  printf "## 4. Scaled to 7 nm (classical scaling, see docs/ppa.md: order of magnitude only)\n\n" >> md
  printf "| kind | engine area, SRAM store (mm^2) | pJ / op, SRAM store | TOPS/W |\n|---|---|---|---|\n" >> md
  for (i = 1; i <= NR; i++)
    printf "| %s | %s | %s | %s |\n", n[i], fmt(eng_sr[i] * af / 1e6, 4), haspw[i] ? fmt(eop_sr[i] * ef, 4) : "n/a", haspw[i] ? fmt(1 / (eop_sr[i] * ef), 1) : "n/a" >> md
  printf "\nRatios between engines do not change under this scaling (every unit scales alike).\n" >> md

  html = outdir "/report.html"
  printf "<!doctype html><html><head><meta charset=\"utf-8\"><title>tasu silicon comparison (%s)</title></head><body style=\"font-family:sans-serif\">\n<h1>tasu: ternary engine vs MAC arrays (%s)</h1>\n<p>Blue: weight store, orange: dot products, grey: activation slices, adders, registers. Numbers and method: report.md.</p>\n", cfg, cfg > html
  for (w = 1; w <= 3; w++) {
    title = w == 1 ? "One row, cell area (um^2), flip-flop store" : (w == 2 ? "Engine area (mm^2), SRAM-model store" : "Engine energy per weight operation (pJ), SRAM-model store")
    printf "<h2>%s</h2>\n<svg width=\"760\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">\n", title, 30 * NR + 20 >> html
    mx = 0
    for (i = 1; i <= NR; i++) {
      if (w == 1)      { a1 = store[i]; a2 = dot[i]; a3 = areg[i] + rest[i] }
      else if (w == 2) { a1 = eng_st[i] / 1e6; a2 = eng_dot[i] / 1e6; a3 = (eng_act[i] + eng_rest[i]) / 1e6 }
      else             { a1 = eu_s[i]; a2 = eu_d[i]; a3 = eu_a[i] + eu_r[i] }
      v1[i] = a1; v2[i] = a2; v3[i] = a3
      if (a1 + a2 + a3 > mx) mx = a1 + a2 + a3
    }
    for (i = 1; i <= NR; i++) {
      y = 10 + 30 * (i - 1)
      printf "<text x=\"0\" y=\"%d\" font-size=\"12\">%s</text>\n", y + 15, n[i] >> html
      if (w == 3 && !haspw[i]) { printf "<text x=\"120\" y=\"%d\" font-size=\"12\">n/a (OpenSTA crashed)</text>\n", y + 15 >> html; continue }
      x = 120; s1 = 520 * v1[i] / mx; s2 = 520 * v2[i] / mx; s3 = 520 * v3[i] / mx
      printf "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"#4e79a7\"/>", x, y, s1 >> html
      printf "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"#f28e2b\"/>", x + s1, y, s2 >> html
      printf "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"#bab0ac\"/>\n", x + s1 + s2, y, s3 >> html
      printf "<text x=\"%.1f\" y=\"%d\" font-size=\"12\">%s</text>\n", x + s1 + s2 + s3 + 5, y + 15, fmt(v1[i] + v2[i] + v3[i], w == 1 ? 0 : 3) >> html
    }
    printf "</svg>\n" >> html
  }
  printf "</body></html>\n" >> html

  # Energy per event for the energy model (model/energy, tasu run --energy): per engine, the
  # energy per weight operation of the row built like its tiles (SRAM-model store, leakage
  # included while it runs; BF16 from the component estimate when OpenSTA has no power) and the
  # leakage of the engine; the SRAM model per bit; a vector lane per operation.
  js = outdir "/energy.json"
  printf "{\n  \"_role\": \"Energy per event of the %s accelerator, 0.18 um at %s ns, written by scripts/ppa.sh %s; read by tasu run --energy (docs/energy.md).\",\n", cfg, clk, cfg > js
  printf "  \"config\": \"%s\", \"clock_ns\": %s, \"tiles\": %d, \"rows\": %d, \"lanes\": %d,\n", cfg, clk, tiles, rows, lanes >> js
  printf "  \"sram_pj_per_bit\": %s,\n", sram_pj >> js
  printf "  \"vector_lane_pj\": { \"add\": %s, \"mul\": %s, \"mac\": %s }, \"vector_lane_activity\": %s, \"vector_lanes\": %d,\n", jnum(vu_add_pj), jnum(vu_mul_pj), jnum(vu_mac_pj), vu_act, vlanes >> js
  printf "  \"engines\": {" >> js
  sep = ""
  # The packed-weight row (wbits 1.6, the WPack format) prices the engine of the WPack configurations,
  # under the engine name with _WPACK.
  for (i = 1; i <= NR; i++) if (erow[i] || (wbits[i] == 1.6 && ru[i] == 1)) {
    est = !haspw[i] && eng[i] == "BF16" && e_bf > 0
    printf "%s\n    \"%s\": { \"row\": \"%s\", \"pj_per_op\": %s, \"measured\": %s, \"leakage_w\": %s, \"area_mm2\": %s }", sep, eng[i] (erow[i] ? "" : "_WPACK"), n[i], haspw[i] ? fmt(eop_sr[i], 4) : (est ? fmt(e_bf, 4) : "null"), haspw[i] ? "true" : "false", haspw[i] ? sprintf("%.6g", tiles * rows * lk[i]) : "null", fmt(eng_sr[i] / 1e6, 3) >> js
    sep = ","
  }
  printf "\n  },\n  \"shared_area_mm2\": %s\n}\n", fmt(shared / 1e6, 3) >> js
}' "$out/summary.txt"
cat "$out/report.md"
