#!/usr/bin/env bash
# Silicon comparison of the add-only ternary engine against INT8 and BF16 MAC arrays: one
# engine row of each kind (rtl/tasu_ppa_row.sv: weight store, dot product of Lanes weights,
# accumulator; same interface and one dot product per cycle) synthesized by Yosys to the OSU
# 0.18 um standard cells, timed by OpenSTA, and its power estimated by OpenSTA at the switching
# activity of real BitNet data (build/tasu_ppa_activity). Writes report.md and report.html
# (SVG bars) into the output directory.
#   usage: scripts/ppa.sh [CONFIG]        (default: default; Lanes and WDepth come from it)
#   env:   TASU_PPA_DIR (output, default build/ppa-CONFIG), TASU_PPA_CLOCK_NS (default 10)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TASU_BUILD_DIR:-$root/build}
config=${1:-default}
out=${TASU_PPA_DIR:-$build/ppa-$config}
clock_ns=${TASU_PPA_CLOCK_NS:-10}
lib=/usr/share/qflow/tech/osu018/osu018_stdcells.lib
[ -f "$lib" ] || { echo "ppa: $lib missing (Debian package qflow-tech-osu018, scripts/setup.sh)"; exit 1; }
mkdir -p "$out"

[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j2 --target tasu_ppa_activity > /dev/null
c++ -std=c++17 -O1 "$root/firmware/arch/gen_arch.cpp" -o "$out/gen_arch"
"$out/gen_arch" "$root/firmware/arch/tasu_arch.json" "$out"
lanes=$(sed -n 's/^-GLanes=//p' "$out/params_$config.vc")
depth=$(sed -n 's/^-GWDepth=//p' "$out/params_$config.vc")
[ -n "$lanes" ] || { echo "ppa: unknown configuration '$config'"; exit 1; }

names=(ternary-chain ternary-tree ternary-csa int8-mac bf16-mac)
rtl=("$out/tasu_pkg.sv" "$root"/rtl/tasu_vu_fadd.sv "$root"/rtl/tasu_vu_fmul.sv "$root"/rtl/tasu_dot_*.sv
     "$root"/rtl/tasu_ppa_wstore.sv "$root"/rtl/tasu_ppa_row.sv)

for k in 0 1 2 3 4; do
  n=${names[$k]}
  echo "ppa: $n (Lanes $lanes, Depth $depth)"
  yosys -q -l "$out/$n.yosys.log" -p "
    read_verilog -sv ${rtl[*]}
    chparam -set Kind $k -set Lanes $lanes -set Depth $depth tasu_ppa_row
    synth -top tasu_ppa_row
    dfflibmap -liberty $lib
    abc -liberty $lib -D $((clock_ns * 1000))
    opt_clean
    tee -q -o $out/$n.stat.txt stat -liberty $lib
    flatten
    splitnets -ports
    opt_clean -purge
    write_verilog -noattr -noexpr -nohex -nodec $out/$n.v" > /dev/null
  "$build/tasu_ppa_activity" "$k" "$lanes" "$depth" "$out/$n.activity.tcl" > "$out/$n.activity.log"
  cat > "$out/$n.sta.tcl" <<EOF
read_liberty $lib
read_verilog $out/$n.v
link_design tasu_ppa_row
create_clock -name clk -period $clock_ns [get_ports clk_i]
set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports clk_i]]
set_output_delay 0 -clock clk [all_outputs]
report_checks -path_delay max -digits 3
report_wns
source $out/$n.activity.tcl
report_power
exit
EOF
  # OpenSTA 2.0.17 crashes in report_power on the BF16 netlist; the report then shows n/a.
  (cd "$out" && sta -no_init -exit "$n.sta.tcl" > "$n.sta.log" 2>&1) || echo "ppa: OpenSTA failed on $n (exit $?), see $out/$n.sta.log"
done

# ---- Report ---------------------------------------------------------------------------------
# Per kind: total area and cells, area of the weight store and the dot product (the rest of
# the row is activation registers, accumulator and control), WNS at the clock, power.
{
  for k in 0 1 2 3 4; do
    n=${names[$k]}
    total=$(sed -n "s/.*Chip area for top module.*: \([0-9.]*\)/\1/p" "$out/$n.stat.txt")
    cells=$(awk '/=== design hierarchy ===/{h=1} h && /Number of cells:/{print $4; exit}' "$out/$n.stat.txt")
    store=$(sed -n "s/.*Chip area for module .*tasu_ppa_wstore.*: \([0-9.]*\)/\1/p" "$out/$n.stat.txt")
    dot=$(awk -F': ' '/Chip area for module .*tasu_dot_/{d=$2} END{print d+0}' "$out/$n.stat.txt")
    # The BF16 dot product instantiates the vector unit's multiplier and adders (stat gives each
    # module its own cells): dot = everything but the store, the row's own cells and the
    # accumulator's adder.
    if [ "$k" = 4 ]; then
      row_own=$(sed -n "s/.*Chip area for module '.tasu_ppa_row': \([0-9.]*\)/\1/p" "$out/$n.stat.txt")
      fadd=$(sed -n "s/.*Chip area for module '.tasu_vu_fadd': \([0-9.]*\)/\1/p" "$out/$n.stat.txt")
      dot=$(awk -v t="$total" -v s="$store" -v r="$row_own" -v f="$fadd" 'BEGIN{print t - s - r - f}')
    fi
    wns=$(sed -n 's/^wns \(.*\)/\1/p' "$out/$n.sta.log")
    power=$(awk '/^Total/{print $5; exit}' "$out/$n.sta.log")
    leak=$(awk '/^Total/{print $4; exit}' "$out/$n.sta.log")
    echo "$n $total $cells ${store:-0} ${dot:-0} ${wns:-nan} ${power:-nan} ${leak:-nan}"
  done
} > "$out/summary.txt"

