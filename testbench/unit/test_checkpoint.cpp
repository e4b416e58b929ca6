// Unit tests of tasu_checkpoint: safetensors I/O and validation, the BitNet checkpoint loader on
// the shared tiny checkpoints (and on malformed copies of them), sharding, and the synthetic 2B4T.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "checkpoint/bitnet_checkpoint.h"
#include "checkpoint/safetensors.h"
#include "checkpoint/synthetic_2b4t.h"
#include "golden/bitlinear.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace tasu::ckpt;
using TensorMapT = std::map<std::string, TensorData>;

std::string data_dir(const std::string& model) { return std::string(TASU_TEST_DATA_DIR) + "/" + model; }

// A scratch directory removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() / fmt::format("tasu_ckpt_test_{}_{}", ::getpid(), counter++);
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string str() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// A .safetensors file with exactly this header text and data section; the length field can be
// overridden to corrupt it.
void write_raw(const std::string& path, const std::string& header, const std::vector<uint8_t>& data,
               int64_t length_field = -1) {
  const uint64_t len = length_field < 0 ? header.size() : static_cast<uint64_t>(length_field);
  std::vector<uint8_t> bytes(8);
  std::memcpy(bytes.data(), &len, 8);
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  write_bytes(path, bytes);
}

TensorMapT tensors_of(const SafetensorsFile& f) {
  TensorMapT out;
  for (const auto& [name, info] : f.tensors()) {
    TensorData t;
    t.dtype = info.dtype;
    t.shape = info.shape;
    t.bytes.assign(f.data(name), f.data(name) + (info.end - info.begin));
    out[name] = std::move(t);
  }
  return out;
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// Copies a shared checkpoint into dir, letting the test corrupt its tensors or its config.
void copy_model(const std::string& model, const std::string& dir,
                const std::function<void(TensorMapT&)>& mutate_tensors = {},
                const std::function<void(json&)>& mutate_config = {}) {
  json cfg = read_json(data_dir(model) + "/config.json");
  if (mutate_config) mutate_config(cfg);
  write_text(dir + "/config.json", cfg.dump(2));
  const SafetensorsFile src(data_dir(model) + "/model.safetensors");
  TensorMapT t = tensors_of(src);
  if (mutate_tensors) mutate_tensors(t);
  write_safetensors(dir + "/model.safetensors", t, src.metadata());
}

template <typename F>
std::string checkpoint_error(F&& f) {
  try {
    f();
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "<no CheckpointError thrown>";
}

#define EXPECT_CONTAINS(msg, part) \
  EXPECT_NE((msg).find(part), std::string::npos) << "message: " << (msg) << "\nlacks: " << (part)

void expect_same_projection(const TernaryProjection& a, const TernaryProjection& b, const std::string& what) {
  EXPECT_EQ(a.out, b.out) << what;
  EXPECT_EQ(a.in, b.in) << what;
  EXPECT_EQ(a.weight, b.weight) << what;
  EXPECT_EQ(a.weight_scale, b.weight_scale) << what;
}

void expect_same_layer(const BitNetLayer& a, const BitNetLayer& b, const std::string& what) {
  EXPECT_EQ(a.input_layernorm, b.input_layernorm) << what;
  EXPECT_EQ(a.attn_sub_norm, b.attn_sub_norm) << what;
  EXPECT_EQ(a.post_attention_layernorm, b.post_attention_layernorm) << what;
  EXPECT_EQ(a.ffn_sub_norm, b.ffn_sub_norm) << what;
  for (const ProjectionRef& p : layer_projections()) {
    expect_same_projection(a.*(p.member), b.*(p.member), what + " " + std::string(p.name));
  }
}

void expect_same_config(const BitNetConfig& a, const BitNetConfig& b) {
  EXPECT_EQ(a.hidden, b.hidden);
  EXPECT_EQ(a.intermediate, b.intermediate);
  EXPECT_EQ(a.layers, b.layers);
  EXPECT_EQ(a.heads, b.heads);
  EXPECT_EQ(a.kv_heads, b.kv_heads);
  EXPECT_EQ(a.head_dim, b.head_dim);
  EXPECT_EQ(a.vocab, b.vocab);
  EXPECT_EQ(a.rms_norm_eps, b.rms_norm_eps);
  EXPECT_EQ(a.rope_theta, b.rope_theta);
  EXPECT_EQ(a.linear_class, b.linear_class);
  EXPECT_EQ(a.tie_word_embeddings, b.tie_word_embeddings);
}

void expect_same_model(const BitNetModel& a, const BitNetModel& b) {
  expect_same_config(a.config, b.config);
  ASSERT_EQ(a.first_layer, b.first_layer);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) expect_same_layer(a.layers[i], b.layers[i], fmt::format("layer {}", i));
  EXPECT_EQ(a.embed_tokens, b.embed_tokens);
  EXPECT_EQ(a.final_norm, b.final_norm);
  EXPECT_EQ(a.lm_head, b.lm_head);
}

// ---- safetensors -----------------------------------------------------------------------------

TEST(Safetensors, WriteReadRoundTripOfEveryDtype) {
  TempDir dir;
  const std::string path = dir.file("t.safetensors");
  TensorMapT t;
  t["a.f64"] = make_tensor_f64({1.5, -2.25, 1e300, -0.0, 3.141592653589793, 7.0}, {2, 3});
  t["b.f32"] = make_tensor_f32({1.5f, -2.5f, 1e-30f}, {3});
  t["c.bf16"] = make_tensor_bf16({0x3F80, 0xC040}, {2});  // 1.0, -3.0
  t["d.u8"] = make_tensor_u8({0, 1, 254, 255}, {4});
  t["e.i64"] = make_tensor_i64({-5, int64_t{1} << 40}, {1, 2});
  TensorData f16;  // 1, -2, 2^-24 (smallest subnormal), +inf
  f16.dtype = DType::F16;
  f16.shape = {4};
  for (uint16_t h : {0x3C00, 0xC000, 0x0001, 0x7C00}) {
    f16.bytes.push_back(static_cast<uint8_t>(h & 0xFF));
    f16.bytes.push_back(static_cast<uint8_t>(h >> 8));
  }
  t["f.f16"] = f16;
  t["g.i8"] = TensorData{DType::I8, {2}, {0x80, 0x7F}};  // -128, 127
  t["h.empty"] = make_tensor_f32({}, {0});
  t["i.scalar"] = make_tensor_f32({42.0f}, {});
  write_safetensors(path, t, {{"format", "pt"}, {"what", "test"}});

  const std::vector<uint8_t> raw = read_bytes(path);
  uint64_t header_len = 0;
  std::memcpy(&header_len, raw.data(), 8);
  EXPECT_EQ((8 + header_len) % 8, 0u) << "tensor data must start 8-byte aligned";

  SafetensorsFile moved_from(path);
  const SafetensorsFile f = std::move(moved_from);
  EXPECT_EQ(f.metadata(), (std::map<std::string, std::string>{{"format", "pt"}, {"what", "test"}}));
  ASSERT_EQ(f.names().size(), t.size());
  for (const auto& [name, td] : t) {
    const TensorInfo& info = f.info(name);
    EXPECT_EQ(info.dtype, td.dtype) << name;
    EXPECT_EQ(info.shape, td.shape) << name;
    ASSERT_EQ(info.end - info.begin, td.bytes.size()) << name;
    EXPECT_TRUE(td.bytes.empty() || std::memcmp(f.data(name), td.bytes.data(), td.bytes.size()) == 0) << name;
  }
  EXPECT_EQ(f.to_double("a.f64"), (std::vector<double>{1.5, -2.25, 1e300, -0.0, 3.141592653589793, 7.0}));
  EXPECT_EQ(f.to_float("b.f32"), (std::vector<float>{1.5f, -2.5f, 1e-30f}));
  EXPECT_EQ(f.to_float("c.bf16"), (std::vector<float>{1.0f, -3.0f}));
  EXPECT_EQ(f.to_int64("d.u8"), (std::vector<int64_t>{0, 1, 254, 255}));
  EXPECT_EQ(f.to_int64("e.i64"), (std::vector<int64_t>{-5, int64_t{1} << 40}));
  EXPECT_EQ(f.to_double("f.f16"), (std::vector<double>{1.0, -2.0, std::ldexp(1.0, -24), INFINITY}));
  EXPECT_EQ(f.to_int64("g.i8"), (std::vector<int64_t>{-128, 127}));
  EXPECT_EQ(f.info("h.empty").numel(), 0);
  EXPECT_TRUE(f.to_float("h.empty").empty());
  EXPECT_EQ(f.info("i.scalar").numel(), 1);
  EXPECT_EQ(f.to_float("i.scalar"), std::vector<float>{42.0f});
}

TEST(Safetensors, HalfPrecisionConversionCoversEveryClass) {
  EXPECT_EQ(f16_to_float(0x0000), 0.0f);
  EXPECT_TRUE(std::signbit(f16_to_float(0x8000)));
  EXPECT_EQ(f16_to_float(0x03FF), std::ldexp(1023.0f, -24));  // largest subnormal
  EXPECT_EQ(f16_to_float(0x0400), std::ldexp(1.0f, -14));     // smallest normal
  EXPECT_EQ(f16_to_float(0x7BFF), 65504.0f);                   // largest finite
  EXPECT_EQ(f16_to_float(0x3555), 0.333251953125f);
  EXPECT_EQ(f16_to_float(0xFC00), -INFINITY);
  EXPECT_TRUE(std::isnan(f16_to_float(0x7E00)));
}

TEST(Safetensors, MissingTensorAndWrongAccessNameFileAndTensor) {
  TempDir dir;
  const std::string path = dir.file("t.safetensors");
  write_safetensors(path, {{"x", make_tensor_f32({1.0f}, {1})}});
  const SafetensorsFile f(path);
  std::string msg = checkpoint_error([&] { f.info("nope"); });
  EXPECT_CONTAINS(msg, path);
  EXPECT_CONTAINS(msg, "\"nope\"");
  msg = checkpoint_error([&] { f.to_int64("x"); });
  EXPECT_CONTAINS(msg, "not an integer type");
}

TEST(Safetensors, WriterRejectsInconsistentTensors) {
  TempDir dir;
  const std::string path = dir.file("t.safetensors");
  std::string msg = checkpoint_error([&] { write_safetensors(path, {{"x", TensorData{DType::F32, {3}, {0, 0, 0, 0}}}}); });
  EXPECT_CONTAINS(msg, "\"x\"");
  EXPECT_CONTAINS(msg, "4 bytes do not match F32 [3]");
  msg = checkpoint_error([&] { write_safetensors(path, {{"__metadata__", make_tensor_f32({1.0f}, {1})}}); });
  EXPECT_CONTAINS(msg, "reserved");
  msg = checkpoint_error([&] { make_tensor_f32({1.0f, 2.0f}, {3}); });
  EXPECT_CONTAINS(msg, "2 values for shape [3]");
}

struct MalformedCase {
  const char* name;
  std::string header;
  std::vector<uint8_t> data;
  int64_t length_field;
  std::vector<std::string> expected;  // substrings of the message, besides the path
};

TEST(Safetensors, EveryMalformedHeaderIsRejectedWithFileAndTensor) {
  const std::vector<MalformedCase> cases = {
      {"bad json", R"({"t": {"dtype": )", {}, -1, {"not valid JSON"}},
      {"not an object", "[1, 2]", {}, -1, {"not an object"}},
      {"length past eof", "{}", {}, 1000, {"header length 1000 runs past the end"}},
      {"length absurd", "{}", {}, int64_t{1} << 40, {"exceeds"}},
      {"unknown dtype", R"({"t": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}})", {0}, -1,
       {"\"t\"", "unknown or unsupported dtype \"F8_E4M3\""}},
      {"size mismatch", R"({"t": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}})", {0, 0, 0, 0}, -1,
       {"\"t\"", "span 4 bytes but F32 [2] needs 8"}},
      {"offsets past data", R"({"t": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})", {0, 0, 0, 0}, -1,
       {"\"t\"", "run past the 4-byte data section"}},
      // The boundary itself: one byte past the end (a mutant that allowed it survived).
      {"one byte past data", R"({"t": {"dtype": "U8", "shape": [5], "data_offsets": [0, 5]}})", {0, 0, 0, 0}, -1,
       {"\"t\"", "run past the 4-byte data section"}},
      {"overlap",
       R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
       std::vector<uint8_t>(12), -1, {"\"b\"", "overlap tensor \"a\""}},
      {"gap",
       R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})",
       std::vector<uint8_t>(12), -1, {"\"b\"", "4 unused bytes"}},
      {"trailing bytes", R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})", std::vector<uint8_t>(8), -1,
       {"data section is 8 bytes but the tensors cover only 4"}},
      {"duplicate", R"({"t": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}, "t": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}})",
       {0}, -1, {"\"t\"", "appears twice"}},
      {"metadata value", R"({"__metadata__": {"a": 1}})", {}, -1, {"__metadata__ value of \"a\""}},
      {"negative dim", R"({"t": {"dtype": "U8", "shape": [-1], "data_offsets": [0, 0]}})", {}, -1,
       {"\"t\"", "negative dimension"}},
      {"no offsets", R"({"t": {"dtype": "U8", "shape": [1]}})", {0}, -1, {"\"t\"", "data_offsets"}},
      {"reversed offsets", R"({"t": {"dtype": "U8", "shape": [0], "data_offsets": [1, 0]}})", {0}, -1,
       {"\"t\"", "invalid data_offsets"}},
  };
  TempDir dir;
  for (const MalformedCase& c : cases) {
    const std::string path = dir.file(std::string(c.name) + ".safetensors");
    write_raw(path, c.header, c.data, c.length_field);
    const std::string msg = checkpoint_error([&] { SafetensorsFile f(path); });
    EXPECT_CONTAINS(msg, path) << c.name;
    for (const std::string& part : c.expected) EXPECT_CONTAINS(msg, part) << c.name;
  }
  const std::string tiny = dir.file("tiny.safetensors");
  write_bytes(tiny, {1, 2, 3});
  EXPECT_CONTAINS(checkpoint_error([&] { SafetensorsFile f(tiny); }), "shorter than the 8-byte header length");
  EXPECT_CONTAINS(checkpoint_error([&] { SafetensorsFile f(dir.file("absent.safetensors")); }), "cannot open");
}

