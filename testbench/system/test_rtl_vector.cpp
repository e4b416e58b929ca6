// Vector unit on the Verilated platform: random VEC programs (every kind, operation and operand
// mode, with scratchpad loads and stores and the engine paths FROM_OUT and TO_ACT) run on the
// RTL and on the functional model must leave the same DRAM behind; VEC operand errors report
// the same code, pc and info on both. One process per test (SystemC elaborates once).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "../common_sc_main.h"
#include "isa/insn.h"
#include "device/device.h"

namespace {

using tasu::arch::ErrorCode;
using tasu::arch::LoadDst;
using tasu::arch::StoreSrc;
using tasu::arch::VectorBMode;
using tasu::arch::VectorKind;
using tasu::arch::VectorOp;
namespace isa = tasu::isa;
namespace rt = tasu::rt;

constexpr uint32_t kL = tasu::arch::kVectorLanes;

// Scratchpad words: mostly binary32 of moderate range (the layer's values), some small
// integers (indices, int8 codes) and some raw bit patterns.
uint32_t random_word(std::mt19937& rng) {
  const int kind = std::uniform_int_distribution<int>(0, 9)(rng);
  if (kind < 6) {
    const float f = std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng) *
                    std::pow(2.0f, static_cast<float>(std::uniform_int_distribution<int>(-20, 20)(rng)));
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
  }
  if (kind < 8) return static_cast<uint32_t>(std::uniform_int_distribution<int>(-300, 300)(rng));
  if (kind < 9) return 0;
  return static_cast<uint32_t>(rng());
}

struct Pair {
  std::unique_ptr<rt::Device> rtl = rt::open_device("rtl", "ci");
  std::unique_ptr<rt::Device> model = rt::open_device("model", "ci");
};

// Writes `in` at in_addr and zeros at out_addr, runs prog and returns the out_bytes it left there.
std::vector<uint8_t> run_on(rt::Device& dev, const std::vector<isa::Insn>& prog, const std::vector<uint8_t>& in,
                            size_t out_bytes, uint32_t in_addr, uint32_t out_addr) {
  const std::vector<uint8_t> bytes = isa::program_bytes(prog), zero(out_bytes, 0);
  const uint64_t paddr = dev.alloc(bytes.size());
  dev.write(in_addr, in.data(), in.size());
  dev.write(out_addr, zero.data(), zero.size());
  dev.write(paddr, bytes.data(), bytes.size());
  dev.start(paddr, static_cast<uint32_t>(prog.size()));
  dev.wait(2'000'000);
  std::vector<uint8_t> out(out_bytes);
  dev.read(out_addr, out.data(), out.size());
  return out;
}

