// Unit tests of the tasu assembler/disassembler (firmware/asm): text <-> word round trips of
// random legal instructions, the documented spellings, and every assembler error; and the
// instruction word's helpers (firmware/isa/insn.h).
#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "asm/asm.h"

namespace tasu::isa {
namespace {

using arch::Opcode;

const arch::OpcodeFields& fields_of(Opcode op) {
  for (const auto& of : arch::kOpcodeFields)
    if (of.op == op) return of;
  throw std::logic_error("no such opcode");
}

uint64_t random_value(std::mt19937_64& rng, int width) {
  // Mix extremes with uniform values: the edges of a field are where encodings break.
  const uint64_t max = width >= 64 ? ~0ULL : (1ULL << width) - 1;
  switch (rng() % 4) {
    case 0:
      return 0;
    case 1:
      return max;
    default:
      return rng() & max;
  }
}

Insn random_legal(std::mt19937_64& rng) {
  static const Opcode ops[] = {Opcode::LOAD, Opcode::MATMUL, Opcode::STORE, Opcode::FINISH};
  const Opcode op = ops[rng() % 4];
  Insn x = make(op);
  const auto& of = fields_of(op);
  for (int i = 0; i < of.count; ++i) {
    const arch::Field& f = of.fields[i];
    x.set(f, f.name == arch::field::dst.name ? rng() % 4 : random_value(rng, f.width));
  }
  // Any flag but the unit's own (FINISH has none).
  const int u = unit_of(op);
  if (u >= 0) {
    const auto others = static_cast<uint8_t>(0xf & ~(1u << u));
    set_deps(x, {static_cast<uint8_t>(rng() & others), static_cast<uint8_t>(rng() & others)});
  }
  return x;
}

TEST(Asm, DocumentedSpellings) {
  const Insn mm = make_matmul({1, false, 5, 0, 5, 0, 32}, {dep::LD | dep::VU, dep::LD | dep::ST});
  EXPECT_EQ(disassemble(mm),
            "matmul wbuf=1 acc=0 depth=5 act=0 act_stride=5 out=0 tokens=32 woff=0 pop_ld pop_vu push_ld push_st");
  const Insn ld = make_load(arch::LoadDst::WGT, {0, 0x1000, 1, 320, 0}, {0, dep::EX});
  EXPECT_EQ(disassemble(ld), "load wgt sram=0 dram=0x1000 rows=1 row_beats=320 stride=0 push_ex");
  const Insn st = make_store({0, 0x2000, 32, 2, 27648}, {dep::EX, dep::EX});
  EXPECT_EQ(disassemble(st), "store sram=0 dram=0x2000 rows=32 row_beats=2 stride=27648 pop_ex push_ex");
  EXPECT_EQ(disassemble(make_finish()), "finish");
  EXPECT_EQ(disassemble(make_load(arch::LoadDst::ACT, {7, 0x40, 2, 3, 64})),
            "load act sram=7 dram=0x40 rows=2 row_beats=3 stride=64");

  const auto prog = assemble(disassemble(mm) + "\n" + disassemble(ld) + "\n" + disassemble(st) + "\nfinish\n");
  ASSERT_EQ(prog.size(), 4u);
  EXPECT_EQ(prog[0], mm);
  EXPECT_EQ(prog[1], ld);
  EXPECT_EQ(prog[2], st);
  EXPECT_EQ(prog[3], make_finish());
}

TEST(Asm, UnknownOpcodesAndStrayBitsAreWords) {
  Insn x;
  EXPECT_EQ(disassemble(x), ".word 0x" + std::string(arch::kInsnBits / 4, '0'));  // opcode 0 traps: ILLEGAL
  x.w = {0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  x.set(arch::field::opcode, 9);
  EXPECT_EQ(disassemble(x), ".word 0xfedcba98765432100123456789abcde9");
  EXPECT_EQ(assemble(disassemble(x)).at(0), x);

  // FINISH carries no fields, so any payload bit must survive as a raw word.
  Insn f = make_finish();
  f.w.back() = 1;
  EXPECT_EQ(disassemble(f).substr(0, 6), ".word ");
  EXPECT_EQ(assemble(disassemble(f)).at(0), f);
  // The bit after accumulate lies before depth: unused by MATMUL.
  const int gap = arch::field::accumulate.lsb + arch::field::accumulate.width;
  ASSERT_LT(gap, arch::field::depth.lsb);
  Insn m = make_matmul({});
  m.w[0] |= 1ULL << gap;
  EXPECT_EQ(disassemble(m).substr(0, 6), ".word ");
  EXPECT_EQ(assemble(disassemble(m)).at(0), m);
}

TEST(Asm, IllegalEncodingsAreDecodedInComments) {
  // Not assemblable as such, but the decoded form follows the raw word.
  const Insn ld = make_load(arch::LoadDst::WGT, {0, 0x1000, 1, 1, 0}, {dep::LD, 0});
  EXPECT_EQ(disassemble(ld),
            ".word 0x00000000000100010000100000000011  # load wgt sram=0 dram=0x1000 rows=1 row_beats=1 stride=0 "
            "pop_ld");
  EXPECT_EQ(assemble(disassemble(ld)).at(0), ld);
  Insn fin = make_finish();
  fin.set(arch::field::push_ex, 1).set(arch::field::depth, 2);
  EXPECT_EQ(disassemble(fin), ".word 0x00000000000000000000000000020204  # finish push_ex (+ unused bits)");
  Insn ld3 = make_load(arch::LoadDst::WGT, {0, 0x1000, 1, 1, 0});
  ld3.set(arch::field::dst, 3);
  EXPECT_EQ(disassemble(ld3), "load dst=3 sram=0 dram=0x1000 rows=1 row_beats=1 stride=0");
  EXPECT_EQ(assemble(disassemble(ld3)).at(0), ld3);
}

TEST(Asm, RandomRoundTrips) {
  std::mt19937_64 rng(20240611);
  std::vector<Insn> prog;
  for (int i = 0; i < 5000; ++i) {
    const Insn x = random_legal(rng);
    const std::string text = disassemble(x);
    ASSERT_EQ(text.find(".word"), std::string::npos) << text;
    const auto back = assemble(text);
    ASSERT_EQ(back.size(), 1u) << text;
    ASSERT_EQ(back[0], x) << text;
    uint8_t bytes[arch::kInsnBytes];
    x.to_bytes(bytes);
    ASSERT_EQ(Insn::from_bytes(bytes), x);
    ASSERT_EQ(disassemble(Insn::from_bytes(bytes)), text);
    prog.push_back(x);
  }
  // Raw words of any content survive too.
  for (int i = 0; i < 1000; ++i) {
    Insn x;
    x.w = {rng(), rng()};
    ASSERT_EQ(assemble(disassemble(x)).at(0), x) << disassemble(x);
    prog.push_back(x);
  }
  EXPECT_EQ(assemble(disassemble_program(prog)), prog);
}

TEST(Asm, FlexibleSyntax) {
  const std::string text =
      "# a comment line\n"
      "\n"
      "   MATMUL tokens=0x20 out=3 depth=2 # trailing comment\n"
      "load act row_beats=2 rows=1 dram=4096\r\n"
      "load dst=1 sram_beat=0 dram_addr=0x1000 rows=1 row_beats=2 dram_stride=0x0\n"
      "matmul accumulate=1 act_word=4 out_word=1 act_stride=1 depth=1 tokens=1 pop_ld=1 push_st=0\n"
      "\tfinish\t\n";
  const auto p = assemble(text);
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0], make_matmul({0, false, 2, 0, 0, 3, 32}));
  EXPECT_EQ(p[1], make_load(arch::LoadDst::ACT, {0, 4096, 1, 2, 0}));
  EXPECT_EQ(p[2], p[1]);
  EXPECT_EQ(p[3], make_matmul({0, true, 1, 4, 1, 1, 1}, {dep::LD, 0}));
  EXPECT_EQ(p[4], make_finish());
  EXPECT_TRUE(assemble("").empty());
  EXPECT_TRUE(assemble("# only\n\n   \n").empty());
  // Omitted fields are 0, including depth and tokens.
  EXPECT_EQ(assemble("matmul").at(0), make(Opcode::MATMUL));
}

void expect_error(const std::string& text, int line, const std::string& reason) {
  try {
    assemble(text);
    FAIL() << "no error for: " << text;
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("line " + std::to_string(line) + ": ", 0), 0u) << what;
    EXPECT_NE(what.find(reason), std::string::npos) << "'" << what << "' lacks '" << reason << "'";
  }
}

