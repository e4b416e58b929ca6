// Bench of rtl/engine/tasu_engine.sv alone (ci's shape, Verilated with ci's parameters): random
// weights and activations loaded through the fill ports, random MATMUL commands (buffer, depth,
// tokens, strides, accumulate) and the output buffer checked word by word against a model built
// on the golden ternary product; then the command checks.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "Vtasu_engine.h"
#include "golden/bitlinear.h"
#include "tasu_arch.h"
#include "verilated_bench.h"

namespace {

constexpr const tasu::arch::Config& kCi = *tasu::arch::find_config("ci");
static_assert(kCi.Engine == static_cast<uint32_t>(tasu::arch::Engine::TERNARY), "the bench checks ternary sums");
constexpr int kTiles = kCi.Tiles, kRows = kCi.Rows, kLanes = kCi.Lanes, kWDepth = kCi.WDepth;
constexpr int kActWords = kCi.ActWords, kOutWords = kCi.OutWords;
constexpr int kBusWords = kCi.BusBytes / 4;  // the bus as 32-bit words
constexpr int kWgtBeatsPerWord = kCi.wgt_beats_per_word();

struct Bench {
  Vtasu_engine dut;
  // w[local word][tile][row][lane], act[word][tile*Lanes + lane], out[word][row]
  std::vector<int8_t> w = std::vector<int8_t>(2 * kWDepth * kTiles * kRows * kLanes);
  std::vector<int8_t> act = std::vector<int8_t>(kActWords * kTiles * kLanes);
  std::vector<int32_t> out = std::vector<int32_t>(kOutWords * kRows, 0);

  void tick() { tasu::bench::tick(dut); }
  Bench() {
    dut.rst_ni = 0;
    dut.cmd_valid_i = 0;
    dut.wgt_wr_valid_i = 0;
    dut.act_wr_valid_i = 0;
    dut.out_rd_valid_i = 0;
    tick();
    dut.rst_ni = 1;
    tick();
  }
  static void put_beat(VlWide<kBusWords>& dst, const uint8_t* bytes) { tasu::bench::put_bytes(dst, bytes); }
  int8_t& wref(int local, int t, int r, int l) { return w[((local * kTiles + t) * kRows + r) * kLanes + l]; }

  void fill(std::mt19937& rng) {
    std::uniform_int_distribution<int> tern(-1, 1), a8(-128, 127);
    for (int local = 0; local < 2 * kWDepth; ++local)
      for (int t = 0; t < kTiles; ++t) {
        std::vector<uint8_t> bytes(kRows * kLanes / 4, 0);
        for (int r = 0; r < kRows; ++r)
          for (int l = 0; l < kLanes; ++l) {
            const int v = tern(rng);
            wref(local, t, r, l) = static_cast<int8_t>(v);
            const int bit = (r * kLanes + l) * 2;
            bytes[bit / 8] |= static_cast<uint8_t>((v == 0 ? 0 : (v > 0 ? 1 : 3)) << (bit % 8));
          }
        for (int b = 0; b < kWgtBeatsPerWord; ++b) {
          dut.wgt_wr_valid_i = 1;
          dut.wgt_wr_beat_i = ((local * kTiles + t) * kWgtBeatsPerWord) + b;
          put_beat(dut.wgt_wr_data_i, bytes.data() + 64 * b);
          tick();
        }
      }
    dut.wgt_wr_valid_i = 0;
    for (int a = 0; a < kActWords; ++a) {
      for (int i = 0; i < kTiles * kLanes; ++i) act[a * kTiles * kLanes + i] = static_cast<int8_t>(a8(rng));
      dut.act_wr_valid_i = 1;
      dut.act_wr_beat_i = a;
      put_beat(dut.act_wr_data_i, reinterpret_cast<const uint8_t*>(&act[a * kTiles * kLanes]));
      tick();
    }
    dut.act_wr_valid_i = 0;
  }

