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
# Options, for a Verilator -f file (tasu_verilate's FILESET): --out FILE writes the list there
# when it differs from what FILE holds (the build rule is restat: an edit of filesets.txt that
# leaves a set's list alone re-runs no Verilator), --first FILE puts FILE
# before the set (the lint waivers, which Verilator applies only to files read after them),
# --replace FROM TO names TO in FROM's place.
usage() { echo "usage: rtl_files.sh SET GENERATED_DIR [--out FILE] [--first FILE] [--replace FROM TO] | --unlisted" >&2; exit 2; }
[ $# -ge 2 ] || usage
set_name=$1 gen=$2
shift 2
out="" first="" from="" to=""
while [ $# -gt 0 ]; do
  case $1 in
    --out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    --first) [ $# -ge 2 ] || usage; first=$2; shift 2 ;;
    --replace) [ $# -ge 3 ] || usage; from=$2 to=$3; shift 3 ;;
    *) usage ;;
  esac
done
lines=$(expand "$set_name")
list=$(echo "$lines" | while IFS= read -r f; do
  case $f in
    gen:*) echo "$gen/${f#gen:}" ;;
    *)
      [ -f "$root/rtl/$f" ] || { echo "rtl_files: $f (set [$set_name]) does not exist" >&2; exit 2; }
      p="$root/rtl/$f"
      if [ -n "$from" ] && [ "$p" = "$from" ]; then p=$to; fi
      echo "$p" ;;
  esac
done)
if [ -n "$first" ]; then list=$(printf '%s\n%s' "$first" "$list"); fi
if [ -z "$out" ]; then echo "$list"
elif [ "$(cat "$out" 2>/dev/null)" != "$list" ]; then echo "$list" > "$out"; fi
