// Unit tests of the functional model (model/functional) through its "model" device backend:
// hand-built programs checked against a naive evaluation of the ISA definition, and every error.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "asm/asm.h"
#include "functional/model_device.h"
#include "functional/timing.h"

namespace tasu::model {
namespace {

using arch::ErrorCode;
using isa::Deps;
using namespace isa::dep;
using isa::Insn;

constexpr uint64_t kBase = rt::Device::kDramBase;

// ERR_INFO of a refused LOAD/STORE and MATMUL (tasu_arch.json's ERR_INFO_* layouts).
uint32_t transfer_info(uint32_t dst, uint32_t rows) {
  return arch::put(arch::regf::ERR_INFO_TRANSFER::dst, dst) | arch::put(arch::regf::ERR_INFO_TRANSFER::rows, rows);
}
uint32_t matmul_info(uint32_t tokens, uint32_t woff, uint32_t depth) {
  namespace f = arch::regf::ERR_INFO_MATMUL;
  return arch::put(f::tokens, tokens) | arch::put(f::woff, woff) | arch::put(f::depth, depth);
}

// Weights as the ISA sees them: W[buf][d][tile][row][lane] in {-1, 0, +1}.
struct Weights {
  const arch::Config& c;
  std::vector<int8_t> w;
  explicit Weights(const arch::Config& cfg) : c(cfg), w(size_t{2} * cfg.WDepth * cfg.Tiles * cfg.Rows * cfg.Lanes) {}
  int8_t& at(uint32_t buf, uint32_t d, uint32_t t, uint32_t r, uint32_t l) {
    return w[((((size_t{buf} * c.WDepth + d) * c.Tiles + t) * c.Rows + r) * c.Lanes) + l];
  }
  // The device image of the whole weight space, in beat order. Zeros are written as code 00 or
  // 10 at random, since the hardware must treat both as 0.
  std::vector<uint8_t> pack(std::mt19937& rng) {
    const uint32_t wb = c.wgt_beats_per_word();
    std::vector<uint8_t> img(size_t{2} * c.WDepth * c.Tiles * wb * c.BusBytes);
    for (uint32_t buf = 0; buf < 2; ++buf)
      for (uint32_t d = 0; d < c.WDepth; ++d)
        for (uint32_t t = 0; t < c.Tiles; ++t) {
          const size_t word = (size_t{buf} * c.WDepth + d) * c.Tiles + t;
          for (uint32_t r = 0; r < c.Rows; ++r)
            for (uint32_t l = 0; l < c.Lanes; ++l) {
              const size_t idx = size_t{r} * c.Lanes + l;
              const int8_t v = at(buf, d, t, r, l);
              const uint8_t code = v == 1 ? 1 : v == -1 ? 3 : (rng() & 1 ? 2 : 0);
              img[word * wb * c.BusBytes + idx / 4] |= static_cast<uint8_t>(code << (2 * (idx % 4)));
            }
        }
    return img;
  }
};

int32_t wrap(int64_t v, uint32_t bits) {
  const uint64_t m = (uint64_t{1} << bits) - 1;
  uint64_t u = static_cast<uint64_t>(v) & m;
  if (u >> (bits - 1)) u |= ~m;
  return static_cast<int32_t>(static_cast<int64_t>(u));
}

// The MATMUL definition, written as plainly as possible. act[word][tile*Lanes + lane].
int64_t naive_dot(Weights& W, const std::vector<int8_t>& act, uint32_t wbuf, uint32_t depth, uint64_t a, uint32_t r) {
  const arch::Config& c = W.c;
  int64_t s = 0;
  for (uint32_t d = 0; d < depth; ++d)
    for (uint32_t t = 0; t < c.Tiles; ++t)
      for (uint32_t l = 0; l < c.Lanes; ++l)
        s += int64_t{W.at(wbuf, d, t, r, l)} * act[(a + d) * c.Tiles * c.Lanes + t * c.Lanes + l];
  return s;
}

int32_t le32(const uint8_t* p) {
  return static_cast<int32_t>(uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24);
}

class FModel : public ::testing::Test {
 protected:
  void open(const char* config, uint64_t dram = 8 << 20) {
    cfg = arch::find_config(config);
    ASSERT_NE(cfg, nullptr);
    rt::DeviceOptions opt;
    opt.dram_bytes = dram;
    dev = std::make_unique<ModelDevice>(*cfg, opt);
  }
  void SetUp() override { open("ci", 1 << 20); }

