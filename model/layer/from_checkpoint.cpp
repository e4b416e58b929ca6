// Conversion of checkpoint layers into model (b)'s parameters; see from_checkpoint.h.
#include "layer/from_checkpoint.h"

namespace tasu::layer {
namespace {

std::vector<vf32> to_vf32(const std::vector<float>& v) {
  std::vector<vf32> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = vec::from_float(v[i]);
  return out;
}

TernaryProjection convert(const ckpt::TernaryProjection& p, golden::WeightScaleConvention c) {
  TernaryProjection t;
  t.out = p.out;
  t.in = p.in;
  t.w = p.weight;
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

LayerParams layer_params(const ckpt::BitNetModel& model, int64_t layer) {
  const ckpt::BitNetLayer& l = model.layer(layer);
  const auto c = model.config.linear_class;
  LayerParams p;
  p.shape = layer_shape(model.config);
  p.input_norm = to_vf32(l.input_layernorm);
  p.attn_sub_norm = to_vf32(l.attn_sub_norm);
  p.post_attn_norm = to_vf32(l.post_attention_layernorm);
  p.ffn_sub_norm = to_vf32(l.ffn_sub_norm);
  p.q = convert(l.q_proj, c);
  p.k = convert(l.k_proj, c);
  p.v = convert(l.v_proj, c);
  p.o = convert(l.o_proj, c);
  p.gate = convert(l.gate_proj, c);
  p.up = convert(l.up_proj, c);
  p.down = convert(l.down_proj, c);
  return p;
}

}  // namespace tasu::layer
