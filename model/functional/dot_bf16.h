// The BF16 baseline engine's dot product in the functional model, bit for bit the RTL's
// (rtl/engine/tasu_dot_bf16.sv, the tile sums and the accumulate adder of tasu_engine.sv).
#pragma once
#include <cstdint>

namespace tasu::model {

// One output word: for each of `depth` steps, each tile's `lanes` products of BF16 weights and
// int8 activations (exact in binary32) summed by a pairwise tree, the tiles added in order, and
// the step's sum added to the running sum, which starts at `base` (zero, or the word accumulated
// into). w and a hold depth x tiles x lanes values, step-major. Runs on the host's binary32
// adder where that gives the vector unit's result (every value normal or zero) and takes
// dot_bf16_exact's path for a step where it might not.
uint32_t dot_bf16(const uint16_t* w, const int8_t* a, uint32_t depth, uint32_t base, uint32_t tiles, uint32_t lanes);

// The same through the vector unit's arithmetic (model/vector/vfloat.h), one operation at a
// time: the specification (the main job on `default_bf16` takes 14x as long with it).
uint32_t dot_bf16_exact(const uint16_t* w, const int8_t* a, uint32_t depth, uint32_t base, uint32_t tiles,
                        uint32_t lanes);

// Steps that dot_bf16 took on the exact path in this thread so far: none on the layers' own
// weights (ternary values, whose sums are integers), which tests check, since a host path that
// always gave up would still give the right bits.
uint64_t dot_bf16_exact_steps();

}  // namespace tasu::model