TEST(Safetensors, RandomHeaderCorruptionOnlyEverRaisesCheckpointError) {
  TempDir dir;
  const std::vector<uint8_t> good = read_bytes(data_dir("bitnet-tiny-a") + "/model.safetensors");
  uint64_t header_len = 0;
  std::memcpy(&header_len, good.data(), 8);
  copy_model("bitnet-tiny-a", dir.str());
  const std::string path = dir.file("model.safetensors");
  uint64_t state = 0x2545F4914F6CDD1Dull;
  int rejected = 0;
  for (int i = 0; i < 400; ++i) {
    std::vector<uint8_t> bad = good;
    for (int k = 0; k < 1 + i % 3; ++k) {  // 1-3 bytes anywhere in the length field or header
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      const size_t at = static_cast<size_t>((state >> 33) % (8 + header_len));
      bad[at] = static_cast<uint8_t>(state >> 20);
    }
    write_bytes(path, bad);
    // Anything but a CheckpointError (or success, when the change is harmless) escapes and fails.
    try {
      load_bitnet_checkpoint(dir.str());
    } catch (const CheckpointError&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 350);  // nearly every corruption breaks the JSON, an offset, a name or a shape
}

// ---- the shared checkpoints ----------------------------------------------------------------

// The loaded weights re-packed must equal the file's bytes: this pins the unpacking orientation
// (row blocks, 2-bit lanes) to the real HF layout, not just to our own packer.
void expect_matches_file(const BitNetModel& m, const std::string& dir) {
  const SafetensorsFile f(dir + "/model.safetensors");
  for (int64_t i = 0; i < m.config.layers; ++i) {
    const BitNetLayer& L = m.layer(i);
    for (const ProjectionRef& p : layer_projections()) {
      const TernaryProjection& w = L.*(p.member);
      const std::string prefix = projection_prefix(i, p.name);
      const std::vector<uint8_t> packed = tasu::golden::pack_hf_ternary(w.weight.data(), w.out, w.in);
      ASSERT_EQ(packed.size(), f.info(prefix + ".weight").end - f.info(prefix + ".weight").begin);
      EXPECT_EQ(std::memcmp(packed.data(), f.data(prefix + ".weight"), packed.size()), 0) << prefix;
      EXPECT_EQ(w.weight_scale, f.to_float(prefix + ".weight_scale")[0]) << prefix;
    }
    EXPECT_EQ(L.input_layernorm, f.to_float(fmt::format("model.layers.{}.input_layernorm.weight", i)));
    EXPECT_EQ(L.ffn_sub_norm, f.to_float(fmt::format("model.layers.{}.mlp.ffn_sub_norm.weight", i)));
  }
  EXPECT_EQ(m.embed_tokens, f.to_float("model.embed_tokens.weight"));
  EXPECT_EQ(m.final_norm, f.to_float("model.norm.weight"));
}

TEST(CheckpointLoad, TinyABitLinearUntied) {
  const BitNetModel m = load_bitnet_checkpoint(data_dir("bitnet-tiny-a"));
  const BitNetConfig& c = m.config;
  EXPECT_EQ(c.hidden, 256);
  EXPECT_EQ(c.intermediate, 704);
  EXPECT_EQ(c.layers, 2);
  EXPECT_EQ(c.heads, 4);
  EXPECT_EQ(c.kv_heads, 2);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_EQ(c.vocab, 256);
  EXPECT_EQ(c.rms_norm_eps, 1e-5);
  EXPECT_EQ(c.rope_theta, 500000.0);
  EXPECT_EQ(c.linear_class, tasu::golden::WeightScaleConvention::BitLinear);
  EXPECT_FALSE(c.tie_word_embeddings);
  ASSERT_EQ(m.layers.size(), 2u);
  EXPECT_EQ(m.layer(0).k_proj.out, 128);
  EXPECT_EQ(m.layer(0).down_proj.in, 704);
  EXPECT_EQ(m.lm_head.size(), 256u * 256u);
  EXPECT_EQ(&m.lm_head_weight(), &m.lm_head);
  // bitlinear stores 1/mean|W|: well above 1 for these small latent weights.
  EXPECT_GT(m.layer(0).q_proj.weight_scale, 1.0f);
  expect_matches_file(m, data_dir("bitnet-tiny-a"));
  const SafetensorsFile f(data_dir("bitnet-tiny-a") + "/model.safetensors");
  EXPECT_EQ(m.lm_head, f.to_float("lm_head.weight"));
}

TEST(CheckpointLoad, TinyCAutoBitLinearTied) {
  const BitNetModel m = load_bitnet_checkpoint(data_dir("bitnet-tiny-c"));
  const BitNetConfig& c = m.config;
  EXPECT_EQ(c.hidden, 320);
  EXPECT_EQ(c.intermediate, 896);
  EXPECT_EQ(c.heads, 5);
  EXPECT_EQ(c.kv_heads, 1);
  EXPECT_EQ(c.vocab, 384);
  EXPECT_EQ(c.linear_class, tasu::golden::WeightScaleConvention::AutoBitLinear);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_TRUE(m.lm_head.empty());
  EXPECT_EQ(&m.lm_head_weight(), &m.embed_tokens);
  EXPECT_LT(m.layer(1).up_proj.weight_scale, 1.0f);  // autobitlinear stores mean|W|
  EXPECT_THROW(m.layer(2), std::out_of_range);
  expect_matches_file(m, data_dir("bitnet-tiny-c"));
}

TEST(CheckpointLoad, LayerRangeReadsOnlyThoseLayers) {
  const BitNetModel full = load_bitnet_checkpoint(data_dir("bitnet-tiny-a"));
  TempDir dir;
  // Layer 0 is corrupt: a range that excludes it must not even look at its weights.
  copy_model("bitnet-tiny-a", dir.str(), [](TensorMapT& t) {
    t["model.layers.0.self_attn.q_proj.weight"].bytes[0] = 0xFF;
  });
  LoadOptions o;
  o.first_layer = 1;
  o.end_layer = 2;
  o.embeddings_and_head = false;
  const BitNetModel part = load_bitnet_checkpoint(dir.str(), o);
  EXPECT_EQ(part.first_layer, 1);
  ASSERT_EQ(part.layers.size(), 1u);
  EXPECT_TRUE(part.has_layer(1));
  EXPECT_FALSE(part.has_layer(0));
  EXPECT_THROW(part.layer(0), std::out_of_range);
  expect_same_layer(part.layer(1), full.layer(1), "layer 1");
  EXPECT_FALSE(part.has_embeddings_and_head());
  EXPECT_TRUE(part.lm_head.empty() && part.final_norm.empty());
  EXPECT_THROW(load_bitnet_checkpoint(dir.str()), CheckpointError);  // the full load does see it

  LoadOptions bad;
  bad.first_layer = 1;
  bad.end_layer = 3;
  EXPECT_THROW(load_bitnet_checkpoint(data_dir("bitnet-tiny-a"), bad), std::invalid_argument);
  bad.first_layer = 1;
  bad.end_layer = 1;
  bad.embeddings_and_head = false;  // an empty range loads nothing at all
  EXPECT_THROW(load_bitnet_checkpoint(data_dir("bitnet-tiny-a"), bad), std::invalid_argument);

  // An empty range with the embeddings and head reads only those (a run's head, alone).
  LoadOptions head_only;
  head_only.first_layer = 2;
  head_only.end_layer = 2;
  const BitNetModel head = load_bitnet_checkpoint(data_dir("bitnet-tiny-a"), head_only);
  EXPECT_TRUE(head.layers.empty());
  EXPECT_TRUE(head.has_embeddings_and_head());
  const BitNetModel all = load_bitnet_checkpoint(data_dir("bitnet-tiny-a"));
  EXPECT_EQ(head.embed_tokens, all.embed_tokens);
  EXPECT_EQ(head.lm_head, all.lm_head);
}

TEST(CheckpointLoad, SaveThenLoadIsIdentity) {
  for (const char* model : {"bitnet-tiny-a", "bitnet-tiny-c"}) {
    const BitNetModel m = load_bitnet_checkpoint(data_dir(model));
    TempDir dir;
    save_bitnet_checkpoint(m, dir.str());
    const BitNetModel back = load_bitnet_checkpoint(dir.str());
    SCOPED_TRACE(model);
    expect_same_model(m, back);
    expect_same_config(parse_bitnet_config(bitnet_config_to_json(m.config), "roundtrip"), m.config);
  }
}

TEST(CheckpointLoad, SaveRefusesValuesBf16CannotHold) {
  BitNetModel m = load_bitnet_checkpoint(data_dir("bitnet-tiny-c"));
  m.layers[1].attn_sub_norm[3] = 1.0001f;
  TempDir dir;
  std::string msg = checkpoint_error([&] { save_bitnet_checkpoint(m, dir.str()); });
  EXPECT_CONTAINS(msg, "model.layers.1.self_attn.attn_sub_norm.weight[3]");
  m = load_bitnet_checkpoint(data_dir("bitnet-tiny-c"));
  m.layers.pop_back();
  EXPECT_CONTAINS(checkpoint_error([&] { save_bitnet_checkpoint(m, dir.str()); }), "must be complete");
}

// ---- loader errors -------------------------------------------------------------------------

TEST(CheckpointErrors, TruncatedFileNamesTheTensorCut) {
  TempDir dir;
  copy_model("bitnet-tiny-a", dir.str());
  const std::string path = dir.file("model.safetensors");
  std::vector<uint8_t> bytes = read_bytes(path);
  bytes.resize(bytes.size() - 100);
  write_bytes(path, bytes);
  const std::string msg = checkpoint_error([&] { load_bitnet_checkpoint(dir.str()); });
  EXPECT_CONTAINS(msg, path);
  EXPECT_CONTAINS(msg, "file truncated?");
  // write_safetensors lays tensors out in name order, so the cut one is the last name.
  EXPECT_CONTAINS(msg, "model.norm.weight");
}

TEST(CheckpointErrors, CorruptHeaderJsonAndLength) {
  TempDir dir;
  copy_model("bitnet-tiny-a", dir.str());
  const std::string path = dir.file("model.safetensors");
  const std::vector<uint8_t> good = read_bytes(path);

  {  // A NUL inside the header's padding would end the JSON early for nlohmann: refused.
    std::vector<uint8_t> nul = good;
    uint64_t n = 0;
    std::memcpy(&n, nul.data(), 8);
    nul[8 + n - 1] = 0;  // the header's last byte (the closing brace or padding)
    write_bytes(path, nul);
    const std::string m = checkpoint_error([&] { load_bitnet_checkpoint(dir.str()); });
    EXPECT_CONTAINS(m, path);
    EXPECT_CONTAINS(m, "NUL byte at offset");
  }

  std::vector<uint8_t> bad = good;
  *std::find(bad.begin() + 8, bad.end(), ':') = ',';  // {"key", {...}: no longer an object
  write_bytes(path, bad);
  std::string msg = checkpoint_error([&] { load_bitnet_checkpoint(dir.str()); });
  EXPECT_CONTAINS(msg, path);
  EXPECT_CONTAINS(msg, "not valid JSON");

  bad = good;
  const uint64_t past = good.size();
  std::memcpy(bad.data(), &past, 8);
  write_bytes(path, bad);
  msg = checkpoint_error([&] { load_bitnet_checkpoint(dir.str()); });
  EXPECT_CONTAINS(msg, path);
  EXPECT_CONTAINS(msg, "runs past the end");
}

TEST(CheckpointErrors, WrongDtypeWrongShapeMissingTensor) {
  TempDir dir;
  const std::string path = dir.file("model.safetensors");
  const auto load = [&] { load_bitnet_checkpoint(dir.str()); };

  copy_model("bitnet-tiny-a", dir.str(), [](TensorMapT& t) { t["model.layers.1.self_attn.q_proj.weight"].dtype = DType::I8; });
  std::string msg = checkpoint_error(load);
  EXPECT_CONTAINS(msg, path);
  EXPECT_CONTAINS(msg, "\"model.layers.1.self_attn.q_proj.weight\": dtype I8 where packed ternary U8");

  copy_model("bitnet-tiny-a", dir.str(), [](TensorMapT& t) { t["model.layers.0.post_attention_layernorm.weight"].dtype = DType::I16; });
  EXPECT_CONTAINS(checkpoint_error(load), "\"model.layers.0.post_attention_layernorm.weight\": dtype I16 where a float type");

  copy_model("bitnet-tiny-a", dir.str(), [](TensorMapT& t) { t["model.layers.0.mlp.up_proj.weight"].shape = {352, 128}; });
  msg = checkpoint_error(load);
  EXPECT_CONTAINS(msg, "\"model.layers.0.mlp.up_proj.weight\": shape [352, 128] but config.json implies [176, 256]");

  copy_model("bitnet-tiny-a", dir.str(), [](TensorMapT& t) { t.erase("model.layers.1.mlp.down_proj.weight_scale"); });
  msg = checkpoint_error(load);
  EXPECT_CONTAINS(msg, path);
  EXPECT_CONTAINS(msg, "\"model.layers.1.mlp.down_proj.weight_scale\": missing");

  copy_model("bitnet-tiny-a", dir.str(), [](TensorMapT& t) { t.erase("lm_head.weight"); });
  EXPECT_CONTAINS(checkpoint_error(load), "\"lm_head.weight\": missing");

  copy_model("bitnet-tiny-a", dir.str(), [](TensorMapT& t) {
    t["model.layers.0.self_attn.v_proj.weight_scale"] = make_tensor_bf16({0x0000}, {1});
  });
  EXPECT_CONTAINS(checkpoint_error(load), "\"model.layers.0.self_attn.v_proj.weight_scale\": weight_scale = 0 must be finite and > 0");

  copy_model("bitnet-tiny-a", dir.str(), [](TensorMapT& t) {
    t["model.layers.0.self_attn.v_proj.weight_scale"] = make_tensor_bf16({0x3F80, 0x3F80}, {2});
  });
  EXPECT_CONTAINS(checkpoint_error(load), "shape [2] but a per-tensor scale has shape [1]");
}

TEST(CheckpointErrors, NonFiniteWeightsNameTheTensor) {
  TempDir dir;
  for (const uint16_t bits : {uint16_t{0x7FC0}, uint16_t{0xFF80}}) {  // NaN, -inf
    copy_model("bitnet-tiny-a", dir.str(), [&](TensorMapT& t) {
      auto& b = t["model.layers.1.mlp.ffn_sub_norm.weight"].bytes;
      std::memcpy(b.data() + 2 * 9, &bits, 2);
    });
    const std::string msg = checkpoint_error([&] { load_bitnet_checkpoint(dir.str()); });
    EXPECT_CONTAINS(msg, dir.file("model.safetensors"));
    EXPECT_CONTAINS(msg, "\"model.layers.1.mlp.ffn_sub_norm.weight\": element 9 is");
    EXPECT_CONTAINS(msg, "weights must be finite");
  }
}

TEST(CheckpointErrors, LayerNumberTooLongStillFailsTheLayerCheck) {
  TempDir dir;
  copy_model("bitnet-tiny-a", dir.str(), [](TensorMapT& t) {
    t["model.layers.99999999999999999999999.input_layernorm.weight"] = t["model.norm.weight"];
  });
  EXPECT_CONTAINS(checkpoint_error([&] { load_bitnet_checkpoint(dir.str()); }),
                  "\"model.layers.99999999999999999999999.input_layernorm.weight\": belongs to layer");
}

TEST(CheckpointErrors, Code3InPackedWeight) {
  TempDir dir;
  copy_model("bitnet-tiny-a", dir.str(), [](TensorMapT& t) {
    t["model.layers.1.mlp.gate_proj.weight"].bytes[256 * 3 + 7] = 0b00110110;  // lane 2 holds code 3
  });
  const std::string msg = checkpoint_error([&] { load_bitnet_checkpoint(dir.str()); });
  EXPECT_CONTAINS(msg, dir.file("model.safetensors"));
  EXPECT_CONTAINS(msg, "\"model.layers.1.mlp.gate_proj.weight\"");
  EXPECT_CONTAINS(msg, "code 3 in packed byte [3][7]");
  EXPECT_CONTAINS(msg, "weight row 355, column 7");  // lane 2 * 176 rows + 3
}

TEST(CheckpointErrors, ConfigInconsistentWithTensors) {
  TempDir dir;
  const auto load = [&] { load_bitnet_checkpoint(dir.str()); };
  copy_model("bitnet-tiny-a", dir.str(), {}, [](json& c) { c["hidden_size"] = 320; });
  EXPECT_CONTAINS(checkpoint_error(load), "\"model.layers.0.input_layernorm.weight\": shape [256] but config.json implies [320]");

  copy_model("bitnet-tiny-a", dir.str(), {}, [](json& c) { c["num_hidden_layers"] = 1; });
  std::string msg = checkpoint_error(load);
  EXPECT_CONTAINS(msg, dir.file("model.safetensors"));
  EXPECT_CONTAINS(msg, "belongs to layer 1 but config.json has num_hidden_layers = 1");

  copy_model("bitnet-tiny-a", dir.str(), {}, [](json& c) { c["num_hidden_layers"] = 3; });
  EXPECT_CONTAINS(checkpoint_error(load), "\"model.layers.2.input_layernorm.weight\": missing");

  copy_model("bitnet-tiny-a", dir.str(), {}, [](json& c) { c["vocab_size"] = 300; });
  EXPECT_CONTAINS(checkpoint_error(load), "\"model.embed_tokens.weight\": shape [256, 256] but config.json implies [300, 256]");

  copy_model("bitnet-tiny-c", dir.str(), {}, [](json& c) { c["num_key_value_heads"] = 5; });
  EXPECT_CONTAINS(checkpoint_error(load), "\"model.layers.0.self_attn.k_proj.weight\": shape [16, 320] but config.json implies [80, 320]");
}

TEST(CheckpointErrors, BadConfigs) {
  struct Case {
    const char* name;
    std::function<void(json&)> mutate;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"hidden_act", [](json& c) { c["hidden_act"] = "silu"; }, "hidden_act \"silu\" is not supported"},
      {"missing hidden", [](json& c) { c.erase("hidden_size"); }, "missing required field \"hidden_size\""},
      {"zero layers", [](json& c) { c["num_hidden_layers"] = 0; }, "\"num_hidden_layers\" must be an integer in 1 .. 16777216"},
      {"string heads", [](json& c) { c["num_attention_heads"] = "4"; }, "\"num_attention_heads\" must be an integer in 1 .. 16777216"},
      {"kv heads", [](json& c) { c["num_key_value_heads"] = 3; }, "is not a multiple of num_key_value_heads 3"},
      {"odd head_dim", [](json& c) { c["head_dim"] = 63; }, "head_dim 63 is odd"},
      {"linear_class", [](json& c) { c["quantization_config"]["linear_class"] = "foo"; }, "linear_class"},
      {"no quant", [](json& c) { c.erase("quantization_config"); }, "missing \"quantization_config\""},
      {"quant method", [](json& c) { c["quantization_config"]["quant_method"] = "gptq"; }, "quant_method \"gptq\""},
      {"online", [](json& c) { c["quantization_config"]["quantization_mode"] = "online"; }, "quantization_mode \"online\""},
      {"rope scaling", [](json& c) { c["rope_scaling"] = {{"rope_type", "llama3"}}; }, "rope_scaling.rope_type = \"llama3\""},
      {"rope theta", [](json& c) { c["rope_theta"] = 10000.0; }, "disagrees with rope_parameters.rope_theta"},
      {"bias", [](json& c) { c["attention_bias"] = true; }, "attention_bias = true"},
      {"model type", [](json& c) { c["model_type"] = "llama"; }, "model_type \"llama\""},
      {"eps", [](json& c) { c["rms_norm_eps"] = -1.0; }, "\"rms_norm_eps\" must be a positive number"},
      {"tie", [](json& c) { c["tie_word_embeddings"] = "yes"; }, "\"tie_word_embeddings\" must be a boolean"},
      // heads * head_dim would overflow int64 (UBSan found it): every dimension is bounded first.
      {"huge head_dim", [](json& c) { c["head_dim"] = int64_t{1} << 62; }, "\"head_dim\" must be an integer in 1 .. 16777216"},
      {"huge heads", [](json& c) { c["num_attention_heads"] = int64_t{1} << 62; }, "\"num_attention_heads\" must be an integer in 1 .. 16777216"},
  };
  TempDir dir;
  for (const Case& c : cases) {
    copy_model("bitnet-tiny-a", dir.str(), {}, c.mutate);
    const std::string msg = checkpoint_error([&] { load_bitnet_checkpoint(dir.str()); });
    EXPECT_CONTAINS(msg, dir.file("config.json")) << c.name;
    EXPECT_CONTAINS(msg, c.expected) << c.name;
  }
  // nlohmann stops at a NUL: the bytes after it must not pass unseen.
  copy_model("bitnet-tiny-a", dir.str());
  std::string text = read_text(dir.file("config.json"));
  write_text(dir.file("config.json"), text + std::string(1, '\0') + "{\"hidden_size\": 1}");
  EXPECT_CONTAINS(checkpoint_error([&] { load_bitnet_checkpoint(dir.str()); }), "config.json: NUL byte at offset");
  write_text(dir.file("config.json"), "{ \"hidden_size\": 256, ");
  EXPECT_CONTAINS(checkpoint_error([&] { load_bitnet_checkpoint(dir.str()); }), "not valid JSON");
  fs::remove(dir.file("config.json"));
  EXPECT_CONTAINS(checkpoint_error([&] { load_bitnet_checkpoint(dir.str()); }), "config.json: cannot open");
}