  // Returns false if the engine raised an error instead of finishing.
  bool matmul(int wbuf, bool acc, int depth, int act_word, int stride, int out_word, int tokens) {
    dut.cmd_valid_i = 1;
    dut.cmd_wbuf_i = wbuf;
    dut.cmd_accumulate_i = acc;
    dut.cmd_depth_i = depth;
    dut.cmd_act_word_i = act_word;
    dut.cmd_act_stride_i = stride;
    dut.cmd_out_word_i = out_word;
    dut.cmd_tokens_i = tokens;
    for (int cycles = 0; cycles < 100000; ++cycles) {
      dut.clk_i = 0;
      dut.eval();
      const bool accepted = dut.cmd_valid_i && dut.cmd_ready_o;
      const bool done = dut.done_o, err = dut.err_o;
      dut.clk_i = 1;
      dut.eval();
      if (accepted) dut.cmd_valid_i = 0;
      if (err) return false;
      if (done) return true;
    }
    ADD_FAILURE() << "engine did not finish";
    return false;
  }

  void model(int wbuf, bool acc, int depth, int act_word, int stride, int out_word, int tokens) {
    for (int n = 0; n < tokens; ++n) {
      for (int r = 0; r < kRows; ++r) {
        int32_t sum = acc ? out[(out_word + n) * kRows + r] : 0;
        for (int d = 0; d < depth; ++d)
          for (int t = 0; t < kTiles; ++t) {
            int32_t part = 0;
            tasu::golden::ternary_matmul(&act[(act_word + n * stride + d) * kTiles * kLanes + t * kLanes],
                                         &wref(wbuf * kWDepth + d, t, r, 0), 1, 1, kLanes, &part);
            sum += part;
          }
        out[(out_word + n) * kRows + r] = sum;
      }
    }
  }

  std::vector<int32_t> read_out_word(int word) {
    dut.out_rd_valid_i = 1;
    dut.out_rd_beat_i = word;  // one beat per output word in this shape
    tick();
    dut.out_rd_valid_i = 0;
    std::vector<int32_t> v(kRows);
    for (int r = 0; r < kRows; ++r) v[r] = static_cast<int32_t>(dut.out_rd_data_o[r]);
    return v;
  }
};

TEST(RtlEngine, RandomMatmulsMatchGolden) {
  Bench b;
  std::mt19937 rng(5);
  b.fill(rng);
  std::uniform_int_distribution<int> bit(0, 1), dep(1, kWDepth), tok(1, 12);
  std::vector<bool> written(kOutWords, false);
  for (int iter = 0; iter < 60; ++iter) {
    const int depth = dep(rng), tokens = tok(rng);
    const int stride = std::uniform_int_distribution<int>(0, 12)(rng);
    const int act_word = std::uniform_int_distribution<int>(0, kActWords - depth - (tokens - 1) * stride)(rng);
    const int out_word = std::uniform_int_distribution<int>(0, kOutWords - tokens)(rng);
    bool acc = bit(rng) != 0;
    for (int n = 0; n < tokens; ++n) acc = acc && written[out_word + n];  // accumulate onto known data
    const int wbuf = bit(rng);
    ASSERT_TRUE(b.matmul(wbuf, acc, depth, act_word, stride, out_word, tokens)) << "iteration " << iter;
    b.model(wbuf, acc, depth, act_word, stride, out_word, tokens);
    for (int n = 0; n < tokens; ++n) written[out_word + n] = true;
    for (int n = 0; n < tokens; ++n) {
      const std::vector<int32_t> want(b.out.begin() + (out_word + n) * kRows, b.out.begin() + (out_word + n + 1) * kRows);
      ASSERT_EQ(b.read_out_word(out_word + n), want) << "iteration " << iter << " token " << n;
    }
  }
}

TEST(RtlEngine, RejectsBadCommands) {
  Bench b;
  EXPECT_FALSE(b.matmul(0, false, 0, 0, 1, 0, 1));                   // depth 0
  EXPECT_FALSE(b.matmul(0, false, kWDepth + 1, 0, 1, 0, 1));         // deeper than a buffer
  EXPECT_FALSE(b.matmul(0, false, 1, 0, 1, 0, 0));                   // no tokens
  EXPECT_FALSE(b.matmul(0, false, 4, kActWords - 3, 1, 0, 1));       // activations past the end
  EXPECT_FALSE(b.matmul(0, false, 1, 0, 1, kOutWords - 1, 2));       // outputs past the end
  EXPECT_TRUE(b.matmul(0, false, 1, 0, 1, 0, 1));                    // and it still works after
}

}  // namespace
