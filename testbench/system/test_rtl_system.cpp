// End-to-end benches on the Verilated SystemC platform: BitLinear of odd and real shapes bit-exact
// against the golden model, RTL equal to the functional model, and every device error path.
// Each test runs in its own process (SystemC elaborates once per process).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <iterator>
#include <string>
#include <vector>

#include "../common_sc_main.h"
#include "random_programs.h"  // run_program
#include "codegen/bitlinear_runner.h"
#include "isa/insn.h"
#include "device/device.h"

namespace {

using tasu::arch::ErrorCode;
using tasu::arch::LoadDst;
namespace isa = tasu::isa;

tasu::codegen::BitLinearReport run_rtl(const char* cfg, int64_t m, int64_t k, int64_t n,
                                       const tasu::rt::DeviceOptions& opt = {}) {
  auto dev = tasu::rt::open_device("rtl", cfg, opt);
  tasu::codegen::BitLinearRun run;
  run.shape = {m, k, n};
  run.seed = static_cast<uint64_t>(m + 1000 * k + 7 * n);
  const double bpc = opt.mem_bytes_per_cycle ? opt.mem_bytes_per_cycle : dev->config().MemBytesPerCycle;
  auto r = tasu::codegen::run_bitlinear(*dev, run, bpc);
  EXPECT_TRUE(r.bit_exact) << m << "x" << k << "x" << n << ": " << r.first_mismatch;
  EXPECT_GT(r.counters.cycles, 0u);
  EXPECT_GE(r.counters.ex_busy, static_cast<uint64_t>(r.plan.depth_total * r.plan.row_blocks * n));
  // The functional model's cycle count for the same run: issue #10 asks for 2% of the RTL's; its
  // timing replay (model/functional/timing.cpp) gives the RTL's count exactly, and is held there.
  auto model = tasu::rt::open_device("model", cfg, opt);
  const auto mr = tasu::codegen::run_bitlinear(*model, run, bpc);
  const double err = static_cast<double>(mr.counters.cycles) / static_cast<double>(r.counters.cycles) - 1.0;
  std::printf("%s %lldx%lldx%lld: rtl %llu, model %llu cycles (%+.2f%%)\n", cfg, static_cast<long long>(m),
              static_cast<long long>(k), static_cast<long long>(n), static_cast<unsigned long long>(r.counters.cycles),
              static_cast<unsigned long long>(mr.counters.cycles), 100 * err);
  EXPECT_EQ(mr.counters.cycles, r.counters.cycles) << "functional model cycles " << 100 * err << "% off the RTL's";
  return r;
}

TEST(RtlBitLinear, Shape1x1) { run_rtl("ci", 1, 1, 1); }
TEST(RtlBitLinear, Shape3x5Tokens2) { run_rtl("ci", 3, 5, 2); }
TEST(RtlBitLinear, Shape33x100Tokens3) { run_rtl("ci", 33, 100, 3); }
TEST(RtlBitLinear, Shape17x1000Tokens9KChunks) { run_rtl("ci", 17, 1000, 9); }
TEST(RtlBitLinear, Shape16x64Tokens200OutputHalves) { run_rtl("ci", 16, 64, 200); }
// Another memory: the functional model's timing rules were read off the RTL at one beat a cycle
// and 20 cycles of latency; they must hold at half the bandwidth and three times the latency.
TEST(RtlBitLinear, Real640x2560Tokens4SlowerMemory) {
  tasu::rt::DeviceOptions opt;
  opt.mem_latency = 60;
  opt.mem_bytes_per_cycle = 32;
  run_rtl("ci", 640, 2560, 4, opt);
}
TEST(RtlBitLinear, Shape16x64Tokens200SlowerMemory) {
  tasu::rt::DeviceOptions opt;
  opt.mem_latency = 60;
  opt.mem_bytes_per_cycle = 32;
  run_rtl("ci", 16, 64, 200, opt);
}
TEST(RtlBitLinear, Real2560x2560Tokens1) { run_rtl("ci", 2560, 2560, 1); }
TEST(RtlBitLinear, Real640x2560Tokens4) { run_rtl("ci", 640, 2560, 4); }
TEST(RtlBitLinear, Real6912x2560Tokens1) { run_rtl("ci", 6912, 2560, 1); }
TEST(RtlBitLinear, Real2560x6912Tokens3) { run_rtl("ci", 2560, 6912, 3); }
// The same real shapes on the full-size configuration, N = 1 and N > 1.
TEST(RtlBitLinearDefault, Real2560x2560Tokens8) { run_rtl("default", 2560, 2560, 8); }
TEST(RtlBitLinearDefault, Real640x2560Tokens1) { run_rtl("default", 640, 2560, 1); }
TEST(RtlBitLinearDefault, Real6912x2560Tokens1) { run_rtl("default", 6912, 2560, 1); }
TEST(RtlBitLinearDefault, Real6912x2560Tokens16) { run_rtl("default", 6912, 2560, 16); }
TEST(RtlBitLinearDefault, Real2560x6912Tokens1) { run_rtl("default", 2560, 6912, 1); }
TEST(RtlBitLinearDefault, Real2560x6912Tokens5) { run_rtl("default", 2560, 6912, 5); }
TEST(RtlBitLinearDefault, OddShape33x100Tokens3) { run_rtl("default", 33, 100, 3); }

// 1.6-bit weights (WPack): five per byte, reassembled into words in the engine, decoded in the tiles.
TEST(RtlBitLinearPacked, Shape1x1) { run_rtl("ci_w16", 1, 1, 1); }
TEST(RtlBitLinearPacked, Shape33x100Tokens3) { run_rtl("ci_w16", 33, 100, 3); }
TEST(RtlBitLinearPacked, Shape17x1000Tokens9KChunks) { run_rtl("ci_w16", 17, 1000, 9); }
TEST(RtlBitLinearPacked, Real640x2560Tokens4) { run_rtl("ci_w16", 640, 2560, 4); }
TEST(RtlBitLinearPacked, Real2560x6912Tokens3) { run_rtl("ci_w16", 2560, 6912, 3); }

// The MAC-array baselines run the same programs: ternary weights as int8 bytes, or as BF16
// values whose binary32 sums come back as the integers they are.
TEST(RtlBitLinearInt8, Shape17x1000Tokens9KChunks) { run_rtl("ci_int8", 17, 1000, 9); }
TEST(RtlBitLinearBf16, Shape33x100Tokens3) { run_rtl("ci_bf16", 33, 100, 3); }
TEST(RtlBitLinearBf16, Shape17x1000Tokens9KChunks) { run_rtl("ci_bf16", 17, 1000, 9); }
TEST(RtlBitLinearBf16, Real640x2560Tokens4) { run_rtl("ci_bf16", 640, 2560, 4); }

TEST(RtlTrace, VcdOfThePinsIsWritten) {
  const std::string file = testing::TempDir() + "tasu_trace_test.vcd";
  {
    tasu::rt::DeviceOptions opt;
    opt.trace_file = file;
    auto dev = tasu::rt::open_device("rtl", "ci", opt);
    tasu::codegen::BitLinearRun run;
    run.shape = {5, 70, 2};
    EXPECT_TRUE(tasu::codegen::run_bitlinear(*dev, run, 64).bit_exact);
  }
  std::ifstream f(file);
  ASSERT_TRUE(f.good()) << file;
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("$enddefinitions"), std::string::npos);
  EXPECT_NE(text.find("mem_req_valid"), std::string::npos);
  EXPECT_NE(text.find("\n#100\n"), std::string::npos);  // the simulation ran past 100 ns
}

