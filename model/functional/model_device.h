// The "model" backend of the tasu runtime: rt::Device on top of the functional model, so that
// host code and tests run unchanged, and fast, against either the RTL or the model.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "functional/fmodel.h"
#include "device/device.h"

namespace tasu::model {

class ModelDevice : public rt::Device {
 public:
  // opt.trace_file is ignored (the model has no waveform); the memory timing options feed its
  // timing replay.
  ModelDevice(const arch::Config& cfg, const rt::DeviceOptions& opt);

  const arch::Config& config() const override { return model_.config(); }
  std::string backend() const override { return "model"; }
  void reset() override;
  void write(uint64_t addr, const void* src, size_t bytes) override;
  void read(uint64_t addr, void* dst, size_t bytes) override;
  // Runs the whole program at once; wait() then reports its outcome. Like the RTL, whose DMA
  // units stay halted after an error, a device that failed must be reset() before the next
  // start() (std::logic_error otherwise).
  void start(uint64_t prog_addr, uint32_t n_insns) override;
  // Throws the run's rt::DeviceError, if any (also on later calls, until reset() or start()).
  // max_cycles is not used: the model detects a hang exactly (DeviceError::watchdog()) instead of
  // timing out, and its cycle count comes from a model of the RTL's timing.
  void wait(uint64_t max_cycles) override;
  rt::Counters counters() override { return model_.counters(); }
  std::vector<rt::TraceEvent> take_timeline() override { return model_.take_timeline(); }

  FunctionalModel& model() { return model_; }

 private:
  FunctionalModel model_;
  std::optional<rt::DeviceError> error_;
  bool halted_ = false;
};

std::unique_ptr<rt::Device> make_model_device(const arch::Config& cfg, const rt::DeviceOptions& opt);

}  // namespace tasu::model
