// Bit-exact golden software reference of BitNet b1.58 BitLinear (Hugging Face checkpoint
// conventions): the specification that the RTL and SystemC models must match bit for bit.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace tasu::golden {

// Numerics contract.
//
// "Bit-exact" only means something once the precision and order of every float operation
// is fixed. This model mirrors the float32 path of transformers' BitNet integration
// (integrations/bitnet.py), evaluated one IEEE-754 binary32 operation at a time with
// round-to-nearest-even:
//   * every float operation below is a single binary32 operation whose result is rounded
//     to float32 before the next one (FLT_EVAL_METHOD == 0, no FMA contraction, no
//     -ffast-math; bitlinear.cpp refuses to build otherwise and the library target is
//     compiled with -ffp-contract=off);
//   * rounding to an integer uses std::nearbyint under the default FE_TONEAREST mode, i.e.
//     round half to even like torch.round; the entry points check the mode and throw
//     std::logic_error if a caller changed it;
//   * the matmul itself is exact integer arithmetic, so it has no precision choice at all.
// A bf16 run of the PyTorch model (activation scale computed in bf16) is a different
// function and is not what this models.

inline constexpr float kActQuantMax = 127.0f;  // Qp for 8-bit activations
inline constexpr float kScaleFloor = 1e-5f;    // clamp(min=1e-5) applied to absmax / absmean

// Largest reduction length for which ternary_matmul's int32 accumulator cannot overflow:
// |x_q * w| <= 128 (from -128 * -1), so |y| <= 128 * k < 2^31 iff k < 2^24. Real models
// (k <= 16384) use |y| <= 2^21. Within k <= 2^17 every partial sum is also below 2^24,
// which is why PyTorch's float32 F.linear on these integers is exact too.
inline constexpr int64_t kMaxTernaryK = (int64_t{1} << 24) - 1;

struct QuantizedActs {
  int64_t tokens = 0;
  int64_t features = 0;
  std::vector<int8_t> q;     // [tokens][features]
  std::vector<float> scale;  // s_x per token (multiply by it to quantize, divide to dequantize)
};

// s_x = 127.0f / max(absmax, 1e-5f), one float32 division (PyTorch: Qp / absmax.clamp(min=1e-5)).
float activation_scale(float absmax);

// clamp(nearbyint(x * scale), -128, 127); x * scale is a float32 product, so a product that
// rounds onto an exact .5 tie in float32 rounds to even from there. Throws
// std::invalid_argument if x * scale is NaN.
int8_t quantize_value(float x, float scale);

// Per-token absmax quantization of x [tokens][features]. absmax is exact (max of |x|), the
// rest is activation_scale + quantize_value. Throws std::invalid_argument on dims <= 0, a
// null pointer or a non-finite input (PyTorch would propagate NaN into an undefined int8 cast).
QuantizedActs quantize_activations(const float* x, int64_t tokens, int64_t features);

// How a checkpoint's per-projection weight_scale is to be applied (config.json
// quantization_config.linear_class).
enum class WeightScaleConvention {
  BitLinear,      // weight_scale = 1/mean|W|; y = y_int / (s_x * weight_scale)
  AutoBitLinear,  // weight_scale = mean|W|;   y = y_int / s_x * weight_scale
};

// Accepts exactly "bitlinear" or "autobitlinear" (the strings HF writes); anything else
// throws std::invalid_argument naming the rejected value.
WeightScaleConvention parse_weight_scale_convention(std::string_view name);
std::string_view to_string(WeightScaleConvention c);

// y[t][o] = sum_j xq[t][j] * w[o][j] with w [m][k] ternary and xq [tokens][k], accumulated in
// int32 (exact, see kMaxTernaryK, so the result is independent of the summation order: the
// host kernel vectorizes and splits large products over the host's cores). Throws
// std::invalid_argument, before writing y, on dims <= 0, k > kMaxTernaryK, a null pointer
// or any weight outside {-1, 0, +1}.
void ternary_matmul(const int8_t* xq, const int8_t* w, int64_t tokens, int64_t m, int64_t k,
                    int32_t* y);

// Rescales the exact integer products to float32, per token t:
//   BitLinear:     y = float(y_int) / (s_x[t] * weight_scale)   (a product, then a quotient)
//   AutoBitLinear: y = float(y_int) / s_x[t] * weight_scale     (a quotient, then a product)
// float(y_int) is exact for |y_int| <= 2^24 (always, for k <= 2^17). This is the order of
// HF BitLinear.post_quant_process. HF AutoBitLinear instead multiplies fake-quantized
// activations (x_q / s_x) by the weights in float, which equals this only up to float
// rounding; this integer form is the one hardware computes and is the project's definition.
// Throws std::invalid_argument on dims <= 0, a null pointer, or a scale that is not finite
// and > 0.
void dequantize(const int32_t* y_int, const float* act_scale, int64_t tokens, int64_t m,
                float weight_scale, WeightScaleConvention c, float* y);

// quantize_activations -> ternary_matmul -> dequantize; x [tokens][k], w [m][k] ternary,
// result [tokens][m].
std::vector<float> bitlinear_forward(const float* x, int64_t tokens, int64_t k, const int8_t* w,
                                     int64_t m, float weight_scale, WeightScaleConvention c);

// HF packed ternary layout: packed is uint8 [out_features/4][in_features]; bits 2i..2i+1 of
// byte [r][c] hold w+1 for weight row i*(out_features/4) + r, column c (four contiguous row
// blocks, not interleaved). Unpacked weights are int8 [out_features][in_features].
// unpack throws std::invalid_argument on bad dims (incl. out_features % 4 != 0) or a null
// pointer, and std::runtime_error naming the byte and weight row/column of a code 3.
std::vector<int8_t> unpack_hf_ternary(const uint8_t* packed, int64_t out_features,
                                      int64_t in_features);
// Inverse of unpack_hf_ternary; throws std::invalid_argument on bad dims or a non-ternary weight.
std::vector<uint8_t> pack_hf_ternary(const int8_t* w, int64_t out_features, int64_t in_features);

// bf16 is the top half of a binary32, so widening is exact.
float bf16_to_float(uint16_t bits);
// Round to nearest, ties to even (overflow goes to +-inf as IEEE requires); a NaN stays a NaN
// with its sign (forced quiet, since truncating could otherwise leave an infinity).
uint16_t float_to_bf16_rne(float f);

// BitNet b1.58 absmean ternarization of latent weights W[0..n):
//   mean  = mean|W|, summed and divided in double (index order), then rounded to float32;
//   scale = 1.0f / max(mean, 1e-5f)                       (float32)
//   w     = clamp(nearbyint(W * scale), -1, 1)             (float32 product, half to even)
// Returns mean (unclamped). The checkpoint's weight_scale is then bf16(1/mean) for
// "bitlinear" and bf16(mean) for "autobitlinear". PyTorch's float32 mean uses its own
// reduction order, so mean may differ from it by an ulp; that only matters for a weight
// within an ulp of a +-0.5 threshold. Throws std::invalid_argument on n <= 0, a null pointer
// or a non-finite weight.
float absmean_ternarize(const float* latent, int64_t n, std::vector<int8_t>& w);

}  // namespace tasu::golden
