// The wires of the accelerator's DRAM port (valid/ready channels: burst requests, write beats,
// read beats, write responses), and one binding for every module whose ports carry the same
// names: the memory bridge, the protocol checker, and benches that drive the port by hand.
#pragma once
#include <systemc>

#include <cstdint>

namespace tasu::sim {

template <int BusBits>
struct MemPortWires {
  using Beat = sc_dt::sc_bv<BusBits>;
  sc_core::sc_signal<bool> req_valid{"req_valid"}, req_ready{"req_ready"}, req_write{"req_write"};
  sc_core::sc_signal<uint32_t> req_addr{"req_addr"}, req_len{"req_len"};  // len: beats - 1
  sc_core::sc_signal<bool> wvalid{"wvalid"}, wready{"wready"}, wlast{"wlast"};
  sc_core::sc_signal<Beat> wdata{"wdata"}, rdata{"rdata"};
  sc_core::sc_signal<bool> rvalid{"rvalid"}, rready{"rready"}, rlast{"rlast"}, rerr{"rerr"};
  sc_core::sc_signal<bool> bvalid{"bvalid"}, bready{"bready"}, berr{"berr"};

  // Binds m's port-side ports (not its clock or reset) to these wires.
  template <class M>
  void bind(M& m) {
    m.req_valid(req_valid);
    m.req_ready(req_ready);
    m.req_addr(req_addr);
    m.req_len(req_len);
    m.req_write(req_write);
    m.wvalid(wvalid);
    m.wready(wready);
    m.wdata(wdata);
    m.wlast(wlast);
    m.rvalid(rvalid);
    m.rready(rready);
    m.rdata(rdata);
    m.rlast(rlast);
    m.rerr(rerr);
    m.bvalid(bvalid);
    m.bready(bready);
    m.berr(berr);
  }
};

}  // namespace tasu::sim
