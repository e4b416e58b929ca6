// BitNet b1.58 model in memory, loaded from a Hugging Face checkpoint directory (config.json +
// one or several .safetensors shards) with every inconsistency reported as a CheckpointError.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "checkpoint/safetensors.h"
#include "golden/bitlinear.h"

namespace tasu::ckpt {

// The config.json fields the decoder depends on. Defaults follow transformers' BitNetConfig
// where a field may be omitted (num_key_value_heads = heads, head_dim = hidden / heads,
// tie_word_embeddings = false, linear_class = bitlinear).
struct BitNetConfig {
  int64_t hidden = 0;        // hidden_size
  int64_t intermediate = 0;  // intermediate_size
  int64_t layers = 0;        // num_hidden_layers
  int64_t heads = 0;         // num_attention_heads
  int64_t kv_heads = 0;      // num_key_value_heads
  int64_t head_dim = 0;
  int64_t vocab = 0;         // vocab_size
  double rms_norm_eps = 1e-5;
  double rope_theta = 500000.0;
  golden::WeightScaleConvention linear_class = golden::WeightScaleConvention::BitLinear;
  bool tie_word_embeddings = false;
  int64_t max_position_embeddings = 2048;  // informational; RoPE itself has no limit
};

// Parses and validates config.json text. `source` names the file in error messages. Rejects:
// non-JSON, a model_type other than "bitnet", missing or non-positive dimensions, heads not
// divisible by kv_heads, an odd head_dim (rotate-half RoPE), hidden_act other than "relu2",
// RoPE scaling other than "default", attention_bias, a quantization_config that is not
// offline "bitnet" with a known linear_class, and non-positive eps / theta.
BitNetConfig parse_bitnet_config(std::string_view json_text, const std::string& source);
BitNetConfig load_bitnet_config(const std::string& path);
std::string bitnet_config_to_json(const BitNetConfig& c);  // the inverse, as HF writes it

// One BitLinear: ternary weights unpacked from the HF 2-bit layout, plus the per-tensor
// weight_scale as stored (bf16 widened); its meaning is BitNetConfig::linear_class.
struct TernaryProjection {
  int64_t out = 0;  // out_features
  int64_t in = 0;   // in_features
  std::vector<int8_t> weight;  // [out][in], values in {-1, 0, +1}
  float weight_scale = 0.0f;
};

struct BitNetLayer {
  std::vector<float> input_layernorm;           // [hidden]
  std::vector<float> attn_sub_norm;             // [hidden]
  std::vector<float> post_attention_layernorm;  // [hidden]
  std::vector<float> ffn_sub_norm;              // [intermediate]
  TernaryProjection q_proj, k_proj, v_proj, o_proj;
  TernaryProjection gate_proj, up_proj, down_proj;
};

struct BitNetModel {
  BitNetConfig config;
  // layers[i] is decoder layer first_layer + i; a partial load holds [first_layer, end).
  int64_t first_layer = 0;
  std::vector<BitNetLayer> layers;
  // Empty when loaded with LoadOptions::embeddings_and_head = false.
  std::vector<float> embed_tokens;  // [vocab][hidden]
  std::vector<float> final_norm;    // [hidden] (model.norm.weight)
  std::vector<float> lm_head;       // [vocab][hidden]; empty when config.tie_word_embeddings

  int64_t end_layer() const { return first_layer + static_cast<int64_t>(layers.size()); }
  bool has_layer(int64_t index) const { return index >= first_layer && index < end_layer(); }
  // By absolute layer index; throws std::out_of_range when the layer was not loaded.
  const BitNetLayer& layer(int64_t index) const;
  bool has_embeddings_and_head() const { return !embed_tokens.empty(); }
  // lm_head, or embed_tokens when tied (as HF ties them).
  const std::vector<float>& lm_head_weight() const {
    return config.tie_word_embeddings ? embed_tokens : lm_head;
  }
};

struct LoadOptions {
  int64_t first_layer = 0;
  int64_t end_layer = -1;             // exclusive; -1 = config.layers; first == end: no layer
                                      // (only with embeddings_and_head)
  bool embeddings_and_head = true;    // embed_tokens, model.norm, lm_head (GBs at real scale)
};

// Loads `dir`: config.json plus model.safetensors, or model.safetensors.index.json whose
// weight_map names the shard of every tensor (shards open lazily, only those needed). Checks
// every tensor's presence, dtype (packed weights U8, everything else a float type) and shape
// against the config, the packed codes (code 3 is an error), weight_scale finite and > 0, and
// that no tensor belongs to a layer the config does not have. Tensors of other layers than
// the requested range are not read.
BitNetModel load_bitnet_checkpoint(const std::string& dir, const LoadOptions& options = {});

// Writes `model` as a Hugging Face checkpoint (config.json + model.safetensors, packed U8
// weights, BF16 everything else) that load_bitnet_checkpoint reads back identically. Requires
// a complete model (all layers, embeddings) whose float values are bf16-representable;
// throws CheckpointError otherwise, rather than silently rounding.
void save_bitnet_checkpoint(const BitNetModel& model, const std::string& dir);

// "model.layers.3.self_attn.q_proj" style prefixes, as HF names the projections.
std::string projection_prefix(int64_t layer, std::string_view projection);
// The seven projections of a layer in a fixed order, with their HF names.
struct ProjectionRef {
  std::string_view name;  // "self_attn.q_proj", ..., "mlp.down_proj"
  TernaryProjection BitNetLayer::*member;
};
const std::vector<ProjectionRef>& layer_projections();

}  // namespace tasu::ckpt
