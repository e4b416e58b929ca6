#!/usr/bin/env bash
# Builds tasu and runs its main job on the embedded default: one full-size BitNet b1.58
# decoder layer (bitnet-b1.58-2B-4T dimensions, synthetic weights), prefill of 32 tokens then
# 4 decode steps, on the cycle-accurate RTL of `default`, checked bit for bit against the exact layer model.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TASU_BUILD_DIR:-$root/build}
# Configure once: a re-configure re-runs Verilator and recompiles its output; later builds
# re-configure by themselves when a CMakeLists.txt changes.
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j2 --target tasu
"$build/tasu" run "$@"
