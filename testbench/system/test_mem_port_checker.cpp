// The DRAM port checker (sim/mem_port_checker.h) accepts a legal exchange and names each kind
// of breach: a response without a request, a changed offer, a wrong last flag. A small driver
// plays the pins cycle by cycle. One process per test: SystemC elaborates once per process.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "../common_sc_main.h"
#include "mem_port_checker.h"

namespace {

using Checker = tasu::sim::MemPortChecker<512>;
using Beat = Checker::Beat;

// The pins, the checker on them, and a clock; `cycle(f)` sets the pins with f, then lets one
// rising edge pass.
struct Bench {
  sc_core::sc_clock clk{"clk", sc_core::sc_time(1, sc_core::SC_NS)};
  sc_core::sc_signal<bool> rst_n{"rst_n"}, req_valid{"req_valid"}, req_ready{"req_ready"}, req_write{"req_write"};
  sc_core::sc_signal<uint32_t> req_addr{"req_addr"}, req_len{"req_len"};
  sc_core::sc_signal<bool> wvalid{"wvalid"}, wready{"wready"}, wlast{"wlast"};
  sc_core::sc_signal<Beat> wdata{"wdata"}, rdata{"rdata"};
  sc_core::sc_signal<bool> rvalid{"rvalid"}, rready{"rready"}, rlast{"rlast"}, rerr{"rerr"};
  sc_core::sc_signal<bool> bvalid{"bvalid"}, bready{"bready"}, berr{"berr"};
  Checker chk{"checker"};

  Bench() {
    chk.clk(clk);
    chk.rst_n(rst_n);
    chk.req_valid(req_valid);
    chk.req_ready(req_ready);
    chk.req_write(req_write);
    chk.req_addr(req_addr);
    chk.req_len(req_len);
    chk.wvalid(wvalid);
    chk.wready(wready);
    chk.wlast(wlast);
    chk.wdata(wdata);
    chk.rvalid(rvalid);
    chk.rready(rready);
    chk.rlast(rlast);
    chk.rerr(rerr);
    chk.rdata(rdata);
    chk.bvalid(bvalid);
    chk.bready(bready);
    chk.berr(berr);
    rst_n.write(false);
    sc_core::sc_start(sc_core::sc_time(2, sc_core::SC_NS));
    rst_n.write(true);
  }
  // Pins for the coming edge: everything idle unless f sets it.
  void cycle(const std::function<void(Bench&)>& f = {}) {
    req_valid.write(false);
    req_ready.write(true);
    wvalid.write(false);
    wready.write(true);
    wlast.write(false);
    rvalid.write(false);
    rready.write(true);
    rlast.write(false);
    bvalid.write(false);
    bready.write(true);
    if (f) f(*this);
    sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_NS));
  }
  void request(bool write, uint32_t beats, uint32_t addr, bool ready = true) {
    cycle([=](Bench& b) {
      b.req_valid.write(true);
      b.req_write.write(write);
      b.req_len.write(beats - 1);
      b.req_addr.write(addr);
      b.req_ready.write(ready);
    });
  }
  void read_beat(bool last) {
    cycle([=](Bench& b) {
      b.rvalid.write(true);
      b.rlast.write(last);
    });
  }
  void write_beat(bool last, uint32_t word = 0) {
    cycle([=](Bench& b) {
      Beat d;
      d.set_word(0, word);
      b.wvalid.write(true);
      b.wdata.write(d);
      b.wlast.write(last);
    });
  }
  void response() { cycle([](Bench& b) { b.bvalid.write(true); }); }
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
