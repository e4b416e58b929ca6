// Reports of a run, the reference check and the merge of shards; see run_report.h.
#include "run/run_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <fstream>
#include <stdexcept>

namespace tasu::run {
namespace {

using nlohmann::json;

json counters_json(const rt::Counters& c) {
  return {{"cycles", c.cycles},   {"engine_busy", c.ex_busy}, {"vector_unit_busy", c.vu_busy},
          {"load_busy", c.ld_busy}, {"store_busy", c.st_busy}, {"dram_read_bytes", c.rd_bytes},
          {"dram_write_bytes", c.wr_bytes}, {"stall", c.stall}, {"instructions", c.insns}};
}

rt::Counters counters_from(const json& j) {
  rt::Counters c;
  c.cycles = j.at("cycles").get<uint64_t>();
  c.ex_busy = j.at("engine_busy").get<uint64_t>();
  c.vu_busy = j.at("vector_unit_busy").get<uint64_t>();
  c.ld_busy = j.at("load_busy").get<uint64_t>();
  c.st_busy = j.at("store_busy").get<uint64_t>();
  c.rd_bytes = j.at("dram_read_bytes").get<uint64_t>();
  c.wr_bytes = j.at("dram_write_bytes").get<uint64_t>();
  c.stall = j.at("stall").get<uint64_t>();
  c.insns = j.at("instructions").get<uint64_t>();
  return c;
}

json roofline_json(const codegen::Roofline& r) {
  return {{"dram_cycles", r.dram},     {"engine_cycles", r.engine}, {"vector_cycles", r.vector},
          {"bound_cycles", r.bound},   {"bound_kind", r.kind()},    {"dram_bound_cycles", r.by_kind[0]},
          {"engine_bound_cycles", r.by_kind[1]}, {"vector_bound_cycles", r.by_kind[2]}};
}

json traffic_json(const codegen::Traffic& t) {
  json j;
  for (int k = 0; k < codegen::Traffic::kKinds; ++k) j[codegen::Traffic::name(k)] = t.bytes[k];
  return j;
}

codegen::Traffic traffic_from(const json& j) {
  codegen::Traffic t;
  for (int k = 0; k < codegen::Traffic::kKinds; ++k) t.bytes[k] = j.at(codegen::Traffic::name(k)).get<uint64_t>();
  return t;
}

codegen::Roofline roofline_from(const json& j) {
  codegen::Roofline r;
  r.dram = j.at("dram_cycles").get<double>();
  r.engine = j.at("engine_cycles").get<double>();
  r.vector = j.at("vector_cycles").get<double>();
  r.bound = j.at("bound_cycles").get<double>();
  r.by_kind[0] = j.at("dram_bound_cycles").get<double>();
  r.by_kind[1] = j.at("engine_bound_cycles").get<double>();
  r.by_kind[2] = j.at("vector_bound_cycles").get<double>();
  return r;
}

// Bounds and cycles of the phases whose names pass `pick`, over every layer. The traffic floor
// is the DRAM bytes the programs actually move over the bandwidth: no order of their
// instructions runs in fewer cycles. Against the roofline's DRAM bound (compulsory bytes only)
// it shows what the programs move beyond that: activations stored and read back, the block
// outputs kept for the checks, instructions.
struct PhaseRoof {
  codegen::Roofline roof;
  uint64_t cycles = 0;
  rt::Counters counters;
  energy::Events events;
  codegen::Traffic by_kind;  // the DRAM bytes by what they move
  double traffic = 0;
  double share() const { return cycles ? roof.bound / static_cast<double>(cycles) : 0.0; }
  double traffic_share() const { return cycles ? traffic / static_cast<double>(cycles) : 0.0; }
};
template <class Pick>
PhaseRoof phase_roof(const RunResult& r, Pick pick) {
  PhaseRoof p;
  for (const auto& l : r.layers)
    for (const auto& ph : l.phases)
      if (pick(ph.name)) {
        p.roof += ph.roofline;
        p.cycles += ph.counters.cycles;
        p.counters += ph.counters;
        p.events += ph.events;
        p.by_kind += ph.traffic;
      }
  if (r.dram_bytes_per_cycle)
    p.traffic = static_cast<double>(p.counters.rd_bytes + p.counters.wr_bytes) / r.dram_bytes_per_cycle;
  return p;
}

double pct(uint64_t part, uint64_t whole) { return 100.0 * static_cast<double>(part) / static_cast<double>(std::max<uint64_t>(1, whole)); }

// Figures derived from the counters, shared by the text and the JSON.
struct Derived {
  PhaseRoof prefill, decode, run;    // over all layers run: the prefill, every decode step, all
  uint64_t prefill_cycles = 0;       // all layers run
  double decode_cycles_per_step = 0; // all layers run, mean over the steps
  double prefill_tokens_per_s = 0, decode_tokens_per_s = 0;
  double useful_ops = 0, utilization = 0;
  uint64_t programs = 0, insns = 0, kv_cache_bytes = 0;
};

// The energy of a group of phases per token and layer, on chip and with each DRAM (docs/energy.md).
struct TokenEnergy {
  energy::Breakdown per_token;  // joules per token and layer, DRAM at the first of energy::drams()
  std::vector<double> dram;     // joules per token and layer of each of energy::drams()
};
TokenEnergy token_energy(const RunResult& r, const ReportOptions& o, const PhaseRoof& p, int64_t tokens) {
  const arch::Config* cfg = arch::find_config(r.config);
  if (!cfg) throw std::invalid_argument(fmt::format("no configuration '{}'", r.config));
  TokenEnergy t;
  const double per = static_cast<double>(std::max<int64_t>(1, tokens) * static_cast<int64_t>(r.layers.size()));
  const uint64_t bytes = p.counters.rd_bytes + p.counters.wr_bytes;
  t.per_token = energy::price(*o.energy, *cfg, p.events, p.counters.cycles, p.counters.ex_busy, bytes,
                              o.clock_mhz * 1e6, energy::drams().front());
  energy::Breakdown& b = t.per_token;
  for (double* x : {&b.engine, &b.wgt_buf, &b.act_buf, &b.out_buf, &b.vsp, &b.vector, &b.leakage, &b.dram}) *x /= per;
  for (const energy::Dram& dr : energy::drams()) t.dram.push_back(energy::dram_joules(bytes, dr) / per);
  return t;
}

Derived derive(const RunResult& r, const ReportOptions& o) {
  Derived d;
  const rt::Counters c = r.total();
  d.prefill = phase_roof(r, [](const std::string& n) { return n == "prefill"; });
  d.decode = phase_roof(r, [](const std::string& n) { return n != "prefill"; });
  d.run = phase_roof(r, [](const std::string&) { return true; });
  d.prefill_cycles = d.prefill.cycles;
  if (r.decode > 0) d.decode_cycles_per_step = static_cast<double>(d.decode.cycles) / static_cast<double>(r.decode);
  const double hz = o.clock_mhz * 1e6, batch = static_cast<double>(r.batch);
  if (d.prefill_cycles)
    d.prefill_tokens_per_s = batch * static_cast<double>(r.prefill) * hz / static_cast<double>(d.prefill_cycles);
  if (d.decode_cycles_per_step > 0) d.decode_tokens_per_s = batch * hz / d.decode_cycles_per_step;
  d.useful_ops = static_cast<double>(r.ops_per_token) * static_cast<double>(r.prefill + r.decode) * batch *
                 static_cast<double>(r.layers.size());
  if (c.cycles) d.utilization = d.useful_ops / (static_cast<double>(r.peak_ops_per_cycle) * static_cast<double>(c.cycles));
  for (const auto& l : r.layers) {
    d.kv_cache_bytes += l.kv_cache_bytes;
    for (const auto& p : l.phases) {
      d.programs += p.programs;
      d.insns += p.insns;
    }
  }
  return d;
}

}  // namespace

void require_reference_keys(const reference::ReferenceFile& ref, const std::string& file,
                            const std::vector<std::string>& keys) {
  std::vector<std::string> missing;
  for (const auto& k : keys)
    if (!ref.tensors.count(k)) missing.push_back(k);
  if (missing.empty()) return;
  std::sort(missing.begin(), missing.end());
  const size_t show = std::min<size_t>(missing.size(), 4);
  throw std::invalid_argument(fmt::format(
      "--reference {} lacks {} of the {} keys this run produces ({}{}); a key never compared cannot pass", file,
      missing.size(), keys.size(), fmt::join(missing.begin(), missing.begin() + static_cast<std::ptrdiff_t>(show), ", "),
      missing.size() > show ? ", ..." : ""));
}

namespace {

double l2(const reference::Matrix& m) {
  double s = 0;
  for (double v : m.data) s += v * v;
  return std::sqrt(s);
}

// For "<phase>layer.L.attn_out" and "<phase>layer.L.mlp_out": the reference's residual stream the
// delta is added to (the hidden state entering layer L, plus attn_out for mlp_out) and its
// name; nullopt for other keys or when the reference lacks the stream's keys.
std::optional<std::pair<std::string, double>> stream_norm(const reference::TensorMap& ref, const std::string& key) {
  const size_t at = key.find("layer.");
  const bool attn = key.size() > 9 && key.compare(key.size() - 9, 9, ".attn_out") == 0;
  const bool mlp = key.size() > 8 && key.compare(key.size() - 8, 8, ".mlp_out") == 0;
  if (at == std::string::npos || !(attn || mlp)) return std::nullopt;
  const std::string phase = key.substr(0, at);
  const int64_t L = std::stoll(key.substr(at + 6));  // the loader checked the number
  const std::string in = L == 0 ? phase + "embeddings" : fmt::format("{}layer.{}.out", phase, L - 1);
  const auto h = ref.find(in);
  if (h == ref.end()) return std::nullopt;
  if (attn) return std::make_pair(in, l2(h->second));
  const std::string a = fmt::format("{}layer.{}.attn_out", phase, L);
  const auto d = ref.find(a);
  if (d == ref.end() || d->second.data.size() != h->second.data.size()) return std::nullopt;
  reference::Matrix sum = h->second;
  for (size_t i = 0; i < sum.data.size(); ++i) sum.data[i] += d->second.data[i];
  return std::make_pair(in + " + " + a, l2(sum));
}

}  // namespace

RefCheck check_against_reference(const reference::ReferenceFile& ref, const std::string& file,
                                 const reference::TensorMap& outputs, double tolerance) {
  RefCheck rc;
  rc.file = file;
  rc.tolerance = tolerance;
  const reference::Comparison cmp = reference::compare_outputs(ref.tensors, outputs);
  rc.top1_agree = cmp.top1_agree;
  rc.logits_rows = cmp.logits_rows;
  for (const auto& k : cmp.keys) {
    JudgedKey j{k.key, k.key, k.rel_l2, k.rel_l2, k.max_abs_diff};
    j.judged = k.key.find(".layer.") != std::string::npos || k.key.rfind("layer.", 0) == 0;
    if (const auto s = stream_norm(ref.tensors, k.key)) {
      const double diff = k.rel_l2 * l2(ref.tensors.at(k.key));
      j.relative_to = s->first;
      j.error = s->second > 0 ? diff / s->second : (diff == 0 ? 0.0 : std::numeric_limits<double>::infinity());
      if (std::isnan(k.rel_l2)) j.error = k.rel_l2;
    }
    j.above = j.judged && !(j.error <= tolerance);  // NaN is above
    if (j.above) rc.within = false;
    rc.keys.push_back(std::move(j));
  }
  if (rc.logits_rows > 0 && static_cast<double>(rc.top1_agree) < kTop1Limit * static_cast<double>(rc.logits_rows))
    rc.within = false;
  rc.missing = cmp.only_in_actual;
  if (!rc.missing.empty()) rc.within = false;
  return rc;
}

void print_report(const RunResult& r, const ReportOptions& o, const RefCheck* ref) {
  const rt::Counters c = r.total();
  const Derived d = derive(r, o);
  const bool exact = r.mismatches() == 0;
  const bool model_backend = r.backend == "model";
  fmt::print("Decoder layers {}..{} of {} ({} layers in the model; hidden {}, intermediate {}, heads {}/{}, head_dim {})\n",
             r.first_layer, r.end_layer - 1,
             r.model == "synthetic-2b4t" ? std::string("the embedded synthetic 2B4T-sized model") : r.model,
             o.model_layers, o.hidden, o.intermediate, o.heads, o.kv_heads, o.head_dim);
  if (r.batch == 1)
    fmt::print("  on '{}' ({} backend): prefill {} tokens, then {} decode steps\n", r.config, r.backend, r.prefill,
               r.decode);
  else
    fmt::print("  on '{}' ({} backend): a batch of {} sequences, each a prefill of {} tokens; then {} decode steps of "
               "one token per sequence\n",
               r.config, r.backend, r.batch, r.prefill, r.decode);
  fmt::print("  bit-exact vs the exact layer model : {}{}\n", exact ? "yes" : "NO",
             exact ? "" : fmt::format(" ({} mismatches; first: {})", r.mismatches(), r.first_mismatch()));
  fmt::print("  cycles                 : {}{}\n", c.cycles,
             model_backend ? " (functional model: timed by its model of the RTL; docs/performance.md)"
                           : "");
  if (r.layers.size() > 1) {
    fmt::print("  per layer              : layer  prefill cycles  decode cycles/step  bit-exact\n");
    for (const auto& l : r.layers) {
      uint64_t dec = 0;
      for (const auto& p : l.phases)
        if (p.name != "prefill") dec += p.counters.cycles;
      fmt::print("                           {:>5}  {:>14}  {:>18.0f}  {}\n", l.layer, l.phases.front().counters.cycles,
                 r.decode ? static_cast<double>(dec) / static_cast<double>(r.decode) : 0.0,
                 l.mismatches ? "NO" : "yes");
    }
  }
  const std::string span = r.layers.size() == 1 ? fmt::format("layer {}", r.first_layer)
                                                : fmt::format("layers {}..{}", r.first_layer, r.end_layer - 1);
  fmt::print("  per token              : prefill {:.0f} cycles per prompt token, decode {:.0f} cycles per step{} ({})\n",
             static_cast<double>(d.prefill_cycles) / static_cast<double>(r.prefill * r.batch), d.decode_cycles_per_step,
             r.batch > 1 ? fmt::format(" of {} tokens", r.batch) : std::string(), span);
  fmt::print("  tokens per second      : prefill {:.1f}, decode {:.1f} at {:g} MHz ({}{})\n", d.prefill_tokens_per_s,
             d.decode_tokens_per_s, o.clock_mhz, span,
             static_cast<int64_t>(r.layers.size()) == o.model_layers ? ", the whole model; host embedding and head excluded"
                                                                      : fmt::format(" of {}", o.model_layers));
  fmt::print("  roofline               : prefill bound {:.0f} cycles ({}), achieved {:.1f}%", d.prefill.roof.bound,
             d.prefill.roof.kind(), 100 * d.prefill.share());
  if (r.decode > 0)
    fmt::print("; decode bound {:.0f} cycles per step ({}), achieved {:.1f}%",
               d.decode.roof.bound / static_cast<double>(r.decode), d.decode.roof.kind(), 100 * d.decode.share());
  fmt::print("; whole run bound {:.0f} ({}), achieved {:.1f}%\n", d.run.roof.bound, d.run.roof.kind(), 100 * d.run.share());
  fmt::print("                           (bounds: DRAM {:.0f}, engine {:.0f}, vector unit {:.0f} cycles over the run)\n",
             d.run.roof.dram, d.run.roof.engine, d.run.roof.vector);
  // The programs' own DRAM traffic: the floor of any order of these instructions.
  if (r.dram_bytes_per_cycle) {
    auto over = [](const PhaseRoof& p) { return p.roof.dram > 0 ? p.traffic / p.roof.dram : 0.0; };
    fmt::print("  DRAM traffic floor     : prefill {:.0f} cycles ({:.2f}x its DRAM bound), achieved {:.1f}%",
               d.prefill.traffic, over(d.prefill), 100 * d.prefill.traffic_share());
    if (r.decode > 0)
      fmt::print("; decode {:.0f} per step ({:.2f}x), achieved {:.1f}%", d.decode.traffic / static_cast<double>(r.decode),
                 over(d.decode), 100 * d.decode.traffic_share());
    fmt::print("; whole run {:.0f} ({:.2f}x), achieved {:.1f}%\n", d.run.traffic, over(d.run), 100 * d.run.traffic_share());
    fmt::print("                           (the bytes the programs move over the bandwidth: no order of their\n"
               "                           instructions runs faster; docs/performance.md)\n");
    // What the bytes are, as shares of each part's traffic floor.
    // Left out where the kinds do not cover the counters' bytes (a merge with a report from
    // before session 28, which has no kinds).
    auto kinds = [&](const char* label, const PhaseRoof& p) {
      if (!p.by_kind.total() || p.by_kind.total() != p.counters.rd_bytes + p.counters.wr_bytes) return;
      fmt::print("  DRAM bytes, {:<11}:", label);
      const char* sep = "";
      for (int k = 0; k < codegen::Traffic::kKinds; ++k) {
        if (k == codegen::Traffic::kOther && !p.by_kind.bytes[k]) continue;
        fmt::print("{} {} {:.1f}%", sep, codegen::Traffic::name(k),
                   100.0 * static_cast<double>(p.by_kind.bytes[k]) / static_cast<double>(p.by_kind.total()));
        sep = ",";
      }
      fmt::print("\n");
    };
    kinds("prefill", d.prefill);
    if (r.decode > 0) kinds("decode", d.decode);
  }
  fmt::print("  busy cycles by unit    : engine {} ({:.1f}%), vector unit {} ({:.1f}%), load DMA {} ({:.1f}%), "
             "store DMA {} ({:.1f}%)\n",
             c.ex_busy, pct(c.ex_busy, c.cycles), c.vu_busy, pct(c.vu_busy, c.cycles), c.ld_busy, pct(c.ld_busy, c.cycles),
             c.st_busy, pct(c.st_busy, c.cycles));
  fmt::print("  engine utilization     : {:.2f}% ({:.3g} useful ternary ops / {} peak per cycle)\n", 100 * d.utilization,
             d.useful_ops, r.peak_ops_per_cycle);
  fmt::print("  DRAM bytes             : {} read, {} written\n", c.rd_bytes, c.wr_bytes);
  if (o.energy) {
    const energy::EnergyTable& t = *o.energy;
    fmt::print("  energy                 : {} (config '{}', 0.18 um; docs/energy.md); per token and layer:\n", t.path, t.config);
    auto line = [&](const char* what, const PhaseRoof& p, int64_t tokens) {
      const TokenEnergy e = token_energy(r, o, p, tokens);
      const energy::Breakdown& b = e.per_token;
      std::string dram;
      for (size_t i = 0; i < e.dram.size(); ++i)
        dram += fmt::format("{}+ {} DRAM {:.2f} uJ", i ? ", " : "", energy::drams()[i].name, 1e6 * e.dram[i]);
      fmt::print("    {:<8} on chip {:.2f} uJ (engine {:.2f}, weight writes {:.2f}, activations {:.2f}, outputs {:.2f}, "
                 "scratchpad {:.2f}, vector lanes {:.2f}, engine leakage {:.3f}); {}\n",
                 what, 1e6 * b.on_chip(), 1e6 * b.engine, 1e6 * b.wgt_buf, 1e6 * b.act_buf, 1e6 * b.out_buf,
                 1e6 * b.vsp, 1e6 * b.vector, 1e6 * b.leakage, dram);
      if (o.model_layers > 0) {
        std::string whole;
        for (size_t i = 0; i < e.dram.size(); ++i)
          whole += fmt::format(", {:.4g} J with {}", static_cast<double>(o.model_layers) * (b.on_chip() + e.dram[i]),
                               energy::drams()[i].name);
        fmt::print("    {:<8} whole model ({} layers, from these): {:.4g} J per token on chip{}\n", "", o.model_layers,
                   static_cast<double>(o.model_layers) * b.on_chip(), whole);
      }
    };
    line("prefill", d.prefill, r.prefill * r.batch);
    if (r.decode > 0) line("decode", d.decode, r.decode * r.batch);
  }
  fmt::print("  KV cache               : {} bytes ({} positions, {} layers{}, binary32)\n", d.kv_cache_bytes,
             r.prefill + r.decode, r.layers.size(), r.batch > 1 ? fmt::format(", {} sequences", r.batch) : std::string());
  fmt::print("  programs               : {} ({} instructions)\n", d.programs, d.insns);
  fmt::print("  wall time              : {:.1f} s{} (simulating the device {:.1f} s, host work not hidden behind it {:.1f} s); "
             "peak RSS {:.0f} MB\n",
             r.wall_seconds, r.shards > 1 ? fmt::format(", summed over {} shards", r.shards) : std::string(),
             r.device_seconds, r.host_seconds, static_cast<double>(r.peak_rss_bytes) / 1048576.0);
  if (ref) {
    fmt::print("  against {} (tolerance {:g}; deltas relative to the stream they are added to):\n", ref->file,
               ref->tolerance);
    for (const auto& k : ref->keys) {
      const std::string above = k.above ? fmt::format("  (above {:g})", ref->tolerance) : std::string();
      if (k.relative_to == k.key)
        fmt::print("    {:<28} rel L2 {:.3e}{}\n", k.key, k.error, above);
      else
        fmt::print("    {:<28} rel L2 {:.3e}, {:.3e} of the stream{}\n", k.key, k.rel_l2, k.error, above);
    }
    if (ref->logits_rows > 0)
      fmt::print("    top-1 logits agreement {}/{} ({:.1f}%)\n", ref->top1_agree, ref->logits_rows,
                 100.0 * static_cast<double>(ref->top1_agree) / static_cast<double>(ref->logits_rows));
    for (const auto& k : ref->missing) fmt::print("    {:<28} MISSING from the reference\n", k);
  }
  if (!o.dump.empty()) fmt::print("  dump                   : {}\n", o.dump);
}

json report_json(const RunResult& r, const ReportOptions& o, const RefCheck* ref) {
  const rt::Counters c = r.total();
  const Derived d = derive(r, o);
  json j;
  j["model"] = r.model;
  j["seed"] = r.seed;
  j["shards"] = r.shards;
  j["model_layers"] = o.model_layers;
  j["shape"] = {{"hidden", o.hidden}, {"intermediate", o.intermediate}, {"heads", o.heads}, {"kv_heads", o.kv_heads},
                {"head_dim", o.head_dim}};
  j["layers"] = {r.first_layer, r.end_layer};
  j["prefill"] = r.prefill;
  j["decode"] = r.decode;
  j["batch"] = r.batch;
  j["input_ids"] = r.ids;
  j["config"] = r.config;
  j["backend"] = r.backend;
  j["bit_exact"] = r.mismatches() == 0;
  j["mismatches"] = r.mismatches();
  if (!r.first_mismatch().empty()) j["first_mismatch"] = r.first_mismatch();
  j["cycles"] = c.cycles;
  j["engine_busy_cycles"] = c.ex_busy;
  j["vector_unit_busy_cycles"] = c.vu_busy;
  j["load_busy_cycles"] = c.ld_busy;
  j["store_busy_cycles"] = c.st_busy;
  j["dram_read_bytes"] = c.rd_bytes;
  j["dram_write_bytes"] = c.wr_bytes;
  j["kv_cache_bytes"] = d.kv_cache_bytes;
  j["ops_per_token_per_layer"] = r.ops_per_token;
  j["peak_ops_per_cycle"] = r.peak_ops_per_cycle;
  j["dram_bytes_per_cycle"] = r.dram_bytes_per_cycle;
  j["engine_utilization"] = d.utilization;
  if (o.energy) {
    // Joules per token and layer by phase: the breakdown (DRAM at each of energy::drams()).
    json je = {{"table", o.energy->path}, {"table_config", o.energy->config}, {"clock_mhz", o.clock_mhz}};
    auto part = [&](const PhaseRoof& p, int64_t tokens) {
      const TokenEnergy e = token_energy(r, o, p, tokens);
      const energy::Breakdown& b = e.per_token;
      json x = {{"engine", b.engine},   {"weight_writes", b.wgt_buf}, {"activations", b.act_buf},
                {"outputs", b.out_buf}, {"scratchpad", b.vsp},        {"vector_lanes", b.vector},
                {"engine_leakage", b.leakage}, {"on_chip", b.on_chip()}};
      for (size_t i = 0; i < e.dram.size(); ++i) x["dram_" + energy::drams()[i].name] = e.dram[i];
      return x;
    };
    je["prefill_j_per_token_layer"] = part(d.prefill, r.prefill * r.batch);
    if (r.decode > 0) je["decode_j_per_token_layer"] = part(d.decode, r.decode * r.batch);
    j["energy"] = je;
  }
  j["programs"] = d.programs;
  j["instructions"] = d.insns;
  j["clock_mhz"] = o.clock_mhz;
  j["prefill_cycles"] = d.prefill_cycles;
  j["decode_cycles_per_step"] = d.decode_cycles_per_step;
  j["prefill_tokens_per_second"] = d.prefill_tokens_per_s;
  j["decode_tokens_per_second"] = d.decode_tokens_per_s;
  {
    auto part = [](const PhaseRoof& p) {
      json x = roofline_json(p.roof);
      x["cycles"] = p.cycles;
      x["achieved"] = p.share();
      x["traffic_cycles"] = p.traffic;
      x["traffic_achieved"] = p.traffic_share();
      x["traffic_bytes"] = traffic_json(p.by_kind);
      return x;
    };
    j["roofline"] = {{"prefill", part(d.prefill)}, {"decode", part(d.decode)}, {"run", part(d.run)}};
  }
  j["wall_seconds"] = r.wall_seconds;
  j["device_seconds"] = r.device_seconds;
  j["host_seconds"] = r.host_seconds;
  j["peak_rss_bytes"] = r.peak_rss_bytes;
  if (!o.dump.empty()) j["dump"] = o.dump;
  json layers = json::array();
  for (const auto& l : r.layers) {
    json jl;
    jl["layer"] = l.layer;
    jl["kv_cache_bytes"] = l.kv_cache_bytes;
    jl["mismatches"] = l.mismatches;
    if (!l.first_mismatch.empty()) jl["first_mismatch"] = l.first_mismatch;
    json phases = json::array();
    for (const auto& p : l.phases)
      phases.push_back({{"name", p.name}, {"tokens", p.tokens}, {"programs", p.programs}, {"insns", p.insns},
                        {"device_seconds", p.device_seconds}, {"counters", counters_json(p.counters)},
                        {"roofline", roofline_json(p.roofline)}, {"events", energy::events_json(p.events)},
                        {"traffic", traffic_json(p.traffic)}});
    jl["phases"] = phases;
    layers.push_back(jl);
  }
  j["per_layer"] = layers;
  if (ref) {
    json keys = json::array();
    for (const auto& k : ref->keys)
      keys.push_back({{"key", k.key}, {"rel_l2", k.rel_l2}, {"error", k.error}, {"relative_to", k.relative_to},
                      {"judged", k.judged}, {"above_tolerance", k.above}, {"max_abs_diff", k.max_abs_diff}});
    j["reference"] = ref->file;
    j["tolerance"] = ref->tolerance;
    j["keys"] = keys;
    j["missing_keys"] = ref->missing;
    j["top1_agree"] = ref->top1_agree;
    j["logits_rows"] = ref->logits_rows;
    j["within_tolerance"] = ref->within;
  }
  return j;
}

void write_timeline(const std::string& path, const RunResult& r, double clock_mhz) {
  // The programs, the fetch, then the units in their order.
  std::vector<std::string> tracks{"programs", std::string(rt::track_name(rt::TraceEvent::kFetch))};
  for (int u = 0; u < arch::kNumUnits; ++u) tracks.emplace_back(rt::track_name(static_cast<rt::TraceEvent::Unit>(u)));
  const int kTracks = static_cast<int>(tracks.size());
  auto tid = [&](const std::string& t) {
    for (int i = 0; i < kTracks; ++i)
      if (t == tracks[i]) return i;
    throw std::logic_error("timeline: unknown track " + t);
  };
  json ev = json::array();
  ev.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", 1},
                {"args", {{"name", fmt::format("tasu '{}' ({} backend)", r.config, r.backend)}}}});
  for (int i = 0; i < kTracks; ++i) {
    ev.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", 1}, {"tid", i}, {"args", {{"name", tracks[i]}}}});
    ev.push_back({{"ph", "M"}, {"name", "thread_sort_index"}, {"pid", 1}, {"tid", i}, {"args", {{"sort_index", i}}}});
  }
  for (const TimelineEvent& e : r.timeline) {
    json x = {{"ph", "X"}, {"name", e.name}, {"cat", e.track}, {"pid", 1}, {"tid", tid(e.track)},
              {"ts", static_cast<double>(e.start) / clock_mhz},
              {"dur", static_cast<double>(e.end - e.start) / clock_mhz},
              {"args", {{"start_cycle", e.start}, {"end_cycle", e.end}}}};
    if (!e.args.empty()) {
      x["args"]["insn"] = e.args;
      x["args"]["pc"] = e.pc;
    }
    ev.push_back(std::move(x));
  }
  std::ofstream f(path);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << json{{"displayTimeUnit", "ns"}, {"traceEvents", ev}}.dump() << "\n";
}

