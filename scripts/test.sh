#!/usr/bin/env bash
# Builds everything (Release, ccache, -j2) and runs the lint and every test through CTest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TASU_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j2
"$root/scripts/lint.sh"
ctest --test-dir "$build" -j2 --output-on-failure --timeout 1200
