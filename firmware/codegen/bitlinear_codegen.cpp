// BitLinear tiling and program generation; see bitlinear_codegen.h.
//
// Loop nest: token chunk c (activations resident) > row block rb (Rows outputs) > K chunk kc
// (WDepth words of each tile). A "job" is one (c, rb, kc): load its weights into weight buffer
// job%2 while the engine works on the other buffer, then MATMUL; after the last kc the output
// block (in output-buffer half (c,rb)%2) is stored while the next block computes.
#include "codegen/bitlinear_codegen.h"

#include "golden/bitlinear.h"
#include "isa/wgt_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace tasu::codegen {
namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Tokens flow in program order; the k-th pop on a counter matches the k-th push. Given, for each
// consumer in its unit's order, the index of the producer it must wait for (or -1), this decides
// which consumers pop and which producers push, skipping waits already implied by an earlier
// wait of the same in-order unit.
struct TokenLink {
  std::vector<bool> pop, push;
  TokenLink(const std::vector<int64_t>& need, size_t n_producers) : pop(need.size(), false), push(n_producers, false) {
    int64_t waited = -1;
    for (size_t i = 0; i < need.size(); ++i) {
      if (need[i] > waited) {
        pop[i] = true;
        push[static_cast<size_t>(need[i])] = true;
        waited = need[i];
      }
    }
  }
};

}  // namespace

BitLinearPlan plan_bitlinear(const arch::Config& cfg, const BitLinearShape& s) {
  // The MAC-array baselines run the same programs with the ternary weights as int8 bytes (INT8)
  // or BF16 values (BF16, whose tiles take the int8 activations as BF16, exactly). The BF16
  // array's binary32 sums of such products are exact integers below 2^24 (max_k * 128 < 2^24):
  // unpack_outputs and the layer programs take them as the integers they are.
  static_assert(int64_t{arch::kMaxK} * 128 < (int64_t{1} << 24), "binary32 sums exact up to max_k");
  if (s.m <= 0 || s.k <= 0 || s.n <= 0)
    throw std::invalid_argument(fmt::format("BitLinear shape must be positive, got M={} K={} N={}", s.m, s.k, s.n));
  if (s.k > arch::kMaxK)
    throw std::invalid_argument(fmt::format(
        "K={} exceeds {}, the largest K {}", s.k, arch::kMaxK,
        cfg.float_sums() ? std::string("whose binary32 sums stay exact integers")
            : fmt::format("the {}-bit accumulators cover", cfg.AccW)));
  BitLinearPlan p;
  p.shape = s;
  const int64_t tl = int64_t{cfg.Tiles} * cfg.Lanes;
  p.kp = ceil_div(s.k, tl) * tl;
  p.mp = ceil_div(s.m, cfg.Rows) * cfg.Rows;
  p.depth_total = p.kp / tl;
  p.row_blocks = p.mp / cfg.Rows;
  p.k_chunks = ceil_div(p.depth_total, cfg.WDepth);
  const int64_t fit = cfg.ActWords / p.depth_total;
  if (fit < 1)
    throw std::invalid_argument(fmt::format("K={} needs {} activation words per token, the buffer holds {}", s.k,
                                            p.depth_total, cfg.ActWords));
  p.tokens_per_chunk = std::min({s.n, fit, int64_t{cfg.OutWords} / 2,
                                 (int64_t{1} << arch::field::tokens.width) - 1});
  p.weight_bytes = wgt_job_offset(cfg, p, p.row_blocks, 0);
  p.act_bytes = static_cast<uint64_t>(s.n) * p.kp;
  p.out_bytes = static_cast<uint64_t>(s.n) * p.mp * 4;
  return p;
}

uint64_t wgt_job_offset(const arch::Config& cfg, const BitLinearPlan& p, int64_t rb, int64_t kc) {
  const auto job_bytes = [&](int64_t depth) {
    return cfg.wgt_load_beats(static_cast<uint64_t>(depth) * cfg.Tiles) * cfg.BusBytes;
  };
  const int64_t W = cfg.WDepth;
  const uint64_t row_block = static_cast<uint64_t>(p.k_chunks - 1) * job_bytes(W) +
                             job_bytes(p.depth_total - (p.k_chunks - 1) * W);
  return static_cast<uint64_t>(rb) * row_block + static_cast<uint64_t>(kc) * job_bytes(W);
}

