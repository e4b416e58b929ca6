// Random stimulus shared by the token bench (test_rtl_tokens) and the random regression
// (testbench/regress): programs that mix every unit over small shared regions, so that most
// instructions conflict with one of another unit, with tokens from the program builder; and a
// bench that runs one program from the same DRAM image on the RTL and on the functional model.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "codegen/program_builder.h"
#include "isa/insn.h"
#include "device/device.h"

namespace tasu::bench {

// Writes a program into the device's DRAM and runs it to completion (throws rt::DeviceError).
inline void run_program(rt::Device& dev, const std::vector<isa::Insn>& prog, uint64_t max_cycles) {
  const std::vector<uint8_t> bytes = isa::program_bytes(prog);
  const uint64_t at = dev.alloc(bytes.size());
  dev.write(at, bytes.data(), bytes.size());
  dev.start(at, static_cast<uint32_t>(prog.size()));
  dev.wait(max_cycles);
}

namespace arch = tasu::arch;
namespace isa = tasu::isa;
namespace rt = tasu::rt;
using tasu::codegen::ProgramBuilder;
using tasu::codegen::Space;
using tasu::codegen::Span;


constexpr uint32_t kRows = 32, kActWords = 32, kOutWords = 32;  // the on-chip regions the programs share
constexpr uint32_t kIn = 64 << 10, kScratch = 16 << 10, kFinal = 32 << 10;

struct Regions {
  uint32_t in, scratch, final;
};

inline uint32_t random_word(std::mt19937& rng) {
  if (rng() % 4 == 0) return static_cast<uint32_t>(static_cast<int>(rng() % 600) - 300);
  const float f = std::uniform_real_distribution<float>(-4.0f, 4.0f)(rng);
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// One random program over the shared regions; the builder derives its tokens.
inline std::vector<isa::Insn> random_program(const arch::Config& cfg, std::mt19937& rng, const Regions& g, int n,
                                      int unit_seen[isa::kUnits]) {
  auto uni = [&](uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng); };
  const uint32_t bus = cfg.BusBytes, row_bytes = cfg.vsp_row_bytes(), row_beats = row_bytes / bus;
  const uint32_t act_bpw = cfg.act_beats_per_word(), out_bpw = cfg.out_beats_per_word();
  const uint32_t wbuf_beats = cfg.wgt_buffer_beats();
  ProgramBuilder b;
  constexpr uint32_t L = arch::kVectorLanes;
  auto vsp = [](uint32_t r, uint32_t len) { return Span{Space::VSP, r, r + (len + L - 1) / L}; };
  auto dram = [](uint32_t a, uint32_t bytes) { return Span{Space::DRAM, a, uint64_t{a} + bytes}; };
  // A DRAM source: the read-only input or the scratch area that stores also write.
  auto src_addr = [&](uint32_t bytes, uint32_t align) {
    return uni(0, 1) ? g.in + align * uni(0, (kIn - bytes) / align) : g.scratch + align * uni(0, (kScratch - bytes) / align);
  };
  for (int i = 0; i < n; ++i) {
    const uint32_t what = uni(0, 9);
    isa::Transfer t;
    t.rows = 1;
    if (what == 0) {  // scratchpad rows from DRAM
      const uint32_t k = uni(1, 4), r = uni(0, kRows - k);
      t.sram_beat = r * row_beats;
      t.row_beats = k * row_beats;
      t.dram_addr = src_addr(k * row_bytes, row_bytes);
      b.add(isa::make_load(arch::LoadDst::VSP, t), {dram(t.dram_addr, k * row_bytes)}, {{Space::VSP, r, r + k}});
    } else if (what == 1) {  // activation words
      const uint32_t k = uni(1, 8), w = uni(0, kActWords - k);
      t.sram_beat = w * act_bpw;
      t.row_beats = k * act_bpw;
      t.dram_addr = src_addr(k * act_bpw * bus, bus);
      b.add(isa::make_load(arch::LoadDst::ACT, t), {dram(t.dram_addr, k * act_bpw * bus)}, {{Space::ACT, w, w + k}});
    } else if (what == 2) {  // a weight buffer
      const uint32_t wb = uni(0, arch::kWgtBuffers - 1);
      t.sram_beat = wb * wbuf_beats;
      t.row_beats = wbuf_beats;
      t.dram_addr = g.in + bus * uni(0, (kIn - wbuf_beats * bus) / bus);
      b.add(isa::make_load(arch::LoadDst::WGT, t), {dram(t.dram_addr, wbuf_beats * bus)}, {{Space::WGT, wb * cfg.WDepth, (wb + 1) * cfg.WDepth}});
    } else if (what <= 4) {
      isa::Matmul m;
      m.wbuf = uni(0, arch::kWgtBuffers - 1);
      m.depth = uni(1, cfg.WDepth);
      m.woff = uni(0, cfg.WDepth - m.depth);
      m.tokens = uni(1, 4);
      m.act_stride = uni(0, 3);
      m.act_word = uni(0, kActWords - m.depth - (m.tokens - 1) * m.act_stride);
      m.out_word = uni(0, kOutWords - m.tokens);
      m.accumulate = uni(0, 1) != 0;
      const uint32_t w0 = m.wbuf * cfg.WDepth + m.woff;
      std::vector<Span> reads{{Space::WGT, w0, w0 + m.depth}};
      for (uint32_t k = 0; k < m.tokens; ++k)
        reads.push_back({Space::ACT, m.act_word + k * m.act_stride, m.act_word + k * m.act_stride + m.depth});
      const Span out{Space::OUT, m.out_word, m.out_word + m.tokens};
      if (m.accumulate) reads.push_back(out);
      b.add(isa::make_matmul(m), reads, {out});
    } else if (what <= 7) {
      isa::Vec v;
      v.len = uni(1, 2 * L);
      const uint32_t rows = (v.len + L - 1) / L;
      switch (uni(0, 4)) {
        case 0: {  // ELEM, in place or into rows clear of its sources (b a vector, the immediate or a scalar per row)
          static const arch::VectorOp ops[] = {arch::VectorOp::ADD, arch::VectorOp::MUL, arch::VectorOp::MAX,
                                               arch::VectorOp::F2I, arch::VectorOp::I2F, arch::VectorOp::IADD,
                                               arch::VectorOp::CLAMP8, arch::VectorOp::QMUL, arch::VectorOp::MADD};
          v.kind = arch::VectorKind::ELEM;
          v.op = ops[uni(0, 8)];
          v.src1 = uni(0, kRows - rows);
          v.src2 = uni(0, kRows - rows);
          const int bm = uni(0, 2);
          v.bmode = bm == 0 ? arch::VectorBMode::VEC : bm == 1 ? arch::VectorBMode::IMM : arch::VectorBMode::SCALAR;
          v.step = bm == 2;
          v.lane = v.step ? uni(0, L - 1) : 0;
          const uint32_t step_rows = (v.lane + rows + L - 1) / L;  // the rows holding the per-row scalars
          if (v.step) v.src2 = uni(0, kRows - step_rows);
          v.imm = random_word(rng);
          auto clear = [&](uint32_t d, uint32_t s) { return d == s || d + rows <= s || s + rows <= d; };
          do v.dst = uni(0, 2) == 0 ? v.src1 : uni(0, kRows - rows);
          while (!clear(v.dst, v.src1) || (v.bmode == arch::VectorBMode::VEC && !clear(v.dst, v.src2)) ||
                 (v.step && v.dst < v.src2 + step_rows && v.src2 < v.dst + rows));
          std::vector<Span> reads{vsp(v.src1, v.len)};
          if (v.bmode == arch::VectorBMode::VEC) reads.push_back(vsp(v.src2, v.len));
          if (v.step) reads.push_back({Space::VSP, v.src2, v.src2 + step_rows});
          b.add(isa::make_vec(v), reads, {vsp(v.dst, v.len)});
          break;
        }
        case 1: {  // FROM_OUT
          v.kind = arch::VectorKind::FROM_OUT;
          v.len = uni(1, L);
          const uint32_t words = (v.len + cfg.Rows - 1) / cfg.Rows;
          v.src2 = uni(1, 3);
          v.src1 = uni(0, kOutWords - 1 - (words - 1) * v.src2);
          v.dst = uni(0, kRows - 1);
          std::vector<Span> reads;
          for (uint32_t k = 0; k < words; ++k) reads.push_back({Space::OUT, v.src1 + k * v.src2, v.src1 + k * v.src2 + 1});
          b.add(isa::make_vec(v), reads, {vsp(v.dst, v.len)});
          break;
        }
        case 2: {  // TO_ACT: the int8 as they are, or quantized through the lanes (QMUL by a scalar)
          v.kind = arch::VectorKind::TO_ACT;
          v.src1 = uni(0, kRows - rows);
          v.dst = uni(0, kActWords * act_bpw - rows);
          std::vector<Span> reads{vsp(v.src1, v.len)};
          if (uni(0, 1)) {
            v.op = arch::VectorOp::QMUL;
            v.bmode = arch::VectorBMode::SCALAR;
            v.src2 = uni(0, kRows - 1);
            v.lane = uni(0, L - 1);
            reads.push_back(vsp(v.src2, 1));
          }
          b.add(isa::make_vec(v), reads, {{Space::ACT, v.dst / act_bpw, (v.dst + rows + act_bpw - 1) / act_bpw}});
          break;
        }
        case 3: {  // DOTS with vop MAX: the maxima of count vectors stride rows apart, into elements clear of them
          v.kind = arch::VectorKind::DOTS;
          v.op = arch::VectorOp::MAX;
          const uint32_t stride = rows + uni(0, 1), count = uni(1, 3), span = (count - 1) * stride + rows;
          v.imm = isa::Vec::counted(count, stride);
          v.src2 = uni(0, kRows - span);
          v.lane = uni(0, L - 1);
          const uint32_t dst_rows = (v.lane + count + L - 1) / L;
          do v.dst = uni(0, kRows - dst_rows);
          while (v.dst < v.src2 + span && v.src2 < v.dst + dst_rows);
          b.add(isa::make_vec(v), {{Space::VSP, v.src2, v.src2 + span}}, {{Space::VSP, v.dst, v.dst + dst_rows}});
          break;
        }
        default: {  // DOT
          v.kind = arch::VectorKind::DOT;
          v.bmode = arch::VectorBMode::VEC;
          v.src1 = uni(0, kRows - rows);
          v.src2 = uni(0, kRows - rows);
          v.dst = uni(0, kRows - 1);
          v.lane = uni(0, L - 1);
          b.add(isa::make_vec(v), {vsp(v.src1, v.len), vsp(v.src2, v.len)}, {vsp(v.dst, 1)});
          break;
        }
      }
    } else if (what == 8) {  // scratchpad rows to DRAM
      const uint32_t k = uni(1, 4), r = uni(0, kRows - k);
      t.sram_beat = r * row_beats;
      t.row_beats = k * row_beats;
      t.dram_addr = g.scratch + row_bytes * uni(0, kScratch / row_bytes - k);
      b.add(isa::make_store(t, {}, arch::StoreSrc::VSP), {{Space::VSP, r, r + k}}, {dram(t.dram_addr, k * row_bytes)});
    } else {  // output words to DRAM
      const uint32_t k = uni(1, 8), w = uni(0, kOutWords - k);
      t.sram_beat = w * out_bpw;
      t.row_beats = k * out_bpw;
      t.dram_addr = g.scratch + bus * uni(0, (kScratch - k * out_bpw * bus) / bus);
      b.add(isa::make_store(t), {{Space::OUT, w, w + k}}, {dram(t.dram_addr, k * out_bpw * bus)});
    }
  }
  // Everything on chip that a program can observe ends in DRAM.
  isa::Transfer fv{0, g.final, 1, kRows * row_beats, 0};
  b.add(isa::make_store(fv, {}, arch::StoreSrc::VSP), {{Space::VSP, 0, kRows}}, {dram(fv.dram_addr, kRows * row_bytes)});
  isa::Transfer fo{0, g.final + kRows * row_bytes, 1, kOutWords * out_bpw, 0};
  b.add(isa::make_store(fo), {{Space::OUT, 0, kOutWords}}, {dram(fo.dram_addr, kOutWords * out_bpw * bus)});
  std::vector<isa::Insn> prog = b.finish();
  for (const auto& x : prog)
    if (isa::unit_of(x.opcode()) >= 0) ++unit_seen[isa::unit_of(x.opcode())];
  return prog;
}

// Overwrites all on-chip state a random program can read (scratchpad rows, activation and
// output words of the shared regions, both weight buffers) from the input area, so that what
// follows does not depend on what an earlier, perhaps interrupted, program left behind.
inline std::vector<isa::Insn> scrub_program(const arch::Config& cfg, const Regions& g) {
  const uint32_t bus = cfg.BusBytes, row_beats = cfg.vsp_row_bytes() / bus;
  const uint32_t act_bpw = cfg.act_beats_per_word(), wbuf_beats = cfg.wgt_buffer_beats();
  ProgramBuilder b;
  const auto load = [&](arch::LoadDst dst, uint32_t beats, Span to) {
    isa::Transfer t;
    t.dram_addr = g.in;
    t.row_beats = beats;
    b.add(isa::make_load(dst, t), {{Space::DRAM, g.in, uint64_t{g.in} + beats * bus}}, {to});
  };
  load(arch::LoadDst::VSP, kRows * row_beats, {Space::VSP, 0, kRows});
  load(arch::LoadDst::ACT, kActWords * act_bpw, {Space::ACT, 0, kActWords});
  load(arch::LoadDst::WGT, arch::kWgtBuffers * wbuf_beats, {Space::WGT, 0, arch::kWgtBuffers * cfg.WDepth});
  isa::Matmul m;
  m.depth = 1;
  m.tokens = kOutWords;
  b.add(isa::make_matmul(m), {{Space::WGT, 0, 1}, {Space::ACT, 0, 1}}, {{Space::OUT, 0, kOutWords}});
  return b.finish();
}

struct Bench {
  const arch::Config& cfg = *arch::find_config("ci");
  std::unique_ptr<rt::Device> rtl = rt::open_device("rtl", "ci");
  std::unique_ptr<rt::Device> model = rt::open_device("model", "ci");
  std::vector<uint8_t> in, scratch0;
  Regions g{};

