// Builds a device program from instructions and the on-chip and DRAM ranges each one reads
// and writes, and derives the dependency tokens itself: an instruction waits for every earlier
// instruction of another unit that wrote what it touches, or read what it writes. Each unit
// (load, engine, vector unit, store) runs its own instructions in order, so only hazards across
// units need tokens; every ordered pair of units has a channel.
#pragma once
#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "isa/insn.h"

namespace tasu::codegen {

enum class Space : uint8_t { VSP, WGT, ACT, OUT, DRAM };

// [lo, hi): scratchpad rows, weight words (buffer * WDepth + word), activation words, output
// words, or DRAM bytes.
struct Span {
  Space space;
  uint64_t lo, hi;
};

class ProgramBuilder {
 public:
  // check_weights: weights loaded and overwritten before any instruction read them are an error
  // (std::logic_error); a code generator wants this, random test programs do not.
  explicit ProgramBuilder(bool check_weights = false) : check_weights_(check_weights) {}
  void add(const isa::Insn& x, const std::vector<Span>& reads, const std::vector<Span>& writes);
  // Sets every instruction's dependency flags, appends FINISH and returns the program. Throws
  // std::runtime_error if a token counter could exceed what the hardware holds.
  std::vector<isa::Insn> finish();
  size_t size() const { return insns_.size(); }

 private:
  static constexpr int kU = isa::kUnits;
  static constexpr std::array<int64_t, kU> none() {
    std::array<int64_t, kU> a{};
    for (auto& x : a) x = -1;
    return a;
  }
  struct Granule {
    int64_t writer = -1;
    std::array<int64_t, kU> reader = none();  // latest reader per unit since the write
  };
  Granule& granule(Space s, uint64_t i);

  bool check_weights_;
  std::vector<isa::Insn> insns_;
  std::vector<int> unit_;
  std::vector<std::array<int64_t, kU>> wait_;  // per instruction: latest instruction of each unit it waits for
  std::array<std::vector<Granule>, 4> spaces_;   // VSP, WGT, ACT, OUT
  std::unordered_map<uint64_t, Granule> dram_;   // 256-byte blocks
};

}  // namespace tasu::codegen