TEST(CheckpointErrors, ConfigDefaultsFollowTransformers) {
  const BitNetConfig c = parse_bitnet_config(
      R"({"hidden_size": 256, "intermediate_size": 512, "num_hidden_layers": 1, "num_attention_heads": 8,
          "vocab_size": 100, "quantization_config": {"quant_method": "bitnet"}})",
      "inline");
  EXPECT_EQ(c.kv_heads, 8);
  EXPECT_EQ(c.head_dim, 32);
  EXPECT_EQ(c.rms_norm_eps, 1e-5);
  EXPECT_EQ(c.rope_theta, 500000.0);
  EXPECT_EQ(c.linear_class, tasu::golden::WeightScaleConvention::BitLinear);
  EXPECT_FALSE(c.tie_word_embeddings);
}

TEST(CheckpointErrors, NoWeightsAtAll) {
  TempDir dir;
  copy_model("bitnet-tiny-a", dir.str());
  fs::remove(dir.file("model.safetensors"));
  EXPECT_CONTAINS(checkpoint_error([&] { load_bitnet_checkpoint(dir.str()); }),
                  "neither model.safetensors nor model.safetensors.index.json");
}

// ---- shards --------------------------------------------------------------------------------

// Splits tiny-a into two shards (layer 0 + embeddings, then the rest) plus an index; returns
// the index JSON so a test can corrupt it.
json write_sharded(const std::string& dir, bool write_second_shard = true) {
  json cfg = read_json(data_dir("bitnet-tiny-a") + "/config.json");
  write_text(dir + "/config.json", cfg.dump(2));
  const SafetensorsFile src(data_dir("bitnet-tiny-a") + "/model.safetensors");
  TensorMapT all = tensors_of(src), first, second;
  json index;
  index["metadata"] = {{"total_size", 0}};
  for (auto& [name, t] : all) {
    const bool in_first = name.rfind("model.layers.0.", 0) == 0 || name == "model.embed_tokens.weight";
    (in_first ? first : second)[name] = t;
    index["weight_map"][name] = in_first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
  }
  write_safetensors(dir + "/model-00001-of-00002.safetensors", first, {{"format", "pt"}});
  if (write_second_shard) write_safetensors(dir + "/model-00002-of-00002.safetensors", second, {{"format", "pt"}});
  write_text(dir + "/model.safetensors.index.json", index.dump(2));
  return index;
}

