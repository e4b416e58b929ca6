// Code generator on the functional model: any shape, padded; plans; token (dependency) balance.
#include <gtest/gtest.h>

#include "../common_sc_main.h"
#include "codegen/bitlinear_codegen.h"
#include "codegen/bitlinear_runner.h"
#include "codegen/program_builder.h"
#include "device/device.h"

namespace {

using tasu::codegen::BitLinearRun;

void expect_exact_on_model(const char* cfg, int64_t m, int64_t k, int64_t n) {
  auto dev = tasu::rt::open_device("model", cfg);
  BitLinearRun run;
  run.shape = {m, k, n};
  run.seed = static_cast<uint64_t>(m * 131 + k * 7 + n);
  const auto r = tasu::codegen::run_bitlinear(*dev, run, dev->config().MemBytesPerCycle);
  EXPECT_TRUE(r.bit_exact) << m << "x" << k << "x" << n << ": " << r.first_mismatch;
}

TEST(Codegen, OddShapesOnModelCi) {
  expect_exact_on_model("ci", 1, 1, 1);
  expect_exact_on_model("ci", 3, 5, 2);
  expect_exact_on_model("ci", 33, 100, 3);
  expect_exact_on_model("ci", 17, 1000, 5);   // several K chunks, accumulate
}

TEST(Codegen, TokenChunksOnModelCi) {
  // K = 6912 uses 108 of 256 activation words per token: tokens come in chunks of 2.
  expect_exact_on_model("ci", 40, 6912, 5);
  // More tokens than half the output buffer.
  expect_exact_on_model("ci", 16, 64, 200);
}

TEST(Codegen, DefaultConfigOnModel) { expect_exact_on_model("default", 100, 700, 3); }

TEST(Codegen, PlanPadsAndRejectsOnlyWhatHardwareCannotDo) {
  const auto& ci = *tasu::arch::find_config("ci");
  const auto p = tasu::codegen::plan_bitlinear(ci, {33, 100, 3});
  EXPECT_EQ(p.mp, 48);
  EXPECT_EQ(p.kp, 128);
  EXPECT_EQ(p.depth_total, 2);
  EXPECT_THROW(tasu::codegen::plan_bitlinear(ci, {0, 5, 1}), std::invalid_argument);
  EXPECT_THROW(tasu::codegen::plan_bitlinear(ci, {5, 16385, 1}), std::invalid_argument);
  // The INT8 MAC array takes the same plan with byte weights (four times the weight bytes); the
  // BF16 array's binary32 sums do not fit the integer programs.
  const auto p8 = tasu::codegen::plan_bitlinear(*tasu::arch::find_config("ci_int8"), {33, 100, 3});
  EXPECT_EQ(p8.weight_bytes, 4 * p.weight_bytes);
  EXPECT_EQ(p8.depth_total, p.depth_total);
  EXPECT_THROW(tasu::codegen::plan_bitlinear(*tasu::arch::find_config("ci_bf16"), {33, 100, 3}), std::invalid_argument);
}

TEST(Codegen, TokensBalance) {
  // Every push must be matched by a pop on the same counter, or a later program would start
  // with stale tokens.
  const auto& cfg = *tasu::arch::find_config("ci");
  const auto p = tasu::codegen::plan_bitlinear(cfg, {100, 3000, 7});
  const auto prog = tasu::codegen::generate_bitlinear(cfg, p, {0x1000, 0x100000, 0x200000});
  constexpr int U = tasu::isa::kUnits;
  int level[U][U] = {};  // [producer][consumer]
  for (const auto& x : prog) {
    const auto d = tasu::isa::deps_of(x);
    const int u = tasu::isa::unit_of(x.opcode());
    if (u < 0) continue;  // FINISH
    for (int p = 0; p < U; ++p) {
      if ((d.pop >> p) & 1) --level[p][u];
      if ((d.push >> p) & 1) ++level[u][p];
    }
  }
  for (int p = 0; p < U; ++p)
    for (int c = 0; c < U; ++c) EXPECT_EQ(level[p][c], 0) << p << "->" << c;
}

}  // namespace

