// Conversion of checkpoint layers into the exact layer model's parameters; see from_checkpoint.h.
#include "layer/from_checkpoint.h"

#include <utility>

namespace tasu::layer {
namespace {

std::vector<vf32> to_vf32(const std::vector<float>& v) {
  std::vector<vf32> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = vec::from_float(v[i]);
  return out;
}

// Takes the weights by value: a caller that gives up its layer moves them instead of copying.
TernaryProjection convert(ckpt::TernaryProjection p, golden::WeightScaleConvention c) {
  TernaryProjection t;
  t.out = p.out;
  t.in = p.in;
  t.w = std::move(p.weight);
  // autobitlinear stores mean|W| (multiply); bitlinear stores 1/mean|W| (divide, once, here).
  const float m = c == golden::WeightScaleConvention::AutoBitLinear ? p.weight_scale : 1.0f / p.weight_scale;
  t.w_mul = vec::from_float(m);
  return t;
}

}  // namespace

LayerShape layer_shape(const ckpt::BitNetConfig& c) {
  LayerShape s;
  s.hidden = c.hidden;
  s.intermediate = c.intermediate;
  s.heads = c.heads;
  s.kv_heads = c.kv_heads;
  s.head_dim = c.head_dim;
  s.rms_norm_eps = static_cast<float>(c.rms_norm_eps);
  s.rope_theta = static_cast<float>(c.rope_theta);
  return s;
}

namespace {

template <class Layer>  // const ckpt::BitNetLayer& (copies the weights) or ckpt::BitNetLayer&& (moves them)
LayerParams build(const ckpt::BitNetConfig& cfg, Layer&& l) {
  const auto c = cfg.linear_class;
  LayerParams p;
  p.shape = layer_shape(cfg);
  p.input_norm = to_vf32(l.input_layernorm);
  p.attn_sub_norm = to_vf32(l.attn_sub_norm);
  p.post_attn_norm = to_vf32(l.post_attention_layernorm);
  p.ffn_sub_norm = to_vf32(l.ffn_sub_norm);
  p.q = convert(std::forward<Layer>(l).q_proj, c);
  p.k = convert(std::forward<Layer>(l).k_proj, c);
  p.v = convert(std::forward<Layer>(l).v_proj, c);
  p.o = convert(std::forward<Layer>(l).o_proj, c);
  p.gate = convert(std::forward<Layer>(l).gate_proj, c);
  p.up = convert(std::forward<Layer>(l).up_proj, c);
  p.down = convert(std::forward<Layer>(l).down_proj, c);
  return p;
}

}  // namespace

LayerParams layer_params(const ckpt::BitNetModel& model, int64_t layer) { return build(model.config, model.layer(layer)); }

LayerParams layer_params(ckpt::BitNetModel&& model, int64_t layer) {
  model.layer(layer);  // throws std::out_of_range for a layer the model does not hold
  return build(model.config, std::move(model.layers[static_cast<size_t>(layer - model.first_layer)]));
}

}  // namespace tasu::layer