TEST(CheckpointShards, ShardedLoadEqualsSingleFile) {
  TempDir dir;
  write_sharded(dir.str());
  const BitNetModel sharded = load_bitnet_checkpoint(dir.str());
  const BitNetModel single = load_bitnet_checkpoint(data_dir("bitnet-tiny-a"));
  expect_same_model(single, sharded);
  ASSERT_FALSE(sharded.layers.empty());
}

TEST(CheckpointShards, MissingShardIsNamed) {
  TempDir dir;
  write_sharded(dir.str(), /*write_second_shard=*/false);
  const std::string msg = checkpoint_error([&] { load_bitnet_checkpoint(dir.str()); });
  EXPECT_CONTAINS(msg, dir.file("model.safetensors.index.json"));
  EXPECT_CONTAINS(msg, "model-00002-of-00002.safetensors\", which does not exist");
  // The first tensor read from shard 2 is layer 1's first norm.
  EXPECT_CONTAINS(msg, "\"model.layers.1.input_layernorm.weight\"");
}

TEST(CheckpointShards, IndexErrors) {
  TempDir dir;
  json index = write_sharded(dir.str());
  const std::string index_path = dir.file("model.safetensors.index.json");
  const auto load = [&] { load_bitnet_checkpoint(dir.str()); };

  json wrong = index;
  wrong["weight_map"]["model.layers.1.mlp.up_proj.weight"] = "model-00001-of-00002.safetensors";
  write_text(index_path, wrong.dump());
  std::string msg = checkpoint_error(load);
  EXPECT_CONTAINS(msg, dir.file("model-00001-of-00002.safetensors"));
  EXPECT_CONTAINS(msg, "\"model.layers.1.mlp.up_proj.weight\": missing, although");

  json escape = index;
  escape["weight_map"]["model.norm.weight"] = "../model.safetensors";
  write_text(index_path, escape.dump());
  EXPECT_CONTAINS(checkpoint_error(load), "invalid shard file name \"../model.safetensors\"");

  json unlisted = index;
  unlisted["weight_map"].erase("model.layers.0.mlp.ffn_sub_norm.weight");
  write_text(index_path, unlisted.dump());
  msg = checkpoint_error(load);
  EXPECT_CONTAINS(msg, index_path);
  EXPECT_CONTAINS(msg, "\"model.layers.0.mlp.ffn_sub_norm.weight\": missing from weight_map");

  json extra_layer = index;
  extra_layer["weight_map"]["model.layers.7.mlp.up_proj.weight"] = "model-00001-of-00002.safetensors";
  write_text(index_path, extra_layer.dump());
  EXPECT_CONTAINS(checkpoint_error(load), "belongs to layer 7 but config.json has num_hidden_layers = 2");

  write_text(index_path, "{\"weight_map\": 3}");
  EXPECT_CONTAINS(checkpoint_error(load), "missing \"weight_map\" object");
  write_text(index_path, "not json");
  EXPECT_CONTAINS(checkpoint_error(load), "not valid JSON");
}

