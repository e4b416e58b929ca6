// The random regression (scripts/regress.sh): cases drawn from a seed, each run on the RTL and
// checked — random four-unit programs against the functional model (the DRAM they leave), random
// BitLinear shapes bit-exact against the golden model on the RTL and on the functional model,
// random small decoder layers bit-exact against the exact layer model on both. TASU_REGRESS_CASES cases of
// each test's kind, seeds TASU_REGRESS_FIRST onwards; a failure names its seed, which
// reproduces it alone. One process per test (SystemC elaborates once per process).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "../common_sc_main.h"
#include "../layer_bench.h"
#include "../system/random_programs.h"
#include "codegen/bitlinear_runner.h"

namespace {

int64_t env_int(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoll(v, nullptr, 10) : fallback;
}

// Runs `one(seed)` for each case and prints the kind's summary; `one` returns the functional
// model's relative cycle error against the RTL for that case.
template <class F>
void for_each_case(const char* kind, F&& one) {
  const int64_t cases = env_int("TASU_REGRESS_CASES", 10), first = env_int("TASU_REGRESS_FIRST", 1);
  const auto t0 = std::chrono::steady_clock::now();
  double worst = 0, sum = 0;
  int failed = 0;
  for (int64_t i = 0; i < cases; ++i) {
    const uint32_t seed = static_cast<uint32_t>(first + i);
    SCOPED_TRACE(std::string(kind) + " seed " + std::to_string(seed));
    const int before = ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count();
    const double err = one(seed);
    // The functional model's cycles are the RTL's, in every kind of case (issue #10 asks for 2%).
    EXPECT_EQ(err, 0.0) << "model cycles " << 100 * err << "% off the RTL's";
    const bool ok = ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count() == before;
    failed += !ok;
    worst = std::max(worst, std::abs(err));
    sum += std::abs(err);
    std::printf("%s seed %u: %s (model cycles %+.2f%%)\n", kind, seed, ok ? "ok" : "FAILED", 100 * err);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("regress %s: %lld cases, %d failed, %.1f s; model cycles vs RTL: mean |error| %.2f%%, worst %.2f%%\n", kind,
              static_cast<long long>(cases), failed, secs, cases ? 100 * sum / static_cast<double>(cases) : 0.0,
              100 * worst);
}

double relative(uint64_t model, uint64_t rtl) { return static_cast<double>(model) / static_cast<double>(rtl) - 1.0; }

TEST(Regress, RandomFourUnitPrograms) {
  tasu::bench::Bench bn;
  for_each_case("programs", [&](uint32_t seed) {
    std::mt19937 rng(seed);
    int unit_seen[tasu::isa::kUnits] = {};
    bn.prepare(rng);
    bn.place();
    const auto prog = tasu::bench::random_program(bn.cfg, rng, bn.g, 20 + static_cast<int>(rng() % 120), unit_seen);
    const auto want = bn.run(*bn.model, prog);
    const uint64_t model_cycles = bn.model->counters().cycles;
    const auto got = bn.run(*bn.rtl, prog);
    size_t first = 0;
    while (first < got.size() && got[first] == want[first]) ++first;
    EXPECT_EQ(first, got.size()) << "first difference at byte " << first;
    return relative(model_cycles, bn.rtl->counters().cycles);
  });
}

TEST(Regress, RandomBitLinear) {
  auto rtl = tasu::rt::open_device("rtl", "ci");
  auto model = tasu::rt::open_device("model", "ci");
  for_each_case("bitlinear", [&](uint32_t seed) {
    std::mt19937 rng(seed);
    // Log-uniform sizes: most cases small (edges of tiles and chunks), some real-sized.
    auto log_uni = [&](double hi) { return static_cast<int64_t>(std::exp(std::uniform_real_distribution<double>(0, std::log(hi))(rng))); };
    tasu::codegen::BitLinearRun run;
    run.shape = {log_uni(1024), log_uni(3072), log_uni(16)};
    run.seed = seed;
    rtl->reset();
    const auto r = tasu::codegen::run_bitlinear(*rtl, run, rtl->config().MemBytesPerCycle);
    const auto m = tasu::codegen::run_bitlinear(*model, run, model->config().MemBytesPerCycle);
    const std::string shape = std::to_string(run.shape.m) + "x" + std::to_string(run.shape.k) + "x" + std::to_string(run.shape.n);
    EXPECT_TRUE(r.bit_exact) << shape << " rtl: " << r.first_mismatch;
    EXPECT_TRUE(m.bit_exact) << shape << " model: " << m.first_mismatch;
    EXPECT_EQ(r.counters.rd_bytes, m.counters.rd_bytes) << shape;
    EXPECT_EQ(r.counters.wr_bytes, m.counters.wr_bytes) << shape;
    std::printf("bitlinear seed %u: %s, rtl %llu, model %llu cycles\n", seed, shape.c_str(),
                static_cast<unsigned long long>(r.counters.cycles), static_cast<unsigned long long>(m.counters.cycles));
    return relative(m.counters.cycles, r.counters.cycles);
  });
}

TEST(Regress, RandomLayers) {
  auto rtl = tasu::rt::open_device("rtl", "ci");
  auto model = tasu::rt::open_device("model", "ci");
  for_each_case("layers", [&](uint32_t seed) {
    std::mt19937 rng(seed);
    auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    const int64_t head_dim = uni(0, 1) ? 128 : 64, kv = uni(1, 2), heads = kv * uni(1, 2);
    const auto s = tasu::bench::shape(heads * head_dim, 64 * uni(1, 12), heads, kv, head_dim);
    const int64_t P = uni(1, 10), D = uni(0, 3);
    std::printf("layers seed %u: hidden %lld, intermediate %lld, heads %lld/%lld, head_dim %lld, P %lld, D %lld\n", seed,
                static_cast<long long>(s.hidden), static_cast<long long>(s.intermediate), static_cast<long long>(heads),
                static_cast<long long>(kv), static_cast<long long>(head_dim), static_cast<long long>(P),
                static_cast<long long>(D));
    rtl->reset();
    const auto rc = tasu::bench::expect_layers_bit_exact(*rtl, s, 1, P, D, seed * 1000);
    const auto mc = tasu::bench::expect_layers_bit_exact(*model, s, 1, P, D, seed * 1000);
    uint64_t r = 0, m = 0;
    for (uint64_t c : rc) r += c;
    for (uint64_t c : mc) m += c;
    return r ? relative(m, r) : 0.0;
  });
}

}  // namespace
