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
constexpr int64_t kMaxOutstanding = 255 - 8;

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

int unit_of(const isa::Insn& x) {
  switch (x.opcode()) {
    case arch::Opcode::LOAD: return 0;
    case arch::Opcode::STORE: return 2;
    default: return 1;
  }
}

}  // namespace

ProgramBuilder::Granule& ProgramBuilder::granule(Space s, uint64_t i) {
  auto grow = [&](std::vector<Granule>& v) -> Granule& {
    if (v.size() <= i) v.resize(i + 1);
    return v[i];
  };
  switch (s) {
    case Space::VSP: return grow(vsp_);
    case Space::WGT: return grow(wgt_);
    default: return dram_[i];
  }
}

void ProgramBuilder::record(int64_t idx, int unit, const Span& sp, bool write) {
  uint64_t lo = sp.lo, hi = sp.hi;
  if (sp.space == Space::DRAM) {
    lo /= kDramBlock;
    hi = (hi + kDramBlock - 1) / kDramBlock;
  }
  for (uint64_t i = lo; i < hi; ++i) {
    Granule& g = granule(sp.space, i);
    if (write) {
      g.writer = idx;
      std::fill(std::begin(g.reader), std::end(g.reader), -1);
    } else {
      g.reader[unit] = idx;
    }
  }
}

int64_t ProgramBuilder::push(const isa::Insn& x, int unit, const int64_t wait[3]) {
  insns_.push_back(x);
  unit_.push_back(unit);
  wait_.push_back({wait[0], wait[1], wait[2]});
  return static_cast<int64_t>(insns_.size()) - 1;
}

void ProgramBuilder::add(const isa::Insn& x, const std::vector<Span>& reads, const std::vector<Span>& writes) {
  const int unit = unit_of(x);
  const auto idx = static_cast<int64_t>(insns_.size());
  int64_t wait[3] = {-1, -1, -1};
  // If a NOP goes first it takes idx and this instruction idx + 1: accesses are recorded last.
  std::vector<std::pair<Span, bool>> acc;
  for (const auto& s : reads) acc.push_back({s, false});
  for (const auto& s : writes) acc.push_back({s, true});
  // Waits are found against the state before this instruction; reads and writes of the same
  // instruction do not depend on each other.
  for (const auto& [s, w] : acc) {
    uint64_t lo = s.lo, hi = s.hi;
    if (s.space == Space::DRAM) {
      lo /= kDramBlock;
      hi = (hi + kDramBlock - 1) / kDramBlock;
    }
    for (uint64_t i = lo; i < hi; ++i) {
      const Granule& g = granule(s.space, i);
      auto dep = [&](int64_t j) {
        if (j >= 0 && unit_[static_cast<size_t>(j)] != unit) {
          const int u = unit_[static_cast<size_t>(j)];
          wait[u] = std::max(wait[u], j);
        }
      };
      dep(g.writer);
      if (w)
        for (int64_t r : g.reader) dep(r);
    }
  }
  // Load <-> store waits go through a NOP on the execute unit.
  const int other = unit == kLd ? kSt : unit == kSt ? kLd : -1;
  int64_t self = idx;
  if (other >= 0 && wait[other] >= 0) {
    int64_t nw[3] = {-1, -1, -1};
    nw[other] = wait[other];
    isa::Vec nop;
    nop.op = arch::VectorOp::AND;
    nop.dst = nop.src1 = nop_row_;
    nop.bmode = arch::VectorBMode::IMM;
    const int64_t n = push(isa::make_vec(nop), kEx, nw);
    wait[other] = -1;
    wait[kEx] = std::max(wait[kEx], n);
    self = idx + 1;
  }
  push(x, unit, wait);
  for (const auto& [s, w] : acc) record(self, unit, s, w);
}

std::vector<isa::Insn> ProgramBuilder::finish() {
  // Per-unit order.
  std::vector<int64_t> pos(insns_.size());
  std::vector<int64_t> order[3];
  for (size_t i = 0; i < insns_.size(); ++i) {
    pos[i] = static_cast<int64_t>(order[unit_[i]].size());
    order[unit_[i]].push_back(static_cast<int64_t>(i));
  }
  // Channel (consumer unit, producer unit): the flag pair it sets.
  struct Channel {
    int cons, prod;
    const arch::Field &pop, &push;
  };
  const Channel chans[4] = {{kEx, kLd, arch::field::pop_prev, arch::field::push_next},
                            {kLd, kEx, arch::field::pop_next, arch::field::push_prev},
                            {kSt, kEx, arch::field::pop_prev, arch::field::push_next},
                            {kEx, kSt, arch::field::pop_next, arch::field::push_prev}};
  for (const Channel& c : chans) {
    std::vector<int64_t> need;
    for (int64_t i : order[c.cons]) {
      const int64_t j = wait_[static_cast<size_t>(i)][static_cast<size_t>(c.prod)];
      need.push_back(j < 0 ? -1 : pos[static_cast<size_t>(j)]);
    }
    const TokenLink link(need, order[c.prod].size());
    for (size_t k = 0; k < need.size(); ++k)
      if (link.pop[k]) insns_[static_cast<size_t>(order[c.cons][k])].set(c.pop, 1);
    for (size_t k = 0; k < order[c.prod].size(); ++k)
      if (link.push[k]) insns_[static_cast<size_t>(order[c.prod][k])].set(c.push, 1);
    // Pushes minus pops along program order bound the counter (up to the run-ahead margin).
    int64_t level = 0, peak = 0;
    for (const auto& x : insns_) {
      if (unit_of(x) == c.prod && x.get(c.push)) ++level;
      if (unit_of(x) == c.cons && x.get(c.pop)) --level;
      peak = std::max(peak, level);
    }
    if (peak > kMaxOutstanding)
      throw std::runtime_error(fmt::format("program builder: {} tokens could be outstanding on one channel (limit {})",
                                           peak, kMaxOutstanding));
  }
  std::vector<isa::Insn> prog = insns_;
  prog.push_back(isa::make_finish());
  return prog;
}

}  // namespace tasu::codegen
