// The SystemC platform around one Verilated accelerator: clock, reset, the host register port,
// the DRAM master port bridged to the TLM-2.0 memory, and optional VCD tracing: the pins
// always, every RTL signal as well when Verilated with TASU_TRACE_INTERNAL=ON.
// Templated on the Verilated top class because each configuration is its own Verilated model.
#pragma once
#include <systemc>

#include <cstdint>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include "mem_bridge.h"
#include "mem_port.h"
#include "mem_port_checker.h"
#include "trace_recorder.h"
#include "tlm_memory.h"

#if VM_TRACE
#include <verilated_vcd_sc.h>
#endif

namespace tasu::sim {

template <class Vtop, int BusBits>
class Platform {
 public:
  using Beat = sc_dt::sc_bv<BusBits>;
  static constexpr double kPeriodNs = 1.0;

  Platform(uint64_t dram_base, uint64_t dram_bytes, uint32_t latency, double bytes_per_cycle, uint32_t max_burst,
           const std::string& trace_file, bool timeline = false)
      : clk_("clk", sc_core::sc_time(kPeriodNs, sc_core::SC_NS)),
        top_("tasu_top"),
        mem_("dram", dram_base, dram_bytes, sc_core::sc_time(kPeriodNs, sc_core::SC_NS), latency, bytes_per_cycle),
        bridge_("mem_bridge", sc_core::sc_time(kPeriodNs, sc_core::SC_NS), bytes_per_cycle, max_burst) {
    // A failed RTL assertion (rtl/prim/tasu_assert.sv) prints its name and becomes an exception
    // from step(), not an abort of the process.
    Verilated::fatalOnError(false);
    top_.clk_i(clk_);
    top_.rst_ni(rst_n_);
    top_.reg_valid_i(reg_valid_);
    top_.reg_write_i(reg_write_);
    top_.reg_addr_i(reg_addr_);
    top_.reg_wdata_i(reg_wdata_);
    top_.reg_rdata_o(reg_rdata_);
    top_.irq_o(irq_);
    top_.mem_req_valid_o(port_.req_valid);
    top_.mem_req_ready_i(port_.req_ready);
    top_.mem_req_addr_o(port_.req_addr);
    top_.mem_req_len_o(port_.req_len);
    top_.mem_req_write_o(port_.req_write);
    top_.mem_wvalid_o(port_.wvalid);
    top_.mem_wready_i(port_.wready);
    top_.mem_wdata_o(port_.wdata);
    top_.mem_wlast_o(port_.wlast);
    top_.mem_rvalid_i(port_.rvalid);
    top_.mem_rready_o(port_.rready);
    top_.mem_rdata_i(port_.rdata);
    top_.mem_rlast_i(port_.rlast);
    top_.mem_rerr_i(port_.rerr);
    top_.mem_bvalid_i(port_.bvalid);
    top_.mem_bready_o(port_.bready);
    top_.mem_berr_i(port_.berr);
    top_.trc_start_o(trc_start_);
    top_.trc_done_o(trc_done_);
    top_.trc_ld_pc_o(trc_ld_pc_);
    top_.trc_ex_pc_o(trc_ex_pc_);
    top_.trc_vu_pc_o(trc_vu_pc_);
    top_.trc_st_pc_o(trc_st_pc_);
    top_.trc_fetch_pc_o(trc_fetch_pc_);
    if (timeline) {
      recorder_ = std::make_unique<TraceRecorder>("trace_recorder");
      recorder_->clk(clk_);
      recorder_->start_in(trc_start_);
      recorder_->done_in(trc_done_);
      recorder_->ld_pc(trc_ld_pc_);
      recorder_->ex_pc(trc_ex_pc_);
      recorder_->vu_pc(trc_vu_pc_);
      recorder_->fetch_pc(trc_fetch_pc_);
      recorder_->st_pc(trc_st_pc_);
    }

    checker_.clk(clk_);
    checker_.rst_n(rst_n_);
    port_.bind(checker_);
    bridge_.clk(clk_);
    bridge_.rst_n(rst_n_);
    port_.bind(bridge_);
    bridge_.socket.bind(mem_.socket);

    if (!trace_file.empty()) open_trace(trace_file);
  }

  ~Platform() {
    if (tf_ != nullptr) sc_core::sc_close_vcd_trace_file(tf_);
#if VM_TRACE
    if (rtl_vcd_) rtl_vcd_->close();
#endif
  }

  void step(uint64_t cycles) {
    sc_core::sc_start(sc_core::sc_time(kPeriodNs * static_cast<double>(cycles), sc_core::SC_NS));
    if (Verilated::gotError())
      throw std::runtime_error(
          "an RTL assertion failed (its name and property are printed above): the simulated hardware broke one of its "
          "own rules, a bug in the RTL; the run cannot be trusted");
    if (!checker_.violation().empty())
      throw std::runtime_error("DRAM port protocol violation at " + checker_.violation() +
                               ": the run cannot be trusted");
  }

  void reset() {
    rst_n_.write(false);
    reg_valid_.write(false);
    step(4);
    rst_n_.write(true);
    step(2);
  }