// Runs a hand-written program and returns the device error it must raise.
tasu::rt::DeviceError expect_error(const std::vector<isa::Insn>& prog, uint64_t watchdog = 20000,
                                   const char* config = "ci") {
  auto dev = tasu::rt::open_device("rtl", config);
  try {
    tasu::bench::run_program(*dev, prog, watchdog);
  } catch (const tasu::rt::DeviceError& e) {
    return e;
  }
  ADD_FAILURE() << "program finished without the expected error";
  return tasu::rt::DeviceError(ErrorCode::NONE, 0, 0, false, "none");
}

isa::Transfer xfer(uint32_t dram, uint32_t beats) {
  isa::Transfer t;
  t.dram_addr = dram;
  t.row_beats = beats;
  return t;
}

// A unit has no token channel to itself: its own flag stops the program at decode.
TEST(RtlErrors, OwnDependencyFlagIsBadOperand) {
  const isa::Insn bad = isa::make_vec(isa::Vec{}, {0, isa::dep::VU});
  const auto e = expect_error({isa::make_load(LoadDst::ACT, xfer(0x1000, 1)), bad, isa::make_finish()});
  EXPECT_EQ(e.code(), ErrorCode::BAD_OPERAND);
  EXPECT_EQ(e.pc(), 1u);
  EXPECT_EQ(e.info(), static_cast<uint32_t>(bad.w[0]));
}

