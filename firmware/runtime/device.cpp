// Backend-independent parts of the device API: DRAM allocation and device error reports.
#include "runtime/device.h"

#include <fmt/format.h>

#include "asm/asm.h"
#include "isa/insn.h"
#include "runtime/report.h"

namespace tasu::rt {

uint64_t Device::alloc(uint64_t bytes) {
  const uint64_t align = config().BusBytes;
  const uint64_t addr = (next_free_ + align - 1) / align * align;
  if (bytes > dram_bytes_ || addr - kDramBase > dram_bytes_ - bytes)
    throw std::length_error(fmt::format("device DRAM exhausted: {} bytes requested, {} of {} in use", bytes,
                                        next_free_ - kDramBase, dram_bytes_));
  next_free_ = addr + bytes;
  return addr;
}

namespace {
const char* state_name(uint32_t s) {
  static const char* kNames[] = {"idle", "run", "finish", "done", "error", "?", "?", "?"};
  return kNames[s & 7];
}
}  // namespace

DeviceError make_device_error(const DeviceState& s, Device& dev) {
  const auto code = static_cast<arch::ErrorCode>(s.err_code);
  std::string insn_text = "(not available)";
  if (!s.watchdog && s.err_pc < s.prog_len) {
    uint8_t bytes[arch::kInsnBytes];
    try {
      dev.read(s.prog_addr + uint64_t{s.err_pc} * arch::kInsnBytes, bytes, sizeof bytes);
      insn_text = isa::disassemble(isa::Insn::from_bytes(bytes));
    } catch (const std::exception&) {
      insn_text = "(outside device memory)";
    }
  }
  std::string msg;
  if (s.watchdog)
    msg = fmt::format("watchdog: device did not finish within the allowed cycles (after {} busy cycles)\n",
                      s.counters.cycles);
  else
    msg = fmt::format("device error {} at instruction {}: {}\n  info: 0x{:08x}\n", arch::error_name(code), s.err_pc,
                      insn_text, s.err_info);
  msg += fmt::format(
      "  device state: status=0x{:x} cp={} pc={} units[ld,ex,st busy]={}{}{} semaphores[l2e,e2l,e2s,s2e]={},{},{},{}\n"
      "  counters: cycles={} engine_busy={} rd_bytes={} wr_bytes={} insns={}",
      s.status, state_name((s.unit_state >> 12) & 7), s.pc, (s.unit_state >> 8) & 1, (s.unit_state >> 9) & 1,
      (s.unit_state >> 10) & 1, s.semaphores & 0xff, (s.semaphores >> 8) & 0xff, (s.semaphores >> 16) & 0xff,
      (s.semaphores >> 24) & 0xff, s.counters.cycles, s.counters.ex_busy, s.counters.rd_bytes, s.counters.wr_bytes,
      s.counters.insns);
  return DeviceError(s.watchdog ? arch::ErrorCode::NONE : code, s.err_pc, s.err_info, s.watchdog, msg);
}

}  // namespace tasu::rt
