// Assembler and disassembler of tasu instructions. Field names, positions and which opcode uses
// which field all come from the generated table (arch::kOpcodeFields); only the presentation
// (short spellings, wgt/act, hex addresses) and the per-unit flag rule are decided here.
#include "asm/asm.h"

#include <cctype>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace tasu::isa {
namespace {

using arch::Field;
using arch::Opcode;

constexpr auto& kFlags = arch::kDepFlags;
using Words = decltype(Insn::w);

// Short spellings keep a program line readable; the full field names are accepted as well.
struct Alias {
  std::string_view full, brief;
};
constexpr Alias kAliases[] = {{"accumulate", "acc"}, {"act_word", "act"},   {"out_word", "out"},
                              {"sram_beat", "sram"}, {"dram_addr", "dram"}, {"dram_stride", "stride"}};

struct DstName {
  arch::LoadDst dst;
  std::string_view name;
};
constexpr DstName kDstNames[] = {{arch::LoadDst::WGT, "wgt"}, {arch::LoadDst::ACT, "act"}, {arch::LoadDst::VSP, "vsp"}};

bool same(const Field& a, const Field& b) { return a.lsb == b.lsb && a.width == b.width && a.name == b.name; }

std::string_view brief_name(const Field& f) {
  for (const auto& a : kAliases)
    if (a.full == f.name) return a.brief;
  return f.name;
}

const arch::OpcodeFields* fields_of(uint64_t opcode) {
  for (const auto& of : arch::kOpcodeFields)
    if (static_cast<uint64_t>(of.op) == opcode) return &of;
  return nullptr;
}

// ILLEGAL is an opcode value reserved to trap, not an instruction one would write.
bool has_mnemonic(Opcode op) { return op != Opcode::ILLEGAL; }

std::string mnemonic(Opcode op) {
  std::string s(arch::opcode_name(op));
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A unit has a token channel to each other unit, none to itself; FINISH belongs to no unit. The
// command processor traps a unit's own flags (BAD_OPERAND).
bool flag_allowed(Opcode op, const Field& f) {
  const int u = unit_of(op);
  if (u < 0) return false;
  return f.lsb != arch::field::pop_ld.lsb + u && f.lsb != arch::field::push_ld.lsb + u;
}

void add_mask(Words& m, const Field& f) {
  for (int i = 0; i < f.width; ++i) m[(f.lsb + i) / 64] |= 1ULL << ((f.lsb + i) % 64);
}

Words used_mask(const arch::OpcodeFields& of) {
  Words m{};
  add_mask(m, arch::field::opcode);
  for (const auto& f : kFlags) add_mask(m, f);
  for (int i = 0; i < of.count; ++i) add_mask(m, of.fields[i]);
  return m;
}

std::string hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string word_text(const Insn& x) {
  std::string s = ".word 0x";
  for (size_t i = x.w.size(); i-- > 0;) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(x.w[i]));
    s += buf;
  }
  return s;
}

// The bits of x outside mask m.
bool has_unused(const Insn& x, const Words& m) {
  for (size_t i = 0; i < x.w.size(); ++i)
    if (x.w[i] & ~m[i]) return true;
  return false;
}

[[noreturn]] void fail(size_t line, const std::string& why) {
  throw std::invalid_argument("line " + std::to_string(line) + ": " + why);
}

// Strict unsigned parsing: a stray sign or suffix in a hand-written program is a typo, not a value.
bool parse_u64(std::string_view s, uint64_t& v, std::string& why) {
  v = 0;
  const bool is_hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  const std::string_view digits = is_hex ? s.substr(2) : s;
  if (digits.empty()) {
    why = "'" + std::string(s) + "' is not a number";
    return false;
  }
  const uint64_t base = is_hex ? 16 : 10;
  for (char c : digits) {
    uint64_t d;
    if (c >= '0' && c <= '9')
      d = static_cast<uint64_t>(c - '0');
    else if (is_hex && c >= 'a' && c <= 'f')
      d = static_cast<uint64_t>(c - 'a' + 10);
    else if (is_hex && c >= 'A' && c <= 'F')
      d = static_cast<uint64_t>(c - 'A' + 10);
    else {
      why = "'" + std::string(s) + "' is not a number (decimal or 0x hex)";
      return false;
    }
    if (v > (UINT64_MAX - d) / base) {
      why = "value " + std::string(s) + " is too large";
      return false;
    }
    v = v * base + d;
  }
  return true;
}