awk -v lanes="$lanes" -v depth="$depth" -v clk="$clock_ns" -v cfg="$config" -v outdir="$out" '
function fmt(x, d) { return sprintf("%." d "f", x) }
{
  n[NR] = $1; area[NR] = $2; cells[NR] = $3; store[NR] = $4; dot[NR] = $5; wns[NR] = $6; pw[NR] = $7; lk[NR] = $8
  rest[NR] = $2 - $4 - $5
  crit[NR] = clk - $6; fmax[NR] = 1000 / crit[NR]              # MHz
  haspw[NR] = ($7 != "nan")
  e_op[NR] = haspw[NR] ? $7 * clk * 1e-9 / lanes * 1e12 : 0     # pJ per weight operation at the clock
  tops_w[NR] = haspw[NR] ? lanes / (clk * 1e-9) / $7 / 1e12 : 0 # weight operations per second per watt / 1e12
  gops_mm2[NR] = lanes * fmax[NR] * 1e6 / ($2 * 1e-6) / 1e9     # at Fmax
}
END {
  md = outdir "/report.md"
  printf "# Silicon comparison: one engine row per kind (`%s` configuration)\n\n", cfg > md
  printf "One row = a store of %d words of %d weights, a registered slice of %d activations, the dot product and a 24-bit (BF16: binary32) accumulator, at one dot product of %d weight operations per cycle. OSU 0.18 um standard cells (Yosys 0.23 + ABC, OpenSTA 2.0.17); power at a %s ns clock with the input switching activity of the synthetic 2B4T layer'"'"'s q_proj stream (tasu_ppa_activity), propagated by OpenSTA. Weight storage is flip-flops (no SRAM macro exists for this library).\n\n", depth, lanes, lanes, lanes, clk >> md
  printf "| kind | cell area (um^2) | cells | weight store | dot product | acc + regs + control | critical path (ns) | Fmax (MHz) | power @ %d MHz (mW) | leakage (uW) | pJ / weight op | TOPS/W | GOPS/mm^2 @ Fmax |\n", 1000 / clk >> md
  printf "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n" >> md
  for (i = 1; i <= NR; i++)
    printf "| %s | %d | %d | %d | %d | %d | %s | %s | %s | %s | %s | %s | %s |\n", n[i], area[i], cells[i], store[i], dot[i], rest[i], fmt(crit[i], 2), fmt(fmax[i], 1), haspw[i] ? fmt(pw[i] * 1e3, 2) : "n/a", haspw[i] ? fmt(lk[i] * 1e6, 2) : "n/a", haspw[i] ? fmt(e_op[i], 3) : "n/a", haspw[i] ? fmt(tops_w[i], 3) : "n/a", fmt(gops_mm2[i], 2) >> md
  best = 1
  for (i = 2; i <= 3; i++) if (area[i] < area[best]) best = i
  printf "\nBest ternary variant by area: **%s**. Ratios (INT8 or BF16 over it; > 1 means the ternary row is smaller or cheaper):\n\n", n[best] >> md
  printf "| | total area | weight store | dot product | energy / op | Fmax (ternary / other) |\n|---|---|---|---|---|---|\n" >> md
  for (j = 4; j <= 5; j++)
    printf "| %s / %s | %sx | %sx | %sx | %s | %sx |\n", n[j], n[best], fmt(area[j] / area[best], 2), fmt(store[j] / store[best], 2), fmt(dot[j] / dot[best], 2), haspw[j] ? fmt(e_op[j] / e_op[best], 2) "x" : "n/a", fmt(fmax[best] / fmax[j], 2) >> md
  html = outdir "/report.html"
  printf "<!doctype html><html><head><meta charset=\"utf-8\"><title>tasu silicon comparison (%s)</title></head><body style=\"font-family:sans-serif\">\n<h1>tasu: one engine row per kind (%s)</h1>\n", cfg, cfg > html
  split("area,e_op", what, ",")
  for (w = 1; w <= 2; w++) {
    title = w == 1 ? "Cell area (um^2), stacked: weight store, dot product, rest" : "Energy per weight operation (pJ)"
    printf "<h2>%s</h2>\n<svg width=\"760\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">\n", title, 30 * NR + 20 >> html
    mx = 0
    for (i = 1; i <= NR; i++) { v = w == 1 ? area[i] : e_op[i]; if (v > mx) mx = v }
    for (i = 1; i <= NR; i++) {
      y = 10 + 30 * (i - 1)
      printf "<text x=\"0\" y=\"%d\" font-size=\"12\">%s</text>\n", y + 15, n[i] >> html
      if (w == 1) {
        x = 120; s1 = 520 * store[i] / mx; s2 = 520 * dot[i] / mx; s3 = 520 * rest[i] / mx
        printf "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"#4e79a7\"/>", x, y, s1 >> html
        printf "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"#f28e2b\"/>", x + s1, y, s2 >> html
        printf "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"#bab0ac\"/>\n", x + s1 + s2, y, s3 >> html
        printf "<text x=\"%.1f\" y=\"%d\" font-size=\"12\">%d</text>\n", x + s1 + s2 + s3 + 5, y + 15, area[i] >> html
      } else {
        bw = 520 * e_op[i] / mx
        printf "<rect x=\"120\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"#59a14f\"/><text x=\"%.1f\" y=\"%d\" font-size=\"12\">%.3f</text>\n", y, bw, 125 + bw, y + 15, e_op[i] >> html
      }
    }
    printf "</svg>\n" >> html
  }
  printf "<p>Table and method: report.md beside this page.</p></body></html>\n" >> html
}' "$out/summary.txt"
cat "$out/report.md"
