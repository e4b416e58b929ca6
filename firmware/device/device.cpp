// Backend-independent parts of the device API: DRAM allocation and device error reports.
#include "device/device.h"

#include <fmt/format.h>

#include <cctype>
#include <string>

#include "asm/asm.h"
#include "isa/insn.h"
#include "device/device_state.h"

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
// The command processor's state as the JSON names it, in lower case.
std::string state_name(uint32_t s) {
  std::string n(arch::cp_state_name(static_cast<arch::CpState>(s)));
  for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return n;
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
  // Per unit (arch::Unit order): busy, queued, in flight; then every non-zero token counter.
  std::string units, tokens;
  for (int u = 0; u < isa::kUnits; ++u) {
    const auto un = std::string(arch::unit_name(static_cast<arch::Unit>(u)));
    namespace us = arch::regf::UNIT_STATE;
    const auto bit = [&](arch::Field f) { return (arch::get(s.unit_state, f) >> u) & 1u; };
    units += fmt::format(" {}[busy={} queued={} in_flight={}]", un, bit(us::busy), bit(us::queued), bit(us::in_flight));
    for (int p = 0; p < isa::kUnits; ++p) {
      // SEM_<u> holds one from_<p> byte per giving unit p, in unit order.
      const arch::Field from = arch::regf::SEM::from_ld;
      const uint32_t n = arch::get(s.semaphores[static_cast<size_t>(u)], {from.name, from.lsb + p * from.width, from.width});
      if (n) tokens += fmt::format(" {}->{}={}", arch::unit_name(static_cast<arch::Unit>(p)), un, n);
    }
  }
  msg += fmt::format(
      "  device state: status=0x{:x} cp={} pc={} units:{} tokens:{}\n"
      "  counters: cycles={} engine_busy={} vector_busy={} rd_bytes={} wr_bytes={} insns={}",
      s.status, state_name(arch::get(s.unit_state, arch::regf::UNIT_STATE::cp_state)), s.pc, units, tokens.empty() ? " none" : tokens,
      s.counters.cycles, s.counters.ex_busy, s.counters.vu_busy, s.counters.rd_bytes, s.counters.wr_bytes,
      s.counters.insns);
  return DeviceError(s.watchdog ? arch::ErrorCode::NONE : code, s.err_pc, s.err_info, s.watchdog, msg);
}

}  // namespace tasu::rt
