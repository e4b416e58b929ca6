// `tasu run` and `tasu merge`: parse, call the run library (firmware/run), print; see run_command.h.
#include "cli/run_command.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <chrono>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

#include "checkpoint/safetensors.h"
#include "reference/float_reference.h"
#include "run/model_run.h"
#include "run/run_report.h"

namespace tasu::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void parse_layers(const std::string& s, int64_t n_layers, int64_t& a, int64_t& b) {
  const size_t colon = s.find(':');
  try {
    if (colon == std::string::npos) throw std::invalid_argument("");
    size_t used = 0;
    a = std::stoll(s.substr(0, colon), &used);
    if (used != colon) throw std::invalid_argument("");
    b = std::stoll(s.substr(colon + 1), &used);
    if (used != s.size() - colon - 1) throw std::invalid_argument("");
  } catch (const std::exception&) {
    throw std::invalid_argument(fmt::format("--layers '{}' is not of the form A:B", s));
  }
  if (a < 0 || a >= b || b > n_layers)
    throw std::invalid_argument(fmt::format("--layers {}:{} is not inside the model's {} layers", a, b, n_layers));
}

// Progress on stderr for runs longer than a few seconds: one updating line on a terminal.
class Progress {
 public:
  explicit Progress(Clock::time_point t0) : t0_(t0), tty_(isatty(fileno(stderr)) != 0) {}
  void update(const std::string& what) {
    const double t = seconds_since(t0_);
    if (t < 3.0 || (!tty_ && t - last_ < 10.0)) return;
    last_ = t;
    std::fprintf(stderr, tty_ ? "\r  %-60s %7.1f s" : "  %s  %.1f s\n", what.c_str(), t);
    std::fflush(stderr);
    shown_ = true;
  }
  void done() {
    if (shown_ && tty_) std::fprintf(stderr, "\n");
  }

 private:
  Clock::time_point t0_;
  bool tty_, shown_ = false;
  double last_ = -100.0;
};


void write_json(const std::string& path, const nlohmann::json& j) {
  if (path.empty()) return;
  std::ofstream f(path);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << j.dump(2) << "\n";
}

run::ReportOptions report_options(const ckpt::BitNetConfig& c, double clock_mhz, const std::string& dump) {
  run::ReportOptions o;
  o.clock_mhz = clock_mhz;
  o.dump = dump;
  o.model_layers = c.layers;
  o.hidden = c.hidden;
  o.intermediate = c.intermediate;
  o.heads = c.heads;
  o.kv_heads = c.kv_heads;
  o.head_dim = c.head_dim;
  return o;
}

void write_dump(const std::string& path, const run::RunResult& r) {
  if (path.empty()) return;
  reference::write_reference_file(path, r.ids, r.outputs, ckpt::DType::F32,
                                  {{"producer", "tasu run"}, {"backend", r.backend}, {"config", r.config},
                                   {"model", r.model}, {"seed", std::to_string(r.seed)},
                                   {"layers", fmt::format("{}:{}", r.first_layer, r.end_layer)}});
}

void check_tolerance(double t) {
  if (!(t > 0) || !std::isfinite(t)) throw std::invalid_argument(fmt::format("--tolerance {} must be a finite number > 0", t));
}

}  // namespace

void check_writable(const std::string& path, const char* flag) {
  if (path.empty()) return;
  const std::filesystem::path p(path);
  const std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(dir) || access(dir.c_str(), W_OK) != 0)
    throw std::invalid_argument(fmt::format("{} {}: directory {} does not exist or is not writable", flag, path, dir.string()));
  if (std::filesystem::is_directory(p)) throw std::invalid_argument(fmt::format("{} {} is a directory", flag, path));
}

// The energy table of --energy, checked against the configuration before any work ("" none).
std::unique_ptr<energy::EnergyTable> load_energy(const std::string& path, const std::string& config) {
  if (path.empty()) return nullptr;
  auto t = std::make_unique<energy::EnergyTable>(energy::load_energy_table(path));
  const arch::Config* cfg = arch::find_config(config);
  if (!cfg) throw std::invalid_argument(fmt::format("no configuration '{}'", config));
  energy::check_table(*t, *cfg);
  return t;
}

