// Fault injection in the platform's DRAM (rt::FaultOptions, sim/tlm_memory.h): with random
// extra latency every program still finishes bit-exact; an error response at a chosen address
// stops the program with BUS_READ or BUS_WRITE naming the burst; random error responses on random
// four-unit programs end each run either equal to the functional model's or with a bus error
// code, never in a hang (the watchdog) or another error. One process per test.
#include <gtest/gtest.h>

#include <random>

#include "../common_sc_main.h"
#include "../layer_bench.h"
#include "codegen/bitlinear_runner.h"
#include "random_programs.h"

namespace {

using tasu::arch::ErrorCode;
using tasu::arch::LoadDst;
namespace isa = tasu::isa;
namespace rt = tasu::rt;

TEST(RtlFaults, LatencyJitterKeepsResultsBitExact) {
  auto dev = rt::open_device("rtl", "ci");
  tasu::codegen::BitLinearRun run;
  run.shape = {100, 700, 5};
  const auto calm = tasu::codegen::run_bitlinear(*dev, run, 64);
  ASSERT_TRUE(calm.bit_exact);
  for (const uint32_t jitter : {3u, 40u, 300u}) {
    dev->reset();
    dev->set_faults({{}, 0.0, jitter, jitter});
    const auto r = tasu::codegen::run_bitlinear(*dev, run, 64);
    EXPECT_TRUE(r.bit_exact) << "jitter " << jitter << ": " << r.first_mismatch;
    EXPECT_GT(r.counters.cycles, calm.counters.cycles) << "jitter " << jitter << " took no effect";
  }
  // A whole decoder layer (prefill and decode) under the worst jitter.
  tasu::bench::expect_layers_bit_exact(*dev, tasu::bench::shape(256, 384, 2, 1, 128), 1, 4, 2, 77);
}

// One error at a chosen address: the load stops with BUS_READ naming its burst, the store with
// BUS_WRITE; after a reset, without the fault, the same device runs bit-exact again.
TEST(RtlFaults, ErrorAtAChosenAddressStopsWithItsCode) {
  auto dev = rt::open_device("rtl", "ci");
  const uint32_t bus = dev->config().BusBytes;
  const uint64_t src = dev->alloc(64 * bus), dst = dev->alloc(64 * bus);
  const auto run = [&](const std::vector<isa::Insn>& prog) { tasu::bench::run_program(*dev, prog, 100000); };
  isa::Transfer in;
  in.dram_addr = static_cast<uint32_t>(src);
  in.row_beats = 40;
  isa::Transfer out = in;
  out.dram_addr = static_cast<uint32_t>(dst);
  const std::vector<isa::Insn> prog = {isa::make_load(LoadDst::VSP, in, {0, isa::dep::ST}),
                                       isa::make_store(out, {isa::dep::LD, 0}, tasu::arch::StoreSrc::VSP),
                                       isa::make_finish()};
  // The error range covers beat 20 of the source: the burst that holds it is named.
  dev->set_faults({{{src + 20 * bus, src + 21 * bus}}, 0.0, 0, 1});
  try {
    run(prog);
    ADD_FAILURE() << "the load finished despite an error response";
  } catch (const rt::DeviceError& e) {
    EXPECT_EQ(e.code(), ErrorCode::BUS_READ) << e.what();
    EXPECT_FALSE(e.watchdog());
    EXPECT_EQ(e.pc(), 0u);
    EXPECT_LE(e.info(), src + 20 * bus);
    EXPECT_GE(e.info(), src);
  }
  dev->reset();
  dev->set_faults({{{dst + 5 * bus, dst + 6 * bus}}, 0.0, 0, 1});
  try {
    run(prog);
    ADD_FAILURE() << "the store finished despite an error response";
  } catch (const rt::DeviceError& e) {
    EXPECT_EQ(e.code(), ErrorCode::BUS_WRITE) << e.what();
    EXPECT_FALSE(e.watchdog());
    EXPECT_EQ(e.pc(), 1u);
  }
  dev->reset();
  dev->set_faults({});
  EXPECT_NO_THROW(run(prog));
  tasu::codegen::BitLinearRun bl;
  bl.shape = {20, 90, 3};
  EXPECT_TRUE(tasu::codegen::run_bitlinear(*dev, bl, 64).bit_exact);
}

// Random error responses (2% of bursts) and jitter on random programs of all four units: each
// run ends equal to the functional model or with BUS_READ / BUS_WRITE; both happen. A run that
// stopped leaves the on-chip memories half written (a reset does not clear SRAM, and random
// programs read what they did not write), so each trial starts from a scrubbed state.
TEST(RtlFaults, RandomErrorsEndInAResultOrABusErrorNeverAHang) {
  tasu::bench::Bench bn;
  std::mt19937 rng(99);
  int unit_seen[isa::kUnits] = {};
  int finished = 0, stopped = 0;
  for (int trial = 0; trial < 40; ++trial) {
    bn.prepare(rng);
    bn.place();
    const auto prog = tasu::bench::random_program(bn.cfg, rng, bn.g, 60, unit_seen);
    const auto scrub = tasu::bench::scrub_program(bn.cfg, bn.g);
    bn.rtl->set_faults({});
    bn.run(*bn.rtl, scrub);
    bn.run(*bn.model, scrub);
    const auto want = bn.run(*bn.model, prog);
    bn.rtl->set_faults({{}, 0.02, 25, static_cast<uint64_t>(trial) + 1});
    try {
      const auto got = bn.run(*bn.rtl, prog);
      EXPECT_EQ(got, want) << "trial " << trial << " finished with other results";
      ++finished;
    } catch (const rt::DeviceError& e) {
      EXPECT_TRUE(e.code() == ErrorCode::BUS_READ || e.code() == ErrorCode::BUS_WRITE) << "trial " << trial << ": " << e.what();
      EXPECT_FALSE(e.watchdog()) << "trial " << trial << " hung";
      ++stopped;
    }
  }
  std::printf("%d runs finished, %d stopped with a bus error\n", finished, stopped);
  EXPECT_GT(finished, 0);
  EXPECT_GT(stopped, 0);
}

TEST(RtlFaults, FunctionalModelRefusesFaults) {
  rt::DeviceOptions opt;
  opt.faults.jitter_cycles = 1;
  EXPECT_THROW(rt::open_device("model", "ci", opt), std::invalid_argument);
  EXPECT_THROW(rt::open_device("model", "ci")->set_faults({}), std::logic_error);
}

}  // namespace