Insn parse_word(size_t line, const std::vector<std::string_view>& toks) {
  if (toks.size() != 2) fail(line, ".word takes exactly one 0x hex operand");
  std::string_view s = toks[1];
  if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
    fail(line, ".word operand '" + std::string(s) + "' must be 0x hex");
  s.remove_prefix(2);
  while (s.size() > 1 && s[0] == '0') s.remove_prefix(1);
  if (s.size() > arch::kInsnBits / 4) fail(line, ".word operand does not fit in " + std::to_string(arch::kInsnBits) + " bits");
  Insn x;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[s.size() - 1 - i];
    uint64_t d;
    if (c >= '0' && c <= '9')
      d = static_cast<uint64_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      d = static_cast<uint64_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      d = static_cast<uint64_t>(c - 'A' + 10);
    else
      fail(line, ".word operand has a non-hex digit '" + std::string(1, c) + "'");
    x.w[i / 16] |= d << (4 * (i % 16));
  }
  return x;
}

std::string expected_names(const arch::OpcodeFields& of) {
  std::string s;
  for (int i = 0; i < of.count; ++i) {
    if (!s.empty()) s += ", ";
    if (same(of.fields[i], arch::field::dst)) {
      for (const auto& d : kDstNames) s += std::string(d.name) + "|";
      s += "dst=";
    } else {
      s += std::string(brief_name(of.fields[i])) + "=";
    }
  }
  for (const auto& f : kFlags)
    if (flag_allowed(of.op, f)) s += (s.empty() ? "" : ", ") + std::string(f.name);
  return s.empty() ? "no operands" : s;
}

Insn parse_insn(size_t line, const std::vector<std::string_view>& toks) {
  std::string mn(toks[0]);
  for (char& c : mn) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (mn == ".word") return parse_word(line, toks);

  const arch::OpcodeFields* of = nullptr;
  for (const auto& o : arch::kOpcodeFields)
    if (has_mnemonic(o.op) && mnemonic(o.op) == mn) of = &o;
  if (!of) fail(line, "unknown mnemonic '" + std::string(toks[0]) + "'");
  const std::string unit = mnemonic(of->op);

  Insn x = make(of->op);
  std::vector<int> seen;  // lsb of each field given, to reject repeats
  auto mark = [&](const Field& f) {
    for (int l : seen)
      if (l == f.lsb) fail(line, "field " + std::string(f.name) + " given twice");
    seen.push_back(f.lsb);
  };
  auto set = [&](const Field& f, uint64_t v) {
    try {
      x.set(f, v);
    } catch (const std::out_of_range&) {
      fail(line, "value " + std::to_string(v) + " does not fit in " + unit + " field " + std::string(f.name) + " (" +
                     std::to_string(f.width) + " bits)");
    }
  };
  auto check_flag = [&](const Field& f, uint64_t v) {
    if (v != 0 && !flag_allowed(of->op, f))
      fail(line, "dependency flag " + std::string(f.name) + " is not allowed for " + unit);
  };
  auto find_field = [&](std::string_view key) -> const Field* {
    for (const auto& f : kFlags)
      if (f.name == key) return &f;
    for (int i = 0; i < of->count; ++i)
      if (of->fields[i].name == key || brief_name(of->fields[i]) == key) return &of->fields[i];
    return nullptr;
  };

  for (size_t i = 1; i < toks.size(); ++i) {
    const std::string_view tok = toks[i];
    const size_t eq = tok.find('=');
    if (eq == std::string_view::npos) {
      bool done = false;
      for (const auto& f : kFlags)
        if (f.name == tok) {
          check_flag(f, 1);
          mark(f);
          set(f, 1);
          done = true;
        }
      if (!done && of->op == Opcode::STORE && tok == "vsp") {
        mark(arch::field::src);
        set(arch::field::src, static_cast<uint64_t>(arch::StoreSrc::VSP));
        done = true;
      }
      if (!done && of->op == Opcode::LOAD)
        for (const auto& d : kDstNames)
          if (d.name == tok) {
            mark(arch::field::dst);
            set(arch::field::dst, static_cast<uint64_t>(d.dst));
            done = true;
          }
      if (done) continue;
      if (find_field(tok))
        fail(line, "missing value for field " + std::string(tok) + " (write " + std::string(tok) + "=<n>)");
      fail(line, "unknown field '" + std::string(tok) + "' for " + unit + " (expected " + expected_names(*of) + ")");
    }
    const std::string_view key = tok.substr(0, eq), val = tok.substr(eq + 1);
    if (key.empty()) fail(line, "missing field name before '=' in '" + std::string(tok) + "'");
    const Field* f = find_field(key);
    if (!f)
      fail(line, "unknown field '" + std::string(key) + "' for " + unit + " (expected " + expected_names(*of) + ")");
    if (val.empty()) fail(line, "missing value for field " + std::string(key));
    uint64_t v;
    std::string why;
    if (!parse_u64(val, v, why)) fail(line, why + " (field " + std::string(key) + ")");
    for (const auto& fl : kFlags)
      if (same(*f, fl)) check_flag(*f, v);
    mark(*f);
    set(*f, v);
  }
  return x;
}

}  // namespace

