// One tasu instruction as a little-endian word of arch::kInsnBits, with field access driven by the generated
// field table (tasu_arch.h), so encoding and decoding share one definition with the RTL.
#pragma once
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "tasu_arch.h"

namespace tasu::isa {

struct Insn {
  std::array<uint64_t, arch::kInsnBits / 64> w{};  // w[i] = bits 64 i + 63 .. 64 i

  uint64_t get(const arch::Field& f) const {
    uint64_t v = 0;
    for (int i = 0; i < f.width; ++i) {
      const int b = f.lsb + i;
      v |= ((w[b / 64] >> (b % 64)) & 1ULL) << i;
    }
    return v;
  }

  // Throws when the value does not fit: a silently truncated address would be a wrong program.
  Insn& set(const arch::Field& f, uint64_t v) {
    if (f.width < 64 && (v >> f.width) != 0)
      throw std::out_of_range("field " + std::string(f.name) + " = " + std::to_string(v) + " does not fit in " +
                              std::to_string(f.width) + " bits");
    for (int i = 0; i < f.width; ++i) {
      const int b = f.lsb + i;
      const uint64_t m = 1ULL << (b % 64);
      w[b / 64] = ((v >> i) & 1ULL) ? (w[b / 64] | m) : (w[b / 64] & ~m);
    }
    return *this;
  }

  arch::Opcode opcode() const { return static_cast<arch::Opcode>(get(arch::field::opcode)); }

