#!/usr/bin/env bash
# Prints the files of one RTL file set of rtl/filesets.txt, one absolute path per line, in
# compilation order without repeats: `rtl_files.sh SET GENERATED_DIR`. `rtl_files.sh --unlisted`
# prints the .sv files under rtl/ that no set names (lint fails on any).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
manifest="$root/rtl/filesets.txt"

# The lines of set $1, includes expanded, each file once in first-seen order: one awk pass over
# the manifest (a shell loop re-reading it per include took 20 s for [top]).
expand() {
  awk -v want="$1" -v manifest="$manifest" '
    function fail(msg) { print "rtl_files: " msg > "/dev/stderr"; failed = 1; exit 2 }
    function ex(set, depth,    i, l) {
      if (depth >= 16) fail("includes nested too deep at [" set "]")
      if (!(set in n)) fail("no set [" set "] in " manifest)
      for (i = 1; i <= n[set]; i++) {
        l = item[set, i]
        if (l ~ /^@/) ex(substr(l, 2), depth + 1)
        else if (!seen[l]++) print l
      }
    }
    { sub(/#.*/, ""); gsub(/[[:space:]]/, "") }
    $0 == "" { next }
    /^\[.*\]$/ { cur = substr($0, 2, length($0) - 2); if (!(cur in n)) n[cur] = 0; next }
    cur != "" { item[cur, ++n[cur]] = $0 }
    END { if (!failed) ex(want, 0) }' "$manifest"
}

if [ "${1:-}" = "--unlisted" ]; then
  listed=$(grep -vE '^\s*(#|\[|@|gen:|$)' "$manifest" | sed 's/#.*//; s/[[:space:]]//g' | sort -u)
  (cd "$root/rtl" && find . -name '*.sv' | sed 's|^\./||' | sort) | comm -23 - <(echo "$listed")
  exit 0
fi
[ $# -eq 2 ] || { echo "usage: rtl_files.sh SET GENERATED_DIR | --unlisted" >&2; exit 2; }
set_name=$1 gen=$2
lines=$(expand "$set_name")
echo "$lines" | while IFS= read -r f; do
  case $f in
    gen:*) echo "$gen/${f#gen:}" ;;
    *)
      [ -f "$root/rtl/$f" ] || { echo "rtl_files: $f (set [$set_name]) does not exist" >&2; exit 2; }
      echo "$root/rtl/$f" ;;
  esac
done
