#!/usr/bin/env bash
# Prints the files of one RTL file set of rtl/filesets.txt, one absolute path per line, in
# compilation order without repeats: `rtl_files.sh SET GENERATED_DIR`. `rtl_files.sh --unlisted`
# prints the .sv files under rtl/ that no set names (lint fails on any).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
manifest="$root/rtl/filesets.txt"

# The raw lines of set $1, includes expanded.
expand() {
  local set=$1 depth=$2 line found=0 in=0
  [ "$depth" -lt 16 ] || { echo "rtl_files: includes nested too deep at [$set]" >&2; exit 2; }
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%%#*}
    line=$(echo "$line" | tr -d '[:space:]')
    [ -n "$line" ] || continue
    if [[ $line == \[*\] ]]; then
      in=0
      [ "$line" = "[$set]" ] && { in=1; found=1; }
      continue
    fi
    [ $in -eq 1 ] || continue
    if [[ $line == @* ]]; then expand "${line#@}" $((depth + 1)); else echo "$line"; fi
  done < "$manifest"
  [ $found -eq 1 ] || { echo "rtl_files: no set [$set] in $manifest" >&2; exit 2; }
}

if [ "${1:-}" = "--unlisted" ]; then
  listed=$(grep -vE '^\s*(#|\[|@|gen:|$)' "$manifest" | sed 's/#.*//; s/[[:space:]]//g' | sort -u)
  (cd "$root/rtl" && find . -name '*.sv' | sed 's|^\./||' | sort) | comm -23 - <(echo "$listed")
  exit 0
fi
[ $# -eq 2 ] || { echo "usage: rtl_files.sh SET GENERATED_DIR | --unlisted" >&2; exit 2; }
set_name=$1 gen=$2
lines=$(expand "$set_name" 0)
echo "$lines" | awk '!seen[$0]++' | while IFS= read -r f; do
  case $f in
    gen:*) echo "$gen/${f#gen:}" ;;
    *)
      [ -f "$root/rtl/$f" ] || { echo "rtl_files: $f (set [$set_name]) does not exist" >&2; exit 2; }
      echo "$root/rtl/$f" ;;
  esac
done
