// Hugging Face BitNet checkpoint loader and writer: every tensor is checked against config.json
// before conversion, so a bad checkpoint fails naming file and tensor instead of loading wrong.
#include "checkpoint/bitnet_checkpoint.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace tasu::ckpt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// ---- config.json ----------------------------------------------------------------------------

// Dimensions above this would overflow int64 once multiplied together (heads * head_dim * P);
// no released model comes near it.
constexpr int64_t kMaxConfigValue = int64_t{1} << 24;

int64_t positive_int(const json& j, const char* key, const std::string& source,
                     std::optional<int64_t> fallback = std::nullopt) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (fallback) return *fallback;
    fail_file(source, fmt::format("missing required field \"{}\"", key));
  }
  if (!it->is_number_integer() || it->get<int64_t>() <= 0 || it->get<int64_t>() > kMaxConfigValue) {
    fail_file(source, fmt::format("field \"{}\" must be an integer in 1 .. {}, got {}", key, kMaxConfigValue, it->dump()));
  }
  return it->get<int64_t>();
}

double positive_number(const json& j, const char* key, const std::string& source,
                       double fallback) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_number() || !(it->get<double>() > 0.0) || !std::isfinite(it->get<double>())) {
    fail_file(source, fmt::format("field \"{}\" must be a positive number, got {}", key, it->dump()));
  }
  return it->get<double>();
}

std::optional<std::string> optional_string(const json& j, const char* key,
                                           const std::string& source) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) fail_file(source, fmt::format("field \"{}\" must be a string, got {}", key, it->dump()));
  return it->get<std::string>();
}

bool optional_bool(const json& j, const char* key, const std::string& source, bool fallback) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) fail_file(source, fmt::format("field \"{}\" must be a boolean, got {}", key, it->dump()));
  return it->get<bool>();
}

// Only unscaled RoPE is implemented; a scaled variant (llama3, yarn, ...) would silently
// change every position's angle, so it is refused.
void require_default_rope(const json& j, const char* key, const std::string& source) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  if (!it->is_object()) fail_file(source, fmt::format("field \"{}\" must be an object", key));
  for (const char* type_key : {"rope_type", "type"}) {
    const auto t = it->find(type_key);
    if (t != it->end() && !(t->is_string() && t->get<std::string>() == "default")) {
      fail_file(source, fmt::format("{}.{} = {} is not supported (only \"default\" RoPE)", key,
                               type_key, t->dump()));
    }
  }
}

// ---- tensor sources: one file, or shards through an index ------------------------------------

class TensorSource {
 public:
  explicit TensorSource(const std::string& dir) {
    const fs::path single = fs::path(dir) / "model.safetensors";
    const fs::path index = fs::path(dir) / "model.safetensors.index.json";
    if (fs::exists(single)) {
      single_.emplace(single.string());
      return;
    }
    if (!fs::exists(index)) {
      fail_file(dir, "neither model.safetensors nor model.safetensors.index.json exists");
    }
    index_path_ = index.string();
    dir_ = dir;
    std::ifstream in(index_path_);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) fail_file(index_path_, "cannot read");
    json j;
    try {
      require_no_nul(text.str(), index_path_);
      j = json::parse(text.str());
    } catch (const json::exception& e) {
      fail_file(index_path_, fmt::format("not valid JSON: {}", e.what()));
    }
    const auto wm = j.is_object() ? j.find("weight_map") : j.end();
    if (wm == j.end() || !wm->is_object()) fail_file(index_path_, "missing \"weight_map\" object");
    for (auto it = wm->begin(); it != wm->end(); ++it) {
      if (!it.value().is_string()) fail_tensor(index_path_, it.key(), "weight_map value is not a string");
      const std::string shard = it.value().get<std::string>();
      // Shards live next to the index; a path would let an index read arbitrary files.
      if (shard.empty() || shard == "." || shard == ".." || shard.find('/') != std::string::npos) {
        fail_tensor(index_path_, it.key(), fmt::format("invalid shard file name \"{}\"", shard));
      }
      weight_map_[it.key()] = shard;
    }
  }

  std::vector<std::string> names() const {
    if (single_) return single_->names();
    std::vector<std::string> out;
    for (const auto& kv : weight_map_) out.push_back(kv.first);
    return out;
  }

  bool has(const std::string& name) const {
    return single_ ? single_->contains(name) : weight_map_.count(name) != 0;
  }

  // Where a missing-tensor error should point: the file that was expected to hold it.
  const std::string& listing_path() const { return single_ ? single_->path() : index_path_; }

  const SafetensorsFile& file_of(const std::string& name) {
    if (single_) {
      if (!single_->contains(name)) fail_tensor(single_->path(), name, "missing");
      return *single_;
    }
    const auto it = weight_map_.find(name);
    if (it == weight_map_.end()) fail_tensor(index_path_, name, "missing from weight_map");
    auto open = shards_.find(it->second);
    if (open == shards_.end()) {
      const fs::path p = fs::path(dir_) / it->second;
      if (!fs::exists(p)) {
        fail_tensor(index_path_, name,
                    fmt::format("mapped to shard \"{}\", which does not exist", p.string()));
      }
      open = shards_.emplace(it->second, SafetensorsFile(p.string())).first;
    }
    if (!open->second.contains(name)) {
      fail_tensor(open->second.path(), name,
                  fmt::format("missing, although {} maps it to this shard", index_path_));
    }
    return open->second;
  }

 private:
  std::optional<SafetensorsFile> single_;
  std::string dir_;
  std::string index_path_;
  std::map<std::string, std::string> weight_map_;
  std::map<std::string, SafetensorsFile> shards_;
};

