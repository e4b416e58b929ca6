// Implementation of the BitLinear golden reference; every float operation here is written
// out one binary32 step at a time, in the order the header's numerics contract states.
#include "golden/bitlinear.h"

#include <algorithm>
#include <cfenv>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>
#include <future>
#include <thread>
#include <vector>

// Excess precision or value-unsafe optimizations would silently change results, so refuse
// to build rather than produce a golden model that is not golden.
#if defined(__FAST_MATH__)
#error "tasu_golden must not be built with -ffast-math: it breaks IEEE rounding guarantees"
#endif
#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "tasu_golden requires FLT_EVAL_METHOD == 0 (float operations evaluated in float)"
#endif

namespace tasu::golden {
namespace {

[[noreturn]] void fail(const char* fn, const std::string& what) {
  throw std::invalid_argument(std::string(fn) + ": " + what);
}

// For one-off checks only: the message is built even when ok, so loops call fail() directly.
void require(bool ok, const char* fn, const std::string& what) {
  if (!ok) fail(fn, what);
}

void require_dims(const char* fn, std::initializer_list<int64_t> dims) {
  for (int64_t d : dims) require(d > 0, fn, "dimensions must be > 0, got " + std::to_string(d));
}

// Element count of a 2-D buffer, refusing sizes whose index arithmetic would overflow.
int64_t checked_count(const char* fn, int64_t rows, int64_t cols) {
  require(rows <= std::numeric_limits<int64_t>::max() / cols, fn, "tensor size overflows int64");
  return rows * cols;
}

// nearbyint rounds with the *current* mode; only FE_TONEAREST gives torch.round semantics.
void require_round_to_nearest(const char* fn) {
  if (std::fegetround() != FE_TONEAREST) {
    throw std::logic_error(std::string(fn) + ": floating-point rounding mode must be FE_TONEAREST");
  }
}

bool is_ternary(int8_t v) { return v >= -1 && v <= 1; }

}  // namespace

float activation_scale(float absmax) { return kActQuantMax / std::max(absmax, kScaleFloor); }

int8_t quantize_value(float x, float scale) {
  const float scaled = x * scale;  // binary32 product, rounded once
  if (std::isnan(scaled)) fail("quantize_value", "x * scale is NaN");
  const float r = std::nearbyint(scaled);  // half to even under FE_TONEAREST
  return static_cast<int8_t>(std::clamp(r, -128.0f, 127.0f));
}

QuantizedActs quantize_activations(const float* x, int64_t tokens, int64_t features) {
  constexpr const char* fn = "quantize_activations";
  require_dims(fn, {tokens, features});
  require(x != nullptr, fn, "null input");
  require_round_to_nearest(fn);
  const int64_t count = checked_count(fn, tokens, features);
  for (int64_t i = 0; i < count; ++i) {
    if (!std::isfinite(x[i])) fail(fn, "non-finite activation at flat index " + std::to_string(i));
  }

  QuantizedActs out;
  out.tokens = tokens;
  out.features = features;
  out.q.resize(static_cast<size_t>(count));
  out.scale.resize(static_cast<size_t>(tokens));
  for (int64_t t = 0; t < tokens; ++t) {
    const float* row = x + t * features;
    float absmax = 0.0f;  // max of |x| is exact, so its evaluation order is irrelevant
    for (int64_t j = 0; j < features; ++j) absmax = std::max(absmax, std::fabs(row[j]));
    const float s = activation_scale(absmax);
    out.scale[static_cast<size_t>(t)] = s;
    int8_t* qrow = out.q.data() + t * features;
    for (int64_t j = 0; j < features; ++j) qrow[j] = quantize_value(row[j], s);
  }
  return out;
}

WeightScaleConvention parse_weight_scale_convention(std::string_view name) {
  if (name == "bitlinear") return WeightScaleConvention::BitLinear;
  if (name == "autobitlinear") return WeightScaleConvention::AutoBitLinear;
  throw std::invalid_argument("unknown weight_scale convention (linear_class) \"" +
                              std::string(name) + "\"; expected \"bitlinear\" or \"autobitlinear\"");
}

std::string_view to_string(WeightScaleConvention c) {
  return c == WeightScaleConvention::BitLinear ? "bitlinear" : "autobitlinear";
}

namespace {

// Exact int32 dot product of a ternary weight row with int8 activations. Each term is the
// activation added, subtracted or skipped; written as an int16 product so that compilers turn
// it into packed multiply-add (pmaddwd / vpdpwssd), one build per instruction set.
__attribute__((target_clones("avx2", "default")))
int32_t ternary_dot(const int8_t* x, const int8_t* w, int64_t k) {
  int32_t acc = 0;
  for (int64_t j = 0; j < k; ++j) acc += static_cast<int16_t>(x[j]) * static_cast<int16_t>(w[j]);
  return acc;
}

// Nonzero if any of the n weights is outside {-1, 0, +1}; branch-free so it vectorizes.
__attribute__((target_clones("avx2", "default")))
unsigned any_not_ternary(const int8_t* w, int64_t n) {
  unsigned bad = 0;
  for (int64_t i = 0; i < n; ++i) bad |= static_cast<uint8_t>(w[i] + 1) > 2;
  return bad;
}

// w = clamp(nearbyint(latent * scale), -1, 1) under FE_TONEAREST (checked by the caller),
// written as two compares: half to even sends +-0.5 to 0 and everything beyond +-0.5 to +-1
// (after the clamp), so w = (x > 0.5) - (x < -0.5) exactly, for the finite x it is given. Two
// compares vectorize; the libm call per weight did not.
__attribute__((target_clones("avx2", "default")))
void ternarize_scaled(const float* latent, int64_t n, float scale, int8_t* w) {
  for (int64_t i = 0; i < n; ++i) {
    const float x = latent[i] * scale;  // binary32 product
    w[i] = static_cast<int8_t>(static_cast<int>(x > 0.5f) - static_cast<int>(x < -0.5f));
  }
}

// Rows [o0, o1) of y for every token; a weight row stays in L1 while all tokens use it.
void ternary_rows(const int8_t* xq, const int8_t* w, int64_t tokens, int64_t m, int64_t k, int32_t* y,
                  int64_t o0, int64_t o1) {
  for (int64_t o = o0; o < o1; ++o) {
    const int8_t* wrow = w + o * k;
    for (int64_t t = 0; t < tokens; ++t) y[t * m + o] = ternary_dot(xq + t * k, wrow, k);
  }
}

}  // namespace

void ternary_matmul(const int8_t* xq, const int8_t* w, int64_t tokens, int64_t m, int64_t k,
                    int32_t* y) {
  constexpr const char* fn = "ternary_matmul";
  require_dims(fn, {tokens, m, k});
  require(k <= kMaxTernaryK, fn,
          "k = " + std::to_string(k) + " could overflow the int32 accumulator (max " +
              std::to_string(kMaxTernaryK) + ")");
  require(xq != nullptr && w != nullptr && y != nullptr, fn, "null pointer");
  checked_count(fn, tokens, k);
  checked_count(fn, tokens, m);
  // Validate every weight before touching y so a rejected call leaves the output intact.
  const int64_t wcount = checked_count(fn, m, k);
  if (any_not_ternary(w, wcount)) {
    for (int64_t i = 0; i < wcount; ++i) {
      if (!is_ternary(w[i])) {
        fail(fn, "weight [" + std::to_string(i / k) + "][" + std::to_string(i % k) + "] = " +
                     std::to_string(static_cast<int>(w[i])) + " is not in {-1, 0, +1}");
      }
    }
  }

  // Large products split their rows over the host's cores (integer sums: the result does not
  // depend on the split). Small ones are not worth a thread.
  const int64_t work = tokens * m * k;
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const int64_t threads = work < (int64_t{1} << 22) ? 1 : std::min<int64_t>({hw, 8, m});
  if (threads <= 1) {
    ternary_rows(xq, w, tokens, m, k, y, 0, m);
    return;
  }
  // Tasks rather than bare threads: a failure to start one surfaces as an exception here.
  std::vector<std::future<void>> pool;
  const int64_t per = (m + threads - 1) / threads;
  for (int64_t i = 1; i < threads; ++i) {
    const int64_t o0 = std::min(m, i * per), o1 = std::min(m, o0 + per);
    pool.push_back(std::async(std::launch::async, ternary_rows, xq, w, tokens, m, k, y, o0, o1));
  }
  ternary_rows(xq, w, tokens, m, k, y, 0, std::min(m, per));
  for (auto& f : pool) f.get();
}

void dequantize(const int32_t* y_int, const float* act_scale, int64_t tokens, int64_t m,
                float weight_scale, WeightScaleConvention c, float* y) {
  constexpr const char* fn = "dequantize";
  require_dims(fn, {tokens, m});
  require(y_int != nullptr && act_scale != nullptr && y != nullptr, fn, "null pointer");
  checked_count(fn, tokens, m);
  require(std::isfinite(weight_scale) && weight_scale > 0.0f, fn,
          "weight_scale must be finite and > 0, got " + std::to_string(weight_scale));
  for (int64_t t = 0; t < tokens; ++t) {
    if (!(std::isfinite(act_scale[t]) && act_scale[t] > 0.0f)) {
      fail(fn, "activation scale of token " + std::to_string(t) + " must be finite and > 0");
    }
  }

  for (int64_t t = 0; t < tokens; ++t) {
    const float s = act_scale[t];
    const int32_t* yi = y_int + t * m;
    float* yo = y + t * m;
    if (c == WeightScaleConvention::BitLinear) {
      const float denom = s * weight_scale;  // binary32 product first, as HF does
      for (int64_t o = 0; o < m; ++o) yo[o] = static_cast<float>(yi[o]) / denom;
    } else {
      for (int64_t o = 0; o < m; ++o) {
        const float unscaled = static_cast<float>(yi[o]) / s;  // quotient rounded first
        yo[o] = unscaled * weight_scale;
      }
    }
  }
}

std::vector<float> bitlinear_forward(const float* x, int64_t tokens, int64_t k, const int8_t* w,
                                     int64_t m, float weight_scale, WeightScaleConvention c) {
  require_dims("bitlinear_forward", {tokens, k, m});
  const QuantizedActs acts = quantize_activations(x, tokens, k);
  std::vector<int32_t> y_int(static_cast<size_t>(checked_count("bitlinear_forward", tokens, m)));
  ternary_matmul(acts.q.data(), w, tokens, m, k, y_int.data());
  std::vector<float> y(y_int.size());
  dequantize(y_int.data(), acts.scale.data(), tokens, m, weight_scale, c, y.data());
  return y;
}

std::vector<int8_t> unpack_hf_ternary(const uint8_t* packed, int64_t out_features,
                                      int64_t in_features) {
  constexpr const char* fn = "unpack_hf_ternary";
  require_dims(fn, {out_features, in_features});
  require(out_features % 4 == 0, fn,
          "out_features = " + std::to_string(out_features) + " is not divisible by 4");
  require(packed != nullptr, fn, "null input");
  const int64_t block = out_features / 4;  // rows per 2-bit lane
  std::vector<int8_t> w(static_cast<size_t>(checked_count(fn, out_features, in_features)));
  for (int64_t r = 0; r < block; ++r) {
    for (int64_t c = 0; c < in_features; ++c) {
      const uint8_t byte = packed[r * in_features + c];
      for (int lane = 0; lane < 4; ++lane) {
        const int code = (byte >> (2 * lane)) & 3;
        const int64_t row = lane * block + r;
        if (code == 3) {
          throw std::runtime_error(
              std::string(fn) + ": invalid 2-bit code 3 in packed byte [" + std::to_string(r) +
              "][" + std::to_string(c) + "] bits " + std::to_string(2 * lane) + ".." +
              std::to_string(2 * lane + 1) + " (weight row " + std::to_string(row) +
              ", column " + std::to_string(c) + ")");
        }
        w[static_cast<size_t>(row * in_features + c)] = static_cast<int8_t>(code - 1);
      }
    }
  }
  return w;
}

std::vector<uint8_t> pack_hf_ternary(const int8_t* w, int64_t out_features, int64_t in_features) {
  constexpr const char* fn = "pack_hf_ternary";
  require_dims(fn, {out_features, in_features});
  require(out_features % 4 == 0, fn,
          "out_features = " + std::to_string(out_features) + " is not divisible by 4");
  require(w != nullptr, fn, "null input");
  const int64_t block = out_features / 4;
  std::vector<uint8_t> packed(static_cast<size_t>(checked_count(fn, block, in_features)), 0);
  for (int64_t row = 0; row < out_features; ++row) {
    const int64_t lane = row / block;
    const int64_t r = row % block;
    for (int64_t c = 0; c < in_features; ++c) {
      const int8_t v = w[row * in_features + c];
      if (!is_ternary(v)) {
        fail(fn, "weight [" + std::to_string(row) + "][" + std::to_string(c) + "] = " +
                     std::to_string(static_cast<int>(v)) + " is not in {-1, 0, +1}");
      }
      packed[static_cast<size_t>(r * in_features + c)] |=
          static_cast<uint8_t>((v + 1) << (2 * lane));
    }
  }
  return packed;
}

float bf16_to_float(uint16_t bits) {
  const uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float f;
  std::memcpy(&f, &wide, sizeof f);
  return f;
}

uint16_t float_to_bf16_rne(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  if (std::isnan(f)) {
    // Keep sign and high payload; setting the quiet bit guarantees a non-zero bf16 mantissa.
    return static_cast<uint16_t>((bits >> 16) | 0x0040u);
  }
  // Adding 0x7FFF plus the kept LSB rounds half to even; a carry into the exponent is the
  // correct result (next binade, or infinity past FLT_MAX's rounding boundary).
  const uint32_t lsb = (bits >> 16) & 1u;
  return static_cast<uint16_t>((bits + 0x7FFFu + lsb) >> 16);
}

float absmean_ternarize(const float* latent, int64_t n, std::vector<int8_t>& w) {
  constexpr const char* fn = "absmean_ternarize";
  require_dims(fn, {n});
  require(latent != nullptr, fn, "null input");
  require_round_to_nearest(fn);
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(latent[i])) fail(fn, "non-finite weight at index " + std::to_string(i));
    sum += std::fabs(static_cast<double>(latent[i]));
  }
  const float mean = static_cast<float>(sum / static_cast<double>(n));
  const float scale = 1.0f / std::max(mean, kScaleFloor);
  w.resize(static_cast<size_t>(n));
  ternarize_scaled(latent, n, scale, w.data());
  return mean;
}

}  // namespace tasu::golden