RunResult result_from_json(const json& j, const std::string& source, ReportOptions& o) {
  try {
    RunResult r;
    r.model = j.at("model").get<std::string>();
    r.seed = j.at("seed").get<uint64_t>();
    r.shards = j.at("shards").get<int64_t>();
    o.model_layers = j.at("model_layers").get<int64_t>();
    const json& s = j.at("shape");
    o.hidden = s.at("hidden").get<int64_t>();
    o.intermediate = s.at("intermediate").get<int64_t>();
    o.heads = s.at("heads").get<int64_t>();
    o.kv_heads = s.at("kv_heads").get<int64_t>();
    o.head_dim = s.at("head_dim").get<int64_t>();
    r.first_layer = j.at("layers").at(0).get<int64_t>();
    r.end_layer = j.at("layers").at(1).get<int64_t>();
    r.prefill = j.at("prefill").get<int64_t>();
    r.decode = j.at("decode").get<int64_t>();
    r.batch = j.value("batch", int64_t{1});
    if (r.batch < 1) throw std::invalid_argument(fmt::format("batch {}", r.batch));
    r.ids = j.at("input_ids").get<std::vector<int64_t>>();
    r.config = j.at("config").get<std::string>();
    r.backend = j.at("backend").get<std::string>();
    r.ops_per_token = j.at("ops_per_token_per_layer").get<int64_t>();
    r.peak_ops_per_cycle = j.at("peak_ops_per_cycle").get<uint64_t>();
    r.dram_bytes_per_cycle = j.at("dram_bytes_per_cycle").get<uint32_t>();
    r.wall_seconds = j.at("wall_seconds").get<double>();
    r.device_seconds = j.at("device_seconds").get<double>();
    r.host_seconds = j.at("host_seconds").get<double>();
    r.peak_rss_bytes = j.at("peak_rss_bytes").get<int64_t>();
    o.dump = j.value("dump", std::string());
    for (const json& jl : j.at("per_layer")) {
      LayerResult l;
      l.layer = jl.at("layer").get<int64_t>();
      l.kv_cache_bytes = jl.at("kv_cache_bytes").get<uint64_t>();
      l.mismatches = jl.at("mismatches").get<int64_t>();
      l.first_mismatch = jl.value("first_mismatch", std::string());
      if (l.layer != r.first_layer + static_cast<int64_t>(r.layers.size()))
        throw std::invalid_argument(fmt::format("per_layer lists layer {} out of order", l.layer));
      if (jl.at("phases").size() != static_cast<size_t>(r.decode + 1))
        throw std::invalid_argument(fmt::format("layer {} has {} phases, expected {}", l.layer, jl.at("phases").size(),
                                                r.decode + 1));
      for (const json& jp : jl.at("phases")) {
        PhaseResult p;
        p.name = jp.at("name").get<std::string>();
        p.tokens = jp.at("tokens").get<int64_t>();
        p.programs = jp.at("programs").get<uint64_t>();
        p.insns = jp.at("insns").get<uint64_t>();
        p.device_seconds = jp.at("device_seconds").get<double>();
        p.roofline = roofline_from(jp.at("roofline"));
        p.counters = counters_from(jp.at("counters"));
        p.events = energy::events_from_json(jp.at("events"));
        if (jp.contains("traffic")) p.traffic = traffic_from(jp.at("traffic"));  // reports before session 28 lack it
        l.phases.push_back(p);
      }
      r.layers.push_back(l);
    }
    if (static_cast<int64_t>(r.layers.size()) != r.end_layer - r.first_layer)
      throw std::invalid_argument("per_layer does not match the layer range");
    return r;
  } catch (const json::exception& e) {
    throw std::invalid_argument(fmt::format("{}: not a tasu run report: {}", source, e.what()));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("{}: {}", source, e.what()));
  }
}