TEST(RtlErrors, IllegalOpcodeReportsItsInstruction) {
  isa::Insn bad;
  bad.set(tasu::arch::field::opcode, 9);
  const auto e = expect_error({isa::make_load(LoadDst::ACT, xfer(0x1000, 1)), bad, isa::make_finish()});
  EXPECT_EQ(e.code(), ErrorCode::ILLEGAL_OPCODE);
  EXPECT_EQ(e.pc(), 1u);
  EXPECT_NE(std::string(e.what()).find(".word"), std::string::npos) << e.what();
}

TEST(RtlErrors, OutOfRangeDmaReadIsABusError) {
  const auto e = expect_error({isa::make_load(LoadDst::ACT, xfer(0x7fff0000, 4)), isa::make_finish()});
  EXPECT_EQ(e.code(), ErrorCode::BUS_READ);
  EXPECT_EQ(e.pc(), 0u);
  EXPECT_EQ(e.info(), 0x7fff0000u);
}

TEST(RtlErrors, OutOfRangeDmaWriteIsABusError) {
  const auto e = expect_error({isa::make_store(xfer(0x7fff0000, 1)), isa::make_finish()});
  EXPECT_EQ(e.code(), ErrorCode::BUS_WRITE);
  EXPECT_EQ(e.pc(), 0u);
}

TEST(RtlErrors, MisalignedTransfer) {
  const auto e = expect_error({isa::make_load(LoadDst::WGT, xfer(0x1004, 1)), isa::make_finish()});
  EXPECT_EQ(e.code(), ErrorCode::MISALIGNED);
}

TEST(RtlErrors, LoadBeyondBufferIsBadOperand) {
  isa::Transfer t = xfer(0x1000, 16);
  t.sram_beat = 255 * 2;  // activation space of ci is 256 words x 1 beat
  const auto e = expect_error({isa::make_load(LoadDst::ACT, t), isa::make_finish()});
  EXPECT_EQ(e.code(), ErrorCode::BAD_OPERAND);
}

// A transfer of zero rows or zero beats would move nothing and signal nothing: refused at issue,
// as the functional model does (found by the mutation campaign: no test held the rows check).
// A packed weight LOAD addresses words: it fails when its words would pass the weight space, the
// byte of the packed space where the failing burst starts as ERR_INFO, on the RTL and the model alike.
TEST(RtlErrors, PackedWeightLoadBeyondItsWordsIsBadOperand) {
  const auto& cfg = *tasu::arch::find_config("ci_w16");
  const uint32_t words = tasu::arch::kWgtBuffers * cfg.WDepth * cfg.Tiles, wb = cfg.wgt_word_bytes();
  // The last two words fit exactly (the rest of the last beat is padding); one word more does not.
  isa::Transfer fits = xfer(0x1000, static_cast<uint32_t>(cfg.wgt_load_beats(2)));
  fits.sram_beat = words - 2;
  EXPECT_NO_THROW(tasu::bench::run_program(*tasu::rt::open_device("model", "ci_w16"),
                                           {isa::make_load(LoadDst::WGT, fits), isa::make_finish()}, 20000));
  isa::Transfer t = xfer(0x1000, static_cast<uint32_t>(cfg.wgt_load_beats(3)));
  t.sram_beat = words - 2;
  const std::vector<isa::Insn> prog = {isa::make_load(LoadDst::WGT, t), isa::make_finish()};
  const auto e = expect_error(prog, 20000, "ci_w16");
  EXPECT_EQ(e.code(), ErrorCode::BAD_OPERAND);
  EXPECT_EQ(e.info(), (words - 2) * wb);  // a burst of all the beats, from the first word's byte
  try {
    tasu::bench::run_program(*tasu::rt::open_device("model", "ci_w16"), prog, 20000);
    ADD_FAILURE() << "the model ran the packed LOAD past the weight space";
  } catch (const tasu::rt::DeviceError& m) {
    EXPECT_EQ(m.code(), e.code());
    EXPECT_EQ(m.info(), e.info());
    EXPECT_EQ(m.pc(), e.pc());
  }
}

