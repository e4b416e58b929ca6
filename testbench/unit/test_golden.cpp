// Unit tests of the golden BitLinear reference (model/golden). Expected values are derived
// by hand or with exact rational arithmetic outside this code, never by re-running it.
#include "golden/bitlinear.h"

#include <gtest/gtest.h>

#include <cfenv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace tasu::golden {
namespace {

uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

float bits_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

std::vector<int8_t> random_ternary(std::mt19937& rng, size_t n) {
  std::uniform_int_distribution<int> d(-1, 1);
  std::vector<int8_t> v(n);
  for (auto& e : v) e = static_cast<int8_t>(d(rng));
  return v;
}

std::vector<int8_t> random_int8(std::mt19937& rng, size_t n) {
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> v(n);
  for (auto& e : v) e = static_cast<int8_t>(d(rng));
  return v;
}

// Multiply-accumulate in int64: deliberately the obvious formula, not the add/skip form.
std::vector<int64_t> naive_matmul(const std::vector<int8_t>& x, const std::vector<int8_t>& w,
                                  int64_t tokens, int64_t m, int64_t k) {
  std::vector<int64_t> y(static_cast<size_t>(tokens * m), 0);
  for (int64_t t = 0; t < tokens; ++t)
    for (int64_t o = 0; o < m; ++o)
      for (int64_t j = 0; j < k; ++j)
        y[t * m + o] += int64_t{x[t * k + j]} * int64_t{w[o * k + j]};
  return y;
}

template <typename Fn>
std::string thrown_message(Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "<nothing thrown>";
}

// ---------------------------------------------------------------- activation quantization

TEST(QuantizeActivations, AllZeroTokenUsesFloorScale) {
  const std::vector<float> x(7, 0.0f);
  const QuantizedActs a = quantize_activations(x.data(), 1, 7);
  // 127 / float(1e-5) = 12700000.32.., and float spacing at 1.27e7 is 1.
  EXPECT_EQ(a.scale.at(0), 12700000.0f);
  for (int8_t q : a.q) EXPECT_EQ(q, 0);
}

TEST(QuantizeActivations, TinyTokenUsesFloorScaleNotItsOwnMax) {
  // absmax 4e-6 < 1e-5: a per-token absmax scale would map 4e-6 to 127, the floor maps it to
  // round(4e-6 * 1.27e7) = round(50.8) = 51.
  const std::vector<float> x = {4e-6f, -1e-6f};
  const QuantizedActs a = quantize_activations(x.data(), 1, 2);
  EXPECT_EQ(a.scale[0], 12700000.0f);
  EXPECT_EQ(a.q[0], 51);
  EXPECT_EQ(a.q[1], -13);
}

TEST(QuantizeActivations, ExactHalfTiesRoundToEven) {
  // absmax 127 -> scale exactly 1, so x * s is x itself.
  const std::vector<float> x = {127.0f, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 3.5f, 126.5f};
  const QuantizedActs a = quantize_activations(x.data(), 1, static_cast<int64_t>(x.size()));
  EXPECT_EQ(a.scale[0], 1.0f);
  const std::vector<int8_t> expect = {127, 0, 2, 2, 0, -2, -2, 4, 126};
  EXPECT_EQ(a.q, expect);
}

TEST(QuantizeActivations, TiesAfterNonUnitScale) {
  // absmax 254 -> scale 0.5 exactly: 5 -> 2.5 -> 2, 7 -> 3.5 -> 4, -5 -> -2.5 -> -2.
  const std::vector<float> x = {254.0f, 5.0f, 7.0f, -5.0f};
  const QuantizedActs a = quantize_activations(x.data(), 1, 4);
  EXPECT_EQ(a.scale[0], 0.5f);
  const std::vector<int8_t> expect = {127, 2, 4, -2};
  EXPECT_EQ(a.q, expect);
}

TEST(QuantizeActivations, NegativeValuesAndSymmetricRange) {
  // absmax 8 (negative) -> scale 15.875 exactly; -8 maps to -127, never -128.
  const std::vector<float> x = {-8.0f, 4.0f, -2.0f, 1.0f, -0.03f};
  const QuantizedActs a = quantize_activations(x.data(), 1, 5);
  EXPECT_EQ(a.scale[0], 15.875f);
  // 63.5 -> 64 (even), -31.75 -> -32, 15.875 -> 16, -0.47625 -> 0.
  const std::vector<int8_t> expect = {-127, 64, -32, 16, 0};
  EXPECT_EQ(a.q, expect);
}

TEST(QuantizeActivations, ProductIsRoundedToFloat32BeforeRounding) {
  // Found by exact rational search: x * s is not a tie, but its float32 rounding is, and
  // the float32 tie then rounds to even. A double product would give the other integer.
  struct Case {
    float absmax, x, scale;
    int8_t q;
  };
  const Case cases[] = {
      {0x1.a76a2cp+2f, 0x1.fac39cp-2f, 0x1.332414p+4f, 10},  // exact 9.4999998, float 9.5
      {0x1.dd44c8p+1f, 0x1.270132p+1f, 0x1.107bdcp+5f, 78},  // exact 78.5000008, float 78.5
  };
  for (const Case& c : cases) {
    const float x[2] = {c.absmax, c.x};
    const QuantizedActs a = quantize_activations(x, 1, 2);
    EXPECT_EQ(float_bits(a.scale[0]), float_bits(c.scale));
    EXPECT_EQ(a.q[0], 127);
    EXPECT_EQ(a.q[1], c.q) << "x = " << c.x;
  }
}

TEST(QuantizeActivations, PerTokenScalesAreIndependent) {
  const std::vector<float> x = {1.0f, -0.5f, 0.25f,  // absmax 1  -> scale 127
                                -4.0f, 2.0f, 1.0f};  // absmax 4  -> scale 31.75
  const QuantizedActs a = quantize_activations(x.data(), 2, 3);
  ASSERT_EQ(a.tokens, 2);
  ASSERT_EQ(a.features, 3);
  EXPECT_EQ(a.scale, (std::vector<float>{127.0f, 31.75f}));
  // 63.5 -> 64, 31.75 -> 32; 63.5 -> 64, 31.75 -> 32.
  EXPECT_EQ(a.q, (std::vector<int8_t>{127, -64, 32, -127, 64, 32}));
}

TEST(QuantizeValue, ClampsToInt8Range) {
  EXPECT_EQ(quantize_value(1000.0f, 1.0f), 127);
  EXPECT_EQ(quantize_value(127.5f, 1.0f), 127);  // rounds to 128, clamped
  EXPECT_EQ(quantize_value(127.4f, 1.0f), 127);
  EXPECT_EQ(quantize_value(-1000.0f, 1.0f), -128);
  EXPECT_EQ(quantize_value(-128.5f, 1.0f), -128);  // tie to even -128
  EXPECT_EQ(quantize_value(-129.5f, 1.0f), -128);  // rounds to -130, clamped
  EXPECT_EQ(quantize_value(-127.6f, 1.0f), -128);
  EXPECT_EQ(quantize_value(-3.0f, 2.0f), -6);
}

TEST(QuantizeActivations, RejectsBadInput) {
  const std::vector<float> ok = {1.0f, 2.0f};
  EXPECT_THROW(quantize_activations(ok.data(), 0, 2), std::invalid_argument);
  EXPECT_THROW(quantize_activations(ok.data(), 1, -1), std::invalid_argument);
  EXPECT_THROW(quantize_activations(nullptr, 1, 2), std::invalid_argument);
  const std::vector<float> nan = {1.0f, std::numeric_limits<float>::quiet_NaN()};
  EXPECT_THROW(quantize_activations(nan.data(), 1, 2), std::invalid_argument);
  const std::vector<float> inf = {-std::numeric_limits<float>::infinity(), 1.0f};
  EXPECT_THROW(quantize_activations(inf.data(), 1, 2), std::invalid_argument);
  const std::string msg = thrown_message([&] { quantize_activations(nan.data(), 1, 2); });
  EXPECT_NE(msg.find("non-finite activation at flat index 1"), std::string::npos) << msg;
  EXPECT_THROW(quantize_value(std::numeric_limits<float>::infinity(), 0.0f),
               std::invalid_argument);
}

TEST(QuantizeActivations, RefusesNonDefaultRoundingMode) {
  const std::vector<float> x = {1.0f, 0.5f};
  ASSERT_EQ(std::fesetround(FE_UPWARD), 0);
  EXPECT_THROW(quantize_activations(x.data(), 1, 2), std::logic_error);
  std::vector<int8_t> w;
  EXPECT_THROW(absmean_ternarize(x.data(), 2, w), std::logic_error);
  ASSERT_EQ(std::fesetround(FE_TONEAREST), 0);
  EXPECT_NO_THROW(quantize_activations(x.data(), 1, 2));
}

// ---------------------------------------------------------------- weight scale convention

TEST(WeightScaleConvention, ParsesExactNames) {
  EXPECT_EQ(parse_weight_scale_convention("bitlinear"), WeightScaleConvention::BitLinear);
  EXPECT_EQ(parse_weight_scale_convention("autobitlinear"), WeightScaleConvention::AutoBitLinear);
  EXPECT_EQ(to_string(WeightScaleConvention::BitLinear), "bitlinear");
  EXPECT_EQ(to_string(WeightScaleConvention::AutoBitLinear), "autobitlinear");
}

TEST(WeightScaleConvention, RejectsOtherNamesWithClearMessage) {
  for (const char* bad : {"", "BitLinear", "auto", "bitlinear ", "autobitlinear2"}) {
    EXPECT_THROW(parse_weight_scale_convention(bad), std::invalid_argument) << bad;
  }
  const std::string msg = thrown_message([] { parse_weight_scale_convention("fp8"); });
  EXPECT_NE(msg.find("\"fp8\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("bitlinear"), std::string::npos) << msg;
}

// ---------------------------------------------------------------- ternary matmul

TEST(TernaryMatmul, MatchesNaiveReferenceOnRandomShapes) {
  std::mt19937 rng(20240531);
  struct Shape {
    int64_t tokens, m, k;
  };
  const Shape shapes[] = {{1, 1, 1}, {1, 3, 5}, {2, 3, 5}, {4, 33, 100},
                          {3, 100, 33}, {1, 7, 1}, {5, 1, 257},
                          // Large enough to be split over the host's cores, with ragged row counts.
                          {3, 701, 2100}, {1, 4999, 1001}};
  for (const Shape& s : shapes) {
    const auto x = random_int8(rng, static_cast<size_t>(s.tokens * s.k));
    const auto w = random_ternary(rng, static_cast<size_t>(s.m * s.k));
    std::vector<int32_t> y(static_cast<size_t>(s.tokens * s.m), -7);
    ternary_matmul(x.data(), w.data(), s.tokens, s.m, s.k, y.data());
    const auto ref = naive_matmul(x, w, s.tokens, s.m, s.k);
    ASSERT_EQ(y.size(), ref.size());
    for (size_t i = 0; i < y.size(); ++i) {
      ASSERT_EQ(int64_t{y[i]}, ref[i]) << s.tokens << "x" << s.m << "x" << s.k << " at " << i;
    }
  }
}

TEST(TernaryMatmul, HandComputedSmallCase) {
  const int8_t x[] = {3, -4, 5, 127, -128};
  const int8_t w[] = {1, 1, 1, 1, 1,   //
                      -1, 0, 1, 0, -1,  //
                      0, 0, 0, 0, 0};
  int32_t y[3];
  ternary_matmul(x, w, 1, 3, 5, y);
  EXPECT_EQ(y[0], 3 - 4 + 5 + 127 - 128);
  EXPECT_EQ(y[1], -3 + 5 + 128);
  EXPECT_EQ(y[2], 0);
}

TEST(TernaryMatmul, WorstCaseK16384DoesNotOverflow) {
  constexpr int64_t k = 16384;
  const std::vector<int8_t> plus(k, 1), minus(k, -1);
  const std::vector<int8_t> x_max(k, 127), x_min(k, -128);
  int32_t y = 0;
  ternary_matmul(x_max.data(), plus.data(), 1, 1, k, &y);
  EXPECT_EQ(y, 127 * 16384);
  ternary_matmul(x_min.data(), plus.data(), 1, 1, k, &y);
  EXPECT_EQ(y, -128 * 16384);
  ternary_matmul(x_min.data(), minus.data(), 1, 1, k, &y);  // the largest magnitude: +128 each
  EXPECT_EQ(y, 128 * 16384);
}

TEST(TernaryMatmul, DocumentedLimitIsTheLastSafeK) {
  // At k = 2^24 - 1 the extreme sum 128 * k = 2^31 - 128 still fits; one more could not.
  const int64_t k = kMaxTernaryK;
  const std::vector<int8_t> x(static_cast<size_t>(k), -128), w(static_cast<size_t>(k), -1);
  int32_t y = 0;
  ternary_matmul(x.data(), w.data(), 1, 1, k, &y);
  EXPECT_EQ(int64_t{y}, 128 * k);
  EXPECT_THROW(ternary_matmul(x.data(), w.data(), 1, 1, k + 1, &y), std::invalid_argument);
}

TEST(TernaryMatmul, RejectsNonTernaryWeightsBeforeWriting) {
  const int8_t x[] = {1, 2, 3};
  for (int8_t bad : {int8_t{2}, int8_t{-2}, int8_t{127}, int8_t{-128}}) {
    const int8_t w[] = {1, 0, -1, 0, bad, 1};
    int32_t y[2] = {-99, -99};
    const std::string msg = thrown_message([&] { ternary_matmul(x, w, 1, 2, 3, y); });
    EXPECT_NE(msg.find("[1][1]"), std::string::npos) << msg;
    EXPECT_THROW(ternary_matmul(x, w, 1, 2, 3, y), std::invalid_argument);
    EXPECT_EQ(y[0], -99);  // validation happens before any output is written
    EXPECT_EQ(y[1], -99);
  }
}

TEST(TernaryMatmul, RejectsBadDims) {
  const int8_t x[] = {1}, w[] = {1};
  int32_t y[1];
  EXPECT_THROW(ternary_matmul(x, w, 0, 1, 1, y), std::invalid_argument);
  EXPECT_THROW(ternary_matmul(x, w, 1, 0, 1, y), std::invalid_argument);
  EXPECT_THROW(ternary_matmul(x, w, 1, 1, -3, y), std::invalid_argument);
  EXPECT_THROW(ternary_matmul(nullptr, w, 1, 1, 1, y), std::invalid_argument);
}

// ---------------------------------------------------------------- dequantize

TEST(Dequantize, BitLinearHandComputed) {
  // s_x = 63.5, weight_scale = 2 (1/mean with mean 0.5): y = y_int / 127.
  const int32_t y_int[] = {254, -127, 0, 1};
  const float s[] = {63.5f};
  float y[4];
  dequantize(y_int, s, 1, 4, 2.0f, WeightScaleConvention::BitLinear, y);
  EXPECT_EQ(y[0], 2.0f);
  EXPECT_EQ(y[1], -1.0f);
  EXPECT_EQ(y[2], 0.0f);
  EXPECT_EQ(float_bits(y[3]), 0x3C010204u);  // float(1/127), correctly rounded
}

TEST(Dequantize, AutoBitLinearHandComputed) {
  // s_x = 63.5, weight_scale = mean = 0.5: y = y_int / 63.5 * 0.5.
  const int32_t y_int[] = {254, -127, 0, 127};
  const float s[] = {63.5f};
  float y[4];
  dequantize(y_int, s, 1, 4, 0.5f, WeightScaleConvention::AutoBitLinear, y);
  EXPECT_EQ(y[0], 2.0f);
  EXPECT_EQ(y[1], -1.0f);
  EXPECT_EQ(y[2], 0.0f);
  EXPECT_EQ(y[3], 1.0f);
}

TEST(Dequantize, AppliesEachTokensOwnScale) {
  const int32_t y_int[] = {100, 100};
  const float s[] = {50.0f, 25.0f};
  float y[2];
  dequantize(y_int, s, 2, 1, 1.0f, WeightScaleConvention::AutoBitLinear, y);
  EXPECT_EQ(y[0], 2.0f);
  EXPECT_EQ(y[1], 4.0f);
}

TEST(Dequantize, OperationOrderIsBitExact) {
  // Found by exact rational search: in each case the specified float32 order gives a result
  // one ulp away from every other plausible order and from the correctly rounded value.
  {
    // BitLinear: 18741 / (s * ws); y/s/ws, exact, and y * (1/(s*ws)) all give ...ca.
    const int32_t y_int[] = {18741};
    const float s[] = {0x1.acb05p+3f};
    float y;
    dequantize(y_int, s, 1, 1, 0x1.8ap+2f, WeightScaleConvention::BitLinear, &y);
    EXPECT_EQ(float_bits(y), float_bits(0x1.c67ac8p+7f));
  }
  {
    // AutoBitLinear: 18874 / s * ws; y*(ws/s), exact, and y*ws/s all give ...b0.
    const int32_t y_int[] = {18874};
    const float s[] = {0x1.5314b2p+4f};
    float y;
    dequantize(y_int, s, 1, 1, 0x1.2cp-2f, WeightScaleConvention::AutoBitLinear, &y);
    EXPECT_EQ(float_bits(y), float_bits(0x1.04eab2p+8f));
  }
}

TEST(Dequantize, RejectsBadScalesAndDims) {
  const int32_t y_int[] = {1};
  const float s[] = {1.0f}, zero_s[] = {0.0f};
  float y;
  const auto c = WeightScaleConvention::BitLinear;
  EXPECT_THROW(dequantize(y_int, s, 1, 1, 0.0f, c, &y), std::invalid_argument);
  EXPECT_THROW(dequantize(y_int, s, 1, 1, -1.0f, c, &y), std::invalid_argument);
  EXPECT_THROW(dequantize(y_int, s, 1, 1, std::nanf(""), c, &y), std::invalid_argument);
  EXPECT_THROW(dequantize(y_int, zero_s, 1, 1, 1.0f, c, &y), std::invalid_argument);
  EXPECT_THROW(dequantize(y_int, s, 0, 1, 1.0f, c, &y), std::invalid_argument);
  EXPECT_THROW(dequantize(y_int, s, 1, 1, 1.0f, c, nullptr), std::invalid_argument);
}

// ---------------------------------------------------------------- HF packed weights

TEST(HfPacking, UnpacksKnownLayout) {
  // out = 8, in = 2, so packed is [2][2] and lane i of row r holds weight row 2*i + r.
  const uint8_t packed[] = {0b10100001, 0b00011000,   // packed row 0
                            0b10010000, 0b00001010};  // packed row 1
  const std::vector<int8_t> expect = {0, -1,   // row 0: byte[0][*] bits 0..1
                                      -1, 1,   // row 1: byte[1][*] bits 0..1
                                      -1, 1,   // row 2: byte[0][*] bits 2..3
                                      -1, 1,   // row 3: byte[1][*] bits 2..3
                                      1, 0,    // row 4
                                      0, -1,   // row 5
                                      1, -1,   // row 6
                                      1, -1};  // row 7
  EXPECT_EQ(unpack_hf_ternary(packed, 8, 2), expect);
  const std::vector<uint8_t> repacked = pack_hf_ternary(expect.data(), 8, 2);
  EXPECT_EQ(repacked, (std::vector<uint8_t>(std::begin(packed), std::end(packed))));
}

TEST(HfPacking, RoundTripsRandomWeights) {
  std::mt19937 rng(7);
  const int64_t shapes[][2] = {{4, 1}, {12, 5}, {64, 33}, {704, 256}};
  for (const auto& sh : shapes) {
    const auto w = random_ternary(rng, static_cast<size_t>(sh[0] * sh[1]));
    const auto packed = pack_hf_ternary(w.data(), sh[0], sh[1]);
    ASSERT_EQ(packed.size(), static_cast<size_t>(sh[0] / 4 * sh[1]));
    EXPECT_EQ(unpack_hf_ternary(packed.data(), sh[0], sh[1]), w) << sh[0] << "x" << sh[1];
  }
}

TEST(HfPacking, EveryValidByteRoundTrips) {
  // The 81 bytes without a code 3 are exactly the packable ones.
  std::vector<uint8_t> bytes;
  for (int b = 0; b < 256; ++b) {
    bool valid = true;
    for (int lane = 0; lane < 4; ++lane) valid = valid && ((b >> (2 * lane)) & 3) != 3;
    if (valid) bytes.push_back(static_cast<uint8_t>(b));
  }
  ASSERT_EQ(bytes.size(), 81u);
  const int64_t in = static_cast<int64_t>(bytes.size());
  const auto w = unpack_hf_ternary(bytes.data(), 4, in);
  EXPECT_EQ(pack_hf_ternary(w.data(), 4, in), bytes);
}

TEST(HfPacking, Code3IsRejectedWithLocation) {
  // out = 8, in = 3: packed [2][3]; code 3 at byte [1][2] bits 4..5 is weight row 2*2+1 = 5.
  std::vector<uint8_t> packed(6, 0b01010101);  // all zeros
  packed[1 * 3 + 2] = 0b01110101;
  const std::string msg = thrown_message([&] { unpack_hf_ternary(packed.data(), 8, 3); });
  EXPECT_NE(msg.find("row 5"), std::string::npos) << msg;
  EXPECT_NE(msg.find("column 2"), std::string::npos) << msg;
  EXPECT_THROW(unpack_hf_ternary(packed.data(), 8, 3), std::runtime_error);
}

TEST(HfPacking, RejectsBadShapesAndWeights) {
  const std::vector<uint8_t> packed(10, 0x55);
  EXPECT_THROW(unpack_hf_ternary(packed.data(), 6, 1), std::invalid_argument);
  EXPECT_THROW(unpack_hf_ternary(packed.data(), 0, 1), std::invalid_argument);
  EXPECT_THROW(unpack_hf_ternary(packed.data(), 4, 0), std::invalid_argument);
  const std::vector<int8_t> w = {0, 1, -1, 2};
  EXPECT_THROW(pack_hf_ternary(w.data(), 3, 1), std::invalid_argument);
  EXPECT_THROW(pack_hf_ternary(w.data(), 4, 1), std::invalid_argument);  // the 2
}

// ---------------------------------------------------------------- bf16

TEST(Bf16, WidensExactly) {
  EXPECT_EQ(bf16_to_float(0x3F80), 1.0f);
  EXPECT_EQ(bf16_to_float(0xC000), -2.0f);
  EXPECT_EQ(bf16_to_float(0x3EAB), 0x1.56p-2f);
  EXPECT_EQ(bf16_to_float(0x7F80), std::numeric_limits<float>::infinity());
  EXPECT_EQ(bf16_to_float(0x0001), std::ldexp(1.0f, -133));  // smallest bf16 subnormal
  EXPECT_TRUE(std::isnan(bf16_to_float(0x7FC1)));
}

TEST(Bf16, EveryNonNanValueRoundTrips) {
  for (uint32_t h = 0; h <= 0xFFFF; ++h) {
    const bool nan = (h & 0x7F80) == 0x7F80 && (h & 0x007F) != 0;
    if (nan) continue;
    ASSERT_EQ(float_to_bf16_rne(bf16_to_float(static_cast<uint16_t>(h))), h) << std::hex << h;
  }
}

TEST(Bf16, RoundsToNearestTiesToEven) {
  EXPECT_EQ(float_to_bf16_rne(bits_float(0x3F808000)), 0x3F80);  // tie, keep even
  EXPECT_EQ(float_to_bf16_rne(bits_float(0x3F818000)), 0x3F82);  // tie, round up to even
  EXPECT_EQ(float_to_bf16_rne(bits_float(0x3F808001)), 0x3F81);  // just above tie
  EXPECT_EQ(float_to_bf16_rne(bits_float(0x3F807FFF)), 0x3F80);  // just below tie
  EXPECT_EQ(float_to_bf16_rne(bits_float(0xBF818000)), 0xBF82);  // negative tie
  EXPECT_EQ(float_to_bf16_rne(bits_float(0x3FFF8000)), 0x4000);  // carry into exponent
  EXPECT_EQ(float_to_bf16_rne(std::numeric_limits<float>::max()), 0x7F80);  // overflow -> inf
  EXPECT_EQ(float_to_bf16_rne(bits_float(0x7F7F7FFF)), 0x7F7F);  // largest finite stays
  EXPECT_EQ(float_to_bf16_rne(-0.0f), 0x8000);
}

TEST(Bf16, NanStaysNan) {
  // A signalling NaN with payload only in the low half would truncate to infinity.
  for (uint32_t bits : {0x7F800001u, 0xFF800001u, 0x7FC00000u, 0x7FFFFFFFu}) {
    const uint16_t h = float_to_bf16_rne(bits_float(bits));
    EXPECT_EQ(h & 0x7F80, 0x7F80) << std::hex << bits;
    EXPECT_NE(h & 0x007F, 0) << std::hex << bits;
    EXPECT_EQ(uint32_t{h} & 0x8000u, (bits >> 16) & 0x8000u) << std::hex << bits;
  }
}

// ---------------------------------------------------------------- absmean ternarization

// The vectorized quantization equals its definition, clamp(nearbyint(W * scale), -1, 1), on
// random latents and on products that land exactly on the +-0.5 and +-1.5 ties.
TEST(AbsmeanTernarize, MatchesNearbyintDefinition) {
  std::mt19937 rng(77);
  std::normal_distribution<float> z(0.0f, 1.0f);
  std::vector<float> latent(100003);
  for (auto& v : latent) v = z(rng);
  for (int rep = 0; rep < 2; ++rep) {
    std::vector<int8_t> w;
    const float mean = absmean_ternarize(latent.data(), static_cast<int64_t>(latent.size()), w);
    const float scale = 1.0f / std::max(mean, kScaleFloor);
    for (size_t i = 0; i < latent.size(); ++i) {
      const float r = std::nearbyint(latent[i] * scale);
      ASSERT_EQ(w[i], static_cast<int8_t>(std::clamp(r, -1.0f, 1.0f))) << "index " << i << " latent " << latent[i];
    }
    // Second round: values near and at the thresholds.
    latent = {0.5f, -0.5f, 1.5f, -1.5f, 0.4999999f, 0.5000001f, 2.5f, -2.5f, 0.0f, -0.0f};
  }
  std::vector<int8_t> w;
  const std::vector<float> ties = {0.5f, -0.5f, 1.5f, -1.5f, 1.0f, -1.0f};  // mean|W| = 1
  EXPECT_EQ(absmean_ternarize(ties.data(), 6, w), 1.0f);
  EXPECT_EQ(w, (std::vector<int8_t>{0, 0, 1, -1, 1, -1}));  // half to even: 0.5 -> 0, 1.5 -> 2 -> 1
}

TEST(AbsmeanTernarize, HandComputed) {
  // mean = 4.12 / 6 = 0.68667, scale 1.4563: products 0.728, -2.18, 0.146, -0.029, 2.91, 0.
  const std::vector<float> latent = {0.5f, -1.5f, 0.1f, -0.02f, 2.0f, 0.0f};
  std::vector<int8_t> w;
  const float mean = absmean_ternarize(latent.data(), 6, w);
  EXPECT_NEAR(mean, 4.12 / 6.0, 1e-7);
  EXPECT_EQ(w, (std::vector<int8_t>{1, -1, 0, 0, 1, 0}));
}

TEST(AbsmeanTernarize, TiesRoundToEvenBeforeClamp) {
  // mean 2 -> scale 0.5: 0.5 -> 0, 1.5 -> 2 -> 1, -0.5 -> 0, -1.5 -> -1; half-away would
  // turn both +-0.5 into +-1.
  const std::vector<float> latent = {1.0f, 3.0f, -1.0f, -3.0f};
  std::vector<int8_t> w;
  EXPECT_EQ(absmean_ternarize(latent.data(), 4, w), 2.0f);
  EXPECT_EQ(w, (std::vector<int8_t>{0, 1, 0, -1}));
}

TEST(AbsmeanTernarize, AllZeroUsesFloor) {
  const std::vector<float> latent(5, 0.0f);
  std::vector<int8_t> w = {9};
  EXPECT_EQ(absmean_ternarize(latent.data(), 5, w), 0.0f);
  EXPECT_EQ(w, std::vector<int8_t>(5, 0));
}

TEST(AbsmeanTernarize, TinyMeanUsesFloor) {
  // mean 1.25e-6 < 1e-5: the floored scale 1e5 maps 4e-6 to 0.4 -> 0; the unfloored 8e5
  // would give 3.2 -> 1.
  const std::vector<float> latent = {4e-6f, -1e-6f, 0.0f, 0.0f};
  std::vector<int8_t> w;
  EXPECT_FLOAT_EQ(absmean_ternarize(latent.data(), 4, w), 1.25e-6f);
  EXPECT_EQ(w, std::vector<int8_t>(4, 0));
}

TEST(AbsmeanTernarize, RejectsBadInput) {
  std::vector<int8_t> w;
  const float inf[] = {1.0f, std::numeric_limits<float>::infinity()};
  EXPECT_THROW(absmean_ternarize(inf, 2, w), std::invalid_argument);
  EXPECT_THROW(absmean_ternarize(inf, 0, w), std::invalid_argument);
  EXPECT_THROW(absmean_ternarize(nullptr, 1, w), std::invalid_argument);
}

// ---------------------------------------------------------------- end to end, no files

TEST(BitlinearForward, SelfContainedMatchesFloatReference) {
  // Everything is generated in memory: latent weights -> absmean ternary -> HF packing and
  // back -> forward in both conventions, checked against a double-precision evaluation.
  constexpr int64_t tokens = 3, k = 96, m = 20;
  std::mt19937 rng(42);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::vector<float> latent(static_cast<size_t>(m * k)), x(static_cast<size_t>(tokens * k));
  for (auto& v : latent) v = 0.02f * nd(rng);
  for (auto& v : x) v = nd(rng);

  std::vector<int8_t> w;
  const float mean = absmean_ternarize(latent.data(), m * k, w);
  const auto unpacked = unpack_hf_ternary(pack_hf_ternary(w.data(), m, k).data(), m, k);
  ASSERT_EQ(unpacked, w);

  const auto y_bit = bitlinear_forward(x.data(), tokens, k, unpacked.data(), m, 1.0f / mean,
                                       WeightScaleConvention::BitLinear);
  const auto y_auto = bitlinear_forward(x.data(), tokens, k, unpacked.data(), m, mean,
                                        WeightScaleConvention::AutoBitLinear);
  ASSERT_EQ(y_bit.size(), static_cast<size_t>(tokens * m));
  ASSERT_EQ(y_auto.size(), y_bit.size());

  // The same math in double, straight from the definitions.
  for (int64_t t = 0; t < tokens; ++t) {
    float absmax = 0;
    for (int64_t j = 0; j < k; ++j) absmax = std::max(absmax, std::fabs(x[t * k + j]));
    const float s = 127.0f / absmax;
    double err2 = 0, ref2 = 0;
    for (int64_t o = 0; o < m; ++o) {
      int64_t dot = 0;
      double unquantized = 0;
      for (int64_t j = 0; j < k; ++j) {
        dot += std::llround(std::nearbyint(x[t * k + j] * s)) * w[o * k + j];
        unquantized += double{x[t * k + j]} * w[o * k + j] * mean;
      }
      const double expect = static_cast<double>(dot) / s * mean;
      const size_t i = static_cast<size_t>(t * m + o);
      EXPECT_NEAR(y_bit[i], expect, 1e-5 * std::fabs(expect) + 1e-7) << t << "," << o;
      EXPECT_NEAR(y_auto[i], expect, 1e-5 * std::fabs(expect) + 1e-7) << t << "," << o;
      err2 += (y_bit[i] - unquantized) * (y_bit[i] - unquantized);
      ref2 += unquantized * unquantized;
    }
    // 8-bit activations alone should cost only about a percent of relative L2 error.
    EXPECT_LT(std::sqrt(err2 / ref2), 0.03) << "token " << t;
  }
}

}  // namespace
}  // namespace tasu::golden
