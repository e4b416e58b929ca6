// The exact layer model's view of a loaded Hugging Face checkpoint layer: what the host prepares once per
// model (ternary codes, the per-projection multiplier, norm gains in the vector unit's format).
#pragma once
#include <cstdint>

#include "checkpoint/bitnet_checkpoint.h"
#include "layer/accel_layer.h"

namespace tasu::layer {

LayerShape layer_shape(const ckpt::BitNetConfig& c);
LayerParams layer_params(const ckpt::BitNetModel& model, int64_t layer);
// The same from a model given up: the layer's weights are moved, not copied.
LayerParams layer_params(ckpt::BitNetModel&& model, int64_t layer);

}  // namespace tasu::layer
