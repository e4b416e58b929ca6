// The run pipeline; see model_run.h.
#include "run/model_run.h"

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <future>
#include <stdexcept>
#include <utility>

#include "asm/asm.h"
#include "checkpoint/synthetic_2b4t.h"
#include "codegen/layer_runner.h"
#include "layer/from_checkpoint.h"

namespace tasu::run {
namespace {

using Clock = std::chrono::steady_clock;
using reference::Matrix;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::vector<vec::vf32> to_vf32(const Matrix& m, int64_t first, int64_t rows) {
  std::vector<vec::vf32> v(static_cast<size_t>(rows * m.cols));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < m.cols; ++c)
      v[static_cast<size_t>(r * m.cols + c)] = vec::from_float(static_cast<float>(m.at(first + r, c)));
  return v;
}

void put_rows(Matrix& dst, int64_t first, const std::vector<vec::vf32>& v) {
  const int64_t n = static_cast<int64_t>(v.size()) / dst.cols;
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < dst.cols; ++c)
      dst.data[static_cast<size_t>((first + r) * dst.cols + c)] = vec::to_float(v[static_cast<size_t>(r * dst.cols + c)]);
}

// Step -1 is the prefill (tokens 0..P-1), step s >= 0 decode step s (token P + s); prefix starts
// its keys in a reference file.
struct Window {
  std::string name, prefix;
  int64_t first, n;
};
Window window(int64_t step, int64_t P) {
  if (step < 0) return {"prefill", "prefill.", 0, P};
  return {fmt::format("decode.{}", step), fmt::format("decode.{}.", step), P + step, 1};
}

// Rows first..first+n-1 of m.
Matrix rows(const Matrix& m, int64_t first, int64_t n) {
  Matrix s(n, m.cols);
  std::memcpy(s.data.data(), m.row(first), static_cast<size_t>(n * m.cols) * sizeof(double));
  return s;
}

// Instructions one fetch burst brings (tasu_cmd_proc's FetchBurst beats of BusBytes).
uint64_t fetch_insns(const std::string& config) {
  const arch::Config* c = arch::find_config(config);
  return c ? uint64_t{arch::kCpFetchBurst} * c->BusBytes / arch::kInsnBytes : 1;
}

// Adds one program's intervals after everything already on the timeline.
void append_timeline(RunResult& r, const codegen::ProgramTimeline& pt, int64_t layer, const std::string& phase) {
  const uint64_t t0 = r.timeline_end;
  r.timeline.push_back({"programs", fmt::format("layer {} {}", layer, phase), "", 0, t0, t0 + pt.cycles});
  for (const rt::TraceEvent& e : pt.events) {
    if (e.unit == rt::TraceEvent::kFetch) {
      const uint64_t n = std::min<uint64_t>(fetch_insns(r.config), pt.program.size() - std::min<uint64_t>(e.pc, pt.program.size()));
      r.timeline.push_back({std::string(rt::track_name(e.unit)), "FETCH", fmt::format("instructions {}..{}", e.pc, e.pc + n - 1), e.pc,
                            t0 + e.start, t0 + e.end});
      continue;
    }
    if (e.pc >= pt.program.size()) continue;
    const isa::Insn& x = pt.program[e.pc];
    std::string name(arch::opcode_name(x.opcode()));
    if (x.opcode() == arch::Opcode::VEC) name += " " + std::string(arch::vector_kind_name(isa::vec_of(x).kind));
    r.timeline.push_back({std::string(rt::track_name(e.unit)), name, isa::disassemble(x), e.pc, t0 + e.start, t0 + e.end});
  }
  r.timeline_end = t0 + pt.cycles;
}

}  // namespace

ModelSource::ModelSource(std::string dir, uint64_t seed) : dir_(std::move(dir)), seed_(seed) {
  config_ = synthetic() ? ckpt::synthetic_2b4t_config(ckpt::k2b4tLayers) : ckpt::load_bitnet_config(dir_ + "/config.json");
}

std::string ModelSource::name() const { return synthetic() ? std::string("synthetic-2b4t") : dir_; }

