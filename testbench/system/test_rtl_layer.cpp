// Whole decoder layers on the Verilated platform equal the exact layer model bit for bit: prefill and
// decode, both head sizes, GQA, two chained layers, batched decode, the MAC-array engines. One
// process per test.
#include <gtest/gtest.h>

#include "../common_sc_main.h"
#include "../layer_bench.h"

namespace {

using tasu::bench::shape;

// Each test also runs the functional model, whose cycle count must be the RTL's.
void run_both(const tasu::layer::LayerShape& s, int layers, int64_t P, int64_t decode, const char* config = "ci") {
  auto rtl = tasu::rt::open_device("rtl", config);
  auto model = tasu::rt::open_device("model", config);
  const auto rc = tasu::bench::expect_layers_bit_exact(*rtl, s, layers, P, decode);
  const auto mc = tasu::bench::expect_layers_bit_exact(*model, s, layers, P, decode);
  tasu::bench::expect_cycles_equal(rc, mc, "layer");
}

TEST(RtlLayer, HeadDim64PrefillAndDecode) { run_both(shape(256, 704, 4, 2, 64), 1, 6, 2); }

// 1.6-bit weights: the same layer programs over five weights per byte.
TEST(RtlLayer, PackedWeightsPrefillAndDecode) { run_both(shape(256, 704, 4, 2, 64), 1, 6, 2, "ci_w16"); }

// The MAC-array baselines: INT8 (ternary weights as bytes) and BF16 (as BF16 values; its
// binary32 sums enter the vector unit without I2F), the same layer bit for bit.
TEST(RtlLayer, Int8EnginePrefillAndDecode) { run_both(shape(256, 704, 4, 2, 64), 1, 6, 2, "ci_int8"); }
TEST(RtlLayer, Bf16EnginePrefillAndDecode) { run_both(shape(256, 704, 4, 2, 64), 1, 6, 2, "ci_bf16"); }

TEST(RtlLayer, HeadDim128TwoLayers) { run_both(shape(256, 384, 2, 1, 128), 2, 3, 1); }

// Past what the scratchpad holds at once (the cache streams through it in blocks).
TEST(RtlLayer, ContextStreamedInBlocks) { run_both(shape(256, 384, 2, 1, 128), 1, 200, 1); }

// Batched decode: three sequences at different positions, one token each per program.
TEST(RtlLayer, BatchedDecode) {
  const auto s = shape(256, 704, 4, 2, 64);
  auto rtl = tasu::rt::open_device("rtl", "ci");
  auto model = tasu::rt::open_device("model", "ci");
  const auto rc = tasu::bench::expect_batch_bit_exact(*rtl, s, 3, 4, 2);
  const auto mc = tasu::bench::expect_batch_bit_exact(*model, s, 3, 4, 2);
  tasu::bench::expect_cycles_equal(rc, mc, "batch");
}

}  // namespace
