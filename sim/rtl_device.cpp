// The "rtl" backend of the device API: the Verilated accelerator in its SystemC platform.
// Compiled once per configuration (TASU_CFG names it, TASU_VTOP is its Verilated class).
#include <fmt/format.h>

#include <memory>
#include <string>

#include TASU_VTOP_HEADER
#include "platform.h"
#include "device/device.h"
#include "device/device_state.h"

namespace tasu::sim {
namespace {

// The width of the Verilated model's bus ports: this configuration's.
constexpr int kBusBits = static_cast<int>(arch::find_config(TASU_CFG_NAME)->BusBytes * 8);

class RtlDevice final : public rt::Device {
 public:
  RtlDevice(const arch::Config& cfg, const rt::DeviceOptions& opt)
      : Device(opt.dram_bytes),
        cfg_(cfg),
        platform_(kDramBase, opt.dram_bytes, opt.mem_latency ? opt.mem_latency : cfg.MemLatency,
                  opt.mem_bytes_per_cycle ? opt.mem_bytes_per_cycle : cfg.MemBytesPerCycle, cfg.MaxBurst, opt.trace_file,
                  opt.timeline) {
    if (cfg.BusBytes * 8 != kBusBits)
      throw std::invalid_argument(fmt::format("rtl backend {} is built for {}-bit buses", TASU_CFG_NAME, kBusBits));
    platform_.memory().set_faults(opt.faults);
    platform_.reset();
    check_identity();
  }

  const arch::Config& config() const override { return cfg_; }
  std::string backend() const override { return "rtl"; }
  void reset() override { platform_.reset(); }
  void set_faults(const rt::FaultOptions& f) override { platform_.memory().set_faults(f); }
  void write(uint64_t addr, const void* src, size_t n) override { platform_.memory().host_write(addr, src, n); }
  void read(uint64_t addr, void* dst, size_t n) override { platform_.memory().host_read(addr, dst, n); }

  void start(uint64_t prog_addr, uint32_t n_insns) override {
    const uint32_t status = platform_.reg_read(arch::reg::STATUS);
    if (arch::get(status, arch::regf::STATUS::busy)) throw std::logic_error("device is busy");
    // After an error the DMA units stay halted until reset; starting anyway would hang.
    if (arch::get(status, arch::regf::STATUS::error)) throw std::logic_error("device is in its error state: reset() it before starting a program");
    platform_.reg_write(arch::reg::PROG_BASE, static_cast<uint32_t>(prog_addr));
    platform_.reg_write(arch::reg::PROG_LEN, n_insns);
    if (auto* r = platform_.recorder()) r->mark_start();
    platform_.reg_write(arch::reg::CTRL, arch::put(arch::regf::CTRL::start, 1));
    prog_addr_ = prog_addr;
    prog_len_ = n_insns;
  }

  void wait(uint64_t max_cycles) override {
    // Poll the interrupt line in slices; a register read per slice would perturb nothing but
    // costs host time, the line is free to look at.
    constexpr uint64_t kSlice = 256;
    uint64_t waited = 0;
    while (!platform_.irq()) {
      if (waited >= max_cycles) fail(true);
      platform_.step(kSlice);
      waited += kSlice;
    }
    const uint32_t status = platform_.reg_read(arch::reg::STATUS);
    if (arch::get(status, arch::regf::STATUS::error)) fail(false);
  }

  std::vector<rt::TraceEvent> take_timeline() override {
    auto* r = platform_.recorder();
    return r ? r->take() : std::vector<rt::TraceEvent>{};
  }

  rt::Counters counters() override {
    rt::Counters c;
    c.cycles = reg64(arch::reg::CYCLES_LO, arch::reg::CYCLES_HI);
    c.ex_busy = reg64(arch::reg::EX_BUSY_LO, arch::reg::EX_BUSY_HI);
    c.vu_busy = reg64(arch::reg::VU_BUSY_LO, arch::reg::VU_BUSY_HI);
    c.rd_bytes = reg64(arch::reg::RD_BYTES_LO, arch::reg::RD_BYTES_HI);
    c.wr_bytes = reg64(arch::reg::WR_BYTES_LO, arch::reg::WR_BYTES_HI);
    c.stall = reg64(arch::reg::STALL_LO, arch::reg::STALL_HI);
    c.ld_busy = reg64(arch::reg::LD_BUSY_LO, arch::reg::LD_BUSY_HI);
    c.st_busy = reg64(arch::reg::ST_BUSY_LO, arch::reg::ST_BUSY_HI);
    c.insns = reg64(arch::reg::INSNS_LO, arch::reg::INSNS_HI);
    return c;
  }

