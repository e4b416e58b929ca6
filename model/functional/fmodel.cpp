// Functional model of tasu: program-order interpreter of the command processor and its units,
// with the RTL's data layouts, bounds checks and error codes (rtl/*/tasu_*.sv); its timing is
// replayed afterwards (timing.cpp).
#include "functional/fmodel.h"

#include "functional/dot_bf16.h"
#include "functional/timing.h"

#include "isa/wgt_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <stdexcept>

#include "asm/asm.h"
#include "vector/vlane.h"

namespace tasu::model {

namespace {

using arch::ErrorCode;
using arch::Opcode;

// The command processor's depths (tasu_arch.json's command_processor).
constexpr size_t kQueueDepth = arch::kCpQueueDepth;    // instructions waiting per unit
constexpr uint64_t kFetchBurst = arch::kCpFetchBurst;  // beats per instruction-fetch request
// tasu_engine: issue, tile, reduction and accumulate stages before the word is written.
constexpr uint64_t kEnginePipe = 4;

constexpr int kUnits = isa::kUnits;
constexpr int kLd = static_cast<int>(arch::Unit::LD), kVu = static_cast<int>(arch::Unit::VU),
              kSt = static_cast<int>(arch::Unit::ST);  // and the engine, EX
// Token channel p -> c (given by unit p, taken by unit c), as the RTL's counters.
constexpr int chan(int p, int c) { return p * kUnits + c; }
std::string unit_lower(int u) {
  std::string n(arch::unit_name(static_cast<arch::Unit>(u)));
  for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return n;
}
std::string chan_name(int ch) { return fmt::format("{}->{}", unit_lower(ch / kUnits), unit_lower(ch % kUnits)); }
// The largest count of a token counter (the SEM register's per-unit field).
constexpr uint32_t kTokenMax = (1u << arch::regf::SEM::from_ld.width) - 1;

bool is_pow2(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

int32_t wrap_acc(uint32_t v, uint32_t acc_w) {
  const uint32_t sh = 32 - acc_w;
  return static_cast<int32_t>(v << sh) >> sh;
}

// The hot loop of the model: Rows dot products of n int8 values against one activation run.
// Cloned for wider vector units where the compiler supports it; the scalar form is the spec.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void dot_rows(const int8_t* w, size_t row_stride, const int8_t* a, size_t n, uint32_t rows, int32_t* sums) {
  for (uint32_t r = 0; r < rows; ++r) {
    const int8_t* wr = w + r * row_stride;
    int32_t s = 0;
    for (size_t i = 0; i < n; ++i) s += static_cast<int32_t>(wr[i]) * static_cast<int32_t>(a[i]);
    sums[r] = s;
  }
}

}  // namespace

struct FunctionalModel::Op {
  uint32_t pc;
  isa::Insn insn;
  isa::Deps deps;
};

// State of one program run: the command processor's queues and token counters, and what the
// timing replay needs of each instruction.
struct FunctionalModel::Run {
  uint64_t prog_addr;
  uint32_t n_insns;
  uint32_t pc = 0;  // next instruction to dispatch, as the RTL's PC register
  std::array<std::deque<Op>, kUnits> q;
  std::array<uint32_t, kUnits * kUnits> sem{};

  // The instructions in program order, for the timing replay (functional/timing.h).
  std::vector<TimedOp> timed;

