// Protocol checker of the accelerator's DRAM port, always on in the platform: watches the pins
// at each rising edge, as the memory bridge samples them, and records the first breach. Rules
// (valid/ready on each channel): an offered request, write beat, read beat or write response
// stays offered and unchanged until taken; a write beat belongs to an accepted write burst and
// its last flag marks the burst's last beat; a read beat answers an accepted read burst, last on
// its last beat; a write response answers a write burst whose beats have all been sent.
// Reset drops every open burst, as the interconnect does.
#pragma once
#include <systemc>

#include <cstdint>
#include <deque>
#include <string>
#include <tuple>
#include <utility>

#include <fmt/format.h>

namespace tasu::sim {

template <int BusBits>
class MemPortChecker : public sc_core::sc_module {
 public:
  using Beat = sc_dt::sc_bv<BusBits>;

  sc_core::sc_in<bool> clk, rst_n;
  sc_core::sc_in<bool> req_valid, req_ready, req_write;
  sc_core::sc_in<uint32_t> req_addr, req_len;
  sc_core::sc_in<bool> wvalid, wready, wlast;
  sc_core::sc_in<Beat> wdata;
  sc_core::sc_in<bool> rvalid, rready, rlast, rerr;
  sc_core::sc_in<Beat> rdata;
  sc_core::sc_in<bool> bvalid, bready, berr;

  SC_HAS_PROCESS(MemPortChecker);
  explicit MemPortChecker(sc_core::sc_module_name name) : sc_module(name) {
    SC_METHOD(on_clock);
    sensitive << clk.pos();
    dont_initialize();
  }

  // The first breach ("" while there is none), and how many there were.
  const std::string& violation() const { return first_; }
  uint64_t violations() const { return count_; }

 private:
  // An offer not taken must be offered again, unchanged: `pending` says the last cycle's offer
  // was not taken, `was` what it was (compared only then, so the check costs nothing else).
  template <class T>
  struct Held {
    bool pending = false;
    T was{};
  };
  template <class T>
  void hold(Held<T>& h, const char* channel, bool valid, bool ready, const T& now) {
    if (h.pending && (!valid || !(now == h.was)))
      breach(fmt::format("{} changed or was withdrawn before it was taken", channel));
    h.pending = valid && !ready;
    if (h.pending) h.was = now;
  }

  // One beat of the oldest open burst; true when it was the burst's last.
  bool take_beat(std::deque<uint32_t>& bursts, bool last, const char* kind, const char* needs) {
    if (bursts.empty()) {
      breach(fmt::format("a {} beat without {}", kind, needs));
      return false;
    }
    if (last != (bursts.front() == 1))
      breach(fmt::format("{} beat with last = {} and {} beats of its burst left", kind, last, bursts.front()));
    if (--bursts.front() > 0) return false;
    bursts.pop_front();
    return true;
  }

  void breach(const std::string& msg) {
    if (count_++ == 0) first_ = fmt::format("cycle {}: {}", cycle_, msg);
  }

  void on_clock() {
    ++cycle_;
    if (!rst_n.read()) {
      reads_.clear();
      writes_.clear();
      unanswered_ = 0;
      req_ = {};
      w_ = {};
      r_ = {};
      b_ = {};
      return;
    }
    const bool rq = req_valid.read(), wv = wvalid.read(), rv = rvalid.read(), bv = bvalid.read();
    if (rq || req_.pending)
      hold(req_, "a burst request", rq, req_ready.read(),
           std::make_tuple(req_write.read(), req_len.read(), req_addr.read()));
    if (wv || w_.pending) hold(w_, "a write beat", wv, wready.read(), std::make_pair(wdata.read(), wlast.read()));
    if (rv || r_.pending)
      hold(r_, "a read beat", rv, rready.read(), std::make_tuple(rdata.read(), rlast.read(), rerr.read()));
    if (bv || b_.pending) hold(b_, "a write response", bv, bready.read(), berr.read());

    if (rq && req_ready.read()) (req_write.read() ? writes_ : reads_).push_back(req_len.read() + 1);
    if (wv && wready.read() && take_beat(writes_, wlast.read(), "write", "an accepted write burst")) ++unanswered_;
    if (rv && rready.read()) take_beat(reads_, rlast.read(), "read", "a read burst requested");
    if (bv && bready.read()) {
      if (unanswered_ == 0) breach("a write response without a completed write burst");
      else --unanswered_;
    }
  }

  uint64_t cycle_ = 0, count_ = 0, unanswered_ = 0;
  std::deque<uint32_t> reads_, writes_;  // beats left of each accepted burst
  Held<std::tuple<bool, uint32_t, uint32_t>> req_;
  Held<std::pair<Beat, bool>> w_;
  Held<std::tuple<Beat, bool, bool>> r_;
  Held<bool> b_;
  std::string first_;
};

}  // namespace tasu::sim