TEST(RtlVsModel, RandomVectorPrograms) {
  const auto& cfg = *tasu::arch::find_config("ci");
  Pair p;
  std::mt19937 rng(7);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const uint32_t bus = cfg.BusBytes, vrows = 256;  // rows used by the test (of cfg.VRows)
  const uint32_t row_beats = cfg.vsp_row_bytes() / bus;
  const uint32_t act_beats = cfg.ActWords * cfg.act_beats_per_word();
  const uint32_t out_words = cfg.OutWords;
  int kinds_seen[7] = {}, stepped_seen = 0, maxima_seen = 0, madd_seen = 0, chained_seen = 0, reads_pending_seen = 0;
  for (int trial = 0; trial < 12; ++trial) {
    // Input: the scratchpad image, then weight and activation bytes for one MATMUL.
    const size_t vsp_bytes = size_t{vrows} * cfg.vsp_row_bytes();
    const size_t wgt_bytes = size_t{cfg.wgt_buffer_beats()} * bus, act_bytes = size_t{act_beats} * bus;
    std::vector<uint8_t> in(vsp_bytes + wgt_bytes + act_bytes);
    for (size_t i = 0; i < vsp_bytes; i += 4) {
      const uint32_t w = random_word(rng);
      std::memcpy(in.data() + i, &w, 4);
    }
    for (size_t i = vsp_bytes; i < in.size(); ++i) in[i] = static_cast<uint8_t>(rng());
    const uint32_t vsp_total_beats = vrows * row_beats;

    std::vector<isa::Insn> prog;
    auto xfer = [&](uint32_t sram, uint32_t off, uint32_t beats) {
      isa::Transfer t;
      t.sram_beat = sram;
      t.dram_addr = off;  // offset: the base is added per device
      t.rows = 1;
      t.row_beats = beats;
      return t;
    };
    using namespace isa::dep;
    // Loads complete in order: the last one's tokens cover all three.
    const isa::Deps last_load{0, EX | VU};
    prog.push_back(isa::make_load(LoadDst::VSP, xfer(0, 0, vsp_total_beats)));
    prog.push_back(isa::make_load(LoadDst::WGT, xfer(0, static_cast<uint32_t>(vsp_bytes), cfg.wgt_buffer_beats())));
    prog.push_back(isa::make_load(LoadDst::ACT, xfer(0, static_cast<uint32_t>(vsp_bytes + wgt_bytes), act_beats),
                                  last_load));
    isa::Matmul mm;
    mm.depth = cfg.WDepth;
    mm.tokens = out_words;
    mm.act_stride = 1;
    prog.push_back(isa::make_matmul(mm, {LD, VU}));  // fills every output word

    const int n_vec = uni(20, 60);
    for (int k = 0; k < n_vec; ++k) {
      isa::Vec v;
      v.kind = static_cast<VectorKind>(uni(0, 6));
      v.len = static_cast<uint32_t>(uni(0, 3) == 0 ? uni(1, 4) : uni(1, 320));
      const uint32_t rows = (v.len + kL - 1) / kL;
      v.op = static_cast<VectorOp>(uni(0, static_cast<int>(VectorOp::MADD)));
      v.bmode = static_cast<VectorBMode>(uni(0, 3));
      v.swap = uni(0, 1) != 0;
      v.rot = uni(0, 3) == 0;
      v.lane = static_cast<uint32_t>(uni(0, kL - 1));
      v.imm = random_word(rng);
      auto row = [&](uint32_t n) { return static_cast<uint32_t>(uni(0, static_cast<int>(vrows - n))); };
      switch (v.kind) {
        case VectorKind::ELEM: {
          if (uni(0, 4) == 0) v.op = VectorOp::MADD;  // a * b + vimm: a fifth of them
          v.src1 = row(rows);
          // A scalar b that steps by one element per row (vstep; rows src2.. hold the scalars): half
          // of the SCALAR and of the IMM ones.
          if (v.bmode == VectorBMode::IMM && uni(0, 1)) {
            v.bmode = VectorBMode::SCALAR;
            v.step = true;
          } else {
            v.step = v.bmode == VectorBMode::SCALAR && uni(0, 1);
          }
          // Often near the end of a row, so that the scalars continue in the next one (a refetch).
          if (v.step && uni(0, 1)) v.lane = kL - static_cast<uint32_t>(uni(1, static_cast<int>(std::min(rows, 3u))));
          if (v.step) ++stepped_seen;
          if (v.op == VectorOp::MADD) ++madd_seen;
          const uint32_t step_rows = (v.lane + rows + kL - 1) / kL;
          v.src2 = row(v.step ? step_rows : rows);
          // In place, or a destination clear of the vector sources and of the stepped scalars.
          auto clear = [&](uint32_t d, uint32_t s) { return d == s || d + rows <= s || s + rows <= d; };
          do v.dst = uni(0, 2) == 0 ? v.src1 : row(rows);
          while (!clear(v.dst, v.src1) || (v.bmode == VectorBMode::VEC && !clear(v.dst, v.src2)) ||
                 (v.bmode == VectorBMode::ROW && v.src2 >= v.dst && v.src2 < v.dst + rows) ||
                 (v.step && v.dst < v.src2 + step_rows && v.src2 < v.dst + rows));
          break;
        }
        case VectorKind::DOT:
        case VectorKind::MAX:
          v.src1 = row(rows);
          v.src2 = row(rows);
          v.dst = row(1);
          break;
        case VectorKind::FROM_OUT: {
          const uint32_t words = (v.len + cfg.Rows - 1) / cfg.Rows;
          v.src2 = static_cast<uint32_t>(uni(0, 3));
          // One word: any stride, far past the scratchpad too (vsrc2 is a stride here, never a b).
          if (words == 1 && uni(0, 1)) v.src2 = static_cast<uint32_t>(uni(static_cast<int>(cfg.VRows), 65535));
          v.src1 = static_cast<uint32_t>(uni(0, static_cast<int>(out_words - 1 - (words - 1) * v.src2)));
          v.dst = row(rows);
          break;
        }
        case VectorKind::TO_ACT:  // vop QMUL (one in 20) quantizes through the lanes with b
          v.src1 = row(rows);
          v.src2 = row(rows);
          v.dst = static_cast<uint32_t>(uni(0, static_cast<int>(act_beats - rows)));
          break;
        case VectorKind::DOTS:
        case VectorKind::WSUM: {
          // A cache of count positions stride rows apart in rows 128.., the rest below it.
          const uint32_t stride = rows + static_cast<uint32_t>(uni(0, 1));
          const auto count = static_cast<uint32_t>(uni(1, std::min<int>(40, static_cast<int>((128 - rows) / stride + 1))));
          v.imm = isa::Vec::counted(count, stride);
          v.src2 = 128 + static_cast<uint32_t>(uni(0, static_cast<int>(vrows - 128 - (count - 1) * stride - rows)));
          if (v.kind == VectorKind::DOTS) {
            // A third take the positions' maxima (vop MAX: no query; vsrc1 is then any row).
            if (uni(0, 2) == 0) {
              v.op = VectorOp::MAX;
              ++maxima_seen;
            }
            v.src1 = static_cast<uint32_t>(uni(0, 60 - static_cast<int>(rows)));
            v.dst = 64 + static_cast<uint32_t>(uni(0, 60));
          } else {
            v.src1 = static_cast<uint32_t>(uni(0, 62));  // the weights, flat from (src1, lane)
            v.dst = 64 + static_cast<uint32_t>(uni(0, 64 - static_cast<int>(rows)));
          }
          break;
        }
      }
      ++kinds_seen[static_cast<int>(v.kind)];
      // The first waits for the loads and the MATMUL, the last releases the second MATMUL.
      prog.push_back(isa::make_vec(
          v, {static_cast<uint8_t>(k == 0 ? LD | EX : 0), static_cast<uint8_t>(k == n_vec - 1 ? EX : 0)}));
      // Chains of DOTS: the unit takes the next DOTS while the tree sums the last positions of the
      // one before when it is of the same kind and reads no row a pending result lands in. Up to
      // three follow-ups, a quarter of the other kind, a third reading the rows one of the two
      // before writes (their results as its query, or as its positions).
      if (v.kind == VectorKind::DOTS && k > 0 && k + 1 < n_vec) {
        isa::Vec prev = v, before = v;  // the last two of the chain
        for (int c = uni(0, 3); c > 0; --c) {
          isa::Vec f = prev;
          const uint32_t r = (f.len + kL - 1) / kL;
          if (uni(0, 3) == 0) f.op = prev.op == VectorOp::MAX ? VectorOp::ADD : VectorOp::MAX;
          const bool fmax = f.op == VectorOp::MAX;
          const auto count = static_cast<uint32_t>(uni(1, 8)), stride = r + static_cast<uint32_t>(uni(0, 1));
          f.imm = isa::Vec::counted(count, stride);
          f.lane = static_cast<uint32_t>(uni(0, kL - 1));
          f.src1 = static_cast<uint32_t>(uni(0, 60 - static_cast<int>(r)));
          f.src2 = 128 + static_cast<uint32_t>(uni(0, static_cast<int>(vrows - 128 - (count - 1) * stride - r)));
          if (uni(0, 2) == 0) {  // the results of the one before, or of the one before that
            (fmax ? f.src2 : f.src1) = uni(0, 1) ? prev.dst : before.dst;
            ++reads_pending_seen;
          }
          const uint32_t span_end = f.src2 + (count - 1) * stride + r;
          auto meets = [](uint32_t alo, uint32_t ahi, uint32_t blo, uint32_t bhi) { return alo < bhi && blo < ahi; };
          uint32_t dst_hi = 0;
          do {
            f.dst = 64 + static_cast<uint32_t>(uni(0, 60));
            dst_hi = (f.dst * kL + f.lane + count - 1) / kL + 1;
          } while ((!fmax && meets(f.dst, dst_hi, f.src1, f.src1 + r)) || meets(f.dst, dst_hi, f.src2, span_end));
          if (fmax == (prev.op == VectorOp::MAX)) ++chained_seen;
          ++kinds_seen[static_cast<int>(f.kind)];
          prog.push_back(isa::make_vec(f, {}));
          before = prev;
          prev = f;
        }
      }
    }
    // The activation buffer (TO_ACT's target) reaches DRAM through one more MATMUL.
    prog.push_back(isa::make_matmul(mm, {VU, ST}));
    const isa::Deps st_pop{EX, 0};
    const uint32_t out_beats = out_words * cfg.out_beats_per_word();
    const size_t out_bytes = vsp_bytes + size_t{out_beats} * bus;
    prog.push_back(isa::make_store(xfer(0, 0, vsp_total_beats), st_pop, StoreSrc::VSP));
    prog.push_back(isa::make_store(xfer(0, static_cast<uint32_t>(vsp_bytes), out_beats), {}, StoreSrc::OUT));
    prog.push_back(isa::make_finish());

    std::vector<uint8_t> res[2];
    int i = 0;
    for (rt::Device* dev : {p.rtl.get(), p.model.get()}) {
      // The DRAM fields hold offsets: add this device's allocations.
      std::vector<isa::Insn> pr = prog;
      dev->reset();
      dev->free_all();
      const auto in_addr = static_cast<uint32_t>(dev->alloc(in.size()));
      const auto out_addr = static_cast<uint32_t>(dev->alloc(out_bytes));
      for (auto& x : pr) {
        if (x.opcode() == tasu::arch::Opcode::LOAD)
          x.set(tasu::arch::field::dram_addr, in_addr + x.get(tasu::arch::field::dram_addr));
        if (x.opcode() == tasu::arch::Opcode::STORE)
          x.set(tasu::arch::field::dram_addr, out_addr + x.get(tasu::arch::field::dram_addr));
      }
      res[i++] = run_on(*dev, pr, in, out_bytes, in_addr, out_addr);
    }
    ASSERT_EQ(res[0].size(), res[1].size());
    const double rtl_cycles = static_cast<double>(p.rtl->counters().cycles);
    const double model_cycles = static_cast<double>(p.model->counters().cycles);
    std::printf("trial %d: rtl %.0f, model %.0f cycles (%+.2f%%)\n", trial, rtl_cycles, model_cycles,
                100 * (model_cycles / rtl_cycles - 1));
    EXPECT_EQ(model_cycles, rtl_cycles) << "trial " << trial;  // issue #10: the model's cycles are the RTL's
    // The vector unit's busy cycles: the union of its instructions' (DOTS in flight overlap).
    EXPECT_EQ(p.model->counters().vu_busy, p.rtl->counters().vu_busy) << "trial " << trial;
    size_t first_diff = 0;
    while (first_diff < res[0].size() && res[0][first_diff] == res[1][first_diff]) ++first_diff;
    ASSERT_EQ(first_diff, res[0].size()) << "trial " << trial << ": first difference at byte " << first_diff
                                         << " (scratchpad row " << first_diff / cfg.vsp_row_bytes() << ")";
  }
  std::printf("seen: stepped %d, maxima %d, madd %d, chained DOTS %d, reading pending results %d\n", stepped_seen,
              maxima_seen, madd_seen, chained_seen, reads_pending_seen);
  for (int k = 0; k < 7; ++k) EXPECT_GT(kinds_seen[k], 5) << "vkind " << k << " barely exercised";
  EXPECT_GT(stepped_seen, 5) << "ELEM with a stepped scalar barely exercised";
  EXPECT_GT(maxima_seen, 5) << "DOTS with vop MAX barely exercised";
  EXPECT_GT(madd_seen, 5) << "ELEM with vop MADD barely exercised";
  EXPECT_GT(chained_seen, 10) << "DOTS following a DOTS of its kind barely exercised";
  EXPECT_GT(reads_pending_seen, 5) << "DOTS reading the rows of the DOTS before barely exercised";
}

