#!/usr/bin/env bash
# The sanitize job: builds tasu with clang under AddressSanitizer and UndefinedBehaviorSanitizer
# (only the `ci` configuration Verilated, to keep the build short), runs the unit and CLI tests
# in it, then runs each libFuzzer target for FUZZ_SECONDS on a copy of its seed corpus.
#   scripts/sanitize.sh [BUILD_DIR] [FUZZ_SECONDS] [RELEASE_TREE]   (defaults: build-san, 10, none)
# RELEASE_TREE, a build tree of the same sources, built (CTest passes its own): its Verilated
# libraries are linked here instead of compiled again (they are not instrumented in either
# tree; CMakeLists.txt, TASU_VERILATED_FROM). Not built from here: CTest runs this beside
# the tests of that tree.
# Any sanitizer report, failed test or fuzzer finding fails it. CTest runs it as
# sanitize.unit_cli_and_fuzzers (label sanitize).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-san}
seconds=${2:-10}
release=${3:-}
command -v clang++ >/dev/null || { echo "sanitize: clang++ missing (scripts/setup.sh installs it)"; exit 1; }

from=()
[ -z "$release" ] || from=(-DTASU_VERILATED_FROM="$(cd "$release" && pwd)")
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
    -DTASU_SANITIZE=address,undefined -DTASU_FUZZ=ON -DTASU_RTL_CONFIGS=ci -DTASU_FUZZ_SECONDS="$seconds" "${from[@]}" >/dev/null
fi
cmake --build "$build" -j2
# halt_on_error: the first report fails the test. detect_leaks stays on.
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# Unit and CLI tests that need no Verilated configuration other than `ci` (the tree defines no
# system benches, testbench/CMakeLists.txt), but for those on full-size shapes (the synthetic
# 2B4T model's 2560 x 6912 layers, contexts of thousands of positions). Their code runs here on
# small shapes and in the release tree on these; at -O1 under ASan they took 320 of the 630 s
# its unit and CLI tests took in session 24's CI (ContextCapacityHoldsForBatchedDecode alone
# 181 s, 10 s in the release tree).
full_size=(LayerProgram.ContextCapacityHoldsForBatchedDecode LayerProgram.ContextCapacityIsCheckedUpFront
           FloatReference.SyntheticFullSizeLayer Synthetic2B4T.RealDimensionsAndBitNetTernaryStatistics
           Synthetic2B4T.EmbeddingRowsAreTheTablesRows Synthetic2B4T.LayerAloneEqualsLayerOfTheModel
           Synthetic2B4T.DeterministicPerSeedAndIndependentOfLayerCount cli.run_input_of_another_seed_is_refused)
listed=$(ctest --test-dir "$build" -N -L "unit|cli")
for t in "${full_size[@]}"; do   # a renamed test must not run here unnoticed, nor leave a stale name
  grep -q "Test *#[0-9]*: $t\$" <<< "$listed" || { echo "sanitize: '$t' is not a test of this tree: update full_size"; exit 1; }
done
skip=$(IFS='|'; echo "^(${full_size[*]})\$")
ctest --test-dir "$build" -j2 --output-on-failure --timeout 1200 -L "unit|cli" -LE "system|ppa|slurm|formal|fuzz" -E "$skip"
ctest --test-dir "$build" -j2 --output-on-failure -L fuzz
echo "sanitize: clean"