layer::LayerParams ModelSource::layer(int64_t i) const {
  ckpt::BitNetModel m;
  if (synthetic()) {
    m.config = config_;
    m.first_layer = i;
    m.layers.push_back(ckpt::make_synthetic_2b4t_layer(i, seed_));
  } else {
    ckpt::LoadOptions lo;
    lo.first_layer = i;
    lo.end_layer = i + 1;
    lo.embeddings_and_head = false;
    m = ckpt::load_bitnet_checkpoint(dir_, lo);
  }
  return layer::layer_params(std::move(m), i);
}

const ckpt::BitNetModel& ModelSource::head_model() const {
  if (!head_) {
    auto m = std::make_unique<ckpt::BitNetModel>();
    if (synthetic()) {
      m->config = config_;
      m->first_layer = config_.layers;
      m->embed_tokens = ckpt::synthetic_2b4t_embeddings(seed_);
      m->final_norm = ckpt::synthetic_2b4t_final_norm(seed_);
    } else {
      ckpt::LoadOptions lo;
      lo.first_layer = config_.layers;
      lo.end_layer = config_.layers;
      *m = ckpt::load_bitnet_checkpoint(dir_, lo);
    }
    head_ = std::move(m);
  }
  return *head_;
}

reference::Matrix ModelSource::embed(const std::vector<int64_t>& ids) const {
  if (!synthetic()) return reference::embed(head_model(), ids, static_cast<int64_t>(ids.size()));
  const std::vector<float> rows = ckpt::synthetic_2b4t_embedding_rows(seed_, ids);
  reference::Matrix m(static_cast<int64_t>(ids.size()), config_.hidden);
  for (size_t i = 0; i < rows.size(); ++i) m.data[i] = rows[i];
  return m;
}

rt::Counters LayerResult::total() const {
  rt::Counters c;
  for (const auto& p : phases) c += p.counters;
  return c;
}

rt::Counters RunResult::total() const {
  rt::Counters c;
  for (const auto& l : layers) c += l.total();
  return c;
}

int64_t RunResult::mismatches() const {
  int64_t n = 0;
  for (const auto& l : layers) n += l.mismatches;
  return n;
}

std::string RunResult::first_mismatch() const {
  for (const auto& l : layers)
    if (!l.first_mismatch.empty()) return l.first_mismatch;
  return {};
}

int64_t ops_per_token(const ckpt::BitNetConfig& cfg) {
  return cfg.hidden * (2 * cfg.heads * cfg.head_dim + 2 * cfg.kv_heads * cfg.head_dim + 3 * cfg.intermediate);
}

uint64_t run_dram_bytes(const ckpt::BitNetConfig& cfg, const RunSpec& s) {
  // One layer at a time: its packed weights (2 bits per weight, twice for padding), the KV
  // caches of every sequence, activations and programs.
  const auto weights = static_cast<uint64_t>(ops_per_token(cfg)) / 4;
  const uint64_t cache = 2 * static_cast<uint64_t>(s.batch) * static_cast<uint64_t>(s.prefill + s.decode) *
                         static_cast<uint64_t>(cfg.kv_heads * cfg.head_dim) * 4;
  return 2 * weights + cache + (256ull << 20);
}