  void to_bytes(uint8_t* out) const {
    for (int i = 0; i < arch::kInsnBytes; ++i) out[i] = static_cast<uint8_t>(w[i / 8] >> (8 * (i % 8)));
  }
  static Insn from_bytes(const uint8_t* in) {
    Insn x;
    for (int i = 0; i < arch::kInsnBytes; ++i) x.w[i / 8] |= static_cast<uint64_t>(in[i]) << (8 * (i % 8));
    return x;
  }
  bool operator==(const Insn& o) const { return w == o.w; }
};

// A program as the bytes the device fetches.
inline std::vector<uint8_t> program_bytes(const std::vector<Insn>& prog) {
  std::vector<uint8_t> b(prog.size() * arch::kInsnBytes);
  for (size_t i = 0; i < prog.size(); ++i) prog[i].to_bytes(&b[i * arch::kInsnBytes]);
  return b;
}

constexpr int kUnits = arch::kNumUnits;  // arch::Unit: LD, EX, VU, ST

// The unit whose queue an opcode goes to; -1 for FINISH and ILLEGAL.
inline int unit_of(arch::Opcode op) {
  switch (op) {
    case arch::Opcode::LOAD: return static_cast<int>(arch::Unit::LD);
    case arch::Opcode::MATMUL: return static_cast<int>(arch::Unit::EX);
    case arch::Opcode::VEC: return static_cast<int>(arch::Unit::VU);
    case arch::Opcode::STORE: return static_cast<int>(arch::Unit::ST);
    default: return -1;
  }
}
inline uint8_t unit_bit(arch::Unit u) { return static_cast<uint8_t>(1u << static_cast<unsigned>(u)); }

// Dependency flags, a generalisation of VTA's: bit u of `pop` waits for (and takes) a token
// that unit u gave this instruction's unit; bit u of `push` gives unit u a token once the
// instruction has completed. A unit's own bit is an error (BAD_OPERAND at decode).
struct Deps {
  uint8_t pop = 0, push = 0;
};
namespace dep {  // unit masks for Deps, e.g. Deps{dep::LD, dep::ST}: pop from load, push to store
inline constexpr uint8_t LD = 1u << static_cast<int>(arch::Unit::LD), EX = 1u << static_cast<int>(arch::Unit::EX),
                         VU = 1u << static_cast<int>(arch::Unit::VU), ST = 1u << static_cast<int>(arch::Unit::ST);
}

inline Insn make(arch::Opcode op, Deps d = {}) {
  Insn x;
  x.set(arch::field::opcode, static_cast<uint64_t>(op));
  for (int u = 0; u < kUnits; ++u) {
    x.set(arch::kDepFlags[u], (d.pop >> u) & 1u);
    x.set(arch::kDepFlags[kUnits + u], (d.push >> u) & 1u);
  }
  return x;
}

inline Deps deps_of(const Insn& x) {
  Deps d;
  for (int u = 0; u < kUnits; ++u) {
    d.pop |= static_cast<uint8_t>(x.get(arch::kDepFlags[u]) << u);
    d.push |= static_cast<uint8_t>(x.get(arch::kDepFlags[kUnits + u]) << u);
  }
  return d;
}
// The flags are consecutive bits (gen_arch checks) of the first word.
static_assert(arch::field::push_ld.lsb + kUnits <= 64 && arch::field::pop_ld.lsb + kUnits <= 64);
inline void set_deps(Insn& x, Deps d) {
  const Insn y = make(x.opcode(), d);
  const uint64_t m = ((uint64_t{1} << (2 * kUnits)) - 1) << arch::field::pop_ld.lsb;  // the pop and push flags
  x.w[0] = (x.w[0] & ~m) | (y.w[0] & m);
}

// A 2-D transfer between DRAM and an on-chip buffer, in bus beats.
struct Transfer {
  uint32_t sram_beat = 0, dram_addr = 0, rows = 1, row_beats = 0, dram_stride = 0;
  uint64_t bytes(uint32_t bus_bytes) const { return uint64_t{rows} * row_beats * bus_bytes; }
};

// The DRAM bytes the command processor reads to fetch a program of n instructions: whole beats.
inline uint64_t fetch_bytes(size_t n, uint32_t bus_bytes) {
  return (uint64_t{n} * arch::kInsnBytes + bus_bytes - 1) / bus_bytes * bus_bytes;
}

inline Insn make_load(arch::LoadDst dst, const Transfer& t, Deps d = {}) {
  Insn x = make(arch::Opcode::LOAD, d);
  x.set(arch::field::dst, static_cast<uint64_t>(dst));
  x.set(arch::field::sram_beat, t.sram_beat).set(arch::field::dram_addr, t.dram_addr);
  x.set(arch::field::rows, t.rows).set(arch::field::row_beats, t.row_beats).set(arch::field::dram_stride, t.dram_stride);
  return x;
}

inline Insn make_store(const Transfer& t, Deps d = {}, arch::StoreSrc src = arch::StoreSrc::OUT) {
  Insn x = make(arch::Opcode::STORE, d);
  x.set(arch::field::src, static_cast<uint64_t>(src));
  x.set(arch::field::sram_beat, t.sram_beat).set(arch::field::dram_addr, t.dram_addr);
  x.set(arch::field::rows, t.rows).set(arch::field::row_beats, t.row_beats).set(arch::field::dram_stride, t.dram_stride);
  return x;
}

struct Matmul {
  uint32_t wbuf = 0;
  bool accumulate = false;
  uint32_t depth = 1, act_word = 0, act_stride = 0, out_word = 0, tokens = 1;
  uint32_t woff = 0;  // first word of the buffer: a buffer holds WDepth words, one job or several
};

inline Insn make_matmul(const Matmul& m, Deps d = {}) {
  Insn x = make(arch::Opcode::MATMUL, d);
  x.set(arch::field::wbuf, m.wbuf).set(arch::field::accumulate, m.accumulate);
  x.set(arch::field::depth, m.depth).set(arch::field::act_word, m.act_word);
  x.set(arch::field::act_stride, m.act_stride).set(arch::field::out_word, m.out_word);
  x.set(arch::field::tokens, m.tokens).set(arch::field::woff, m.woff);
  return x;
}

// One vector-unit instruction (docs/isa.md): kind ELEM applies op per element, DOT and MAX
// reduce into element (dst, lane), FROM_OUT copies engine output words from word src1 with stride
// src2, TO_ACT packs int8 rows into activation beats from beat dst (with op QMUL it quantizes
// them first: CLAMP8(F2I(a x b)), b as ELEM takes it). DOTS takes dot products (with op MAX
// maxima) over count positions, WSUM weighted sums; step makes an ELEM's SCALAR b step by one
// element per row.
struct Vec {
  arch::VectorKind kind = arch::VectorKind::ELEM;
  arch::VectorOp op = arch::VectorOp::ADD;
  uint32_t dst = 0, src1 = 0, src2 = 0, len = 1;
  arch::VectorBMode bmode = arch::VectorBMode::VEC;
  uint32_t lane = 0;
  bool swap = false, rot = false, step = false;
  uint32_t imm = 0;

