// The run library's checks (firmware/run): each bad batched spec is refused by check_spec, naming
// the problem, before any device opens (the CLI refuses some of these itself; the library must
// hold for every caller); the keys a run announces are the keys it produces; the reference
// check judges deltas against their stream and fails on a key it could not compare.
#include <gtest/gtest.h>

#include <string>

#include "../common_sc_main.h"
#include <algorithm>
#include <cmath>

#include "run/model_run.h"
#include "run/run_report.h"

namespace {

using tasu::run::RunSpec;

// A legal run of the embedded model: P = 3, D = 1, a batch of 2.
RunSpec batch_spec(const tasu::run::ModelSource& m) {
  RunSpec s;
  s.prefill = 3;
  s.decode = 1;
  s.ids = {1, 2, 3, 4};
  s.batch = 2;
  s.batch_ids = tasu::run::batch_prompts(s.ids, 2, m.config().vocab);
  return s;
}

void expect_refused(const tasu::run::ModelSource& m, const RunSpec& s, const std::string& what) {
  try {
    tasu::run::check_spec(m, s);
    ADD_FAILURE() << "accepted; expected: " << what;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

TEST(RunSpecBatch, LegalBatchIsAccepted) {
  const tasu::run::ModelSource m("", 1);
  EXPECT_NO_THROW(tasu::run::check_spec(m, batch_spec(m)));
}

TEST(RunSpecBatch, BadBatchesAreRefused) {
  const tasu::run::ModelSource m("", 1);
  RunSpec s = batch_spec(m);
  s.batch = 0;
  expect_refused(m, s, "a batch of 0 sequences");
  s = batch_spec(m);
  s.batch = 3;  // one prompt missing
  expect_refused(m, s, "1 extra prompts for a batch of 3");
  s = batch_spec(m);
  s.batch_ids[0].pop_back();
  expect_refused(m, s, "3 token ids for 4 positions");
  s = batch_spec(m);
  s.batch_ids[0][1] = -5;
  expect_refused(m, s, "token id -5 outside the vocabulary");
  s = batch_spec(m);
  s.input = tasu::reference::Matrix(4, m.config().hidden);
  expect_refused(m, s, "a batch starts from the embeddings of its prompts");
  s = batch_spec(m);
  s.batch = 256;
  s.prefill = 2000;
  s.decode = 2000;
  s.ids.assign(4000, 1);
  s.batch_ids = tasu::run::batch_prompts(s.ids, 256, m.config().vocab);
  expect_refused(m, s, "more than the accelerator's 32-bit addresses reach");
}

// The model's positions bound P + D exactly: max_position_embeddings positions pass, one more
// does not (a mutant that let one more through survived the CLI's far-off case).
TEST(RunSpecPositions, TheBoundaryIsTheModelsPositions) {
  const tasu::run::ModelSource m("", 1);
  const int64_t max_pos = m.config().max_position_embeddings;
  RunSpec s;
  s.prefill = max_pos - 3;
  s.decode = 3;
  s.ids.assign(static_cast<size_t>(max_pos), 1);
  EXPECT_NO_THROW(tasu::run::check_spec(m, s));
  s.decode = 4;
  s.ids.push_back(1);
  expect_refused(m, s, "exceed the model's");
}

// Every extra sequence gets other ids than sequence 0, inside the vocabulary.
TEST(RunSpecBatch, BatchPromptsDifferAndStayInTheVocabulary) {
  const auto p = tasu::run::batch_prompts({0, 5, 99}, 4, 100);
  ASSERT_EQ(p.size(), 3u);
  for (const auto& ids : p) {
    EXPECT_NE(ids, (std::vector<int64_t>{0, 5, 99}));
    for (int64_t id : ids) EXPECT_TRUE(id >= 0 && id < 100) << id;
  }
  EXPECT_NE(p[0], p[1]);
}

// output_keys is what lets a reference be checked before the run: it must name exactly the
// keys run_model produces, with and without the head, from layer 0 and from a middle layer.
TEST(RunOutputs, AnnouncedKeysAreTheKeysProduced) {
  const tasu::run::ModelSource m(std::string(TASU_TEST_DATA_DIR) + "/bitnet-tiny-a", 0);
  for (const bool from_middle : {false, true}) {
    RunSpec s;
    s.backend = "model";
    s.config = "ci";
    s.prefill = 3;
    s.decode = 2;
    s.ids = {1, 2, 3, 4, 5};
    s.end_layer = 2;
    s.head = !from_middle;
    if (from_middle) {
      s.first_layer = 1;
      s.input = m.embed(s.ids);
    }
    auto announced = tasu::run::output_keys(m, s);
    std::vector<std::string> produced;
    for (const auto& kv : tasu::run::run_model(m, s).outputs) produced.push_back(kv.first);
    std::sort(announced.begin(), announced.end());
    EXPECT_EQ(announced, produced) << (from_middle ? "layers 1:2" : "layers 0:2 with the head");
    EXPECT_EQ(std::count_if(produced.begin(), produced.end(), [](const std::string& k) { return k.find("logits") != std::string::npos; }),
              from_middle ? 0 : 3);
  }
}

tasu::reference::Matrix row(std::vector<double> v) {
  tasu::reference::Matrix m(1, static_cast<int64_t>(v.size()));
  m.data = std::move(v);
  return m;
}

// A delta is judged against the stream it is added to: attn_out against the layer's input,
// mlp_out against input + attn_out; a layer output against itself; a key the run produced
// that the reference lacks fails the check, and require_reference_keys refuses it up front.
TEST(ReferenceCheck, DeltasRelativeToTheirStreamAndMissingKeysFail) {
  tasu::reference::ReferenceFile ref;
  ref.tensors["prefill.embeddings"] = row({3, 4});          // |stream| = 5
  ref.tensors["prefill.layer.0.attn_out"] = row({0, 1});    // attn stream + attn = [3, 5]
  ref.tensors["prefill.layer.0.mlp_out"] = row({1, 0});
  ref.tensors["prefill.layer.0.out"] = row({4, 5});
  tasu::reference::TensorMap run = ref.tensors;
  run["prefill.layer.0.attn_out"] = row({0, 1.1});          // 10% of itself, 2% of its stream
  run["prefill.layer.0.mlp_out"] = row({1.5, 0});           // 50% of itself, 8.6% of its stream
  auto rc = tasu::run::check_against_reference(ref, "r", run, 0.05);
  ASSERT_EQ(rc.keys.size(), 4u);
  const auto key = [&](const std::string& k) {
    return *std::find_if(rc.keys.begin(), rc.keys.end(), [&](const tasu::run::JudgedKey& j) { return j.key == k; });
  };
  EXPECT_NEAR(key("prefill.layer.0.attn_out").rel_l2, 0.1, 1e-12);
  EXPECT_NEAR(key("prefill.layer.0.attn_out").error, 0.1 / 5, 1e-12);
  EXPECT_EQ(key("prefill.layer.0.attn_out").relative_to, "prefill.embeddings");
  EXPECT_FALSE(key("prefill.layer.0.attn_out").above);
  EXPECT_NEAR(key("prefill.layer.0.mlp_out").error, 0.5 / std::sqrt(34.0), 1e-12);
  EXPECT_EQ(key("prefill.layer.0.mlp_out").relative_to, "prefill.embeddings + prefill.layer.0.attn_out");
  EXPECT_TRUE(key("prefill.layer.0.mlp_out").above);
  EXPECT_FALSE(key("prefill.embeddings").judged);
  EXPECT_FALSE(rc.within);
  EXPECT_TRUE(tasu::run::check_against_reference(ref, "r", run, 0.09).within);

  run["prefill.layer.1.out"] = row({1, 1});
  rc = tasu::run::check_against_reference(ref, "r", run, 0.09);
  EXPECT_FALSE(rc.within);
  EXPECT_EQ(rc.missing, std::vector<std::string>{"prefill.layer.1.out"});
  try {
    tasu::run::require_reference_keys(ref, "r.safetensors", {"prefill.layer.0.out", "prefill.layer.1.out"});
    ADD_FAILURE() << "a reference lacking a key was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("lacks 1 of the 2 keys this run produces (prefill.layer.1.out)"), std::string::npos)
        << e.what();
  }
}

// The logits pass on their top-1 agreement (kTop1Limit), however small their L2 error.
TEST(ReferenceCheck, LogitsBelowTheTop1LimitFail) {
  tasu::reference::ReferenceFile ref;
  ref.tensors["prefill.logits"] = tasu::reference::Matrix(2, 3);
  ref.tensors["prefill.logits"].data = {0.0, 1.0, 0.99, 5.0, 0.0, 0.0};
  tasu::reference::TensorMap run = ref.tensors;
  EXPECT_TRUE(tasu::run::check_against_reference(ref, "r", run).within);
  run["prefill.logits"].data = {0.0, 0.99, 1.0, 5.0, 0.0, 0.0};  // row 0's argmax flips, L2 error 0.3%
  const auto rc = tasu::run::check_against_reference(ref, "r", run);
  EXPECT_EQ(rc.top1_agree, 1);
  EXPECT_EQ(rc.logits_rows, 2);
  EXPECT_FALSE(rc.within);
}

}  // namespace
