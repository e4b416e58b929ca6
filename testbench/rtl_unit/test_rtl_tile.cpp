// Bench of rtl/engine/tasu_tile.sv alone: random ternary weights written beat by beat into both
// buffers, random int8 activations with the pair table the activation buffer forms beside them
// (a0 + a1, a0 - a1 per pair), each row's partial sum checked against the golden model.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "Vtasu_tile.h"
#include "golden/bitlinear.h"
#include "tasu_arch.h"
#include "verilated_bench.h"

namespace {

// ci's tile (Verilated with ci's parameters).
constexpr const tasu::arch::Config& kCi = *tasu::arch::find_config("ci");
static_assert(kCi.Engine == static_cast<uint32_t>(tasu::arch::Engine::TERNARY), "the bench checks ternary sums");
constexpr int kRows = kCi.Rows, kLanes = kCi.Lanes, kWDepth = kCi.WDepth, kBusBytes = kCi.BusBytes;
constexpr int kWordBytes = kCi.wgt_word_bytes(), kBeats = kWordBytes / kBusBytes;
constexpr int log2i(int v) { return v > 1 ? 1 + log2i(v / 2) : 0; }
// A row's partial sum: a term's bits plus log2(Lanes) (tasu_arch.json, engine_term_bits).
constexpr int kPsW = static_cast<int>(tasu::arch::kEngineTermBits[kCi.Engine]) + log2i(kLanes);

struct Bench {
  Vtasu_tile dut;
  void tick() { tasu::bench::tick(dut); }
  Bench() {
    dut.rst_ni = 0;
    dut.wr_valid_i = 0;
    dut.rd_valid_i = 0;
    tick();
    dut.rst_ni = 1;
    tick();
  }
  void write_word(int word, const std::vector<int8_t>& w) {  // w[r*kLanes + l]
    std::vector<uint8_t> bytes(kWordBytes, 0);
    for (int i = 0; i < kRows * kLanes; ++i) {
      const uint8_t code = w[i] == 0 ? 0 : (w[i] > 0 ? 1 : 3);
      bytes[(2 * i) / 8] |= static_cast<uint8_t>(code << ((2 * i) % 8));
    }
    for (int b = 0; b < kBeats; ++b) {
      dut.wr_valid_i = 1;
      dut.wr_word_i = word;
      dut.wr_beat_i = b;
      tasu::bench::put_bytes(dut.wr_data_i, bytes.data() + b * kBusBytes);
      tick();
    }
    dut.wr_valid_i = 0;
  }
  // The activations and their pair table, as tasu_act_buffer hands them to a ternary tile.
  void put_act(const std::vector<int8_t>& act) {
    tasu::bench::put_bytes(dut.act_i, reinterpret_cast<const uint8_t*>(act.data()));
    for (int i = 0; i < static_cast<int>((kLanes / 2 * 18 + 31) / 32); ++i) dut.table_i[i] = 0;
    auto put9 = [&](int at, int v) {
      for (int b = 0; b < 9; ++b)
        if ((static_cast<uint32_t>(v) >> b) & 1u) dut.table_i[(at + b) / 32] |= 1u << ((at + b) % 32);
    };
    for (int p = 0; p < kLanes / 2; ++p) {
      put9(p * 18, act[2 * p] + act[2 * p + 1]);
      put9(p * 18 + 9, act[2 * p] - act[2 * p + 1]);
    }
  }
  std::vector<int32_t> compute(int word, const std::vector<int8_t>& act) {
    dut.rd_valid_i = 1;
    dut.rd_word_i = word;
    tick();  // weight word registered
    dut.rd_valid_i = 0;
    put_act(act);
    tick();  // partial sums registered
    std::vector<int32_t> out(kRows);
    for (int r = 0; r < kRows; ++r) {
      int32_t v = 0;
      for (int b = 0; b < kPsW; ++b) {
        const int bit = r * kPsW + b;
        v |= static_cast<int32_t>((dut.psum_o[bit / 32] >> (bit % 32)) & 1u) << b;
      }
      if (v & (1 << (kPsW - 1))) v -= (1 << kPsW);
      out[r] = v;
    }
    return out;
  }
};

TEST(RtlTile, RandomWeightsAndActivationsMatchGolden) {
  Bench b;
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> tern(-1, 1), act(-128, 127);
  std::vector<std::vector<int8_t>> words(2 * kWDepth, std::vector<int8_t>(kRows * kLanes));
  for (int wd = 0; wd < 2 * kWDepth; ++wd) {
    for (auto& v : words[wd]) v = static_cast<int8_t>(tern(rng));
    b.write_word(wd, words[wd]);
  }
  for (int iter = 0; iter < 200; ++iter) {
    const int wd = iter % (2 * kWDepth);
    std::vector<int8_t> a(kLanes);
    for (auto& v : a) v = static_cast<int8_t>(act(rng));
    if (iter == 0) std::fill(a.begin(), a.end(), int8_t{-128});  // extreme: every term at its bound
    std::vector<int32_t> ref(kRows);
    tasu::golden::ternary_matmul(a.data(), words[wd].data(), 1, kRows, kLanes, ref.data());
    EXPECT_EQ(b.compute(wd, a), ref) << "iteration " << iter << ", word " << wd;
  }
}

TEST(RtlTile, AllMinusOneTimesMinus128DoesNotOverflow) {
  Bench b;
  std::vector<int8_t> w(kRows * kLanes, -1), a(kLanes, -128);
  b.write_word(3, w);
  const auto out = b.compute(3, a);
  for (int r = 0; r < kRows; ++r) EXPECT_EQ(out[r], 128 * kLanes);
}


// The dot products work only in the cycle after a read: later cycles, whatever the
// activations do, leave the partial sums as they were (the register is clock-gated).
TEST(RtlTile, PartialSumsHoldWhileIdle) {
  Bench b;
  std::vector<int8_t> w(kRows * kLanes, 1), a(kLanes, 3), other(kLanes, -7);
  b.write_word(1, w);
  const auto out = b.compute(1, a);
  for (int r = 0; r < kRows; ++r) ASSERT_EQ(out[r], 3 * kLanes);
  constexpr int kWords = (kRows * kPsW + 31) / 32;
  auto psums = [&] {
    std::vector<uint32_t> v(kWords);
    for (int i = 0; i < kWords; ++i) v[i] = b.dut.psum_o[i];
    return v;
  };
  const std::vector<uint32_t> held = psums();
  b.put_act(other);
  for (int i = 0; i < 4; ++i) b.tick();
  EXPECT_EQ(psums(), held);
}

}  // namespace