  void prepare(std::mt19937& rng) {
    in.resize(kIn);
    for (size_t i = 0; i < in.size(); i += 4) {
      const uint32_t w = random_word(rng);
      std::memcpy(&in[i], &w, 4);
    }
    scratch0.resize(kScratch);
    for (auto& x : scratch0) x = static_cast<uint8_t>(rng());
  }
  // Runs prog from the same DRAM image; returns the scratch and final areas.
  std::vector<uint8_t> run(rt::Device& dev, const std::vector<isa::Insn>& prog) {
    dev.reset();
    dev.free_all();
    const Regions r{static_cast<uint32_t>(dev.alloc(kIn)), static_cast<uint32_t>(dev.alloc(kScratch)),
                    static_cast<uint32_t>(dev.alloc(kFinal))};
    EXPECT_EQ(r.in, g.in);  // the program holds absolute addresses
    EXPECT_EQ(r.final, g.final);
    const std::vector<uint8_t> zero(kFinal, 0);
    dev.write(r.in, in.data(), in.size());
    dev.write(r.scratch, scratch0.data(), scratch0.size());
    dev.write(r.final, zero.data(), zero.size());
    run_program(dev, prog, 5'000'000);
    std::vector<uint8_t> out(kScratch + kFinal);
    dev.read(r.scratch, out.data(), kScratch);
    dev.read(r.final, out.data() + kScratch, kFinal);
    return out;
  }
  void place() {
    model->reset();
    model->free_all();
    g = {static_cast<uint32_t>(model->alloc(kIn)), static_cast<uint32_t>(model->alloc(kScratch)),
         static_cast<uint32_t>(model->alloc(kFinal))};
  }
};

}  // namespace tasu::bench
