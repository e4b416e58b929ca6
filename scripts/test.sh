#!/usr/bin/env bash
# Builds everything (Release, ccache, -j2) and runs the lint and every test through CTest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TASU_BUILD_DIR:-$root/build}
# Configure once: a re-configure re-runs Verilator and recompiles its output; later builds
# re-configure by themselves when a CMakeLists.txt changes.
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j2
"$root/scripts/lint.sh"
ctest --test-dir "$build" -j2 --output-on-failure --timeout 1200