  void load_prog(const std::vector<Insn>& prog, uint64_t at) {
    std::vector<uint8_t> bytes(prog.size() * arch::kInsnBytes);
    for (size_t i = 0; i < prog.size(); ++i) prog[i].to_bytes(bytes.data() + i * arch::kInsnBytes);
    dev->write(at, bytes.data(), bytes.size());
  }
  void run(const std::vector<Insn>& prog) {
    load_prog(prog, kProg);
    dev->reset();  // a previous test step may have left the device halted by an error
    dev->start(kProg, static_cast<uint32_t>(prog.size()));
    dev->wait(1'000'000);
  }
  rt::DeviceError run_error(const std::vector<Insn>& prog, uint64_t at = kProg) {
    load_prog(prog, at);
    return run_error_at(at, static_cast<uint32_t>(prog.size()));
  }
  rt::DeviceError run_error_at(uint64_t at, uint32_t n) {
    dev->reset();
    dev->start(at, n);
    try {
      dev->wait(1'000'000);
    } catch (const rt::DeviceError& e) {
      return e;
    }
    ADD_FAILURE() << "the program did not fail";
    return rt::DeviceError(ErrorCode::NONE, 0, 0, false, "");
  }
  void expect_error(const std::vector<Insn>& prog, ErrorCode code, uint32_t pc, uint32_t info) {
    const rt::DeviceError e = run_error(prog);
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_EQ(e.pc(), pc) << e.what();
    EXPECT_EQ(e.info(), info) << e.what();
    EXPECT_FALSE(e.watchdog());
    const std::string what = e.what();
    EXPECT_NE(what.find(std::string(arch::error_name(code))), std::string::npos) << what;
    EXPECT_NE(what.find("at instruction " + std::to_string(pc) + ":"), std::string::npos) << what;
    if (pc < prog.size()) {
      EXPECT_NE(what.find(isa::disassemble(prog[pc])), std::string::npos) << what;
    }
  }

