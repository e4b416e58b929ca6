// Host DRAM as a TLM-2.0 target with a latency + bandwidth timing model: every transaction
// waits for the shared data bus (bytes_per_cycle), then its data arrives latency cycles later.
// Transactions outside [base, base + size) get TLM_ADDRESS_ERROR_RESPONSE. Fault injection
// (set_faults): TLM_GENERIC_ERROR_RESPONSE for bursts touching chosen ranges or at a random
// rate, and random extra latency per burst; the bridge keeps responses in order regardless.
#pragma once
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>

#include "device/device.h"

namespace tasu::sim {

class TlmMemory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<TlmMemory> socket;

  TlmMemory(sc_core::sc_module_name name, uint64_t base, uint64_t size, sc_core::sc_time clock_period,
            uint32_t latency_cycles, double bytes_per_cycle);

  // Host back door (zero simulated time): the runtime's uploads and downloads.
  bool in_range(uint64_t addr, uint64_t len) const { return addr >= base_ && len <= size_ && addr - base_ <= size_ - len; }
  void host_write(uint64_t addr, const void* src, uint64_t len);
  void host_read(uint64_t addr, void* dst, uint64_t len) const;

  void set_faults(const rt::FaultOptions& f);
  uint64_t injected_errors() const { return injected_errors_; }

  double bytes_per_cycle() const { return bytes_per_cycle_; }
  uint32_t latency_cycles() const { return latency_; }

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& gp);

  uint64_t base_, size_;
  // calloc: the OS hands out zero pages lazily, so a large DRAM costs nothing until touched.
  struct FreeDeleter {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, FreeDeleter> data_;
  sc_core::sc_time period_;
  uint32_t latency_;
  double bytes_per_cycle_;
  sc_core::sc_time bus_free_at_;  // when the data bus can start the next transfer
  rt::FaultOptions faults_;
  std::mt19937_64 fault_rng_;
  uint64_t injected_errors_ = 0;
};

}  // namespace tasu::sim
