// The command processor's four units and twelve token channels on the Verilated platform: random
// programs that mix every unit over small shared regions (so that most instructions conflict
// with one of another unit) get their tokens from the program builder and must leave the same
// DRAM behind on the RTL, where the units overlap, and on the functional model. Then the
// mutation check: the same programs with one channel's tokens removed must be caught, for every
// channel, by a difference from the correctly ordered result. One process per test.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <cstring>
#include <random>
#include <vector>

#include "../common_sc_main.h"
#include "random_programs.h"

namespace {

namespace arch = tasu::arch;
namespace isa = tasu::isa;
namespace rt = tasu::rt;
using tasu::bench::Bench;
using tasu::bench::random_program;

// Removes channel p -> c: unit c's pops from p and unit p's pushes to c.
std::vector<isa::Insn> without_channel(std::vector<isa::Insn> prog, int p, int c) {
  for (auto& x : prog) {
    const int u = isa::unit_of(x.opcode());
    if (u < 0) continue;
    isa::Deps d = isa::deps_of(x);
    if (u == c) d.pop = static_cast<uint8_t>(d.pop & ~(1u << p));
    if (u == p) d.push = static_cast<uint8_t>(d.push & ~(1u << c));
    isa::set_deps(x, d);
  }
  return prog;
}

TEST(RtlVsModel, RandomFourUnitProgramsWithBuilderTokens) {
  Bench bn;
  std::mt19937 rng(11);
  int unit_seen[isa::kUnits] = {};
  uint64_t overlap_cycles = 0;
  double worst = 0;  // the functional model's largest cycle error over the trials
  for (int trial = 0; trial < 12; ++trial) {
    bn.prepare(rng);
    bn.place();
    const auto prog = random_program(bn.cfg, rng, bn.g, 90, unit_seen);
    SCOPED_TRACE("trial " + std::to_string(trial));
    const auto want = bn.run(*bn.model, prog);
    const uint64_t model_cycles = bn.model->counters().cycles;
    const auto got = bn.run(*bn.rtl, prog);
    const double err = static_cast<double>(model_cycles) / static_cast<double>(bn.rtl->counters().cycles) - 1.0;
    std::printf("trial %d: rtl %llu, model %llu cycles (%+.2f%%)\n", trial,
                static_cast<unsigned long long>(bn.rtl->counters().cycles),
                static_cast<unsigned long long>(model_cycles), 100 * err);
    worst = std::max(worst, std::abs(err));
    size_t first = 0;
    while (first < got.size() && got[first] == want[first]) ++first;
    ASSERT_EQ(first, got.size()) << "first difference at byte " << first;
    // The units did overlap: busy cycles of all four exceed the run's.
    const rt::Counters& c = bn.rtl->counters();
    if (c.ld_busy + c.ex_busy + c.vu_busy + c.st_busy > c.cycles)
      overlap_cycles += c.ld_busy + c.ex_busy + c.vu_busy + c.st_busy - c.cycles;
  }
  for (int u = 0; u < isa::kUnits; ++u) EXPECT_GT(unit_seen[u], 100) << "unit " << u << " barely exercised";
  EXPECT_GT(overlap_cycles, 0u);
  // Short programs whose every instruction contends with another unit for the memory: the
  // model replays the arbiter in time order (model/functional/timing.cpp) and gives the RTL's
  // cycle count exactly (issue #10 asks for 2%).
  EXPECT_EQ(worst, 0.0);
}

// Every channel carries hazards the random programs hit: without its tokens the RTL's result
// differs from the program-order one in some trial (the mutant is killed).
TEST(RtlVsModel, MissingTokensOnAnyChannelAreCaught) {
  Bench bn;
  std::mt19937 rng(23);
  int unit_seen[isa::kUnits] = {};
  std::array<int, isa::kUnits * isa::kUnits> killed{};
  for (int trial = 0; trial < 6; ++trial) {
    bn.prepare(rng);
    bn.place();
    const auto prog = random_program(bn.cfg, rng, bn.g, 90, unit_seen);
    const auto want = bn.run(*bn.model, prog);
    for (int p = 0; p < isa::kUnits; ++p)
      for (int c = 0; c < isa::kUnits; ++c) {
        if (p == c) continue;
        const auto mutant = without_channel(prog, p, c);
        if (mutant == prog) continue;  // the channel is unused in this program
        try {
          if (bn.run(*bn.rtl, mutant) != want) ++killed[static_cast<size_t>(p * isa::kUnits + c)];
        } catch (const rt::DeviceError&) {
          ++killed[static_cast<size_t>(p * isa::kUnits + c)];  // a race that ends in an operand error counts too
        }
      }
  }
  std::string kills;
  for (int ch = 0; ch < isa::kUnits * isa::kUnits; ++ch)
    if (ch / isa::kUnits != ch % isa::kUnits) kills += " " + std::to_string(killed[static_cast<size_t>(ch)]);
  RecordProperty("kills_per_channel", kills);
  for (int p = 0; p < isa::kUnits; ++p)
    for (int c = 0; c < isa::kUnits; ++c)
      if (p != c)
        EXPECT_GT(killed[static_cast<size_t>(p * isa::kUnits + c)], 0)
            << "removing the " << arch::unit_name(static_cast<arch::Unit>(p)) << "->"
            << arch::unit_name(static_cast<arch::Unit>(c)) << " tokens went unnoticed";
}

}  // namespace