TEST(Asm, Errors) {
  expect_error("finish\nlod wgt\n", 2, "unknown mnemonic 'lod'");
  expect_error("illegal\n", 1, "unknown mnemonic");
  expect_error("matmul deepth=3", 1, "unknown field 'deepth' for matmul");
  expect_error("load wgt foo", 1, "unknown field 'foo' for load");
  expect_error("store act", 1, "unknown field 'act' for store");  // dst is LOAD's only
  expect_error("finish depth=1", 1, "unknown field 'depth' for finish");
  expect_error("\n\nmatmul depth=256", 3, "does not fit in matmul field depth (8 bits)");
  expect_error("load dram=0x100000000", 1, "does not fit in load field dram_addr (32 bits)");
  expect_error("load dst=4", 1, "does not fit");
  expect_error("matmul wbuf=2", 1, "does not fit");
  expect_error("matmul pop_ld=2", 1, "does not fit");
  expect_error("matmul tokens=99999999999999999999999", 1, "too large");
  expect_error("matmul depth=", 1, "missing value for field depth");
  expect_error("matmul depth", 1, "missing value for field depth");
  expect_error("matmul =3", 1, "missing field name");
  expect_error("matmul depth=-1", 1, "not a number");
  expect_error("matmul depth=0x", 1, "not a number");
  expect_error("matmul depth=12abc", 1, "not a number");
  expect_error("matmul depth=1 depth=2", 1, "given twice");
  expect_error("load wgt act", 1, "given twice");
  expect_error("load act dst=1", 1, "given twice");
  expect_error("load wgt pop_ld", 1, "dependency flag pop_ld is not allowed for load");
  expect_error("load wgt push_ld=1", 1, "dependency flag push_ld is not allowed for load");
  expect_error("store pop_st", 1, "dependency flag pop_st is not allowed for store");
  expect_error("store push_st", 1, "dependency flag push_st is not allowed for store");
  expect_error("vec push_vu", 1, "dependency flag push_vu is not allowed for vec");
  expect_error("matmul pop_ex", 1, "dependency flag pop_ex is not allowed for matmul");
  expect_error("finish pop_ld", 1, "dependency flag pop_ld is not allowed for finish");
  expect_error(".word", 1, ".word takes exactly one");
  expect_error(".word 1 2", 1, ".word takes exactly one");
  expect_error(".word 1234", 1, "must be 0x hex");
  expect_error(".word 0x1g", 1, "non-hex digit");
  expect_error(".word 0x1" + std::string(arch::kInsnBits / 4, '0'), 1,
               "does not fit in " + std::to_string(arch::kInsnBits) + " bits");
  // A flag explicitly cleared is not a violation.
  EXPECT_EQ(assemble("load wgt pop_ld=0").at(0), make_load(arch::LoadDst::WGT, {0, 0, 0, 0, 0}));
}

