// Code generation for one BitNet b1.58 decoder layer on tasu: the whole of the exact layer model
// (model/layer/accel_layer.h) as one device program per chunk of tokens, prefill or decode.
// The ternary engine runs the seven projections; the vector unit everything else, in model
// (b)'s order of operations, so the result is bit-exact. Dataflow: docs/architecture.md.
#pragma once
#include <cstdint>
#include <vector>

#include "isa/insn.h"
#include "layer/accel_layer.h"
#include "tasu_arch.h"

namespace tasu::codegen {

// Bytes of one [n] vf32 vector in DRAM: whole scratchpad rows (the padding is never read as data).
uint64_t vector_bytes(const arch::Config& cfg, int64_t n);

// The layer's constants as the device loads them, one block of scratchpad rows: the four norm
// gains, the RoPE inverse frequencies (laid out for the head size) and a lane mask.
std::vector<uint8_t> pack_layer_constants(const arch::Config& cfg, const layer::LayerParams& p);

// Device addresses of one layer run. Per-token tensors ([tokens][n] vf32) have a row stride of
// vector_bytes(n); the KV cache is [position][kv_head][head_dim] vf32; mlp_act holds relu(gate)^2 * up;
// q holds the queries, then in a prefill (attention over all of its queries) the attention's outputs.
struct LayerAddrs {
  uint32_t wq = 0, wk = 0, wv = 0, wo = 0, wgate = 0, wup = 0, wdown = 0;  // pack_weights layouts
  uint32_t consts = 0;
  // x1 (the residual stream after attention) only where it does not stay in the scratchpad.
  uint32_t x_in = 0, q = 0, kcache = 0, vcache = 0, attn_out = 0, x1 = 0, mlp_act = 0, mlp_out = 0, x_out = 0;
};

// Where one token of a program stands: its position and its sequence's KV cache (keys, values).
// A prefill's tokens share one cache at consecutive positions; a batched decode step has one
// token from each sequence, each with its own cache and position.
struct TokenSlot {
  int64_t pos = 0;
  uint32_t kcache = 0, vcache = 0;
};
std::vector<TokenSlot> prefill_slots(int64_t tokens, int64_t pos0, const LayerAddrs& a);

// The most tokens one program can take (activation buffer, output buffer, one scratchpad row
// of per-token scalars); longer runs are split into chunks.
int64_t max_layer_tokens(const arch::Config& cfg, const layer::LayerShape& s);

// The program for tokens at positions pos0 .. pos0 + tokens - 1 (the cache holds 0 .. pos0 - 1).
// Throws std::invalid_argument when the shape is unsupported (head_dim other than one or two
// vector-unit rows, 64 or 128 at 64 lanes; too many tokens) or the working set does not fit the
// scratchpad.
std::vector<isa::Insn> generate_layer(const arch::Config& cfg, const layer::LayerParams& p, int64_t tokens,
                                      int64_t pos0, const LayerAddrs& a);
// The program for tokens anywhere: token t at slots[t] (its cache holds positions 0 .. pos - 1,
// or the positions of earlier tokens of the same cache in this program). a.kcache and a.vcache
// are not used.
std::vector<isa::Insn> generate_layer(const arch::Config& cfg, const layer::LayerParams& p,
                                      const std::vector<TokenSlot>& slots, const LayerAddrs& a);

// Throws std::invalid_argument, naming the largest context that fits, unless every program of a
// run of `positions` positions can be generated (the longest context with the most tokens, and a
// decode step of two sequences at the longest context, are the largest working sets). Meant to
// run before anything does; remembers what it checked.
void check_context_fits(const arch::Config& cfg, const layer::LayerParams& p, int64_t positions);

}  // namespace tasu::codegen
