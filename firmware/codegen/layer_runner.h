// Runs decoder layers on a device: weights and constants resident in device DRAM, a KV cache
// per layer, one generated program per layer and chunk of tokens. The host only writes the
// layer input and reads the outputs (attention and MLP block outputs, layer output).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "codegen/layer_codegen.h"
#include "layer/accel_layer.h"
#include "device/device.h"
#include "energy/energy_events.h"

namespace tasu::codegen {

struct LayerStepOutputs {
  std::vector<layer::vf32> attn_out, mlp_out, out;  // [tokens][hidden]
};

// The layer roofline of one program, in cycles (docs/performance.md defines it):
//   dram   = compulsory DRAM bytes / MemBytesPerCycle: the packed weights (M*K*wgt_bits/8 each: 2 bits ternary, 1.6 with WPack, 8 on the INT8 array
//            projection) and the constants once, the input and output hidden states (binary32),
//            the KV cache of earlier positions read once and the new positions' keys and values
//            written once (the block outputs kept for checking, attn_out and mlp_out, are not);
//   engine = ternary operations / the engine's peak per cycle;
//   vector = the vector unit's necessary cycles: each VEC instruction's rows at full lane
//            occupancy, ceil(len / VLanes) (once per position for DOTS and WSUM; a DOT's
//            multiply and add of a row share its cycle), FROM_OUT ceil(len / Rows) output words;
//            no fixed cost per instruction.
// bound = the largest of the three; sums over programs add bounds program by program.
struct Roofline {
  double dram = 0, engine = 0, vector = 0, bound = 0;
  double by_kind[3] = {0, 0, 0};  // bound cycles of the programs bound by dram, engine, vector
  Roofline& operator+=(const Roofline& o);
  const char* kind() const;       // the kind that bounds most of the cycles
};

// One program's instruction intervals (from a device opened with DeviceOptions::timeline).
struct ProgramTimeline {
  std::vector<isa::Insn> program;
  std::vector<rt::TraceEvent> events;
  uint64_t cycles = 0;
};

// The DRAM bytes a step's programs move, by what they move: where each LOAD and STORE points
// in the runner's placement, and the instructions fetched. The DRAM bound counts the weights,
// the constants, the caches and the hidden states once; whatever the programs move beyond that
// (the hidden state read again for the residual, the activations stored and read back, the
// block outputs kept for the checks, instructions) is their excess traffic.
struct Traffic {
  enum Kind { kWeights, kConstants, kKvCache, kHidden, kActivations, kBlockOutputs, kInstructions, kOther, kKinds };
  uint64_t bytes[kKinds] = {};
  Traffic& operator+=(const Traffic& o);
  uint64_t total() const;
  static const char* name(int kind);  // a JSON key and a label
};

// Device counters summed over the programs of a step, plus program sizes and the roofline.
struct StepStats {
  rt::Counters counters;
  uint64_t programs = 0, insns = 0;
  Roofline roofline;
  Traffic traffic;
  energy::Events events;  // what the programs did, for the energy model
  std::vector<ProgramTimeline> timelines;  // one per program, when the device records them
};

// A layer's DRAM images as the device holds them: the seven projections' packed weights (wgt_bits each)
// (q, k, v, o, gate, up, down) and the vector unit's constants. Pure host work, so it can be
// prepared while the device runs something else.
struct PackedLayer {
  std::vector<uint8_t> wq, wk, wv, wo, wgate, wup, wdown, consts;
};
PackedLayer pack_layer(const arch::Config& cfg, const layer::LayerParams& p);

class DeviceLayers {
 public:
  // Places the layers' weights, constants and KV caches (one per sequence and layer,
  // max_positions each) in device DRAM. The device must be fresh (its DRAM allocator is reset).
  // `packed`, when given, holds each layer's pack_layer() (otherwise the layers are packed here).
  DeviceLayers(rt::Device& dev, std::vector<const layer::LayerParams*> layers, int64_t max_positions,
               const std::vector<const PackedLayer*>& packed = {}, int64_t sequences = 1);

  // Runs `tokens` tokens of sequence `seq` (x: [tokens][hidden] vf32) through every layer at the
  // sequence's next positions; returns each layer's outputs. progress(done, total) is called
  // after each program.
  std::vector<LayerStepOutputs> forward(const std::vector<layer::vf32>& x, int64_t tokens, StepStats& stats,
                                        const std::function<void(int64_t, int64_t)>& progress = {},
                                        int64_t seq = 0);
  // A batched decode step: one token of every sequence (x: [sequences][hidden]) in one program
  // per layer (or per chunk of max_layer_tokens sequences), so that all of them share one pass
  // of the weights; token q at sequence q's next position, attending to its own cache.
  std::vector<LayerStepOutputs> forward_batch(const std::vector<layer::vf32>& x, StepStats& stats,
                                              const std::function<void(int64_t, int64_t)>& progress = {});
  int64_t sequences() const { return static_cast<int64_t>(positions_.size()); }
  int64_t positions(int64_t seq = 0) const { return positions_.at(static_cast<size_t>(seq)); }
  uint64_t kv_cache_bytes() const;  // all layers and sequences, for max_positions

 private:
  struct Region {
    uint64_t begin, end;
    Traffic::Kind kind;
  };
  struct Placed {
    const layer::LayerParams* p;
    LayerAddrs a;
    std::vector<uint32_t> kcache, vcache;  // per sequence
    std::vector<Region> regions;           // what each of its DRAM spans holds (Traffic)
  };
  static Traffic program_traffic(const arch::Config& cfg, const std::vector<isa::Insn>& prog,
                                 const std::vector<Region>& regions);
  // Token t of x belongs to sequence seqs[t].
  std::vector<LayerStepOutputs> run(const std::vector<layer::vf32>& x, const std::vector<int64_t>& seqs,
                                    StepStats& stats, const std::function<void(int64_t, int64_t)>& progress);
  rt::Device& dev_;
  std::vector<Placed> layers_;
  uint64_t const_bytes_ = 0;  // one layer's constants
  int64_t max_positions_, chunk_ = 0;
  std::vector<int64_t> positions_;  // per sequence
};

}  // namespace tasu::codegen