// DOTS and WSUM take count and stride from the vcount and vstride parts of vimm; counted()
// refuses values past their widths rather than spill one into the other.
TEST(Insn, VimmCountAndStride) {
  Vec v;
  v.kind = arch::VectorKind::DOTS;
  v.imm = Vec::counted(300, 7);
  EXPECT_EQ(v.count(), 300u);
  EXPECT_EQ(v.stride(), 7u);
  const Insn x = make_vec(v);
  EXPECT_EQ(x.get(arch::field::vcount), 300u);
  EXPECT_EQ(x.get(arch::field::vstride), 7u);
  EXPECT_EQ(vec_of(x).count(), 300u);
  EXPECT_THROW(Vec::counted(uint64_t{1} << arch::field::vcount.width, 1), std::out_of_range);
  EXPECT_THROW(Vec::counted(1, uint64_t{1} << arch::field::vstride.width), std::out_of_range);
}

// program_bytes lays the words out as the device fetches them, one after the other.
TEST(Insn, ProgramBytes) {
  const std::vector<Insn> prog{make_matmul({}), make_finish()};
  const std::vector<uint8_t> b = program_bytes(prog);
  ASSERT_EQ(b.size(), 2u * arch::kInsnBytes);
  EXPECT_EQ(Insn::from_bytes(b.data()), prog[0]);
  EXPECT_EQ(Insn::from_bytes(b.data() + arch::kInsnBytes), prog[1]);
}

}  // namespace
}  // namespace tasu::isa
