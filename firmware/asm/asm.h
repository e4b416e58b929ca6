// Text form of tasu instructions: one-line disassembly for error reports and traces, and an
// assembler for hand-written programs; both are driven by the generated field table.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "isa/insn.h"

namespace tasu::isa {

// One line, e.g. "load wgt sram=0 dram=0x1000 rows=1 row_beats=320 stride=0 push_next". A word
// that assemble() could not reproduce from that form (unknown opcode, bits outside its opcode's
// fields, a dependency flag its unit does not allow) is printed as ".word 0x<32 hex digits>",
// followed for a known opcode by "  # <decoded form>" so that an error report still shows it.
std::string disassemble(const Insn& x);

// A listing that assemble() reads back: one "text  # pc" line per instruction.
std::string disassemble_program(const std::vector<Insn>& prog);

// Accepts the disassembler's syntax: "# comments", blank lines, decimal or 0x numbers, fields in
// any order (omitted ones are 0), full field names as well as the short ones, ".word 0x...".
// Throws std::invalid_argument("line N: reason") on the first error.
std::vector<Insn> assemble(std::string_view text);

}  // namespace tasu::isa