  void reg_write(uint32_t addr, uint32_t value) {
    reg_valid_.write(true);
    reg_write_.write(true);
    reg_addr_.write(addr);
    reg_wdata_.write(value);
    step(1);
    reg_valid_.write(false);
    reg_write_.write(false);
    step(1);
  }

  uint32_t reg_read(uint32_t addr) {
    reg_valid_.write(true);
    reg_write_.write(false);
    reg_addr_.write(addr);
    step(1);
    reg_valid_.write(false);
    step(1);
    return reg_rdata_.read();
  }

  bool irq() const { return irq_.read(); }
  TraceRecorder* recorder() { return recorder_.get(); }
  TlmMemory& memory() { return mem_; }

 private:
  void open_trace(const std::string& file) {
    std::string base = file;
    if (base.size() > 4 && base.substr(base.size() - 4) == ".vcd") base.resize(base.size() - 4);
    // SystemC reports a file it cannot open only as a message and then fails on close: probe.
    if (!std::ofstream(base + ".vcd")) throw std::runtime_error("cannot create trace file " + base + ".vcd");
    tf_ = sc_core::sc_create_vcd_trace_file(base.c_str());
    if (tf_ == nullptr) throw std::runtime_error("cannot create trace file " + file);
    tf_->set_time_unit(1, sc_core::SC_NS);
    sc_core::sc_trace(tf_, clk_, "clk");
    sc_core::sc_trace(tf_, rst_n_, "rst_n");
    sc_core::sc_trace(tf_, reg_valid_, "reg_valid");
    sc_core::sc_trace(tf_, reg_write_, "reg_write");
    sc_core::sc_trace(tf_, reg_addr_, "reg_addr");
    sc_core::sc_trace(tf_, reg_wdata_, "reg_wdata");
    sc_core::sc_trace(tf_, reg_rdata_, "reg_rdata");
    sc_core::sc_trace(tf_, irq_, "irq");
    sc_core::sc_trace(tf_, port_.req_valid, "mem_req_valid");
    sc_core::sc_trace(tf_, port_.req_ready, "mem_req_ready");
    sc_core::sc_trace(tf_, port_.req_addr, "mem_req_addr");
    sc_core::sc_trace(tf_, port_.req_len, "mem_req_len");
    sc_core::sc_trace(tf_, port_.req_write, "mem_req_write");
    sc_core::sc_trace(tf_, port_.wvalid, "mem_wvalid");
    sc_core::sc_trace(tf_, port_.wready, "mem_wready");
    sc_core::sc_trace(tf_, port_.wdata, "mem_wdata");
    sc_core::sc_trace(tf_, port_.wlast, "mem_wlast");
    sc_core::sc_trace(tf_, port_.rvalid, "mem_rvalid");
    sc_core::sc_trace(tf_, port_.rdata, "mem_rdata");
    sc_core::sc_trace(tf_, port_.rlast, "mem_rlast");
    sc_core::sc_trace(tf_, port_.rerr, "mem_rerr");
    sc_core::sc_trace(tf_, port_.bvalid, "mem_bvalid");
    sc_core::sc_trace(tf_, port_.berr, "mem_berr");
#if VM_TRACE
    // Built with TASU_TRACE_INTERNAL: every signal inside the RTL too, in <name>.rtl.vcd.
    // Verilator wants elaboration complete first; the pin trace above had to come before it.
    Verilated::traceEverOn(true);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    rtl_vcd_ = std::make_unique<VerilatedVcdSc>();
    top_.trace(rtl_vcd_.get(), 99);
    rtl_vcd_->open((base + ".rtl.vcd").c_str());
#endif
  }

  sc_core::sc_clock clk_;
  sc_core::sc_signal<bool> rst_n_{"rst_n"};
  sc_core::sc_signal<bool> reg_valid_{"reg_valid"}, reg_write_{"reg_write"}, irq_{"irq"};
  sc_core::sc_signal<uint32_t> reg_addr_{"reg_addr"}, reg_wdata_{"reg_wdata"}, reg_rdata_{"reg_rdata"};
  MemPortWires<BusBits> port_;
  sc_core::sc_signal<uint32_t> trc_start_{"trc_start"}, trc_done_{"trc_done"};
  sc_core::sc_signal<uint32_t> trc_ld_pc_{"trc_ld_pc"}, trc_ex_pc_{"trc_ex_pc"}, trc_vu_pc_{"trc_vu_pc"},
      trc_st_pc_{"trc_st_pc"}, trc_fetch_pc_{"trc_fetch_pc"};
  std::unique_ptr<TraceRecorder> recorder_;
  Vtop top_;
  TlmMemory mem_;
  MemBridge<BusBits> bridge_;
  MemPortChecker<BusBits> checker_{"mem_port_checker"};
  sc_core::sc_trace_file* tf_ = nullptr;
#if VM_TRACE
  std::unique_ptr<VerilatedVcdSc> rtl_vcd_;
#endif
};

}  // namespace tasu::sim
