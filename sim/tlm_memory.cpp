// TLM-2.0 DRAM model; see tlm_memory.h for the timing model.
#include "tlm_memory.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace tasu::sim {

TlmMemory::TlmMemory(sc_core::sc_module_name name, uint64_t base, uint64_t size, sc_core::sc_time clock_period,
                     uint32_t latency_cycles, double bytes_per_cycle)
    : sc_module(name),
      socket("socket"),
      base_(base),
      size_(size),
      data_(static_cast<uint8_t*>(std::calloc(size, 1))),
      period_(clock_period),
      latency_(latency_cycles),
      bytes_per_cycle_(bytes_per_cycle),
      bus_free_at_(sc_core::SC_ZERO_TIME) {
  if (!data_) throw std::bad_alloc();
  if (bytes_per_cycle <= 0) throw std::invalid_argument("memory bandwidth must be positive");
  socket.register_b_transport(this, &TlmMemory::b_transport);
  socket.register_transport_dbg(this, &TlmMemory::transport_dbg);
}

void TlmMemory::host_write(uint64_t addr, const void* src, uint64_t len) {
  if (!in_range(addr, len))
    throw std::out_of_range("host write of " + std::to_string(len) + " bytes at 0x" + std::to_string(addr) +
                            " is outside device DRAM");
  std::memcpy(data_.get() + (addr - base_), src, len);
}

void TlmMemory::host_read(uint64_t addr, void* dst, uint64_t len) const {
  if (!in_range(addr, len))
    throw std::out_of_range("host read of " + std::to_string(len) + " bytes at 0x" + std::to_string(addr) +
                            " is outside device DRAM");
  std::memcpy(dst, data_.get() + (addr - base_), len);
}

void TlmMemory::set_faults(const rt::FaultOptions& f) {
  if (!(f.error_rate >= 0 && f.error_rate <= 1)) throw std::invalid_argument("fault error_rate must be in [0, 1]");
  for (const auto& [first, end] : f.error_ranges)
    if (first >= end) throw std::invalid_argument("a fault error range must not be empty");
  faults_ = f;
  fault_rng_.seed(f.seed);
  injected_errors_ = 0;
}

void TlmMemory::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const uint64_t addr = gp.get_address();
  const uint64_t len = gp.get_data_length();
  const sc_core::sc_time now = sc_core::sc_time_stamp() + delay;
  const sc_core::sc_time start = std::max(now, bus_free_at_);
  const sc_core::sc_time transfer = period_ * (static_cast<double>(len) / bytes_per_cycle_);
  bus_free_at_ = start + transfer;
  uint64_t jitter = 0;
  if (faults_.jitter_cycles) jitter = fault_rng_() % (uint64_t{faults_.jitter_cycles} + 1);
  delay = (start - sc_core::sc_time_stamp()) + transfer + period_ * static_cast<double>(latency_ + jitter);

  bool inject = faults_.error_rate > 0 && std::uniform_real_distribution<double>(0, 1)(fault_rng_) < faults_.error_rate;
  for (const auto& [first, end] : faults_.error_ranges) inject = inject || (addr < end && addr + len > first);
  if (inject) {
    ++injected_errors_;
    gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }

  if (gp.get_byte_enable_ptr() != nullptr) {
    gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (!in_range(addr, len)) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  uint8_t* p = data_.get() + (addr - base_);
  if (gp.is_read()) std::memcpy(gp.get_data_ptr(), p, len);
  else if (gp.is_write()) std::memcpy(p, gp.get_data_ptr(), len);
  else {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int TlmMemory::transport_dbg(tlm::tlm_generic_payload& gp) {
  const uint64_t addr = gp.get_address();
  const uint64_t len = gp.get_data_length();
  if (!in_range(addr, len)) return 0;
  uint8_t* p = data_.get() + (addr - base_);
  if (gp.is_read()) std::memcpy(gp.get_data_ptr(), p, len);
  else if (gp.is_write()) std::memcpy(p, gp.get_data_ptr(), len);
  return static_cast<unsigned int>(len);
}

}  // namespace tasu::sim