// ---- synthetic 2B4T ------------------------------------------------------------------------

struct TernaryStats {
  double zero = 0, plus = 0, minus = 0;
};

TernaryStats stats(const std::vector<int8_t>& w) {
  TernaryStats s;
  for (int8_t v : w) (v == 0 ? s.zero : v > 0 ? s.plus : s.minus) += 1;
  const double n = static_cast<double>(w.size());
  s.zero /= n;
  s.plus /= n;
  s.minus /= n;
  return s;
}

bool bf16_exact(float f) { return tasu::golden::bf16_to_float(tasu::golden::float_to_bf16_rne(f)) == f; }

TEST(Synthetic2B4T, RealDimensionsAndBitNetTernaryStatistics) {
  const BitNetModel m = make_synthetic_2b4t(1, 42);
  const BitNetConfig& c = m.config;
  EXPECT_EQ(c.hidden, 2560);
  EXPECT_EQ(c.intermediate, 6912);
  EXPECT_EQ(c.layers, 1);
  EXPECT_EQ(c.heads, 20);
  EXPECT_EQ(c.kv_heads, 5);
  EXPECT_EQ(c.head_dim, 128);
  EXPECT_EQ(c.vocab, kSyntheticVocab);
  EXPECT_EQ(c.rms_norm_eps, 1e-5);
  EXPECT_EQ(c.rope_theta, 500000.0);
  EXPECT_EQ(c.linear_class, tasu::golden::WeightScaleConvention::AutoBitLinear);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_TRUE(m.lm_head.empty());
  EXPECT_EQ(m.embed_tokens.size(), static_cast<size_t>(kSyntheticVocab * 2560));

  const std::map<std::string, std::pair<int64_t, int64_t>> dims = {
      {"self_attn.q_proj", {2560, 2560}}, {"self_attn.k_proj", {640, 2560}}, {"self_attn.v_proj", {640, 2560}},
      {"self_attn.o_proj", {2560, 2560}}, {"mlp.gate_proj", {6912, 2560}},   {"mlp.up_proj", {6912, 2560}},
      {"mlp.down_proj", {2560, 6912}}};
  for (const ProjectionRef& p : layer_projections()) {
    const TernaryProjection& w = m.layer(0).*(p.member);
    const std::string name(p.name);
    SCOPED_TRACE(name);
    EXPECT_EQ(w.out, dims.at(name).first);
    EXPECT_EQ(w.in, dims.at(name).second);
    ASSERT_EQ(w.weight.size(), static_cast<size_t>(w.out * w.in));
    // Absmean ternarization of a Gaussian: w = 0 iff |z| < E|z| / 2 = 0.3989, P = 0.3101.
    const TernaryStats s = stats(w.weight);
    EXPECT_NEAR(s.zero, 0.3101, 0.005);
    EXPECT_NEAR(s.plus, s.minus, 0.005);
    EXPECT_NEAR(s.zero + s.plus + s.minus, 1.0, 1e-12);  // nothing outside {-1, 0, +1}
    // weight_scale = bf16(mean|W|) with W ~ N(0, 1/in): sqrt(2/pi) / sqrt(in).
    EXPECT_NEAR(w.weight_scale, std::sqrt(2.0 / 3.14159265358979323846) / std::sqrt(static_cast<double>(w.in)),
                0.01 * w.weight_scale);
    EXPECT_TRUE(bf16_exact(w.weight_scale));
  }
  for (const std::vector<float>* norm : {&m.layer(0).input_layernorm, &m.layer(0).ffn_sub_norm, &m.final_norm}) {
    double sum = 0, sq = 0;
    for (float v : *norm) {
      ASSERT_TRUE(bf16_exact(v));
      sum += v;
      sq += (v - 1.0) * (v - 1.0);
    }
    EXPECT_NEAR(sum / static_cast<double>(norm->size()), 1.0, 0.01);
    EXPECT_NEAR(std::sqrt(sq / static_cast<double>(norm->size())), 0.05, 0.01);
  }
  double sum = 0, sq = 0;
  for (float v : m.embed_tokens) {
    sum += v;
    sq += static_cast<double>(v) * v;
  }
  const double n = static_cast<double>(m.embed_tokens.size());
  EXPECT_NEAR(sum / n, 0.0, 1e-3);
  EXPECT_NEAR(std::sqrt(sq / n), 1.0, 1e-3);
  EXPECT_TRUE(bf16_exact(m.embed_tokens[12345]));
  EXPECT_THROW(make_synthetic_2b4t(0, 1), std::invalid_argument);
  EXPECT_THROW(make_synthetic_2b4t(31, 1), std::invalid_argument);
}

