// The vector unit's arithmetic (model/vector): the primitive operations against IEEE binary32
// where the rules agree, the flush/saturate rules where they do not, and the measured error of
// every special function over its domain. The maxima are printed for docs/vector_unit.md.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <random>

#include "vector/vfloat.h"
#include "vector/vfunc.h"

namespace {

namespace v = tasu::vec;

bool normal_or_zero(float f) { return f == 0.0f || std::isnormal(f); }

TEST(VectorFloat, AddAndMulAreIeeeWhereResultsAreNormal) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> mant(-2.0f, 2.0f);
  std::uniform_int_distribution<int> ex(-60, 60);
  int checked = 0;
  for (int i = 0; i < 1000000; ++i) {
    const float a = std::ldexp(mant(rng), ex(rng)), b = std::ldexp(mant(rng), ex(rng) / 4);
    const float s = a + b, p = a * b;
    if (normal_or_zero(s)) {
      ASSERT_EQ(v::add(v::from_float(a), v::from_float(b)), v::from_float(s)) << a << " + " << b;
      ++checked;
    }
    if (normal_or_zero(p)) ASSERT_EQ(v::mul(v::from_float(a), v::from_float(b)), v::from_float(p)) << a << " * " << b;
  }
  EXPECT_GT(checked, 900000);
}

TEST(VectorFloat, FlushSaturateAndSignedZeros) {
  const v::vf32 tiny = v::from_float(FLT_MIN);
  EXPECT_EQ(v::mul(tiny, v::from_float(0.5f)), 0u);                       // below normal: +0
  EXPECT_EQ(v::mul(v::neg(tiny), v::from_float(0.5f)), 0x80000000u);     // -0
  EXPECT_EQ(v::add(0x00000001u, 0u), 0u);                                 // subnormal input reads as 0
  EXPECT_EQ(v::mul(v::from_float(FLT_MAX), v::from_float(2.0f)), v::float_to_bits(FLT_MAX));
  EXPECT_EQ(v::add(v::from_float(-FLT_MAX), v::from_float(-FLT_MAX)), v::float_to_bits(-FLT_MAX));
  EXPECT_EQ(v::add(v::from_float(1.5f), v::from_float(-1.5f)), 0u);
  EXPECT_EQ(v::add(0x80000000u, 0x80000000u), 0x80000000u);
  // Just below 2^-126 but rounding up to it with an unbounded exponent: kept, not flushed.
  const double just_below = std::ldexp(1.0 - std::ldexp(1.0, -26), -126);
  EXPECT_EQ(v::round_from_double(just_below), v::float_to_bits(FLT_MIN));
  EXPECT_EQ(v::round_from_double(std::ldexp(1.0 - std::ldexp(1.0, -23), -126)), 0u);
  EXPECT_THROW(v::from_float(INFINITY), std::invalid_argument);
}

TEST(VectorFloat, Conversions) {
  EXPECT_EQ(v::to_int_rne(v::from_float(2.5f)), 2);
  EXPECT_EQ(v::to_int_rne(v::from_float(3.5f)), 4);
  EXPECT_EQ(v::to_int_rne(v::from_float(-2.5f)), -2);
  EXPECT_EQ(v::to_int_rne(v::from_float(1e12f)), INT32_MAX);
  EXPECT_EQ(v::floor_int(v::from_float(-0.25f)), -1);
  EXPECT_EQ(v::floor_int(v::from_float(7.99f)), 7);
  EXPECT_EQ(v::from_int(16777217), v::from_float(16777216.0f));  // ties to even
  EXPECT_EQ(v::from_int(-3), v::from_float(-3.0f));
}

double rel(double got, double want) { return std::fabs(got - want) / std::fabs(want); }

TEST(VectorFunctions, RsqrtAndRecip) {
  double worst_rsqrt = 0, worst_recip = 0;
  std::mt19937 rng(2);
  std::uniform_real_distribution<double> u(-80.0, 80.0);  // 1.8e-35 .. 5.5e34
  for (int i = 0; i < 200000; ++i) {
    const float x = static_cast<float>(std::exp(u(rng)));
    const v::vf32 vx = v::from_float(x);
    worst_rsqrt = std::max(worst_rsqrt, rel(v::to_float(v::rsqrt(vx)), 1.0 / std::sqrt(static_cast<double>(x))));
    if (x < 1e37f) worst_recip = std::max(worst_recip, rel(v::to_float(v::recip(vx)), 1.0 / static_cast<double>(x)));
  }
  std::printf("measured: rsqrt max rel error %.3g, recip max rel error %.3g\n", worst_rsqrt, worst_recip);
  EXPECT_LT(worst_rsqrt, 5e-7);
  EXPECT_LT(worst_recip, 5e-7);
}

TEST(VectorFunctions, ExpOfNonPositive) {
  double worst = 0;
  for (int i = 0; i <= 870000; ++i) {
    const float x = -static_cast<float>(i) * 1e-4f;
    const double want = std::exp(static_cast<double>(x));
    worst = std::max(worst, rel(v::to_float(v::exp_nonpos(v::from_float(x))), want));
  }
  std::printf("measured: exp max rel error on [-87, 0]: %.3g\n", worst);
  EXPECT_LT(worst, 1e-5);
  EXPECT_EQ(v::exp_nonpos(v::from_float(-100.0f)), 0u);
  EXPECT_EQ(v::exp_nonpos(0u), v::from_float(1.0f));
}

TEST(VectorFunctions, SinCos) {
  double worst_small = 0, worst_large = 0;
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> small(-10.0f, 10.0f), large(-65536.0f, 65536.0f);
  for (int i = 0; i < 200000; ++i) {
    for (int which = 0; which < 2; ++which) {
      const float x = which ? large(rng) : small(rng);
      const v::vf32 vx = v::from_float(x);
      const double es = std::fabs(v::to_float(v::sin(vx)) - std::sin(static_cast<double>(x)));
      const double ec = std::fabs(v::to_float(v::cos(vx)) - std::cos(static_cast<double>(x)));
      double& w = which ? worst_large : worst_small;
      w = std::max({w, es, ec});
    }
  }
  std::printf("measured: sin/cos max abs error |x|<=10: %.3g, |x|<=65536: %.3g\n", worst_small, worst_large);
  EXPECT_LT(worst_small, 1e-6);
  EXPECT_LT(worst_large, 1e-6);
}

}  // namespace
