// End-to-end benches on the Verilated SystemC platform: BitLinear of odd and real shapes bit-exact
// against the golden model, RTL equal to the functional model, and every device error path.
// Each test runs in its own process (SystemC elaborates once per process).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../common_sc_main.h"
#include "codegen/bitlinear_runner.h"
#include "isa/insn.h"
#include "runtime/device.h"

namespace {

using tasu::arch::ErrorCode;
using tasu::arch::LoadDst;
namespace isa = tasu::isa;

tasu::codegen::BitLinearReport run_rtl(const char* cfg, int64_t m, int64_t k, int64_t n) {
  auto dev = tasu::rt::open_device("rtl", cfg);
  tasu::codegen::BitLinearRun run;
  run.shape = {m, k, n};
  run.seed = static_cast<uint64_t>(m + 1000 * k + 7 * n);
  auto r = tasu::codegen::run_bitlinear(*dev, run, dev->config().MemBytesPerCycle);
  EXPECT_TRUE(r.bit_exact) << m << "x" << k << "x" << n << ": " << r.first_mismatch;
  EXPECT_GT(r.counters.cycles, 0u);
  EXPECT_GE(r.counters.ex_busy, static_cast<uint64_t>(r.plan.depth_total * r.plan.row_blocks * n));
  return r;
}

TEST(RtlBitLinear, Shape1x1) { run_rtl("ci", 1, 1, 1); }
TEST(RtlBitLinear, Shape3x5Tokens2) { run_rtl("ci", 3, 5, 2); }
TEST(RtlBitLinear, Shape33x100Tokens3) { run_rtl("ci", 33, 100, 3); }
TEST(RtlBitLinear, Shape17x1000Tokens9KChunks) { run_rtl("ci", 17, 1000, 9); }
TEST(RtlBitLinear, Shape16x64Tokens200OutputHalves) { run_rtl("ci", 16, 64, 200); }
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
tasu::rt::DeviceError expect_error(const std::vector<isa::Insn>& prog, uint64_t watchdog = 20000) {
  auto dev = tasu::rt::open_device("rtl", "ci");
  std::vector<uint8_t> bytes(prog.size() * 16);
  for (size_t i = 0; i < prog.size(); ++i) prog[i].to_bytes(bytes.data() + 16 * i);
  const uint64_t addr = dev->alloc(bytes.size());
  dev->write(addr, bytes.data(), bytes.size());
  dev->start(addr, static_cast<uint32_t>(prog.size()));
  try {
    dev->wait(watchdog);
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

TEST(RtlErrors, MatmulDepthTooLargeIsBadOperand) {
  isa::Matmul mm;
  mm.depth = 200;
  const auto e = expect_error({isa::make_matmul(mm), isa::make_finish()});
  EXPECT_EQ(e.code(), ErrorCode::BAD_OPERAND);
  EXPECT_EQ(e.pc(), 0u);
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
  isa::Deps wait_for_load;
  wait_for_load.pop_prev = true;  // no load ever pushes: the engine waits forever
  isa::Matmul mm;
  const auto e = expect_error({isa::make_matmul(mm, wait_for_load), isa::make_finish()}, 5000);
  EXPECT_TRUE(e.watchdog());
  EXPECT_NE(std::string(e.what()).find("semaphores"), std::string::npos) << e.what();
}

TEST(RtlErrors, StartAfterErrorNeedsResetThenWorks) {
  auto dev = tasu::rt::open_device("rtl", "ci");
  std::vector<uint8_t> bytes(32);
  isa::make_load(LoadDst::ACT, xfer(0x7fff0000, 4)).to_bytes(bytes.data());
  isa::make_finish().to_bytes(bytes.data() + 16);
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

TEST(RtlRegisters, ConfigurationIsReadBack) {
  // open_device checks CFG_SHAPE against the configuration and throws on a mismatch.
  EXPECT_NO_THROW(tasu::rt::open_device("rtl", "ci"));
}

}  // namespace