std::string disassemble(const Insn& x) {
  const arch::OpcodeFields* of = fields_of(x.get(arch::field::opcode));
  if (!of || !has_mnemonic(of->op)) return word_text(x);
  const auto m = used_mask(*of);
  bool exact = !has_unused(x, m);
  for (const auto& f : kFlags)
    if (x.get(f) && !flag_allowed(of->op, f)) exact = false;

  std::string s = mnemonic(of->op);
  for (int i = 0; i < of->count; ++i) {
    const Field& f = of->fields[i];
    const uint64_t v = x.get(f);
    if (same(f, arch::field::src)) {
      if (v == static_cast<uint64_t>(arch::StoreSrc::VSP)) s += " vsp";
      else if (v != 0) s += " src=" + std::to_string(v);
    } else if (same(f, arch::field::dst)) {
      std::string_view name;
      for (const auto& d : kDstNames)
        if (static_cast<uint64_t>(d.dst) == v) name = d.name;
      s += name.empty() ? " dst=" + std::to_string(v) : " " + std::string(name);
    } else {
      // Addresses read best in hex; counts, strides and word indices in decimal.
      s += " " + std::string(brief_name(f)) + "=" + (same(f, arch::field::dram_addr) ? hex(v) : std::to_string(v));
    }
  }
  for (const auto& f : kFlags)
    if (x.get(f)) s += " " + std::string(f.name);
  if (!exact) return word_text(x) + "  # " + s + (has_unused(x, m) ? " (+ unused bits)" : "");
  return s;
}

std::string disassemble_program(const std::vector<Insn>& prog) {
  std::string s;
  for (size_t i = 0; i < prog.size(); ++i) s += disassemble(prog[i]) + "  # " + std::to_string(i) + "\n";
  return s;
}

std::vector<Insn> assemble(std::string_view text) {
  std::vector<Insn> out;
  size_t line = 0;
  while (!text.empty()) {
    ++line;
    const size_t nl = text.find('\n');
    std::string_view l = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    const size_t hash = l.find('#');
    if (hash != std::string_view::npos) l = l.substr(0, hash);
    std::vector<std::string_view> toks;
    size_t i = 0;
    while (i < l.size()) {
      while (i < l.size() && std::isspace(static_cast<unsigned char>(l[i]))) ++i;
      const size_t b = i;
      while (i < l.size() && !std::isspace(static_cast<unsigned char>(l[i]))) ++i;
      if (i > b) toks.push_back(l.substr(b, i - b));
    }
    if (!toks.empty()) out.push_back(parse_insn(line, toks));
  }
  return out;
}

}  // namespace tasu::isa
