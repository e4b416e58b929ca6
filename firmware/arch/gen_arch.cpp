// gen_arch: turns firmware/arch/tasu_arch.json, the one definition of the accelerator, into the
// SystemVerilog package, the C++ header and per-configuration parameter files, so that hardware
// and software can never disagree on an encoding, a register offset or a buffer size.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using nlohmann::json;

namespace {

// Hardware parameters become RTL parameters; the others describe the platform around the RTL.
const std::vector<std::string> kHwParams = {"Engine",   "Tiles",    "Rows",     "Lanes", "WDepth", "ActWords",
                                            "OutWords", "BusBytes", "MaxBurst", "AccW",  "VRows",
                                            "WPack"};

// The enumerations of the definition: JSON key, C++ enum name, SystemVerilog prefix, and the
// field whose width the values take (an instruction field, LAYOUT.field of a register, or none:
// the fewest bits that hold them).
struct EnumTable {
  const char* key;
  const char* cpp;
  const char* sv;
  const char* width_of;
  const char* doc;
};
const std::vector<EnumTable> kEnums = {
    {"engines", "Engine", "Eng", nullptr, "What the matrix engine's tiles do (the MAC arrays are the silicon baselines)."},
    {"units", "Unit", "Unit", nullptr, "The command processor's units; each has its own queue (see the dependency flags)."},
    {"opcodes", "Opcode", "Op", "opcode", "Instruction classes."},
    {"load_dst", "LoadDst", "Dst", "dst", "Where LOAD writes."},
    {"store_src", "StoreSrc", "Src", "src", "What STORE reads."},
    {"vector_ops", "VectorOp", "Vop", "vop", "Per-lane operations of the vector unit (see model/vector/vlane.h for their meaning)."},
    {"vector_kinds", "VectorKind", "Vk", "vkind", "What a VEC instruction does with its lanes (docs/isa.md)."},
    {"vector_bmodes", "VectorBMode", "Vb", "vbmode", "Where a VEC instruction takes its b operand."},
    {"ppa_dots", "PpaDot", "PpaDot", nullptr, "The dot product's structure in a silicon-comparison row (rtl/ppa/tasu_ppa_row.sv)."},
    {"cp_states", "CpState", "Cps", "UNIT_STATE.cp_state", "States of the command processor (UNIT_STATE.cp_state)."},
};
const std::vector<std::string> kPlatformParams = {"MemLatency", "MemBytesPerCycle"};

// sram_beat -> SramBeat: the lowRISC style for SystemVerilog parameters.
std::string camel(const std::string& s) {
  std::string o;
  bool up = true;
  for (char c : s) {
    if (c == '_') { up = true; continue; }
    o += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return o;
}

bool pow2(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

void require(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

const json& find_field(const json& a, const std::string& n) {
  for (auto& f : a["fields"])
    if (f["name"] == n) return f;
  throw std::runtime_error("missing field " + n);
}

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// Weight buffers of the engine: as many as MATMUL's wbuf field selects.
int wgt_buffers(const json& a) { return 1 << find_field(a, "wbuf")["width"].get<int>(); }

// The fewest bits that hold 0..n-1.
int bits_for(size_t n) {
  int b = 1;
  while ((size_t{1} << b) < n) ++b;
  return b;
}

// The width of an enumeration's values (see EnumTable); gen_arch checks that they fit.
int enum_bits(const json& a, const EnumTable& e) {
  if (!e.width_of) return bits_for(a[e.key].size());
  const std::string w = e.width_of;
  const size_t dot = w.find('.');
  if (dot == std::string::npos) return find_field(a, w)["width"].get<int>();
  for (auto& f : a["register_fields"].at(w.substr(0, dot)))
    if (f["name"] == w.substr(dot + 1)) return f["width"].get<int>();
  throw std::runtime_error("missing register field " + w);
}

// Error codes are 0..N-1 too; the RTL carries them in ErrW bits.
int error_bits(const json& a) { return bits_for(a["error_codes"].size()); }

// A per-engine figure of engine number e (table: engine_weight_bits, engine_term_bits; keyed by
// the engine's name).
int64_t engine_figure(const json& a, const char* table, int64_t e) {
  for (auto& [k, v] : a["engines"].items())
    if (v.get<int64_t>() == e) return a[table].at(k).get<int64_t>();
  throw std::runtime_error("no engine " + std::to_string(e));
}
int64_t engine_weight_bits(const json& a, int64_t e) { return engine_figure(a, "engine_weight_bits", e); }

// The RTL moves whole bus beats between DRAM and every buffer, so each buffer word must be a
// whole number of beats; catching a bad configuration here beats a silent mis-wiring later.

void validate_config(const json& a, const std::string& name, const json& c, int sram_beat_bits) {
  for (const auto& p : kHwParams)
    require(c.contains(p) && (p == "Engine" ? c[p].get<int64_t>() >= 0 && c[p].get<int64_t>() < static_cast<int64_t>(a["engines"].size())
             : p == "WPack" ? c[p].get<int64_t>() == 0 || c[p].get<int64_t>() == 1
                            : c[p].get<int64_t>() > 0),
            name + ": missing or out-of-range " + p);
  for (const auto& p : kPlatformParams) require(c.contains(p) && c[p].get<int64_t>() > 0, name + ": missing or non-positive " + p);
  const int64_t t = c["Tiles"], r = c["Rows"], l = c["Lanes"], bb = c["BusBytes"];
  require(pow2(t) && pow2(r) && pow2(l), name + ": Tiles, Rows and Lanes must be powers of two");
  const int64_t insn_bytes = a["insn_bits"].get<int64_t>() / 8;
  require(pow2(bb) && bb >= insn_bytes, name + ": BusBytes must be a power of two of at least an instruction (" +
                                            std::to_string(insn_bytes) + " bytes)");
  require((t * l) % bb == 0, name + ": an activation word (Tiles*Lanes bytes) must be whole beats");
  const int64_t wbits = engine_weight_bits(a, c["Engine"].get<int64_t>());
  const bool packed = c["WPack"].get<int64_t>() == 1;
  // Five weights per byte: a tile word is rarely whole beats, so the engine reassembles words from
  // the beat stream; a beat then completes at most one word.
  const int64_t word_bytes = packed ? (r * l + 4) / 5 : r * l * wbits / 8;
  if (packed) {
    require(c["Engine"].get<int64_t>() == a["engines"]["TERNARY"].get<int64_t>(), name + ": WPack 1 packs ternary weights only");
    require(word_bytes >= bb, name + ": with WPack 1 a tile word (Rows*Lanes / 5 bytes) must be at least a beat");
  } else {
    require((r * l * wbits / 8) % bb == 0, name + ": a tile weight word (Rows*Lanes weights) must be whole beats");
  }
  require((r * 4) % bb == 0, name + ": an output word (Rows*4 bytes) must be whole beats");
  require(pow2(c["MaxBurst"].get<int64_t>()) && c["MaxBurst"].get<int64_t>() <= 256, name + ": MaxBurst must be a power of two <= 256");
  const int64_t depth_w = find_field(a, "depth")["width"], woff_w = find_field(a, "woff")["width"];
  require(c["WDepth"].get<int64_t>() < (int64_t{1} << std::min(depth_w, woff_w)),
          name + ": WDepth must fit MATMUL's depth and woff fields");
  // An int8 x ternary term, then a bit per doubling of K.
  const int64_t need = engine_figure(a, "engine_term_bits", a["engines"]["TERNARY"].get<int64_t>()) +
                       bits_for(a["max_k"].get<size_t>());
  require(c["AccW"].get<int64_t>() >= need && c["AccW"].get<int64_t>() <= 32,
          name + ": AccW must be " + std::to_string(need) + "..32 bits (K <= max_k int8 x ternary needs " +
              std::to_string(need) + ")");
  const int64_t vrows_max = int64_t{1} << (find_field(a, "vdst")["width"].get<int64_t>() - 1);
  require(pow2(c["VRows"].get<int64_t>()) && c["VRows"].get<int64_t>() <= vrows_max,
          name + ": VRows must be a power of two <= " + std::to_string(vrows_max) + " (half of what vdst addresses)");
  // TO_ACT packs one scratchpad row (VLanes int8) into one bus beat; FROM_OUT places whole output words.
  const int64_t vl = a["vector_lanes"].get<int64_t>();
  require(bb == vl, name + ": the vector unit needs BusBytes = vector_lanes (one packed int8 row per beat)");
  require(r <= vl && vl % r == 0, name + ": Rows must divide the vector lanes");
  // Every on-chip beat space must be addressable by a LOAD/STORE's sram_beat field.
  // (A packed weight LOAD's sram_beat is the first word it fills: the words must be addressable.)
  const int64_t wgt_words = wgt_buffers(a) * c["WDepth"].get<int64_t>() * t;
  const int64_t beats_max = std::max({packed ? wgt_words : wgt_words * word_bytes / bb,
                                      c["ActWords"].get<int64_t>() * t * l / bb, c["VRows"].get<int64_t>() * vl * 4 / bb,
                                      c["OutWords"].get<int64_t>() * r * 4 / bb});
  require(beats_max <= (int64_t{1} << sram_beat_bits), name + ": a buffer has more beats than sram_beat can address");
}

// The command processor reads the flags as two unit-indexed masks: pop_<u> and push_<u> must
// sit at consecutive bits in unit order.
void validate_enums_and_flags(const json& a) {
  // Every enumeration numbers 0..N-1: units index the token counters and the per-unit register
  // fields, error codes the RTL's ErrW bits, the others tables (arch::k<Enum>Count).
  auto numbered = [&](const char* key) {
    std::vector<bool> seen(a[key].size(), false);
    for (auto& [k, v] : a[key].items()) {
      const int64_t u = v.get<int64_t>();
      require(u >= 0 && u < static_cast<int64_t>(seen.size()) && !seen[u], std::string(key) + " must number 0.." +
              std::to_string(seen.size() - 1) + " once each (" + k + ")");
      seen[u] = true;
    }
  };
  for (const auto& e : kEnums) {
    numbered(e.key);
    const int bits = enum_bits(a, e);
    require(a[e.key].size() <= (size_t{1} << bits), std::string(e.key) + " must fit " + std::to_string(bits) +
                                                       " bits (" + (e.width_of ? e.width_of : "their own") + ")");
  }
  numbered("error_codes");
  for (const char* dir : {"pop", "push"}) {
    const int64_t base = find_field(a, std::string(dir) + "_ld")["lsb"];
    for (auto& [k, v] : a["units"].items()) {
      const std::string n = lower(std::string(dir) + "_" + k);
      require(find_field(a, n)["lsb"].get<int64_t>() == base + v.get<int64_t>(),
              n + " must be at bit " + std::to_string(base + v.get<int64_t>()));
    }
  }
}

// Sub-fields (part_of) lie inside their field: DOTS and WSUM read vimm as count and stride.
// The vector unit's lane field addresses every lane and no more, and an instruction is whole
// 64-bit words (isa::Insn).
void validate_fields(const json& a) {
  for (auto& f : a["fields"]) {
    const int64_t lsb = f["lsb"], w = f["width"];
    require(lsb >= 0 && w > 0 && w <= 32 && lsb + w <= a["insn_bits"].get<int64_t>(),
            f["name"].get<std::string>() + " must lie inside the instruction, at most 32 bits wide");
    if (!f.contains("part_of")) continue;
    const json& p = find_field(a, f["part_of"].get<std::string>());
    require(!f.contains("used_by") && lsb >= p["lsb"].get<int64_t>() &&
                lsb + w <= p["lsb"].get<int64_t>() + p["width"].get<int64_t>(),
            f["name"].get<std::string>() + " must lie inside " + p["name"].get<std::string>() + " (and take its used_by)");
  }
  require(a["insn_bits"].get<int64_t>() % 64 == 0, "insn_bits must be a multiple of 64");
  const int64_t vl = a["vector_lanes"];
  require(pow2(vl) && vl >= 2 && (int64_t{1} << find_field(a, "vlane")["width"].get<int64_t>()) == vl,
          "vector_lanes must be a power of two that the vlane field addresses exactly");
  for (auto& c : a["verilated_configs"])
    require(a["configs"].contains(c.get<std::string>()), "verilated_configs names an unknown configuration " + c.dump());
}

// Register bit fields: each layout's fields fit 32 bits without overlap, and every register
// that names a layout names one that exists.
void validate_register_fields(const json& a) {
  for (auto& [layout, fields] : a["register_fields"].items()) {
    uint64_t used = 0;
    for (auto& f : fields) {
      const int64_t lsb = f["lsb"], w = f["width"];
      require(lsb >= 0 && w > 0 && lsb + w <= 32, layout + "." + f["name"].get<std::string>() + " must fit 32 bits");
      const uint64_t mask = ((uint64_t{1} << w) - 1) << lsb;
      require((used & mask) == 0, layout + "." + f["name"].get<std::string>() + " overlaps another field");
      used |= mask;
    }
  }
  // An error's info carries instruction fields whole.
  for (auto& [layout, fields] : a["register_fields"].items())
    if (layout.rfind("ERR_INFO_", 0) == 0)
      for (auto& f : fields)
        require(f["width"] == find_field(a, f["name"].get<std::string>())["width"],
                layout + "." + f["name"].get<std::string>() + " must be as wide as the instruction field");
  for (auto& f : a["register_fields"]["UNIT_STATE"])
    if (f["name"] == "cp_state")
      require(a["cp_states"].size() <= (size_t{1} << f["width"].get<int>()), "cp_states must fit UNIT_STATE.cp_state");
  for (auto& r : a["registers"])
    if (r.contains("fields"))
      require(a["register_fields"].contains(r["fields"].get<std::string>()),
              r["name"].get<std::string>() + " names an unknown field layout");
}

// The silicon-comparison rows: tasu_ppa_row builds a ternary row with any of the three adder
// structures and int8 activations, and a MAC row for INT8 (int8 activations) or BF16 (BF16
// activations); names become file names in scripts/ppa.sh.
void validate_ppa_rows(const json& a) {
  std::vector<std::string> names;
  for (auto& r : a["ppa_rows"]) {
    const std::string n = r.at("name"), eng = r.at("engine"), dot = r.at("dot");
    const int64_t ab = r.at("act_bits");
    require(!n.empty() && n.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos,
            "ppa row '" + n + "': names are lower case letters, digits and '-'");
    require(std::find(names.begin(), names.end(), n) == names.end(), "ppa row '" + n + "' named twice");
    names.push_back(n);
    require(a["engines"].contains(eng) && a["ppa_dots"].contains(dot), "ppa row '" + n + "': unknown engine or dot");
    const bool ok = eng == "TERNARY" ? dot != "MAC" && ab == 8 : dot == "MAC" && ab == (eng == "BF16" ? 16 : 8);
    require(ok, "ppa row '" + n + "': tasu_ppa_row builds ternary rows with CHAIN, TREE, CSA, LUT or LUT3 and 8-bit activations, "
                "MAC rows for INT8 with 8-bit and for BF16 with 16-bit activations");
    const int64_t reuse = r.value("reuse", int64_t{1});
    require(pow2(reuse) && reuse <= 16 && (reuse == 1 || eng != "BF16"),
            "ppa row '" + n + "': reuse must be a power of two up to 16 (integer rows only)");
    require(reuse == 1 || !r.value("engine_row", false), "ppa row '" + n + "': an engine_row reads its weight every cycle");
    const int64_t wpack = r.value("wpack", int64_t{0});
    require(wpack == 0 || (wpack == 1 && eng == "TERNARY" && reuse == 1),
            "ppa row '" + n + "': wpack 1 (five weights per byte) is for ternary rows without reuse");
  }
  require(!names.empty(), "ppa_rows is empty");
  // LUT3's patterns: every nonzero triple of weights up to its sign, once, its first nonzero +1,
  // the three single weights first (the row takes those from the activations, not the table).
  const auto& pats = a.at("lut3_patterns");
  require(pats.size() == 13, "lut3_patterns: the 13 nonzero triples up to sign");
  std::set<std::vector<int>> seen;
  for (size_t k = 0; k < pats.size(); ++k) {
    const auto p = pats[k].get<std::vector<int>>();
    int first = 0, used = 0;
    for (int w : p) {
      require(w >= -1 && w <= 1, "lut3_patterns: weights are -1, 0 or 1");
      if (w != 0 && first == 0) first = w;
      used += w != 0;
    }
    require(p.size() == 3 && first == 1 && seen.insert(p).second, "lut3_patterns: distinct triples whose first nonzero weight is 1");
    require((k < 3) == (used == 1), "lut3_patterns: the three single weights first, then the sums");
  }
  for (auto& [eng, v] : a["engines"].items()) {
    int marked = 0;
    for (auto& r : a["ppa_rows"]) marked += r["engine"] == eng && r.value("engine_row", false);
    require(marked == 1, "ppa_rows must mark exactly one engine_row for " + eng);
  }
}

// One line per silicon-comparison row for the shell scripts: index name engine weight-bits
// act-bits dot engine-row (1: the row modelling its engine's tiles) reuse. Weight bits are what
// the engine's store keeps per weight: 1.6 with wpack. A LUT3 row's depend on the configuration's
// Lanes (lut3_groups(Lanes) * 5 / Lanes, the last triple padded): scripts/ppa.sh prices those.
std::string gen_ppa_rows(const json& a) {
  std::ostringstream o;
  int k = 0;
  for (auto& r : a["ppa_rows"])
    o << k++ << " " << r["name"].get<std::string>() << " " << r["engine"].get<std::string>() << " "
      << (r.value("wpack", 0) ? std::string("1.6") : std::to_string(a["engine_weight_bits"].at(r["engine"].get<std::string>()).get<int>()))
      << " " << r["act_bits"].get<int>() << " "
      << r["dot"].get<std::string>() << " " << (r.value("engine_row", false) ? 1 : 0) << " " << r.value("reuse", 1) << "\n";
  return o.str();
}

// The most fields an opcode uses (besides opcode and the dependency flags).
size_t max_used_fields(const json& a) {
  size_t most = 0;
  for (auto& [k, v] : a["opcodes"].items()) {
    size_t n = 0;
    for (auto& f : a["fields"])
      if (f.contains("used_by"))
        for (auto& u : f["used_by"]) n += u == k;
    most = std::max(most, n);
  }
  return most;
}

// UNIT_STATE -> UnitState.
std::string layout_camel(const std::string& s) { return camel(lower(s)); }

// Leaves a file that already holds the text alone: a new time stamp on tasu_pkg.sv would make
// every Verilated configuration build again.
void write_file(const std::string& path, const std::string& text) {
  {
    std::ifstream old(path, std::ios::binary);
    std::ostringstream have;
    if (old && (have << old.rdbuf()) && have.str() == text) return;
  }
  std::ofstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << text;
}

std::string gen_sv(const json& a) {
  std::ostringstream o;
  o << "// Generated by firmware/arch/gen_arch from firmware/arch/tasu_arch.json: do not edit.\n"
    << "// ISA encoding, register map and error codes shared by every RTL unit.\n"
    << "package tasu_pkg;\n\n"
    << "  localparam int InsnBits = " << a["insn_bits"].get<int>() << ";\n\n";
  o << "  localparam int VLanes = " << a["vector_lanes"].get<int>() << ";\n\n";
  o << "  localparam int WgtBufs = " << wgt_buffers(a)
    << ";   // weight buffers, MATMUL's wbuf picks one\n\n";
  o << "  // Trace port: one track per unit, then the instruction fetch (tasu_top's trc_*).\n"
    << "  localparam int NumTraceTracks = " << a["units"].size() + 1 << ";\n"
    << "  localparam int TraceFetch = " << a["units"].size() << ";\n\n";
  for (auto& [k, v] : a["command_processor"].items()) o << "  localparam int Cp" << k << " = " << v.get<int>() << ";\n";
  o << "  localparam int NumUnits = " << a["units"].size() << ";   // command-processor units (Unit*)\n";
  // Word e (32 bits, so that it assigns to an int without a width change): weight bits and
  // dot-product term bits of engine e.
  const int n_eng = static_cast<int>(a["engines"].size());
  for (const auto& [name, table] : {std::pair{"EngineWBits", "engine_weight_bits"}, {"EngineTermBits", "engine_term_bits"}}) {
    o << "  localparam logic [" << 32 * n_eng - 1 << ":0] " << name << " = {";
    for (int e = n_eng - 1; e >= 0; --e) o << "32'd" << engine_figure(a, table, e) << (e ? ", " : "};\n");
  }
  o << "\n";
  // WPack 1's decoder: byte v into its five 2-bit weight codes (the tiles' code: bit 0 "use",
  // bit 1 "negate"; code i at bits 2i+1:2i); bytes 243..255 decode to zeros. Bit-sliced (bit
  // k * 256 + v is bit k of byte v's codes), so that the function indexes with the byte itself:
  // synthesis makes ten small logic cones of it (a case gave Verilator a branch tree, an indexed
  // table of whole entries gave synthesis a shifter).
  std::vector<int> trit5(256, 0);
  for (int v = 0; v < 243; ++v)
    for (int i = 0, x = v; i < 5; ++i, x /= 3) {
      const int w = a["trit5_digit_weights"].at(static_cast<size_t>(x % 3)).get<int>();
      trit5[static_cast<size_t>(v)] |= (w == 0 ? 0 : w == 1 ? 1 : 3) << (2 * i);
    }
  o << "  localparam logic [" << 10 * 256 - 1 << ":0] Trit5CodeBits = {";
  for (int k = 9; k >= 0; --k) {
    o << "\n    256'h";
    for (int nib = 63; nib >= 0; --nib) {
      int h = 0;
      for (int bit = 3; bit >= 0; --bit) h = h << 1 | ((trit5[static_cast<size_t>(nib * 4 + bit)] >> k) & 1);
      o << "0123456789abcdef"[h];
    }
    o << (k ? "," : "};\n");
  }
  o << "  function automatic logic [9:0] trit5_codes(input logic [7:0] b);\n"
    << "    for (int k = 0; k < 10; k++) trit5_codes[k] = Trit5CodeBits[{4'(k), b}];\n"
    << "  endfunction\n"
    << "  // Bytes of n weights at five per byte (a WPack tile word: trit5_bytes(Rows * Lanes)).\n"
    << "  function automatic int trit5_bytes(input int weights);\n"
    << "    trit5_bytes = (weights + 4) / 5;\n"
    << "  endfunction\n\n";
  // LUT3's patterns as 2-bit weight codes: pattern k's weight i at bits (k * 3 + i) * 2 +: 2.
  const auto& lut3 = a["lut3_patterns"];
  o << "  localparam int Lut3Patterns = " << lut3.size() << ";\n"
    << "  localparam logic [" << lut3.size() * 6 - 1 << ":0] Lut3Codes = " << lut3.size() * 6 << "'b";
  for (size_t k = lut3.size(); k-- > 0;)
    for (int i = 2; i >= 0; --i) {
      const int w = lut3[k][static_cast<size_t>(i)].get<int>();
      o << (w == 0 ? "00" : w == 1 ? "01" : "11");
    }
  o << ";\n"
    << "  // Groups of three weights in n (the last padded: a LUT3 row's word, 5 bits a group).\n"
    << "  function automatic int lut3_groups(input int weights);\n"
    << "    lut3_groups = (weights + 2) / 3;\n"
    << "  endfunction\n\n";
  for (const auto& e : kEnums) {
    const int bits = enum_bits(a, e);
    o << "  localparam int " << e.sv << "W = " << bits << ";\n";
    for (auto& [k, v] : a[e.key].items())
      o << "  localparam logic [" << bits - 1 << ":0] " << e.sv << k << " = " << bits << "'d" << v.get<int>() << ";\n";
    o << "\n";
  }
  // The silicon-comparison rows, word k (32 bits) for row k = tasu_ppa_row's Kind.
  const auto& rows = a["ppa_rows"];
  const int n_rows = static_cast<int>(rows.size());
  std::vector<int> eng, dot, act, reuse, wpack;
  for (auto& r : rows) {
    eng.push_back(a["engines"].at(r["engine"].get<std::string>()).get<int>());
    dot.push_back(a["ppa_dots"].at(r["dot"].get<std::string>()).get<int>());
    act.push_back(r["act_bits"].get<int>());
    reuse.push_back(r.value("reuse", 1));
    wpack.push_back(r.value("wpack", 0));
  }
  o << "  localparam int PpaRows = " << n_rows << ";\n";
  for (const auto& [name, vals] :
       {std::pair{"PpaRowEngine", &eng}, {"PpaRowDot", &dot}, {"PpaRowActBits", &act}, {"PpaRowReuse", &reuse},
        {"PpaRowWPack", &wpack}}) {
    o << "  localparam logic [" << 32 * n_rows - 1 << ":0] " << name << " = {";
    for (int k = n_rows - 1; k >= 0; --k) o << "32'd" << (*vals)[k] << (k ? ", " : "};\n");
  }
  o << "\n";
  for (auto& f : a["fields"]) {
    const std::string n = camel(f["name"]);
    o << "  localparam int F" << n << "Lsb = " << f["lsb"].get<int>() << ";\n"
      << "  localparam int F" << n << "W = " << f["width"].get<int>() << ";\n";
  }
  o << "\n";
  for (auto& r : a["registers"]) o << "  localparam logic [7:0] Reg" << r["name"].get<std::string>() << " = 8'd" << r["offset"].get<int>() << ";\n";
  o << "\n";
  for (auto& [layout, fields] : a["register_fields"].items())
    for (auto& f : fields) {
      const std::string n = "Reg" + layout_camel(layout) + camel(f["name"]);
      o << "  localparam int " << n << "Lsb = " << f["lsb"].get<int>() << ";\n"
        << "  localparam int " << n << "W = " << f["width"].get<int>() << ";\n";
    }
  o << "\n";
  const int eb = error_bits(a);
  o << "  localparam int ErrW = " << eb << ";\n";
  for (auto& [k, v] : a["error_codes"].items())
    o << "  localparam logic [" << eb - 1 << ":0] Err" << k << " = " << eb << "'d" << v.get<int>() << ";\n";
  o << "\nendpackage\n";
  return o.str();
}

std::string gen_header(const json& a) {
  std::ostringstream o;
  o << "// Generated by firmware/arch/gen_arch from firmware/arch/tasu_arch.json: do not edit.\n"
    << "// ISA encoding, register map, error codes and accelerator configurations for host software.\n"
    << "#pragma once\n#include <array>\n#include <cstdint>\n#include <string_view>\n\n"
    << "namespace tasu::arch {\n\n"
    << "inline constexpr int kInsnBits = " << a["insn_bits"].get<int>() << ";\n"
    << "inline constexpr int kInsnBytes = kInsnBits / 8;\n\n";
  o << "// Lanes of the vector unit; it fixes the order of every vector reduction, whose lane tree\n"
    << "// has kVectorLaneBits levels.\n"
    << "inline constexpr int kVectorLanes = " << a["vector_lanes"].get<int>() << ";\n"
    << "inline constexpr int kVectorLaneBits = " << find_field(a, "vlane")["width"].get<int>() << ";\n\n";
  o << "// Weight buffers of the engine (MATMUL's wbuf picks one).\n"
    << "inline constexpr int kWgtBuffers = " << wgt_buffers(a) << ";\n\n";
  o << "// Trace port: one track per unit (Unit order), then the instruction fetch.\n"
    << "inline constexpr int kNumTraceTracks = " << a["units"].size() + 1 << ";\n"
    << "inline constexpr int kTraceFetch = " << a["units"].size() << ";\n\n";
  o << "// The largest K of a program (the accumulators cover its sums).\n"
    << "inline constexpr int64_t kMaxK = " << a["max_k"].get<int64_t>() << ";\n\n";
  o << "// Depths of the command processor (see tasu_arch.json).\n";
  for (auto& [k, v] : a["command_processor"].items()) o << "inline constexpr int kCp" << k << " = " << v.get<int>() << ";\n";
  o << "inline constexpr int kNumUnits = " << a["units"].size() << ";  // command-processor units (Unit)\n";
  o << "\n// Weight bits of each engine, in engine order.\n"
    << "inline constexpr std::array<uint32_t, " << a["engines"].size() << "> kEngineWeightBits{";
  for (int e = 0; e < static_cast<int>(a["engines"].size()); ++e) o << (e ? ", " : "") << engine_weight_bits(a, e);
  o << "};\n";
  o << "// WPack 1 (five weights per byte, base 3): the weight each digit stands for (see tasu_arch.json).\n"
    << "inline constexpr std::array<int8_t, 3> kTrit5DigitWeights{";
  for (int d = 0; d < 3; ++d) o << (d ? ", " : "") << a["trit5_digit_weights"].at(static_cast<size_t>(d)).get<int>();
  o << "};\n"
    << "// Bytes of n weights at five per byte (a WPack tile word: trit5_bytes(Rows * Lanes)).\n"
    << "inline constexpr uint32_t trit5_bytes(uint32_t weights) { return (weights + 4) / 5; }\n";
  o << "// The LUT3 row's patterns (see tasu_arch.json's _lut3): a group's code is 1 + its pattern's index.\n"
    << "inline constexpr std::array<std::array<int8_t, 3>, " << a["lut3_patterns"].size() << "> kLut3Patterns{{";
  for (size_t k = 0; k < a["lut3_patterns"].size(); ++k) {
    o << (k ? ", " : "") << "{";
    for (size_t i = 0; i < 3; ++i) o << (i ? ", " : "") << a["lut3_patterns"][k][i].get<int>();
    o << "}";
  }
  o << "}};\n"
    << "// Groups of three weights in n (the last padded): a LUT3 row's word holds 5 bits a group.\n"
    << "inline constexpr uint32_t lut3_groups(uint32_t weights) { return (weights + 2) / 3; }\n";
  o << "// Bits of one term of a tile row's dot product, in engine order (see tasu_arch.json).\n"
    << "inline constexpr std::array<uint32_t, " << a["engines"].size() << "> kEngineTermBits{";
  for (int e = 0; e < static_cast<int>(a["engines"].size()); ++e)
    o << (e ? ", " : "") << engine_figure(a, "engine_term_bits", e);
  o << "};\n\n";
  for (const auto& e : kEnums) {
    o << "// " << e.doc << "\nenum class " << e.cpp << " : uint8_t {\n";
    for (auto& [k, v] : a[e.key].items()) o << "  " << k << " = " << v.get<int>() << ",\n";
    o << "};\ninline constexpr int k" << e.cpp << "Count = " << a[e.key].size() << ";\n\n";
  }
  o << "// The silicon-comparison rows (scripts/ppa.sh): index = tasu_ppa_row's Kind.\n"
    << "struct PpaRow {\n  std::string_view name;\n  Engine engine;\n  PpaDot dot;\n  uint32_t act_bits;\n"
    << "  uint32_t reuse;  // tokens one weight read serves\n"
    << "  uint32_t wpack;  // 1: five weights per byte in the store (WPack's format)\n};\n"
    << "inline constexpr std::array<PpaRow, " << a["ppa_rows"].size() << "> kPpaRows{{\n";
  for (auto& r : a["ppa_rows"])
    o << "  {\"" << r["name"].get<std::string>() << "\", Engine::" << r["engine"].get<std::string>() << ", PpaDot::"
      << r["dot"].get<std::string>() << ", " << r["act_bits"].get<int>() << ", " << r.value("reuse", 1) << ", "
      << r.value("wpack", 0) << "},\n";
  o << "}};\n\n";
  o << "enum class ErrorCode : uint32_t {\n";
  for (auto& [k, v] : a["error_codes"].items()) o << "  " << k << " = " << v.get<int>() << ",\n";
  o << "};\n\n";
  o << "inline constexpr std::string_view error_name(ErrorCode e) {\n  switch (e) {\n";
  for (auto& [k, v] : a["error_codes"].items()) o << "    case ErrorCode::" << k << ": return \"" << k << "\";\n";
  o << "  }\n  return \"UNKNOWN\";\n}\n\n";
  // Names as the JSON spells them, for reports and traces.
  for (const auto& [key, type, fn] : {std::tuple{"opcodes", "Opcode", "opcode_name"},
                                      std::tuple{"vector_kinds", "VectorKind", "vector_kind_name"},
                                      std::tuple{"units", "Unit", "unit_name"},
                                      std::tuple{"engines", "Engine", "engine_name"},
                                      std::tuple{"cp_states", "CpState", "cp_state_name"}}) {
    o << "inline constexpr std::string_view " << fn << "(" << type << " v) {\n  switch (v) {\n";
    for (auto& [k, v] : a[key].items()) o << "    case " << type << "::" << k << ": return \"" << k << "\";\n";
    o << "  }\n  return \"?\";\n}\n\n";
  }
  o << "// One instruction field: bit position and width inside the little-endian kInsnBits-bit word.\n"
    << "struct Field {\n  std::string_view name;\n  int lsb;\n  int width;\n};\n\n"
    << "namespace field {\n";
  for (auto& f : a["fields"])
    o << "inline constexpr Field " << f["name"].get<std::string>() << "{\"" << f["name"].get<std::string>() << "\", "
      << f["lsb"].get<int>() << ", " << f["width"].get<int>() << "};\n";
  o << "}  // namespace field\n\n";
  // The dependency flags in the order the command processor reads them: pop_<u>, then push_<u>,
  // each in unit order.
  o << "inline constexpr std::array<Field, " << 2 * a["units"].size() << "> kDepFlags{";
  {
    std::vector<std::string> by_unit(a["units"].size());
    for (auto& [k, v] : a["units"].items()) by_unit[v.get<size_t>()] = lower(k);
    int i = 0;
    for (const char* dir : {"pop", "push"})
      for (const auto& u : by_unit) o << (i++ ? ", " : "") << "field::" << dir << "_" << u;
  }
  o << "};\n\n";
  o << "// Fields each opcode uses, besides opcode and the eight dependency flags.\n"
    << "struct OpcodeFields {\n  Opcode op;\n  std::array<Field, " << max_used_fields(a) << "> fields;\n  int count;\n};\n"
    << "inline constexpr std::array<OpcodeFields, " << a["opcodes"].size() << "> kOpcodeFields{{\n";
  for (auto& [k, v] : a["opcodes"].items()) {
    std::vector<std::string> used;
    for (auto& f : a["fields"])
      if (f.contains("used_by"))
        for (auto& u : f["used_by"])
          if (u == k) used.push_back(f["name"]);
    o << "  {Opcode::" << k << ", {{";
    for (size_t i = 0; i < used.size(); ++i) o << (i ? ", " : "") << "field::" << used[i];
    o << "}}, " << used.size() << "},\n";
  }
  o << "}};\n\n";
  o << "namespace reg {\n";
  for (auto& r : a["registers"])
    o << "inline constexpr uint32_t " << r["name"].get<std::string>() << " = " << r["offset"].get<int>() << ";"
      << (r.contains("doc") ? "  // " + r["doc"].get<std::string>() : std::string()) << "\n";
  o << "}  // namespace reg\n\n";
  o << "// Register bit fields, one namespace per layout (SEM serves SEM_LD..SEM_ST).\n"
    << "namespace regf {\n";
  for (auto& [layout, fields] : a["register_fields"].items()) {
    o << "namespace " << layout << " {\n";
    for (auto& f : fields)
      o << "inline constexpr Field " << f["name"].get<std::string>() << "{\"" << f["name"].get<std::string>() << "\", "
        << f["lsb"].get<int>() << ", " << f["width"].get<int>() << "};\n";
    o << "}  // namespace " << layout << "\n";
  }
  o << "}  // namespace regf\n\n"
    << "// A register field's value in a register word, and a word holding v in the field.\n"
    << "inline constexpr uint32_t get(uint32_t word, Field f) {\n"
    << "  return static_cast<uint32_t>((word >> f.lsb) & ((uint64_t{1} << f.width) - 1));\n}\n"
    << "inline constexpr uint32_t put(Field f, uint32_t v) {\n"
    << "  return static_cast<uint32_t>((v & ((uint64_t{1} << f.width) - 1)) << f.lsb);\n}\n\n";
  o << "// A named accelerator configuration; the derived sizes follow from the parameters.\n"
    << "struct Config {\n  std::string_view name;\n";
  for (const auto& p : kHwParams) o << "  uint32_t " << p << ";\n";
  for (const auto& p : kPlatformParams) o << "  uint32_t " << p << ";\n";
  o << "  constexpr uint32_t ops_per_cycle() const { return Tiles * Rows * Lanes; }\n"
    << "  constexpr uint32_t act_word_bytes() const { return Tiles * Lanes; }\n"
    << "  constexpr uint32_t wgt_bits() const { return kEngineWeightBits.at(Engine); }\n"
    << "  // One tile's word in DRAM and in its store: a 2-bit code (or a byte, a BF16 word) per weight, or\n"
    << "  // with WPack five weights per byte.\n"
    << "  constexpr uint32_t wgt_word_bytes() const { return WPack ? trit5_bytes(Rows * Lanes) : Rows * Lanes * wgt_bits() / 8; }\n"
    << "  // The BF16 array's sums are binary32 bit patterns (exact integers on ternary x int8 data).\n"
    << "  constexpr bool float_sums() const { return Engine == static_cast<uint32_t>(::tasu::arch::Engine::BF16); }\n"
    << "  // Bits a weight takes in DRAM (the rooflines' compulsory weight bytes).\n"
    << "  constexpr double dram_bits_per_weight() const { return WPack ? 8.0 / 5.0 : wgt_bits(); }\n"
    << "  constexpr uint32_t out_word_bytes() const { return Rows * 4; }\n"
    << "  constexpr uint32_t k_per_block() const { return WDepth * Tiles * Lanes; }\n"
    << "  constexpr uint32_t act_beats_per_word() const { return act_word_bytes() / BusBytes; }\n"
    << "  constexpr uint32_t wgt_beats_per_word() const { return WPack ? 0 : wgt_word_bytes() / BusBytes; }  // unpacked only\n"
    << "  constexpr uint32_t out_beats_per_word() const { return out_word_bytes() / BusBytes; }\n"
    << "  // A weight LOAD of `words` tile words from word `first`: its sram_beat field (the first beat, or\n"
    << "  // with WPack the first word) and its beats (with WPack the words' bytes, the last beat padded).\n"
    << "  constexpr uint32_t wgt_load_at(uint64_t first) const {\n"
    << "    return static_cast<uint32_t>(WPack ? first : first * wgt_beats_per_word());\n  }\n"
    << "  constexpr uint64_t wgt_load_beats(uint64_t words) const {\n"
    << "    return (words * wgt_word_bytes() + BusBytes - 1) / BusBytes;\n  }\n"
    << "  constexpr uint32_t wgt_buffer_beats() const { return static_cast<uint32_t>(wgt_load_beats(uint64_t{WDepth} * Tiles)); }\n"
    << "  constexpr uint32_t vsp_row_bytes() const { return kVectorLanes * 4; }\n"
    << "  constexpr uint32_t vsp_beats() const { return VRows * vsp_row_bytes() / BusBytes; }\n"
    << "};\n\n";
  o << "inline constexpr std::array<Config, " << a["configs"].size() << "> kConfigs{{\n";
  for (auto& [name, c] : a["configs"].items()) {
    o << "  {\"" << name << "\"";
    for (const auto& p : kHwParams) o << ", " << c[p].get<int64_t>();
    for (const auto& p : kPlatformParams) o << ", " << c[p].get<int64_t>();
    o << "},\n";
  }
  o << "}};\n\n";
  o << "inline constexpr const Config* find_config(std::string_view name) {\n"
    << "  for (const auto& c : kConfigs)\n    if (c.name == name) return &c;\n  return nullptr;\n}\n\n"
    << "}  // namespace tasu::arch\n";
  return o.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: gen_arch ARCH_JSON OUT_DIR\n";
    return 2;
  }
  try {
    std::ifstream in(argv[1]);
    if (!in) throw std::runtime_error(std::string("cannot read ") + argv[1]);
    const json a = json::parse(in);
    const std::string out = argv[2];
    validate_enums_and_flags(a);
    validate_fields(a);
    validate_register_fields(a);
    validate_ppa_rows(a);
    const int sram_beat_bits = find_field(a, "sram_beat")["width"];
    for (auto& [name, c] : a["configs"].items()) {
      validate_config(a, name, c, sram_beat_bits);
      // One chparam for all: tasu_top's parameters have no defaults, so each must come at once.
      std::ostringstream vl, ys, cm;
      ys << "chparam";
      for (const auto& p : kHwParams) {
        vl << "-G" << p << "=" << c[p].get<int64_t>() << "\n";
        ys << " -set " << p << " " << c[p].get<int64_t>();
        cm << "set(TASU_" << name << "_" << p << " " << c[p].get<int64_t>() << ")\n";
      }
      ys << " tasu_top\n";
      write_file(out + "/params_" + name + ".vc", vl.str());
      write_file(out + "/params_" + name + ".ys", ys.str());
      write_file(out + "/params_" + name + ".cmake", cm.str());
    }
    write_file(out + "/tasu_pkg.sv", gen_sv(a));
    write_file(out + "/tasu_arch.h", gen_header(a));
    write_file(out + "/ppa_rows.txt", gen_ppa_rows(a));
  } catch (const std::exception& e) {
    std::cerr << "gen_arch: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
