// libFuzzer target: the assembler. Any text either assembles, and then its listing assembles
// back to the same words, or fails with std::invalid_argument naming the line.
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "asm/asm.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tasu::isa;
  std::vector<Insn> prog;
  try {
    prog = assemble(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const std::invalid_argument&) {
    return 0;
  }
  const std::vector<Insn> again = assemble(disassemble_program(prog));
  if (again.size() != prog.size()) std::abort();
  for (size_t i = 0; i < prog.size(); ++i)
    if (again[i].w != prog[i].w) std::abort();
  return 0;
}
