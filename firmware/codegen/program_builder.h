// Builds a device program from instructions and the on-chip and DRAM ranges each one reads
// and writes, and derives the dependency tokens itself: an instruction waits for every earlier
// instruction of another unit that wrote what it touches, or read what it writes. Load and
// store have no token channel of their own, so a wait between them goes through a NOP of the
// execute unit. The activation and output buffers need no tracking: only the execute unit
// touches them in layer programs, and it runs in order.
#pragma once
#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "isa/insn.h"

namespace tasu::codegen {

enum class Space : uint8_t { VSP, WGT, DRAM };

// [lo, hi): scratchpad rows, weight buffer index (0 or 1), or DRAM bytes.
struct Span {
  Space space;
  uint64_t lo, hi;
};

class ProgramBuilder {
 public:
  // nop_row: a scratchpad row the NOPs may write, used by nothing else.
  explicit ProgramBuilder(uint32_t nop_row) : nop_row_(nop_row) {}

  void add(const isa::Insn& x, const std::vector<Span>& reads, const std::vector<Span>& writes);
  // Sets every instruction's dependency flags, appends FINISH and returns the program. Throws
  // std::runtime_error if a token counter could exceed what the hardware holds.
  std::vector<isa::Insn> finish();
  size_t size() const { return insns_.size(); }

 private:
  enum Unit { kLd = 0, kEx = 1, kSt = 2 };
  struct Granule {
    int64_t writer = -1;
    int64_t reader[3] = {-1, -1, -1};  // latest reader per unit since the write
  };
  Granule& granule(Space s, uint64_t i);
  void record(int64_t idx, int unit, const Span& sp, bool write);
  int64_t push(const isa::Insn& x, int unit, const int64_t wait[3]);

  uint32_t nop_row_;
  std::vector<isa::Insn> insns_;
  std::vector<int> unit_;
  std::vector<std::array<int64_t, 3>> wait_;  // per instruction: latest instruction of each unit it waits for
  std::vector<Granule> vsp_, wgt_;
  std::unordered_map<uint64_t, Granule> dram_;  // 256-byte blocks
};

}  // namespace tasu::codegen