TEST(RtlErrors, EmptyTransfersAreBadOperands) {
  auto dev = tasu::rt::open_device("rtl", "ci");  // one platform per process: reset between runs
  // The error's code and info (a load reports {dst, rows}, as the functional model does).
  const auto error_of = [&](const std::vector<isa::Insn>& prog) {
    dev->reset();
    try {
      tasu::bench::run_program(*dev, prog, 20000);
    } catch (const tasu::rt::DeviceError& e) {
      return std::make_pair(e.code(), e.info());
    }
    return std::make_pair(ErrorCode::NONE, 0u);
  };
  for (const bool rows : {true, false}) {
    isa::Transfer t = xfer(0x1000, 4);
    (rows ? t.rows : t.row_beats) = 0;
    // Refused at issue, not after a run of 65,535 rows into the buffer's bound.
    const auto load = error_of({isa::make_load(LoadDst::ACT, t), isa::make_finish()});
    EXPECT_EQ(load.first, ErrorCode::BAD_OPERAND) << (rows ? "load rows" : "load beats");
    EXPECT_EQ(load.second, tasu::arch::put(tasu::arch::regf::ERR_INFO_TRANSFER::dst, static_cast<uint32_t>(LoadDst::ACT)) |
                               tasu::arch::put(tasu::arch::regf::ERR_INFO_TRANSFER::rows, t.rows))
        << (rows ? "load rows" : "load beats");
    EXPECT_EQ(error_of({isa::make_store(t), isa::make_finish()}).first, ErrorCode::BAD_OPERAND)
        << (rows ? "store rows" : "store beats");
  }
}

TEST(RtlErrors, MatmulDepthTooLargeIsBadOperand) {
  isa::Matmul mm;
  mm.depth = 200;
  const auto e = expect_error({isa::make_matmul(mm), isa::make_finish()});
  EXPECT_EQ(e.code(), ErrorCode::BAD_OPERAND);
  EXPECT_EQ(e.pc(), 0u);
}

TEST(RtlErrors, MatmulPastTheEndOfItsBufferIsBadOperand) {
  // A depth that fits the buffer, but not from word woff on: ERR_INFO_MATMUL {tokens, woff, depth}.
  isa::Matmul mm;
  mm.depth = 4;
  mm.woff = 6;
  const auto f = expect_error({isa::make_matmul(mm), isa::make_finish()});
  EXPECT_EQ(f.code(), ErrorCode::BAD_OPERAND);
  namespace f_ = tasu::arch::regf::ERR_INFO_MATMUL;
  EXPECT_EQ(f.info(), tasu::arch::put(f_::tokens, 1) | tasu::arch::put(f_::woff, 6) | tasu::arch::put(f_::depth, 4));
}

TEST(RtlErrors, MatmulOutsideActivationBufferIsBadOperand) {
  isa::Matmul mm;
  mm.depth = 8;
  mm.act_word = 250;
  const auto e = expect_error({isa::make_matmul(mm), isa::make_finish()});
  EXPECT_EQ(e.code(), ErrorCode::BAD_OPERAND);
}

TEST(RtlErrors, ProgramWithoutFinishOverruns) {
  const auto e = expect_error({isa::make_load(LoadDst::ACT, xfer(0x1000, 1))});
  EXPECT_EQ(e.code(), ErrorCode::PROG_OVERRUN);
  EXPECT_EQ(e.pc(), 1u);
}

TEST(RtlErrors, DeadlockedProgramTripsTheWatchdog) {
  const isa::Deps wait_for_load{isa::dep::LD, 0};  // no load ever pushes: the engine waits forever
  isa::Matmul mm;
  const auto e = expect_error({isa::make_matmul(mm, wait_for_load), isa::make_finish()}, 5000);
  EXPECT_TRUE(e.watchdog());
  EXPECT_NE(std::string(e.what()).find("tokens:"), std::string::npos) << e.what();
}

TEST(RtlErrors, StartAfterErrorNeedsResetThenWorks) {
  auto dev = tasu::rt::open_device("rtl", "ci");
  const std::vector<uint8_t> bytes = isa::program_bytes({isa::make_load(LoadDst::ACT, xfer(0x7fff0000, 4)), isa::make_finish()});
  const uint64_t addr = dev->alloc(bytes.size());
  dev->write(addr, bytes.data(), bytes.size());
  dev->start(addr, 2);
  EXPECT_THROW(dev->wait(20000), tasu::rt::DeviceError);
  EXPECT_THROW(dev->start(addr, 2), std::logic_error);
  dev->reset();
  tasu::codegen::BitLinearRun run;
  run.shape = {20, 90, 3};
  EXPECT_TRUE(tasu::codegen::run_bitlinear(*dev, run, 64).bit_exact);
}

