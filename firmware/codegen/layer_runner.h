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
#include "runtime/device.h"

namespace tasu::codegen {

struct LayerStepOutputs {
  std::vector<layer::vf32> attn_out, mlp_out, out;  // [tokens][hidden]
};

// Device counters summed over the programs of a step, plus program sizes.
struct StepStats {
  rt::Counters counters;
  uint64_t programs = 0, insns = 0;
};

// A layer's DRAM images as the device holds them: the seven projections' packed 2-bit weights
// (q, k, v, o, gate, up, down) and the vector unit's constants. Pure host work, so it can be
// prepared while the device runs something else.
struct PackedLayer {
  std::vector<uint8_t> wq, wk, wv, wo, wgate, wup, wdown, consts;
};
PackedLayer pack_layer(const arch::Config& cfg, const layer::LayerParams& p);

class DeviceLayers {
 public:
  // Places the layers' weights, constants and KV caches (max_positions each) in device DRAM.
  // The device must be fresh (its DRAM allocator is reset). `packed`, when given, holds each
  // layer's pack_layer() (otherwise the layers are packed here).
  DeviceLayers(rt::Device& dev, std::vector<const layer::LayerParams*> layers, int64_t max_positions,
               const std::vector<const PackedLayer*>& packed = {});

  // Runs `tokens` tokens (x: [tokens][hidden] vf32) through every layer at the next positions;
  // returns each layer's outputs. progress(done, total) is called after each program.
  std::vector<LayerStepOutputs> forward(const std::vector<layer::vf32>& x, int64_t tokens, StepStats& stats,
                                        const std::function<void(int64_t, int64_t)>& progress = {});
  int64_t positions() const { return positions_; }
  uint64_t kv_cache_bytes() const;  // all layers, for max_positions

 private:
  struct Placed {
    const layer::LayerParams* p;
    LayerAddrs a;
  };
  rt::Device& dev_;
  std::vector<Placed> layers_;
  int64_t max_positions_, positions_ = 0, chunk_ = 0;
  uint64_t buf_bytes_ = 0;
};

}  // namespace tasu::codegen
