// The functional model's BF16 dot product (model/functional/dot_bf16.h): its host-float path
// must give the exact path's bits on every input, including the ones where IEEE binary32 and
// the vector unit part (overflow, sums below 2^-126, subnormal and exponent-255 patterns).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "functional/dot_bf16.h"

namespace tasu::model {
namespace {

struct Case {
  std::vector<uint16_t> w;
  std::vector<int8_t> a;
  uint32_t base = 0;
};

uint16_t bf16(uint32_t sign, uint32_t exp, uint32_t frac7) {
  return static_cast<uint16_t>(sign << 15 | (exp & 0xffu) << 7 | (frac7 & 0x7fu));
}

// Weights from one of several families, chosen per case so that each family fills whole dot
// products: the edges must meet each other in one tree to cancel, overflow or underflow.
Case make_case(std::mt19937& rng, uint32_t n, int family) {
  Case c;
  c.w.resize(n);
  c.a.resize(n);
  auto u = [&](uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng); };
  for (uint32_t i = 0; i < n; ++i) {
    c.a[i] = static_cast<int8_t>(u(0, 255));
    switch (family) {
      case 0:  // ternary, as the BitNet layers hold them: every sum an exact integer
        c.w[i] = u(0, 2) == 0 ? 0 : bf16(u(0, 1), 127, 0);
        break;
      case 1:  // any 16-bit pattern: subnormals, exponent 255, overflow
        c.w[i] = static_cast<uint16_t>(u(0, 0xffff));
        break;
      case 2:  // near 2^-126: sums that cancel into the subnormal range
        c.w[i] = bf16(u(0, 1), u(0, 3), u(0, 127));
        c.a[i] = static_cast<int8_t>(u(0, 1) ? 1 : -1);
        break;
      case 3:  // near FLT_MAX: products and sums that overflow
        c.w[i] = bf16(u(0, 1), u(245, 254), u(0, 127));
        break;
      default:  // ordinary values of mixed magnitude: rounding in every add
        c.w[i] = bf16(u(0, 1), u(100, 150), u(0, 127));
        break;
    }
  }
  const uint32_t kind = u(0, 4);
  c.base = kind == 0 ? 0u : kind == 1 ? u(0, 0xffffffffu) : kind == 2 ? (u(0, 1) << 31 | u(1, 0x7fffff)) /* subnormal */
         : kind == 3 ? (u(0, 1) << 31 | 0x7f800000u | u(0, 0x7fffff)) /* exponent 255 */
                     : (u(0, 1) << 31 | 0x00800000u | u(0, 0x7fffff));  /* 2^-126 and up */
  return c;
}

TEST(DotBf16, HostPathGivesTheExactBitsOnEveryFamily) {
  std::mt19937 rng(20261203);
  const uint32_t tiles = 2, lanes = 32, depth = 3, n = depth * tiles * lanes;
  for (int family = 0; family < 5; ++family) {
    for (int i = 0; i < 4000; ++i) {
      const Case c = make_case(rng, n, family);
      const uint32_t exact = dot_bf16_exact(c.w.data(), c.a.data(), depth, c.base, tiles, lanes);
      const uint32_t fast = dot_bf16(c.w.data(), c.a.data(), depth, c.base, tiles, lanes);
      ASSERT_EQ(fast, exact) << "family " << family << " case " << i << " base " << std::hex << c.base;
    }
  }
}

// A host path that always gave up would still give the right bits: the layers' own weights
// (ternary values, integer sums) and ordinary values must stay on it, with a zero or normal
// base, and only the edges may leave it.
TEST(DotBf16, LayerWeightsStayOnTheHostPath) {
  std::mt19937 rng(11);
  const uint32_t tiles = 16, lanes = 32, depth = 5, n = depth * tiles * lanes;
  for (int family : {0, 4, 3}) {
    const uint64_t before = dot_bf16_exact_steps();
    for (int i = 0; i < 200; ++i) {
      Case c = make_case(rng, n, family);
      c.base = i % 2 ? 0u : 0x4b000000u;  // +0, 2^23
      ASSERT_EQ(dot_bf16(c.w.data(), c.a.data(), depth, c.base, tiles, lanes),
                dot_bf16_exact(c.w.data(), c.a.data(), depth, c.base, tiles, lanes));
    }
    const uint64_t exact = dot_bf16_exact_steps() - before;
    if (family == 3) EXPECT_GT(exact, 0u) << "products near FLT_MAX overflow on the host";
    else EXPECT_EQ(exact, 0u) << "family " << family << " left the host path";
  }
}

// The shapes the engines use, and lane counts that are not a power of two (the same pairing).
TEST(DotBf16, EveryShape) {
  std::mt19937 rng(7);
  for (const auto& [tiles, lanes] : {std::pair<uint32_t, uint32_t>{16, 32}, {1, 1}, {3, 6}, {1, 64}, {2, 80}}) {
    for (int i = 0; i < 300; ++i) {
      const uint32_t depth = 1 + i % 4;
      const Case c = make_case(rng, depth * tiles * lanes, i % 5);
      ASSERT_EQ(dot_bf16(c.w.data(), c.a.data(), depth, c.base, tiles, lanes),
                dot_bf16_exact(c.w.data(), c.a.data(), depth, c.base, tiles, lanes))
          << tiles << " tiles, " << lanes << " lanes, case " << i;
    }
  }
}

// Hand-made edges, each checked against the value the unit's rules give.
TEST(DotBf16, EdgesFollowTheUnitsRules) {
  const uint16_t one = bf16(0, 127, 0), big = bf16(0, 254, 127);  // 1.0, the largest BF16 below 2^128
  std::vector<uint16_t> w(2, 0);
  std::vector<int8_t> a(2, 0);
  // 1.5 x 2^-126 - 1.25 x 2^-126 = 2^-128: IEEE keeps a subnormal, the unit flushes to +0.
  w = {bf16(0, 1, 0x40), bf16(1, 1, 0x20)};
  a = {1, 1};
  EXPECT_EQ(dot_bf16(w.data(), a.data(), 1, 0, 1, 2), 0u);
  // big x 127 overflows: the unit saturates to FLT_MAX where IEEE gives infinity.
  w = {big, 0};
  a = {127, 0};
  EXPECT_EQ(dot_bf16(w.data(), a.data(), 1, 0, 1, 2), 0x7f7fffffu);
  // An exponent-255 weight reads as 2^128 x 1.m, not as infinity: saturated, not NaN.
  w = {0x7f80, 0};
  a = {1, 0};
  EXPECT_EQ(dot_bf16(w.data(), a.data(), 1, 0, 1, 2), 0x7f7fffffu);
  // x + (-x) = +0; -0 + -0 = -0 (a negative weight times +0 is -0).
  w = {one, bf16(1, 127, 0)};
  a = {3, 3};
  EXPECT_EQ(dot_bf16(w.data(), a.data(), 1, 0, 1, 2), 0u);
  w = {bf16(1, 127, 0), bf16(1, 127, 0)};
  a = {0, 0};
  EXPECT_EQ(dot_bf16(w.data(), a.data(), 1, 0x80000000u, 1, 2), 0x80000000u);
  // A subnormal base reads as a zero of its sign.
  EXPECT_EQ(dot_bf16(w.data(), a.data(), 1, 0x80000001u, 1, 2), 0x80000000u);
  EXPECT_EQ(dot_bf16(w.data(), a.data(), 1, 0x00000001u, 1, 2), 0u);
}

}  // namespace
}  // namespace tasu::model
