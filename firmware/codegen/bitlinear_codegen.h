// Code generation for one BitLinear (y[N][M] = x[N][K] . W[M][K]^T, W ternary, x int8) on a tasu
// configuration: the device data layouts, the tiling plan and the program, with weight and
// activation transfers overlapped with compute through the dependency tokens.
#pragma once
#include <cstdint>
#include <vector>

#include "isa/insn.h"
#include "tasu_arch.h"

namespace tasu::codegen {

struct BitLinearShape {
  int64_t m = 0, k = 0, n = 0;  // outputs, inputs, tokens
};

// Tiling of a shape on a configuration. Dimensions are padded, never rejected, except where
// the hardware cannot hold one token's activations or K exceeds what the accumulators cover.
struct BitLinearPlan {
  BitLinearShape shape;
  int64_t mp = 0, kp = 0;          // padded to Rows and Tiles*Lanes
  int64_t depth_total = 0;         // activation words per token (kp / (Tiles*Lanes))
  int64_t row_blocks = 0;          // mp / Rows
  int64_t k_chunks = 0;            // ceil(depth_total / WDepth)
  int64_t tokens_per_chunk = 0;    // tokens resident in the activation buffer at once
  uint64_t weight_bytes = 0, act_bytes = 0, out_bytes = 0;  // device (padded) tensor sizes
};

BitLinearPlan plan_bitlinear(const arch::Config& cfg, const BitLinearShape& s);

// Byte offset, in pack_weights' image, of job (rb, kc): the WDepth * Tiles words of K chunk kc of
// row block rb (fewer in the last chunk), one weight LOAD. Jobs follow each other in (rb, kc)
// order, each starting on a bus beat (with WPack a job's words rarely end on one: the rest of its
// last beat is padding).
uint64_t wgt_job_offset(const arch::Config& cfg, const BitLinearPlan& p, int64_t rb, int64_t kc);

// Device layouts. w is [m][k] in {-1,0,1}, x is [n][k] int8; y_dev is [n][mp] int32 (the BF16
// engine's binary32 sums, taken back as the integers they are; anything else throws).
std::vector<uint8_t> pack_weights(const arch::Config& cfg, const BitLinearPlan& p, const int8_t* w);
std::vector<uint8_t> pack_activations(const BitLinearPlan& p, const int8_t* x);
void unpack_outputs(const arch::Config& cfg, const BitLinearPlan& p, const int32_t* y_dev, int32_t* y);

struct BitLinearAddrs {
  uint32_t weights = 0, acts = 0, outs = 0;
};

std::vector<isa::Insn> generate_bitlinear(const arch::Config& cfg, const BitLinearPlan& p, const BitLinearAddrs& a);

}  // namespace tasu::codegen