  std::string state() const {
    std::string s = fmt::format("state: pc={} of {} tokens:", pc, n_insns);
    bool any = false;
    for (int ch = 0; ch < kUnits * kUnits; ++ch)
      if (sem[static_cast<size_t>(ch)]) {
        s += fmt::format(" {}={}", chan_name(ch), sem[static_cast<size_t>(ch)]);
        any = true;
      }
    if (!any) s += " none";
    for (int u = 0; u < kUnits; ++u) {
      s += fmt::format(" {}_queue=[", unit_lower(u));
      for (size_t i = 0; i < q[u].size(); ++i) s += fmt::format("{}{}", i ? " " : "", q[u][i].pc);
      s += "]";
    }
    return s;
  }
};

namespace {

// The message follows the runtime's DeviceError reports (device/device.cpp), plus the model's
// reason and queue state. state: the Run's snapshot, evaluated only on this error path.
[[noreturn]] void raise(const arch::Config& cfg, const std::string& state, ErrorCode code, uint32_t pc, uint32_t info,
                        const isa::Insn* insn, uint32_t insn_pc, const std::string& why) {
  const std::string at = !insn ? "(no instruction)" : insn_pc == pc ? isa::disassemble(*insn) : "(next to dispatch)";
  std::string rep =
      fmt::format("device error {} at instruction {}: {}\n  info: 0x{:08x}\n", arch::error_name(code), pc, at, info);
  if (insn && insn_pc != pc) rep += fmt::format("  raised by instruction {}: {}\n", insn_pc, isa::disassemble(*insn));
  rep += fmt::format("  why: {}\n  model [{}] {}", why, cfg.name, state);
  throw rt::DeviceError(code, pc, info, false, rep);
}

// Rows of a VEC operand, and the row ranges its operand checks and the DOTS timing share: one
// past the last b row of DOTS's or WSUM's last position, and one past the row holding flat
// element (row, lane) + count - 1.
uint64_t vec_rows(const isa::Vec& v) { return (uint64_t{v.len} + arch::kVectorLanes - 1) / arch::kVectorLanes; }
uint64_t positions_end(const isa::Vec& v) { return v.src2 + (v.count() - 1) * uint64_t{v.stride()} + vec_rows(v); }
uint64_t flat_rows_end(uint64_t row, uint64_t lane, uint64_t count) {
  return (row * arch::kVectorLanes + lane + count - 1) / arch::kVectorLanes + 1;
}

}  // namespace

FunctionalModel::FunctionalModel(const arch::Config& cfg, uint64_t dram_bytes, uint32_t mem_latency,
                                 uint32_t mem_bytes_per_cycle)
    : cfg_(cfg),
      dram_bytes_(dram_bytes),
      mem_latency_(mem_latency ? mem_latency : cfg.MemLatency),
      mem_bytes_per_cycle_(mem_bytes_per_cycle ? mem_bytes_per_cycle : cfg.MemBytesPerCycle) {
  const uint32_t bus = cfg.BusBytes;
  // The RTL selects tiles and beats with address bits, so these must divide evenly.
  if (!is_pow2(bus) || !is_pow2(cfg.Tiles) || cfg.Rows == 0 || cfg.Lanes == 0 || cfg.WDepth == 0 || cfg.ActWords == 0 ||
      cfg.OutWords == 0 || cfg.VRows == 0 || bus != arch::kVectorLanes || arch::kVectorLanes % cfg.Rows != 0 ||
      cfg.MaxBurst == 0 || cfg.AccW == 0 || cfg.AccW > 32 ||
      cfg.Engine > static_cast<uint32_t>(arch::Engine::BF16) || (!cfg.WPack && cfg.wgt_word_bytes() % bus != 0) ||
      (cfg.WPack && (cfg.Engine != static_cast<uint32_t>(arch::Engine::TERNARY) || cfg.wgt_word_bytes() < bus)) || (cfg.Tiles * cfg.Lanes) % bus != 0 || (cfg.Rows * 4) % bus != 0)
    throw std::invalid_argument(fmt::format("tasu model: configuration '{}' has unsupported sizes", cfg.name));
  if (dram_bytes == 0 || rt::Device::kDramBase + dram_bytes > (uint64_t{1} << 32))
    throw std::invalid_argument("tasu model: the DRAM window must be non-empty and below 4 GiB (32-bit addresses)");
  K_ = cfg.Tiles * cfg.Lanes;
  wb_ = cfg.wgt_word_bytes() / bus;
  ab_ = K_ / bus;
  ob_ = cfg.out_beats_per_word();
  wgt_beats_ = uint64_t{arch::kWgtBuffers} * (cfg.WPack ? uint64_t{cfg.WDepth} * cfg.Tiles : cfg.wgt_buffer_beats());
  act_beats_ = uint64_t{cfg.ActWords} * ab_;
  out_beats_ = uint64_t{cfg.OutWords} * ob_;
  vsp_beats_ = uint64_t{cfg.VRows} * cfg.vsp_row_bytes() / bus;
  dram_.reset(static_cast<uint8_t*>(std::calloc(dram_bytes, 1)));
  if (!dram_) throw std::bad_alloc();
  if (cfg.Engine == static_cast<uint32_t>(arch::Engine::BF16))
    wgt_bf16_.assign(size_t{arch::kWgtBuffers} * cfg.Rows * cfg.WDepth * K_, 0);
  else
    wgt_.assign(size_t{arch::kWgtBuffers} * cfg.Rows * cfg.WDepth * K_, 0);
  act_.assign(size_t{cfg.ActWords} * K_, 0);
  out_.assign(size_t{cfg.OutWords} * cfg.Rows, 0);
  vsp_.assign(size_t{cfg.VRows} * arch::kVectorLanes, 0);
}

bool FunctionalModel::dram_ok(uint64_t addr, uint64_t bytes) const {
  return addr >= rt::Device::kDramBase && addr + bytes <= rt::Device::kDramBase + dram_bytes_;
}

void FunctionalModel::write_dram(uint64_t addr, const void* src, size_t bytes) {
  if (addr < rt::Device::kDramBase || addr - rt::Device::kDramBase > dram_bytes_ ||
      bytes > dram_bytes_ - (addr - rt::Device::kDramBase))
    throw std::out_of_range(fmt::format("tasu model: host write of {} bytes at 0x{:x} is outside DRAM", bytes, addr));
  if (bytes) std::memcpy(dram_at(addr), src, bytes);
}

void FunctionalModel::read_dram(uint64_t addr, void* dst, size_t bytes) const {
  if (addr < rt::Device::kDramBase || addr - rt::Device::kDramBase > dram_bytes_ ||
      bytes > dram_bytes_ - (addr - rt::Device::kDramBase))
    throw std::out_of_range(fmt::format("tasu model: host read of {} bytes at 0x{:x} is outside DRAM", bytes, addr));
  if (bytes) std::memcpy(dst, dram_.get() + (addr - rt::Device::kDramBase), bytes);
}

constexpr uint32_t kBufs = arch::kWgtBuffers;

int8_t FunctionalModel::weight(uint32_t buf, uint32_t depth, uint32_t tile, uint32_t row, uint32_t lane) const {
  if (buf >= kBufs || depth >= cfg_.WDepth || tile >= cfg_.Tiles || row >= cfg_.Rows || lane >= cfg_.Lanes || wgt_.empty())
    throw std::out_of_range("tasu model: weight index out of range (or a BF16 engine: use weight_bf16)");
  return wgt_[((size_t{buf} * cfg_.Rows + row) * cfg_.WDepth + depth) * K_ + tile * cfg_.Lanes + lane];
}

uint16_t FunctionalModel::weight_bf16(uint32_t buf, uint32_t depth, uint32_t tile, uint32_t row, uint32_t lane) const {
  if (buf >= kBufs || depth >= cfg_.WDepth || tile >= cfg_.Tiles || row >= cfg_.Rows || lane >= cfg_.Lanes ||
      wgt_bf16_.empty())
    throw std::out_of_range("tasu model: weight index out of range (or not a BF16 engine)");
  return wgt_bf16_[((size_t{buf} * cfg_.Rows + row) * cfg_.WDepth + depth) * K_ + tile * cfg_.Lanes + lane];
}

int8_t FunctionalModel::act(uint32_t word, uint32_t byte) const {
  if (word >= cfg_.ActWords || byte >= K_) throw std::out_of_range("tasu model: activation index out of range");
  return act_[size_t{word} * K_ + byte];
}

int32_t FunctionalModel::out(uint32_t word, uint32_t row) const {
  if (word >= cfg_.OutWords || row >= cfg_.Rows) throw std::out_of_range("tasu model: output index out of range");
  return out_[size_t{word} * cfg_.Rows + row];
}

uint32_t FunctionalModel::vsp(uint32_t row, uint32_t lane) const {
  if (row >= cfg_.VRows || lane >= arch::kVectorLanes) throw std::out_of_range("tasu model: scratchpad index out of range");
  return vsp_[size_t{row} * arch::kVectorLanes + lane];
}

// A beat is a slice of one tile's word of Rows x Lanes weights, row-major; consecutive words go
// to consecutive tiles, as the engine's fill decoder does. Ternary: 2-bit codes (bit 0 "use",
// bit 1 "negate"); INT8: bytes; BF16: little-endian 16-bit words.
void FunctionalModel::write_wgt_beat(uint64_t beat, const uint8_t* data) {
  const uint64_t word = beat / wb_, in_word = beat % wb_;
  const uint32_t tile = static_cast<uint32_t>(word % cfg_.Tiles);
  const uint64_t local = word / cfg_.Tiles;
  const uint64_t buf = local / cfg_.WDepth, d = local % cfg_.WDepth;
  const size_t base = (buf * cfg_.Rows * cfg_.WDepth + d) * K_ + tile * cfg_.Lanes;
  const size_t row_step = size_t{cfg_.WDepth} * K_;
  const uint32_t per_beat = cfg_.BusBytes * 8 / cfg_.wgt_bits();
  // Weight k of the beat is lane `lane` of row `row`; both advance without a division per
  // weight (this loop is most of a functional-model run's time otherwise).
  const uint64_t first = in_word * per_beat;
  uint64_t row = first / cfg_.Lanes, lane = first % cfg_.Lanes;
  const auto engine = static_cast<arch::Engine>(cfg_.Engine);
  static constexpr int8_t kTernary[4] = {0, 1, 0, -1};  // code: bit 0 use, bit 1 negate
  for (uint32_t k = 0; k < per_beat; ++k) {
    const size_t at = base + row * row_step + lane;
    if (engine == arch::Engine::TERNARY)
      wgt_[at] = kTernary[(data[k / 4] >> (2 * (k % 4))) & 3u];
    else if (engine == arch::Engine::INT8)
      wgt_[at] = static_cast<int8_t>(data[k]);
    else
      wgt_bf16_[at] = static_cast<uint16_t>(data[2 * k] | data[2 * k + 1] << 8);
    if (++lane == cfg_.Lanes) {
      lane = 0;
      ++row;
    }
  }
}

// WPack: a whole word of five weights per byte (rtl/engine/tasu_wgt_gearbox.sv writes it whole,
// the tile decodes it after its read; isa::unpack_trit5 is the same decoding).
void FunctionalModel::write_wgt_packed_word(uint64_t word, const uint8_t* data) {
  const uint32_t tile = static_cast<uint32_t>(word % cfg_.Tiles);
  const uint64_t local = word / cfg_.Tiles;
  const uint64_t buf = local / cfg_.WDepth, d = local % cfg_.WDepth;
  const size_t base = (buf * cfg_.Rows * cfg_.WDepth + d) * K_ + tile * cfg_.Lanes;
  const size_t row_step = size_t{cfg_.WDepth} * K_;
  // Decoded in chunks of whole bytes; row and lane advance without a division per weight (as in
  // write_wgt_beat).
  int8_t trits[5 * 256];
  const size_t n = size_t{cfg_.Rows} * cfg_.Lanes;
  size_t row = 0, lane = 0;
  for (size_t done = 0; done < n; done += sizeof trits) {
    const size_t m = std::min(n - done, sizeof trits);
    isa::unpack_trit5(data + done / 5, m, trits);
    for (size_t k = 0; k < m; ++k) {
      wgt_[base + row * row_step + lane] = trits[k];
      if (++lane == cfg_.Lanes) {
        lane = 0;
        ++row;
      }
    }
  }
}

namespace {

// The load DMA splits each row into bursts of at most MaxBurst beats starting at the row's first
// beat and checks each burst against the buffer before requesting it; the RTL reports the start
// of the first failing burst. Positions count in units of `unit` per beat: beats (unit 1), or
// for a packed weight LOAD bytes of the packed space (unit BusBytes, from sram = first word *
// word bytes, cap = the last byte a burst may end at).
bool first_over_capacity(uint64_t sram, uint32_t rows, uint32_t row_beats, uint32_t max_burst, uint64_t cap,
                         uint64_t& bad, uint64_t unit = 1) {
  if (sram + uint64_t{rows} * row_beats * unit <= cap) return false;
  for (uint32_t i = 0; i < rows; ++i)
    for (uint32_t j = 0; j < row_beats; j += max_burst) {
      const uint64_t len = std::min(max_burst, row_beats - j) * unit;
      if (sram + len > cap) {
        bad = sram;
        return true;
      }
      sram += len;
    }
  return false;  // unreachable: the total exceeded cap
}

}  // namespace

void FunctionalModel::exec_load(const Op& op, Run& r) {
  const isa::Transfer t = isa::transfer_of(op.insn);
  const uint32_t dst = static_cast<uint32_t>(op.insn.get(arch::field::dst));
  const uint32_t bus = cfg_.BusBytes;
  check_aligned(op, r, t);
  if (t.rows == 0 || t.row_beats == 0 || dst > static_cast<uint32_t>(arch::LoadDst::VSP))
    raise(cfg_, r.state(), ErrorCode::BAD_OPERAND, op.pc,
          arch::put(arch::regf::ERR_INFO_TRANSFER::dst, dst) | arch::put(arch::regf::ERR_INFO_TRANSFER::rows, t.rows),
          &op.insn, op.pc,
          "LOAD needs rows >= 1, row_beats >= 1 and dst wgt, act or vsp");
  const bool to_act = dst == static_cast<uint32_t>(arch::LoadDst::ACT);
  const bool to_vsp = dst == static_cast<uint32_t>(arch::LoadDst::VSP);
  const uint64_t cap = to_act ? act_beats_ : to_vsp ? vsp_beats_ : wgt_beats_;
  // The request side checks every burst before its data comes back (and drops all data after an
  // error), so a capacity error wins over a bus error and nothing of this LOAD lands.
  uint64_t bad;
  const bool packed = cfg_.WPack && !to_act && !to_vsp;
  if (packed) {
    // Bytes of the packed weight space: a burst fits if it ends before the byte after the last
    // word's (its words then fit; the rest of the last beat is padding). ERR_INFO is the byte.
    const uint64_t wb = cfg_.wgt_word_bytes();
    if (first_over_capacity(uint64_t{t.sram_beat} * wb, t.rows, t.row_beats, cfg_.MaxBurst, (wgt_beats_ + 1) * wb - 1,
                            bad, bus))
      raise(cfg_, r.state(), ErrorCode::BAD_OPERAND, op.pc, static_cast<uint32_t>(bad), &op.insn, op.pc,
            fmt::format("fills words from {} past the {}-word weight space (byte {} of its packed image)",
                        t.sram_beat, wgt_beats_, bad));
  } else if (first_over_capacity(t.sram_beat, t.rows, t.row_beats, cfg_.MaxBurst, cap, bad))
    raise(
        cfg_, r.state(), ErrorCode::BAD_OPERAND, op.pc, static_cast<uint32_t>(bad), &op.insn, op.pc,
        fmt::format("writes beats {}..{} of the {}-beat {} space", t.sram_beat,
                    uint64_t{t.sram_beat} + uint64_t{t.rows} * t.row_beats - 1, cap, to_act ? "activation" : "weight"));

  // WPack: the LOAD's beats are one byte stream of whole words from word sram_beat on.
  std::vector<uint8_t> held;
  uint64_t next_word = t.sram_beat;
  for_each_burst(op, r, t, false, [&](uint64_t beat, uint8_t* src, uint32_t len) {
    if (packed) {
      held.insert(held.end(), src, src + size_t{len} * bus);
      const size_t wb = cfg_.wgt_word_bytes();
      size_t used = 0;
      for (; held.size() - used >= wb; used += wb) write_wgt_packed_word(next_word++, held.data() + used);
      held.erase(held.begin(), held.begin() + static_cast<std::ptrdiff_t>(used));
    } else if (to_act) {
      std::memcpy(act_.data() + beat * bus, src, size_t{len} * bus);
    } else if (to_vsp) {
      const uint32_t per_beat = bus / 4;
      for (size_t e = 0; e < size_t{len} * per_beat; ++e)
        vsp_[beat * per_beat + e] = static_cast<uint32_t>(src[4 * e]) | static_cast<uint32_t>(src[4 * e + 1]) << 8 |
                                    static_cast<uint32_t>(src[4 * e + 2]) << 16 | static_cast<uint32_t>(src[4 * e + 3]) << 24;
    } else {
      for (uint32_t k = 0; k < len; ++k) write_wgt_beat(beat + k, src + size_t{k} * bus);
    }
  });
}

void FunctionalModel::exec_matmul(const Op& op, Run& r) {
  const isa::Matmul m = isa::matmul_of(op.insn);
  if (m.depth == 0 || m.woff + m.depth > cfg_.WDepth || m.tokens == 0)
    raise(cfg_, r.state(), ErrorCode::BAD_OPERAND, op.pc,
          arch::put(arch::regf::ERR_INFO_MATMUL::tokens, m.tokens) | arch::put(arch::regf::ERR_INFO_MATMUL::woff, m.woff) |
              arch::put(arch::regf::ERR_INFO_MATMUL::depth, m.depth),
          &op.insn,
          op.pc, fmt::format("MATMUL needs depth >= 1, woff + depth <= {} and tokens >= 1", cfg_.WDepth));
  const size_t n = size_t{m.depth} * K_;
  const size_t buf_at = (size_t{m.wbuf} * cfg_.Rows * cfg_.WDepth + m.woff) * K_;
  const size_t row_stride = size_t{cfg_.WDepth} * K_;
  const bool bf16 = cfg_.Engine == static_cast<uint32_t>(arch::Engine::BF16);
  std::vector<int32_t> sums(cfg_.Rows);
  for (uint32_t tok = 0; tok < m.tokens; ++tok) {
    // Checked per token when its first step issues: earlier tokens are already written.
    const uint64_t a = uint64_t{m.act_word} + uint64_t{tok} * m.act_stride;
    const uint64_t o = uint64_t{m.out_word} + tok;
    if (a + m.depth > cfg_.ActWords || o >= cfg_.OutWords)
      raise(cfg_, r.state(), ErrorCode::BAD_OPERAND, op.pc, static_cast<uint32_t>(a), &op.insn, op.pc,
            fmt::format("token {} reads activation words {}..{} (of {}) and writes output word {} (of {})", tok, a,
                        a + m.depth - 1, cfg_.ActWords, o, cfg_.OutWords));
    int32_t* dst = out_.data() + o * cfg_.Rows;
    if (bf16) {
      for (uint32_t row = 0; row < cfg_.Rows; ++row)
        dst[row] = static_cast<int32_t>(dot_bf16(wgt_bf16_.data() + buf_at + row * row_stride, act_.data() + a * K_,
                                                 m.depth, m.accumulate ? static_cast<uint32_t>(dst[row]) : 0u,
                                                 cfg_.Tiles, cfg_.Lanes));
      continue;
    }
    dot_rows(wgt_.data() + buf_at, row_stride, act_.data() + a * K_, n, cfg_.Rows, sums.data());
    for (uint32_t row = 0; row < cfg_.Rows; ++row) {
      const uint32_t base = m.accumulate ? static_cast<uint32_t>(dst[row]) : 0u;
      dst[row] = wrap_acc(base + static_cast<uint32_t>(sums[row]), cfg_.AccW);
    }
  }
}

void FunctionalModel::exec_store(const Op& op, Run& r) {
  const isa::Transfer t = isa::transfer_of(op.insn);
  const uint32_t bus = cfg_.BusBytes;
  check_aligned(op, r, t);
  if (t.rows == 0 || t.row_beats == 0)
    raise(cfg_, r.state(), ErrorCode::BAD_OPERAND, op.pc, t.rows, &op.insn, op.pc,
          "STORE needs rows >= 1 and row_beats >= 1");
  // The data side reads the output buffer beat by beat, well ahead of the write responses, and
  // stops at the first beat outside it: that beat is the info, and the error wins over a bus error.
  const bool from_vsp = op.insn.get(arch::field::src) == static_cast<uint64_t>(arch::StoreSrc::VSP);
  const uint64_t cap = from_vsp ? vsp_beats_ : out_beats_;
  const uint64_t end = uint64_t{t.sram_beat} + uint64_t{t.rows} * t.row_beats;
  if (end > cap)
    raise(cfg_, r.state(), ErrorCode::BAD_OPERAND, op.pc, static_cast<uint32_t>(std::max<uint64_t>(t.sram_beat, cap)),
          &op.insn, op.pc,
          fmt::format("reads beats {}..{} of the {}-beat {} space", t.sram_beat, end - 1, cap,
                      from_vsp ? "scratchpad" : "output"));
  const uint32_t per_beat = bus / 4;  // int32 results per beat
  for_each_burst(op, r, t, true, [&](uint64_t beat, uint8_t* p, uint32_t len) {
    for (size_t e = 0; e < size_t{len} * per_beat; ++e) {
      const uint32_t v = from_vsp ? vsp_[beat * per_beat + e] : static_cast<uint32_t>(out_[beat * per_beat + e]);
      p[4 * e] = static_cast<uint8_t>(v);
      p[4 * e + 1] = static_cast<uint8_t>(v >> 8);
      p[4 * e + 2] = static_cast<uint8_t>(v >> 16);
      p[4 * e + 3] = static_cast<uint8_t>(v >> 24);
    }
  });
}

// The vector unit (rtl/vu/tasu_vu.sv): operand checks first (nothing runs on a bad instruction),
// then the rows in order. FROM_OUT checks each output word as it is issued, so the words before
// a bad one are already copied, as in the RTL.
void FunctionalModel::exec_vec(const Op& op, Run& r) {
  using arch::VectorBMode;
  using arch::VectorKind;
  const isa::Vec v = isa::vec_of(op.insn);
  constexpr uint32_t L = arch::kVectorLanes;
  const uint64_t rows = (uint64_t{v.len} + L - 1) / L, vr = cfg_.VRows;
  const uint32_t info = arch::put(arch::regf::ERR_INFO_VEC::vkind, static_cast<uint32_t>(v.kind)) |
                        arch::put(arch::regf::ERR_INFO_VEC::vlen, v.len);
  auto bad = [&](const std::string& why) {
    raise(cfg_, r.state(), ErrorCode::BAD_OPERAND, op.pc, info, &op.insn, op.pc, "VEC " + why);
  };
  const bool b_vec = v.bmode == VectorBMode::VEC, b_scalar = v.bmode == VectorBMode::SCALAR;
  const bool b_row = v.bmode == VectorBMode::ROW;
  // ELEM with a stepped scalar: row r takes element (vsrc2, vlane) + r (flat) as its b.
  const bool stepped = v.kind == VectorKind::ELEM && b_scalar && v.step;
  const uint64_t step0 = uint64_t{v.src2} * L + v.lane;
  // DOTS with vop MAX: each position's maximum (vsrc1 unused).
  const bool dmax = v.kind == VectorKind::DOTS && v.op == arch::VectorOp::MAX;
  auto overlaps = [&](uint64_t s) { return s != v.dst && s < v.dst + rows && v.dst < s + rows; };
  const bool bad_b = (b_vec && v.src2 + rows > vr) || ((b_scalar || b_row) && v.src2 >= vr);
  const bool bad_src1 = v.src1 + rows > vr;
  // TO_ACT with vop QMUL packs QMUL(a, b), b as ELEM takes it; with any other vop, a as it is.
  const bool qact = v.kind == VectorKind::TO_ACT && v.op == arch::VectorOp::QMUL;
  if (v.len == 0) bad("needs len >= 1");
  switch (v.kind) {
    case VectorKind::ELEM:
      if (static_cast<uint32_t>(v.op) > static_cast<uint32_t>(arch::VectorOp::MADD)) bad("has an unknown vop");
      if (bad_b || bad_src1 || v.dst + rows > vr)
        bad(fmt::format("operands leave the {}-row scratchpad", vr));
      if (overlaps(v.src1) || (b_vec && overlaps(v.src2)))
        bad("writes rows that overlap a source vector at another offset");
      if (b_row && v.src2 >= v.dst && v.src2 < v.dst + rows) bad("writes the row it repeats as b");
      if (stepped && step0 + rows > vr * L) bad(fmt::format("steps its scalar b past the {}-row scratchpad", vr));
      if (stepped && v.src2 < v.dst + rows && v.dst < (step0 + rows - 1) / L + 1)
        bad("writes rows that hold its stepped scalar b");
      break;
    case VectorKind::DOT:
      if (bad_b || bad_src1 || v.dst >= vr) bad(fmt::format("operands leave the {}-row scratchpad", vr));
      break;
    case VectorKind::MAX:
      if (bad_src1 || v.dst >= vr) bad(fmt::format("operands leave the {}-row scratchpad", vr));
      break;
    case VectorKind::FROM_OUT:
      if (v.dst + rows > vr) bad(fmt::format("writes past the {}-row scratchpad", vr));
      break;
    case VectorKind::TO_ACT:
      if (bad_src1 || v.dst + rows > act_beats_ || (qact && bad_b))
        bad(fmt::format("reads past the scratchpad or writes past the {}-beat activation space", act_beats_));
      break;
    case VectorKind::DOTS:
    case VectorKind::WSUM: {
      // count positions, the b rows of position p at vsrc2 + p * stride; DOTS writes element
      // (vdst, vlane) + p (flat), WSUM takes its weight from element (vsrc1, vlane) + p.
      const uint64_t count = v.count();
      if (count == 0) bad("needs count (vcount) >= 1");
      const uint64_t bspan_end = positions_end(v);
      auto ovl = [](uint64_t alo, uint64_t ahi, uint64_t blo, uint64_t bhi) { return alo < bhi && blo < ahi; };
      if (bspan_end > vr) bad(fmt::format("positions leave the {}-row scratchpad", vr));
      if (v.kind == VectorKind::DOTS) {
        const uint64_t flat_end = uint64_t{v.dst} * L + v.lane + count, dst_hi = flat_rows_end(v.dst, v.lane, count);
        if ((!dmax && bad_src1) || flat_end > vr * L) bad(fmt::format("operands leave the {}-row scratchpad", vr));
        if ((!dmax && ovl(v.dst, dst_hi, v.src1, v.src1 + rows)) || ovl(v.dst, dst_hi, v.src2, bspan_end))
          bad("writes results into rows it reads");
      } else {
        const uint64_t flat_end = uint64_t{v.src1} * L + v.lane + count, s_hi = flat_rows_end(v.src1, v.lane, count);
        if (v.dst + rows > vr || flat_end > vr * L) bad(fmt::format("operands leave the {}-row scratchpad", vr));
        if (ovl(v.dst, v.dst + rows, v.src2, bspan_end) || ovl(v.dst, v.dst + rows, v.src1, s_hi))
          bad("writes rows it reads as values or weights");
      }
      break;
    }
    default:
      bad("has an unknown vkind");
  }

  uint32_t* sp = vsp_.data();
  auto b_at = [&](uint64_t i) {
    return b_vec ? sp[v.src2 * L + i] : b_row ? sp[v.src2 * L + i % L] : b_scalar ? sp[v.src2 * L + v.lane] : v.imm;
  };
  // vrot: lane l of a row reads lane l xor L/2 (ELEM, DOT, TO_ACT with QMUL).
  auto a_at = [&](uint64_t i) { return sp[v.src1 * L + (v.rot ? (i ^ (L / 2)) : i)]; };
  // The lane results of ELEM (and TO_ACT with QMUL) for the row from element i0 (n elements)
  // into y. The scalar b is read once, before any write; only by the kinds that take a b from
  // the scratchpad (the others' vsrc2 is unchecked: FROM_OUT's is its stride).
  const bool uses_b = v.kind == VectorKind::ELEM || qact;
  const uint32_t scalar = b_scalar && uses_b ? sp[v.src2 * L + v.lane] : 0;
  auto lane_row = [&](uint64_t i0, uint64_t n, std::array<uint32_t, L>& y) {
    for (uint64_t i = i0; i < i0 + n; ++i) {
      const uint32_t a = a_at(i), b = stepped ? sp[step0 + i / L] : b_scalar ? scalar : b_at(i);
      y[i - i0] = vec::elem(v.op, a, b, v.imm, v.swap);  // MADD's addend vimm (also b in IMM mode)
    }
  };
  switch (v.kind) {
    case VectorKind::ELEM: {
      // Row by row, each row read whole before it is written (in place with vrot reads across it).
      std::array<uint32_t, L> y{};
      for (uint64_t i0 = 0; i0 < v.len; i0 += L) {
        const uint64_t n = std::min<uint64_t>(L, v.len - i0);
        lane_row(i0, n, y);
        std::copy(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(n), sp + v.dst * L + i0);
      }
      break;
    }
    case VectorKind::DOT: {
      vec::LaneReduce red(arch::VectorOp::ADD, 0);
      std::array<uint32_t, L> p{};
      for (uint64_t i = 0; i < v.len; i += L) {
        const int n = static_cast<int>(std::min<uint64_t>(L, v.len - i));
        for (int l = 0; l < n; ++l) {
          const uint32_t a = a_at(i + l), b = b_at(i + l);
          p[static_cast<size_t>(l)] = v.swap ? vec::lane(arch::VectorOp::MUL, b, a) : vec::lane(arch::VectorOp::MUL, a, b);
        }
        red.row(p.data(), n);
      }
      sp[v.dst * L + v.lane] = red.finish();
      break;
    }
    case VectorKind::MAX: {
      vec::LaneReduce red(arch::VectorOp::MAX, v.imm);
      if (v.op == arch::VectorOp::ABS) {  // the reduction of |a|, row by row
        std::array<uint32_t, L> mag{};
        for (uint64_t i = 0; i < v.len; i += L) {
          const int n = static_cast<int>(std::min<uint64_t>(L, v.len - i));
          for (int l = 0; l < n; ++l) mag[static_cast<size_t>(l)] = vec::lane(arch::VectorOp::ABS, sp[v.src1 * L + i + l], 0);
          red.row(mag.data(), n);
        }
      } else {
        red.elements(sp + v.src1 * L, v.len);
      }
      sp[v.dst * L + v.lane] = red.finish();
      break;
    }
    case VectorKind::FROM_OUT: {
      const uint64_t words = (uint64_t{v.len} + cfg_.Rows - 1) / cfg_.Rows;
      for (uint64_t w = 0; w < words; ++w) {
        const uint64_t o = v.src1 + w * v.src2;
        if (o >= cfg_.OutWords)
          raise(cfg_, r.state(), ErrorCode::BAD_OPERAND, op.pc, info, &op.insn, op.pc,
                fmt::format("VEC FROM_OUT reads output word {} of {}", o, cfg_.OutWords));
        for (uint64_t e = w * cfg_.Rows; e < std::min<uint64_t>(v.len, (w + 1) * cfg_.Rows); ++e)
          sp[v.dst * L + e] = static_cast<uint32_t>(out_[o * cfg_.Rows + e % cfg_.Rows]);
      }
      break;
    }
    case VectorKind::DOTS: {
      const uint64_t count = v.count(), stride = v.stride();
      std::array<uint32_t, L> p{};
      for (uint64_t j = 0; j < count; ++j) {
        const uint32_t* b = sp + (v.src2 + j * stride) * L;
        if (dmax) {  // from the lowest finite binary32, in MAX's order
          vec::LaneReduce red(arch::VectorOp::MAX, 0xff7fffffu);
          red.elements(b, v.len);
          sp[uint64_t{v.dst} * L + v.lane + j] = red.finish();
          continue;
        }
        vec::LaneReduce red(arch::VectorOp::ADD, 0);
        for (uint64_t i = 0; i < v.len; i += L) {
          const int n = static_cast<int>(std::min<uint64_t>(L, v.len - i));
          for (int l = 0; l < n; ++l)
            p[static_cast<size_t>(l)] = vec::lane(arch::VectorOp::MUL, sp[v.src1 * L + i + l], b[i + l]);
          red.row(p.data(), n);
        }
        sp[uint64_t{v.dst} * L + v.lane + j] = red.finish();
      }
      break;
    }
    case VectorKind::WSUM: {
      const uint64_t count = v.count(), stride = v.stride();
      uint32_t* d = sp + uint64_t{v.dst} * L;
      for (uint64_t j = 0; j < count; ++j) {
        const uint32_t w = sp[uint64_t{v.src1} * L + v.lane + j];
        const uint32_t* b = sp + (v.src2 + j * stride) * L;
        for (uint64_t i = 0; i < v.len; ++i)
          d[i] = vec::lane(arch::VectorOp::ADD, d[i], vec::lane(arch::VectorOp::MUL, w, b[i]));
      }
      break;
    }
    case VectorKind::TO_ACT: {
      // One beat (L bytes) per scratchpad row; bytes past len are zero.
      std::array<uint32_t, L> y{};
      for (uint64_t row = 0; row < rows; ++row) {
        const uint64_t n = std::min<uint64_t>(L, v.len - row * L);
        if (qact) lane_row(row * L, n, y);
        else std::copy(sp + v.src1 * L + row * L, sp + v.src1 * L + row * L + n, y.begin());
        for (uint32_t l = 0; l < L; ++l)
          act_[(v.dst + row) * L + l] = static_cast<int8_t>(l < n ? static_cast<uint8_t>(y[l]) : 0);
      }
      break;
    }
  }
}

// A DOTS: the cycles from taking it to the cycle its last row leaves the lanes for the tree, when
// the unit may take the next DOTS of its kind (timing.h).
uint64_t FunctionalModel::dots_pipe(const isa::Vec& v) { return vec_rows(v) * v.count() + (v.op == arch::VectorOp::MAX ? 2 : 3); }

uint64_t FunctionalModel::vec_cycles(const isa::Insn& insn) const {
  const isa::Vec v = isa::vec_of(insn);
  const uint64_t rows = (uint64_t{v.len} + arch::kVectorLanes - 1) / arch::kVectorLanes;
  const uint64_t scalar = v.bmode == arch::VectorBMode::SCALAR ? 2 : 0;
  switch (v.kind) {
    // A row per cycle (multiply one row while adding the one before), drain, the lane tree's
    // levels, result.
    case arch::VectorKind::DOT: return scalar + rows + 2 + arch::kVectorLaneBits + 2;
    case arch::VectorKind::MAX: return rows + 1 + arch::kVectorLaneBits + 2;
    // ELEM, FROM_OUT and TO_ACT complete in the cycle their last row is written: the cycle
    // taking the instruction, a row (or output word) a cycle, and the last row's write.
    case arch::VectorKind::FROM_OUT: return (uint64_t{v.len} + cfg_.Rows - 1) / cfg_.Rows + 1;
    // The scalar b is fetched only when the rows pass through the lanes (vop QMUL).
    case arch::VectorKind::TO_ACT: return (v.op == arch::VectorOp::QMUL ? scalar : 0) + rows + 1;
    // A row per cycle and position, the pipeline, the tree's stages (one per level) after the last;
    // done in the cycle the last result is written. With vop MAX the rows pass through the lanes
    // once: the tree takes them a cycle earlier.
    case arch::VectorKind::DOTS:
      return dots_pipe(v) + arch::kVectorLaneBits - 1;
    // A row per cycle and position; the weights' fetch (two cycles) for each scratchpad row of
    // weights the positions reach (their elements are consecutive from (vsrc1, vlane)).
    case arch::VectorKind::WSUM: {
      const uint64_t w0 = uint64_t{v.src1} * arch::kVectorLanes + v.lane;
      const uint64_t fetches = (w0 + v.count() - 1) / arch::kVectorLanes - w0 / arch::kVectorLanes + 1;
      return rows * v.count() + 2 * fetches + 3;
    }
    // ELEM with a stepped scalar: a fetch (two cycles) for each scratchpad row of scalars its
    // rows reach, as WSUM's weights. MADD writes a row a cycle later (its add in the
    // accumulate stage).
    case arch::VectorKind::ELEM: {
      const uint64_t madd = v.op == arch::VectorOp::MADD ? 1 : 0;
      if (v.bmode == arch::VectorBMode::SCALAR && v.step) {
        const uint64_t s0 = uint64_t{v.src2} * arch::kVectorLanes + v.lane;
        return madd + rows + 1 + 2 * ((s0 + rows - 1) / arch::kVectorLanes - s0 / arch::kVectorLanes + 1);
      }
      return madd + scalar + rows + 1;
    }
    default: return scalar + rows + 1;
  }
}

void FunctionalModel::check_aligned(const Op& op, Run& r, const isa::Transfer& t) {
  const uint32_t bus = cfg_.BusBytes;
  if (t.dram_addr % bus || t.dram_stride % bus)
    raise(cfg_, r.state(), ErrorCode::MISALIGNED, op.pc, t.dram_addr, &op.insn, op.pc,
          fmt::format("dram_addr and dram_stride must be multiples of the {}-byte bus", bus));
}

void FunctionalModel::for_each_burst(const Op& op, Run& r, const isa::Transfer& t, bool write,
                                     const std::function<void(uint64_t, uint8_t*, uint32_t)>& move) {
  const uint32_t bus = cfg_.BusBytes;
  uint64_t beat = t.sram_beat;
  for (uint32_t i = 0; i < t.rows; ++i) {
    const uint32_t row_addr = t.dram_addr + i * t.dram_stride;  // 32-bit address arithmetic, as the DMA
    for (uint32_t j = 0; j < t.row_beats; j += cfg_.MaxBurst) {
      const uint32_t len = std::min(cfg_.MaxBurst, t.row_beats - j);
      const uint32_t addr = row_addr + j * bus;
      // A read error names the burst; a write error the row of the burst whose response failed.
      if (!dram_ok(addr, uint64_t{len} * bus))
        raise(cfg_, r.state(), write ? ErrorCode::BUS_WRITE : ErrorCode::BUS_READ, op.pc, write ? row_addr : addr,
              &op.insn, op.pc,
              fmt::format("row {} burst of {} beats at 0x{:08x} is outside DRAM [0x{:x}, 0x{:x})", i, len, addr,
                          rt::Device::kDramBase, rt::Device::kDramBase + dram_bytes_));
      move(beat, dram_at(addr), len);
      beat += len;
      (write ? counters_.wr_bytes : counters_.rd_bytes) += uint64_t{len} * bus;
    }
  }
}

void FunctionalModel::run(uint64_t prog_addr, uint32_t n_insns) {
  if (prog_addr > UINT32_MAX)
    throw std::invalid_argument(
        fmt::format("tasu model: program address 0x{:x} does not fit PROG_BASE (32 bits)", prog_addr));
  counters_ = {};
  timeline_.clear();
  Run r;
  r.prog_addr = prog_addr;
  r.n_insns = n_insns;
  const uint32_t bus = cfg_.BusBytes;
  const uint32_t ipb = bus / arch::kInsnBytes;  // instructions per beat
  const uint64_t total_beats = (uint64_t{n_insns} + ipb - 1) / ipb;

  auto tokens_ok = [&](int u, const Op& op) {
    for (int p = 0; p < kUnits; ++p)
      if ((op.deps.pop >> p) & 1u && r.sem[static_cast<size_t>(chan(p, u))] == 0) return false;
    return true;
  };
  auto give = [&](int s, const Op& op) {
    if (r.sem[static_cast<size_t>(s)] == kTokenMax)
      raise(cfg_, r.state(), ErrorCode::SEM_OVERFLOW, r.pc, 0, &op.insn, op.pc,
            fmt::format("this instruction's release of a {} token would take the counter past {}", chan_name(s), kTokenMax));
    ++r.sem[static_cast<size_t>(s)];
  };

  // Runs the head of unit u: takes its tokens, executes it, releases its tokens. What the timing
  // replay needs of it goes into r.timed.
  auto execute = [&](int u) {
    const Op op = r.q[static_cast<size_t>(u)].front();
    r.q[static_cast<size_t>(u)].pop_front();
    for (int p = 0; p < kUnits; ++p)
      if ((op.deps.pop >> p) & 1u) --r.sem[static_cast<size_t>(chan(p, u))];
    TimedOp& tm = r.timed[op.pc];  // one record per instruction before FINISH, in pc order
    if (u == kLd || u == kSt) {
      (u == kLd ? exec_load(op, r) : exec_store(op, r));
      const isa::Transfer t = isa::transfer_of(op.insn);
      tm.rows = t.rows;
      tm.row_beats = t.row_beats;
    } else if (u == kVu) {
      exec_vec(op, r);
      tm.cycles = vec_cycles(op.insn);
      const isa::Vec v = isa::vec_of(op.insn);
      if (v.kind == arch::VectorKind::DOTS) {
        // What lets the next DOTS start while the tree sums this one's last positions (timing.h).
        const bool dmax = v.op == arch::VectorOp::MAX;
        tm.dots = dmax ? 2 : 1;
        tm.pipe = dots_pipe(v);
        tm.res_lo = v.dst;
        tm.res_hi = static_cast<uint32_t>(flat_rows_end(v.dst, v.lane, v.count()));
        if (!dmax) {
          tm.rd_lo[0] = v.src1;
          tm.rd_hi[0] = static_cast<uint32_t>(v.src1 + vec_rows(v));
        }
        tm.rd_lo[1] = v.src2;
        tm.rd_hi[1] = static_cast<uint32_t>(positions_end(v));
      }
    } else {  // the engine
      exec_matmul(op, r);
      const isa::Matmul m = isa::matmul_of(op.insn);
      tm.cycles = uint64_t{m.depth} * m.tokens + kEnginePipe;
    }
    for (int c = 0; c < kUnits; ++c)
      if ((op.deps.push >> c) & 1u) give(chan(u, c), op);
  };

  auto deadlock = [&](const std::string& why) {
    std::string rep =
        fmt::format("watchdog: deadlock, the device would never finish: {}; no unit can make progress\n", why);
    for (int u = 0; u < kUnits; ++u) {
      if (r.q[static_cast<size_t>(u)].empty()) continue;
      const Op& op = r.q[static_cast<size_t>(u)].front();
      std::string waits;
      for (int p = 0; p < kUnits; ++p)
        if ((op.deps.pop >> p) & 1u && r.sem[static_cast<size_t>(chan(p, u))] == 0)
          waits += fmt::format("{}a token on {}, whose counter is 0", waits.empty() ? "" : " and ", chan_name(chan(p, u)));
      rep += fmt::format("  {} unit: insn {}: {}\n    waits for {}\n", unit_lower(u), op.pc, isa::disassemble(op.insn),
                         waits);
    }
    rep += fmt::format("  model [{}] {}", cfg_.name, r.state());
    throw rt::DeviceError(ErrorCode::NONE, r.pc, 0, true, rep);
  };

  bool finished = false;
  uint32_t finish_pc = 0;
  for (;;) {
    for (bool progress = true; progress;) {
      progress = false;
      for (int u = 0; u < kUnits; ++u)
        while (!r.q[static_cast<size_t>(u)].empty() && tokens_ok(u, r.q[static_cast<size_t>(u)].front())) {
          execute(u);
          progress = true;
        }
    }
    if (finished) {
      if (std::all_of(r.q.begin(), r.q.end(), [](const auto& q) { return q.empty(); })) break;
      deadlock("FINISH has been dispatched but queued instructions wait for tokens that will never come");
    }
    if (r.pc == n_insns)
      raise(cfg_, r.state(), ErrorCode::PROG_OVERRUN, r.pc, n_insns, nullptr, 0,
            fmt::format("no FINISH among the program's {} instructions", n_insns));

    // Fetch: the RTL reads the program in bursts of kFetchBurst beats, so the burst is what fails.
    const uint64_t beat = r.pc / ipb;
    const uint64_t first = beat / kFetchBurst * kFetchBurst;
    const uint64_t len = std::min<uint64_t>(kFetchBurst, total_beats - first);
    const uint64_t fetch_addr = static_cast<uint32_t>(prog_addr + first * bus);
    if (!dram_ok(fetch_addr, len * bus))
      raise(cfg_, r.state(), ErrorCode::BUS_READ, r.pc, static_cast<uint32_t>(prog_addr), nullptr, 0,
            fmt::format("instruction fetch of {} beats at 0x{:08x} is outside DRAM [0x{:x}, 0x{:x})", len, fetch_addr,
                        rt::Device::kDramBase, rt::Device::kDramBase + dram_bytes_));
    const isa::Insn insn =
        isa::Insn::from_bytes(dram_at(fetch_addr + (beat - first) * bus + (r.pc % ipb) * arch::kInsnBytes));
    const uint32_t low = static_cast<uint32_t>(insn.w[0]);
    const isa::Deps deps = isa::deps_of(insn);
    const Opcode opc = insn.opcode();
    const int u = isa::unit_of(opc);
    if (u < 0 && opc != Opcode::FINISH)
      raise(cfg_, r.state(), ErrorCode::ILLEGAL_OPCODE, r.pc, low, &insn, r.pc,
            fmt::format("opcode {} is not LOAD, MATMUL, STORE, VEC or FINISH", static_cast<unsigned>(opc)));
    if (u >= 0 && (((deps.pop | deps.push) >> u) & 1u))
      raise(cfg_, r.state(), ErrorCode::BAD_OPERAND, r.pc, low, &insn, r.pc,
            fmt::format("{} runs on the {} unit, which has no token channel to itself: pop_{} and push_{} must be 0",
                        arch::opcode_name(opc), unit_lower(u), unit_lower(u), unit_lower(u)));
    if (u < 0) {
      finished = true;
      finish_pc = r.pc;
      ++r.pc;
      continue;
    }
    auto& q = r.q[static_cast<size_t>(u)];
    if (q.size() == kQueueDepth)
      deadlock(fmt::format("dispatch of insn {} ({}) waits for room in the full {} queue", r.pc, isa::disassemble(insn),
                           unit_lower(u)));
    q.push_back(Op{r.pc, insn, deps});
    r.timed.push_back(TimedOp{r.pc, static_cast<uint8_t>(u), deps.pop, deps.push, 0, 0, 0});
    ++counters_.insns;
    ++r.pc;
  }
  TimingResult tr = replay_timing(cfg_, mem_latency_, mem_bytes_per_cycle_, r.timed, finish_pc, n_insns, record_);
  counters_.rd_bytes += tr.fetched_beats * bus;  // the program as far as the fetch read it
  counters_.cycles = tr.cycles;
  counters_.ld_busy = tr.ld_busy;
  counters_.ex_busy = tr.ex_busy;
  counters_.vu_busy = tr.vu_busy;
  counters_.st_busy = tr.st_busy;
  if (record_) timeline_ = std::move(tr.timeline);
}

}  // namespace tasu::model
