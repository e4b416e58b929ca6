// Records the accelerator's instruction trace port (trc_*) into intervals per unit, for
// timelines: a start when a unit accepts an instruction, an end at its done pulse, matched in
// order (each unit finishes in the order it accepts). Clocked on the rising edge; only built
// when a timeline is asked for, so other runs pay nothing.
#pragma once
#include <systemc>

#include <cstdint>
#include <deque>
#include <vector>

#include "device/device.h"

namespace tasu::sim {

SC_MODULE(TraceRecorder) {
  sc_core::sc_in<bool> clk;
  sc_core::sc_in<uint32_t> start_in, done_in, ld_pc, ex_pc, vu_pc, st_pc, fetch_pc;

  SC_CTOR(TraceRecorder) {
    SC_METHOD(sample);
    sensitive << clk.pos();
    dont_initialize();
  }

  // Cycle 0 of the next program; intervals are kept relative to it.
  void mark_start() {
    t0_ = cycle_;
    for (auto& q : open_) q.clear();
    events_.clear();
  }
  std::vector<rt::TraceEvent> take() {
    std::vector<rt::TraceEvent> e;
    e.swap(events_);
    return e;
  }

 private:
  void sample() {
    ++cycle_;
    const uint32_t s = start_in.read(), d = done_in.read();
    if (s == 0 && d == 0) return;
    uint32_t pcs[kUnits];
    pcs[rt::TraceEvent::kLoad] = ld_pc.read();
    pcs[rt::TraceEvent::kEngine] = ex_pc.read();
    pcs[rt::TraceEvent::kVector] = vu_pc.read();
    pcs[rt::TraceEvent::kStore] = st_pc.read();
    pcs[rt::TraceEvent::kFetch] = fetch_pc.read();
    for (int u = 0; u < kUnits; ++u) {
      // A done in the cycle of an acceptance belongs to an earlier instruction.
      if ((d >> u) & 1u && !open_[u].empty()) {
        rt::TraceEvent ev = open_[u].front();
        open_[u].pop_front();
        ev.end = cycle_ - t0_;
        events_.push_back(ev);
      }
      if ((s >> u) & 1u) open_[u].push_back({static_cast<rt::TraceEvent::Unit>(u), pcs[u], cycle_ - t0_, 0});
    }
  }

  uint64_t cycle_ = 0, t0_ = 0;
  static constexpr int kUnits = arch::kNumTraceTracks;  // the units and the instruction fetch
  std::deque<rt::TraceEvent> open_[kUnits];
  std::vector<rt::TraceEvent> events_;
};

}  // namespace tasu::sim
