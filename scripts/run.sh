#!/usr/bin/env bash
# Builds tasu and runs its main job on the embedded default: one full-size BitLinear
# (6912 x 2560, the 2B4T up/gate projection shape) on the cycle-accurate RTL of `default`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TASU_BUILD_DIR:-$root/build}
# Configure once: a re-configure re-runs Verilator and recompiles its output; later builds
# re-configure by themselves when a CMakeLists.txt changes.
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j2 --target tasu
"$build/tasu" bitlinear --m 6912 --k 2560 --tokens 32 --backend rtl --config default "$@"
