// Dependency tokens from declared accesses; see program_builder.h.
#include "codegen/program_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace tasu::codegen {
namespace {

constexpr uint64_t kDramBlock = 256;
// The command processor's 8-bit token counters; the margin covers the instructions a unit can
// run ahead of program order (its queue and the one executing).
constexpr int64_t kMaxOutstanding = ((int64_t{1} << arch::regf::SEM::from_ld.width) - 1) - 2 * arch::kCpQueueDepth;

// Tokens flow in program order: the k-th pop on a channel matches the k-th push. Given, for each
// consumer in its unit's order, the position (in the producer unit's order) of the latest
// producer it must wait for, or -1, decide who pops and who pushes, skipping waits already
// implied by an earlier wait of the same in-order consumer unit.
struct TokenLink {
  std::vector<bool> pop, push;
  TokenLink(const std::vector<int64_t>& need, size_t n_producers) : pop(need.size(), false), push(n_producers, false) {
    int64_t waited = -1;
    for (size_t i = 0; i < need.size(); ++i)
      if (need[i] > waited) {
        pop[i] = true;
        push[static_cast<size_t>(need[i])] = true;
        waited = need[i];
      }
  }
};

// DRAM granules are blocks; on-chip spaces are tracked per row or word.
std::pair<uint64_t, uint64_t> granules(const Span& s) {
  if (s.space != Space::DRAM) return {s.lo, s.hi};
  return {s.lo / kDramBlock, (s.hi + kDramBlock - 1) / kDramBlock};
}

}  // namespace

ProgramBuilder::Granule& ProgramBuilder::granule(Space s, uint64_t i) {
  if (s == Space::DRAM) return dram_[i];
  auto& v = spaces_[static_cast<size_t>(s)];
  if (v.size() <= i) v.resize(i + 1);
  return v[i];
}

void ProgramBuilder::add(const isa::Insn& x, const std::vector<Span>& reads, const std::vector<Span>& writes) {
  const int unit = isa::unit_of(x.opcode());
  if (unit < 0) throw std::logic_error("program builder: only unit instructions are added (FINISH is appended)");
  const auto idx = static_cast<int64_t>(insns_.size());
  std::array<int64_t, kU> wait = none();
  auto dep = [&](int64_t j) {
    if (j >= 0 && unit_[static_cast<size_t>(j)] != unit) {
      const auto u = static_cast<size_t>(unit_[static_cast<size_t>(j)]);
      wait[u] = std::max(wait[u], j);
    }
  };
  // Waits are found against the state before this instruction; reads and writes of the same
  // instruction do not depend on each other.
  for (const auto* list : {&reads, &writes})
    for (const Span& s : *list) {
      const auto [lo, hi] = granules(s);
      for (uint64_t i = lo; i < hi; ++i) {
        const Granule& g = granule(s.space, i);
        dep(g.writer);
        if (list == &writes)
          for (int64_t r : g.reader) dep(r);
      }
    }
  insns_.push_back(x);
  unit_.push_back(unit);
  wait_.push_back(wait);
  for (const Span& s : reads) {
    const auto [lo, hi] = granules(s);
    for (uint64_t i = lo; i < hi; ++i) granule(s.space, i).reader[static_cast<size_t>(unit)] = idx;
  }
  for (const Span& s : writes) {
    const auto [lo, hi] = granules(s);
    for (uint64_t i = lo; i < hi; ++i) {
      Granule& g = granule(s.space, i);
      // Tokens order units, not a program against itself: weights loaded and overwritten before
      // any MATMUL read them are a code generator's mistake that no token can repair.
      if (check_weights_ && s.space == Space::WGT && g.writer >= 0 &&
          std::all_of(g.reader.begin(), g.reader.end(), [](int64_t r) { return r < 0; }))
        throw std::logic_error(fmt::format("program builder: instruction {} overwrites weight word {} that no "
                                           "instruction read since instruction {} wrote it",
                                           idx, i, g.writer));
      g.writer = idx;
      g.reader.fill(-1);
    }
  }
}

std::vector<isa::Insn> ProgramBuilder::finish() {
  // Per-unit order.
  std::vector<int64_t> pos(insns_.size());
  std::vector<int64_t> order[kU];
  for (size_t i = 0; i < insns_.size(); ++i) {
    pos[i] = static_cast<int64_t>(order[unit_[i]].size());
    order[unit_[i]].push_back(static_cast<int64_t>(i));
  }
  std::vector<isa::Deps> deps(insns_.size());
  for (int c = 0; c < kU; ++c)
    for (int p = 0; p < kU; ++p) {
      if (p == c) continue;
      std::vector<int64_t> need;
      for (int64_t i : order[c]) {
        const int64_t j = wait_[static_cast<size_t>(i)][static_cast<size_t>(p)];
        need.push_back(j < 0 ? -1 : pos[static_cast<size_t>(j)]);
      }
      const TokenLink link(need, order[p].size());
      for (size_t k = 0; k < need.size(); ++k)
        if (link.pop[k]) deps[static_cast<size_t>(order[c][k])].pop |= static_cast<uint8_t>(1u << p);
      for (size_t k = 0; k < order[p].size(); ++k)
        if (link.push[k]) deps[static_cast<size_t>(order[p][k])].push |= static_cast<uint8_t>(1u << c);
      // Pushes minus pops along program order bound the counter (up to the run-ahead margin).
      int64_t level = 0, peak = 0;
      for (size_t i = 0; i < insns_.size(); ++i) {
        if (unit_[i] == p && (deps[i].push >> c) & 1u) ++level;
        if (unit_[i] == c && (deps[i].pop >> p) & 1u) --level;
        peak = std::max(peak, level);
      }
      if (peak > kMaxOutstanding)
        throw std::runtime_error(fmt::format(
            "program builder: {} tokens could be outstanding on the {}->{} channel (limit {})", peak,
            arch::unit_name(static_cast<arch::Unit>(p)), arch::unit_name(static_cast<arch::Unit>(c)), kMaxOutstanding));
    }
  std::vector<isa::Insn> prog = insns_;
  for (size_t i = 0; i < prog.size(); ++i) isa::set_deps(prog[i], deps[i]);
  prog.push_back(isa::make_finish());
  return prog;
}

}  // namespace tasu::codegen