std::vector<float> read_float_tensor(TensorSource& src, const std::string& name,
                                     const std::vector<int64_t>& expected) {
  const SafetensorsFile& f = src.file_of(name);
  const TensorInfo& t = f.info(name);
  if (!is_float_dtype(t.dtype)) {
    fail_tensor(f.path(), name, fmt::format("dtype {} where a float type (BF16, F16, F32, F64) is expected",
                                            dtype_name(t.dtype)));
  }
  if (t.shape != expected) {
    fail_tensor(f.path(), name, fmt::format("shape {} but config.json implies {}",
                                            shape_str(t.shape), shape_str(expected)));
  }
  std::vector<float> v = f.to_float(name);
  for (size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i])) fail_tensor(f.path(), name, fmt::format("element {} is {}: weights must be finite", i, v[i]));
  return v;
}

TernaryProjection read_projection(TensorSource& src, const std::string& prefix, int64_t out,
                                  int64_t in) {
  TernaryProjection p;
  p.out = out;
  p.in = in;
  const std::string wname = prefix + ".weight";
  const SafetensorsFile& f = src.file_of(wname);
  const TensorInfo& t = f.info(wname);
  if (t.dtype != DType::U8) {
    fail_tensor(f.path(), wname, fmt::format("dtype {} where packed ternary U8 is expected",
                                             dtype_name(t.dtype)));
  }
  const std::vector<int64_t> expected{out / 4, in};
  if (t.shape != expected) {
    fail_tensor(f.path(), wname,
                fmt::format("shape {} but config.json implies {} ({} x {} ternary, 4 per byte)",
                            shape_str(t.shape), shape_str(expected), out, in));
  }
  try {
    p.weight = golden::unpack_hf_ternary(f.data(wname), out, in);
  } catch (const std::exception& e) {
    fail_tensor(f.path(), wname, e.what());
  }

  const std::string sname = prefix + ".weight_scale";
  const SafetensorsFile& fs_ = src.file_of(sname);
  const TensorInfo& s = fs_.info(sname);
  if (!is_float_dtype(s.dtype)) {
    fail_tensor(fs_.path(), sname, fmt::format("dtype {} where a float type is expected",
                                               dtype_name(s.dtype)));
  }
  if (!(s.shape == std::vector<int64_t>{1} || s.shape.empty())) {
    fail_tensor(fs_.path(), sname, fmt::format("shape {} but a per-tensor scale has shape [1]",
                                               shape_str(s.shape)));
  }
  p.weight_scale = fs_.to_float(sname)[0];
  if (!std::isfinite(p.weight_scale) || p.weight_scale <= 0.0f) {
    fail_tensor(fs_.path(), sname, fmt::format("weight_scale = {} must be finite and > 0",
                                               p.weight_scale));
  }
  return p;
}

// Layer index of "model.layers.<n>.<rest>" names, nullopt for any other name. A number too long
// for int64 saturates, so that it still fails the layer check instead of passing as "no layer".
std::optional<int64_t> layer_of(const std::string& name) {
  static const std::string kPrefix = "model.layers.";
  if (name.compare(0, kPrefix.size(), kPrefix) != 0) return std::nullopt;
  size_t pos = kPrefix.size();
  int64_t v = 0;
  bool digits = false;
  while (pos < name.size() && name[pos] >= '0' && name[pos] <= '9') {
    v = v < (int64_t{1} << 40) ? v * 10 + (name[pos] - '0') : std::numeric_limits<int64_t>::max();
    digits = true;
    ++pos;
  }
  if (!digits || pos >= name.size() || name[pos] != '.') return std::nullopt;
  return v;
}

