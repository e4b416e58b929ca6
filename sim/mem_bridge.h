// Bridge from the accelerator's DRAM master pins (request / write data / read data / write
// response, valid-ready) to a TLM-2.0 initiator socket. Clocked: it samples the pins at each
// rising edge like a register stage would, performs each burst as one blocking transaction, and
// replays the returned data beat by beat at the times the memory's timing annotation allows.
#pragma once
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <deque>
#include <vector>

namespace tasu::sim {

template <int BusBits>
class MemBridge : public sc_core::sc_module {
 public:
  static constexpr int kBusBytes = BusBits / 8;
  using Beat = sc_dt::sc_bv<BusBits>;

  sc_core::sc_in<bool> clk;
  sc_core::sc_in<bool> rst_n;  // the interconnect resets with the accelerator: open bursts are dropped
  sc_core::sc_in<bool> req_valid;
  sc_core::sc_out<bool> req_ready;
  sc_core::sc_in<uint32_t> req_addr;
  sc_core::sc_in<uint32_t> req_len;
  sc_core::sc_in<bool> req_write;
  sc_core::sc_in<bool> wvalid;
  sc_core::sc_out<bool> wready;
  sc_core::sc_in<Beat> wdata;
  sc_core::sc_in<bool> wlast;
  sc_core::sc_out<bool> rvalid;
  sc_core::sc_in<bool> rready;
  sc_core::sc_out<Beat> rdata;
  sc_core::sc_out<bool> rlast;
  sc_core::sc_out<bool> rerr;
  sc_core::sc_out<bool> bvalid;
  sc_core::sc_in<bool> bready;
  sc_core::sc_out<bool> berr;

  tlm_utils::simple_initiator_socket<MemBridge> socket;

  SC_HAS_PROCESS(MemBridge);
  // max_burst: the beats of the longest burst the accelerator requests (its MaxBurst).
  MemBridge(sc_core::sc_module_name name, sc_core::sc_time period, double bytes_per_cycle, size_t max_burst,
            size_t max_requests = 8)
      : sc_module(name), socket("socket"), period_(period), beat_cycles_(kBusBytes / bytes_per_cycle),
        max_burst_(max_burst), max_requests_(max_requests) {
    SC_METHOD(on_clock);
    sensitive << clk.pos();
    dont_initialize();
  }

  uint64_t cycle() const { return cycle_; }

 private:
  struct ReadBeat {
    uint64_t ready_at;
    std::vector<uint8_t> data;
    bool last, err;
  };
  struct WriteBurst {
    uint32_t addr;
    uint32_t beats;
    std::vector<uint8_t> data;
  };
  struct Resp {
    uint64_t ready_at;
    bool err;
  };

  // Returns the cycle at which the transaction's last byte is delivered, as the memory says.
  uint64_t transact(tlm::tlm_command cmd, uint32_t addr, std::vector<uint8_t>& buf, bool& err) {
    tlm::tlm_generic_payload gp;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    gp.set_command(cmd);
    gp.set_address(addr);
    gp.set_data_ptr(buf.data());
    gp.set_data_length(static_cast<unsigned>(buf.size()));
    gp.set_streaming_width(static_cast<unsigned>(buf.size()));
    gp.set_byte_enable_ptr(nullptr);
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(gp, delay);
    err = gp.is_response_error();
    return cycle_ + static_cast<uint64_t>(std::ceil(delay / period_));
  }

  static void to_bytes(const Beat& b, uint8_t* out) {
    for (int w = 0; w < BusBits / 32; ++w) {
      const uint32_t v = b.get_word(w);
      std::memcpy(out + 4 * w, &v, 4);
    }
  }
  static Beat from_bytes(const uint8_t* in) {
    Beat b;
    for (int w = 0; w < BusBits / 32; ++w) {
      uint32_t v;
      std::memcpy(&v, in + 4 * w, 4);
      b.set_word(w, v);
    }
    return b;
  }

  void on_clock() {
    ++cycle_;
    if (!rst_n.read()) {
      reads_.clear();
      writes_.clear();
      resps_.clear();
      drv_req_ready_ = drv_wready_ = drv_rvalid_ = drv_bvalid_ = false;
      req_ready.write(false);
      wready.write(false);
      rvalid.write(false);
      bvalid.write(false);
      berr.write(false);
      return;
    }
    // 1. Handshakes that completed at this edge, judged on the values driven during the last cycle.
    if (drv_req_ready_ && req_valid.read()) {
      const uint32_t addr = req_addr.read();
      const uint32_t beats = req_len.read() + 1;
      if (req_write.read()) {
        writes_.push_back({addr, beats, {}});
      } else {
        std::vector<uint8_t> buf(static_cast<size_t>(beats) * kBusBytes, 0);
        bool err = false;
        const uint64_t done = transact(tlm::TLM_READ_COMMAND, addr, buf, err);
        for (uint32_t i = 0; i < beats; ++i) {
          const uint64_t at = done - static_cast<uint64_t>(std::ceil((beats - 1 - i) * beat_cycles_));
          reads_.push_back({at, std::vector<uint8_t>(buf.begin() + i * kBusBytes, buf.begin() + (i + 1) * kBusBytes),
                            i + 1 == beats, err});
        }
      }
    }
    if (drv_wready_ && wvalid.read()) {
      WriteBurst& w = writes_.front();
      const size_t off = w.data.size();
      w.data.resize(off + kBusBytes);
      to_bytes(wdata.read(), w.data.data() + off);
      if (w.data.size() == static_cast<size_t>(w.beats) * kBusBytes) {
        bool err = false;
        const uint64_t done = transact(tlm::TLM_WRITE_COMMAND, w.addr, w.data, err);
        resps_.push_back({done, err});
        writes_.pop_front();
      }
    }
    if (drv_rvalid_ && rready.read()) reads_.pop_front();
    if (drv_bvalid_ && bready.read()) resps_.pop_front();

    // 2. What to drive during the coming cycle.
    // Bounded queues: the memory controller accepts a limited number of outstanding bursts.
    drv_req_ready_ = reads_.size() < max_requests_ * max_burst_ && writes_.size() < max_requests_ &&
                     resps_.size() < max_requests_ * 4;
    drv_wready_ = !writes_.empty();
    drv_rvalid_ = !reads_.empty() && reads_.front().ready_at <= cycle_;
    drv_bvalid_ = !resps_.empty() && resps_.front().ready_at <= cycle_;
    req_ready.write(drv_req_ready_);
    wready.write(drv_wready_);
    rvalid.write(drv_rvalid_);
    bvalid.write(drv_bvalid_);
    if (drv_rvalid_) {
      rdata.write(from_bytes(reads_.front().data.data()));
      rlast.write(reads_.front().last);
      rerr.write(reads_.front().err);
    }
    berr.write(drv_bvalid_ && resps_.front().err);
  }

  sc_core::sc_time period_;
  double beat_cycles_;
  size_t max_burst_, max_requests_;
  uint64_t cycle_ = 0;
  bool drv_req_ready_ = false, drv_wready_ = false, drv_rvalid_ = false, drv_bvalid_ = false;
  std::deque<ReadBeat> reads_;
  std::deque<WriteBurst> writes_;
  std::deque<Resp> resps_;
};

}  // namespace tasu::sim
