// libFuzzer target: the instruction decoder. The input's instruction-sized words are a program on the
// functional model of `ci` (the RTL's decoder, in C++): it either finishes or stops with a
// DeviceError carrying an error code (decode, operand, bus, overrun, watchdog), never anything
// else. Each word's disassembly assembles back to the same word.
#include <algorithm>
#include <cstdlib>

#include "asm/asm.h"
#include "functional/fmodel.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tasu;
  static const arch::Config& cfg = *arch::find_config("ci");
  constexpr size_t kMaxInsns = 64;
  const size_t n = std::min(size / arch::kInsnBytes, kMaxInsns);
  if (n == 0) return 0;
  std::vector<isa::Insn> prog(n);
  for (size_t i = 0; i < n; ++i) prog[i] = isa::Insn::from_bytes(data + arch::kInsnBytes * i);
  for (const isa::Insn& x : prog) {
    const std::vector<isa::Insn> back = isa::assemble(isa::disassemble(x));
    if (back.size() != 1 || back[0].w != x.w) std::abort();
  }
  model::FunctionalModel m(cfg, 1 << 20);
  m.write_dram(rt::Device::kDramBase, prog.data(), n * arch::kInsnBytes);
  try {
    m.run(rt::Device::kDramBase, static_cast<uint32_t>(n));
  } catch (const rt::DeviceError&) {
  }
  return 0;
}
