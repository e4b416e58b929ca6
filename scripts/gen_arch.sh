#!/usr/bin/env bash
# Generates tasu_pkg.sv (and the C++ header) from firmware/arch/tasu_arch.json into OUT_DIR, for
# the scripts that read the RTL outside CMake (lint, formal, ppa). Always regenerated, so that a
# reused directory never holds a package older than the JSON. Usage: scripts/gen_arch.sh OUT_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: gen_arch.sh OUT_DIR}
mkdir -p "$out"
# Through ccache when there is one (scripts/setup.sh installs it): the compile is 7 s of a lint
# that must stay within 40 s, and the source rarely changes.
cxx=(c++); command -v ccache > /dev/null && cxx=(ccache c++)
# (compiled and linked apart: ccache caches compiles, not links).
"${cxx[@]}" -std=c++17 -O1 -c "$root/firmware/arch/gen_arch.cpp" -o "$out/gen_arch.o"
c++ "$out/gen_arch.o" -o "$out/gen_arch"
"$out/gen_arch" "$root/firmware/arch/tasu_arch.json" "$out"
