// The decoder-layer program (firmware/codegen/layer_codegen) on the functional model equals
// model (b) bit for bit: both head sizes, GQA, prefill longer than one program's chunk,
// decode steps, two chained layers.
#include <gtest/gtest.h>

#include "../common_sc_main.h"
#include "../layer_bench.h"

namespace {

using tasu::bench::shape;

TEST(LayerProgram, HeadDim64OnCi) {
  auto dev = tasu::rt::open_device("model", "ci");
  tasu::bench::expect_layers_bit_exact(*dev, shape(256, 704, 4, 2, 64), 1, 5, 2);
}

TEST(LayerProgram, HeadDim128TwoLayersOnCi) {
  auto dev = tasu::rt::open_device("model", "ci");
  tasu::bench::expect_layers_bit_exact(*dev, shape(256, 384, 2, 1, 128), 2, 3, 1);
}

TEST(LayerProgram, PrefillLongerThanOneChunk) {
  auto dev = tasu::rt::open_device("model", "ci");
  const auto s = shape(128, 192, 2, 2, 64);
  EXPECT_LT(tasu::codegen::max_layer_tokens(dev->config(), s), 70);
  tasu::bench::expect_layers_bit_exact(*dev, s, 1, 70, 1);
}

TEST(LayerProgram, UnsupportedHeadDimIsRefused) {
  auto dev = tasu::rt::open_device("model", "ci");
  const auto p = tasu::bench::random_layer(shape(96, 128, 3, 3, 32), 1);
  tasu::codegen::LayerAddrs a;
  EXPECT_THROW(tasu::codegen::generate_layer(dev->config(), p, 1, 0, a), std::invalid_argument);
}

}  // namespace
