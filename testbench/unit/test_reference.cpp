// Unit tests of tasu_reference: the decoder against transformers' own float64/float32 outputs on
// the shared tiny checkpoints, KV cache, layer ranges, error metrics and reference-file I/O.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "checkpoint/bitnet_checkpoint.h"
#include "checkpoint/synthetic_2b4t.h"
#include "reference/float_reference.h"

namespace {

namespace fs = std::filesystem;
using namespace tasu;
using reference::Matrix;
using reference::Numerics;
using reference::ReferenceOptions;
using reference::TensorMap;

std::string data_dir(const std::string& model) { return std::string(TASU_TEST_DATA_DIR) + "/" + model; }

// HF's float64 run still drops to float32 in places (see Numerics::HuggingFace); 1e-6 leaves
// ~8x margin over the ~1.2e-7 those float32 roundings cause, while any real semantic slip
// (wrong eps, RoPE layout, GQA mapping, scale convention) is orders of magnitude larger.
constexpr double kFp64Tolerance = 1e-6;

ReferenceOptions options_for(const reference::ReferenceFile& ref, Numerics num = Numerics::HuggingFace) {
  ReferenceOptions o;
  o.prefill_tokens = ref.prefill_tokens;
  o.decode_steps = ref.decode_steps;
  o.numerics = num;
  return o;
}

// Rows whose values agree to 1e-13 relative: bit-identical up to the order of double sums.
int64_t matching_rows(const TensorMap& expected, const TensorMap& actual, int64_t* total) {
  int64_t same = 0;
  *total = 0;
  for (const auto& [key, e] : expected) {
    const Matrix& a = actual.at(key);
    for (int64_t r = 0; r < e.rows; ++r) {
      double num = 0, den = 0;
      for (int64_t c = 0; c < e.cols; ++c) {
        const double d = a.at(r, c) - e.at(r, c);
        num += d * d;
        den += e.at(r, c) * e.at(r, c);
      }
      ++*total;
      if (std::sqrt(num) <= 1e-13 * std::sqrt(den)) ++same;
    }
  }
  return same;
}

void check_against_hf(const std::string& model, const std::string& file, Numerics num, double tolerance) {
  const ckpt::BitNetModel m = ckpt::load_bitnet_checkpoint(data_dir(model));
  const reference::ReferenceFile ref = reference::load_reference_file(data_dir(model) + "/" + file);
  ASSERT_GT(ref.prefill_tokens, 0);
  ASSERT_GT(ref.decode_steps, 0);
  const TensorMap out = reference::run_float_reference(m, ref.input_ids, options_for(ref, num));
  const reference::Comparison c = reference::compare_outputs(ref.tensors, out);
  EXPECT_TRUE(c.only_in_expected.empty()) << "not produced: " << fmt::format("{}", fmt::join(c.only_in_expected, ", "));
  EXPECT_TRUE(c.only_in_actual.empty()) << "not in the file: " << fmt::format("{}", fmt::join(c.only_in_actual, ", "));
  // prefill + D decode steps, each with embeddings, 3 keys per layer, final_norm and logits.
  EXPECT_EQ(c.keys.size(), static_cast<size_t>((1 + ref.decode_steps) * (3 + 3 * m.config.layers)));
  for (const reference::KeyComparison& k : c.keys) {
    EXPECT_LT(k.rel_l2, tolerance) << k.key << " max abs diff " << k.max_abs_diff;
  }
  EXPECT_EQ(c.logits_rows, ref.prefill_tokens + ref.decode_steps);
  EXPECT_EQ(c.top1_agree, c.logits_rows);
  std::cout << fmt::format("[ reference ] {} vs {} ({}): worst relative L2 {:.3e} at {}, top-1 {}/{}\n", model, file,
                           num == Numerics::HuggingFace ? "HF numerics" : "float64 numerics", c.worst.rel_l2,
                           c.worst.key, c.top1_agree, c.logits_rows);
  ::testing::Test::RecordProperty("worst_rel_l2", fmt::format("{:.3e}", c.worst.rel_l2));
  if (num == Numerics::HuggingFace && file == "reference-fp64.safetensors") {
    // Beyond the tolerance: with HF's float32 steps reproduced, most rows are the same numbers
    // HF computed; a structural error would leave none.
    int64_t total = 0;
    const int64_t same = matching_rows(ref.tensors, out, &total);
    std::cout << fmt::format("[ reference ] {}: {}/{} rows identical to transformers' to 1e-13\n", model, same, total);
    EXPECT_GE(3 * same, total) << "fewer than a third of the rows reproduce HF's float64 run exactly";
  }
}

TEST(FloatReference, TinyAMatchesTransformersFloat64) {
  check_against_hf("bitnet-tiny-a", "reference-fp64.safetensors", Numerics::HuggingFace, kFp64Tolerance);
}

TEST(FloatReference, TinyCMatchesTransformersFloat64) {
  check_against_hf("bitnet-tiny-c", "reference-fp64.safetensors", Numerics::HuggingFace, kFp64Tolerance);
}

TEST(FloatReference, PureFloat64NumericsAlsoWithinTolerance) {
  check_against_hf("bitnet-tiny-a", "reference-fp64.safetensors", Numerics::Float64, kFp64Tolerance);
  check_against_hf("bitnet-tiny-c", "reference-fp64.safetensors", Numerics::Float64, kFp64Tolerance);
}

TEST(FloatReference, CloseToTransformersFloat32Run) {
  // The float32 run itself differs from the float64 run by up to ~5e-7 on these models.
  check_against_hf("bitnet-tiny-a", "reference.safetensors", Numerics::HuggingFace, 5e-6);
  check_against_hf("bitnet-tiny-c", "reference.safetensors", Numerics::HuggingFace, 5e-6);
}

TEST(FloatReference, LayerRangeFromTheReferenceHiddenState) {
  for (const char* model : {"bitnet-tiny-a", "bitnet-tiny-c"}) {
    SCOPED_TRACE(model);
    const ckpt::BitNetModel m = ckpt::load_bitnet_checkpoint(data_dir(model));
    const reference::ReferenceFile ref = reference::load_reference_file(data_dir(model) + "/reference-fp64.safetensors");

    ReferenceOptions o = options_for(ref);
    o.layer_begin = 1;
    o.input_hidden = reference::hidden_entering_layer(ref, 1);
    const TensorMap last = reference::run_float_reference(m, {}, o);
    EXPECT_FALSE(last.count("prefill.embeddings"));
    EXPECT_FALSE(last.count("prefill.layer.0.out"));
    ASSERT_TRUE(last.count("decode.0.logits"));
    const reference::Comparison c = reference::compare_outputs(ref.tensors, last);
    EXPECT_TRUE(c.only_in_actual.empty());
    EXPECT_EQ(c.keys.size(), static_cast<size_t>((1 + ref.decode_steps) * 5));  // 3 layer keys, final_norm, logits
    EXPECT_LT(c.worst.rel_l2, kFp64Tolerance) << c.worst.key;
    EXPECT_EQ(c.top1_agree, c.logits_rows);

    // [0, 1) from the embeddings: no final norm or logits, and layer 0 exactly as in a full run.
    ReferenceOptions first = options_for(ref);
    first.layer_end = 1;
    const TensorMap head = reference::run_float_reference(m, ref.input_ids, first);
    const TensorMap full = reference::run_float_reference(m, ref.input_ids, options_for(ref));
    EXPECT_FALSE(head.count("prefill.logits"));
    EXPECT_FALSE(head.count("prefill.layer.1.out"));
    EXPECT_EQ(head.size(), static_cast<size_t>((1 + ref.decode_steps) * 4));
    for (const auto& [key, mat] : head) EXPECT_EQ(mat.data, full.at(key).data) << key;
  }
}

TEST(FloatReference, LayerRangeOfAPartiallyLoadedModel) {
  ckpt::LoadOptions lo;
  lo.first_layer = 1;
  lo.embeddings_and_head = false;
  const ckpt::BitNetModel part = ckpt::load_bitnet_checkpoint(data_dir("bitnet-tiny-c"), lo);
  const reference::ReferenceFile ref = reference::load_reference_file(data_dir("bitnet-tiny-c") + "/reference-fp64.safetensors");
  ReferenceOptions o = options_for(ref);
  o.layer_begin = 1;
  o.input_hidden = reference::hidden_entering_layer(ref, 1);
  const TensorMap out = reference::run_float_reference(part, {}, o);
  EXPECT_FALSE(out.count("prefill.logits"));  // no head loaded
  EXPECT_EQ(out.size(), static_cast<size_t>((1 + ref.decode_steps) * 3));
  EXPECT_LT(reference::compare_outputs(ref.tensors, out).worst.rel_l2, kFp64Tolerance);
  o.layer_begin = 0;
  o.input_hidden = reference::hidden_entering_layer(ref, 0);
  EXPECT_THROW(reference::run_float_reference(part, {}, o), std::invalid_argument);  // layer 0 not loaded
}

// Decoding token by token on the KV cache must give the very numbers a longer prefill gives
// for the same positions: the cache holds post-RoPE keys, positions continue, GQA is the same.
void expect_decode_equals_prefill(const ckpt::BitNetModel& m, const std::vector<int64_t>& ids, int64_t P, int64_t D) {
  ReferenceOptions cached;
  cached.prefill_tokens = P;
  cached.decode_steps = D;
  ReferenceOptions whole;
  whole.prefill_tokens = P + D;
  const TensorMap a = reference::run_float_reference(m, ids, cached);
  const TensorMap b = reference::run_float_reference(m, ids, whole);
  for (const auto& [key, mat] : b) {
    const std::string suffix = key.substr(std::string("prefill.").size());
    const Matrix& pre = a.at("prefill." + suffix);
    for (int64_t r = 0; r < P; ++r) {
      for (int64_t c = 0; c < mat.cols; ++c) ASSERT_EQ(pre.at(r, c), mat.at(r, c)) << key << " row " << r;
    }
    for (int64_t t = 0; t < D; ++t) {
      const Matrix& dec = a.at(fmt::format("decode.{}.{}", t, suffix));
      ASSERT_EQ(dec.rows, 1);
      for (int64_t c = 0; c < mat.cols; ++c) ASSERT_EQ(dec.at(0, c), mat.at(P + t, c)) << key << " decode " << t;
    }
  }
}

TEST(FloatReference, KvCacheDecodeEqualsLongerPrefill) {
  const ckpt::BitNetModel m = ckpt::load_bitnet_checkpoint(data_dir("bitnet-tiny-c"));
  const reference::ReferenceFile ref = reference::load_reference_file(data_dir("bitnet-tiny-c") + "/reference-fp64.safetensors");
  expect_decode_equals_prefill(m, ref.input_ids, 5, 7);
}

TEST(FloatReference, SyntheticFullSizeLayer) {
  const ckpt::BitNetModel m = ckpt::make_synthetic_2b4t(1, 3);
  const std::vector<int64_t> ids = {1, 31999, 17, 4242, 9};
  ReferenceOptions o;
  o.prefill_tokens = 4;
  o.decode_steps = 1;
  const TensorMap out = reference::run_float_reference(m, ids, o);
  EXPECT_EQ(out.size(), 12u);
  EXPECT_EQ(out.at("prefill.layer.0.out").rows, 4);
  EXPECT_EQ(out.at("decode.0.logits").cols, ckpt::kSyntheticVocab);
  for (const auto& [key, mat] : out) {
    double sq = 0;
    for (double v : mat.data) {
      ASSERT_TRUE(std::isfinite(v)) << key;
      sq += v * v;
    }
    const double rms = std::sqrt(sq / static_cast<double>(mat.data.size()));
    // Every block output is O(1): a scale-convention or norm slip shows up as 1e-3 or 1e+3.
    if (key.find("logits") == std::string::npos) {
      EXPECT_GT(rms, 0.3) << key;
      EXPECT_LT(rms, 3.0) << key;
    }
  }
  expect_decode_equals_prefill(m, ids, 3, 2);
}

TEST(FloatReference, RejectsInconsistentRequests) {
  const ckpt::BitNetModel m = ckpt::load_bitnet_checkpoint(data_dir("bitnet-tiny-a"));
  const std::vector<int64_t> ids = {1, 2, 3, 4};
  ReferenceOptions o;
  o.prefill_tokens = 3;
  o.decode_steps = 1;
  EXPECT_NO_THROW(reference::run_float_reference(m, ids, o));
  o.decode_steps = 2;
  EXPECT_THROW(reference::run_float_reference(m, ids, o), std::invalid_argument);  // 4 ids for 5 tokens
  o.decode_steps = 1;
  EXPECT_THROW(reference::run_float_reference(m, {1, 2, 256, 4}, o), std::invalid_argument);  // id >= vocab
  EXPECT_THROW(reference::run_float_reference(m, {1, -1, 2, 4}, o), std::invalid_argument);
  ReferenceOptions none = o;
  none.prefill_tokens = 0;
  EXPECT_THROW(reference::run_float_reference(m, ids, none), std::invalid_argument);
  ReferenceOptions skip = o;
  skip.layer_begin = 1;
  EXPECT_THROW(reference::run_float_reference(m, ids, skip), std::invalid_argument);  // no input_hidden
  skip.input_hidden = Matrix(4, 255);
  EXPECT_THROW(reference::run_float_reference(m, ids, skip), std::invalid_argument);  // wrong width
  skip.input_hidden = Matrix(4, 256);
  EXPECT_NO_THROW(reference::run_float_reference(m, {}, skip));
  ReferenceOptions range = o;
  range.layer_end = 3;
  EXPECT_THROW(reference::run_float_reference(m, ids, range), std::invalid_argument);
}

// ---- metrics -------------------------------------------------------------------------------

Matrix mat(int64_t r, int64_t c, std::vector<double> v) {
  Matrix m(r, c);
  m.data = std::move(v);
  return m;
}

TEST(ReferenceMetrics, RelativeL2AndTop1) {
  TensorMap e, a;
  e["prefill.layer.0.out"] = mat(1, 2, {3, 4});
  a["prefill.layer.0.out"] = mat(1, 2, {3, 4.5});  // ||d|| = 0.5, ||e|| = 5
  e["prefill.logits"] = mat(2, 3, {0, 5, 1, 2, 1, 0});
  a["prefill.logits"] = mat(2, 3, {0, 5, 1, 0, 1, 2});  // row 0 agrees on token 1, row 1 does not
  e["decode.0.logits"] = mat(1, 3, {1, 1, 0});
  a["decode.0.logits"] = mat(1, 3, {1, 1, 0});  // a tie: first maximum on both sides
  e["only.expected"] = mat(1, 1, {1});
  a["only.actual"] = mat(1, 1, {1});
  const reference::Comparison c = reference::compare_outputs(e, a);
  ASSERT_EQ(c.keys.size(), 3u);
  EXPECT_EQ(c.keys[1].key, "prefill.layer.0.out");
  EXPECT_DOUBLE_EQ(c.keys[1].rel_l2, 0.1);
  EXPECT_DOUBLE_EQ(c.keys[1].max_abs_diff, 0.5);
  EXPECT_EQ(c.worst.key, "prefill.logits");
  EXPECT_DOUBLE_EQ(c.worst.rel_l2, std::sqrt(8.0 / 31.0));
  EXPECT_EQ(c.logits_rows, 3);
  EXPECT_EQ(c.top1_agree, 2);
  EXPECT_EQ(c.only_in_expected, std::vector<std::string>{"only.expected"});
  EXPECT_EQ(c.only_in_actual, std::vector<std::string>{"only.actual"});

  EXPECT_EQ(reference::relative_l2(mat(1, 2, {0, 0}), mat(1, 2, {0, 0})), 0.0);
  EXPECT_EQ(reference::relative_l2(mat(1, 2, {0, 0}), mat(1, 2, {0, 1})), std::numeric_limits<double>::infinity());
  EXPECT_THROW(reference::relative_l2(mat(1, 2, {0, 0}), mat(2, 1, {0, 0})), std::invalid_argument);
  TensorMap bad = a;
  bad["prefill.layer.0.out"] = mat(2, 1, {3, 4});
  EXPECT_THROW(reference::compare_outputs(e, bad), std::invalid_argument);
}

// ---- reference files -----------------------------------------------------------------------

class TempFile {
 public:
  TempFile() {
    static int counter = 0;
    path_ = (fs::temp_directory_path() / fmt::format("tasu_ref_test_{}_{}.safetensors", ::getpid(), counter++)).string();
  }
  ~TempFile() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ReferenceFiles, WriteLoadRoundTripAndHiddenEnteringLayer) {
  const reference::ReferenceFile ref = reference::load_reference_file(data_dir("bitnet-tiny-a") + "/reference-fp64.safetensors");
  EXPECT_EQ(ref.prefill_tokens, 16);
  EXPECT_EQ(ref.decode_steps, 4);
  EXPECT_EQ(ref.input_ids.size(), 20u);

  TempFile f64, f32;
  reference::write_reference_file(f64.path(), ref.input_ids, ref.tensors, ckpt::DType::F64, {{"what", "test"}});
  const reference::ReferenceFile back = reference::load_reference_file(f64.path());
  EXPECT_EQ(back.input_ids, ref.input_ids);
  EXPECT_EQ(back.prefill_tokens, 16);
  EXPECT_EQ(back.decode_steps, 4);
  EXPECT_EQ(back.metadata.at("what"), "test");
  ASSERT_EQ(back.tensors.size(), ref.tensors.size());
  for (const auto& [key, m] : ref.tensors) EXPECT_EQ(back.tensors.at(key).data, m.data) << key;

  reference::write_reference_file(f32.path(), ref.input_ids, ref.tensors, ckpt::DType::F32);
  const reference::ReferenceFile narrow = reference::load_reference_file(f32.path());
  const Matrix& l = narrow.tensors.at("prefill.logits");
  EXPECT_EQ(l.at(3, 7), static_cast<double>(static_cast<float>(ref.tensors.at("prefill.logits").at(3, 7))));
  EXPECT_THROW(reference::write_reference_file(f32.path(), ref.input_ids, ref.tensors, ckpt::DType::BF16), ckpt::CheckpointError);

  const Matrix h1 = reference::hidden_entering_layer(ref, 1);
  ASSERT_EQ(h1.rows, 20);
  EXPECT_EQ(h1.at(15, 9), ref.tensors.at("prefill.layer.0.out").at(15, 9));
  EXPECT_EQ(h1.at(18, 9), ref.tensors.at("decode.2.layer.0.out").at(0, 9));
  EXPECT_EQ(reference::hidden_entering_layer(ref, 0).at(17, 3), ref.tensors.at("decode.1.embeddings").at(0, 3));
  EXPECT_THROW(reference::hidden_entering_layer(ref, 5), std::invalid_argument);
}

TEST(ReferenceFiles, MalformedReferenceFilesAreRejected) {
  TempFile f;
  const auto write = [&](std::map<std::string, ckpt::TensorData> t) { ckpt::write_safetensors(f.path(), t); };
  const auto message = [&] {
    try {
      reference::load_reference_file(f.path());
    } catch (const ckpt::CheckpointError& e) {
      return std::string(e.what());
    }
    return std::string("<no CheckpointError>");
  };
  write({{"prefill.logits", ckpt::make_tensor_f64({1, 2}, {1, 2})}});
  EXPECT_NE(message().find("\"input_ids\": missing"), std::string::npos) << message();
  write({{"input_ids", ckpt::make_tensor_i64({1}, {1, 1})}, {"prefill.logits", ckpt::make_tensor_f64({1, 2}, {2})}});
  EXPECT_NE(message().find("has 1 dimensions"), std::string::npos) << message();
  write({{"input_ids", ckpt::make_tensor_i64({1, 2, 3}, {1, 3})},
         {"prefill.logits", ckpt::make_tensor_f64({1, 2}, {1, 2})},
         {"decode.1.logits", ckpt::make_tensor_f64({1, 2}, {1, 2})}});
  EXPECT_NE(message().find("not numbered 0..0"), std::string::npos) << message();
  write({{"input_ids", ckpt::make_tensor_i64({1, 2, 3}, {1, 3})},
         {"prefill.logits", ckpt::make_tensor_f64({1, 2}, {1, 2})},
         {"decode.0.logits", ckpt::make_tensor_f64({1, 2, 3, 4}, {2, 2})}});
  EXPECT_NE(message().find("a decode step has 2 rows"), std::string::npos) << message();
  write({{"input_ids", ckpt::make_tensor_i64({1}, {1, 1})},
         {"prefill.logits", ckpt::make_tensor_f64({1, 2, 3, 4}, {2, 2})}});
  EXPECT_NE(message().find("1 ids for 2 prefill + 0 decode tokens"), std::string::npos) << message();
  // A layer key without a usable number is refused at load, not when a check reads it.
  for (const char* key : {"prefill.layer.x.out", "prefill.layer.99999999999999999999999.out", "prefill.layer.3"}) {
    write({{"input_ids", ckpt::make_tensor_i64({1}, {1, 1})}, {key, ckpt::make_tensor_f64({1, 2}, {1, 2})}});
    EXPECT_NE(message().find("a layer key needs a layer number"), std::string::npos) << key << ": " << message();
  }
}

}  // namespace
