// `tasu run`; see run_command.h.
#include "cli/run_command.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

#include "checkpoint/bitnet_checkpoint.h"
#include "checkpoint/synthetic_2b4t.h"
#include "codegen/layer_runner.h"
#include "layer/accel_layer.h"
#include "layer/from_checkpoint.h"
#include "reference/float_reference.h"
#include "runtime/device.h"

namespace tasu::cli {
namespace {

using Clock = std::chrono::steady_clock;
using reference::Matrix;
using reference::TensorMap;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::vector<vec::vf32> to_vf32(const Matrix& m, int64_t first, int64_t rows) {
  std::vector<vec::vf32> v(static_cast<size_t>(rows * m.cols));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < m.cols; ++c)
      v[static_cast<size_t>(r * m.cols + c)] = vec::from_float(static_cast<float>(m.at(first + r, c)));
  return v;
}

Matrix to_matrix(const std::vector<vec::vf32>& v, int64_t cols) {
  Matrix m(static_cast<int64_t>(v.size()) / cols, cols);
  for (size_t i = 0; i < v.size(); ++i) m.data[i] = vec::to_float(v[i]);
  return m;
}

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

}  // namespace

int run_layers(const RunArgs& args) {
  const auto t0 = Clock::now();
  // The model: a checkpoint, or the embedded synthetic 2B4T-sized one.
  ckpt::BitNetModel model;
  int64_t A = 0, B = 1;
  reference::ReferenceFile ref;
  const bool have_ref = !args.reference.empty();
  if (have_ref) ref = reference::load_reference_file(args.reference);
  if (args.model_dir.empty()) {
    int64_t want = 1;
    if (!args.layers.empty()) parse_layers(args.layers, 30, A, B), want = B;
    model = ckpt::make_synthetic_2b4t(want, args.seed);
  } else {
    const ckpt::BitNetConfig c = ckpt::load_bitnet_config(args.model_dir + "/config.json");
    B = c.layers;
    if (!args.layers.empty()) parse_layers(args.layers, c.layers, A, B);
    ckpt::LoadOptions lo;
    lo.first_layer = A;
    lo.end_layer = B;
    model = ckpt::load_bitnet_checkpoint(args.model_dir, lo);
  }
  const auto& cfg = model.config;

  // Tokens: from the reference file, or deterministic ids.
  int64_t P = args.prefill, D = args.decode;
  std::vector<int64_t> ids;
  if (have_ref) {
    if (args.prefill_given || args.decode_given)
      throw std::invalid_argument("--prefill and --decode come from the reference file; do not give them with --reference");
    P = ref.prefill_tokens;
    D = ref.decode_steps;
    ids = ref.input_ids;
  } else {
    if (P < 1 || D < 0) throw std::invalid_argument("--prefill must be >= 1 and --decode >= 0");
    for (int64_t i = 0; i < P + D; ++i) ids.push_back((i * 7919 + 13) % cfg.vocab);
  }
  const int64_t total = P + D, H = cfg.hidden;
  // The hidden state entering layer A: the embeddings, or the reference's for A > 0.
  Matrix input;
  if (A == 0) input = reference::embed(model, ids, total);
  else if (have_ref) input = reference::hidden_entering_layer(ref, A);
  else throw std::invalid_argument("--layers starting above 0 needs --reference (the hidden state entering layer A)");

  std::vector<layer::LayerParams> params;
  for (int64_t i = A; i < B; ++i) params.push_back(layer::layer_params(model, i));
  std::vector<const layer::LayerParams*> ptrs;
  for (const auto& p : params) ptrs.push_back(&p);

  rt::DeviceOptions opt;
  opt.trace_file = args.trace;
  if (!args.trace.empty() && args.backend != "rtl") throw std::invalid_argument("--trace needs the rtl backend");
  // DRAM: every layer's weights and cache, the activations, and room for programs.
  const int64_t weights = (B - A) * H * (2 * H + 2 * cfg.kv_heads * cfg.head_dim + 3 * cfg.intermediate) / 4;
  const int64_t cache = (B - A) * 2 * total * cfg.kv_heads * cfg.head_dim * 4;
  opt.dram_bytes = std::max<uint64_t>(256ull << 20, static_cast<uint64_t>(2 * weights + cache) + (256ull << 20));
  auto dev = rt::open_device(args.backend, args.config, opt);
  codegen::DeviceLayers dl(*dev, ptrs, total);

  Progress progress(t0);
  TensorMap ours;
  std::vector<layer::KvCache> caches(params.size());
  codegen::StepStats stats;
  int64_t mismatches = 0;
  std::string first_mismatch;
  double device_seconds = 0;
  for (int64_t step = -1; step < D; ++step) {
    const std::string prefix = step < 0 ? "prefill." : fmt::format("decode.{}.", step);
    const int64_t first = step < 0 ? 0 : P + step, n = step < 0 ? P : 1;
    std::vector<vec::vf32> x = to_vf32(input, first, n);
    if (A == 0) ours[prefix + "embeddings"] = to_matrix(x, H);
    const auto td = Clock::now();
    const auto outs = dl.forward(x, n, stats, [&](int64_t done, int64_t all) {
      progress.update(fmt::format("{}: program {}/{} ({} cycles so far)", prefix.substr(0, prefix.size() - 1), done,
                                  all, stats.counters.cycles));
    });
    device_seconds += seconds_since(td);
    for (size_t li = 0; li < params.size(); ++li) {
      const auto layer_no = A + static_cast<int64_t>(li);
      const layer::LayerOutputs mb = layer::accel_layer_forward(params[li], x, n, caches[li]);
      auto check = [&](const std::vector<vec::vf32>& dev_v, const std::vector<vec::vf32>& model_v, const char* key) {
        for (size_t k = 0; k < dev_v.size(); ++k)
          if (dev_v[k] != model_v[k]) {
            if (mismatches++ == 0)
              first_mismatch = fmt::format("{}layer.{}.{} token {} feature {}: device {:08x}, model (b) {:08x}", prefix,
                                           layer_no, key, k / static_cast<size_t>(H), k % static_cast<size_t>(H),
                                           dev_v[k], model_v[k]);
          }
      };
      check(outs[li].attn_out, mb.attn_out, "attn_out");
      check(outs[li].mlp_out, mb.mlp_out, "mlp_out");
      check(outs[li].out, x, "out");
      ours[fmt::format("{}layer.{}.attn_out", prefix, layer_no)] = to_matrix(outs[li].attn_out, H);
      ours[fmt::format("{}layer.{}.mlp_out", prefix, layer_no)] = to_matrix(outs[li].mlp_out, H);
      ours[fmt::format("{}layer.{}.out", prefix, layer_no)] = to_matrix(outs[li].out, H);
    }
    if (B == cfg.layers && model.has_embeddings_and_head())
      reference::head(model, to_matrix(outs.back().out, H), prefix, ours);
  }
  progress.done();
  const double wall = seconds_since(t0);

  // Figures.
  const rt::Counters& c = stats.counters;
  const arch::Config& dc = dev->config();
  const double ops_per_token = static_cast<double>(H) *
                               static_cast<double>(2 * H + 2 * cfg.kv_heads * cfg.head_dim + 3 * cfg.intermediate);
  const double useful = ops_per_token * static_cast<double>(total) * static_cast<double>(B - A);
  const double peak = static_cast<double>(dc.ops_per_cycle());
  const double util = c.cycles ? useful / (peak * static_cast<double>(c.cycles)) : 0.0;
  const bool exact = mismatches == 0;
  fmt::print("Decoder layers {}..{} of {} ({} layers in the model; hidden {}, intermediate {}, heads {}/{}, head_dim {})\n",
             A, B - 1, args.model_dir.empty() ? std::string("the embedded synthetic 2B4T-sized model") : args.model_dir,
             cfg.layers, H, cfg.intermediate, cfg.heads, cfg.kv_heads, cfg.head_dim);
  fmt::print("  on '{}' ({} backend): prefill {} tokens, then {} decode steps\n", dc.name, dev->backend(), P, D);
  fmt::print("  bit-exact vs model (b) : {}{}\n", exact ? "yes" : "NO",
             exact ? "" : fmt::format(" ({} mismatches; first: {})", mismatches, first_mismatch));
  fmt::print("  cycles                 : {}{}\n", c.cycles,
             dev->backend() == "model" ? " (functional model: estimate, not cycle-accurate)" : "");
  fmt::print("  busy cycles by unit    : engine {} ({:.1f}%), vector unit {} ({:.1f}%), load DMA {} ({:.1f}%), "
             "store DMA {} ({:.1f}%)\n",
             c.ex_busy, 100.0 * c.ex_busy / std::max<uint64_t>(1, c.cycles), c.vu_busy,
             100.0 * c.vu_busy / std::max<uint64_t>(1, c.cycles), c.ld_busy,
             100.0 * c.ld_busy / std::max<uint64_t>(1, c.cycles), c.st_busy,
             100.0 * c.st_busy / std::max<uint64_t>(1, c.cycles));
  fmt::print("  engine utilization     : {:.2f}% ({:.3g} useful ternary ops / {:.0f} peak per cycle)\n", 100 * util,
             useful, peak);
  fmt::print("  DRAM bytes             : {} read, {} written\n", c.rd_bytes, c.wr_bytes);
  fmt::print("  KV cache               : {} bytes ({} positions, {} layers, binary32)\n", dl.kv_cache_bytes(), total,
             B - A);
  fmt::print("  programs               : {} ({} instructions)\n", stats.programs, stats.insns);
  fmt::print("  wall time              : {:.1f} s (device runs {:.1f} s)\n", wall, device_seconds);

  bool within = true;
  nlohmann::json jkeys = nlohmann::json::array();
  reference::Comparison cmp;
  if (have_ref) {
    cmp = reference::compare_outputs(ref.tensors, ours);
    fmt::print("  against {}:\n", args.reference);
    for (const auto& k : cmp.keys) {
      const bool layer_key = k.key.find(".layer.") != std::string::npos;
      const bool ok = !layer_key || k.rel_l2 <= 2e-2;
      within = within && ok;
      fmt::print("    {:<28} rel L2 {:.3e}{}\n", k.key, k.rel_l2, ok ? "" : "  (above 2e-2)");
      jkeys.push_back({{"key", k.key}, {"rel_l2", k.rel_l2}, {"max_abs_diff", k.max_abs_diff}});
    }
    if (cmp.logits_rows > 0) {
      const double agree = static_cast<double>(cmp.top1_agree) / static_cast<double>(cmp.logits_rows);
      within = within && agree >= 0.95;
      fmt::print("    top-1 logits agreement {}/{} ({:.1f}%)\n", cmp.top1_agree, cmp.logits_rows, 100 * agree);
    }
    // A layer this run covers whose reference key went uncompared is a failure too.
    for (const auto& k : cmp.only_in_expected) {
      const size_t at = k.find(".layer.");
      if (at == std::string::npos) continue;
      const int64_t l = std::stoll(k.substr(at + 7));
      if (l >= A && l < B) within = false;
    }
  }
  if (!args.dump.empty()) {
    reference::write_reference_file(args.dump, ids, ours, ckpt::DType::F32,
                                     {{"producer", "tasu run"}, {"backend", dev->backend()}, {"config", std::string(dc.name)}});
    fmt::print("  dump                   : {}\n", args.dump);
  }
  if (!args.json.empty()) {
    nlohmann::json j;
    j["model"] = args.model_dir.empty() ? "synthetic-2b4t" : args.model_dir;
    j["layers"] = {A, B};
    j["prefill"] = P;
    j["decode"] = D;
    j["config"] = std::string(dc.name);
    j["backend"] = dev->backend();
    j["bit_exact"] = exact;
    j["mismatches"] = mismatches;
    j["cycles"] = c.cycles;
    j["engine_busy_cycles"] = c.ex_busy;
    j["vector_unit_busy_cycles"] = c.vu_busy;
    j["load_busy_cycles"] = c.ld_busy;
    j["store_busy_cycles"] = c.st_busy;
    j["dram_read_bytes"] = c.rd_bytes;
    j["dram_write_bytes"] = c.wr_bytes;
    j["kv_cache_bytes"] = dl.kv_cache_bytes();
    j["engine_utilization"] = util;
    j["programs"] = stats.programs;
    j["instructions"] = stats.insns;
    j["wall_seconds"] = wall;
    if (have_ref) {
      j["reference"] = args.reference;
      j["keys"] = jkeys;
      j["top1_agree"] = cmp.top1_agree;
      j["logits_rows"] = cmp.logits_rows;
      j["within_tolerance"] = within;
    }
    std::ofstream f(args.json);
    if (!f) throw std::runtime_error("cannot write " + args.json);
    f << j.dump(2) << "\n";
  }
  return exact && within ? 0 : 1;
}

}  // namespace tasu::cli
