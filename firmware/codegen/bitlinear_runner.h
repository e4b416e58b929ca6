// Runs one BitLinear on a device with deterministic random data, checks it bit for bit against
// the golden model and derives the figures an architect asks for (utilization, roofline).
#pragma once
#include <cstdint>
#include <string>

#include "codegen/bitlinear_codegen.h"
#include "device/device.h"

namespace tasu::codegen {

struct BitLinearRun {
  BitLinearShape shape;
  uint64_t seed = 1;
  uint64_t watchdog_cycles = 0;  // 0: derived from the roofline bound
};

struct BitLinearReport {
  BitLinearShape shape;
  BitLinearPlan plan;
  std::string config, backend;
  bool bit_exact = false;
  int64_t mismatches = 0;
  std::string first_mismatch;
  rt::Counters counters;
  uint64_t program_insns = 0;
  double useful_ops = 0, peak_ops_per_cycle = 0, utilization = 0;
  double compulsory_bytes = 0, bytes_per_cycle = 0;
  double compute_bound_cycles = 0, memory_bound_cycles = 0, bound_cycles = 0, roofline_share = 0;
  double wall_seconds = 0, device_seconds = 0;
};

BitLinearReport run_bitlinear(rt::Device& dev, const BitLinearRun& run, double bytes_per_cycle);

}  // namespace tasu::codegen
