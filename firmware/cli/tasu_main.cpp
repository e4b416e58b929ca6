// The tasu command line: `tasu run` simulates BitNet decoder layers on the accelerator (the
// embedded synthetic 2B4T-sized model or a checkpoint) and checks them; `tasu merge` joins the
// reports of layer shards; `tasu bitlinear` runs one BitLinear against the golden model.
// SystemC owns the process entry (sim/sc_entry.h), so this is sc_main.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <systemc>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/run_command.h"
#include "codegen/bitlinear_runner.h"
#include "device/device.h"
#include "sc_entry.h"

namespace {

nlohmann::json to_json(const tasu::codegen::BitLinearReport& r) {
  nlohmann::json j;
  j["shape"] = {{"m", r.shape.m}, {"k", r.shape.k}, {"tokens", r.shape.n}};
  j["config"] = r.config;
  j["backend"] = r.backend;
  j["bit_exact"] = r.bit_exact;
  j["mismatches"] = r.mismatches;
  if (!r.first_mismatch.empty()) j["first_mismatch"] = r.first_mismatch;
  j["cycles"] = r.counters.cycles;
  j["engine_busy_cycles"] = r.counters.ex_busy;
  j["load_busy_cycles"] = r.counters.ld_busy;
  j["store_busy_cycles"] = r.counters.st_busy;
  j["dma_stall_cycles"] = r.counters.stall;
  j["dma_read_bytes"] = r.counters.rd_bytes;
  j["dma_write_bytes"] = r.counters.wr_bytes;
  j["instructions"] = r.program_insns;
  j["useful_ternary_ops"] = r.useful_ops;
  j["peak_ops_per_cycle"] = r.peak_ops_per_cycle;
  j["utilization"] = r.utilization;
  j["compulsory_dram_bytes"] = r.compulsory_bytes;
  j["dram_bytes_per_cycle"] = r.bytes_per_cycle;
  j["compute_bound_cycles"] = r.compute_bound_cycles;
  j["memory_bound_cycles"] = r.memory_bound_cycles;
  j["roofline_bound_cycles"] = r.bound_cycles;
  j["roofline_share"] = r.roofline_share;
  j["device_wall_seconds"] = r.device_seconds;
  j["wall_seconds"] = r.wall_seconds;
  return j;
}

void print(const tasu::codegen::BitLinearReport& r) {
  const auto& c = r.counters;
  fmt::print("BitLinear M={} K={} N={} on '{}' ({} backend)\n", r.shape.m, r.shape.k, r.shape.n, r.config, r.backend);
  fmt::print("  bit-exact vs golden : {}{}\n", r.bit_exact ? "yes" : "NO",
             r.bit_exact ? "" : fmt::format(" ({} mismatches, first: {})", r.mismatches, r.first_mismatch));
  fmt::print("  cycles              : {}{}\n", c.cycles,
             r.backend == "model" ? " (functional model: timed by its model of the RTL; docs/performance.md)" : "");
  fmt::print("  engine busy         : {} cycles\n", c.ex_busy);
  fmt::print("  utilization         : {:.2f}% ({:.0f} useful ternary ops / {:.0f} peak per cycle)\n",
             100 * r.utilization, r.useful_ops, r.peak_ops_per_cycle);
  fmt::print("  roofline bound      : {:.0f} cycles ({}; compute {:.0f}, memory {:.0f} at {} B/cycle)\n",
             r.bound_cycles, r.compute_bound_cycles >= r.memory_bound_cycles ? "compute-bound" : "memory-bound",
             r.compute_bound_cycles, r.memory_bound_cycles, r.bytes_per_cycle);
  fmt::print("  share of roofline   : {:.2f}%\n", 100 * r.roofline_share);
  fmt::print("  DMA bytes           : {} read, {} written (compulsory {:.0f}); {} stall cycles\n", c.rd_bytes,
             c.wr_bytes, r.compulsory_bytes, c.stall);
  fmt::print("  program             : {} instructions\n", r.program_insns);
  fmt::print("  wall time           : {:.2f} s (device run {:.2f} s)\n", r.wall_seconds, r.device_seconds);
}

}  // namespace

