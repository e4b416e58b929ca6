// BitLinear on a device versus the golden model; see bitlinear_runner.h.
#include "codegen/bitlinear_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <vector>

#include "golden/bitlinear.h"

namespace tasu::codegen {

BitLinearReport run_bitlinear(rt::Device& dev, const BitLinearRun& run, double bytes_per_cycle) {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  const arch::Config& cfg = dev.config();
  const BitLinearShape s = run.shape;
  BitLinearReport r;
  r.shape = s;
  r.config = std::string(cfg.name);
  r.backend = dev.backend();
  r.plan = plan_bitlinear(cfg, s);

  // Data as BitNet makes it: absmean-ternarized Gaussian latents, absmax-quantized activations.
  std::mt19937_64 rng(run.seed);
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  std::vector<float> latent(static_cast<size_t>(s.m * s.k));
  for (auto& v : latent) v = gauss(rng);
  std::vector<int8_t> w;
  golden::absmean_ternarize(latent.data(), s.m * s.k, w);
  latent = {};
  std::vector<float> x(static_cast<size_t>(s.n * s.k));
  for (auto& v : x) v = gauss(rng);
  const golden::QuantizedActs xq = golden::quantize_activations(x.data(), s.n, s.k);

  std::vector<int32_t> y_ref(static_cast<size_t>(s.n * s.m));
  golden::ternary_matmul(xq.q.data(), w.data(), s.n, s.m, s.k, y_ref.data());

  // Device run.
  const BitLinearPlan& p = r.plan;
  dev.free_all();
  BitLinearAddrs a;
  a.weights = static_cast<uint32_t>(dev.alloc(p.weight_bytes));
  a.acts = static_cast<uint32_t>(dev.alloc(p.act_bytes));
  a.outs = static_cast<uint32_t>(dev.alloc(p.out_bytes));
  const std::vector<isa::Insn> prog = generate_bitlinear(cfg, p, a);
  const std::vector<uint8_t> prog_bytes = isa::program_bytes(prog);
  const uint64_t prog_addr = dev.alloc(prog_bytes.size());
  r.program_insns = prog.size();

  const std::vector<uint8_t> wdev = pack_weights(cfg, p, w.data());
  const std::vector<uint8_t> xdev = pack_activations(p, xq.q.data());
  dev.write(a.weights, wdev.data(), wdev.size());
  dev.write(a.acts, xdev.data(), xdev.size());
  dev.write(prog_addr, prog_bytes.data(), prog_bytes.size());
  // Poison the output so a store that never happens cannot pass by accident.
  std::vector<uint8_t> poison(p.out_bytes, 0xA5);
  dev.write(a.outs, poison.data(), poison.size());

  r.useful_ops = static_cast<double>(s.m) * s.k * s.n;
  r.peak_ops_per_cycle = cfg.ops_per_cycle();
  r.compulsory_bytes = static_cast<double>(s.m) * s.k * cfg.dram_bits_per_weight() / 8 + static_cast<double>(s.k) * s.n + 4.0 * s.m * s.n;
  r.bytes_per_cycle = bytes_per_cycle;
  r.compute_bound_cycles = r.useful_ops / r.peak_ops_per_cycle;
  r.memory_bound_cycles = r.compulsory_bytes / bytes_per_cycle;
  r.bound_cycles = std::max(r.compute_bound_cycles, r.memory_bound_cycles);

  const uint64_t watchdog =
      run.watchdog_cycles ? run.watchdog_cycles
                          : static_cast<uint64_t>(20 * (static_cast<double>(p.weight_bytes + p.act_bytes + p.out_bytes) /
                                                            bytes_per_cycle +
                                                        static_cast<double>(p.mp) * p.kp * s.n / r.peak_ops_per_cycle)) +
                                100000;
  const auto td = clock::now();
  dev.start(prog_addr, static_cast<uint32_t>(prog.size()));
  dev.wait(watchdog);
  r.device_seconds = std::chrono::duration<double>(clock::now() - td).count();
  r.counters = dev.counters();

  std::vector<int32_t> ydev(static_cast<size_t>(s.n * p.mp));
  dev.read(a.outs, ydev.data(), p.out_bytes);
  std::vector<int32_t> y(static_cast<size_t>(s.n * s.m));
  unpack_outputs(cfg, p, ydev.data(), y.data());
  for (size_t i = 0; i < y.size(); ++i) {
    if (y[i] != y_ref[i]) {
      if (r.mismatches == 0)
        r.first_mismatch = fmt::format("y[token {}][row {}] = {}, golden {}", i / s.m, i % s.m, y[i], y_ref[i]);
      ++r.mismatches;
    }
  }
  r.bit_exact = r.mismatches == 0;
  if (r.counters.cycles > 0) {
    r.utilization = r.useful_ops / (static_cast<double>(r.counters.cycles) * r.peak_ops_per_cycle);
    r.roofline_share = r.bound_cycles / static_cast<double>(r.counters.cycles);
  }
  r.wall_seconds = std::chrono::duration<double>(clock::now() - t0).count();
  return r;
}

}  // namespace tasu::codegen
