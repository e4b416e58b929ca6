// Turning a device's error registers into a DeviceError whose message a person can act on:
// the error, the offending instruction (disassembled), and the state of every unit.
#pragma once
#include <array>
#include <cstdint>

#include "device/device.h"

namespace tasu::rt {

struct DeviceState {
  uint32_t status = 0, err_code = 0, err_pc = 0, err_info = 0, pc = 0, unit_state = 0;
  std::array<uint32_t, arch::kNumUnits> semaphores{};  // SEM_<unit> in unit order
  Counters counters;
  bool watchdog = false;
  uint64_t prog_addr = 0;
  uint32_t prog_len = 0;
};

DeviceError make_device_error(const DeviceState& s, Device& dev);

}  // namespace tasu::rt
