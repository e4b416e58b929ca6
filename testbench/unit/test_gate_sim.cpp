// The gate-level simulator (model/gate): the OSU 0.18 um liberty's cells as truth tables, a
// hand-made netlist (a 2-bit counter with asynchronous reset and a full adder on its bits)
// simulated cycle by cycle against values and toggle counts worked out by hand, OpenSTA paths
// from Yosys' hdlname, and every malformed input refused with a message that names it.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "gate/gate_sim.h"

namespace {

using tasu::gate::Library;
using tasu::gate::Simulator;

const char* kLib = "/usr/share/qflow/tech/osu018/osu018_stdcells.lib";

const Library& lib() {
  static const Library l = Library::read(kLib);
  return l;
}

std::string write(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

// q1 q0 count on clk (reset rst_n low clears them); s/co = q0 + q1 + cin through FAX1; inv = !q0.
// Nets: 2 clk, 3 rst_n, 4 cin, 5 q0, 6 q1, 7 d0, 8 d1, 9 s, 10 co, 11 x.
const char* kCounter = R"({"modules": {"top": {
  "ports": {"clk": {"direction": "input", "bits": [2]}, "rst_n": {"direction": "input", "bits": [3]},
            "cin": {"direction": "input", "bits": [4]},
            "q[0]": {"direction": "output", "bits": [5]}, "q[1]": {"direction": "output", "bits": [6]},
            "s": {"direction": "output", "bits": [9]}, "co": {"direction": "output", "bits": [10]}},
  "cells": {
    "u_cnt.f0": {"type": "DFFSR", "attributes": {"hdlname": "u_cnt f0"}, "connections": {"CLK": [2], "D": [7], "R": [3], "S": ["1"], "Q": [5]}},
    "u_cnt.f1": {"type": "DFFSR", "attributes": {"hdlname": "u_cnt f1"}, "connections": {"CLK": [2], "D": [8], "R": [3], "S": ["1"], "Q": [6]}},
    "u_cnt.i0": {"type": "INVX1", "attributes": {"hdlname": "u_cnt i0"}, "connections": {"A": [5], "Y": [7]}},
    "x1": {"type": "XOR2X1", "connections": {"A": [5], "B": [6], "Y": [8]}},
    "fa": {"type": "FAX1", "connections": {"A": [5], "B": [6], "C": [4], "YS": [9], "YC": [10]}}
  }, "netnames": {}}}})";

TEST(GateLibrary, CellsAreTheirLibertyFunctions) {
  const auto* aoi = lib().find("AOI22X1");
  ASSERT_EQ(aoi->inputs.size(), 4u);
  for (uint64_t m = 0; m < 16; ++m) {
    const bool a = m & 1, b = m & 2, c = m & 4, d = m & 8;
    EXPECT_EQ((aoi->outputs[0].table >> m) & 1, uint64_t{!((a && b) || (c && d))}) << m;
  }
  const auto* mux = lib().find("MUX2X1");  // Y = !(S ? A : B), inputs in liberty order A, B, S
  for (uint64_t m = 0; m < 8; ++m) EXPECT_EQ((mux->outputs[0].table >> m) & 1, uint64_t{!((m & 4) ? (m & 1) : (m & 2))}) << m;
  const auto* ff = lib().find("DFFSR");
  EXPECT_TRUE(ff->flop && ff->has_clear && ff->has_preset);
  EXPECT_THROW(lib().find("LATCH"), std::runtime_error);  // refused, with the reason
  EXPECT_THROW(lib().find("NOSUCH"), std::runtime_error);
}

TEST(GateSim, CountsAndTogglesAsWorkedByHand) {
  Simulator s(lib(), write("counter.json", kCounter), "top", "clk");
  EXPECT_EQ(s.port_bits("q"), 2);
  s.set("rst_n", 0);
  s.set("cin", 1);
  s.cycle(false);  // reset: q = 0
  EXPECT_EQ(s.get("q"), 0u);
  s.set("rst_n", 1);
  // Sampled cycles show q = 0, 1, 2, 3, 0 (the counter's state before each edge).
  for (uint64_t want : {0u, 1u, 2u, 3u, 0u}) {
    s.cycle(true);
    EXPECT_EQ(s.get("q"), want);
    EXPECT_EQ(s.get("s"), (want & 1) ^ (want >> 1) ^ 1u);
    EXPECT_EQ(s.get("co"), uint64_t{(want & 1) + (want >> 1) + 1 >= 2});
  }
  EXPECT_EQ(s.samples(), 5u);
  // q0: 0 1 0 1 0 -> 4 toggles over 4 intervals, 2 of 5 at 1; q1: 0 0 1 1 0 -> 2 toggles. The
  // full adder's s = 1 0 0 1 1 and co = 0 1 1 1 0: 2 toggles each, 3 of 5 at 1.
  int seen = 0;
  for (const auto& c : s.activities()) {
    const auto expect = [&](const char* path, double activity, double duty) {
      if (c.path != path) return;
      EXPECT_DOUBLE_EQ(c.activity, activity) << path;
      EXPECT_DOUBLE_EQ(c.duty, duty) << path;
      ++seen;
    };
    expect("u_cnt/f0", 1.0, 0.4);
    expect("u_cnt/f1", 0.5, 0.4);
    expect("fa", 0.5, 0.6);
  }
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(s.activities().size(), 5u);
}