  static constexpr uint64_t kProg = kBase;
  static constexpr uint64_t kData = kBase + 0x4000;
  const arch::Config* cfg = nullptr;
  std::unique_ptr<ModelDevice> dev;
};

Insn ld(arch::LoadDst dst, uint32_t sram, uint64_t dram, uint32_t rows, uint32_t row_beats, uint32_t stride,
        Deps d = {}) {
  return isa::make_load(dst, {sram, static_cast<uint32_t>(dram), rows, row_beats, stride}, d);
}
Insn st(uint32_t sram, uint64_t dram, uint32_t rows, uint32_t row_beats, uint32_t stride, Deps d = {}) {
  return isa::make_store({sram, static_cast<uint32_t>(dram), rows, row_beats, stride}, d);
}
Insn mm(uint32_t wbuf, bool acc, uint32_t depth, uint32_t act, uint32_t act_stride, uint32_t out, uint32_t tokens,
        Deps d = {}) {
  return isa::make_matmul({wbuf, acc, depth, act, act_stride, out, tokens}, d);
}
const Insn kFinish = isa::make_finish();
constexpr auto WGT = arch::LoadDst::WGT;
constexpr auto ACT = arch::LoadDst::ACT;

// LOAD (weights, strided activations) -> two MATMULs -> two STOREs, against the naive definition.
void load_matmul_store(ModelDevice& dev, const arch::Config& c) {
  std::mt19937 rng(7);
  Weights W(c);
  for (auto& v : W.w) v = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
  const uint32_t K = c.Tiles * c.Lanes, bus = c.BusBytes;
  const uint32_t ab = c.act_beats_per_word(), ob = c.out_beats_per_word();
  std::vector<int8_t> act(size_t{c.ActWords} * K);
  for (auto& v : act) v = static_cast<int8_t>(rng());

  const std::vector<uint8_t> wimg = W.pack(rng);
  const uint32_t wbeats = static_cast<uint32_t>(wimg.size() / bus);
  const uint64_t wgt_at = kBase + 0x4000;
  const uint64_t act_at = wgt_at + wimg.size();
  const uint64_t out1_at = act_at + 2 * act.size();
  const uint64_t out2_at = out1_at + 0x10000;
  dev.write(wgt_at, wimg.data(), wimg.size());
  // Activation words every other word-sized slot, so the LOAD must honour its stride.
  for (uint32_t w = 0; w < c.ActWords; ++w) dev.write(act_at + 2ull * w * K, act.data() + size_t{w} * K, K);
  std::vector<uint8_t> fill(0x20000, 0xa5);
  dev.write(out1_at, fill.data(), fill.size());

  const uint32_t d1 = c.WDepth - 3, n1 = 20, a1 = 3, s1 = 7, o1 = 2;
  const uint32_t d2 = c.WDepth, n2 = 48, a2 = c.ActWords - c.WDepth - (n2 - 1), o2 = 40;
  const std::vector<Insn> prog = {
      ld(WGT, 0, wgt_at, 4, wbeats / 4, wbeats / 4 * bus),
      ld(ACT, 0, act_at, c.ActWords, ab, 2 * ab * bus),
      mm(1, false, d1, a1, s1, o1, n1),
      mm(0, false, d2, a2, 1, o2, n2),
      st(o1 * ob, out1_at, n1, ob, 2 * ob * bus),
      st(o2 * ob, out2_at, 1, n2 * ob, 0),
      kFinish,
  };
  const std::string listing = isa::disassemble_program(prog);
  SCOPED_TRACE(listing);
  const std::vector<uint8_t> bytes = isa::program_bytes(prog);
  dev.write(kBase, bytes.data(), bytes.size());
  dev.start(kBase, static_cast<uint32_t>(prog.size()));
  dev.wait(1'000'000);

  EXPECT_EQ(dev.model().weight(1, 2, c.Tiles - 1, 3, 5), W.at(1, 2, c.Tiles - 1, 3, 5));
  EXPECT_EQ(dev.model().act(17, K - 1), act[17 * K + K - 1]);
  const uint32_t row_bytes = c.Rows * 4;
  std::vector<uint8_t> got(2 * ob * bus * n1);
  dev.read(out1_at, got.data(), got.size());
  for (uint32_t n = 0; n < n1; ++n) {
    for (uint32_t r = 0; r < c.Rows; ++r)
      ASSERT_EQ(le32(&got[2 * n * row_bytes + 4 * r]), wrap(naive_dot(W, act, 1, d1, a1 + uint64_t{n} * s1, r), c.AccW))
          << "token " << n << " row " << r;
    for (uint32_t b = 0; b < row_bytes; ++b) ASSERT_EQ(got[(2 * n + 1) * row_bytes + b], 0xa5) << "gap overwritten";
  }
  got.assign(n2 * row_bytes + 64, 0);
  dev.read(out2_at, got.data(), got.size());
  for (uint32_t n = 0; n < n2; ++n)
    for (uint32_t r = 0; r < c.Rows; ++r)
      ASSERT_EQ(le32(&got[n * row_bytes + 4 * r]), wrap(naive_dot(W, act, 0, d2, a2 + n, r), c.AccW))
          << "token " << n << " row " << r;
  EXPECT_EQ(got[n2 * row_bytes], 0xa5);

  const rt::Counters k = dev.counters();
  EXPECT_EQ(k.insns, 6u);
  const size_t ipb = bus / arch::kInsnBytes;  // instructions per fetched beat
  EXPECT_EQ(k.rd_bytes, (prog.size() + ipb - 1) / ipb * bus + wimg.size() + act.size());
  EXPECT_EQ(k.wr_bytes, uint64_t{n1 + n2} * row_bytes);
  EXPECT_GT(k.cycles, 0u);
  EXPECT_GE(k.ex_busy, uint64_t{d1} * n1 + uint64_t{d2} * n2);
}

TEST_F(FModel, LoadMatmulStoreCi) { load_matmul_store(*dev, *cfg); }

// Each engine's weights are read through the accessor of their format; the other one refuses.
TEST_F(FModel, WeightAccessorsFollowTheEngine) {
  EXPECT_EQ(dev->model().weight(0, 0, 0, 0, 0), 0);
  EXPECT_THROW((void)dev->model().weight_bf16(0, 0, 0, 0, 0), std::out_of_range);
  open("ci_bf16");
  EXPECT_EQ(dev->model().weight_bf16(0, 0, 0, 0, 0), 0u);
  EXPECT_THROW((void)dev->model().weight(0, 0, 0, 0, 0), std::out_of_range);
  EXPECT_THROW((void)dev->model().weight_bf16(2, 0, 0, 0, 0), std::out_of_range);
}

TEST_F(FModel, LoadMatmulStoreDefault) {
  open("default");
  load_matmul_store(*dev, *cfg);
}

TEST_F(FModel, AccumulateAndWrap) {
  const arch::Config& c = *cfg;
  const uint32_t K = c.Tiles * c.Lanes;
  // All weights +1 in buffer 0 and -1 in buffer 1; activations all -128 except word 0 = 3.
  std::vector<uint8_t> wimg(2 * c.wgt_buffer_beats() * c.BusBytes);
  std::memset(wimg.data(), 0x55, wimg.size() / 2);
  std::memset(wimg.data() + wimg.size() / 2, 0xff, wimg.size() / 2);
  std::vector<int8_t> act(size_t{c.ActWords} * K, -128);
  for (uint32_t i = 0; i < K; ++i) act[i] = 3;
  dev->write(kData, wimg.data(), wimg.size());
  dev->write(kData + 0x2000, act.data(), act.size());
  const uint32_t wbeats = static_cast<uint32_t>(wimg.size() / c.BusBytes);
  const uint32_t abeats = static_cast<uint32_t>(act.size() / c.BusBytes);
  const int64_t step = int64_t{c.WDepth} * K * -128;  // one full-depth MATMUL of word 8.. : -65536 on ci

  std::vector<Insn> prog = {ld(WGT, 0, kData, 1, wbeats, 0), ld(ACT, 0, kData + 0x2000, 1, abeats, 0)};
  // out[0]: 1*3*K (word 0, depth 1, buffer 0) then accumulate buffer 1 over the same word: 0.
  prog.push_back(mm(0, false, 1, 0, 0, 0, 1));
  prog.push_back(mm(1, true, 1, 0, 0, 0, 1));
  // out[1]: 3*K - 3*K... instead: buffer 0 then buffer 0 again: 2 * 3K.
  prog.push_back(mm(0, false, 1, 0, 0, 1, 1));
  prog.push_back(mm(0, true, 1, 0, 0, 1, 1));
  // out[2]: enough accumulations of `step` to leave the AccW-bit range and wrap.
  const int reps = static_cast<int>((int64_t{1} << (c.AccW - 1)) / -step) + 2;
  prog.push_back(mm(0, false, c.WDepth, 8, 0, 2, 1));
  for (int i = 1; i < reps; ++i) prog.push_back(mm(0, true, c.WDepth, 8, 0, 2, 1));
  prog.push_back(st(0, kData + 0x8000, 1, 3 * c.out_beats_per_word(), 0));
  prog.push_back(kFinish);
  run(prog);

  std::vector<uint8_t> got(3 * c.Rows * 4);
  dev->read(kData + 0x8000, got.data(), got.size());
  const int64_t total = step * reps;
  ASSERT_LT(total, -(int64_t{1} << (c.AccW - 1)));  // the test really wraps
  for (uint32_t r = 0; r < c.Rows; ++r) {
    EXPECT_EQ(le32(&got[4 * r]), 0);
    EXPECT_EQ(le32(&got[c.Rows * 4 + 4 * r]), int32_t(2 * 3 * K));
    EXPECT_EQ(le32(&got[2 * c.Rows * 4 + 4 * r]), wrap(total, c.AccW));
    EXPECT_EQ(dev->model().out(2, r), wrap(total, c.AccW));
  }
  EXPECT_GT(wrap(total, c.AccW), 0);
}

// A VTA-style double-buffered schedule: Y[tokens][M] = X[tokens][K] * W[M][K]^T with M = 2 row
// blocks and K = 2 weight buffers, ordered only by dependency tokens.
TEST_F(FModel, DoubleBufferedTokens) {
  const arch::Config& c = *cfg;
  const uint32_t bus = c.BusBytes, Kw = c.Tiles * c.Lanes, kpb = c.k_per_block();
  const uint32_t M = 2 * c.Rows, Kdim = 2 * kpb, tokens = 16;
  ASSERT_LE(tokens * (Kdim / Kw), c.ActWords);
  std::mt19937 rng(11);
  std::vector<int8_t> w(size_t{M} * Kdim), x(size_t{tokens} * Kdim);
  for (auto& v : w) v = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
  for (auto& v : x) v = static_cast<int8_t>(rng());

  // One weight buffer image per (row block, k block).
  const uint32_t buf_beats = c.wgt_buffer_beats();
  const uint64_t wgt_at = kData, x_at = kData + 0x10000, y_at = kData + 0x20000;
  for (uint32_t mb = 0; mb < 2; ++mb)
    for (uint32_t kb = 0; kb < 2; ++kb) {
      Weights W(c);
      for (uint32_t d = 0; d < c.WDepth; ++d)
        for (uint32_t t = 0; t < c.Tiles; ++t)
          for (uint32_t r = 0; r < c.Rows; ++r)
            for (uint32_t l = 0; l < c.Lanes; ++l)
              W.at(0, d, t, r, l) = w[size_t{mb * c.Rows + r} * Kdim + kb * kpb + d * Kw + t * c.Lanes + l];
      std::vector<uint8_t> img = W.pack(rng);
      dev->write(wgt_at + (mb * 2 + kb) * buf_beats * bus, img.data(), buf_beats * bus);
    }
  dev->write(x_at, x.data(), x.size());
  const uint32_t words_per_token = Kdim / Kw;
  const uint32_t ob = c.out_beats_per_word();

  std::vector<Insn> prog = {ld(ACT, 0, x_at, 1, static_cast<uint32_t>(x.size() / bus), 0)};
  for (uint32_t mb = 0; mb < 2; ++mb) {
    for (uint32_t kb = 0; kb < 2; ++kb)
      prog.push_back(ld(WGT, kb * buf_beats, wgt_at + (mb * 2 + kb) * buf_beats * bus, 1, buf_beats, 0,
                        {static_cast<uint8_t>(mb > 0 ? EX : 0), EX}));
    prog.push_back(mm(0, false, c.WDepth, 0, words_per_token, 0, tokens, {static_cast<uint8_t>(LD | (mb > 0 ? ST : 0)), LD}));
    prog.push_back(mm(1, true, c.WDepth, c.WDepth, words_per_token, 0, tokens, {LD, LD | ST}));
    prog.push_back(st(0, y_at + mb * c.Rows * 4, tokens, ob, M * 4, {EX, EX}));
  }
  prog.push_back(kFinish);
  SCOPED_TRACE(isa::disassemble_program(prog));
  run(prog);

  std::vector<uint8_t> got(size_t{tokens} * M * 4);
  dev->read(y_at, got.data(), got.size());
  for (uint32_t n = 0; n < tokens; ++n)
    for (uint32_t m = 0; m < M; ++m) {
      int64_t s = 0;
      for (uint32_t k = 0; k < Kdim; ++k) s += int64_t{w[size_t{m} * Kdim + k]} * x[size_t{n} * Kdim + k];
      ASSERT_EQ(le32(&got[(size_t{n} * M + m) * 4]), wrap(s, c.AccW)) << "token " << n << " output " << m;
    }
}

TEST_F(FModel, AssembledProgram) {
  // The assembler's text is a valid way to write programs for the model.
  // Word 0 of both tiles (2 beats each on ci) all +1, activation word 0 all 2.
  const std::vector<uint8_t> ones(256, 0x55);
  std::vector<int8_t> acts(64, 2);
  dev->write(kData, ones.data(), ones.size());
  dev->write(kData + 0x400, acts.data(), acts.size());
  run(isa::assemble("load act sram=0 dram=" + std::to_string(kData + 0x400) +
                    " rows=1 row_beats=1\n"
                    "load wgt sram=0 dram=" +
                    std::to_string(kData) +
                    " rows=1 row_beats=4 push_ex  # after the activations, so its token covers both\n"
                    "matmul depth=1 tokens=1 pop_ld push_st\n"
                    "store dram=" +
                    std::to_string(kData + 0x100) +
                    " rows=1 row_beats=1 pop_ex\n"
                    "finish\n"));
  std::vector<uint8_t> got(64);
  dev->read(kData + 0x100, got.data(), got.size());
  for (uint32_t r = 0; r < cfg->Rows; ++r) EXPECT_EQ(le32(&got[4 * r]), int32_t(2 * cfg->Lanes * 2));
}

TEST_F(FModel, IllegalOpcode) {
  Insn bad;
  bad.set(arch::field::opcode, 7).set(arch::field::dram_addr, 0x1234);
  expect_error({ld(ACT, 0, kData, 1, 1, 0), bad, kFinish}, ErrorCode::ILLEGAL_OPCODE, 1,
               static_cast<uint32_t>(bad.w[0]));
  expect_error({Insn{}, kFinish}, ErrorCode::ILLEGAL_OPCODE, 0, 0);
  Insn f15;
  f15.set(arch::field::opcode, 15);
  expect_error({f15}, ErrorCode::ILLEGAL_OPCODE, 0, 15);
}

TEST_F(FModel, DecodeBadOperand) {
  // A unit's own flags: it has no token channel to itself.
  const Insn l = ld(ACT, 0, kData, 1, 1, 0, {LD, 0});
  expect_error({ld(ACT, 0, kData, 1, 1, 0), ld(ACT, 0, kData, 1, 1, 0), l, kFinish}, ErrorCode::BAD_OPERAND, 2,
               static_cast<uint32_t>(l.w[0]));
  const Insn l2 = ld(ACT, 0, kData, 1, 1, 0, {0, LD});
  expect_error({l2, kFinish}, ErrorCode::BAD_OPERAND, 0, static_cast<uint32_t>(l2.w[0]));
  const Insn s = st(0, kData, 1, 1, 0, {ST, 0});
  expect_error({s, kFinish}, ErrorCode::BAD_OPERAND, 0, static_cast<uint32_t>(s.w[0]));
  const Insn s2 = st(0, kData, 1, 1, 0, {0, ST});
  expect_error({mm(0, false, 1, 0, 0, 0, 1), s2, kFinish}, ErrorCode::BAD_OPERAND, 1, static_cast<uint32_t>(s2.w[0]));
  const Insn m = mm(0, false, 1, 0, 0, 0, 1, {EX, 0});
  expect_error({m, kFinish}, ErrorCode::BAD_OPERAND, 0, static_cast<uint32_t>(m.w[0]));
  isa::Vec v;
  const Insn vv = isa::make_vec(v, {0, VU});
  expect_error({vv, kFinish}, ErrorCode::BAD_OPERAND, 0, static_cast<uint32_t>(vv.w[0]));
}

TEST_F(FModel, LoadBadOperand) {
  expect_error({ld(ACT, 0, kData, 0, 1, 0), kFinish}, ErrorCode::BAD_OPERAND, 0, transfer_info(1, 0));
  expect_error({ld(WGT, 0, kData, 3, 0, 0), kFinish}, ErrorCode::BAD_OPERAND, 0, transfer_info(0, 3));
  Insn d3 = ld(WGT, 0, kData, 5, 1, 0);
  d3.set(arch::field::dst, 3);  // WGT, ACT and VSP are 0..2
  expect_error({ld(ACT, 0, kData, 1, 1, 0), d3, kFinish}, ErrorCode::BAD_OPERAND, 1, transfer_info(3, 5));
  // Capacity, checked per burst (MaxBurst = 16 on ci): row 1's first burst is [60, 76) > 64.
  const uint32_t wcap = static_cast<uint32_t>(dev->model().wgt_beats());
  ASSERT_EQ(wcap, 64u);
  expect_error({ld(WGT, 40, kData, 2, 20, 0), kFinish}, ErrorCode::BAD_OPERAND, 0, 60);
  expect_error({ld(ACT, 255, kData, 1, 2, 0), kFinish}, ErrorCode::BAD_OPERAND, 0, 255);
  const uint32_t top = (1u << arch::field::sram_beat.width) - 1;  // the largest sram_beat
  expect_error({ld(ACT, top, kData, 1, 1, 0), kFinish}, ErrorCode::BAD_OPERAND, 0, top);
  run({ld(WGT, 48, kData, 1, 16, 0), ld(ACT, 255, kData, 1, 1, 0), kFinish});  // exactly full: fine
}

TEST_F(FModel, Misaligned) {
  expect_error({ld(ACT, 0, kData + 32, 1, 1, 0), kFinish}, ErrorCode::MISALIGNED, 0, kData + 32);
  expect_error({ld(WGT, 0, kData, 2, 1, 96), kFinish}, ErrorCode::MISALIGNED, 0, kData);
  // Alignment is checked before the other operands.
  expect_error({ld(ACT, 0, kData + 1, 0, 0, 0), kFinish}, ErrorCode::MISALIGNED, 0, kData + 1);
  expect_error({mm(0, false, 1, 0, 0, 0, 1), st(0, kData + 8, 1, 1, 0), kFinish}, ErrorCode::MISALIGNED, 1, kData + 8);
  expect_error({st(0, kData, 2, 1, 65), kFinish}, ErrorCode::MISALIGNED, 0, kData);
}

TEST_F(FModel, BusRead) {
  const uint64_t end = kBase + dev->dram_bytes();
  expect_error({ld(ACT, 0, 0, 1, 1, 0), kFinish}, ErrorCode::BUS_READ, 0, 0);
  // The first 16-beat burst of the row is inside DRAM and lands; the second starts at the end.
  std::vector<int8_t> tail(16 * 64);
  for (size_t i = 0; i < tail.size(); ++i) tail[i] = static_cast<int8_t>(i * 7);
  dev->write(end - tail.size(), tail.data(), tail.size());
  expect_error({ld(ACT, 10, end - tail.size(), 1, 20, 0), kFinish}, ErrorCode::BUS_READ, 0, static_cast<uint32_t>(end));
  EXPECT_EQ(dev->model().act(25, 63), tail[15 * 64 + 63]);
  // A burst that only partly leaves DRAM fails as a whole; rows advance by the stride.
  expect_error({ld(ACT, 0, end - 0x1000, 3, 3, 0x7c0), kFinish}, ErrorCode::BUS_READ, 0,
               static_cast<uint32_t>(end - 0x1000 + 2 * 0x7c0));
}

TEST_F(FModel, FetchBusRead) {
  // Program below the DRAM window.
  rt::DeviceError e = run_error_at(0, 4);
  EXPECT_EQ(e.code(), ErrorCode::BUS_READ) << e.what();
  EXPECT_EQ(e.pc(), 0u);
  EXPECT_EQ(e.info(), 0u);
  // A program running off the end of DRAM: the first fetch burst (kCpFetchBurst beats) lies
  // inside, the second does not.
  const uint64_t end = kBase + dev->dram_bytes();
  const uint32_t burst = arch::kCpFetchBurst * cfg->BusBytes / arch::kInsnBytes;  // instructions
  std::vector<Insn> prog(burst, mm(0, false, 1, 0, 0, 0, 1));
  load_prog(prog, end - burst * arch::kInsnBytes);
  e = run_error_at(end - burst * arch::kInsnBytes, burst + 4);
  EXPECT_EQ(e.code(), ErrorCode::BUS_READ) << e.what();
  EXPECT_EQ(e.pc(), burst);
  EXPECT_EQ(e.info(), static_cast<uint32_t>(end - burst * arch::kInsnBytes));
  EXPECT_EQ(dev->counters().insns, burst);
}

TEST_F(FModel, BusWrite) {
  const uint64_t end = kBase + dev->dram_bytes();
  expect_error({mm(0, false, 1, 0, 0, 0, 4), st(0, end, 1, 1, 0), kFinish}, ErrorCode::BUS_WRITE, 1,
               static_cast<uint32_t>(end));
  // Rows inside DRAM are written before the failing one.
  std::vector<uint8_t> zeros(256, 0xee);
  dev->write(end - 256, zeros.data(), zeros.size());
  expect_error({mm(0, false, 1, 0, 0, 0, 4), st(0, end - 128, 4, 1, 64), kFinish}, ErrorCode::BUS_WRITE, 1,
               static_cast<uint32_t>(end));
  std::vector<uint8_t> got(128);
  dev->read(end - 128, got.data(), got.size());
  for (uint32_t r = 0; r < cfg->Rows; ++r) EXPECT_EQ(le32(&got[4 * r]), dev->model().out(0, r));
  expect_error({st(0, 0x40, 1, 1, 0), kFinish}, ErrorCode::BUS_WRITE, 0, 0x40);
}

TEST_F(FModel, MatmulBadOperand) {
  expect_error({mm(0, false, 0, 0, 0, 0, 3), kFinish}, ErrorCode::BAD_OPERAND, 0, matmul_info(3, 0, 0));
  expect_error({mm(0, false, cfg->WDepth + 1, 0, 0, 0, 1), kFinish}, ErrorCode::BAD_OPERAND, 0,
               matmul_info(1, 0, cfg->WDepth + 1));
  expect_error({mm(1, true, 1, 0, 0, 0, 0), kFinish}, ErrorCode::BAD_OPERAND, 0, matmul_info(0, 0, 1));
  isa::Matmul past_end;  // words woff .. woff + depth - 1 must lie in the buffer
  past_end.woff = cfg->WDepth - 3;
  past_end.depth = 4;
  expect_error({isa::make_matmul(past_end), kFinish}, ErrorCode::BAD_OPERAND, 0,
               matmul_info(1, cfg->WDepth - 3, 4));
  expect_error({mm(0, false, 8, 256, 0, 0, 1), kFinish}, ErrorCode::BAD_OPERAND, 0, 256);

  // Token 3 reads words 252..259 of 256: tokens 0..2 are computed and written first.
  std::mt19937 rng(3);
  std::vector<uint8_t> wimg(64 * 64), aimg(256 * 64);
  for (auto& b : wimg) b = static_cast<uint8_t>(rng() & 0x55);
  for (auto& b : aimg) b = static_cast<uint8_t>(rng());
  dev->write(kData, wimg.data(), wimg.size());
  dev->write(kData + 0x1000, aimg.data(), aimg.size());
  expect_error(
      {ld(WGT, 0, kData, 1, 64, 0), ld(ACT, 0, kData + 0x1000, 1, 256, 0), mm(0, false, 8, 240, 4, 5, 10), kFinish},
      ErrorCode::BAD_OPERAND, 2, 252);
  for (uint32_t n = 0; n < 3; ++n)
    for (uint32_t r = 0; r < cfg->Rows; ++r) {
      int32_t s = 0;
      for (uint32_t d = 0; d < 8; ++d)
        for (uint32_t k = 0; k < 64; ++k)
          s += dev->model().weight(0, d, k / 32, r, k % 32) * int32_t{dev->model().act(240 + 4 * n + d, k)};
      ASSERT_EQ(dev->model().out(5 + n, r), s);
    }
  // Output word range: token 2 would write word 128 of 128.
  expect_error({mm(0, false, 1, 10, 1, 126, 3), kFinish}, ErrorCode::BAD_OPERAND, 0, 12);
}

TEST_F(FModel, StoreBadOperand) {
  expect_error({st(0, kData, 0, 1, 0), kFinish}, ErrorCode::BAD_OPERAND, 0, 0);
  expect_error({st(0, kData, 7, 0, 0), kFinish}, ErrorCode::BAD_OPERAND, 0, 7);
  // 128 output beats on ci: the store DMA stops at the first beat outside the buffer.
  expect_error({mm(0, false, 1, 0, 0, 100, 17), st(100, kData, 2, 17, 0x1000), kFinish}, ErrorCode::BAD_OPERAND, 1,
               128);
  expect_error({st(200, kData, 1, 1, 0), kFinish}, ErrorCode::BAD_OPERAND, 0, 200);
  run({st(112, kData, 1, 16, 0), kFinish});  // exactly full: fine
}

TEST_F(FModel, ProgOverrun) {
  expect_error({ld(ACT, 0, kData, 1, 1, 0)}, ErrorCode::PROG_OVERRUN, 1, 1);
  expect_error({mm(0, false, 1, 0, 0, 0, 1), mm(0, false, 1, 0, 0, 0, 1), mm(0, false, 1, 0, 0, 0, 1)},
               ErrorCode::PROG_OVERRUN, 3, 3);
  const rt::DeviceError e = run_error_at(kProg, 0);
  EXPECT_EQ(e.code(), ErrorCode::PROG_OVERRUN);
  EXPECT_EQ(e.pc(), 0u);
  EXPECT_EQ(e.info(), 0u);
  // Instructions after FINISH are never fetched.
  run({kFinish, Insn{}});
}

TEST_F(FModel, Deadlock) {
  // The engine waits for a load token nobody releases.
  rt::DeviceError e = run_error({mm(0, false, 1, 0, 0, 0, 1, {LD, 0}), kFinish});
  EXPECT_TRUE(e.watchdog());
  EXPECT_EQ(e.code(), ErrorCode::NONE);
  std::string what = e.what();
  EXPECT_NE(what.find("deadlock"), std::string::npos) << what;
  EXPECT_NE(what.find("insn 0: matmul"), std::string::npos) << what;
  EXPECT_NE(what.find("ld->ex"), std::string::npos) << what;

  // Load and engine each wait for the other.
  e = run_error({ld(ACT, 0, kData, 1, 1, 0, {EX, EX}), mm(0, false, 1, 0, 0, 0, 1, {LD, LD}), kFinish});
  EXPECT_TRUE(e.watchdog());
  what = e.what();
  EXPECT_NE(what.find("ex->ld"), std::string::npos) << what;
  EXPECT_NE(what.find("ld->ex"), std::string::npos) << what;

  // Dispatch blocks on a full store queue: FINISH is never reached.
  std::vector<Insn> prog(arch::kCpQueueDepth + 2, st(0, kData, 1, 1, 0, {EX, 0}));
  prog.push_back(kFinish);
  e = run_error(prog);
  EXPECT_TRUE(e.watchdog());
  EXPECT_EQ(e.pc(), static_cast<uint32_t>(arch::kCpQueueDepth));
  what = e.what();
  EXPECT_NE(what.find("full st queue"), std::string::npos) << what;

  // Without FINISH the RTL runs off the end of the program instead of hanging.
  e = run_error({mm(0, false, 1, 0, 0, 0, 1, {LD, 0})});
  EXPECT_FALSE(e.watchdog());
  EXPECT_EQ(e.code(), ErrorCode::PROG_OVERRUN);
}

TEST_F(FModel, SemaphoreOverflow) {
  const uint32_t most = (1u << arch::regf::SEM::from_ld.width) - 1;  // a token counter's maximum
  std::vector<Insn> prog(most, ld(ACT, 0, kData, 1, 1, 0, {0, EX}));
  prog.push_back(kFinish);
  run(prog);  // as many tokens as the counter holds
  prog.back() = prog.front();
  prog.push_back(kFinish);
  const rt::DeviceError e = run_error(prog);
  EXPECT_EQ(e.code(), ErrorCode::SEM_OVERFLOW) << e.what();
  EXPECT_FALSE(e.watchdog());
  EXPECT_NE(std::string(e.what()).find("raised by instruction " + std::to_string(most) + ": load"), std::string::npos)
      << e.what();
}

TEST_F(FModel, DeviceContract) {
  EXPECT_EQ(dev->backend(), "model");
  EXPECT_EQ(dev->config().name, "ci");
  uint8_t b[8] = {};
  EXPECT_THROW(dev->write(kBase - 1, b, 1), std::out_of_range);
  EXPECT_THROW(dev->write(kBase + dev->dram_bytes() - 4, b, 8), std::out_of_range);
  EXPECT_THROW(dev->read(0, b, 1), std::out_of_range);
  dev->write(kBase + dev->dram_bytes() - 8, b, 8);

  // A failed run halts the device until reset(); wait() keeps reporting the failure.
  load_prog({Insn{}}, kProg);
  dev->start(kProg, 1);
  EXPECT_THROW(dev->wait(100), rt::DeviceError);
  EXPECT_THROW(dev->wait(100), rt::DeviceError);
  EXPECT_THROW(dev->start(kProg, 1), std::logic_error);
  dev->reset();
  run({kFinish});
  EXPECT_EQ(dev->counters().insns, 0u);
  EXPECT_EQ(dev->counters().rd_bytes, cfg->BusBytes);

  std::unique_ptr<rt::Device> d = make_model_device(*cfg, {});
  EXPECT_EQ(d->dram_bytes(), rt::DeviceOptions{}.dram_bytes);
}

}  // namespace
}  // namespace tasu::model

