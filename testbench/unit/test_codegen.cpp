// Code generator on the functional model: any shape, padded; plans; token (dependency) balance.
#include <gtest/gtest.h>

#include "../common_sc_main.h"
#include "codegen/bitlinear_codegen.h"
#include "codegen/bitlinear_runner.h"
#include "codegen/program_builder.h"
#include "device/device.h"
#include "isa/wgt_format.h"

#include <array>
#include <cstring>
#include <limits>
#include <random>
#include <set>

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

// 1.6-bit weights (WPack): the same programs, five weights per byte.
TEST(Codegen, PackedWeightsOnModel) {
  expect_exact_on_model("ci_w16", 1, 1, 1);
  expect_exact_on_model("ci_w16", 33, 100, 3);
  expect_exact_on_model("ci_w16", 17, 1000, 5);   // K chunks of 8 and 2 depth words: padded jobs
  expect_exact_on_model("ci_w16", 40, 6912, 5);
  expect_exact_on_model("default_w16", 100, 700, 3);
}

// Every byte of five digits decodes to the weights it was packed from, in both directions, and a
// tile word's weights survive the trip whatever its length's remainder by five.
TEST(WeightFormat, Trit5RoundTrip) {
  for (unsigned v = 0; v < 243; ++v) {
    int8_t w[5];
    const uint8_t b = static_cast<uint8_t>(v);
    tasu::isa::unpack_trit5(&b, 5, w);
    uint8_t back = 0xff;
    tasu::isa::pack_trit5(w, 5, &back);
    EXPECT_EQ(back, b) << v;
  }
  for (unsigned v = 243; v < 256; ++v) {  // never packed: zeros, as the RTL decoder gives
    int8_t w[5] = {1, 1, 1, 1, 1};
    const uint8_t b = static_cast<uint8_t>(v);
    tasu::isa::unpack_trit5(&b, 5, w);
    for (int8_t x : w) EXPECT_EQ(x, 0) << v;
  }
  EXPECT_EQ(tasu::arch::kTrit5DigitWeights[0], 0);  // a zero byte is five zero weights
  std::mt19937 rng(5);
  for (size_t n : {1u, 4u, 5u, 6u, 512u, 1024u}) {
    std::vector<int8_t> w(n), back(n, 7);
    for (auto& x : w) x = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
    std::vector<uint8_t> bytes((n + 4) / 5);
    tasu::isa::pack_trit5(w.data(), n, bytes.data());
    for (uint8_t b : bytes) EXPECT_LT(b, 243);
    tasu::isa::unpack_trit5(bytes.data(), n, back.data());
    EXPECT_EQ(back, w) << n;
  }
}

// The LUT3 silicon row's codes (tasu_arch.json's _lut3): each of the 27 triples of weights has
// its own 5-bit code, zero for three zeros, and the code's pattern times its sign is the triple;
// a word of 32 weights is 11 codes, the last group padded with zero weights.
TEST(WeightFormat, Lut3CodesNameTheirTriples) {
  std::set<unsigned> codes;
  for (int v = 0; v < 27; ++v) {
    const std::array<int8_t, 3> w{static_cast<int8_t>(v % 3 - 1), static_cast<int8_t>(v / 3 % 3 - 1),
                                  static_cast<int8_t>(v / 9 - 1)};
    uint8_t code = 0xff;
    tasu::isa::pack_lut3(w.data(), 3, &code);
    codes.insert(code);
    ASSERT_LT(code, 32u);
    const unsigned idx = code & 15u;
    const int sign = code & 16u ? -1 : 1;
    if (w == std::array<int8_t, 3>{}) {
      EXPECT_EQ(code, 0u);
      continue;
    }
    ASSERT_GE(idx, 1u);
    ASSERT_LE(idx, tasu::arch::kLut3Patterns.size());
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(sign * tasu::arch::kLut3Patterns[idx - 1][i], w[i]) << v;
  }
  EXPECT_EQ(codes.size(), 27u);
  std::vector<int8_t> w(32, -1);
  std::vector<uint8_t> bytes(7, 0xff);
  tasu::isa::pack_lut3(w.data(), w.size(), bytes.data());
  const auto code_of = [&](size_t g) {
    unsigned c = 0;
    for (size_t b = 0; b < 5; ++b) c |= ((bytes[(g * 5 + b) / 8] >> ((g * 5 + b) % 8)) & 1u) << b;
    return c;
  };
  const auto index_of = [](std::array<int8_t, 3> p) {
    for (size_t k = 0; k < tasu::arch::kLut3Patterns.size(); ++k)
      if (tasu::arch::kLut3Patterns[k] == p) return static_cast<unsigned>(k + 1);
    return 0u;
  };
  EXPECT_EQ(tasu::arch::lut3_groups(32), 11u);
  for (size_t g = 0; g < 10; ++g) EXPECT_EQ(code_of(g), 16u | index_of({1, 1, 1})) << g;
  EXPECT_EQ(code_of(10), 16u | index_of({1, 1, 0}));  // the padded group
  EXPECT_EQ(bytes[6] >> 7, 0);                          // the bit past the codes
}