namespace {
namespace isa = tasu::isa;
using tasu::codegen::ProgramBuilder;
using tasu::codegen::Space;

isa::Insn wgt_load() { return isa::make_load(tasu::arch::LoadDst::WGT, {0, 0x1000, 1, 4, 0}); }

// The builder's tokens follow the data between the four units: the engine's output words to
// the vector unit, the vector unit's activation words back to the engine, the scratchpad to
// the store; a write after a read of another unit waits too (the reverse channel).
TEST(ProgramBuilder, TokensFollowTheDataAcrossFourUnits) {
  ProgramBuilder b;
  b.add(wgt_load(), {}, {{Space::WGT, 0, 4}});                                                   // 0 ld
  b.add(isa::make_matmul({}), {{Space::WGT, 0, 4}, {Space::ACT, 0, 1}}, {{Space::OUT, 0, 1}});  // 1 ex
  isa::Vec from;
  from.kind = tasu::arch::VectorKind::FROM_OUT;
  b.add(isa::make_vec(from), {{Space::OUT, 0, 1}}, {{Space::VSP, 0, 1}});  // 2 vu
  isa::Vec to;
  to.kind = tasu::arch::VectorKind::TO_ACT;
  b.add(isa::make_vec(to), {{Space::VSP, 0, 1}}, {{Space::ACT, 0, 1}});  // 3 vu
  b.add(isa::make_store({0, 0x2000, 1, 4, 0}, {}, tasu::arch::StoreSrc::VSP), {{Space::VSP, 0, 1}},
        {{Space::DRAM, 0x2000, 0x2100}});                                       // 4 st
  b.add(wgt_load(), {{Space::DRAM, 0x2000, 0x2100}}, {{Space::WGT, 0, 4}});  // 5 ld
  const auto p = b.finish();
  ASSERT_EQ(p.size(), 7u);
  using namespace isa::dep;
  EXPECT_EQ(isa::deps_of(p[0]).push, EX);
  EXPECT_EQ(isa::deps_of(p[1]).pop, LD);
  EXPECT_EQ(isa::deps_of(p[1]).push, VU | LD);  // the output word to the vector unit; WAR on the weights
  EXPECT_EQ(isa::deps_of(p[2]).pop, EX);
  EXPECT_EQ(isa::deps_of(p[2]).push, ST);       // the row the store reads
  // The TO_ACT's wait for the MATMUL (it rewrites the activation word read) is implied by the
  // FROM_OUT's: the vector unit runs in order, so no second token.
  EXPECT_EQ(isa::deps_of(p[3]).pop, 0);
  EXPECT_EQ(isa::deps_of(p[3]).push, 0);
  EXPECT_EQ(isa::deps_of(p[4]).pop, VU);
  EXPECT_EQ(isa::deps_of(p[4]).push, LD);       // the store's DRAM bytes to the load
  EXPECT_EQ(isa::deps_of(p[5]).pop, EX | ST);
}

TEST(ProgramBuilder, WeightsOverwrittenUnreadAreACodegenError) {
  ProgramBuilder strict(true), lax;
  for (ProgramBuilder* b : {&strict, &lax}) {
    b->add(wgt_load(), {}, {{Space::WGT, 0, 4}});
    b->add(isa::make_matmul({}), {{Space::WGT, 0, 4}}, {{Space::OUT, 0, 1}});
    b->add(wgt_load(), {}, {{Space::WGT, 2, 6}});  // words 0..3 were read first: fine
  }
  EXPECT_THROW(strict.add(wgt_load(), {}, {{Space::WGT, 4, 8}}), std::logic_error);  // 4, 5 unread
  EXPECT_NO_THROW(lax.add(wgt_load(), {}, {{Space::WGT, 4, 8}}));
}

}  // namespace