int sc_main(int argc, char** argv) {
  CLI::App app{"tasu: add-only ternary accelerator for BitNet b1.58 (simulator and tools)"};
  app.require_subcommand(1);

  int64_t m = 6912, k = 2560, n = 1;
  std::string backend = "rtl", config = "default", trace, json_file;
  uint64_t seed = 1;
  uint32_t latency = 0, bw = 0;
  auto* bl = app.add_subcommand("bitlinear", "run one BitLinear (y = x . W^T) on the accelerator and check it");
  const auto positive = CLI::Range(int64_t{1}, int64_t{1} << 24);
  bl->add_option("--m", m, "output features M")->check(positive)->capture_default_str();
  bl->add_option("--k", k, fmt::format("input features K (<= {})", tasu::arch::kMaxK))
      ->check(CLI::Range(int64_t{1}, tasu::arch::kMaxK))
      ->capture_default_str();
  bl->add_option("--tokens", n, "tokens N")->check(positive)->capture_default_str();
  bl->add_option("--backend", backend, "rtl (Verilated, cycle-accurate) or model (functional)")
      ->check(CLI::IsMember({"rtl", "model"}))->capture_default_str();
  std::vector<std::string> names;
  for (const auto& c : tasu::arch::kConfigs) names.emplace_back(c.name);
  bl->add_option("--config", config, "accelerator configuration")->check(CLI::IsMember(names))->capture_default_str();
  bl->add_option("--seed", seed, "seed of the random weights and activations")->capture_default_str();
  bl->add_option("--trace", trace, "write a VCD of the accelerator's pins (rtl backend)");
  bl->add_option("--json", json_file, "also write the results as JSON");
  bl->add_option("--mem-latency", latency, "DRAM latency in cycles (default: the configuration's)");
  bl->add_option("--mem-bw", bw, "DRAM bytes per cycle (default: the configuration's)");

  tasu::cli::RunArgs ra;
  auto* run = app.add_subcommand("run", "simulate BitNet decoder layers (prefill, then decode) and check every result");
  run->add_option("--model", ra.model_dir, "Hugging Face BitNet checkpoint directory (default: embedded synthetic 2B4T-sized model)");
  run->add_option("--layers", ra.layers, "decoder layers A:B to run (default: all; 0:1 for the embedded model)");
  run->add_option("--prefill", ra.prefill, "prompt tokens P")->capture_default_str();
  run->add_option("--decode", ra.decode, "decode steps D")->capture_default_str();
  run->add_option("--batch", ra.batch,
                  "decode B sequences together, each its own prompt and KV cache, one weight stream per step "
                  "(sequence 0 takes the given or reference tokens, the others tokens derived from them)")
      ->capture_default_str();
  run->add_option("--reference", ra.reference, "reference safetensors (tokens, P and D come from it); print per-key errors");
  run->add_option("--dump", ra.dump, "write this run's results as safetensors under the reference key names");
  run->add_option("--backend", ra.backend, "rtl (Verilated, cycle-accurate) or model (functional)")
      ->check(CLI::IsMember({"rtl", "model"}))->capture_default_str();
  run->add_option("--config", ra.config, "accelerator configuration")->check(CLI::IsMember(names))->capture_default_str();
  run->add_option("--trace", ra.trace, "write a VCD of the accelerator's pins (rtl backend)");
  run->add_option("--json", ra.json, "also write the results as JSON");
  run->add_option("--seed", ra.seed, "seed of the embedded model's weights")->capture_default_str();
  run->add_option("--input", ra.input,
                  "start from the hidden states in this dump of an earlier run (tokens, P and D come from it)");
  run->add_option("--clock-mhz", ra.clock_mhz, "clock for tokens per second")->capture_default_str();
  run->add_option("--energy", ra.energy,
                  "price the run with this energy table (scripts/ppa.sh CONFIG writes build/ppa-CONFIG/energy.json; "
                  "docs/energy-*.json): joules per token by unit, DRAM in and out");
  run->add_option("--tolerance", ra.tolerance,
                  "reference check: largest relative L2 error of a layer output, and of a delta (attn_out, "
                  "mlp_out) relative to the stream it is added to")
      ->capture_default_str();
  run->add_option("--timeline", ra.timeline,
                  "write every instruction's interval per unit as a Chrome trace (Perfetto, chrome://tracing)");

  tasu::cli::MergeArgs ma;
  auto* merge = app.add_subcommand("merge", "join the reports and dumps of layer shards into one report");
  merge->add_option("reports", ma.reports, "the shards' --json reports")->required();
  merge->add_option("--reference", ma.reference, "compare the merged outputs with this reference file");
  merge->add_option("--dump", ma.dump, "write the merged outputs");
  merge->add_option("--json", ma.json, "write the merged report as JSON");
  merge->add_option("--clock-mhz", ma.clock_mhz, "clock for tokens per second")->capture_default_str();
  merge->add_option("--energy", ma.energy, "price the merged run with this energy table (as for run)");
  merge->add_option("--tolerance", ma.tolerance, "reference check tolerance (as for run)")->capture_default_str();

  // A first word that is neither an option nor a command: say so (CLI11 would only say that a
  // subcommand is required).
  const std::string first = argc > 1 ? argv[1] : "";
  if (!first.empty() && first[0] != '-' && first != "bitlinear" && first != "run" && first != "merge") {
    std::cerr << "tasu: unknown command '" << argv[1] << "' (the commands: bitlinear, run, merge; see tasu --help)\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // A usage error: say what was wrong, then show the usage of the command concerned.
    std::cerr << "tasu: " << e.what() << "\n\n";
    const CLI::App* sub = bl->parsed() ? bl : run->parsed() ? run : merge->parsed() ? merge : &app;
    std::cerr << sub->help();
    return 2;
  }

  if (run->parsed()) {
    ra.prefill_given = run->count("--prefill") > 0;
    ra.decode_given = run->count("--decode") > 0;
    ra.model_given = run->count("--model") > 0;
    try {
      return tasu::cli::run_layers(ra);
    } catch (const std::exception& e) {
      std::cerr << "tasu: error: " << e.what() << "\n";
      return 2;
    }
  }

  if (merge->parsed()) {
    try {
      return tasu::cli::merge_reports(ma);
    } catch (const std::exception& e) {
      std::cerr << "tasu: error: " << e.what() << "\n";
      return 2;
    }
  }

  try {
    tasu::rt::DeviceOptions opt;
    opt.trace_file = trace;
    opt.mem_latency = latency;
    opt.mem_bytes_per_cycle = bw;
    if (!trace.empty() && backend != "rtl") throw std::invalid_argument("--trace needs the rtl backend");
    tasu::cli::check_writable(trace, "--trace");
    tasu::cli::check_writable(json_file, "--json");
    auto dev = tasu::rt::open_device(backend, config, opt);
    const double bpc = bw ? bw : dev->config().MemBytesPerCycle;
    tasu::codegen::BitLinearRun run;
    run.shape = {m, k, n};
    run.seed = seed;
    const auto rep = tasu::codegen::run_bitlinear(*dev, run, bpc);
    print(rep);
    if (!json_file.empty()) {
      std::ofstream f(json_file);
      if (!f) throw std::runtime_error("cannot write " + json_file);
      f << to_json(rep).dump(2) << "\n";
    }
    return rep.bit_exact ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "tasu: error: " << e.what() << "\n";
    return 2;
  }
}