void check_spec(const ModelSource& model, const RunSpec& s) {
  const auto& cfg = model.config();
  if (s.first_layer < 0 || s.first_layer >= s.end_layer || s.end_layer > cfg.layers)
    throw std::invalid_argument(
        fmt::format("layers {}:{} are not inside the model's {} layers", s.first_layer, s.end_layer, cfg.layers));
  if (s.prefill < 1 || s.decode < 0) throw std::invalid_argument("the prefill needs >= 1 token and decode >= 0 steps");
  // Checked before the sum, which could overflow; also bounds every buffer the run sizes by it.
  const int64_t max_pos = cfg.max_position_embeddings;
  if (s.prefill > max_pos || s.decode > max_pos - s.prefill)
    throw std::invalid_argument(fmt::format("{} prompt tokens and {} decode steps exceed the model's {} positions "
                                            "(max_position_embeddings)", s.prefill, s.decode, max_pos));
  const int64_t total = s.prefill + s.decode;
  if (static_cast<int64_t>(s.ids.size()) != total)
    throw std::invalid_argument(fmt::format("{} token ids for {} positions", s.ids.size(), total));
  if (s.batch < 1 || s.batch > kMaxBatch)
    throw std::invalid_argument(fmt::format("a batch of {} sequences; 1 .. {}", s.batch, kMaxBatch));
  if (static_cast<int64_t>(s.batch_ids.size()) != s.batch - 1)
    throw std::invalid_argument(fmt::format("{} extra prompts for a batch of {}", s.batch_ids.size(), s.batch));
  for (const auto& ids : s.batch_ids) {
    if (static_cast<int64_t>(ids.size()) != total)
      throw std::invalid_argument(fmt::format("{} token ids for {} positions", ids.size(), total));
    for (int64_t id : ids)
      if (id < 0 || id >= cfg.vocab) throw std::invalid_argument(fmt::format("token id {} outside the vocabulary", id));
  }
  if (s.batch > 1 && s.input.rows != 0)
    throw std::invalid_argument("a batch starts from the embeddings of its prompts (layers from 0, no --input)");
  // The device addresses 32 bits: the weights, the batch's KV caches and the rest must fit.
  const uint64_t need = run_dram_bytes(cfg, s);
  if (rt::Device::kDramBase + need > (uint64_t{1} << 32))
    throw std::invalid_argument(fmt::format(
        "a batch of {} sequences of {} positions needs {:.1f} GB of device DRAM (KV caches of every sequence), more "
        "than the accelerator's 32-bit addresses reach: use a smaller --batch or fewer positions",
        s.batch, total, static_cast<double>(need) / 1e9));
  if (s.input.rows == 0) {
    if (s.first_layer != 0)
      throw std::invalid_argument(fmt::format(
          "layers starting at {} need the hidden state entering that layer (--input or --reference)", s.first_layer));
    for (int64_t id : s.ids)
      if (id < 0 || id >= cfg.vocab) throw std::invalid_argument(fmt::format("token id {} outside the vocabulary", id));
  } else if (s.input.rows != total || s.input.cols != cfg.hidden) {
    throw std::invalid_argument(fmt::format("the input hidden state is [{}, {}], expected [{}, {}]", s.input.rows,
                                            s.input.cols, total, cfg.hidden));
  }
}

static bool runs_head(const ModelSource& model, const RunSpec& spec) {
  return spec.head && spec.end_layer == model.config().layers && model.head_model().has_embeddings_and_head();
}

std::vector<std::string> output_keys(const ModelSource& model, const RunSpec& spec) {
  std::vector<std::string> keys;
  const bool head = runs_head(model, spec);
  for (int64_t step = -1; step < spec.decode; ++step) {
    const Window w = window(step, spec.prefill);
    if (spec.first_layer == 0) keys.push_back(w.prefix + "embeddings");
    for (int64_t L = spec.first_layer; L < spec.end_layer; ++L)
      for (const char* k : {"attn_out", "mlp_out", "out"}) keys.push_back(fmt::format("{}layer.{}.{}", w.prefix, L, k));
    if (head)
      for (const char* k : {"final_norm", "logits"}) keys.push_back(w.prefix + k);
  }
  return keys;
}

