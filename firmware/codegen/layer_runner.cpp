// Decoder layers on a device; see layer_runner.h.
#include "codegen/layer_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>

#include "codegen/bitlinear_codegen.h"

namespace tasu::codegen {

Roofline& Roofline::operator+=(const Roofline& o) {
  dram += o.dram;
  engine += o.engine;
  vector += o.vector;
  bound += o.bound;
  for (int i = 0; i < 3; ++i) by_kind[i] += o.by_kind[i];
  return *this;
}

Traffic& Traffic::operator+=(const Traffic& o) {
  for (int k = 0; k < kKinds; ++k) bytes[k] += o.bytes[k];
  return *this;
}

uint64_t Traffic::total() const {
  uint64_t t = 0;
  for (uint64_t b : bytes) t += b;
  return t;
}

const char* Traffic::name(int kind) {
  static const char* names[kKinds] = {"weights",       "constants",    "kv_cache", "hidden", "activations",
                                      "block_outputs", "instructions", "other"};
  return names[kind];
}

const char* Roofline::kind() const {
  static const char* names[3] = {"DRAM", "engine", "vector unit"};
  return names[std::max_element(by_kind, by_kind + 3) - by_kind];
}

namespace {

// The roofline of one layer program over tokens at `slots` (see the header). Each cache is read
// once: up to the last position any token of the program reaches in it.
Roofline program_roofline(const arch::Config& cfg, const layer::LayerParams& p, const std::vector<isa::Insn>& prog,
                          const std::vector<TokenSlot>& slots, uint64_t const_bytes) {
  const auto tokens = static_cast<int64_t>(slots.size());
  std::map<uint32_t, int64_t> cache_positions;
  for (const TokenSlot& sl : slots) cache_positions[sl.kcache] = std::max(cache_positions[sl.kcache], sl.pos + 1);
  int64_t positions = 0;
  for (const auto& [cache, n] : cache_positions) positions += n;
  const layer::LayerShape& s = p.shape;
  double ops = 0, weight_bytes = 0;
  for (const layer::TernaryProjection* w : {&p.q, &p.k, &p.v, &p.o, &p.gate, &p.up, &p.down}) {
    ops += static_cast<double>(w->out) * static_cast<double>(w->in);
    weight_bytes += static_cast<double>(w->out) * static_cast<double>(w->in) * cfg.dram_bits_per_weight() / 8.0;
  }
  const double hidden_io = 2.0 * static_cast<double>(tokens * s.hidden) * 4.0;
  const double kv = static_cast<double>(positions * s.kv_heads * s.head_dim) * 4.0 * 2.0;
  Roofline r;
  r.dram = (weight_bytes + static_cast<double>(const_bytes) + hidden_io + kv) / cfg.MemBytesPerCycle;
  r.engine = ops * static_cast<double>(tokens) / static_cast<double>(cfg.ops_per_cycle());
  for (const isa::Insn& x : prog) {
    if (x.opcode() != arch::Opcode::VEC) continue;
    const isa::Vec v = isa::vec_of(x);
    const double rows = std::ceil(static_cast<double>(v.len) / arch::kVectorLanes);
    if (v.kind == arch::VectorKind::DOTS || v.kind == arch::VectorKind::WSUM)
      r.vector += rows * static_cast<double>(v.count());  // a DOT, or multiply then add, per position
    else if (v.kind == arch::VectorKind::FROM_OUT) r.vector += std::ceil(static_cast<double>(v.len) / cfg.Rows);
    else r.vector += rows;
  }
  const double parts[3] = {r.dram, r.engine, r.vector};
  const int k = static_cast<int>(std::max_element(parts, parts + 3) - parts);
  r.bound = parts[k];
  r.by_kind[k] = r.bound;
  return r;
}

// A generous watchdog: every program moves its weights at least once.
uint64_t watchdog_for(const arch::Config& cfg, size_t insns, uint64_t weight_bytes) {
  return 1'000'000 + 64 * insns + 16 * weight_bytes / cfg.MemBytesPerCycle;
}

}  // namespace

PackedLayer pack_layer(const arch::Config& cfg, const layer::LayerParams& p) {
  auto weights = [&](const layer::TernaryProjection& w) {
    return pack_weights(cfg, plan_bitlinear(cfg, {w.out, w.in, 1}), w.w.data());
  };
  PackedLayer pk;
  pk.wq = weights(p.q);
  pk.wk = weights(p.k);
  pk.wv = weights(p.v);
  pk.wo = weights(p.o);
  pk.wgate = weights(p.gate);
  pk.wup = weights(p.up);
  pk.wdown = weights(p.down);
  pk.consts = pack_layer_constants(cfg, p);
  return pk;
}

DeviceLayers::DeviceLayers(rt::Device& dev, std::vector<const layer::LayerParams*> layers, int64_t max_positions,
                           const std::vector<const PackedLayer*>& packed, int64_t sequences)
    : dev_(dev), max_positions_(max_positions), positions_(static_cast<size_t>(std::max<int64_t>(sequences, 0)), 0) {
  if (layers.empty()) throw std::invalid_argument("no layers to place on the device");
  if (sequences < 1) throw std::invalid_argument(fmt::format("{} sequences; at least 1", sequences));
  if (!packed.empty() && packed.size() != layers.size())
    throw std::invalid_argument(fmt::format("{} packed images for {} layers", packed.size(), layers.size()));
  const arch::Config& cfg = dev.config();
  const layer::LayerShape& s = layers.front()->shape;
  chunk_ = max_layer_tokens(cfg, s);
  // A context that cannot fit is refused here, before any program has run.
  check_context_fits(cfg, *layers.front(), max_positions);
  dev_.free_all();
  Placed* placing = nullptr;
  auto region = [&](uint64_t at, uint64_t bytes, Traffic::Kind kind) {
    placing->regions.push_back({at, at + bytes, kind});
    return static_cast<uint32_t>(at);
  };
  auto put = [&](const std::vector<uint8_t>& bytes, Traffic::Kind kind = Traffic::kWeights) {
    const auto at = static_cast<uint32_t>(dev_.alloc(bytes.size()));
    dev_.write(at, bytes.data(), bytes.size());
    return region(at, bytes.size(), kind);
  };
  const uint64_t sh = vector_bytes(cfg, s.hidden), si = vector_bytes(cfg, s.intermediate);
  const uint64_t kv = static_cast<uint64_t>(max_positions) * s.kv_heads * s.head_dim * 4;
  for (size_t i = 0; i < layers.size(); ++i) {
    const layer::LayerParams* p = layers[i];
    if (p->shape.hidden != s.hidden || p->shape.intermediate != s.intermediate)
      throw std::invalid_argument("layers of different shapes");
    PackedLayer own;
    if (packed.empty()) own = pack_layer(cfg, *p);
    const PackedLayer& pk = packed.empty() ? own : *packed[i];
    Placed pl{p, {}, {}, {}, {}};
    placing = &pl;
    pl.a.wq = put(pk.wq);
    pl.a.wk = put(pk.wk);
    pl.a.wv = put(pk.wv);
    pl.a.wo = put(pk.wo);
    pl.a.wgate = put(pk.wgate);
    pl.a.wup = put(pk.wup);
    pl.a.wdown = put(pk.wdown);
    pl.a.consts = put(pk.consts, Traffic::kConstants);
    const_bytes_ = pk.consts.size();
    for (int64_t q = 0; q < sequences; ++q) {
      pl.kcache.push_back(region(dev_.alloc(kv), kv, Traffic::kKvCache));
      pl.vcache.push_back(region(dev_.alloc(kv), kv, Traffic::kKvCache));
    }
    pl.a.kcache = pl.kcache.front();
    pl.a.vcache = pl.vcache.front();
    layers_.push_back(pl);
  }
  // Activations for one chunk; layer i + 1 reads layer i's output where it was written.
  const auto c = static_cast<uint64_t>(chunk_);
  auto buf = [&](uint64_t row, Traffic::Kind kind) { return region(dev_.alloc(c * row), c * row, kind); };
  uint32_t x = static_cast<uint32_t>(dev_.alloc(c * sh));
  for (Placed& pl : layers_) {
    placing = &pl;
    pl.a.x_in = region(x, c * sh, Traffic::kHidden);
    pl.a.q = buf(sh, Traffic::kActivations);
    pl.a.attn_out = buf(sh, Traffic::kBlockOutputs);
    pl.a.x1 = buf(sh, Traffic::kActivations);
    pl.a.mlp_act = buf(si, Traffic::kActivations);
    pl.a.mlp_out = buf(sh, Traffic::kBlockOutputs);
    pl.a.x_out = buf(sh, Traffic::kHidden);
    x = pl.a.x_out;
  }
}

// Each transfer's bytes go to the region its first and last bytes lie in (kOther when none
// holds both); the fetch reads the program in whole bus beats, as energy::count_events counts.
Traffic DeviceLayers::program_traffic(const arch::Config& cfg, const std::vector<isa::Insn>& prog,
                                      const std::vector<Region>& regions) {
  Traffic t;
  t.bytes[Traffic::kInstructions] = isa::fetch_bytes(prog.size(), cfg.BusBytes);
  for (const isa::Insn& x : prog) {
    if (x.opcode() != arch::Opcode::LOAD && x.opcode() != arch::Opcode::STORE) continue;
    const isa::Transfer tr = isa::transfer_of(x);
    if (tr.bytes(cfg.BusBytes) == 0) continue;
    const uint64_t first = tr.dram_addr,
                   last = tr.dram_addr + uint64_t{tr.rows - 1} * tr.dram_stride + uint64_t{tr.row_beats} * cfg.BusBytes;
    Traffic::Kind kind = Traffic::kOther;
    for (const Region& r : regions)
      if (first >= r.begin && last <= r.end) kind = r.kind;
    t.bytes[kind] += tr.bytes(cfg.BusBytes);
  }
  return t;
}

uint64_t DeviceLayers::kv_cache_bytes() const {
  const layer::LayerShape& s = layers_.front().p->shape;
  return layers_.size() * positions_.size() * 2 * static_cast<uint64_t>(max_positions_) * s.kv_heads * s.head_dim * 4;
}

std::vector<LayerStepOutputs> DeviceLayers::forward(const std::vector<layer::vf32>& x, int64_t tokens,
                                                    StepStats& stats,
                                                    const std::function<void(int64_t, int64_t)>& progress,
                                                    int64_t seq) {
  if (seq < 0 || seq >= sequences())
    throw std::invalid_argument(fmt::format("sequence {} of {}", seq, sequences()));
  return run(x, std::vector<int64_t>(static_cast<size_t>(std::max<int64_t>(tokens, 0)), seq), stats, progress);
}

std::vector<LayerStepOutputs> DeviceLayers::forward_batch(const std::vector<layer::vf32>& x, StepStats& stats,
                                                          const std::function<void(int64_t, int64_t)>& progress) {
  std::vector<int64_t> seqs(positions_.size());
  for (size_t q = 0; q < seqs.size(); ++q) seqs[q] = static_cast<int64_t>(q);
  return run(x, seqs, stats, progress);
}

std::vector<LayerStepOutputs> DeviceLayers::run(const std::vector<layer::vf32>& x, const std::vector<int64_t>& seqs,
                                                StepStats& stats, const std::function<void(int64_t, int64_t)>& progress) {
  const arch::Config& cfg = dev_.config();
  const layer::LayerShape& s = layers_.front().p->shape;
  const int64_t H = s.hidden;
  const auto tokens = static_cast<int64_t>(seqs.size());
  if (tokens < 1 || static_cast<int64_t>(x.size()) != tokens * H)
    throw std::invalid_argument(fmt::format("layer input has {} values, expected {} tokens x {}", x.size(), tokens, H));
  // Each token takes the next position of its sequence, in order.
  std::vector<int64_t> next = positions_, pos(seqs.size());
  for (size_t t = 0; t < seqs.size(); ++t) {
    const auto q = static_cast<size_t>(seqs[t]);
    pos[t] = next[q]++;
    if (next[q] > max_positions_)
      throw std::invalid_argument(fmt::format("{} positions of sequence {} exceed the KV cache ({} positions)", next[q],
                                              q, max_positions_));
  }
  const uint64_t sh = vector_bytes(cfg, H);
  std::vector<LayerStepOutputs> outs(layers_.size());
  for (auto& o : outs) {
    o.attn_out.resize(x.size());
    o.mlp_out.resize(x.size());
    o.out.resize(x.size());
  }
  const int64_t chunks = (tokens + chunk_ - 1) / chunk_;
  const int64_t total = chunks * static_cast<int64_t>(layers_.size());
  int64_t done = 0;
  std::vector<uint8_t> row(sh, 0);
  auto read_rows = [&](uint32_t at, int64_t t0, int64_t n, std::vector<layer::vf32>& dst) {
    for (int64_t t = 0; t < n; ++t) {
      dev_.read(at + t * sh, row.data(), sh);
      std::memcpy(dst.data() + (t0 + t) * H, row.data(), static_cast<size_t>(H) * 4);
    }
  };
  for (int64_t c0 = 0; c0 < tokens; c0 += chunk_) {
    const int64_t n = std::min(chunk_, tokens - c0);
    for (int64_t t = 0; t < n; ++t) {
      std::fill(row.begin(), row.end(), 0);
      std::memcpy(row.data(), x.data() + (c0 + t) * H, static_cast<size_t>(H) * 4);
      dev_.write(layers_.front().a.x_in + t * sh, row.data(), sh);
    }
    for (size_t li = 0; li < layers_.size(); ++li) {
      const Placed& pl = layers_[li];
      std::vector<TokenSlot> slots;
      for (int64_t t = c0; t < c0 + n; ++t) {
        const auto q = static_cast<size_t>(seqs[static_cast<size_t>(t)]);
        slots.push_back({pos[static_cast<size_t>(t)], pl.kcache[q], pl.vcache[q]});
      }
      const std::vector<isa::Insn> prog = generate_layer(cfg, *pl.p, slots, pl.a);
      const std::vector<uint8_t> bytes = isa::program_bytes(prog);
      const uint64_t paddr = dev_.alloc(bytes.size());
      dev_.write(paddr, bytes.data(), bytes.size());
      dev_.start(paddr, static_cast<uint32_t>(prog.size()));
      dev_.wait(watchdog_for(cfg, prog.size(), static_cast<uint64_t>(s.hidden) * (4 * s.hidden + 3 * s.intermediate)));
      stats.counters += dev_.counters();
      ++stats.programs;
      stats.insns += prog.size();
      stats.roofline += program_roofline(cfg, *pl.p, prog, slots, const_bytes_);
      stats.events += energy::count_events(cfg, prog);
      stats.traffic += program_traffic(cfg, prog, pl.regions);
      std::vector<rt::TraceEvent> events = dev_.take_timeline();
      if (!events.empty()) stats.timelines.push_back({prog, std::move(events), dev_.counters().cycles});
      read_rows(pl.a.attn_out, c0, n, outs[li].attn_out);
      read_rows(pl.a.mlp_out, c0, n, outs[li].mlp_out);
      read_rows(pl.a.x_out, c0, n, outs[li].out);
      // Programs are not kept: the next one reuses the space.
      dev_.free_to(paddr);
      if (progress) progress(++done, total);
    }
  }
  positions_ = next;
  return outs;
}

}  // namespace tasu::codegen