// The packed image is 1.6 bits a weight (each job padded to a beat) and holds the same weights as
// the 2-bit image, word for word.
TEST(WeightFormat, PackedImageHoldsTheSameWeights) {
  const auto& c2 = *tasu::arch::find_config("ci");
  const auto& c5 = *tasu::arch::find_config("ci_w16");
  const tasu::codegen::BitLinearShape s{40, 1000, 1};
  const auto p2 = tasu::codegen::plan_bitlinear(c2, s), p5 = tasu::codegen::plan_bitlinear(c5, s);
  ASSERT_EQ(p2.depth_total, p5.depth_total);
  std::mt19937 rng(9);
  std::vector<int8_t> w(static_cast<size_t>(s.m * s.k));
  for (auto& x : w) x = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
  const auto i2 = tasu::codegen::pack_weights(c2, p2, w.data()), i5 = tasu::codegen::pack_weights(c5, p5, w.data());
  EXPECT_EQ(c5.wgt_word_bytes(), 103u);  // 512 weights
  // K = 1024 padded: two jobs of 8 depth words per row block, each 16 words, 1648 bytes, padded to
  // 26 beats; three row blocks.
  EXPECT_EQ(tasu::codegen::wgt_job_offset(c5, p5, 0, 1), 26u * 64u);
  EXPECT_EQ(tasu::codegen::wgt_job_offset(c5, p5, 1, 0), 2u * 26u * 64u);
  EXPECT_EQ(p5.weight_bytes, 3u * 2u * 26u * 64u);
  EXPECT_LT(static_cast<double>(i5.size()), 0.82 * static_cast<double>(i2.size()));
  const size_t n = size_t{c2.Rows} * c2.Lanes;
  std::vector<int8_t> a(n), b(n);
  for (int64_t rb = 0; rb < p2.row_blocks; ++rb)
    for (int64_t d = 0; d < p2.depth_total; ++d)
      for (uint32_t t = 0; t < c2.Tiles; ++t) {
        const int64_t kc = d / c2.WDepth, in_job = (d % c2.WDepth) * c2.Tiles + t;
        const uint8_t* w2 = i2.data() + tasu::codegen::wgt_job_offset(c2, p2, rb, kc) + in_job * c2.wgt_word_bytes();
        const uint8_t* w5 = i5.data() + tasu::codegen::wgt_job_offset(c5, p5, rb, kc) + in_job * c5.wgt_word_bytes();
        for (size_t k = 0; k < n; ++k) {
          const unsigned code = (w2[k / 4] >> (2 * (k % 4))) & 3u;
          a[k] = static_cast<int8_t>(code == 1 ? 1 : code == 3 ? -1 : 0);
        }
        tasu::isa::unpack_trit5(w5, n, b.data());
        ASSERT_EQ(a, b) << rb << " " << d << " " << t;
      }
}