RunResult run_model(const ModelSource& model, const RunSpec& spec, const ProgressFn& progress) {
  const auto t0 = Clock::now();
  check_spec(model, spec);
  const auto& cfg = model.config();
  const int64_t P = spec.prefill, D = spec.decode, total = P + D, H = cfg.hidden, B = spec.batch;

  RunResult r;
  r.model = model.name();
  r.seed = model.synthetic() ? model.seed() : 0;
  r.backend = spec.backend;
  r.first_layer = spec.first_layer;
  r.end_layer = spec.end_layer;
  r.prefill = P;
  r.decode = D;
  r.batch = B;
  r.ids = spec.ids;
  r.ops_per_token = ops_per_token(cfg);

  // The hidden state entering layer A, for every token of every sequence.
  std::vector<Matrix> x;
  x.push_back(spec.input.rows ? spec.input : model.embed(spec.ids));
  for (const auto& ids : spec.batch_ids) x.push_back(model.embed(ids));
  if (spec.first_layer == 0)
    for (int64_t step = -1; step < D; ++step) {
      const Window w = window(step, P);
      r.outputs[w.prefix + "embeddings"] = rows(x[0], w.first, w.n);
    }

  rt::DeviceOptions opt = spec.device;
  opt.timeline = spec.timeline;
  opt.dram_bytes = run_dram_bytes(cfg, spec);
  auto dev = rt::open_device(spec.backend, spec.config, opt);
  r.config = dev->config().name;
  r.peak_ops_per_cycle = dev->config().ops_per_cycle();
  r.dram_bytes_per_cycle = dev->config().MemBytesPerCycle;

  // The host's work hides behind the device's: the next layer's weights are made (or read)
  // and packed, and the exact layer model runs, while the device simulates (the host has a core for each).
  struct Prepared {
    layer::LayerParams params;
    codegen::PackedLayer packed;
  };
  const arch::Config& dcfg = dev->config();
  auto fetch = [&model, &dcfg](int64_t L) {
    return std::async(std::launch::async, [&model, &dcfg, L] {
      Prepared p{model.layer(L), {}};
      p.packed = codegen::pack_layer(dcfg, p.params);
      return p;
    });
  };
  const auto Bs = static_cast<size_t>(B);
  std::future<Prepared> next = fetch(spec.first_layer);
  for (int64_t L = spec.first_layer; L < spec.end_layer; ++L) {
    if (progress) progress(fmt::format("layer {}: preparing weights", L));
    const Prepared prep = next.get();
    const layer::LayerParams& params = prep.params;
    if (L + 1 < spec.end_layer) next = fetch(L + 1);
    codegen::DeviceLayers dl(*dev, {&params}, total, {&prep.packed}, B);
    std::vector<layer::KvCache> cache_b(Bs);
    LayerResult lr;
    lr.layer = L;
    lr.kv_cache_bytes = dl.kv_cache_bytes();
    std::vector<Matrix> attn(Bs, Matrix(total, H)), mlp(Bs, Matrix(total, H)), out(Bs, Matrix(total, H));
    for (int64_t step = -1; step < D; ++step) {
      const Window w = window(step, P);
      const int64_t first = w.first, n = w.n;
      PhaseResult ph;
      ph.name = w.name;
      ph.tokens = n * B;
      // The prefill runs each sequence's prompt on its own; a decode step, one token of every
      // sequence in one program.
      const bool batched = step >= 0;
      const int64_t passes = batched ? 1 : B;
      for (int64_t pass = 0; pass < passes; ++pass) {
        const int64_t q0 = batched ? 0 : pass, nq = batched ? B : 1;
        std::vector<vec::vf32> xs;
        for (int64_t q = q0; q < q0 + nq; ++q) {
          const std::vector<vec::vf32> v = to_vf32(x[static_cast<size_t>(q)], first, n);
          xs.insert(xs.end(), v.begin(), v.end());
        }
        // The exact layer model on the same input, beside the device, sequence by sequence: its copy of a
        // sequence's input becomes that sequence's layer output.
        auto model_b = std::async(std::launch::async, [&params, &cache_b, xs, n, q0, nq, H]() mutable {
          std::vector<std::pair<layer::LayerOutputs, std::vector<vec::vf32>>> res;
          for (int64_t q = 0; q < nq; ++q) {
            std::vector<vec::vf32> xq(xs.begin() + q * n * H, xs.begin() + (q + 1) * n * H);
            layer::LayerOutputs o = layer::accel_layer_forward(params, xq, n, cache_b[static_cast<size_t>(q0 + q)]);
            res.emplace_back(std::move(o), std::move(xq));
          }
          return res;
        });
        codegen::StepStats stats;
        const auto td = Clock::now();
        auto show = [&](int64_t, int64_t) {
          if (progress)
            progress(fmt::format("layer {} {}{}: {} cycles", L, w.name, batched || B == 1 ? "" : fmt::format(" sequence {}", q0),
                                 ph.counters.cycles + stats.counters.cycles));
        };
        const auto outs = batched ? dl.forward_batch(xs, stats, show) : dl.forward(xs, n, stats, show, q0);
        const double dt = seconds_since(td);
        r.device_seconds += dt;
        ph.device_seconds += dt;
        ph.counters += stats.counters;
        ph.programs += stats.programs;
        ph.insns += stats.insns;
        ph.roofline += stats.roofline;
        ph.events += stats.events;
        ph.traffic += stats.traffic;
        for (const codegen::ProgramTimeline& pt : stats.timelines)
          append_timeline(r, pt, L, B == 1 || batched ? w.name : fmt::format("{} sequence {}", w.name, q0));

        const auto mb = model_b.get();
        const auto& o = outs.front();
        for (int64_t q = 0; q < nq; ++q) {
          const auto qs = static_cast<size_t>(q0 + q);
          const size_t at = static_cast<size_t>(q * n * H), len = static_cast<size_t>(n * H);
          auto part = [&](const std::vector<vec::vf32>& v) {
            return std::vector<vec::vf32>(v.begin() + static_cast<std::ptrdiff_t>(at),
                                          v.begin() + static_cast<std::ptrdiff_t>(at + len));
          };
          const std::string who = B == 1 ? std::string() : fmt::format("sequence {} ", q0 + q);
          auto check = [&](const std::vector<vec::vf32>& dev_v, const std::vector<vec::vf32>& model_v, const char* key) {
            for (size_t k = 0; k < dev_v.size(); ++k)
              if (dev_v[k] != model_v[k] && lr.mismatches++ == 0)
                lr.first_mismatch =
                    fmt::format("{}{}layer.{}.{} token {} feature {}: device {:08x}, the exact layer model {:08x}", who, w.prefix, L,
                                key, k / static_cast<size_t>(H), k % static_cast<size_t>(H), dev_v[k], model_v[k]);
          };
          const auto& [mo, mx] = mb[static_cast<size_t>(q)];
          const auto da = part(o.attn_out), dm = part(o.mlp_out), dout = part(o.out);
          check(da, mo.attn_out, "attn_out");
          check(dm, mo.mlp_out, "mlp_out");
          check(dout, mx, "out");
          put_rows(attn[qs], first, da);
          put_rows(mlp[qs], first, dm);
          put_rows(out[qs], first, dout);
        }
      }
      lr.phases.push_back(ph);
    }
    // Outputs under the reference keys (sequence 0); the device's layer output is the next
    // layer's input.
    for (int64_t step = -1; step < D; ++step) {
      const Window w = window(step, P);
      r.outputs[fmt::format("{}layer.{}.attn_out", w.prefix, L)] = rows(attn[0], w.first, w.n);
      r.outputs[fmt::format("{}layer.{}.mlp_out", w.prefix, L)] = rows(mlp[0], w.first, w.n);
      r.outputs[fmt::format("{}layer.{}.out", w.prefix, L)] = rows(out[0], w.first, w.n);
    }
    x = std::move(out);
    r.layers.push_back(std::move(lr));
  }

  if (runs_head(model, spec))
    for (int64_t step = -1; step < D; ++step) {
      const Window w = window(step, P);
      reference::head(model.head_model(), rows(x[0], w.first, w.n), w.prefix, r.outputs);
    }
  r.wall_seconds = seconds_since(t0);
  r.host_seconds = r.wall_seconds - r.device_seconds;
  r.peak_rss_bytes = peak_rss_bytes();
  return r;
}

std::vector<std::vector<int64_t>> batch_prompts(const std::vector<int64_t>& ids, int64_t batch, int64_t vocab) {
  std::vector<std::vector<int64_t>> out;
  for (int64_t q = 1; q < batch; ++q) {
    std::vector<int64_t> v;
    for (int64_t id : ids) v.push_back((id + q * 7919) % vocab);
    out.push_back(std::move(v));
  }
  return out;
}

int64_t peak_rss_bytes() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  return 0;
}

}  // namespace tasu::run