RunResult merge_results(std::vector<RunResult> shards) {
  if (shards.empty()) throw std::invalid_argument("nothing to merge");
  std::sort(shards.begin(), shards.end(), [](const RunResult& a, const RunResult& b) { return a.first_layer < b.first_layer; });
  RunResult m = shards.front();
  m.layers.clear();
  m.outputs.clear();
  m.wall_seconds = m.device_seconds = m.host_seconds = 0;
  m.peak_rss_bytes = 0;
  int64_t expect = shards.front().first_layer;
  for (const RunResult& s : shards) {
    const auto where = fmt::format("shard of layers {}:{}", s.first_layer, s.end_layer);
    if (s.model != m.model || s.seed != m.seed || s.config != m.config || s.backend != m.backend)
      throw std::invalid_argument(fmt::format("{} ran {} (seed {}) on '{}' ({}), the first shard {} (seed {}) on '{}' ({})",
                                              where, s.model, s.seed, s.config, s.backend, m.model, m.seed, m.config,
                                              m.backend));
    if (s.prefill != m.prefill || s.decode != m.decode || s.batch != m.batch || s.ids != m.ids)
      throw std::invalid_argument(fmt::format("{} ran other tokens than the first shard", where));
    if (s.first_layer != expect)
      throw std::invalid_argument(fmt::format("{} does not continue at layer {} ({})", where, expect,
                                              s.first_layer < expect ? "overlap" : "gap"));
    expect = s.end_layer;
    for (const auto& l : s.layers) m.layers.push_back(l);
    for (const auto& [k, v] : s.outputs) m.outputs[k] = v;
    m.wall_seconds += s.wall_seconds;
    m.device_seconds += s.device_seconds;
    m.host_seconds += s.host_seconds;
    m.peak_rss_bytes = std::max(m.peak_rss_bytes, s.peak_rss_bytes);
  }
  m.end_layer = expect;
  m.shards = static_cast<int64_t>(shards.size());
  return m;
}

}  // namespace tasu::run
