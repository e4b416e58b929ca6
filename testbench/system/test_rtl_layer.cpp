// Whole decoder layers on the Verilated platform equal model (b) bit for bit: prefill and
// decode, both head sizes, GQA, two chained layers. One process per test.
#include <gtest/gtest.h>

#include "../common_sc_main.h"
#include "../layer_bench.h"

namespace {

using tasu::bench::shape;

TEST(RtlLayer, HeadDim64PrefillAndDecode) {
  auto dev = tasu::rt::open_device("rtl", "ci");
  tasu::bench::expect_layers_bit_exact(*dev, shape(256, 704, 4, 2, 64), 1, 6, 2);
}

TEST(RtlLayer, HeadDim128TwoLayers) {
  auto dev = tasu::rt::open_device("rtl", "ci");
  tasu::bench::expect_layers_bit_exact(*dev, shape(256, 384, 2, 1, 128), 2, 3, 1);
}

}  // namespace