// The timing replay's own checks: the interpreter runs a program first, so these cannot happen
// through the device; fed directly, the replay refuses a token nobody gives and a program whose
// units wait on each other forever, instead of looping.
TEST(TimingReplay, RefusesATokenNobodyGives) {
  const auto& cfg = *tasu::arch::find_config("ci");
  const uint8_t ex = 1u << static_cast<int>(tasu::arch::Unit::EX);
  const std::vector<tasu::model::TimedOp> ops = {{0, static_cast<uint8_t>(tasu::arch::Unit::LD), ex, 0, 0, 1, 1}};
  try {
    tasu::model::replay_timing(cfg, 20, 64, ops, 1, 2, false);
    FAIL() << "no error";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("takes a token nobody gives"), std::string::npos) << e.what();
  }
}

TEST(TimingReplay, RefusesUnitsWaitingOnEachOther) {
  const auto& cfg = *tasu::arch::find_config("ci");
  const auto LD = static_cast<uint8_t>(tasu::arch::Unit::LD), EX = static_cast<uint8_t>(tasu::arch::Unit::EX);
  const uint8_t from_ld = 1u << LD, from_ex = 1u << EX;
  // LOAD 0 waits for MATMUL 1, which waits for LOAD 2, queued behind LOAD 0.
  const std::vector<tasu::model::TimedOp> ops = {{0, LD, from_ex, 0, 0, 1, 1},
                                                 {1, EX, from_ld, from_ld, 4, 0, 0},
                                                 {2, LD, 0, from_ex, 0, 1, 1}};
  try {
    tasu::model::replay_timing(cfg, 20, 64, ops, 3, 4, false);
    FAIL() << "no error";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("stuck at cycle"), std::string::npos) << e.what();
  }
}