bool bf16_exact(float f) {
  return golden::bf16_to_float(golden::float_to_bf16_rne(f)) == f;
}

std::vector<uint16_t> to_bf16_exact(const std::vector<float>& v, const std::string& what) {
  std::vector<uint16_t> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (!bf16_exact(v[i])) {
      throw CheckpointError(fmt::format("save_bitnet_checkpoint: {}[{}] = {} is not representable in bf16",
                                        what, i, v[i]));
    }
    out[i] = golden::float_to_bf16_rne(v[i]);
  }
  return out;
}

}  // namespace

BitNetConfig parse_bitnet_config(std::string_view json_text, const std::string& source) {
  require_no_nul(json_text, source);
  json j;
  try {
    j = json::parse(json_text.begin(), json_text.end());
  } catch (const json::exception& e) {
    fail_file(source, fmt::format("not valid JSON: {}", e.what()));
  }
  if (!j.is_object()) fail_file(source, "top level is not a JSON object");
  if (const auto mt = optional_string(j, "model_type", source); mt && *mt != "bitnet") {
    fail_file(source, fmt::format("model_type \"{}\" is not \"bitnet\"", *mt));
  }
  BitNetConfig c;
  c.hidden = positive_int(j, "hidden_size", source);
  c.intermediate = positive_int(j, "intermediate_size", source);
  c.layers = positive_int(j, "num_hidden_layers", source);
  c.heads = positive_int(j, "num_attention_heads", source);
  c.kv_heads = positive_int(j, "num_key_value_heads", source, c.heads);
  c.vocab = positive_int(j, "vocab_size", source);
  if (j.contains("head_dim") && !j["head_dim"].is_null()) {
    c.head_dim = positive_int(j, "head_dim", source);
  } else {
    if (c.hidden % c.heads != 0) {
      fail_file(source, fmt::format("no head_dim and hidden_size {} is not divisible by {} heads",
                               c.hidden, c.heads));
    }
    c.head_dim = c.hidden / c.heads;
  }
  if (c.heads % c.kv_heads != 0) {
    fail_file(source, fmt::format("num_attention_heads {} is not a multiple of num_key_value_heads {}",
                             c.heads, c.kv_heads));
  }
  if (c.head_dim % 2 != 0) fail_file(source, fmt::format("head_dim {} is odd; rotate-half RoPE needs it even", c.head_dim));
  // Each projection's out_features is packed 4 rows per byte.
  for (const auto& [what, n] : {std::pair<const char*, int64_t>{"num_attention_heads * head_dim", c.heads * c.head_dim},
                                {"num_key_value_heads * head_dim", c.kv_heads * c.head_dim},
                                {"intermediate_size", c.intermediate},
                                {"hidden_size", c.hidden}}) {
    if (n % 4 != 0) fail_file(source, fmt::format("{} = {} is not divisible by 4 (2-bit packing)", what, n));
  }
  const std::string act = optional_string(j, "hidden_act", source).value_or("relu2");
  if (act != "relu2") fail_file(source, fmt::format("hidden_act \"{}\" is not supported (BitNet uses \"relu2\")", act));
  c.rms_norm_eps = positive_number(j, "rms_norm_eps", source, 1e-5);
  c.max_position_embeddings = positive_int(j, "max_position_embeddings", source, 2048);
  require_default_rope(j, "rope_scaling", source);
  require_default_rope(j, "rope_parameters", source);
  c.rope_theta = positive_number(j, "rope_theta", source, 500000.0);
  if (const auto rp = j.find("rope_parameters"); rp != j.end() && rp->is_object()) {
    const double nested = positive_number(*rp, "rope_theta", source, c.rope_theta);
    if (j.contains("rope_theta") && nested != c.rope_theta) {
      fail_file(source, fmt::format("rope_theta {} disagrees with rope_parameters.rope_theta {}",
                               c.rope_theta, nested));
    }
    c.rope_theta = nested;
  }
  if (optional_bool(j, "attention_bias", source, false)) {
    fail_file(source, "attention_bias = true is not supported (BitNet projections have no bias)");
  }
  c.tie_word_embeddings = optional_bool(j, "tie_word_embeddings", source, false);

  const auto q = j.find("quantization_config");
  if (q == j.end() || !q->is_object()) {
    fail_file(source, "missing \"quantization_config\": not a pre-quantized BitNet checkpoint");
  }
  const std::string method = optional_string(*q, "quant_method", source).value_or("");
  if (method != "bitnet") {
    fail_file(source, fmt::format("quantization_config.quant_method \"{}\" is not \"bitnet\"", method));
  }
  const std::string mode = optional_string(*q, "quantization_mode", source).value_or("offline");
  if (mode != "offline") {
    fail_file(source, fmt::format("quantization_config.quantization_mode \"{}\": only \"offline\" "
                             "(packed ternary weights) is supported", mode));
  }
  const std::string lc = optional_string(*q, "linear_class", source).value_or("bitlinear");
  try {
    c.linear_class = golden::parse_weight_scale_convention(lc);
  } catch (const std::invalid_argument& e) {
    fail_file(source, fmt::format("quantization_config.linear_class: {}", e.what()));
  }
  return c;
}

