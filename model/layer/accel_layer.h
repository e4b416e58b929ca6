// The exact layer model: bit for bit what the accelerator computes for one BitNet b1.58 decoder layer —
// the ternary engine's exact integer products and the vector unit's binary32 arithmetic
// (model/vector) in a fixed order of operations. The vector unit's programs must reproduce
// this order; it is the specification of the layer on the device (docs/vector_unit.md).
#pragma once
#include <cstdint>
#include <vector>

#include "tasu_arch.h"
#include "vector/vfloat.h"

namespace tasu::layer {

using vec::vf32;

// One ternary projection as the device holds it: codes in {-1,0,1} and one multiplier that
// turns (integer dot product x token absmax / 127) into the output, i.e. weight_scale for
// autobitlinear checkpoints and 1 / weight_scale for bitlinear ones (computed on the host
// when the checkpoint is loaded).
struct TernaryProjection {
  int64_t out = 0, in = 0;
  std::vector<int8_t> w;  // [out][in]
  vf32 w_mul = 0;
};

struct LayerShape {
  int64_t hidden = 0, intermediate = 0, heads = 0, kv_heads = 0, head_dim = 0;
  float rms_norm_eps = 1e-5f;
  float rope_theta = 500000.0f;
};

struct LayerParams {
  LayerShape shape;
  std::vector<vf32> input_norm, attn_sub_norm, post_attn_norm, ffn_sub_norm;
  TernaryProjection q, k, v, o, gate, up, down;
};

// Keys and values of every past position, as the device stores them in DRAM: [pos][kv][dim].
struct KvCache {
  std::vector<vf32> k, v;
  int64_t positions = 0;
};

struct LayerOutputs {
  std::vector<vf32> attn_out, mlp_out;  // [tokens][hidden], before the residual adds
};

// The vector unit's lane count: it fixes the order of every reduction (lane l accumulates
// elements l, l + Lanes, ... in order; then the lanes are added pairwise, halving).
inline constexpr int kVectorLanes = arch::kVectorLanes;

vf32 reduce_sum(const vf32* x, int64_t n);

// Runs `tokens` consecutive tokens at positions cache.positions .. + tokens - 1 through the
// layer: x [tokens][hidden] is replaced by the layer output; keys and values are appended to
// the cache. Prefill is tokens = P, decode tokens = 1.
LayerOutputs accel_layer_forward(const LayerParams& p, std::vector<vf32>& x, int64_t tokens, KvCache& cache);

// The steps, exposed for tests and for the code generator's own checks.
std::vector<vf32> rms_norm(const std::vector<vf32>& x, int64_t tokens, const std::vector<vf32>& gain, float eps);
// Per-token absmax int8 quantization; returns the per-token dequantization factor amax / 127.
std::vector<vf32> quantize(const std::vector<vf32>& x, int64_t tokens, int64_t n, std::vector<int8_t>& q);
std::vector<vf32> project(const TernaryProjection& w, const std::vector<int8_t>& q, const std::vector<vf32>& deq,
                          int64_t tokens);

}  // namespace tasu::layer
