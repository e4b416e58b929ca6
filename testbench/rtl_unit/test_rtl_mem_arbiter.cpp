// Bench of rtl/core/tasu_mem_arbiter.sv alone: the DRAM port's rule that a request, once
// offered, stays unchanged until the memory accepts it, when another client's request arrives
// while the memory refuses (the main job at P = 128 broke it before the arbiter held its grant:
// tasu_top's MemRequestHeldUntilAccepted failed), and round-robin order afterwards.
#include <gtest/gtest.h>

#include "Vtasu_mem_arbiter.h"
#include "verilated_bench.h"

namespace {

struct Bench {
  Vtasu_mem_arbiter dut;
  Bench() {
    dut.rst_ni = 0;
    dut.f_req_valid_i = dut.l_req_valid_i = dut.s_req_valid_i = 0;
    dut.s_wvalid_i = 0;
    dut.mem_req_ready_i = 0;
    dut.mem_rvalid_i = dut.mem_bvalid_i = 0;
    tasu::bench::tick(dut);
    dut.rst_ni = 1;
    tasu::bench::tick(dut);
  }
  // A client's request: fetch, load (reads) or store (write).
  void fetch(uint32_t addr, uint8_t len = 0) { set(dut.f_req_valid_i, dut.f_req_addr_i, dut.f_req_len_i, addr, len); }
  void load(uint32_t addr, uint8_t len = 0) { set(dut.l_req_valid_i, dut.l_req_addr_i, dut.l_req_len_i, addr, len); }
  void store(uint32_t addr, uint8_t len = 0) { set(dut.s_req_valid_i, dut.s_req_addr_i, dut.s_req_len_i, addr, len); }
  static void set(uint8_t& valid, uint32_t& addr_port, uint8_t& len_port, uint32_t addr, uint8_t len) {
    valid = 1;
    addr_port = addr;
    len_port = len;
  }
  // What the port offers this cycle (after the inputs settle).
  uint32_t offered() {
    dut.eval();
    EXPECT_TRUE(dut.mem_req_valid_o);
    return dut.mem_req_addr_o;
  }
};

// Reset gives the fetch client the first turn; a load refused by the memory must not give way to
// a fetch request arriving a cycle later.
TEST(RtlMemArbiter, RefusedLoadKeepsItsGrantAgainstALaterFetch) {
  Bench b;
  b.load(0x1000, 3);
  EXPECT_EQ(b.offered(), 0x1000u);
  tasu::bench::tick(b.dut);
  b.fetch(0x2000, 1);
  for (int i = 0; i < 3; ++i) {  // refused for a while
    EXPECT_EQ(b.offered(), 0x1000u) << "cycle " << i;
    EXPECT_EQ(b.dut.mem_req_len_o, 3u);
    EXPECT_FALSE(b.dut.mem_req_write_o);
    tasu::bench::tick(b.dut);
  }
  b.dut.mem_req_ready_i = 1;
  EXPECT_EQ(b.offered(), 0x1000u);
  EXPECT_TRUE(b.dut.l_req_ready_o);
  EXPECT_FALSE(b.dut.f_req_ready_o);
  tasu::bench::tick(b.dut);
  b.dut.l_req_valid_i = 0;
  EXPECT_EQ(b.offered(), 0x2000u);  // then the fetch
  EXPECT_TRUE(b.dut.f_req_ready_o);
}

// A write burst refused by the memory keeps the port against reads arriving later, though
// round-robin order (fetch, load, store after reset) would rank both reads above it.
TEST(RtlMemArbiter, RefusedWriteKeepsItsGrantAgainstLaterReads) {
  Bench b;
  b.store(0x3000, 15);
  EXPECT_EQ(b.offered(), 0x3000u);
  EXPECT_TRUE(b.dut.mem_req_write_o);
  tasu::bench::tick(b.dut);
  b.load(0x1000);
  b.fetch(0x2000);
  EXPECT_EQ(b.offered(), 0x3000u);
  EXPECT_TRUE(b.dut.mem_req_write_o);
  tasu::bench::tick(b.dut);
  b.dut.mem_req_ready_i = 1;
  EXPECT_EQ(b.offered(), 0x3000u);
  EXPECT_TRUE(b.dut.s_req_ready_o);
  tasu::bench::tick(b.dut);
  b.dut.s_req_valid_i = 0;
  // The store was served: the fetch client's turn comes next, then the load's.
  EXPECT_EQ(b.offered(), 0x2000u);
  tasu::bench::tick(b.dut);
  b.dut.f_req_valid_i = 0;
  EXPECT_EQ(b.offered(), 0x1000u);
}

// A client that withdraws its refused request (a DMA halting on a bus error) loses the grant:
// the port goes to the next request at once instead of offering the withdrawn one.
TEST(RtlMemArbiter, WithdrawnRequestLosesItsGrant) {
  Bench b;
  b.load(0x1000);
  EXPECT_EQ(b.offered(), 0x1000u);
  tasu::bench::tick(b.dut);
  b.dut.l_req_valid_i = 0;
  b.store(0x3000);
  EXPECT_EQ(b.offered(), 0x3000u);
  EXPECT_TRUE(b.dut.mem_req_write_o);
}

// With the memory ready every cycle, the clients take turns.
TEST(RtlMemArbiter, ReadyMemoryServesClientsInTurn) {
  Bench b;
  b.dut.mem_req_ready_i = 1;
  b.fetch(0x2000);
  b.load(0x1000);
  b.store(0x3000);
  const uint32_t want[] = {0x2000, 0x1000, 0x3000, 0x2000, 0x1000, 0x3000};
  for (uint32_t w : want) {
    EXPECT_EQ(b.offered(), w);
    tasu::bench::tick(b.dut);
  }
}

}  // namespace