// A bad VEC instruction stops the program with BAD_OPERAND, its pc and {vkind, len}, on both.
void expect_vec_error(Pair& p, const isa::Vec& v, uint32_t info, const isa::Vec& first = isa::Vec{}) {
  std::vector<isa::Insn> prog = {isa::make_vec(first), isa::make_vec(v), isa::make_finish()};
  for (rt::Device* dev : {p.rtl.get(), p.model.get()}) {
    dev->reset();
    dev->free_all();
    const std::vector<uint8_t> bytes = isa::program_bytes(prog);
    const uint64_t paddr = dev->alloc(bytes.size());
    dev->write(paddr, bytes.data(), bytes.size());
    dev->start(paddr, static_cast<uint32_t>(prog.size()));
    try {
      dev->wait(100000);
      ADD_FAILURE() << dev->backend() << ": the program did not fail";
    } catch (const rt::DeviceError& e) {
      EXPECT_EQ(e.code(), ErrorCode::BAD_OPERAND) << dev->backend() << "\n" << e.what();
      EXPECT_EQ(e.pc(), 1u) << dev->backend();
      EXPECT_EQ(e.info(), info) << dev->backend();
    }
  }
}

TEST(RtlVectorErrors, OperandsAreChecked) {
  const auto& cfg = *tasu::arch::find_config("ci");
  Pair p;
  auto info = [](const isa::Vec& v) {
    return tasu::arch::put(tasu::arch::regf::ERR_INFO_VEC::vkind, static_cast<uint32_t>(v.kind)) |
           tasu::arch::put(tasu::arch::regf::ERR_INFO_VEC::vlen, v.len);
  };
  isa::Vec v;
  v.len = 0;  // empty vector
  expect_vec_error(p, v, info(v));
  v.len = 100;
  v.src1 = cfg.VRows - 1;  // runs off the scratchpad
  expect_vec_error(p, v, info(v));
  v.src1 = 10;
  v.dst = 11;  // overlaps its source at another offset
  expect_vec_error(p, v, info(v));
  v.dst = 20;
  v.op = static_cast<VectorOp>((1u << tasu::arch::field::vop.width) - 1);  // no such lane operation
  ASSERT_GE(static_cast<int>(v.op), tasu::arch::kVectorOpCount);
  expect_vec_error(p, v, info(v));
  v.op = VectorOp::ADD;
  v.kind = static_cast<VectorKind>((1u << tasu::arch::field::vkind.width) - 1);  // no such kind
  ASSERT_GE(static_cast<int>(v.kind), tasu::arch::kVectorKindCount);
  expect_vec_error(p, v, info(v));
  v.kind = VectorKind::FROM_OUT;  // output words src1 + i * src2 leave the buffer
  v.src1 = cfg.OutWords - 2;
  v.src2 = 1;
  v.len = cfg.Rows * 3;
  expect_vec_error(p, v, info(v));
  v.kind = VectorKind::TO_ACT;  // packs past the activation buffer
  v.src1 = 0;
  v.dst = cfg.ActWords * cfg.act_beats_per_word() - 1;
  v.len = 2 * kL;
  expect_vec_error(p, v, info(v));
  v.dst = 0;  // quantizes (QMUL) with a b outside the scratchpad: a scalar, then a vector
  v.op = VectorOp::QMUL;
  v.bmode = VectorBMode::SCALAR;
  v.src2 = cfg.VRows;
  expect_vec_error(p, v, info(v));
  v.bmode = VectorBMode::VEC;
  v.src2 = cfg.VRows - 1;
  expect_vec_error(p, v, info(v));
  v.op = VectorOp::ADD;
  // A stepped scalar b: its rows of scalars past the scratchpad, or among the rows written.
  v = isa::Vec{};
  v.len = 3 * kL;
  v.src1 = 10;
  v.dst = 10;
  v.bmode = VectorBMode::SCALAR;
  v.step = true;
  v.src2 = cfg.VRows - 1;
  v.lane = kL - 2;  // the third row's scalar lies past the last row
  expect_vec_error(p, v, info(v));
  v.src2 = 9;
  v.lane = kL - 1;  // scalars in rows 9 and 10; row 10 is written
  expect_vec_error(p, v, info(v));
  // DOTS and WSUM: no positions, positions off the scratchpad, results among their sources.
  for (VectorKind k : {VectorKind::DOTS, VectorKind::WSUM}) {
    v = isa::Vec{};
    v.kind = k;
    v.len = 128;
    v.src1 = 10;
    v.src2 = 20;
    v.dst = 100;
    v.imm = isa::Vec::counted(0, 2);  // count 0
    expect_vec_error(p, v, info(v));
    v.imm = isa::Vec::counted(300, 2);  // 20 + 299 * 2 + 2 rows > 512
    expect_vec_error(p, v, info(v));
    v.imm = isa::Vec::counted(40, 2);
    v.dst = 50;  // inside the cache rows 20..100
    expect_vec_error(p, v, info(v));
    // DOTS: results from (9, 60) run into the query's row 10; WSUM: the sum's rows 9..10 hold
    // the weights (row 10).
    v.dst = 9;
    v.lane = k == VectorKind::DOTS ? 60 : 0;
    expect_vec_error(p, v, info(v));
    v.dst = cfg.VRows - 1;  // DOTS: 40 results past the last row; WSUM: 2 rows past it
    expect_vec_error(p, v, info(v));
  }
  // DOTS with vop MAX reads no query, but its maxima must stay clear of its positions.
  v = isa::Vec{};
  v.kind = VectorKind::DOTS;
  v.op = VectorOp::MAX;
  v.len = 128;
  v.src1 = cfg.VRows - 1;  // unused: not an error by itself
  v.src2 = 20;
  v.imm = isa::Vec::counted(40, 2);
  v.dst = 60;  // inside the positions' rows 20..100
  expect_vec_error(p, v, info(v));
  // A bad DOTS behind a good one of its kind whose results are still in the tree: the same
  // report (its pc and {vkind, len}) on both, no hang. (That the unit waits for the tree to empty
  // before refusing it changes only the cycle of the report, which this does not see.)
  isa::Vec good = v;
  good.dst = 200;
  v.imm = isa::Vec::counted(0, 2);  // count 0
  expect_vec_error(p, v, info(v), good);
}

}  // namespace
