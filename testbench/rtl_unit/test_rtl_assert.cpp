// The RTL's assertions (rtl/prim/tasu_assert.sv) are live and catch a broken unit: the FIFO as
// written fills to its depth without a failure; a mutant that accepts pushes when full trips
// CountWithinDepth. One process per test (gtest_discover_tests): Verilator's error flag is
// process-wide.
#include <gtest/gtest.h>
#include <verilated.h>

#include "Vtasu_fifo.h"
#include "Vtasu_fifo_mutant.h"

namespace {

// Resets the FIFO (depth 4), then offers `pushes` entries without taking any; returns whether
// an assertion failed.
template <class Fifo>
bool fill(int pushes) {
  Verilated::fatalOnError(false);
  Fifo f;
  auto tick = [&] {
    f.clk_i = 0;
    f.eval();
    f.clk_i = 1;
    f.eval();
  };
  f.rst_ni = 0;
  f.clear_i = 0;
  f.in_valid_i = 0;
  f.out_ready_i = 0;
  f.eval();
  tick();
  f.rst_ni = 1;
  for (int i = 0; i < pushes; ++i) {
    f.in_valid_i = 1;
    f.in_data_i = static_cast<uint8_t>(i);
    tick();
  }
  f.in_valid_i = 0;
  tick();
  f.final();
  return Verilated::gotError();
}

TEST(RtlAssert, FifoAsWrittenFillsWithoutAFailure) { EXPECT_FALSE(fill<Vtasu_fifo>(8)); }

TEST(RtlAssert, FifoAcceptingPushesWhenFullIsCaught) { EXPECT_TRUE(fill<Vtasu_fifo_mutant>(8)); }

// The same mutant within its depth does nothing wrong: the failure above is the overflow.
TEST(RtlAssert, FifoMutantWithinItsDepthPasses) { EXPECT_FALSE(fill<Vtasu_fifo_mutant>(4)); }

}  // namespace
