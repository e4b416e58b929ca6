#!/usr/bin/env bash
# RTL lint: Verilator -Wall (with the waivers in rtl/lint/verilator_waivers.vlt) on every
# engine and every configuration shape, then Yosys synthesis with `check -assert`: no latches, no multiple drivers,
# no undriven nets, and no multiplier cell anywhere in the ternary engine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
gen=${TASU_LINT_DIR:-$(mktemp -d /tmp/tasu-lint.XXXXXX)}
mkdir -p "$gen"

bash "$root/scripts/gen_arch.sh" "$gen"

# The accelerator and the silicon-comparison rows (scripts/ppa.sh), from rtl/filesets.txt.
mapfile -t rtl < <(bash "$root/scripts/rtl_files.sh" top "$gen")
mapfile -t ppa < <(bash "$root/scripts/rtl_files.sh" ppa_rows "$gen")
[ ${#rtl[@]} -gt 0 ] && [ ${#ppa[@]} -gt 0 ] || { echo "lint: rtl/filesets.txt gave no files"; exit 1; }

# Every RTL file must be in a file set, so a new module cannot escape lint.
unlisted=$(bash "$root/scripts/rtl_files.sh" --unlisted)
[ -z "$unlisted" ] || { echo "lint: not in any set of rtl/filesets.txt: $unlisted"; exit 1; }

# The tools are deterministic: inputs that linted clean once (every RTL file, the generated
# package and parameters, this script and the tools' versions, hashed) lint clean again, and a
# repeated run on unchanged RTL returns at once. TASU_LINT_FORCE=1 runs it all regardless.
# The record lives in the clone's git directory: nothing is written outside the project (a
# cache under $HOME once made /nonexistent, the home of system users, exist).
cache=$(git -C "$root" rev-parse --path-format=absolute --git-common-dir 2> /dev/null)/tasu-lint || cache=
key=$( { cat "$0" "$root/rtl/lint/verilator_waivers.vlt" "${rtl[@]}" "${ppa[@]}" "$gen"/params_*.vc "$gen"/params_*.ys \
           "$gen/ppa_rows.txt"; verilator --version; yosys -V; } | sha256sum | cut -c1-32)
if [ "${TASU_LINT_FORCE:-0}" != 1 ] && [ -n "$cache" ] && [ -f "$cache/$key" ]; then
  echo "lint: clean (these inputs linted clean on $(cat "$cache/$key"); TASU_LINT_FORCE=1 runs it again)"
  exit 0
fi

# Two streams on the two cores (the hook that runs this allows 40 s): the Verilator lints of
# the small configurations and the comparison rows, and the `default` lint then the Yosys checks.
lint_config() {
  echo "lint: verilator -Wall ($1)"
  verilator --lint-only -Wall -sv --top-module tasu_top -f "$gen/params_$1.vc" \
    "$root/rtl/lint/verilator_waivers.vlt" "${rtl[@]}"
}

# A configuration is linted when it brings an engine and weight format (Engine, WPack) or a
# shape (its other parameters) not linted yet: every engine's and format's RTL and every size
# are covered once, and the MAC-array baselines and the 1.6-bit weights at `default` size
# (default_int8, default_bf16: the BF16 one alone takes 4.5 minutes; default_w16, 14 s) are not
# linted again after ci_int8, ci_bf16, ci_w16 and default.
# The silicon-comparison row is linted with ci's row: its lanes, the words of its store, its
# accumulator width.
ci_param() { sed -n "s/^-G$1=//p" "$gen/params_ci.vc"; }
ppa_ci_g="-GLanes=$(ci_param Lanes) -GDepth=$(ci_param WDepth) -GAccW=$(ci_param AccW)"
ppa_ci_set="-set Lanes $(ci_param Lanes) -set Depth $(ci_param WDepth) -set AccW $(ci_param AccW)"

prove_dots() {
  # Each optimized ternary dot product is equivalent to the plain chain: a miter proven by SAT
  # over every input (at Lanes = 2: the generators are the same code at every width; Lanes = 4
  # takes 40 s and 96 s and was proven once, see docs/ppa.md). hierarchy specializes the
  # submodules of a composite dot product (the LUT's table and selection) at that width too.
  mapfile -t tern_dots < <(bash "$root/scripts/rtl_files.sh" tern_dots "$gen")
  # LUT3 at Lanes = 3: one whole triple, all 27 weight combinations through its encoder (3 s; at
  # Lanes = 4, a whole and a padded group, 38 s, proven once).
  for dot in $(awk '$3 == "TERNARY" && $6 != "CHAIN" {print tolower($6)}' "$gen/ppa_rows.txt" | sort -u); do
    impl=tasu_dot_tern_$dot
    proof_lanes=2; [ "$dot" = lut3 ] && proof_lanes=3
    echo "lint: $impl == tasu_dot_tern_chain (yosys miter + sat -prove, Lanes $proof_lanes)"
    yosys -q -p "read_verilog -sv ${tern_dots[*]};
                 chparam -set Lanes $proof_lanes tasu_dot_tern_chain $impl; hierarchy; proc; opt -fast;
                 miter -equiv -flatten -make_assert tasu_dot_tern_chain $impl miter; hierarchy -top miter;
                 sat -verify -prove-asserts miter" > /dev/null
  done
}

# The ternary engine (tiles, reduction, accumulators) must hold no multiplier, divider or
# modulo: checked on tasu_engine alone, before alumacc folds adders into \$macc cells, with
# both weight formats (ci_w16: the 1.6-bit fill and decoders). The vector unit multiplies by
# design and is outside this rule. opt_expr folds the constant products of index arithmetic
# (a power-of-two factor becomes a shift) as the full `opt -fast` did, at half the time; it
# removes no product of two signals. $1: the configuration (ci, ci_w16).
engine_check() {
  local cfg=$1
  {
    echo "read_verilog -sv ${rtl[*]}"
    echo "chparam $(grep -vE '^-G(VRows|MaxBurst)=' "$gen/params_$cfg.vc" | sed 's/^-G\([A-Za-z]*\)=/-set \1 /' | tr '\n' ' ') tasu_engine"
    echo "synth -top tasu_engine -run begin:coarse"
    echo "proc; opt_expr"
    echo "select -assert-none t:\$mul t:\$div t:\$mod t:\$divfloor t:\$modfloor t:\$pow"
  } > "$gen/lint_engine_$cfg.ys"
  yosys -q -l "$gen/yosys_lint_engine_$cfg.log" "$gen/lint_engine_$cfg.ys" > /dev/null
}

# Configurations that bring a new engine and weight format first, then those that bring a new
# shape: ci's shape then comes with ci_int8's lint, and ci (format and shape both linted) is not
# linted again.
stream_a() {
  local cfg eng shape pass linted=" " seen_eng=" " seen_shape=" "
  seen_shape+="$(grep -vE '^-G(Engine|WPack)=' "$gen/params_default.vc" | tr '\n' ,) "  # stream_b's
  seen_eng+="$(grep -E '^-G(Engine|WPack)=' "$gen/params_default.vc" | tr '\n' ,) "
  for pass in format shape; do
    for cfg in $(sed -n 's/^params_\(.*\)\.vc$/\1/p' <(ls "$gen")); do
      [ "$cfg" != default ] || continue
      eng=$(grep -E '^-G(Engine|WPack)=' "$gen/params_$cfg.vc" | tr '\n' ,)
      shape=$(grep -vE '^-G(Engine|WPack)=' "$gen/params_$cfg.vc" | tr '\n' ,)
      if [ $pass = format ]; then
        [[ $seen_eng != *" $eng "* ]] || continue
        linted+="$cfg "
      elif [[ $linted == *"$cfg "* ]]; then
        continue
      elif [[ $seen_shape == *" $shape "* ]]; then
        echo "lint: $cfg skipped (its engine, weight format and shape are linted in other configurations)"
        continue
      fi
      seen_eng+="$eng "
      seen_shape+="$shape "
      lint_config "$cfg"
    done
  done
  for kind in $(awk '{print $1}' "$gen/ppa_rows.txt"); do
    echo "lint: verilator -Wall (tasu_ppa_row kind $kind, ci's row)"
    verilator --lint-only -Wall -sv --top-module tasu_ppa_row -GKind=$kind $ppa_ci_g "$root/rtl/lint/verilator_waivers.vlt" "${ppa[@]}"
  done
  prove_dots
  engine_check ci
}

stream_b() {
  lint_config default
  # The ternary rows hold no multiplier either (the INT8 and BF16 baselines do, by design).
  for kind in $(awk '$3 == "TERNARY" {print $1}' "$gen/ppa_rows.txt"); do
    yosys -q -p "read_verilog -sv ${ppa[*]}; chparam -set Kind $kind $ppa_ci_set tasu_ppa_row; synth -top tasu_ppa_row -run begin:coarse;
                 proc; opt -fast; select -assert-none t:\$mul t:\$div t:\$mod t:\$pow; synth -top tasu_ppa_row -run coarse:fine;
                 check -assert; select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr" > /dev/null
  done
  engine_check ci_w16
  echo "lint: yosys synth + check -assert (ci)"
  {
    echo "read_verilog -sv ${rtl[*]}"
    cat "$gen/params_ci.ys"
    # proc is where latches and drivers appear; a coarse synth on top proves nothing more and
    # takes minutes.
    echo "hierarchy -check -top tasu_top; proc; opt_clean"
    echo "check -assert"
    echo "select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr"
  } > "$gen/lint.ys"
  yosys -q -l "$gen/yosys_lint.log" "$gen/lint.ys" > /dev/null
}

stream_a > "$gen/lint_a.log" 2>&1 & pid_a=$!
stream_b > "$gen/lint_b.log" 2>&1 & pid_b=$!
rc_a=0; rc_b=0
wait $pid_a || rc_a=$?
wait $pid_b || rc_b=$?
# Yosys notes that it turns the adder trees' node arrays into wires: expected, not a finding.
grep -hvE "Replacing memory .*node with list of registers" "$gen/lint_a.log" "$gen/lint_b.log" || true
[ $rc_a -eq 0 ] && [ $rc_b -eq 0 ] || { echo "lint: FAILED"; exit 1; }
# (Best effort: an unwritable cache only means the next run lints again.)
[ -z "$cache" ] || { mkdir -p "$cache" && date -u '+%Y-%m-%d %H:%M UTC' > "$cache/$key"; } 2> /dev/null || true
echo "lint: clean"
