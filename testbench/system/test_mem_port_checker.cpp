// The DRAM port checker (sim/mem_port_checker.h) accepts a legal exchange and names each kind
// of breach: a response without a request, a changed offer, a wrong last flag. A small driver
// plays the pins cycle by cycle. One process per test: SystemC elaborates once per process.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "../common_sc_main.h"
#include "mem_port.h"
#include "mem_port_checker.h"
#include "tasu_arch.h"

namespace {

// ci's bus.
constexpr int kBusBits = static_cast<int>(tasu::arch::find_config("ci")->BusBytes * 8);

using Checker = tasu::sim::MemPortChecker<kBusBits>;
using Beat = Checker::Beat;

// The pins, the checker on them, and a clock; `cycle(f)` sets the pins with f, then lets one
// rising edge pass.
struct Bench {
  sc_core::sc_clock clk{"clk", sc_core::sc_time(1, sc_core::SC_NS)};
  sc_core::sc_signal<bool> rst_n{"rst_n"};
  tasu::sim::MemPortWires<kBusBits> pins;
  Checker chk{"checker"};

  Bench() {
    chk.clk(clk);
    chk.rst_n(rst_n);
    pins.bind(chk);
    rst_n.write(false);
    sc_core::sc_start(sc_core::sc_time(2, sc_core::SC_NS));
    rst_n.write(true);
  }
  // Pins for the coming edge: everything idle unless f sets it.
  void cycle(const std::function<void(Bench&)>& f = {}) {
    pins.req_valid.write(false);
    pins.req_ready.write(true);
    pins.wvalid.write(false);
    pins.wready.write(true);
    pins.wlast.write(false);
    pins.rvalid.write(false);
    pins.rready.write(true);
    pins.rlast.write(false);
    pins.bvalid.write(false);
    pins.bready.write(true);
    if (f) f(*this);
    sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_NS));
  }
  void request(bool write, uint32_t beats, uint32_t addr, bool ready = true) {
    cycle([=](Bench& b) {
      b.pins.req_valid.write(true);
      b.pins.req_write.write(write);
      b.pins.req_len.write(beats - 1);
      b.pins.req_addr.write(addr);
      b.pins.req_ready.write(ready);
    });
  }
  void read_beat(bool last) {
    cycle([=](Bench& b) {
      b.pins.rvalid.write(true);
      b.pins.rlast.write(last);
    });
  }
  void write_beat(bool last, uint32_t word = 0) {
    cycle([=](Bench& b) {
      Beat d;
      d.set_word(0, word);
      b.pins.wvalid.write(true);
      b.pins.wdata.write(d);
      b.pins.wlast.write(last);
    });
  }
  void response() { cycle([](Bench& b) { b.pins.bvalid.write(true); }); }
};

void expect_breach(const Checker& c, const std::string& what) {
  EXPECT_NE(c.violation().find(what), std::string::npos) << "got: '" << c.violation() << "'";
}

TEST(MemPortChecker, LegalBurstsPass) {
  Bench b;
  b.request(false, 2, 0x100, false);  // not taken yet, offered again unchanged
  b.request(false, 2, 0x100);
  b.request(true, 2, 0x200);
  b.read_beat(false);
  b.write_beat(false, 1);
  b.read_beat(true);
  b.write_beat(true, 2);
  b.response();
  b.cycle();
  EXPECT_EQ(b.chk.violation(), "");
  EXPECT_EQ(b.chk.violations(), 0u);
}

TEST(MemPortChecker, ReadBeatWithoutRequest) {
  Bench b;
  b.read_beat(true);
  expect_breach(b.chk, "a read beat without a read burst requested");
}

TEST(MemPortChecker, WriteResponseWithoutBurst) {
  Bench b;
  b.request(true, 1, 0x40);
  b.response();  // its beat has not been sent
  expect_breach(b.chk, "a write response without a completed write burst");
}

TEST(MemPortChecker, RequestChangedBeforeTaken) {
  Bench b;
  b.request(false, 4, 0x100, false);
  b.request(false, 4, 0x140);
  expect_breach(b.chk, "a burst request changed or was withdrawn before it was taken");
}

TEST(MemPortChecker, WrongLastFlags) {
  Bench b;
  b.request(false, 2, 0x0);
  b.read_beat(true);  // the first of two
  expect_breach(b.chk, "read beat with last = true and 2 beats of its burst left");
}

TEST(MemPortChecker, WriteBeatWithoutBurst) {
  Bench b;
  b.write_beat(true);
  expect_breach(b.chk, "a write beat without an accepted write burst");
}

TEST(MemPortChecker, ResetDropsOpenBursts) {
  Bench b;
  b.request(false, 4, 0x0);
  b.rst_n.write(false);
  b.cycle();
  b.rst_n.write(true);
  b.read_beat(true);  // the burst before the reset is gone
  expect_breach(b.chk, "a read beat without a read burst requested");
}

}  // namespace