// A run draws only its tokens' embedding rows: they must be the table's rows.
TEST(Synthetic2B4T, EmbeddingRowsAreTheTablesRows) {
  const std::vector<float> table = synthetic_2b4t_embeddings(5);
  const std::vector<int64_t> ids = {0, 7, 16000, kSyntheticVocab - 1, 7};
  const std::vector<float> rows = synthetic_2b4t_embedding_rows(5, ids);
  ASSERT_EQ(rows.size(), ids.size() * 2560);
  for (size_t t = 0; t < ids.size(); ++t)
    for (size_t i = 0; i < 2560; ++i)
      ASSERT_EQ(rows[t * 2560 + i], table[static_cast<size_t>(ids[t]) * 2560 + i]) << "id " << ids[t] << " feature " << i;
  EXPECT_THROW(synthetic_2b4t_embedding_rows(5, {kSyntheticVocab}), std::invalid_argument);
  EXPECT_THROW(synthetic_2b4t_embedding_rows(5, {-1}), std::invalid_argument);
}

// Layers are made one at a time by the runs: the same as in a whole model.
TEST(Synthetic2B4T, LayerAloneEqualsLayerOfTheModel) {
  const BitNetModel two = make_synthetic_2b4t(2, 9, false);
  EXPECT_FALSE(two.has_embeddings_and_head());
  expect_same_layer(make_synthetic_2b4t_layer(1, 9), two.layer(1), "layer 1");
  EXPECT_THROW(make_synthetic_2b4t_layer(30, 9), std::invalid_argument);
  EXPECT_THROW(make_synthetic_2b4t_layer(-1, 9), std::invalid_argument);
}

TEST(Synthetic2B4T, DeterministicPerSeedAndIndependentOfLayerCount) {
  const BitNetModel one = make_synthetic_2b4t(1, 7);
  const BitNetModel two = make_synthetic_2b4t(2, 7);
  ASSERT_EQ(two.layers.size(), 2u);
  expect_same_layer(one.layer(0), two.layer(0), "layer 0");
  EXPECT_EQ(one.embed_tokens, two.embed_tokens);
  EXPECT_EQ(one.final_norm, two.final_norm);
  EXPECT_NE(two.layer(0).q_proj.weight, two.layer(1).q_proj.weight);
  const BitNetModel other = make_synthetic_2b4t(1, 8);
  EXPECT_NE(other.layer(0).gate_proj.weight, one.layer(0).gate_proj.weight);
  EXPECT_NE(other.embed_tokens, one.embed_tokens);
}

}  // namespace