int run_layers(const RunArgs& args) {
  const auto t0 = Clock::now();
  if (!(args.clock_mhz > 0)) throw std::invalid_argument("--clock-mhz must be > 0");
  check_tolerance(args.tolerance);
  if (args.model_given && args.model_dir.empty())
    throw std::invalid_argument("--model needs a checkpoint directory (leave it out for the embedded model)");
  check_writable(args.dump, "--dump");
  check_writable(args.json, "--json");
  check_writable(args.trace, "--trace");
  check_writable(args.timeline, "--timeline");
  if (!args.trace.empty() && args.backend != "rtl") throw std::invalid_argument("--trace needs the rtl backend");
  const std::unique_ptr<energy::EnergyTable> table = load_energy(args.energy, args.config);
  const run::ModelSource model(args.model_dir, args.seed);
  const auto& cfg = model.config();

  run::RunSpec spec;
  spec.backend = args.backend;
  spec.config = args.config;
  spec.device.trace_file = args.trace;
  // Without --layers: every layer of a checkpoint; layer 0 of the embedded model (the main job;
  // --layers 0:30 runs all of it).
  spec.end_layer = model.synthetic() ? 1 : cfg.layers;
  if (!args.layers.empty()) parse_layers(args.layers, cfg.layers, spec.first_layer, spec.end_layer);

  // Tokens and the hidden state entering the first layer: from --input (a dump of an earlier
  // run, e.g. the functional-model pass that feeds layer shards), from --reference, or made up.
  reference::ReferenceFile ref, input;
  const bool have_ref = !args.reference.empty(), have_input = !args.input.empty();
  if (have_ref) ref = reference::load_reference_file(args.reference);
  if (have_input) input = reference::load_reference_file(args.input);
  if ((have_ref || have_input) && (args.prefill_given || args.decode_given))
    throw std::invalid_argument(
        fmt::format("--prefill and --decode come from the {} file; do not give them with it", have_input ? "input" : "reference"));
  if (have_ref && have_input && (ref.input_ids != input.input_ids || ref.prefill_tokens != input.prefill_tokens))
    throw std::invalid_argument(fmt::format("--input {} and --reference {} hold different tokens", args.input, args.reference));
  // A dump of another model (or another seed of the synthetic one) is not this run's input.
  if (have_input && input.metadata.count("model") &&
      (input.metadata.at("model") != model.name() ||
       input.metadata.at("seed") != std::to_string(model.synthetic() ? model.seed() : 0)))
    throw std::invalid_argument(fmt::format("--input {} was made by {} (seed {}), not by {} (seed {})", args.input,
                                            input.metadata.at("model"), input.metadata.count("seed") ? input.metadata.at("seed") : "?",
                                            model.name(), model.synthetic() ? model.seed() : 0));
  const reference::ReferenceFile* src = have_input ? &input : have_ref ? &ref : nullptr;
  if (src) {
    spec.prefill = src->prefill_tokens;
    spec.decode = src->decode_steps;
    spec.ids = src->input_ids;
    if (have_input || spec.first_layer > 0) spec.input = reference::hidden_entering_layer(*src, spec.first_layer);
  } else {
    spec.prefill = args.prefill;
    spec.decode = args.decode;
    if (spec.prefill < 1 || spec.decode < 0) throw std::invalid_argument("--prefill must be >= 1 and --decode >= 0");
    if (spec.first_layer > 0)
      throw std::invalid_argument("--layers starting above 0 needs --input or --reference (the hidden state entering layer A)");
    for (int64_t i = 0; i < spec.prefill + spec.decode; ++i) spec.ids.push_back((i * 7919 + 13) % cfg.vocab);
  }
  if (args.batch < 1 || args.batch > run::kMaxBatch)
    throw std::invalid_argument(fmt::format("--batch {} is outside 1 .. {}", args.batch, run::kMaxBatch));
  if (args.batch > 1 && (have_input || spec.first_layer > 0))
    throw std::invalid_argument("--batch starts from the prompts' embeddings: layers from 0, without --input");
  spec.batch = args.batch;
  spec.batch_ids = run::batch_prompts(spec.ids, args.batch, cfg.vocab);
  // Logits only when something will look at them.
  spec.head = have_ref || !args.dump.empty();
  spec.timeline = !args.timeline.empty();

  run::check_spec(model, spec);
  if (have_ref) run::require_reference_keys(ref, args.reference, run::output_keys(model, spec));

  Progress progress(t0);
  const run::RunResult r = run::run_model(model, spec, [&](const std::string& what) { progress.update(what); });
  progress.done();

  std::unique_ptr<run::RefCheck> rc;
  if (have_ref)
    rc = std::make_unique<run::RefCheck>(
        run::check_against_reference(ref, args.reference, r.outputs, args.tolerance));
  run::ReportOptions o = report_options(cfg, args.clock_mhz, args.dump);
  o.energy = table.get();
  write_dump(args.dump, r);
  run::print_report(r, o, rc.get());
  write_json(args.json, run::report_json(r, o, rc.get()));
  if (!args.timeline.empty()) {
    run::write_timeline(args.timeline, r, args.clock_mhz);
    const auto fetches = std::count_if(r.timeline.begin(), r.timeline.end(),
                                       [](const run::TimelineEvent& e) { return e.track == "fetch"; });
    fmt::print("  timeline               : {} ({} instruction intervals, {} fetch bursts; open in Perfetto or "
               "chrome://tracing)\n",
               args.timeline, r.timeline.size() - static_cast<size_t>(fetches), fetches);
  }
  return r.mismatches() == 0 && (!rc || rc->within) ? 0 : 1;
}

