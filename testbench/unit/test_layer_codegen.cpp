// The decoder-layer program (firmware/codegen/layer_codegen) on the functional model equals
// the exact layer model bit for bit: both head sizes, GQA, prefill longer than one program's chunk,
// decode steps, two chained layers, batched decode, the INT8 and BF16 engines.
#include <gtest/gtest.h>

#include <algorithm>

#include "../common_sc_main.h"
#include "../layer_bench.h"

namespace {

using tasu::bench::shape;

TEST(LayerProgram, HeadDim64OnCi) {
  auto dev = tasu::rt::open_device("model", "ci");
  tasu::bench::expect_layers_bit_exact(*dev, shape(256, 704, 4, 2, 64), 1, 5, 2);
}

TEST(LayerProgram, HeadDim128TwoLayersOnCi) {
  auto dev = tasu::rt::open_device("model", "ci");
  tasu::bench::expect_layers_bit_exact(*dev, shape(256, 384, 2, 1, 128), 2, 3, 1);
}

// The MAC-array baselines run the same layer programs: INT8 with byte weights, BF16 with BF16
// weights and binary32 sums that enter the vector unit without an I2F.
TEST(LayerProgram, MacArrayEnginesOnCi) {
  for (const char* config : {"ci_int8", "ci_bf16"}) {
    SCOPED_TRACE(config);
    auto dev = tasu::rt::open_device("model", config);
    tasu::bench::expect_layers_bit_exact(*dev, shape(256, 704, 4, 2, 64), 1, 5, 2);
  }
}

TEST(LayerProgram, PrefillLongerThanOneChunk) {
  auto dev = tasu::rt::open_device("model", "ci");
  const auto s = shape(128, 192, 2, 2, 64);
  EXPECT_LT(tasu::codegen::max_layer_tokens(dev->config(), s), 70);
  tasu::bench::expect_layers_bit_exact(*dev, s, 1, 70, 1);
}

// Attention streams the cache in blocks: a context far beyond what the scratchpad holds at once
// (ci: 512 rows) stays bit-exact.
TEST(LayerProgram, ContextStreamsThroughTheScratchpad) {
  auto dev = tasu::rt::open_device("model", "ci");
  tasu::bench::expect_layers_bit_exact(*dev, shape(256, 384, 2, 1, 128), 1, 300, 2);
}

// What check_context_fits says of a context of `positions`: its error, or "" when it fits.
std::string context_refusal(const tasu::arch::Config& cfg, const tasu::layer::LayerParams& p, int64_t positions) {
  try {
    tasu::codegen::check_context_fits(cfg, p, positions);
    return "";
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
}

// A context that cannot fit is refused before anything runs, naming the most that fits; the
// 2B4T shape takes 4,096 positions (P up to 2,048 and beyond) on `default`.
TEST(LayerProgram, ContextCapacityIsCheckedUpFront) {
  const auto& ci = *tasu::arch::find_config("ci");
  const auto small = tasu::bench::random_layer(shape(6656, 256, 52, 4, 128), 1);
  const std::string what = context_refusal(ci, small, 100000);
  EXPECT_NE(what.find("at most"), std::string::npos) << (what.empty() ? "100,000 positions accepted on ci" : what);
  const auto& def = *tasu::arch::find_config("default");
  const auto big = tasu::bench::random_layer(shape(2560, 6912, 20, 5, 128), 2);
  EXPECT_NO_THROW(tasu::codegen::check_context_fits(def, big, 4096));
}

// Every program of an accepted context can be generated, a decode step of two sequences at the
// limit too: its second token's attention has half the scratchpad, while the last prefill
// program's attention over all of its queries (on `default`, 64 of them) has all of it.
TEST(LayerProgram, ContextCapacityHoldsForBatchedDecode) {
  const auto& def = *tasu::arch::find_config("default");
  const auto big = tasu::bench::random_layer(shape(2560, 6912, 20, 5, 128), 2);
  const std::string what = context_refusal(def, big, 100000);
  const size_t at = what.find("at most ");
  ASSERT_NE(at, std::string::npos) << (what.empty() ? "100,000 positions accepted on default" : what);
  const int64_t most = std::stoll(what.substr(at + 8));
  ASSERT_GT(most, 4096) << what;
  EXPECT_NO_THROW(tasu::codegen::generate_layer(
      def, big, {{most - 1, 0x0000000, 0x10000000}, {most - 1, 0x20000000, 0x30000000}}, tasu::codegen::LayerAddrs{}));
}

// Batched decode: one token of each sequence per program, each attending to its own cache at
// its own position, equals the exact layer model run on each sequence alone.
TEST(LayerProgram, BatchedDecodeHeadDim64) {
  auto dev = tasu::rt::open_device("model", "ci");
  tasu::bench::expect_batch_bit_exact(*dev, shape(256, 704, 4, 2, 64), 4, 5, 3);
}

TEST(LayerProgram, BatchedDecodeHeadDim128) {
  auto dev = tasu::rt::open_device("model", "ci");
  tasu::bench::expect_batch_bit_exact(*dev, shape(256, 384, 2, 1, 128), 3, 2, 2);
}

// More sequences than one program takes: the step runs in chunks, still one token each.
TEST(LayerProgram, BatchLargerThanOneProgram) {
  auto dev = tasu::rt::open_device("model", "ci");
  const auto s = shape(128, 192, 2, 2, 64);
  const int64_t chunk = tasu::codegen::max_layer_tokens(dev->config(), s);
  tasu::bench::expect_batch_bit_exact(*dev, s, chunk + 3, 1, 1);
}

TEST(LayerProgram, BatchErrorsAreClear) {
  auto dev = tasu::rt::open_device("model", "ci");
  const auto p = tasu::bench::random_layer(shape(128, 192, 2, 2, 64), 1);
  const auto& cfg = dev->config();
  tasu::codegen::LayerAddrs a;
  // Two tokens of one program at the same position of the same cache.
  EXPECT_THROW(tasu::codegen::generate_layer(cfg, p, {{3, 0x1000, 0x2000}, {3, 0x1000, 0x2000}}, a),
               std::invalid_argument);
  EXPECT_NO_THROW(tasu::codegen::generate_layer(cfg, p, {{3, 0x1000, 0x2000}, {3, 0x3000, 0x4000}}, a));
  EXPECT_THROW(tasu::codegen::DeviceLayers(*dev, {&p}, 4, {}, 0), std::invalid_argument);
  tasu::codegen::DeviceLayers dl(*dev, {&p}, 2, {}, 2);
  tasu::codegen::StepStats st;
  const auto x = tasu::bench::random_hidden(2, 128, 1);
  EXPECT_THROW(dl.forward(x, 2, st, {}, 2), std::invalid_argument);  // no sequence 2
  dl.forward(x, 2, st, {}, 1);
  // Sequence 1's cache is full: the batched step is refused before anything runs, and sequence
  // 0 keeps its position.
  EXPECT_THROW(dl.forward_batch(x, st), std::invalid_argument);
  EXPECT_EQ(dl.positions(0), 0);
  EXPECT_EQ(dl.positions(1), 2);
}

// A token's loads go ahead of the token before it, into the other half of the scratch: a
// working set past half the scratch is refused (it would overwrite the next token's inputs),
// not turned into wrong numbers. (ci, two tokens: a hidden size of 3,840 fits, 5,120 does not:
// its norms' working sets, 80 rows and more a token, beside 250 rows of constants.)
TEST(LayerProgram, PerTokenWorkingSetPastHalfTheScratchIsRefused) {
  auto dev = tasu::rt::open_device("model", "ci");
  tasu::codegen::LayerAddrs a;
  EXPECT_NO_THROW(
      tasu::codegen::generate_layer(dev->config(), tasu::bench::random_layer(shape(3840, 256, 30, 10, 128), 1), 2, 0, a));
  const auto p = tasu::bench::random_layer(shape(5120, 256, 40, 10, 128), 1);
  try {
    tasu::codegen::generate_layer(dev->config(), p, 2, 0, a);
    ADD_FAILURE() << "a 5120-wide layer accepted on ci";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("exceeds half the scratchpad"), std::string::npos) << e.what();
  }
}

// The next projection's weights load while the vector phase before it works, a share behind each
// token's loads: the q projection's prefetched jobs start within the input norm's first tokens,
// not behind its last (where the weight stream stood still for all of the phase but one token),
// and not all ahead of the first token's work either.
TEST(LayerProgram, WeightPrefetchSpreadsOverThePhasesTokens) {
  const auto& ci = *tasu::arch::find_config("ci");
  const auto p = tasu::bench::random_layer(shape(256, 704, 4, 2, 64), 1);
  tasu::codegen::LayerAddrs a;
  const auto prog = tasu::codegen::generate_layer(ci, p, 8, 0, a);
  const auto is_wgt_load = [](const tasu::isa::Insn& x) {
    return x.opcode() == tasu::arch::Opcode::LOAD &&
           x.get(tasu::arch::field::dst) == static_cast<uint64_t>(tasu::arch::LoadDst::WGT);
  };
  size_t first_mm = 0;
  while (first_mm < prog.size() && prog[first_mm].opcode() != tasu::arch::Opcode::MATMUL) ++first_mm;
  ASSERT_LT(first_mm, prog.size());
  size_t first_w = first_mm, first_vec = first_mm, jobs = 0, jobs_before_vec = 0, vecs = 0, vecs_after = 0;
  for (size_t i = 0; i < first_mm; ++i) {
    if (is_wgt_load(prog[i])) {
      first_w = std::min(first_w, i);
      ++jobs;
      jobs_before_vec += i < first_vec;
    }
    if (prog[i].opcode() == tasu::arch::Opcode::VEC) {
      first_vec = std::min(first_vec, i);
      ++vecs;
      vecs_after += i > first_w;
    }
  }
  EXPECT_GE(jobs, 2u) << "the weight ring holds several of q's jobs";
  EXPECT_GE(vecs_after * 2, vecs) << "the first prefetched job trails " << vecs - vecs_after << " of the phase's "
                                  << vecs << " vector instructions";
  EXPECT_LT(jobs_before_vec, jobs) << "every prefetched job ahead of the phase's first token: the next tokens' inputs "
                                      "queue behind them";
}

// A projection's weight loads run ahead of its MATMULs in program order (three jobs, as far as
// the ring holds them), and its drain stores several tokens' rows per STORE (up to six): at 64
// tokens a batch, a load right before its MATMUL waited behind the drain in the in-order
// dispatch, and a STORE per token paid the memory's latency per token (docs/performance.md, item
// 21). Every token's rows are still stored exactly once (and LayerProgram.ResidualStreamOnDefault
// runs bit-exact on `default`).
TEST(LayerProgram, ProjectionLoadsAheadAndStoresTokensTogether) {
  const auto& def = *tasu::arch::find_config("default");
  const auto s = shape(1024, 2816, 8, 2, 128);
  const auto p = tasu::bench::random_layer(s, 1);
  tasu::codegen::LayerAddrs a;
  a.mlp_act = 0x1000000;
  const int64_t tokens = 64, act_bytes = tokens * s.intermediate * 4;
  const auto prog = tasu::codegen::generate_layer(def, p, tokens, 0, a);
  int64_t loads = 0, matmuls = 0, ahead = 0, stores = 0, merged = 0, max_rows = 0;
  uint64_t bytes = 0;
  for (const auto& x : prog) {
    if (x.opcode() == tasu::arch::Opcode::LOAD &&
        x.get(tasu::arch::field::dst) == static_cast<uint64_t>(tasu::arch::LoadDst::WGT))
      ++loads;
    if (x.opcode() == tasu::arch::Opcode::MATMUL) ahead += loads >= ++matmuls + 3;
    if (x.opcode() != tasu::arch::Opcode::STORE) continue;
    const auto t = tasu::isa::transfer_of(x);
    if (t.dram_addr < a.mlp_act || t.dram_addr >= a.mlp_act + act_bytes) continue;
    ++stores;
    merged += t.rows > 1;
    max_rows = std::max<int64_t>(max_rows, t.rows);
    bytes += uint64_t{t.rows} * t.row_beats * def.BusBytes;
  }
  EXPECT_GE(ahead * 10, matmuls * 9) << ahead << " of " << matmuls << " MATMULs have the job three after them loaded";
  EXPECT_EQ(bytes, static_cast<uint64_t>(act_bytes)) << "relu(gate)^2 * up stored once per token and row";
  EXPECT_GT(merged * 2, stores) << merged << " of " << stores << " STOREs of the MLP's product hold several tokens";
  EXPECT_LE(max_rows, 6);
}

// A prefill's attention loads each key and value block once for all of the program's queries
// (attention_queries), not once per query: the cache bytes read are the context's, once.
TEST(LayerProgram, PrefillAttentionReadsTheCacheOncePerGroup) {
  const auto& ci = *tasu::arch::find_config("ci");
  const auto s = shape(256, 704, 4, 2, 64);
  const auto p = tasu::bench::random_layer(s, 1);
  tasu::codegen::LayerAddrs a;
  a.kcache = 0x100000;
  a.vcache = 0x200000;
  const int64_t tokens = 6, pos0 = 3, vis = pos0 + tokens, row = s.kv_heads * s.head_dim * 4;
  const auto prog = tasu::codegen::generate_layer(ci, p, tokens, pos0, a);
  uint64_t kbytes = 0, vbytes = 0;
  for (const auto& x : prog) {
    if (x.opcode() != tasu::arch::Opcode::LOAD) continue;
    const auto t = tasu::isa::transfer_of(x);
    const uint64_t bytes = uint64_t{t.rows} * t.row_beats * ci.BusBytes;
    if (t.dram_addr >= a.kcache && t.dram_addr < a.kcache + vis * row) kbytes += bytes;
    if (t.dram_addr >= a.vcache && t.dram_addr < a.vcache + vis * row) vbytes += bytes;
  }
  EXPECT_EQ(kbytes, static_cast<uint64_t>(vis * row)) << "keys read per query, not once per group";
  EXPECT_EQ(vbytes, static_cast<uint64_t>(vis * row)) << "values read per query, not once per group";
}

// The residual stream after attention stays in the scratchpad where it fits: x_in is read once
// more (loaded among the o projection's jobs for its drain), x1 never goes to DRAM, and x_out is
// written once, with no DRAM round trip of attn_out or mlp_out (they are stored once, for the
// runtime's checks). Where the output buffer's batches cannot be whole scratchpad rows (ci, 20
// tokens) x1 goes through DRAM. Both stay bit-exact (LayerProgram.HeadDim64OnCi,
// PrefillLongerThanOneChunk).
TEST(LayerProgram, ResidualStreamStaysInTheScratchpad) {
  const auto& ci = *tasu::arch::find_config("ci");
  const auto s = shape(256, 704, 4, 2, 64);
  const auto p = tasu::bench::random_layer(s, 1);
  tasu::codegen::LayerAddrs a;
  const uint32_t sh = 256 * 4, region = 0x10000;
  a.x_in = 0x100000;
  a.attn_out = a.x_in + region;
  a.x1 = a.attn_out + region;
  a.mlp_out = a.x1 + region;
  a.x_out = a.mlp_out + region;
  a.kcache = 0x200000;
  a.vcache = 0x300000;
  auto bytes = [&](int64_t tokens, tasu::arch::Opcode op, uint32_t base) {
    uint64_t n = 0;
    for (const auto& x : tasu::codegen::generate_layer(ci, p, tokens, 0, a))
      if (x.opcode() == op) {
        const auto t = tasu::isa::transfer_of(x);
        if (t.dram_addr >= base && t.dram_addr < base + region) n += uint64_t{t.rows} * t.row_beats * ci.BusBytes;
      }
    return n;
  };
  using tasu::arch::Opcode;
  const int64_t t = 6;
  EXPECT_EQ(bytes(t, Opcode::LOAD, a.x_in), t * 2 * sh) << "x_in: the input norm's read, and one in o's drain";
  EXPECT_EQ(bytes(t, Opcode::STORE, a.x1) + bytes(t, Opcode::LOAD, a.x1), 0u) << "x1 went to DRAM";
  EXPECT_EQ(bytes(t, Opcode::LOAD, a.attn_out) + bytes(t, Opcode::LOAD, a.mlp_out), 0u);
  EXPECT_EQ(bytes(t, Opcode::STORE, a.attn_out), t * sh);
  EXPECT_EQ(bytes(t, Opcode::STORE, a.mlp_out), t * sh);
  EXPECT_EQ(bytes(t, Opcode::STORE, a.x_out), t * sh);
  EXPECT_EQ(bytes(20, Opcode::STORE, a.x1), 20u * sh) << "20 tokens: batches of less than a row, x1 through DRAM";
}

// On `default` (rows of 32: batches of two row blocks at least) the resident residual stream is
// bit-exact, and taken where every token's x1 fits the scratchpad: for 2B4T's hidden size 2,560
// (40 rows a token) a program of 32 tokens keeps it, one of 64 (2,560 rows of 2,048) goes through
// DRAM.
TEST(LayerProgram, ResidualStreamOnDefault) {
  auto dev = tasu::rt::open_device("model", "default");
  tasu::bench::expect_layers_bit_exact(*dev, shape(256, 704, 4, 2, 64), 1, 5, 2);
  const auto s = shape(2560, 256, 20, 5, 128);
  const auto p = tasu::bench::random_layer(s, 1);
  tasu::codegen::LayerAddrs a;
  a.x1 = 0x100000;
  auto x1_stores = [&](int64_t tokens) {
    int64_t n = 0;
    for (const auto& x : tasu::codegen::generate_layer(dev->config(), p, tokens, 0, a))
      n += x.opcode() == tasu::arch::Opcode::STORE && tasu::isa::transfer_of(x).dram_addr >= a.x1 &&
           tasu::isa::transfer_of(x).dram_addr < a.x1 + 64 * 2560 * 4;
    return n;
  };
  ASSERT_GE(tasu::codegen::max_layer_tokens(dev->config(), s), 64);
  EXPECT_EQ(x1_stores(1), 0);
  EXPECT_EQ(x1_stores(32), 0);
  EXPECT_EQ(x1_stores(64), 64) << "x1 of 64 tokens does not fit the scratchpad: one store a token";
}

// A program whose x1 fits the scratchpad but whose MLP working set then does not (ci: hidden
// 3,072, 48 rows a token, 4 tokens; the MLP 3,584 wide, its sub-norm 56 rows a token in place)
// is generated again on the path through DRAM, not refused.
TEST(LayerProgram, ResidualStreamThroughDramWhenTheMlpDoesNotFitBesideIt) {
  const auto& ci = *tasu::arch::find_config("ci");
  const auto p = tasu::bench::random_layer(shape(3072, 3584, 48, 24, 64), 1);
  tasu::codegen::LayerAddrs a;
  a.x1 = 0x4000000;  // past every weight job's offset (the weights' bases are all 0 here)
  a.mlp_out = 0x5000000;
  std::vector<tasu::isa::Insn> prog;
  ASSERT_NO_THROW(prog = tasu::codegen::generate_layer(ci, p, 4, 0, a));
  int64_t x1_stores = 0;
  uint64_t x1_loaded = 0, mlp_out_loaded = 0;
  const uint32_t region = 4 * 3072 * 4;
  for (const auto& x : prog) {
    const auto t = tasu::isa::transfer_of(x);
    const bool in_x1 = t.dram_addr >= a.x1 && t.dram_addr < a.x1 + region;
    x1_stores += x.opcode() == tasu::arch::Opcode::STORE && in_x1;
    if (x.opcode() != tasu::arch::Opcode::LOAD) continue;
    x1_loaded += in_x1 ? uint64_t{t.rows} * t.row_beats * ci.BusBytes : 0;
    mlp_out_loaded += t.dram_addr >= a.mlp_out && t.dram_addr < a.mlp_out + region;
  }
  EXPECT_EQ(x1_stores, 4);
  // Through DRAM, the last residual runs in down's drain (item 22 of docs/performance.md's layer
  // list): x1 read once, a batch ahead among down's jobs, and mlp_out never read back.
  EXPECT_EQ(x1_loaded, region);
  EXPECT_EQ(mlp_out_loaded, 0u);
}

// The last residual in down's drain, bit-exact: `default`, hidden 2,560 (40 rows a token), 64
// tokens, whose x1 does not fit the scratchpad (so it goes through DRAM) while down's batches
// are whole scratchpad rows.
TEST(LayerProgram, LastResidualInDownsDrain) {
  auto dev = tasu::rt::open_device("model", "default");
  const auto s = shape(2560, 256, 20, 5, 128);
  const auto p = tasu::bench::random_layer(s, 1);
  tasu::codegen::LayerAddrs a;
  a.x1 = 0x4000000;  // past every weight job's offset (the weights' bases are all 0 here)
  a.mlp_out = 0x5000000;
  const int64_t T = 64;
  const uint32_t region = T * 2560 * 4;
  uint64_t x1_stored = 0, x1_loaded = 0, mlp_out_loaded = 0;
  for (const auto& x : tasu::codegen::generate_layer(dev->config(), p, T, 0, a)) {
    const auto t = tasu::isa::transfer_of(x);
    const uint64_t bytes = uint64_t{t.rows} * t.row_beats * dev->config().BusBytes;
    const bool in_x1 = t.dram_addr >= a.x1 && t.dram_addr < a.x1 + region;
    if (x.opcode() == tasu::arch::Opcode::STORE && in_x1) x1_stored += bytes;
    if (x.opcode() != tasu::arch::Opcode::LOAD) continue;
    if (in_x1) x1_loaded += bytes;
    if (t.dram_addr >= a.mlp_out && t.dram_addr < a.mlp_out + region) mlp_out_loaded += bytes;
  }
  EXPECT_EQ(x1_stored, region) << "x1 through DRAM";
  EXPECT_EQ(x1_loaded, region);
  EXPECT_EQ(mlp_out_loaded, 0u);
  tasu::bench::expect_layers_bit_exact(*dev, s, 1, T, 1);
}

// A long context in a short scratchpad (programs of 23 tokens on ci): the last program's 16
// queries, at positions 575 .. 590, take their attention in chunks of queries (each reading the
// context once) and blocks of positions, with exponentials per head; position 575's sums, a row
// short of the others in its chunk, are a DOT per head.
TEST(LayerProgram, PrefillAttentionInChunksOfQueries) {
  auto dev = tasu::rt::open_device("model", "ci");
  const auto s = shape(256, 704, 4, 2, 64);
  tasu::bench::expect_layers_bit_exact(*dev, s, 1, 591, 1);
  tasu::codegen::LayerAddrs a;
  a.kcache = 0x100000;
  const int64_t tokens = 16, pos0 = 575, vis = pos0 + tokens, row = s.kv_heads * s.head_dim * 4;
  const auto prog = tasu::codegen::generate_layer(dev->config(), tasu::bench::random_layer(s, 1), tokens, pos0, a);
  uint64_t kbytes = 0;
  for (const auto& x : prog)
    if (x.opcode() == tasu::arch::Opcode::LOAD) {
      const auto t = tasu::isa::transfer_of(x);
      if (t.dram_addr >= a.kcache && t.dram_addr < a.kcache + vis * row)
        kbytes += uint64_t{t.rows} * t.row_beats * dev->config().BusBytes;
    }
  EXPECT_GT(kbytes, static_cast<uint64_t>(vis * row)) << "one chunk of 16 queries: the case is not covered";
  EXPECT_LT(kbytes, static_cast<uint64_t>(tokens * vis * row / 2)) << "the context read per query";
}

TEST(LayerProgram, UnsupportedHeadDimIsRefused) {
  auto dev = tasu::rt::open_device("model", "ci");
  const auto p = tasu::bench::random_layer(shape(96, 128, 3, 3, 32), 1);
  tasu::codegen::LayerAddrs a;
  EXPECT_THROW(tasu::codegen::generate_layer(dev->config(), p, 1, 0, a), std::invalid_argument);
}

}  // namespace
