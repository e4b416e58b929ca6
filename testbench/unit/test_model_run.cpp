// The run library's checks of a batched run (firmware/run/model_run): each bad spec is refused
// by check_spec, naming the problem, before any device opens. The CLI refuses some of these
// itself; the library must hold for every caller.
#include <gtest/gtest.h>

#include <string>

#include "../common_sc_main.h"
#include "run/model_run.h"

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

}  // namespace
