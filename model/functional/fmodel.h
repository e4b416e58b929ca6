// Functional model of the tasu accelerator: DRAM, weight tiles, activation and output buffers,
// and a program interpreter that reproduces the RTL's results bit for bit, fast enough for
// full BitNet layer shapes. Its timing is modelled (see Counters below).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "isa/insn.h"
#include "device/device.h"
#include "tasu_arch.h"

namespace tasu::model {

// Execution semantics (what the RTL does, reduced to program order):
//  * instructions are dispatched in order into per-unit queues of depth 4 (LD, EX, VU, ST); after
//    each dispatch every unit whose queue head has its dependency tokens runs that head to
//    completion, until none can, then the next instruction is dispatched;
//  * a unit error, a decode error, SEM_OVERFLOW and PROG_OVERRUN raise rt::DeviceError with the
//    RTL's code, pc and info; a program that can make no progress (the RTL would hang until the
//    host watchdog fires) raises rt::DeviceError with watchdog() == true.
// With a single error the code and pc match the RTL. When a program holds several errors the RTL
// may report a later one first, because bus errors come back only after the memory latency
// while decode and operand errors are seen within a cycle; the model reports them in its order.
// SEM_OVERFLOW's pc is the fetch pc at that moment (the next instruction to dispatch), which in
// the RTL depends on timing; the report names the instruction whose release overflowed. Info
// values follow the RTL (the failing burst's address or first beat, {tokens, depth}, ...); where
// the RTL's value depends on timing (BUS_WRITE: the row in progress) the model gives the row of
// the failing burst. Buffer and DRAM contents after an error are the model's best effort.
//
// Counters: insns, rd_bytes and wr_bytes are exact for a successful run. cycles and the busy
// counts come from a replay of the program through the command processor and the memory port,
// cycle by cycle in time order (functional/timing.h): a model of the RTL's timing, written from
// it and measured against it (docs/performance.md), not the RTL itself; stall is always 0.
class FunctionalModel {
 public:
  // mem_latency / mem_bytes_per_cycle == 0: the configuration's values (only used for timing).
  FunctionalModel(const arch::Config& cfg, uint64_t dram_bytes, uint32_t mem_latency = 0,
                  uint32_t mem_bytes_per_cycle = 0);

  const arch::Config& config() const { return cfg_; }
  uint64_t dram_bytes() const { return dram_bytes_; }

  // Host access to DRAM by device address; throws std::out_of_range outside
  // [rt::Device::kDramBase, kDramBase + dram_bytes).
  void write_dram(uint64_t addr, const void* src, size_t bytes);
  void read_dram(uint64_t addr, void* dst, size_t bytes) const;

  // Executes n_insns instructions at prog_addr; returns after FINISH with all units idle. Throws
  // rt::DeviceError as described above. Counters restart at every run, like the RTL's.
  void run(uint64_t prog_addr, uint32_t n_insns);
  const rt::Counters& counters() const { return counters_; }
  void clear_counters() { counters_ = {}; }
  // Records each instruction's modelled interval per unit while on (the timeline's source on
  // this backend); take_timeline() hands over those of the last run.
  void record_timeline(bool on) { record_ = on; }
  std::vector<rt::TraceEvent> take_timeline() {
    std::vector<rt::TraceEvent> t;
    t.swap(timeline_);
    return t;
  }

  // Buffer contents, for tests and debugging. Weights are the decoded codes (-1, 0, +1).
  // A weight of the ternary (-1, 0, 1) or INT8 engine; the BF16 engine's as its bit pattern.
  int8_t weight(uint32_t buf, uint32_t depth, uint32_t tile, uint32_t row, uint32_t lane) const;
  uint16_t weight_bf16(uint32_t buf, uint32_t depth, uint32_t tile, uint32_t row, uint32_t lane) const;
  int8_t act(uint32_t word, uint32_t byte) const;
  int32_t out(uint32_t word, uint32_t row) const;
  uint32_t vsp(uint32_t row, uint32_t lane) const;  // vector scratchpad word

  // Buffer sizes in bus beats (the sram_beat spaces of LOAD and STORE; with WPack a weight LOAD's
  // sram_beat is a tile word, and wgt_beats counts the words).
  uint64_t wgt_beats() const { return wgt_beats_; }
  uint64_t act_beats() const { return act_beats_; }
  uint64_t out_beats() const { return out_beats_; }
  uint64_t vsp_beats() const { return vsp_beats_; }

 private:
  struct Op;  // a dispatched instruction
  struct Run;

  void exec_load(const Op& op, Run& r);
  void exec_matmul(const Op& op, Run& r);
  void exec_store(const Op& op, Run& r);
  void exec_vec(const Op& op, Run& r);
  uint64_t vec_cycles(const isa::Insn& insn) const;  // rtl/vu/tasu_vu.sv's sequencer, instruction by instruction
  static uint64_t dots_pipe(const isa::Vec& v);      // a DOTS's cycles until the next DOTS may start
  // What LOAD and STORE share, as the two DMA engines do: the alignment rule, and the walk over
  // rows and MaxBurst-beat bursts with the DRAM bounds check of each burst. move(beat, dram,
  // beats) copies one burst between the on-chip beat space and DRAM.
  void check_aligned(const Op& op, Run& r, const isa::Transfer& t);
  void for_each_burst(const Op& op, Run& r, const isa::Transfer& t, bool write,
                      const std::function<void(uint64_t beat, uint8_t* dram, uint32_t beats)>& move);
  void write_wgt_beat(uint64_t beat, const uint8_t* data);
  void write_wgt_packed_word(uint64_t word, const uint8_t* data);  // WPack: one whole tile word
  bool dram_ok(uint64_t addr, uint64_t bytes) const;
  uint8_t* dram_at(uint64_t addr) { return dram_.get() + (addr - rt::Device::kDramBase); }

  arch::Config cfg_;
  uint64_t dram_bytes_;
  uint32_t mem_latency_, mem_bytes_per_cycle_;
  uint32_t K_;             // Tiles * Lanes: one activation word, one row of a weight word across tiles
  uint32_t wb_, ab_, ob_;  // bus beats per tile weight word, activation word, output word
  uint64_t wgt_beats_, act_beats_, out_beats_, vsp_beats_;

  struct FreeDeleter {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  // calloc: a 256 MiB DRAM costs nothing until it is touched.
  std::unique_ptr<uint8_t[], FreeDeleter> dram_;
  // Decoded weights [buf][row][depth][tile * Lanes + lane]: for one row, the whole depth of a
  // buffer is contiguous and lines up with consecutive activation words, so one MATMUL token
  // is Rows dot products of depth * K int8 values.
  std::vector<int8_t> wgt_;
  // The BF16 baseline engine's weights as bit patterns, in the same order (empty otherwise).
  std::vector<uint16_t> wgt_bf16_;
  std::vector<int8_t> act_;   // [word][tile * Lanes + lane]: the beat space is linear bytes
  std::vector<int32_t> out_;  // [word][row]
  std::vector<uint32_t> vsp_;  // [row][lane]: raw 32-bit words (binary32 or int32)
  rt::Counters counters_;
  bool record_ = false;
  std::vector<rt::TraceEvent> timeline_;
};

}  // namespace tasu::model