TEST(GateSim, AsynchronousResetActsInItsCycle) {
  Simulator s(lib(), write("counter2.json", kCounter), "top", "clk");
  s.set("rst_n", 1);
  s.set("cin", 0);
  s.cycle(false);
  s.cycle(false);
  s.set("rst_n", 0);
  s.cycle(false);
  EXPECT_EQ(s.get("q"), 0u);
}

TEST(GateSim, RefusesBadNetlists) {
  std::string loop = kCounter;
  const std::string inv_pins = R"("A": [5], "Y": [7])";
  loop.replace(loop.find(inv_pins), inv_pins.size(), R"("A": [7], "Y": [7])");
  const auto throws_with = [](const std::string& path, const std::string& what) {
    try {
      Simulator s(lib(), path, "top", "clk");
      ADD_FAILURE() << "no error for " << path;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  throws_with(write("loop.json", loop), "combinational loop");
  throws_with(write("bad.json", "{\"modules\": "), "bad.json");
  throws_with(testing::TempDir() + "absent.json", "cannot read netlist");
  std::string latch = kCounter;
  const std::string xor_cell = "\"XOR2X1\"";
  latch.replace(latch.find(xor_cell), xor_cell.size(), "\"LATCH\"");
  throws_with(write("latch.json", latch), "cannot be simulated");
  std::string open_in = kCounter;
  const std::string xor_pins = R"("A": [5], "B": [6], "Y": [8])";
  open_in.replace(open_in.find(xor_pins), xor_pins.size(), R"("A": [5], "Y": [8])");
  throws_with(write("open.json", open_in), "input B unconnected");
  std::string other_clock = kCounter;
  const std::string f0_clk = R"("CLK": [2], "D": [7])";
  other_clock.replace(other_clock.find(f0_clk), f0_clk.size(), R"("CLK": [4], "D": [7])");
  throws_with(write("clock.json", other_clock), "is not clocked by clk");
  std::string async_logic = kCounter;
  const std::string f1_reset = R"("D": [8], "R": [3])";
  async_logic.replace(async_logic.find(f1_reset), f1_reset.size(), R"("D": [8], "R": [7])");
  throws_with(write("async.json", async_logic), "asynchronous R from logic");
  std::string twice = kCounter;
  const std::string fa_ys = R"("YS": [9])";
  twice.replace(twice.find(fa_ys), fa_ys.size(), R"("YS": [8])");  // the XOR drives net 8 too
  throws_with(write("twice.json", twice), "net driven twice");
  std::string gap = kCounter;
  const std::string q1 = R"("q[1]")";
  gap.replace(gap.find(q1), q1.size(), R"("q[2]")");  // bits 0 and 2 of q, no bit 1
  throws_with(write("gap.json", gap), "port q misses bits");
  Simulator s(lib(), write("ok.json", kCounter), "top", "clk");
  EXPECT_THROW(s.set("cin", std::vector<uint8_t>{1, 0}), std::runtime_error);  // 1 bit, 2 given
  EXPECT_THROW(s.set("q", 0), std::runtime_error);        // an output
  EXPECT_THROW(s.set("nope", 0), std::runtime_error);
  EXPECT_THROW(s.activities(), std::runtime_error);      // nothing sampled
  EXPECT_THROW(Simulator(lib(), write("ok2.json", kCounter), "other", "clk"), std::runtime_error);
  EXPECT_THROW(Library::read(write("notlib.lib", "cell (X) { }")), std::runtime_error);
  EXPECT_THROW(Library::read(write("truncated.lib", "library (x")), std::runtime_error);
}

}  // namespace