 private:
  uint64_t reg64(uint32_t lo, uint32_t hi) {
    const uint64_t l = platform_.reg_read(lo);
    const uint64_t h = platform_.reg_read(hi);
    return l | (h << 32);
  }

  // The hardware reports its own shape; a mismatch means the wrong model was linked.
  void check_identity() {
    const uint32_t shape = platform_.reg_read(arch::reg::CFG_SHAPE);
    namespace f = arch::regf::CFG_SHAPE;
    const uint32_t expect = arch::put(f::tiles, cfg_.Tiles) | arch::put(f::rows, cfg_.Rows) |
                            arch::put(f::lanes, cfg_.Lanes) | arch::put(f::wdepth, cfg_.WDepth);
    if (shape != expect)
      throw std::runtime_error(fmt::format("RTL model reports shape 0x{:08x}, configuration '{}' expects 0x{:08x}",
                                           shape, cfg_.name, expect));
    const uint32_t engine = arch::get(platform_.reg_read(arch::reg::CFG_VU), arch::regf::CFG_VU::engine);
    if (engine != cfg_.Engine)
      throw std::runtime_error(fmt::format("RTL model reports engine {}, configuration '{}' expects {}", engine,
                                           cfg_.name, cfg_.Engine));
    const uint32_t wpack = arch::get(platform_.reg_read(arch::reg::CFG_VU), arch::regf::CFG_VU::wpack);
    if (wpack != cfg_.WPack)
      throw std::runtime_error(fmt::format("RTL model reports weight format WPack {}, configuration '{}' expects {}",
                                           wpack, cfg_.name, cfg_.WPack));
  }

  [[noreturn]] void fail(bool watchdog) {
    rt::DeviceState s;
    s.status = platform_.reg_read(arch::reg::STATUS);
    s.err_code = platform_.reg_read(arch::reg::ERR_CODE);
    s.err_pc = platform_.reg_read(arch::reg::ERR_PC);
    s.err_info = platform_.reg_read(arch::reg::ERR_INFO);
    s.pc = platform_.reg_read(arch::reg::PC);
    s.unit_state = platform_.reg_read(arch::reg::UNIT_STATE);
    uint32_t sem_regs[arch::kNumUnits];  // the tokens waiting for each unit, in unit order
    sem_regs[static_cast<int>(arch::Unit::LD)] = arch::reg::SEM_LD;
    sem_regs[static_cast<int>(arch::Unit::EX)] = arch::reg::SEM_EX;
    sem_regs[static_cast<int>(arch::Unit::VU)] = arch::reg::SEM_VU;
    sem_regs[static_cast<int>(arch::Unit::ST)] = arch::reg::SEM_ST;
    for (size_t u = 0; u < s.semaphores.size(); ++u) s.semaphores[u] = platform_.reg_read(sem_regs[u]);
    s.counters = counters();
    s.watchdog = watchdog;
    s.prog_addr = prog_addr_;
    s.prog_len = prog_len_;
    throw rt::make_device_error(s, *this);
  }

  const arch::Config& cfg_;
  uint64_t prog_addr_ = 0;
  uint32_t prog_len_ = 0;
  Platform<TASU_VTOP, kBusBits> platform_;
};

}  // namespace
}  // namespace tasu::sim

namespace tasu::rt {
std::unique_ptr<Device> TASU_FACTORY(const DeviceOptions& opt) {
  const arch::Config* cfg = arch::find_config(TASU_CFG_NAME);
  return std::make_unique<sim::RtlDevice>(*cfg, opt);
}
}  // namespace tasu::rt