  // DOTS and WSUM read imm as count and stride (the vcount and vstride parts of vimm).
  static uint32_t imm_part(uint32_t imm, const arch::Field& f) {
    return static_cast<uint32_t>((imm >> (f.lsb - arch::field::vimm.lsb)) & ((uint64_t{1} << f.width) - 1));
  }
  uint32_t count() const { return imm_part(imm, arch::field::vcount); }
  uint32_t stride() const { return imm_part(imm, arch::field::vstride); }
  // The imm of count positions stride rows apart; throws when either does not fit.
  static uint32_t counted(uint64_t count, uint64_t stride) {
    Insn x;
    x.set(arch::field::vcount, count).set(arch::field::vstride, stride);
    return static_cast<uint32_t>(x.get(arch::field::vimm));
  }
};

inline Insn make_vec(const Vec& v, Deps d = {}) {
  Insn x = make(arch::Opcode::VEC, d);
  x.set(arch::field::vkind, static_cast<uint64_t>(v.kind)).set(arch::field::vop, static_cast<uint64_t>(v.op));
  x.set(arch::field::vdst, v.dst).set(arch::field::vsrc1, v.src1).set(arch::field::vsrc2, v.src2);
  x.set(arch::field::vlen, v.len).set(arch::field::vbmode, static_cast<uint64_t>(v.bmode));
  x.set(arch::field::vlane, v.lane).set(arch::field::vswap, v.swap).set(arch::field::vrot, v.rot);
  x.set(arch::field::vstep, v.step).set(arch::field::vimm, v.imm);
  return x;
}

inline Vec vec_of(const Insn& x) {
  Vec v;
  v.kind = static_cast<arch::VectorKind>(x.get(arch::field::vkind));
  v.op = static_cast<arch::VectorOp>(x.get(arch::field::vop));
  v.dst = static_cast<uint32_t>(x.get(arch::field::vdst));
  v.src1 = static_cast<uint32_t>(x.get(arch::field::vsrc1));
  v.src2 = static_cast<uint32_t>(x.get(arch::field::vsrc2));
  v.len = static_cast<uint32_t>(x.get(arch::field::vlen));
  v.bmode = static_cast<arch::VectorBMode>(x.get(arch::field::vbmode));
  v.lane = static_cast<uint32_t>(x.get(arch::field::vlane));
  v.swap = x.get(arch::field::vswap) != 0;
  v.rot = x.get(arch::field::vrot) != 0;
  v.step = x.get(arch::field::vstep) != 0;
  v.imm = static_cast<uint32_t>(x.get(arch::field::vimm));
  return v;
}

inline Insn make_finish() { return make(arch::Opcode::FINISH); }

inline Transfer transfer_of(const Insn& x) {
  return {static_cast<uint32_t>(x.get(arch::field::sram_beat)), static_cast<uint32_t>(x.get(arch::field::dram_addr)),
          static_cast<uint32_t>(x.get(arch::field::rows)), static_cast<uint32_t>(x.get(arch::field::row_beats)),
          static_cast<uint32_t>(x.get(arch::field::dram_stride))};
}

inline Matmul matmul_of(const Insn& x) {
  return {static_cast<uint32_t>(x.get(arch::field::wbuf)), x.get(arch::field::accumulate) != 0,
          static_cast<uint32_t>(x.get(arch::field::depth)), static_cast<uint32_t>(x.get(arch::field::act_word)),
          static_cast<uint32_t>(x.get(arch::field::act_stride)), static_cast<uint32_t>(x.get(arch::field::out_word)),
          static_cast<uint32_t>(x.get(arch::field::tokens)), static_cast<uint32_t>(x.get(arch::field::woff))};
}

}  // namespace tasu::isa