BitNetConfig load_bitnet_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail_file(path, "cannot open");
  std::stringstream text;
  text << in.rdbuf();
  return parse_bitnet_config(text.str(), path);
}

std::string bitnet_config_to_json(const BitNetConfig& c) {
  json j = {
      {"architectures", {"BitNetForCausalLM"}},
      {"model_type", "bitnet"},
      {"hidden_size", c.hidden},
      {"intermediate_size", c.intermediate},
      {"num_hidden_layers", c.layers},
      {"num_attention_heads", c.heads},
      {"num_key_value_heads", c.kv_heads},
      {"head_dim", c.head_dim},
      {"hidden_act", "relu2"},
      {"max_position_embeddings", c.max_position_embeddings},
      {"rms_norm_eps", c.rms_norm_eps},
      {"rope_theta", c.rope_theta},
      {"vocab_size", c.vocab},
      {"tie_word_embeddings", c.tie_word_embeddings},
      {"attention_bias", false},
      {"torch_dtype", "bfloat16"},
      {"quantization_config",
       {{"quant_method", "bitnet"},
        {"linear_class", std::string(golden::to_string(c.linear_class))},
        {"quantization_mode", "offline"}}},
  };
  return j.dump(2);
}

const BitNetLayer& BitNetModel::layer(int64_t index) const {
  if (!has_layer(index)) {
    throw std::out_of_range(fmt::format("BitNetModel::layer({}): only layers [{}, {}) are loaded",
                                        index, first_layer, end_layer()));
  }
  return layers[static_cast<size_t>(index - first_layer)];
}

std::string projection_prefix(int64_t layer, std::string_view projection) {
  return fmt::format("model.layers.{}.{}", layer, projection);
}

const std::vector<ProjectionRef>& layer_projections() {
  static const std::vector<ProjectionRef> refs = {
      {"self_attn.q_proj", &BitNetLayer::q_proj},  {"self_attn.k_proj", &BitNetLayer::k_proj},
      {"self_attn.v_proj", &BitNetLayer::v_proj},  {"self_attn.o_proj", &BitNetLayer::o_proj},
      {"mlp.gate_proj", &BitNetLayer::gate_proj},  {"mlp.up_proj", &BitNetLayer::up_proj},
      {"mlp.down_proj", &BitNetLayer::down_proj},
  };
  return refs;
}

