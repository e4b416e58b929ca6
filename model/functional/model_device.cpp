// rt::Device backend over the functional model: runs programs synchronously in start() and
// reports their errors from wait(), with the same DeviceError contents as the RTL backend.
#include "functional/model_device.h"

#include <stdexcept>

namespace tasu::model {

ModelDevice::ModelDevice(const arch::Config& cfg, const rt::DeviceOptions& opt)
    : rt::Device(opt.dram_bytes), model_(cfg, opt.dram_bytes, opt.mem_latency, opt.mem_bytes_per_cycle) {
  model_.record_timeline(opt.timeline);
  if (opt.faults.any()) throw std::invalid_argument("fault injection needs the rtl backend");
}

void ModelDevice::reset() {
  error_.reset();
  halted_ = false;
  model_.clear_counters();
}

void ModelDevice::write(uint64_t addr, const void* src, size_t bytes) { model_.write_dram(addr, src, bytes); }

void ModelDevice::read(uint64_t addr, void* dst, size_t bytes) { model_.read_dram(addr, dst, bytes); }

void ModelDevice::start(uint64_t prog_addr, uint32_t n_insns) {
  if (halted_)
    throw std::logic_error(
        "tasu model: start() after a failed run; reset() the device first (the RTL's units stay "
        "halted after an error)");
  error_.reset();
  try {
    model_.run(prog_addr, n_insns);
  } catch (const rt::DeviceError& e) {
    error_ = e;
    halted_ = true;
  }
}

void ModelDevice::wait(uint64_t /*max_cycles*/) {
  if (error_) throw *error_;
}

std::unique_ptr<rt::Device> make_model_device(const arch::Config& cfg, const rt::DeviceOptions& opt) {
  return std::make_unique<ModelDevice>(cfg, opt);
}

}  // namespace tasu::model
