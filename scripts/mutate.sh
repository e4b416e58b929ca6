#!/usr/bin/env bash
# Mutation campaign: applies each mutant of scripts/mutants.txt (RTL and C++: truncations,
# off-by-ones, swapped conditions, dropped enables and checks) to a copy of the tree, rebuilds
# it and runs the tests; a mutant is caught when a test fails (or times out: a hang counts).
#   scripts/mutate.sh [--list FILE] [--work DIR] [--only ID[,ID...]] [--keep-copy]
#   scripts/mutate.sh --check   (each mutant's line is in its file exactly once; nothing built)
# The copy Verilates `ci` and `ci_w16` (the 1.6-bit weights), so a mutant rebuilds in a few minutes; the
# tests that need another configuration fail on the unmutated copy and are left out (listed).
# Prints one line per mutant and the score; the source tree itself is never modified.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
list=$root/scripts/mutants.txt work=/tmp/tasu-mutate only="" copy=1 check=0
while [ $# -gt 0 ]; do
  case "$1" in
    --list) list=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --keep-copy) copy=0; shift ;;  # reuse the copy of an earlier campaign as it is
    --check) check=1; shift ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "mutate: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
# A mutant whose line the code no longer has would count as stale in a campaign; the check finds
# it at once (CTest unit.mutants_still_apply).
if [ "$check" -eq 1 ]; then
  python3 - "$root" "$list" <<'PY'
import sys
root, path = sys.argv[1:]
stale, n, cur = [], 0, {}
for line in open(path):
    line = line.rstrip("\n")
    if line.startswith("mutant "):
        cur = {"id": line[7:]}
    elif line.startswith("file "):
        cur["file"] = line[5:]
    elif line.startswith("from "):
        n += 1
        try:
            k = open(f"{root}/{cur['file']}").read().count(line[5:])
        except OSError as e:
            k = f"unreadable ({e})"
        if k != 1:
            stale.append(f"{cur['id']}: {k} occurrences of '{line[5:]}' in {cur['file']}")
for s in stale:
    print("mutate: stale", s)
print(f"mutate: {n - len(stale)} of {n} mutants apply")
sys.exit(1 if stale or n == 0 else 0)
PY
  exit $?
fi
src=$work/src build=$work/build
mkdir -p "$src"
cp "$list" "$work/mutants.txt"  # read from a copy: the list may be edited while a campaign runs
# The tree as it is (tracked and untracked files, no build trees).
[ "$copy" -eq 0 ] || (cd "$root" && git ls-files -co --exclude-standard -z) | (cd "$root" && xargs -0 cp --parents -t "$src")
[ -f "$build/CMakeCache.txt" ] || cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "-DTASU_RTL_CONFIGS=ci;ci_w16" >/dev/null
tests() { ctest --test-dir "$build" -j2 --timeout 300 -LE "ppa|slurm|formal|sanitize" "$@"; }

echo "mutate: building the unmutated copy"
cmake --build "$build" -j2 >"$work/baseline-build.log" 2>&1 || { echo "mutate: the unmutated copy does not build"; exit 1; }
tests >"$work/baseline.log" 2>&1 || true
# Tests that fail unmutated (they need a configuration this copy does not Verilate) are left out.
mapfile -t skip < <(sed -n 's/^[[:space:]]*[0-9]* - \([^ ]*\) (.*/\1/p' "$work/baseline.log")
# The test of this script's own --check reads the copy's mutants.txt against the copy's tree:
# with a mutant applied its line is gone, so it would fail for every mutant and catch none.
skip+=(unit.mutants_still_apply)
exclude=$(printf '%s\n' "${skip[@]}" | sed 's/[.[\*^$()+?{|]/\\&/g; s/^/^/; s/$/$/' | paste -sd'|')
ran=$(sed -n 's/.*tests passed, [0-9]* tests failed out of \([0-9]*\)/\1/p' "$work/baseline.log")
echo "mutate: $(( ran - ${#skip[@]} )) tests per mutant; left out (need another configuration, or --check's own test): ${#skip[@]}"

apply() {  # file from to: replaces the one occurrence, fails if there is not exactly one
  python3 - "$1" "$2" "$3" <<'PY'
import sys
path, old, new = sys.argv[1:]
text = open(path).read()
n = text.count(old)
if n != 1:
    sys.exit(f"{n} occurrences")
open(path, "w").write(text.replace(old, new))
PY
}

caught=0 total=0 invalid=0 survivors=()
# A mutated file is put back however the script ends (an interrupt included).
current=""
trap '[ -z "$current" ] || cp "$work/original" "$src/$current"' EXIT
trap 'exit 130' INT TERM
run_mutant() {
  local id=$1 file=$2 from=$3 to=$4 why=$5
  [ -z "$only" ] || [[ ",$only," == *",$id,"* ]] || return 0
  total=$((total + 1))
  cp "$src/$file" "$work/original"
  current=$file
  if ! msg=$(apply "$src/$file" "$from" "$to" 2>&1); then
    current=""
    echo "STALE     $id: '$from' in $file: $msg"; survivors+=("$id (stale)"); return 0
  fi
  local verdict
  if ! cmake --build "$build" -j2 >"$work/$id.build.log" 2>&1; then
    verdict="INVALID   $id: does not build (see $work/$id.build.log); not counted"
  elif tests ${exclude:+-E "$exclude"} --stop-on-failure >"$work/$id.log" 2>&1; then
    verdict="SURVIVED  $id${why:+: $why}"
  else
    verdict="caught    $id: $(sed -n 's/^[[:space:]]*[0-9]* - \([^ ]*\) (.*/\1/p' "$work/$id.log" | head -3 | paste -sd' ')"
  fi
  cp "$work/original" "$src/$file"
  current=""
  case "$verdict" in
    caught*) caught=$((caught + 1)) ;;
    INVALID*) total=$((total - 1)); invalid=$((invalid + 1)) ;;
    *) survivors+=("$id") ;;
  esac
  echo "$verdict"
}

id="" file="" from="" to="" why=""
flush() { [ -z "$id" ] || run_mutant "$id" "$file" "$from" "$to" "$why"; id="" file="" from="" to="" why=""; }
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    "mutant "*) flush; id=${line#mutant } ;;
    "file "*) file=${line#file } ;;
    "from "*) from=${line#from } ;;
    "to   "*) to=${line#to   } ;;
    "why  "*) why=${line#why  } ;;
  esac
done <"$work/mutants.txt"
flush
cmake --build "$build" -j2 >/dev/null 2>&1 || true  # leave the copy built unmutated
echo "mutate: $caught of $total mutants caught ($(( total ? 100 * caught / total : 0 ))%)$([ "$invalid" -eq 0 ] || echo "; $invalid did not build, not counted")"
[ ${#survivors[@]} -eq 0 ] || echo "mutate: survivors: ${survivors[*]}"