// Random programs of strided 2-D transfers and MATMULs with random operands, run on the RTL
// and on the functional model: the DRAM they leave behind and the byte counters must agree.
// This is the random-stimulus bench of the DMA engines and the command processor, and of the
// MAC-array engines (random bytes are valid INT8 weights and BF16 bit patterns alike).
void random_programs(const char* config) {
  const auto& cfg = *tasu::arch::find_config(config);
  auto rtl = tasu::rt::open_device("rtl", config);
  auto model = tasu::rt::open_device("model", config);
  std::mt19937 rng(2024);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int bus = static_cast<int>(cfg.BusBytes);
  // (A packed weight LOAD addresses words and fills about BusBytes / word bytes of one per beat.)
  const int wgt_beats = cfg.WPack ? static_cast<int>(tasu::arch::kWgtBuffers * cfg.WDepth * cfg.Tiles)
                                  : static_cast<int>(cfg.wgt_buffer_beats()) * 2;
  const int act_beats = static_cast<int>(cfg.ActWords * cfg.act_beats_per_word());
  const int out_beats = static_cast<int>(cfg.OutWords * cfg.out_beats_per_word());
  int stored_something = 0;
  for (int trial = 0; trial < 6; ++trial) {
    rtl->reset();
    // Both devices allocate alike: source, destination, then the program.
    uint32_t src = 0, dst = 0;
    for (auto* dev : {rtl.get(), model.get()}) {
      dev->free_all();
      src = static_cast<uint32_t>(dev->alloc(1 << 16));
      dst = static_cast<uint32_t>(dev->alloc(1 << 16));
    }
    std::vector<uint8_t> data(1 << 16);
    for (auto& b : data) b = static_cast<uint8_t>(rng());
    const std::vector<uint8_t> zero(1 << 16, 0);
    std::vector<isa::Insn> prog;
    const int steps = uni(2, 6);
    for (int k = 0; k < steps; ++k) {
      // A transfer of random shape that fits both the buffer and the 64 KiB source/destination.
      auto random_xfer = [&](int capacity, uint32_t base) {
        isa::Transfer t;
        t.rows = static_cast<uint32_t>(uni(1, 4));
        t.row_beats = static_cast<uint32_t>(uni(1, std::min(40, capacity / static_cast<int>(t.rows))));
        t.sram_beat = static_cast<uint32_t>(uni(0, capacity - static_cast<int>(t.rows * t.row_beats)));
        t.dram_stride = static_cast<uint32_t>(bus * uni(static_cast<int>(t.row_beats), 60));
        const int span = static_cast<int>((t.rows - 1) * t.dram_stride + t.row_beats * bus);
        t.dram_addr = base + static_cast<uint32_t>(bus * uni(0, ((1 << 16) - span) / bus));
        return t;
      };
      using namespace isa::dep;
      // The weight buffer is free once the previous MATMUL is done, the output buffer once the
      // previous STORE is; the second load's token covers both (loads complete in order).
      const isa::Deps dw{static_cast<uint8_t>(k > 0 ? EX : 0), 0}, da{0, EX};
      const isa::Deps dm{static_cast<uint8_t>(LD | (k > 0 ? ST : 0)), LD | ST}, ds{EX, EX};
      prog.push_back(isa::make_load(LoadDst::WGT, random_xfer(wgt_beats, src), dw));
      prog.push_back(isa::make_load(LoadDst::ACT, random_xfer(act_beats, src), da));
      isa::Matmul mm;
      mm.wbuf = static_cast<uint32_t>(uni(0, 1));
      mm.depth = static_cast<uint32_t>(uni(1, static_cast<int>(cfg.WDepth)));
      mm.tokens = static_cast<uint32_t>(uni(1, 20));
      mm.act_stride = static_cast<uint32_t>(uni(0, 9));
      mm.act_word = static_cast<uint32_t>(
          uni(0, static_cast<int>(cfg.ActWords - mm.depth - (mm.tokens - 1) * mm.act_stride)));
      mm.out_word = static_cast<uint32_t>(uni(0, static_cast<int>(cfg.OutWords - mm.tokens)));
      mm.accumulate = uni(0, 1) != 0;
      prog.push_back(isa::make_matmul(mm, dm));
      prog.push_back(isa::make_store(random_xfer(out_beats, dst), ds));
    }
    prog.push_back(isa::make_finish());
    std::vector<uint8_t> out[2];
    tasu::rt::Counters cnt[2];
    int i = 0;
    for (auto* dev : {rtl.get(), model.get()}) {
      dev->write(src, data.data(), data.size());
      dev->write(dst, zero.data(), zero.size());
      tasu::bench::run_program(*dev, prog, 1000000);
      out[i].resize(1 << 16);
      dev->read(dst, out[i].data(), out[i].size());
      cnt[i++] = dev->counters();
    }
    ASSERT_EQ(out[0], out[1]) << "trial " << trial;
    std::printf("%s trial %d: rtl %llu, model %llu cycles (%+.2f%%)\n", config, trial,
                static_cast<unsigned long long>(cnt[0].cycles), static_cast<unsigned long long>(cnt[1].cycles),
                100 * (static_cast<double>(cnt[1].cycles) / static_cast<double>(cnt[0].cycles) - 1));
    EXPECT_EQ(cnt[1].cycles, cnt[0].cycles) << "trial " << trial << ": the functional model's cycles";
    EXPECT_EQ(cnt[0].rd_bytes, cnt[1].rd_bytes) << "trial " << trial;
    EXPECT_EQ(cnt[0].wr_bytes, cnt[1].wr_bytes) << "trial " << trial;
    EXPECT_EQ(cnt[0].insns, cnt[1].insns) << "trial " << trial;
    stored_something += out[0] != zero;
  }
  // A store may miss every word its trial's MATMUL wrote, but not most of the time.
  EXPECT_GE(stored_something, 4) << "most trials stored only zeros: the bench tests little";
}