BitNetModel load_bitnet_checkpoint(const std::string& dir, const LoadOptions& options) {
  BitNetModel m;
  m.config = load_bitnet_config((fs::path(dir) / "config.json").string());
  const BitNetConfig& c = m.config;
  const int64_t end = options.end_layer < 0 ? c.layers : options.end_layer;
  // An empty range is allowed only to read the embeddings and head alone.
  if (options.first_layer < 0 || options.first_layer > end || end > c.layers ||
      (options.first_layer == end && !options.embeddings_and_head)) {
    throw std::invalid_argument(fmt::format(
        "load_bitnet_checkpoint({}): layer range [{}, {}) is not inside the model's {} layers",
        dir, options.first_layer, end, c.layers));
  }
  TensorSource src(dir);

  for (const std::string& name : src.names()) {
    const auto layer = layer_of(name);
    if (layer && *layer >= c.layers) {
      fail_tensor(src.listing_path(), name,
                  fmt::format("belongs to layer {} but config.json has num_hidden_layers = {}",
                              *layer, c.layers));
    }
  }

  // Output features of each projection, in layer_projections() order.
  const int64_t q_out = c.heads * c.head_dim, kv_out = c.kv_heads * c.head_dim;
  const std::vector<std::pair<int64_t, int64_t>> dims = {
      {q_out, c.hidden}, {kv_out, c.hidden}, {kv_out, c.hidden}, {c.hidden, q_out},
      {c.intermediate, c.hidden}, {c.intermediate, c.hidden}, {c.hidden, c.intermediate}};

  m.first_layer = options.first_layer;
  for (int64_t i = options.first_layer; i < end; ++i) {
    BitNetLayer L;
    const auto norm = [&](const char* n, int64_t size) {
      return read_float_tensor(src, fmt::format("model.layers.{}.{}.weight", i, n), {size});
    };
    L.input_layernorm = norm("input_layernorm", c.hidden);
    L.attn_sub_norm = norm("self_attn.attn_sub_norm", c.hidden);
    L.post_attention_layernorm = norm("post_attention_layernorm", c.hidden);
    L.ffn_sub_norm = norm("mlp.ffn_sub_norm", c.intermediate);
    const auto& projs = layer_projections();
    for (size_t p = 0; p < projs.size(); ++p) {
      L.*(projs[p].member) =
          read_projection(src, projection_prefix(i, projs[p].name), dims[p].first, dims[p].second);
    }
    m.layers.push_back(std::move(L));
  }

  if (options.embeddings_and_head) {
    m.embed_tokens = read_float_tensor(src, "model.embed_tokens.weight", {c.vocab, c.hidden});
    m.final_norm = read_float_tensor(src, "model.norm.weight", {c.hidden});
    // A tied checkpoint may still carry lm_head.weight; HF ignores it and so do we.
    if (!c.tie_word_embeddings) {
      m.lm_head = read_float_tensor(src, "lm_head.weight", {c.vocab, c.hidden});
    }
  }
  return m;
}

void save_bitnet_checkpoint(const BitNetModel& model, const std::string& dir) {
  const BitNetConfig& c = model.config;
  if (model.first_layer != 0 || static_cast<int64_t>(model.layers.size()) != c.layers ||
      !model.has_embeddings_and_head() || (!c.tie_word_embeddings && model.lm_head.empty())) {
    throw CheckpointError(fmt::format(
        "save_bitnet_checkpoint({}): the model must be complete (layers [0, {}), embeddings, head)",
        dir, c.layers));
  }
  std::map<std::string, TensorData> t;
  for (int64_t i = 0; i < c.layers; ++i) {
    const BitNetLayer& L = model.layers[static_cast<size_t>(i)];
    const auto norm = [&](const char* n, const std::vector<float>& v) {
      const std::string name = fmt::format("model.layers.{}.{}.weight", i, n);
      t[name] = make_tensor_bf16(to_bf16_exact(v, name), {static_cast<int64_t>(v.size())});
    };
    norm("input_layernorm", L.input_layernorm);
    norm("self_attn.attn_sub_norm", L.attn_sub_norm);
    norm("post_attention_layernorm", L.post_attention_layernorm);
    norm("mlp.ffn_sub_norm", L.ffn_sub_norm);
    for (const ProjectionRef& p : layer_projections()) {
      const TernaryProjection& w = L.*(p.member);
      const std::string prefix = projection_prefix(i, p.name);
      std::vector<uint8_t> packed;
      try {
        packed = golden::pack_hf_ternary(w.weight.data(), w.out, w.in);
      } catch (const std::exception& e) {
        throw CheckpointError(fmt::format("save_bitnet_checkpoint: {}: {}", prefix, e.what()));
      }
      t[prefix + ".weight"] = make_tensor_u8(packed, {w.out / 4, w.in});
      t[prefix + ".weight_scale"] = make_tensor_bf16(to_bf16_exact({w.weight_scale}, prefix + ".weight_scale"), {1});
    }
  }
  t["model.embed_tokens.weight"] =
      make_tensor_bf16(to_bf16_exact(model.embed_tokens, "model.embed_tokens.weight"), {c.vocab, c.hidden});
  t["model.norm.weight"] = make_tensor_bf16(to_bf16_exact(model.final_norm, "model.norm.weight"), {c.hidden});
  if (!c.tie_word_embeddings) {
    t["lm_head.weight"] = make_tensor_bf16(to_bf16_exact(model.lm_head, "lm_head.weight"), {c.vocab, c.hidden});
  }

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) fail_file(dir, fmt::format("cannot create directory: {}", ec.message()));
  const std::string cfg = (fs::path(dir) / "config.json").string();
  std::ofstream out(cfg, std::ios::trunc);
  out << bitnet_config_to_json(c) << '\n';
  out.close();
  if (!out) fail_file(cfg, "write failed");
  write_safetensors((fs::path(dir) / "model.safetensors").string(), t, {{"format", "pt"}});
}

}  // namespace tasu::ckpt