TEST(Codegen, PlanPadsAndRejectsOnlyWhatHardwareCannotDo) {
  const auto& ci = *tasu::arch::find_config("ci");
  const auto p = tasu::codegen::plan_bitlinear(ci, {33, 100, 3});
  EXPECT_EQ(p.mp, 48);
  EXPECT_EQ(p.kp, 128);
  EXPECT_EQ(p.depth_total, 2);
  EXPECT_THROW(tasu::codegen::plan_bitlinear(ci, {0, 5, 1}), std::invalid_argument);
  EXPECT_THROW(tasu::codegen::plan_bitlinear(ci, {5, 16385, 1}), std::invalid_argument);
  // The MAC arrays take the same plan with byte or BF16 weights (four or eight times the bytes).
  const auto p8 = tasu::codegen::plan_bitlinear(*tasu::arch::find_config("ci_int8"), {33, 100, 3});
  EXPECT_EQ(p8.weight_bytes, 4 * p.weight_bytes);
  EXPECT_EQ(p8.depth_total, p.depth_total);
  const auto p16 = tasu::codegen::plan_bitlinear(*tasu::arch::find_config("ci_bf16"), {33, 100, 3});
  EXPECT_EQ(p16.weight_bytes, 8 * p.weight_bytes);
  EXPECT_EQ(p16.depth_total, p.depth_total);
  // Past max_k the BF16 engine's refusal names its own reason: its sums would no longer be exact.
  try {
    (void)tasu::codegen::plan_bitlinear(*tasu::arch::find_config("ci_bf16"), {5, 16385, 1});
    ADD_FAILURE() << "K = 16385 accepted on ci_bf16";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("binary32 sums stay exact"), std::string::npos) << e.what();
  }
}

// BF16 weights are the values' bit patterns; the engine's binary32 sums come back as integers,
// and a pattern no ternary x int8 sum can give is an error, not a rounded value.
TEST(Codegen, Bf16WeightsAndOutputs) {
  const auto& cfg = *tasu::arch::find_config("ci_bf16");
  const auto p = tasu::codegen::plan_bitlinear(cfg, {2, 3, 1});
  const int8_t w[6] = {1, -1, 0, 0, 1, -1};
  const auto img = tasu::codegen::pack_weights(cfg, p, w);
  auto bf16_at = [&](uint32_t row, uint32_t lane) {  // row block 0, depth 0, tile 0
    const size_t at = (size_t{row} * cfg.Lanes + lane) * 2;
    return static_cast<uint16_t>(img[at] | img[at + 1] << 8);
  };
  EXPECT_EQ(bf16_at(0, 0), 0x3F80);
  EXPECT_EQ(bf16_at(0, 1), 0xBF80);
  EXPECT_EQ(bf16_at(0, 2), 0x0000);
  EXPECT_EQ(bf16_at(1, 1), 0x3F80);
  EXPECT_EQ(bf16_at(1, 2), 0xBF80);
  EXPECT_EQ(bf16_at(1, 3), 0x0000);  // padding: lanes past K
  EXPECT_EQ(bf16_at(2, 0), 0x0000);  // and rows past M

  auto word = [](float f) {
    int32_t i;
    std::memcpy(&i, &f, sizeof i);
    return i;
  };
  std::vector<int32_t> dev(static_cast<size_t>(p.mp), word(0.0f)), y(2);
  dev[0] = word(-384.0f);  // 128 x K, K = 3: the largest magnitude a sum can have
  dev[1] = word(254.0f);
  tasu::codegen::unpack_outputs(cfg, p, dev.data(), y.data());
  EXPECT_EQ(y[0], -384);
  EXPECT_EQ(y[1], 254);
  for (float bad : {0.5f, 385.0f, 16777216.0f, std::numeric_limits<float>::quiet_NaN(),
                    -std::numeric_limits<float>::infinity()}) {
    dev[1] = word(bad);
    EXPECT_THROW(tasu::codegen::unpack_outputs(cfg, p, dev.data(), y.data()), std::runtime_error) << bad;
  }
  // The integer engines' words are taken as they are.
  const auto& ci = *tasu::arch::find_config("ci");
  dev[1] = word(0.5f);
  tasu::codegen::unpack_outputs(ci, p, dev.data(), y.data());
  EXPECT_EQ(y[1], word(0.5f));
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
