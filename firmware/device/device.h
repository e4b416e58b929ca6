// The one host API of tasu (in the spirit of VTA's driver.h): open a device, move data to and
// from its DRAM, run a program, wait with a watchdog and read the performance counters. Backends:
// the Verilated SystemC platform ("rtl", cycle-accurate) and the functional model ("model").
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tasu_arch.h"

namespace tasu::rt {

struct Counters {
  // ex_busy: the matrix engine; vu_busy: the vector unit (each with its own queue).
  uint64_t cycles = 0, ex_busy = 0, vu_busy = 0, rd_bytes = 0, wr_bytes = 0, stall = 0, ld_busy = 0, st_busy = 0,
           insns = 0;
  Counters& operator+=(const Counters& o) {
    cycles += o.cycles;
    ex_busy += o.ex_busy;
    vu_busy += o.vu_busy;
    rd_bytes += o.rd_bytes;
    wr_bytes += o.wr_bytes;
    stall += o.stall;
    ld_busy += o.ld_busy;
    st_busy += o.st_busy;
    insns += o.insns;
    return *this;
  }
};

// An error reported by the device (status ERROR) or by the runtime's watchdog. what() is a
// complete human-readable report: code, offending instruction, device state.
class DeviceError : public std::runtime_error {
 public:
  DeviceError(arch::ErrorCode code, uint32_t pc, uint32_t info, bool watchdog, const std::string& report)
      : std::runtime_error(report), code_(code), pc_(pc), info_(info), watchdog_(watchdog) {}
  arch::ErrorCode code() const { return code_; }
  uint32_t pc() const { return pc_; }
  uint32_t info() const { return info_; }
  bool watchdog() const { return watchdog_; }

 private:
  arch::ErrorCode code_;
  uint32_t pc_, info_;
  bool watchdog_;
};

// One instruction's interval on a unit, in cycles from the program's start (the RTL's
// handshake and done pulse; the functional model's timing replay).
struct TraceEvent {
  // The trace tracks: the units (arch::Unit), then the instruction fetch.
  enum Unit : uint8_t {
    kLoad = static_cast<uint8_t>(arch::Unit::LD),
    kEngine = static_cast<uint8_t>(arch::Unit::EX),
    kVector = static_cast<uint8_t>(arch::Unit::VU),
    kStore = static_cast<uint8_t>(arch::Unit::ST),
    kFetch = arch::kTraceFetch
  };
  Unit unit = kLoad;
  uint32_t pc = 0;  // the instruction; for kFetch the first instruction of the burst
  uint64_t start = 0, end = 0;
};

// A track's name in timelines and reports.
inline std::string_view track_name(TraceEvent::Unit u) {
  switch (u) {
    case TraceEvent::kLoad: return "load DMA";
    case TraceEvent::kEngine: return "engine";
    case TraceEvent::kVector: return "vector unit";
    case TraceEvent::kStore: return "store DMA";
    case TraceEvent::kFetch: return "fetch";
  }
  return "?";
}

// Faults the RTL backend's DRAM injects (sim/tlm_memory.h), to show that every program either
// finishes bit-exact or stops with its error code, never hangs: error responses for bursts that
// touch a chosen range or, at random, for a share of all bursts; and random extra latency per
// burst. The functional model ignores them.
struct FaultOptions {
  std::vector<std::pair<uint64_t, uint64_t>> error_ranges;  // [first, end) device addresses
  double error_rate = 0;        // probability of an error response per burst
  uint32_t jitter_cycles = 0;   // extra latency per burst, uniform in [0, jitter_cycles]
  uint64_t seed = 1;            // of the random choices
  bool any() const { return !error_ranges.empty() || error_rate > 0 || jitter_cycles > 0; }
};

struct DeviceOptions {
  uint64_t dram_bytes = 256ull << 20;  // size of the simulated DRAM
  uint32_t mem_latency = 0;            // 0: the configuration's MemLatency
  uint32_t mem_bytes_per_cycle = 0;    // 0: the configuration's MemBytesPerCycle
  std::string trace_file;              // empty: no waveform; *.vcd otherwise
  bool timeline = false;               // record every instruction's interval (take_timeline)
  FaultOptions faults;                 // rtl backend only
};

class Device {
 public:
  virtual ~Device() = default;
  virtual const arch::Config& config() const = 0;
  virtual std::string backend() const = 0;

  // Resets the accelerator (not the DRAM contents).
  virtual void reset() = 0;
  virtual void write(uint64_t addr, const void* src, size_t bytes) = 0;
  virtual void read(uint64_t addr, void* dst, size_t bytes) = 0;
  // Starts the program of n_insns instructions at prog_addr; returns at once.
  virtual void start(uint64_t prog_addr, uint32_t n_insns) = 0;
  // Waits for completion. Throws DeviceError if the device reports an error or has not finished
  // within max_cycles (the watchdog); the report then shows the device state.
  virtual void wait(uint64_t max_cycles) = 0;
  virtual Counters counters() = 0;
  // The intervals of the last program's instructions, in the order they finished (empty unless
  // opened with DeviceOptions::timeline).
  virtual std::vector<TraceEvent> take_timeline() { return {}; }
  // Fault injection in the device's DRAM (FaultOptions); the rtl backend only, the others throw
  // std::logic_error. Also set at open from DeviceOptions::faults.
  virtual void set_faults(const FaultOptions&) { throw std::logic_error(backend() + " backend has no fault injection"); }

  // Bump allocation in device DRAM, BusBytes-aligned; free_all() releases everything.
  uint64_t alloc(uint64_t bytes);
  void free_all() { next_free_ = kDramBase; }
  // Releases every allocation from addr on (addr: a value alloc() returned).
  void free_to(uint64_t addr) {
    if (addr >= kDramBase && addr <= next_free_) next_free_ = addr;
  }
  uint64_t dram_bytes() const { return dram_bytes_; }

  // The DRAM window starts above 0 so that a zero address in a program is caught as a bus error.
  static constexpr uint64_t kDramBase = 0x1000;

 protected:
  explicit Device(uint64_t dram_bytes) : dram_bytes_(dram_bytes) {}

 private:
  uint64_t dram_bytes_;
  uint64_t next_free_ = kDramBase;
};

// backend: "rtl" or "model"; config: a name from tasu_arch.json. Throws std::invalid_argument
// for an unknown backend or configuration.
std::unique_ptr<Device> open_device(const std::string& backend, const std::string& config, const DeviceOptions& opt = {});

std::vector<std::string> backends();

}  // namespace tasu::rt
