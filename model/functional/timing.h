// The functional model's timing: a cycle-by-cycle replay of a program's instructions through the
// command processor (fetch, in-order dispatch into per-unit queues, tokens) and the memory port
// (the round-robin arbiter of rtl/core/tasu_mem_arbiter.sv, the bridge's bounded queues and the
// memory's one data path of sim/tlm_memory.cpp), in time order. The arithmetic and the errors are
// the interpreter's (fmodel.cpp); this replay only decides when each instruction starts and ends.
#pragma once
#include <cstdint>
#include <vector>

#include "device/device.h"
#include "tasu_arch.h"

namespace tasu::model {

// One dispatched instruction as the timing sees it.
struct TimedOp {
  uint32_t pc = 0;
  uint8_t unit = 0;         // arch::Unit
  uint8_t pop = 0, push = 0;  // token channels, as isa::Deps
  uint64_t cycles = 0;      // EX, VU: from start to done
  uint32_t rows = 0, row_beats = 0;  // LD, ST: the transfer's shape
  // VU, DOTS only (1: dot products, 2: maxima): the next DOTS of the same kind may start `pipe`
  // cycles after this one starts, while the tree still sums this one's last positions, unless it
  // reads a row that a pending result lands in (rtl/vu/tasu_vu.sv). Rows [lo, hi).
  uint8_t dots = 0;
  uint64_t pipe = 0;
  uint32_t res_lo = 0, res_hi = 0;                    // the rows its results land in
  uint32_t rd_lo[2] = {0, 0}, rd_hi[2] = {0, 0};      // the rows it reads: the query, the positions
};

struct TimingResult {
  uint64_t cycles = 0, ld_busy = 0, ex_busy = 0, vu_busy = 0, st_busy = 0;
  uint64_t fetched_beats = 0;  // the program beats the fetch read
  uint64_t fetch_end = 0;      // the cycle after the last fetched beat came back
  std::vector<rt::TraceEvent> timeline;  // filled when asked for
};

// ops: the program's instructions up to (not including) its FINISH at finish_pc, in program
// order; n_insns: the program's length (what the fetch reads). lat and bytes_per_cycle: the
// memory's. Throws std::logic_error if the replay gets stuck (the interpreter has already run the
// program to its FINISH, so this would be a bug of the replay).
TimingResult replay_timing(const arch::Config& cfg, uint32_t lat, uint32_t bytes_per_cycle,
                           const std::vector<TimedOp>& ops, uint32_t finish_pc, uint32_t n_insns, bool record);

}  // namespace tasu::model
