// The engines of the silicon comparison on the Verilated platform: the ternary engine and its
// INT8 and BF16 MAC-array baselines run the same MATMUL program, each checked against its own
// golden arithmetic (exact integers; binary32 against a double-precision sum), and each takes
// the same number of engine cycles. One process per test (SystemC elaborates once).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "../common_sc_main.h"
#include "isa/insn.h"
#include "device/device.h"

namespace {

namespace isa = tasu::isa;
using tasu::arch::Engine;
using tasu::arch::LoadDst;

// Nearest BF16 (ties to even) of a float: the top half of its binary32 pattern, rounded.
uint16_t to_bf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

double from_bf16(uint16_t b) {
  const uint32_t u = uint32_t{b} << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

struct EngineRun {
  std::vector<double> out;    // [token][row] as numbers
  std::vector<double> gold;   // the golden arithmetic's result
  std::vector<double> scale;  // sum of |products| per output (the BF16 tolerance)
  uint64_t ex_busy = 0;
};

// One weight buffer of random weights of the engine's kind, N tokens of int8 activations, one
// MATMUL over the whole buffer depth and a STORE of the results.
EngineRun run_engine(const std::string& backend, const char* config, uint32_t tokens, uint32_t seed) {
  auto dev = tasu::rt::open_device(backend, config);
  const auto& cfg = dev->config();
  const auto engine = static_cast<Engine>(cfg.Engine);
  const uint32_t D = cfg.WDepth, T = cfg.Tiles, R = cfg.Rows, L = cfg.Lanes, K = T * L;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> i8(-128, 127), tern(-1, 1);
  std::normal_distribution<float> nd(0.0f, 0.05f);

  // w[d][t][r][l] as a value, and the tile words that hold it ((d * T + t) is the word index).
  std::vector<double> w(size_t{D} * T * R * L);
  std::vector<uint8_t> wimg(size_t{D} * T * cfg.wgt_word_bytes(), 0);
  for (uint32_t d = 0; d < D; ++d)
    for (uint32_t t = 0; t < T; ++t)
      for (uint32_t i = 0; i < R * L; ++i) {
        const size_t at = (size_t{d} * T + t) * R * L + i;
        uint8_t* word = wimg.data() + (size_t{d} * T + t) * cfg.wgt_word_bytes();
        switch (engine) {
          case Engine::TERNARY: {
            const int v = tern(rng);
            w[at] = v;
            word[i / 4] |= static_cast<uint8_t>((v == 0 ? 0u : v > 0 ? 1u : 3u) << (2 * (i % 4)));
            break;
          }
          case Engine::INT8: {
            const int v = i8(rng);
            w[at] = v;
            word[i] = static_cast<uint8_t>(v);
            break;
          }
          case Engine::BF16: {
            const uint16_t b = to_bf16(nd(rng));
            w[at] = from_bf16(b);
            word[2 * i] = static_cast<uint8_t>(b);
            word[2 * i + 1] = static_cast<uint8_t>(b >> 8);
            break;
          }
        }
      }
  // Token n's activation words n * D .. n * D + D - 1.
  std::vector<int8_t> act(size_t{tokens} * D * K);
  for (auto& a : act) a = static_cast<int8_t>(i8(rng));

  EngineRun r;
  r.gold.assign(size_t{tokens} * R, 0.0);
  r.scale.assign(size_t{tokens} * R, 0.0);
  for (uint32_t n = 0; n < tokens; ++n)
    for (uint32_t row = 0; row < R; ++row) {
      double s = 0, sa = 0;
      for (uint32_t d = 0; d < D; ++d)
        for (uint32_t t = 0; t < T; ++t)
          for (uint32_t l = 0; l < L; ++l) {
            const double p = w[((size_t{d} * T + t) * R + row) * L + l] * act[(size_t{n} * D + d) * K + t * L + l];
            s += p;
            sa += std::fabs(p);
          }
      if (engine != Engine::BF16) {  // the integer engines wrap at AccW bits
        const auto v = static_cast<int64_t>(s);
        const int sh = 64 - static_cast<int>(cfg.AccW);
        s = static_cast<double>(static_cast<int64_t>(static_cast<uint64_t>(v) << sh) >> sh);
      }
      r.gold[size_t{n} * R + row] = s;
      r.scale[size_t{n} * R + row] = sa;
    }

  const uint64_t wa = dev->alloc(wimg.size()), aa = dev->alloc(act.size()), oa = dev->alloc(size_t{tokens} * R * 4);
  dev->write(wa, wimg.data(), wimg.size());
  dev->write(aa, act.data(), act.size());
  isa::Transfer tw, ta, to;
  tw.dram_addr = static_cast<uint32_t>(wa);
  tw.row_beats = D * T * cfg.wgt_beats_per_word();
  ta.dram_addr = static_cast<uint32_t>(aa);
  ta.row_beats = tokens * D * cfg.act_beats_per_word();
  to.dram_addr = static_cast<uint32_t>(oa);
  to.row_beats = tokens * cfg.out_beats_per_word();
  // Loads complete in order: the second's token covers both.
  const isa::Deps da{0, isa::dep::EX}, dm{isa::dep::LD, isa::dep::ST}, ds{isa::dep::EX, 0};
  isa::Matmul mm;
  mm.depth = D;
  mm.tokens = tokens;
  mm.act_stride = D;
  const std::vector<isa::Insn> prog = {isa::make_load(LoadDst::WGT, tw), isa::make_load(LoadDst::ACT, ta, da),
                                       isa::make_matmul(mm, dm), isa::make_store(to, ds), isa::make_finish()};
  const std::vector<uint8_t> bytes = isa::program_bytes(prog);
  const uint64_t pa = dev->alloc(bytes.size());
  dev->write(pa, bytes.data(), bytes.size());
  dev->start(pa, static_cast<uint32_t>(prog.size()));
  dev->wait(1000000);

  std::vector<uint32_t> raw(size_t{tokens} * R);
  dev->read(oa, raw.data(), raw.size() * 4);
  for (uint32_t v : raw) {
    if (engine == Engine::BF16) {
      float f;
      std::memcpy(&f, &v, 4);
      r.out.push_back(f);
    } else {
      r.out.push_back(static_cast<int32_t>(v));
    }
  }
  r.ex_busy = dev->counters().ex_busy;
  return r;
}

// Integer engines: exact. BF16: products are exact in binary32, the sums round at every add,
// so the error is bounded by (adds) * 2^-24 * sum |products|; 2^-16 leaves margin.
void expect_golden(const EngineRun& r, bool bf16) {
  for (size_t i = 0; i < r.out.size(); ++i) {
    if (bf16)
      ASSERT_NEAR(r.out[i], r.gold[i], r.scale[i] * std::ldexp(1.0, -16) + 1e-30) << "output " << i;
    else
      ASSERT_EQ(r.out[i], r.gold[i]) << "output " << i;
  }
}

// The engine pipeline: one (token, depth) step per cycle, then a fixed drain. Every engine must
// show the same count, or the comparison would not be at equal throughput.
constexpr uint64_t kMatmulOverhead = 4;

void check_engine(const char* config, bool bf16) {
  const uint32_t tokens = 7;
  const EngineRun rtl = run_engine("rtl", config, tokens, 11);
  const EngineRun model = run_engine("model", config, tokens, 11);
  expect_golden(rtl, bf16);
  ASSERT_EQ(rtl.out, model.out) << "RTL and functional model differ";
  const auto& cfg = *tasu::arch::find_config(config);
  EXPECT_EQ(rtl.ex_busy, uint64_t{cfg.WDepth} * tokens + kMatmulOverhead) << "engine cycles";
}

}  // namespace

TEST(RtlEngines, TernaryMatchesIntegerGoldenAndCycleCount) { check_engine("ci", false); }
TEST(RtlEngines, Int8MacArrayMatchesIntegerGoldenAndCycleCount) { check_engine("ci_int8", false); }
TEST(RtlEngines, Bf16MacArrayMatchesDoubleGoldenAndCycleCount) { check_engine("ci_bf16", true); }