std::vector<uint8_t> pack_weights(const arch::Config& cfg, const BitLinearPlan& p, const int8_t* w) {
  // Order: row block, then depth word, then tile: exactly the weight-buffer word order, so a
  // K chunk of a row block is one contiguous LOAD.
  const int64_t word_bytes = cfg.wgt_word_bytes();
  // A weight is its two's complement in wgt_bits bits (2 for ternary: 0b11, 0b00, 0b01; 8 for
  // the INT8 array), lane l of row r at bit (r * Lanes + l) * bits of the tile's word; with WPack
  // five weights a byte (isa::pack_trit5), in the same order.
  // BF16 weights are the values' bit patterns (+1.0 0x3F80, -1.0 0xBF80), little-endian.
  const uint32_t bits = cfg.wgt_bits(), mask = (1u << bits) - 1;
  if (bits <= 8 ? 8 % bits != 0 : bits != 16) throw std::logic_error("pack_weights: weights of 2, 4, 8 or 16 bits");
  std::vector<uint8_t> out(p.weight_bytes, 0);
  std::vector<int8_t> trits(cfg.WPack ? size_t{cfg.Rows} * cfg.Lanes : 0);
  const int64_t tl = int64_t{cfg.Tiles} * cfg.Lanes;
  // Anything but -1, 0, +1 is found by one pass first, so the packing loop has no branch per weight.
  for (int64_t i = 0; i < p.shape.m * p.shape.k; ++i)
    if (w[i] < -1 || w[i] > 1)
      throw std::invalid_argument(
          fmt::format("weight [{}][{}] = {} is not ternary", i / p.shape.k, i % p.shape.k, int{w[i]}));
  for (int64_t rb = 0; rb < p.row_blocks; ++rb)
    for (int64_t d = 0; d < p.depth_total; ++d)
      for (int64_t t = 0; t < cfg.Tiles; ++t) {
        const int64_t kc = d / cfg.WDepth;
        uint8_t* word = out.data() + wgt_job_offset(cfg, p, rb, kc) +
                        ((d - kc * cfg.WDepth) * cfg.Tiles + t) * word_bytes;
        const int64_t col0 = d * tl + t * cfg.Lanes;
        const int64_t lanes = std::min<int64_t>(cfg.Lanes, p.shape.k - col0);
        if (lanes <= 0) continue;
        std::fill(trits.begin(), trits.end(), int8_t{0});
        for (int64_t r = 0; r < cfg.Rows; ++r) {
          const int64_t row = rb * cfg.Rows + r;
          if (row >= p.shape.m) break;
          const int8_t* src = w + row * p.shape.k + col0;
          if (cfg.WPack) {
            std::copy(src, src + lanes, trits.begin() + r * cfg.Lanes);
            continue;
          }
          for (int64_t l = 0; l < lanes; ++l) {
            const uint64_t pos = static_cast<uint64_t>(r * cfg.Lanes + l) * bits;
            if (bits == 16) {
              const uint16_t b = golden::float_to_bf16_rne(static_cast<float>(src[l]));
              word[pos / 8] = static_cast<uint8_t>(b);
              word[pos / 8 + 1] = static_cast<uint8_t>(b >> 8);
              continue;
            }
            word[pos / 8] |= static_cast<uint8_t>((static_cast<uint8_t>(src[l]) & mask) << (pos % 8));
          }
        }
        if (cfg.WPack) isa::pack_trit5(trits.data(), trits.size(), word);
      }
  return out;
}

std::vector<uint8_t> pack_activations(const BitLinearPlan& p, const int8_t* x) {
  std::vector<uint8_t> out(p.act_bytes, 0);
  for (int64_t n = 0; n < p.shape.n; ++n)
    std::memcpy(out.data() + n * p.kp, x + n * p.shape.k, static_cast<size_t>(p.shape.k));
  return out;
}