TEST(RtlVsModel, RandomTransferAndMatmulPrograms) { random_programs("ci"); }
TEST(RtlVsModel, RandomProgramsOnTheInt8Engine) { random_programs("ci_int8"); }
TEST(RtlVsModel, RandomProgramsOnTheBf16Engine) { random_programs("ci_bf16"); }
TEST(RtlVsModel, RandomProgramsWithPackedWeights) { random_programs("ci_w16"); }

TEST(RtlErrors, BusWriteNamesTheFailingRow) {
  isa::Transfer t = xfer(0x7fff0000, 1);
  t.rows = 2;
  t.dram_stride = 64;
  const auto e = expect_error({isa::make_store(t), isa::make_finish()});
  EXPECT_EQ(e.code(), ErrorCode::BUS_WRITE);
  EXPECT_EQ(e.info(), 0x7fff0000u);
}

TEST(RtlErrors, ResetDropsOpenBurstsOfAFailedStore) {
  // A 64-beat store whose first response is an error: later beats are still in flight when the
  // device halts. After reset nothing of it may leak into the next program.
  auto dev = tasu::rt::open_device("rtl", "ci");
  const std::vector<uint8_t> bytes = isa::program_bytes({isa::make_store(xfer(0x7fff0000, 64)), isa::make_finish()});
  const uint64_t addr = dev->alloc(bytes.size());
  dev->write(addr, bytes.data(), bytes.size());
  dev->start(addr, 2);
  EXPECT_THROW(dev->wait(20000), tasu::rt::DeviceError);
  dev->reset();
  tasu::codegen::BitLinearRun run;
  run.shape = {40, 300, 20};
  EXPECT_TRUE(tasu::codegen::run_bitlinear(*dev, run, 64).bit_exact);
}

TEST(RtlRestart, NewProgramAfterDoneIgnoresBeatsFetchedAhead) {
  // FINISH first, then 39 zero words (illegal opcodes) that the fetcher reads ahead: the next
  // program, started without a reset, must not execute any of them.
  auto dev = tasu::rt::open_device("rtl", "ci");
  std::vector<uint8_t> bytes(40 * tasu::arch::kInsnBytes, 0);
  isa::make_finish().to_bytes(bytes.data());
  const uint64_t addr = dev->alloc(bytes.size());
  dev->write(addr, bytes.data(), bytes.size());
  dev->start(addr, 40);
  dev->wait(20000);
  tasu::codegen::BitLinearRun run;
  run.shape = {33, 100, 3};
  EXPECT_TRUE(tasu::codegen::run_bitlinear(*dev, run, 64).bit_exact);
}

TEST(RtlRegisters, ConfigurationIsReadBack) {
  // open_device checks CFG_SHAPE against the configuration and throws on a mismatch.
  EXPECT_NO_THROW(tasu::rt::open_device("rtl", "ci"));
}

}  // namespace