int merge_reports(const MergeArgs& args) {
  if (args.reports.empty()) throw std::invalid_argument("tasu merge needs the shards' --json reports");
  if (!(args.clock_mhz > 0)) throw std::invalid_argument("--clock-mhz must be > 0");
  check_tolerance(args.tolerance);
  check_writable(args.dump, "--dump");
  check_writable(args.json, "--json");
  std::vector<run::RunResult> shards;
  run::ReportOptions o;
  for (const std::string& path : args.reports) {
    std::ifstream f(path);
    if (!f) throw std::invalid_argument(fmt::format("cannot read report {}", path));
    nlohmann::json j;
    try {
      std::stringstream text;
      text << f.rdbuf();
      ckpt::require_no_nul(text.str(), path);
      j = nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::exception& e) {
      throw std::invalid_argument(fmt::format("{}: not JSON: {}", path, e.what()));
    }
    run::RunResult r = run::result_from_json(j, path, o);
    if (o.dump.empty()) throw std::invalid_argument(fmt::format("{}: the shard ran without --dump; its outputs are lost", path));
    // A dump named relative to where the shard ran: look beside the report as well.
    std::filesystem::path dump(o.dump);
    if (dump.is_relative() && !std::filesystem::exists(dump)) dump = std::filesystem::path(path).parent_path() / dump;
    r.outputs = reference::load_reference_file(dump.string()).tensors;
    shards.push_back(std::move(r));
  }
  const run::RunResult m = run::merge_results(std::move(shards));
  const std::unique_ptr<energy::EnergyTable> table = load_energy(args.energy, m.config);
  o.energy = table.get();
  std::unique_ptr<run::RefCheck> rc;
  if (!args.reference.empty()) {
    const reference::ReferenceFile ref = reference::load_reference_file(args.reference);
    if (ref.input_ids != m.ids) throw std::invalid_argument(fmt::format("--reference {} holds other tokens than the shards", args.reference));
    std::vector<std::string> keys;
    for (const auto& kv : m.outputs) keys.push_back(kv.first);
    run::require_reference_keys(ref, args.reference, keys);
    rc = std::make_unique<run::RefCheck>(run::check_against_reference(ref, args.reference, m.outputs, args.tolerance));
  }
  o.clock_mhz = args.clock_mhz;
  o.dump = args.dump;
  write_dump(args.dump, m);
  fmt::print("Merged {} shards\n", args.reports.size());
  run::print_report(m, o, rc.get());
  write_json(args.json, run::report_json(m, o, rc.get()));
  return m.mismatches() == 0 && (!rc || rc->within) ? 0 : 1;
}

}  // namespace tasu::cli