void unpack_outputs(const arch::Config& cfg, const BitLinearPlan& p, const int32_t* y_dev, int32_t* y) {
  const bool bf16 = cfg.float_sums();
  for (int64_t n = 0; n < p.shape.n; ++n)
    for (int64_t m = 0; m < p.shape.m; ++m) {
      const int32_t word = y_dev[n * p.mp + m];
      int32_t& out = y[n * p.shape.m + m];
      if (!bf16) {
        out = word;
        continue;
      }
      // A binary32 sum of K ternary x int8 products is an integer of magnitude at most 128 K
      // (below 2^24); any other pattern is a device fault, named rather than rounded into a
      // plausible value.
      float f;
      std::memcpy(&f, &word, sizeof f);
      if (!(std::fabs(f) <= 128.0f * static_cast<float>(p.shape.k)) || f != std::trunc(f))
        throw std::runtime_error(fmt::format(
            "output [token {}][row {}] of the BF16 engine is {} (0x{:08x}), not an integer sum of {} ternary x int8 products",
            n, m, f, static_cast<uint32_t>(word), p.shape.k));
      out = static_cast<int32_t>(f);
    }
}

std::vector<isa::Insn> generate_bitlinear(const arch::Config& cfg, const BitLinearPlan& p, const BitLinearAddrs& a) {
  using arch::LoadDst;
  const int64_t act_beats = cfg.act_beats_per_word();
  const int64_t out_beats = cfg.out_beats_per_word();
  const int64_t half = cfg.OutWords / 2;
  const int64_t chunks = ceil_div(p.shape.n, p.tokens_per_chunk);

  // Enumerate the work first, then decide the tokens, then emit in program order.
  struct Job { int64_t c, rb, kc, depth, block; };      // block = index of (c, rb)
  struct LdOp { bool act; int64_t c, job; };
  std::vector<Job> jobs;
  std::vector<LdOp> lds;
  std::vector<int64_t> block_last_job;
  for (int64_t c = 0; c < chunks; ++c)
    for (int64_t rb = 0; rb < p.row_blocks; ++rb) {
      const int64_t block = static_cast<int64_t>(block_last_job.size());
      for (int64_t kc = 0; kc < p.k_chunks; ++kc) {
        const int64_t depth = std::min<int64_t>(cfg.WDepth, p.depth_total - kc * cfg.WDepth);
        if (rb == 0 && kc == 0) lds.push_back({true, c, static_cast<int64_t>(jobs.size())});
        lds.push_back({false, c, static_cast<int64_t>(jobs.size())});
        jobs.push_back({c, rb, kc, depth, block});
      }
      block_last_job.push_back(static_cast<int64_t>(jobs.size()) - 1);
    }
  const auto njobs = static_cast<int64_t>(jobs.size());
  const auto nblocks = static_cast<int64_t>(block_last_job.size());

  // engine -> load: a weight buffer is free once the job two back is done; the activation
  // region once the previous chunk's last job is done.
  std::vector<int64_t> ld_need;
  for (const auto& op : lds) {
    if (op.act) ld_need.push_back(op.job > 0 ? op.job - 1 : -1);
    else ld_need.push_back(op.job >= 2 ? op.job - 2 : -1);
  }
  const TokenLink e2l(ld_need, static_cast<size_t>(njobs));
  // load -> engine: a job needs its own weight load (loads complete in order, so the activation
  // load before it is done too).
  std::vector<int64_t> ex_need_ld;
  {
    int64_t li = 0;
    for (int64_t j = 0; j < njobs; ++j) {
      while (lds[static_cast<size_t>(li)].act || lds[static_cast<size_t>(li)].job != j) ++li;
      ex_need_ld.push_back(li);
    }
  }
  const TokenLink l2e(ex_need_ld, lds.size());
  // engine -> store: a block's store needs its last job. store -> engine: a block's first job
  // needs the store of the block two back (same output-buffer half).
  std::vector<int64_t> st_need(block_last_job.begin(), block_last_job.end());
  const TokenLink e2s(st_need, static_cast<size_t>(njobs));
  std::vector<int64_t> ex_need_st;
  for (const auto& j : jobs) ex_need_st.push_back(j.kc == 0 && j.block >= 2 ? j.block - 2 : -1);
  const TokenLink s2e(ex_need_st, static_cast<size_t>(nblocks));

  std::vector<isa::Insn> prog;
  size_t li = 0;
  for (int64_t j = 0; j < njobs; ++j) {
    const Job& job = jobs[static_cast<size_t>(j)];
    const int64_t c0 = job.c * p.tokens_per_chunk;
    const int64_t nc = std::min(p.tokens_per_chunk, p.shape.n - c0);
    while (li < lds.size() && lds[li].job == j) {
      const LdOp& op = lds[li];
      isa::Deps d;
      if (e2l.pop[li]) d.pop |= isa::unit_bit(arch::Unit::EX);
      if (l2e.push[li]) d.push |= isa::unit_bit(arch::Unit::EX);
      isa::Transfer t;
      if (op.act) {
        t.sram_beat = 0;
        t.dram_addr = static_cast<uint32_t>(a.acts + c0 * p.kp);
        t.rows = static_cast<uint32_t>(nc);
        t.row_beats = static_cast<uint32_t>(p.depth_total * act_beats);
        t.dram_stride = static_cast<uint32_t>(p.kp);
        prog.push_back(isa::make_load(LoadDst::ACT, t, d));
      } else {
        const int64_t words = job.depth * cfg.Tiles;
        t.sram_beat = cfg.wgt_load_at(static_cast<uint64_t>((j % arch::kWgtBuffers) * cfg.WDepth * cfg.Tiles));
        t.dram_addr = static_cast<uint32_t>(a.weights + wgt_job_offset(cfg, p, job.rb, job.kc));
        t.rows = 1;
        t.row_beats = static_cast<uint32_t>(cfg.wgt_load_beats(static_cast<uint64_t>(words)));
        t.dram_stride = 0;
        prog.push_back(isa::make_load(LoadDst::WGT, t, d));
      }
      ++li;
    }
    isa::Deps d;
    if (l2e.pop[static_cast<size_t>(j)]) d.pop |= isa::unit_bit(arch::Unit::LD);
    if (s2e.pop[static_cast<size_t>(j)]) d.pop |= isa::unit_bit(arch::Unit::ST);
    if (e2l.push[static_cast<size_t>(j)]) d.push |= isa::unit_bit(arch::Unit::LD);
    if (e2s.push[static_cast<size_t>(j)]) d.push |= isa::unit_bit(arch::Unit::ST);
    isa::Matmul mm;
    mm.wbuf = static_cast<uint32_t>(j % arch::kWgtBuffers);
    mm.accumulate = job.kc > 0;
    mm.depth = static_cast<uint32_t>(job.depth);
    mm.act_word = static_cast<uint32_t>(job.kc * cfg.WDepth);
    mm.act_stride = static_cast<uint32_t>(p.depth_total);
    mm.out_word = static_cast<uint32_t>((job.block % 2) * half);
    mm.tokens = static_cast<uint32_t>(nc);
    prog.push_back(isa::make_matmul(mm, d));
    if (j == block_last_job[static_cast<size_t>(job.block)]) {
      isa::Deps sd;
      if (e2s.pop[static_cast<size_t>(job.block)]) sd.pop |= isa::unit_bit(arch::Unit::EX);
      if (s2e.push[static_cast<size_t>(job.block)]) sd.push |= isa::unit_bit(arch::Unit::EX);
      isa::Transfer t;
      t.sram_beat = static_cast<uint32_t>((job.block % 2) * half * out_beats);
      t.dram_addr = static_cast<uint32_t>(a.outs + (c0 * p.mp + job.rb * cfg.Rows) * 4);
      t.rows = static_cast<uint32_t>(nc);
      t.row_beats = static_cast<uint32_t>(out_beats);
      t.dram_stride = static_cast<uint32_t>(p.mp * 4);
      prog.push_back(isa::make_store(t, sd));
    }
  }
  prog.push_back(isa::make_finish());
  return prog;
}

}  // namespace tasu::codegen
