// Decoder-layer program generation; see layer_codegen.h. Each step names the exact layer model
// operation it reproduces (model/layer/accel_layer.cpp); the program builder derives the
// dependency tokens from the declared accesses.
#include "codegen/layer_codegen.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <stdexcept>

#include "codegen/bitlinear_codegen.h"
#include "codegen/program_builder.h"
#include "vector/vprog.h"

namespace tasu::codegen {
namespace {

using arch::VectorBMode;
using arch::VectorKind;
using arch::VectorOp;
using layer::vf32;

constexpr uint32_t L = arch::kVectorLanes;
constexpr uint32_t kRowBytes = L * 4;
// A projection's weight loads run this many jobs ahead of its MATMULs in program order, and its
// drain stores up to kStoreTokens tokens' rows per STORE (LayerGen::project). Measured with the
// functional model (session 29): 0 and 1 (the old order) gave a P = 128 prefill of 2,207,122
// cycles; (2, 4) 1,909,186; (3, 4) 1,902,348; (3, 6) 1,897,896; (4, 8) 1,921,827; a batch-16
// step 388,030, 385,023, 384,536, 384,384 and 384,082.
constexpr size_t kLoadsAhead = 3;
constexpr int64_t kStoreTokens = 6;

int64_t rows_of(int64_t n) { return (n + L - 1) / L; }
vf32 kf(float f) { return vec::from_float(f); }

// Scratchpad allocation: a fixed block for the whole program, then scratch that each step
// takes and gives back.
class Vsp {
 public:
  explicit Vsp(uint32_t rows) : limit_(rows) {}
  uint32_t alloc(int64_t n) {
    const auto r = static_cast<uint32_t>(rows_of(n));
    if (top_ + r > limit_)
      throw std::invalid_argument(fmt::format(
          "the layer's working set needs more than the {} rows of the vector scratchpad (use a larger configuration "
          "or fewer tokens per program)",
          limit_));
    const uint32_t at = top_;
    top_ += r;
    peak_ = std::max(peak_, top_);
    return at;
  }
  uint32_t mark() const { return top_; }
  // The highest row allocated since the last call (then from the current top on).
  uint32_t take_peak() {
    const uint32_t p = peak_;
    peak_ = top_;
    return p;
  }
  uint32_t free_rows() const { return limit_ - top_; }
  void release(uint32_t m) { top_ = m; }

 private:
  uint32_t limit_, top_ = 0, peak_ = 0;
};

class LayerGen {
 public:
  // resident: the residual stream after attention kept in the scratchpad where it fits (see
  // run()); resident_taken() says whether run() took that path.
  LayerGen(const arch::Config& cfg, const layer::LayerParams& p, const std::vector<TokenSlot>& slots, const LayerAddrs& a,
           bool resident)
      : cfg_(cfg), p_(p), s_(p.shape), T_(static_cast<int64_t>(slots.size())), slots_(slots), a_(a), vsp_(cfg.VRows),
        b_(true), resident_(resident) {}

  std::vector<isa::Insn> run();
  bool resident_taken() const { return resident_taken_; }

 private:
  // ---- one VEC instruction with its scratchpad accesses ------------------------------------
  struct B {  // the b operand
    VectorBMode mode = VectorBMode::IMM;
    uint32_t row = 0, lane = 0, imm = 0;
    bool step = false;  // SCALAR: row r of the vector takes element (row, lane) + r (vstep)
  };
  static B vecb(uint32_t row) { return {VectorBMode::VEC, row, 0, 0}; }
  static B scalar(uint32_t row, uint32_t lane) { return {VectorBMode::SCALAR, row, lane, 0}; }
  static B rowb(uint32_t row) { return {VectorBMode::ROW, row, 0, 0}; }
  // A scalar per row: elements (row, lane) + r, flat, for rows r of the vector (vstep).
  static B per_row(uint32_t row, uint32_t lane) { return {VectorBMode::SCALAR, row, lane, 0, true}; }
  static B imm(vf32 v) { return {VectorBMode::IMM, 0, 0, v}; }

  Span vsp(uint32_t row, int64_t n) const { return {Space::VSP, row, row + static_cast<uint64_t>(rows_of(n))}; }
  std::vector<Span> b_reads(const B& b, int64_t n) const {
    switch (b.mode) {
      case VectorBMode::VEC: return {vsp(b.row, n)};
      case VectorBMode::IMM: return {};
      default: return {vsp(b.row, b.step ? b.lane + rows_of(n) : 1)};
    }
  }
  void emit_vec(const isa::Vec& v, std::vector<Span> reads, std::vector<Span> writes) {
    b_.add(isa::make_vec(v), reads, writes);
  }
  // dst = op(a, b) (or op(b, a) with swap) over n elements.
  void elem(VectorOp op, uint32_t dst, uint32_t a, int64_t n, const B& b, bool swap = false, bool rot = false) {
    isa::Vec v;
    v.kind = VectorKind::ELEM;
    v.op = op;
    v.dst = dst;
    v.src1 = a;
    v.src2 = b.row;
    v.len = static_cast<uint32_t>(n);
    v.bmode = b.mode;
    v.lane = b.lane;
    v.imm = b.imm;
    v.swap = swap;
    v.rot = rot;
    v.step = b.step;
    auto reads = b_reads(b, n);
    reads.push_back(vsp(a, n));
    emit_vec(v, reads, {vsp(dst, n)});
  }
  // Element (dst, lane) = sum of a[i] * b[i] in the unit's reduction order.
  void dot(uint32_t dst, uint32_t lane, uint32_t a, int64_t n, const B& b) {
    isa::Vec v;
    v.kind = VectorKind::DOT;
    v.dst = dst;
    v.lane = lane;
    v.src1 = a;
    v.src2 = b.row;
    v.len = static_cast<uint32_t>(n);
    v.bmode = b.mode;
    v.imm = b.imm;
    if (b.mode == VectorBMode::SCALAR) throw std::logic_error("dot with a scalar b is not used");
    auto reads = b_reads(b, n);
    reads.push_back(vsp(a, n));
    emit_vec(v, reads, {vsp(dst, 1)});
  }
  // DOTS: element `flat` + j = a . (cache entry j), for j < count; WSUM: dst += (element `flat`
  // + j) * (cache entry j). Cache entries are n elements each, in consecutive rows. `flat` is a
  // scratchpad element index (row * lanes + lane): the results, or the weights.
  void positions(VectorKind kind, uint64_t flat, uint32_t a_or_dst, uint32_t cache, int64_t n, int64_t count) {
    isa::Vec v;
    v.kind = kind;
    v.lane = static_cast<uint32_t>(flat % L);
    const auto row = static_cast<uint32_t>(flat / L);
    const Span flat_rows{Space::VSP, row, (flat + static_cast<uint64_t>(count) + L - 1) / L};
    v.src2 = cache;
    v.len = static_cast<uint32_t>(n);
    const auto stride = static_cast<uint32_t>(rows_of(n));
    if (count < 1) throw std::invalid_argument(fmt::format("{} positions in one instruction", count));
    v.imm = isa::Vec::counted(static_cast<uint64_t>(count), stride);  // throws past the vcount and vstride widths
    const Span cache_rows{Space::VSP, cache, cache + static_cast<uint64_t>(count) * stride};
    if (kind == VectorKind::DOTS) {
      v.dst = row;
      v.src1 = a_or_dst;
      emit_vec(v, {vsp(a_or_dst, n), cache_rows}, {flat_rows});
    } else {
      v.dst = a_or_dst;
      v.src1 = row;
      emit_vec(v, {flat_rows, cache_rows, vsp(a_or_dst, n)}, {vsp(a_or_dst, n)});
    }
  }
  // Element flat + p = the maximum of the n elements from row first + p * stride, for p < count
  // (DOTS with vop MAX: from the lowest finite binary32, in MAX's order: what a MAX from
  // 0xff7fffff gives, the start the softmax's per-head MAX instructions took).
  void maxima(uint64_t flat, uint32_t first, int64_t n, int64_t count, int64_t stride) {
    isa::Vec v;
    v.kind = VectorKind::DOTS;
    v.op = VectorOp::MAX;
    v.lane = static_cast<uint32_t>(flat % L);
    v.dst = static_cast<uint32_t>(flat / L);
    v.src2 = first;
    v.len = static_cast<uint32_t>(n);
    if (count < 1) throw std::invalid_argument(fmt::format("{} maxima in one instruction", count));
    v.imm = isa::Vec::counted(static_cast<uint64_t>(count), static_cast<uint64_t>(stride));
    emit_vec(v, {{Space::VSP, first, first + static_cast<uint64_t>((count - 1) * stride + rows_of(n))}},
             {{Space::VSP, v.dst, (flat + static_cast<uint64_t>(count) + L - 1) / L}});
  }
  // Head h's n scores (row sc + h * R) less its maximum, element (mx, 0) + h flat, for h < heads:
  // one instruction with a scalar per row when a head is one row (the lanes past n hold no score
  // and are never read as one), else one per head.
  void subtract_maxima(uint32_t sc, uint32_t mx, int64_t n, int64_t heads, int64_t R) {
    if (R == 1) return elem(VectorOp::SUB, sc, sc, heads * L, per_row(mx, 0));
    for (int64_t h = 0; h < heads; ++h)
      elem(VectorOp::SUB, sc + static_cast<uint32_t>(h * R), sc + static_cast<uint32_t>(h * R), n,
           scalar(mx + static_cast<uint32_t>(h / L), static_cast<uint32_t>(h % L)));
  }
  // Head h's n weights (row p + h * R) times its reciprocal, element (rz, 0) + h flat.
  void scale_by(uint32_t p, uint32_t rz, int64_t n, int64_t heads, int64_t R) {
    if (R == 1) return elem(VectorOp::MUL, p, p, heads * L, per_row(rz, 0));
    for (int64_t h = 0; h < heads; ++h)
      elem(VectorOp::MUL, p + static_cast<uint32_t>(h * R), p + static_cast<uint32_t>(h * R), n,
           scalar(rz + static_cast<uint32_t>(h / L), static_cast<uint32_t>(h % L)));
  }
  // Element (dst, lane) = max of init and a[i] (of |a[i]| with magnitude: vop ABS).
  void vmax(uint32_t dst, uint32_t lane, uint32_t a, int64_t n, vf32 init, bool magnitude = false) {
    isa::Vec v;
    v.kind = VectorKind::MAX;
    if (magnitude) v.op = VectorOp::ABS;
    v.dst = dst;
    v.lane = lane;
    v.src1 = a;
    v.len = static_cast<uint32_t>(n);
    v.imm = init;
    emit_vec(v, {vsp(a, n)}, {vsp(dst, 1)});
  }
  // Which pool block each step of a special function writes: registers share blocks, a block
  // returning to the pool after its register's last use (so a step may write in place over a
  // source it consumes). Register 0 is the input, in no block. Returns the blocks used.
  static int plan_prog(const vec::VProg& pg, std::vector<int>& dst_block) {
    const auto regs = static_cast<size_t>(pg.regs);
    std::vector<size_t> last(regs, 0);
    for (size_t i = 0; i < pg.steps.size(); ++i) {
      last[static_cast<size_t>(pg.steps[i].a)] = i;
      if (pg.steps[i].b >= 0) last[static_cast<size_t>(pg.steps[i].b)] = i;
    }
    last[static_cast<size_t>(pg.out)] = pg.steps.size();
    std::vector<int> reg(regs, -1), free_blocks;
    int blocks = 0;
    dst_block.clear();
    for (size_t i = 0; i < pg.steps.size(); ++i) {
      const vec::VStep& st = pg.steps[i];
      for (int src : {st.a, st.b})
        if (src > 0 && last[static_cast<size_t>(src)] == i &&
            std::find(free_blocks.begin(), free_blocks.end(), reg[static_cast<size_t>(src)]) == free_blocks.end())
          free_blocks.push_back(reg[static_cast<size_t>(src)]);
      int d;
      if (!free_blocks.empty()) {
        d = free_blocks.back();
        free_blocks.pop_back();
      } else {
        d = blocks++;
      }
      reg[static_cast<size_t>(st.dst)] = d;
      dst_block.push_back(d);
    }
    return blocks;
  }
  // A special function over n elements at `in`; returns the row of the result, which ends in
  // the pool's first block (the rest is given back), or with in_place over the input itself: the
  // last step writes there (it reads the input, if at all, at the same offset), so no copy.
  uint32_t prog(const vec::VProg& pg, uint32_t in, int64_t n, bool in_place = false) {
    std::vector<int> dst_block;
    const int blocks = plan_prog(pg, dst_block);
    const uint32_t base = vsp_.alloc(blocks * rows_of(n) * L);
    auto block = [&](int b) { return base + static_cast<uint32_t>(b * rows_of(n)); };
    std::vector<uint32_t> reg(static_cast<size_t>(pg.regs));
    reg[0] = in;
    for (size_t i = 0; i < pg.steps.size(); ++i) {
      const vec::VStep& st = pg.steps[i];
      const bool into_input = in_place && i + 1 == pg.steps.size() && st.dst == pg.out;
      const uint32_t d = into_input ? in : block(dst_block[i]);
      B b = st.b < 0 ? imm(st.imm) : vecb(reg[static_cast<size_t>(st.b)]);
      if (st.op == VectorOp::MADD) b.imm = st.imm;  // the addend
      elem(st.op, d, reg[static_cast<size_t>(st.a)], n, b, st.swap);
      reg[static_cast<size_t>(st.dst)] = d;
    }
    uint32_t out = reg[static_cast<size_t>(pg.out)];
    if (in_place) {
      if (out != in) elem(VectorOp::AND, in, out, n, imm(0xffffffffu));  // a bit copy
      vsp_.release(base);
      return in;
    }
    if (out != base) {
      elem(VectorOp::AND, base, out, n, imm(0xffffffffu));  // a bit copy
      out = base;
    }
    vsp_.release(base + static_cast<uint32_t>(rows_of(n)));
    return out;
  }
  // exp over n elements written back over them (the pool given back).
  void exp_in_place(uint32_t at, int64_t n) {
    const uint32_t m = vsp_.mark();
    prog(vec::prog_exp_nonpos(), at, n, true);
    vsp_.release(m);
  }
  // Scratchpad rows a special function over n elements needs.
  static int64_t prog_rows(const vec::VProg& pg, int64_t n) {
    std::vector<int> dst_block;
    return plan_prog(pg, dst_block) * rows_of(n);
  }


  // ---- DMA -----------------------------------------------------------------------------------
  // A transfer between consecutive scratchpad beats from `row` and `rows` DRAM rows of
  // row_bytes each (stride apart), with the DRAM spans it touches.
  std::pair<isa::Transfer, std::vector<Span>> transfer(uint32_t row, uint32_t dram, int64_t rows, int64_t row_bytes,
                                                       int64_t stride) const {
    isa::Transfer t;
    t.sram_beat = row * (kRowBytes / cfg_.BusBytes);
    t.dram_addr = dram;
    t.rows = static_cast<uint32_t>(rows);
    t.row_beats = static_cast<uint32_t>(row_bytes / cfg_.BusBytes);
    t.dram_stride = static_cast<uint32_t>(stride);
    std::vector<Span> spans;
    for (int64_t r = 0; r < rows; ++r)
      spans.push_back({Space::DRAM, dram + static_cast<uint64_t>(r * stride), dram + static_cast<uint64_t>(r * stride + row_bytes)});
    return {t, spans};
  }
  Span vsp_beats(uint32_t row, int64_t rows, int64_t row_bytes) const {
    return {Space::VSP, row, row + static_cast<uint64_t>((rows * row_bytes + kRowBytes - 1) / kRowBytes)};
  }
  void load(uint32_t row, uint32_t dram, int64_t rows, int64_t row_bytes, int64_t stride) {
    const auto [t, reads] = transfer(row, dram, rows, row_bytes, stride);
    b_.add(isa::make_load(arch::LoadDst::VSP, t), reads, {vsp_beats(row, rows, row_bytes)});
  }
  void load_vec(uint32_t row, uint32_t dram, int64_t n) { load(row, dram, 1, rows_of(n) * kRowBytes, 0); }
  void store(uint32_t row, uint32_t dram, int64_t rows, int64_t row_bytes, int64_t stride) {
    const auto [t, writes] = transfer(row, dram, rows, row_bytes, stride);
    b_.add(isa::make_store(t, {}, arch::StoreSrc::VSP), {vsp_beats(row, rows, row_bytes)}, writes);
  }
  // n elements from `row` to DRAM, whole beats.
  static int64_t beat_bytes(const arch::Config& c, int64_t n) { return (n * 4 + c.BusBytes - 1) / c.BusBytes * c.BusBytes; }
  void store_vec(uint32_t row, uint32_t dram, int64_t n) { store(row, dram, 1, beat_bytes(cfg_, n), 0); }
  // A drained row of a projection to DRAM. While project() drains with ystore_max_ > 1, the
  // stores of consecutive tokens (their rows following each other in the scratchpad, their DRAM
  // rows at one stride) merge into one STORE of up to ystore_max_ rows: the store DMA waits for
  // a STORE's last write response before it takes the next, so one row per STORE pays the
  // memory's latency per token, and at 64 tokens a batch the drain went at the store's pace.
  struct YStore {
    uint32_t row, dram;
    int64_t n, rows;
    uint32_t dstride;
  };
  // Two streams of stores that merge apart: a drain may store its rows and a sum of them.
  std::optional<YStore> ystore_[2];
  int64_t ystore_max_ = 1;
  void flush_ystore() {
    for (auto& ys : ystore_) {
      if (!ys) continue;
      const YStore y = *ys;
      ys.reset();
      store(y.row, y.dram, y.rows, beat_bytes(cfg_, y.n), y.rows > 1 ? y.dstride : 0);
    }
  }
  void store_y(uint32_t row, uint32_t dram, int64_t n, int stream = 0) {
    const int64_t bytes = beat_bytes(cfg_, n);
    const bool whole_rows = bytes == rows_of(n) * static_cast<int64_t>(kRowBytes);
    std::optional<YStore>& ys = ystore_[stream];
    if (ys) {
      YStore& y = *ys;
      const bool merges = whole_rows && y.n == n && row == y.row + static_cast<uint32_t>(y.rows * rows_of(n)) &&
                          dram > y.dram &&
                          (y.rows == 1 ? dram - y.dram >= bytes : dram == y.dram + static_cast<uint32_t>(y.rows) * y.dstride);
      if (merges) {
        if (y.rows == 1) y.dstride = dram - y.dram;
        if (++y.rows == ystore_max_) {
          const YStore full = y;
          ys.reset();
          store(full.row, full.dram, full.rows, bytes, full.dstride);
        }
        return;
      }
      const YStore old = y;
      ys.reset();
      store(old.row, old.dram, old.rows, beat_bytes(cfg_, old.n), old.rows > 1 ? old.dstride : 0);
    }
    if (ystore_max_ <= 1 || !whole_rows) return store_vec(row, dram, n);
    ys = YStore{row, dram, n, 1, 0};
  }

  // ---- the exact layer model steps -----------------------------------------------------------------------
  // RMS norm and quantization of tokens t0 .. t0 + xs.size() - 1 (token t0 + j's n elements at
  // xs[j]; overwritten when in_place). The passes over each token's elements run per token; the
  // scalar steps (rsqrt of the mean square, reciprocal of the maximum: about 40 instructions of
  // 2 cycles) run once for the group, over one row holding a lane per token, which costs what
  // one token's did. The dequantization scales go to deq_row in finish_norm_phase().
  void norm_quant(const std::vector<uint32_t>& xs, int64_t t0, int64_t n, uint32_t gain, int64_t depth_words,
                  bool in_place);
  void finish_norm_phase(uint32_t deq_row);
  // Tokens per group of norm_quant whose per-token working set (inputs and, unless in place, the
  // normed copy) is rows_per_token, within half the scratch that per_token gives a group.
  int64_t norm_group(int64_t rows_per_token) const;
  // Token t's output row goes to dst(t).
  void project(const layer::TernaryProjection& w, uint32_t w_addr, uint32_t deq_row,
               const std::function<uint32_t(int64_t)>& dst);
  // Projections of one input, their jobs interleaved row block by row block; per token and
  // batch, tail(t, y, first_row, n) consumes the dequantized rows y[i] of projection i. A batch
  // holds a multiple of `align` row blocks (but the last). Segments run as one stream of batches
  // (each batch's drain spread over the next one's jobs, across segments too).
  using ProjectTail = std::function<void(int64_t t, const std::vector<uint32_t>& y, int64_t row0, int64_t n)>;
  // ahead(t, first_row, n), when given, runs for token t of a batch among the batch's own jobs
  // (a batch ahead of its drain): the loads its tail will use, which then do not wait in the
  // in-order load unit behind the next batch's weights while the vector unit waits for them.
  using ProjectAhead = std::function<void(int64_t t, int64_t row0, int64_t n)>;
  struct Segment {
    std::vector<std::pair<const layer::TernaryProjection*, uint32_t>> ws;
    uint32_t deq_row;
    ProjectTail tail;
    int64_t align = 1;
    ProjectAhead ahead = nullptr;
  };
  void project(const std::vector<Segment>& segs);
  // Row blocks per batch of a projection of row_blocks blocks sharing batches with np - 1 others:
  // both output-buffer halves hold a batch of every token; 0 when `align` cannot be met.
  int64_t batch_blocks(int64_t row_blocks, int64_t np, int64_t align) const;
  // Row t of a per-token tensor with a row stride of `stride` bytes.
  static std::function<uint32_t(int64_t)> rows_at(uint32_t base, int64_t stride) {
    return [base, stride](int64_t t) { return base + static_cast<uint32_t>(t * stride); };
  }
  // RoPE's rotation (cos, sin and the signed sin a head's rows take), a row per position: one
  // token's for its query and key, or every token's of a prefill at once.
  struct RopeTables {
    uint32_t c, s, ns, ss;  // ss: head_dim L only (-s in the lower half of the lanes, s above)
  };
  RopeTables rope_tables(const std::vector<int64_t>& pos);
  void rope(uint32_t x, int64_t heads, const RopeTables& t);
  // q, k: the token's query and key (RoPE applied; the key also stored at its cache position).
  // all: attention_all_heads_begin's buffers when the token takes that path.
  struct AllHeads {
    uint32_t m0, sc, mx, z, kb[2], vb[2];
  };
  void attention(const std::optional<AllHeads>& all, uint32_t q, uint32_t k, uint32_t att, const TokenSlot& slot,
                 int64_t t);
  std::optional<AllHeads> attention_all_heads_begin(const TokenSlot& slot);
  void attention_all_heads(const AllHeads& b, uint32_t q, uint32_t k, uint32_t att, const TokenSlot& slot,
                           int64_t t);
  void load_keys(const AllHeads& b, const TokenSlot& slot, int64_t g);
  // A prefill's attention over its queries together (attention_queries): tq queries at a time
  // share each key and value block loaded; exp_mode 0 takes the exponentials of the whole chunk
  // in one sequence, 1 per query, 2 per head (when the scratchpad holds less).
  struct QueryChunks {
    int64_t tq, nb;
    int exp_mode;
    int64_t align;  // the q and k projections' batches: whole heads, for the RoPE in their drains
  };
  std::optional<QueryChunks> query_chunks() const;
  void attention_queries(const QueryChunks& qc);
  void copy_own_key(const AllHeads& b, uint32_t k, const TokenSlot& slot, int64_t g);
  int64_t rope_rows() const;
  // Scratch of per-token loops alternates between two halves so that the loads of token t + 1
  // can run while token t computes. inputs(t) allocates and loads token t's input vectors (and
  // returns their rows); body(t, rows) computes. With `ahead`, token t + 1's inputs are placed
  // in program order before token t's body: the command processor dispatches in program order
  // into queues of kCpQueueDepth, so loads placed after a body wait until the vector unit has
  // nearly finished it, and the token's load and its computation would not overlap. Then an
  // even token's body must stay in its half at its peak, since the other half holds the next
  // token's inputs (the attention, whose scratch grows with the context, does not load ahead).
  using Inputs = std::vector<uint32_t>;
  // inputs() of a loop over per-token rows: n elements of token t from each base + t * stride;
  // each token's loads are followed by its share of the next projection's prefetch (if one is
  // pending), unless the loop issues it itself (per_group: after the group's loads).
  std::function<Inputs(int64_t)> token_rows(std::vector<uint32_t> bases, int64_t n, int64_t stride,
                                            bool prefetching = true) {
    return [this, bases, n, stride, prefetching](int64_t t) {
      Inputs in;
      for (uint32_t base : bases) {
        in.push_back(vsp_.alloc(n));
        load_vec(in.back(), base + static_cast<uint32_t>(t * stride), n);
      }
      if (prefetching) prefetch(t);
      return in;
    };
  }
  void per_token(const std::function<Inputs(int64_t)>& inputs, const std::function<void(int64_t, const Inputs&)>& body,
                 bool ahead = true, int64_t count = -1);
  // per_token over groups of g tokens (the last may be smaller): inputs(t) per token, the group's
  // share of the prefetch after all of them (the group's work waits for its last load, not for
  // weight jobs between its loads), then body(t0, rows) once per group with the group's inputs in
  // token order.
  void per_group(int64_t g, const std::function<Inputs(int64_t)>& inputs,
                 const std::function<void(int64_t, const Inputs&)>& body);
  // A norm phase: norm_quant of every token's first input in groups (before(t, inputs) first,
  // when given), then the scales.
  void norm_phase(const std::function<Inputs(int64_t)>& inputs, int64_t in_rows, int64_t n, uint32_t gain,
                  uint32_t deq_row, int64_t depth_words, bool in_place,
                  const std::function<void(int64_t, const Inputs&)>& before = nullptr);
  // Weight prefetch: the projection after the current vector phase (next() plans the jobs the
  // ring holds, prefetch(t) issues a share per token), and the jobs already loaded.
  int64_t load_job(uint32_t w_addr, const BitLinearPlan& pl, int64_t rb, int64_t kc);
  // Where in the weight ring (both buffers) a job of `depth` words starting its search at `at`
  // goes: never straddling the two buffers.
  int64_t ring_place(int64_t at, int64_t depth) const {
    const int64_t W = cfg_.WDepth;
    return at % W + depth > W ? (at / W + 1) * W % (2 * W) : at;
  }
  void next(const layer::TernaryProjection& w, uint32_t addr);
  void prefetch(int64_t t);
  struct Prefetched {
    const layer::TernaryProjection* w;
    int64_t rb, kc, pos, depth;
    bool overlaps(int64_t p, int64_t d) const { return p < pos + depth && pos < p + d; }
  };
  std::deque<Prefetched> prefetched_;
  const layer::TernaryProjection* next_w_ = nullptr;  // until all its planned jobs are issued
  uint32_t next_addr_ = 0;
  BitLinearPlan next_pl_{};
  std::vector<Prefetched> prefetch_jobs_;  // the planned prefetch, in order (pos as planned)
  size_t prefetch_issued_ = 0;

  const arch::Config& cfg_;
  const layer::LayerParams& p_;
  const layer::LayerShape& s_;
  int64_t T_;
  std::vector<TokenSlot> slots_;
  LayerAddrs a_;
  Vsp vsp_;
  ProgramBuilder b_;
  int64_t wnext_ = 0;     // next free word of the weight ring (2 x WDepth words) across projections
  int64_t out_next_ = 0;  // next free output-buffer word of the ring
  uint32_t c_in_ = 0, c_attn_ = 0, c_post_ = 0, c_ffn_ = 0, c_invf_ = 0, c_mask_ = 0;
  uint32_t scratch_lo_ = 0, scratch_mid_ = 0;
  uint32_t sumsq_ = 0, amax_ = 0;  // norm_quant's rows of a lane per token, for a whole phase
  bool resident_;
  bool resident_taken_ = false;
};

// rms_norm: sum of squares (DOT), mean (x 1/n), + eps, rsqrt, x * r, * gain. quantize: amax =
// max(|x|) from 1e-5, s = 127 * recip(amax), q = clamp8(rne(x * s)) packed into the token's
// activation words; deq = amax * (1/127). Two passes over x for the quantization: MAX of |x|
// (vop ABS), and TO_ACT with vop QMUL, which multiplies, rounds, clamps and packs (were six:
// ABS, MAX, MUL, F2I, CLAMP8, TO_ACT; the same operations on every element). The scalar steps
// run over lanes 0 .. t0 + g - 1: the earlier groups' lanes again, with the same results.
void LayerGen::norm_quant(const std::vector<uint32_t>& xs, int64_t t0, int64_t n, uint32_t gain, int64_t depth_words,
                          bool in_place) {
  const auto g = static_cast<int64_t>(xs.size());
  const int64_t m = t0 + g;
  const auto lane = [t0](int64_t j) { return static_cast<uint32_t>(t0 + j); };
  for (int64_t j = 0; j < g; ++j) dot(sumsq_, lane(j), xs[j], n, vecb(xs[j]));
  const uint32_t mean = vsp_.alloc(m), me = vsp_.alloc(m);
  elem(VectorOp::MUL, mean, sumsq_, m, imm(kf(1.0f / static_cast<float>(n))));
  elem(VectorOp::ADD, me, mean, m, imm(kf(s_.rms_norm_eps)));
  const uint32_t r = prog(vec::prog_rsqrt(), me, m);
  std::vector<uint32_t> ys;
  for (int64_t j = 0; j < g; ++j) {
    const uint32_t y = in_place ? xs[j] : vsp_.alloc(n);
    elem(VectorOp::MUL, y, xs[j], n, scalar(r, lane(j)));
    elem(VectorOp::MUL, y, y, n, vecb(gain));
    vmax(amax_, lane(j), y, n, kf(1e-5f), true);
    ys.push_back(y);
  }
  const uint32_t rc = prog(vec::prog_recip(), amax_, m), sc = vsp_.alloc(m);
  elem(VectorOp::MUL, sc, rc, m, imm(kf(127.0f)), true);
  const uint64_t bpw = cfg_.act_beats_per_word();
  for (int64_t j = 0; j < g; ++j) {
    isa::Vec v;
    v.kind = VectorKind::TO_ACT;
    v.op = VectorOp::QMUL;
    v.dst = static_cast<uint32_t>((t0 + j) * depth_words * cfg_.act_beats_per_word());
    v.src1 = ys[static_cast<size_t>(j)];
    v.len = static_cast<uint32_t>(n);
    v.bmode = VectorBMode::SCALAR;
    v.src2 = sc;
    v.lane = lane(j);
    emit_vec(v, {vsp(v.src1, n), vsp(sc, 1)},
             {{Space::ACT, v.dst / bpw, (v.dst + static_cast<uint64_t>(rows_of(n)) + bpw - 1) / bpw}});
  }
}

// The scales of the phase's tokens at once (was a DOT of one element per token: the same product).
void LayerGen::finish_norm_phase(uint32_t deq_row) { elem(VectorOp::MUL, deq_row, amax_, T_, imm(kf(1.0f / 127.0f))); }

int64_t LayerGen::norm_group(int64_t rows_per_token) const {
  // The group's work waits for all of its loads: larger groups save little more (a third of one
  // token's scalar steps at 3) and wait longer at the start of a phase. Measured on the main
  // job's prefill / a batch-16 step (model): 2 tokens 464,128 / 396,004 cycles, 3 463,456 /
  // 396,082, 4 463,552 / 397,450, 8 466,688 / 401,111.
  constexpr int64_t kMaxGroup = 3;
  // The group's scalar rows (mean, mean + eps, the rsqrt's result, the scales) and the two
  // chains' working blocks, with a margin: per_token refuses a group that passes its half, so
  // the estimate errs large.
  const int64_t chain = 6 + 2 * std::max(prog_rows(vec::prog_rsqrt(), 1), prog_rows(vec::prog_recip(), 1));
  const int64_t half = static_cast<int64_t>(scratch_mid_) - static_cast<int64_t>(scratch_lo_) - chain;
  return std::clamp<int64_t>(half / std::max<int64_t>(rows_per_token, 1), 1, std::min(kMaxGroup, T_));
}

// project: the engine's integer products for all tokens, batch by batch of row blocks in the
// output buffer, then per token y = (float(acc) * deq) * w_mul stored at dst(t).
void LayerGen::project(const layer::TernaryProjection& w, uint32_t w_addr, uint32_t deq_row,
                       const std::function<uint32_t(int64_t)>& dst) {
  project({{{{&w, w_addr}}, deq_row, [&](int64_t t, const std::vector<uint32_t>& y, int64_t row0, int64_t n) {
              store_y(y[0], dst(t) + static_cast<uint32_t>(row0 * 4), n);
            }}});
}

int64_t LayerGen::batch_blocks(int64_t row_blocks, int64_t np, int64_t align) const {
  // Batches of row blocks take turns in the output buffer (a ring across projections), so the
  // vector unit drains one batch while the engine fills the next. At most kMaxBatchBlocks, so
  // that the last batch's drain, which no weight stream hides, stays short when T is small.
  constexpr int64_t kMaxBatchBlocks = 16;
  const int64_t n = std::max<int64_t>(1, std::min<int64_t>({row_blocks, cfg_.OutWords / (2 * np * T_), kMaxBatchBlocks}));
  return n < row_blocks ? n / align * align : n;
}

void LayerGen::project(const std::vector<Segment>& segs) {
  // Per segment: its projections' plan and batch size.
  struct Plan {
    BitLinearPlan pl;
    int64_t np, per_batch;
  };
  std::vector<Plan> plans;
  int64_t y_rows = 0, np_max = 0;
  for (const Segment& sg : segs) {
    const layer::TernaryProjection& w0 = *sg.ws.front().first;
    for (const auto& [w, addr] : sg.ws)
      if (w->out != w0.out || w->in != w0.in) throw std::logic_error("projections of one batch differ in shape");
    const auto np = static_cast<int64_t>(sg.ws.size());
    const BitLinearPlan pl = plan_bitlinear(cfg_, {w0.out, w0.in, T_});
    const int64_t per_batch = batch_blocks(pl.row_blocks, np, sg.align);
    if (per_batch < 1) throw std::logic_error("a projection's batches cannot hold whole heads");
    plans.push_back({pl, np, per_batch});
    y_rows = std::max(y_rows, per_batch * cfg_.Rows);
    np_max = std::max(np_max, np);
  }
  const uint32_t m0 = vsp_.mark();
  // The drained rows' ring: 2 x ystore_max_ slots per projection, each slot's rows following
  // the last one's, so that store_y merges up to ystore_max_ tokens' stores while the vector unit
  // drains the next tokens into the other half. A quarter of the free scratchpad at most.
  const int64_t yr = rows_of(y_rows);
  const int64_t k_fit = static_cast<int64_t>(vsp_.free_rows()) / 4 / (2 * np_max * yr);
  ystore_max_ = std::max<int64_t>(1, std::min(kStoreTokens, k_fit));
  const int64_t y_n = 2 * ystore_max_;
  const uint32_t ybase = vsp_.alloc(np_max * y_n * yr * L);
  std::vector<std::vector<uint32_t>> y(static_cast<size_t>(y_n));
  for (int64_t sl = 0; sl < y_n; ++sl)
    for (int64_t i = 0; i < np_max; ++i) y[static_cast<size_t>(sl)].push_back(ybase + static_cast<uint32_t>((i * y_n + sl) * yr));
  // Every job in program order. Each MATMUL is preceded in program order by the loads of the
  // jobs up to kLoadsAhead after it (as far as the weight ring holds them without overwriting a
  // job not used yet): the command processor dispatches in program order into queues of
  // kCpQueueDepth, so a job's load placed right before its MATMUL, behind the previous jobs'
  // share of the drain, waited for the vector unit to take that share, and at 64 tokens a batch
  // (drains of 8 tokens a job) loads and MATMULs alternated instead of overlapping.
  struct Job {
    const layer::TernaryProjection* w;
    uint32_t addr;
    const BitLinearPlan* pl;
    int64_t rb, kc;
  };
  std::vector<Job> all_jobs;
  for (size_t si = 0; si < segs.size(); ++si)
    for (int64_t rb0 = 0; rb0 < plans[si].pl.row_blocks; rb0 += plans[si].per_batch)
      for (int64_t rb = rb0; rb < std::min(rb0 + plans[si].per_batch, plans[si].pl.row_blocks); ++rb)
        for (const auto& [w, addr] : segs[si].ws)
          for (int64_t kc = 0; kc < plans[si].pl.k_chunks; ++kc) all_jobs.push_back({w, addr, &plans[si].pl, rb, kc});
  size_t loaded_to = 0, job_at = 0;
  auto find_loaded = [&](const Job& j) {
    return std::find_if(prefetched_.begin(), prefetched_.end(), [&](const Prefetched& p) {
      return p.w == j.w && p.rb == j.rb && p.kc == j.kc;
    });
  };
  auto load_ahead = [&](size_t upto) {
    for (; loaded_to < std::min(upto, all_jobs.size()); ++loaded_to) {
      const Job& j = all_jobs[loaded_to];
      if (find_loaded(j) != prefetched_.end()) continue;
      const int64_t depth = std::min<int64_t>(cfg_.WDepth, j.pl->depth_total - j.kc * cfg_.WDepth);
      const int64_t pos = ring_place(wnext_, depth);
      if (std::any_of(prefetched_.begin(), prefetched_.end(), [&](const Prefetched& p) { return p.overlaps(pos, depth); }))
        return;
      if (load_job(j.addr, *j.pl, j.rb, j.kc) != pos) throw std::logic_error("a weight job left its planned place");
      prefetched_.push_back({j.w, j.rb, j.kc, pos, depth});
    }
  };
  int64_t drained = 0;
  // The drain of one batch: per token and projection y = (float(acc) * deq) * w_mul, then the tail.
  struct Batch {
    size_t seg;
    int64_t rb0, n, out0, words;  // projection i's words start at out0 + i * words / np
  };
  auto drain = [&](const Batch& bt, int64_t t) {
    const Segment& sg = segs[bt.seg];
    const int64_t np = plans[bt.seg].np;
    // Stores merge among one batch's tokens only (one tensor, one stride).
    if (t == 0) flush_ystore();
    const std::vector<uint32_t>& yr = y[static_cast<size_t>(drained++ % y_n)];
    for (int64_t i = 0; i < np; ++i) {
      isa::Vec v;
      v.kind = VectorKind::FROM_OUT;
      v.dst = yr[static_cast<size_t>(i)];
      v.src1 = static_cast<uint32_t>(bt.out0 + i * (bt.words / np) + t);
      v.src2 = static_cast<uint32_t>(T_);
      v.len = static_cast<uint32_t>(bt.n);
      std::vector<Span> words;
      for (int64_t k = 0; k < (bt.n + cfg_.Rows - 1) / cfg_.Rows; ++k) {
        const uint64_t o = v.src1 + static_cast<uint64_t>(k) * v.src2;
        words.push_back({Space::OUT, o, o + 1});
      }
      emit_vec(v, words, {vsp(v.dst, bt.n)});
      // The BF16 engine's sums are binary32 already (exact integers, see plan_bitlinear).
      if (!cfg_.float_sums()) elem(VectorOp::I2F, v.dst, v.dst, bt.n, imm(0));
      elem(VectorOp::MUL, v.dst, v.dst, bt.n, scalar(sg.deq_row, static_cast<uint32_t>(t)));
      elem(VectorOp::MUL, v.dst, v.dst, bt.n, imm(sg.ws[static_cast<size_t>(i)].first->w_mul));
    }
    sg.tail(t, yr, bt.rb0 * cfg_.Rows, bt.n);
    if (t == T_ - 1) flush_ystore();
  };
  // The previous batch drains in program order between this batch's jobs, not after them: the
  // command processor dispatches in program order into queues of kCpQueueDepth, so a drain of T
  // tokens (5 instructions each) placed as one piece holds back the next batch's weight loads
  // until the vector unit and the store DMA have nearly finished it, and the weight stream stops.
  // So too from one segment to the next.
  std::optional<Batch> prev;
  int64_t prev_next = 0;  // the previous batch's next token to drain
  auto drain_to = [&](int64_t upto) {
    for (; prev && prev_next < upto; ++prev_next) drain(*prev, prev_next);
  };
  for (size_t si = 0; si < segs.size(); ++si) {
    const auto& ws = segs[si].ws;
    const auto& [pl, np, per_batch] = plans[si];
    for (int64_t rb0 = 0; rb0 < pl.row_blocks; rb0 += per_batch) {
      const int64_t nb = std::min(per_batch, pl.row_blocks - rb0);
      const int64_t words = np * nb * T_;
      if (out_next_ + words > cfg_.OutWords) out_next_ = 0;
      const int64_t out0 = out_next_;
      out_next_ += words;
      // The ring wrapped onto words the previous batch still holds: it drains first.
      if (prev && out0 < prev->out0 + prev->words && prev->out0 < out0 + words) drain_to(T_);
      const int64_t jobs = np * nb * pl.k_chunks;
      int64_t job = 0, ahead_next = 0;
      const int64_t rows_here = std::min(nb * cfg_.Rows, ws.front().first->out - rb0 * cfg_.Rows);
      auto ahead_to = [&](int64_t upto) {
        for (; segs[si].ahead && ahead_next < upto; ++ahead_next) segs[si].ahead(ahead_next, rb0 * cfg_.Rows, rows_here);
      };
      for (int64_t rb = rb0; rb < rb0 + nb; ++rb)
        for (int64_t i = 0; i < np; ++i)
          for (int64_t kc = 0; kc < pl.k_chunks; ++kc) {
            const layer::TernaryProjection* w = ws[static_cast<size_t>(i)].first;
            const int64_t depth = std::min<int64_t>(cfg_.WDepth, pl.depth_total - kc * cfg_.WDepth);
            const int64_t W = cfg_.WDepth;
            int64_t pos;
            load_ahead(job_at + 1 + kLoadsAhead);
            ++job_at;
            if (const auto it = find_loaded({w, 0, nullptr, rb, kc}); it != prefetched_.end()) {
              pos = it->pos;
              prefetched_.erase(it);
            } else {
              pos = load_job(ws[static_cast<size_t>(i)].second, pl, rb, kc);
            }
            const auto buf = static_cast<uint32_t>(pos / W);
            const Span wwords{Space::WGT, static_cast<uint64_t>(pos), static_cast<uint64_t>(pos + depth)};
            isa::Matmul mm;
            mm.wbuf = buf;
            mm.woff = static_cast<uint32_t>(pos % W);
            mm.accumulate = kc > 0;
            mm.depth = static_cast<uint32_t>(depth);
            mm.act_word = static_cast<uint32_t>(kc * cfg_.WDepth);
            mm.act_stride = static_cast<uint32_t>(pl.depth_total);
            mm.out_word = static_cast<uint32_t>(out0 + i * nb * T_ + (rb - rb0) * T_);
            mm.tokens = static_cast<uint32_t>(T_);
            const Span out{Space::OUT, mm.out_word, mm.out_word + uint64_t{mm.tokens}};
            std::vector<Span> reads{wwords};
            for (int64_t t = 0; t < T_; ++t) {
              const uint64_t a = mm.act_word + static_cast<uint64_t>(t) * mm.act_stride;
              reads.push_back({Space::ACT, a, a + mm.depth});
            }
            if (mm.accumulate) reads.push_back(out);
            b_.add(isa::make_matmul(mm), reads, {out});
            drain_to(T_ * ++job / jobs);
            ahead_to(T_ * job / jobs);
          }
      drain_to(T_);
      ahead_to(T_);
      prev = Batch{si, rb0, rows_here, out0, words};
      prev_next = 0;
    }
  }
  drain_to(T_);
  flush_ystore();  // the last group, before its rows are given back
  ystore_max_ = 1;
  vsp_.release(m0);
}

int64_t LayerGen::load_job(uint32_t w_addr, const BitLinearPlan& pl, int64_t rb, int64_t kc) {
  const int64_t W = cfg_.WDepth, depth = std::min<int64_t>(W, pl.depth_total - kc * W);
  const int64_t pos = ring_place(wnext_, depth);
  wnext_ = (pos + depth) % (2 * W);
  // A job loaded ahead (prefetch) and not used yet must not be overwritten: the program builder
  // orders accesses in program order only, so this would be silently wrong weights.
  for (const Prefetched& p : prefetched_)
    if (p.overlaps(pos, depth)) throw std::logic_error("a weight job would overwrite a prefetched job not used yet");
  isa::Transfer t;
  t.sram_beat = cfg_.wgt_load_at(static_cast<uint64_t>(pos) * cfg_.Tiles);
  t.dram_addr = w_addr + static_cast<uint32_t>(wgt_job_offset(cfg_, pl, rb, kc));
  t.rows = 1;
  t.row_beats = static_cast<uint32_t>(cfg_.wgt_load_beats(static_cast<uint64_t>(depth) * cfg_.Tiles));
  b_.add(isa::make_load(arch::LoadDst::WGT, t), {},
         {{Space::WGT, static_cast<uint64_t>(pos), static_cast<uint64_t>(pos + depth)}});
  return pos;
}

// The first jobs of the next projection, as many as the weight ring holds, loaded while the
// vector unit works. next() plans them where load_job will place them (the vector phase before
// the projection issues no other weight load), right after the projection before has issued its
// last; prefetch(t) follows token t's loads with the jobs up to the share (t + 1) / T of them: all
// behind the last token's loads left the weight stream idle for all of the phase but its last
// token; all behind the first would queue the following tokens' inputs behind them in the
// in-order load unit.
void LayerGen::next(const layer::TernaryProjection& w, uint32_t addr) {
  next_w_ = &w;
  next_addr_ = addr;
  next_pl_ = plan_bitlinear(cfg_, {w.out, w.in, T_});
  const int64_t W = cfg_.WDepth;
  auto fits = [&](int64_t pos, int64_t depth) {
    return std::none_of(prefetch_jobs_.begin(), prefetch_jobs_.end(),
                        [&](const Prefetched& j) { return j.overlaps(pos, depth); });
  };
  prefetch_jobs_.clear();
  prefetch_issued_ = 0;
  int64_t at = wnext_;
  bool full = false;
  for (int64_t rb = 0; rb < next_pl_.row_blocks && !full; ++rb)
    for (int64_t kc = 0; kc < next_pl_.k_chunks; ++kc) {
      const int64_t depth = std::min<int64_t>(W, next_pl_.depth_total - kc * W);
      const int64_t pos = ring_place(at, depth);
      if ((full = !fits(pos, depth))) break;
      prefetch_jobs_.push_back({&w, rb, kc, pos, depth});
      at = (pos + depth) % (2 * W);
    }
}

void LayerGen::prefetch(int64_t t) {
  if (!next_w_) return;
  const size_t n = prefetch_jobs_.size();
  // (The last token issues whatever is left.)
  const size_t upto = t + 1 >= T_ ? n : n * static_cast<size_t>(t + 1) / static_cast<size_t>(T_);
  for (; prefetch_issued_ < upto; ++prefetch_issued_) {
    const Prefetched& j = prefetch_jobs_[prefetch_issued_];
    if (load_job(next_addr_, next_pl_, j.rb, j.kc) != j.pos)
      throw std::logic_error("a prefetched weight job left its planned place in the ring");
    prefetched_.push_back(j);
  }
  if (prefetch_issued_ == n) next_w_ = nullptr;
}

// rope: angle = pos * inv_freq, c = cos, s = sin; x' = x * c + rot(x) * (-s | s) (see
// accel_layer.cpp's rope). head_dim L: one row per head, rot is the vrot lane exchange and the
// constants hold two copies of the L / 2 frequencies. head_dim 2 L: the halves are rows.
// Tables of several positions at once are rows of one table each (position i's row i): the
// same operations on every element, one sequence of instructions over all of them.
LayerGen::RopeTables LayerGen::rope_tables(const std::vector<int64_t>& pos) {
  const auto n = static_cast<int64_t>(pos.size()) * L;
  RopeTables t{};
  const uint32_t ang = vsp_.alloc(n);
  for (size_t i = 0; i < pos.size(); ++i)
    elem(VectorOp::MUL, ang + static_cast<uint32_t>(i), c_invf_, L, imm(vec::from_int(static_cast<int32_t>(pos[i]))),
         true);
  t.c = prog(vec::prog_cos(), ang, n);
  t.s = prog(vec::prog_sin(), ang, n);
  t.ns = vsp_.alloc(n);
  elem(VectorOp::NEG, t.ns, t.s, n, imm(0));
  if (s_.head_dim == L) {
    const uint32_t a = vsp_.alloc(n), bb = vsp_.alloc(n);
    t.ss = vsp_.alloc(n);
    elem(VectorOp::AND, a, t.ns, n, rowb(c_mask_));   // -s in the lower half of the lanes
    elem(VectorOp::ANDN, bb, t.s, n, rowb(c_mask_));  // s in the upper half
    elem(VectorOp::OR, t.ss, a, n, vecb(bb));
  }
  return t;
}

// Scratchpad rows rope_tables and a query's and a key's rope take: the angle, cos, sin, -sin and
// (head_dim L) two halves and their merge, 7 rows at most; the cos/sin sequence's pool while it
// runs; each rope's two products of the heads' rows.
int64_t LayerGen::rope_rows() const {
  const int64_t hr = s_.head_dim / L;
  return 7 + std::max(prog_rows(vec::prog_cos(), L), prog_rows(vec::prog_sin(), L)) +
         2 * (s_.heads + s_.kv_heads) * hr;
}

void LayerGen::rope(uint32_t x, int64_t heads, const RopeTables& t) {
  const int64_t hd = s_.head_dim, n = heads * hd;
  const uint32_t pr = vsp_.alloc(n), rr = vsp_.alloc(n);
  elem(VectorOp::MUL, pr, x, n, rowb(t.c));
  if (hd == L) {
    elem(VectorOp::MUL, rr, x, n, rowb(t.ss), false, true);
  } else {
    for (int64_t h = 0; h < heads; ++h) {
      const auto r0 = static_cast<uint32_t>(h * 2);
      elem(VectorOp::MUL, rr + r0, x + r0 + 1, L, vecb(t.ns));
      elem(VectorOp::MUL, rr + r0 + 1, x + r0, L, vecb(t.s));
    }
  }
  elem(VectorOp::ADD, x, pr, n, vecb(rr));
}

// attention with the softmax of all heads in one sequence of instructions (the exponentials and
// reciprocals over every head's scores at once, not per KV group: 5x fewer of those instructions
// on 2B4T), when every head's scores and two key and two value buffers of the whole context fit;
// the same operations on every element as per group, so bit for bit the same result. Keys and
// values take turns in their two buffers group by group, the next group's loading while this
// one computes; the first two groups' values load during the softmax. The token's own key is
// copied from the scratchpad into its block rather than read back from the cache it was just
// stored to (a store and a load in a row, which the vector unit would wait for).
//
// It begins before the token's RoPE (attention_all_heads_begin): the buffers, and the loads of
// the first two groups' keys, which do not wait for it; dispatched in program order behind the
// RoPE's instructions they would wait for the vector unit to reach them.
std::optional<LayerGen::AllHeads> LayerGen::attention_all_heads_begin(const TokenSlot& slot) {
  const int64_t hd = s_.head_dim, hr = hd / L, nkv = s_.kv_heads, nh = s_.heads, vis = slot.pos + 1;
  const int64_t R = rows_of(vis);
  const int64_t pool = prog_rows(vec::prog_exp_nonpos(), nh * R * L);
  if (static_cast<int64_t>(vsp_.free_rows()) < nh * R + 2 * rows_of(nh) + std::max(pool, rope_rows()) + 4 * vis * hr + 4)
    return std::nullopt;
  AllHeads b{};
  b.m0 = vsp_.mark();
  b.sc = vsp_.alloc(nh * R * L);
  b.mx = vsp_.alloc(nh);
  b.z = vsp_.alloc(nh);
  for (auto* buf : {&b.kb[0], &b.kb[1], &b.vb[0], &b.vb[1]}) *buf = vsp_.alloc(vis * hd);
  for (int64_t g = 0; g < std::min<int64_t>(2, nkv); ++g) load_keys(b, slot, g);
  return b;
}

// Group g's keys of the positions before the token's own (whose key comes from the scratchpad).
void LayerGen::load_keys(const AllHeads& b, const TokenSlot& slot, int64_t g) {
  const int64_t hd = s_.head_dim, kvrow = s_.kv_heads * hd * 4, own = slot.pos;
  if (own > 0) load(b.kb[g % 2], slot.kcache + static_cast<uint32_t>(g * hd * 4), own, hd * 4, kvrow);
}

void LayerGen::copy_own_key(const AllHeads& b, uint32_t k, const TokenSlot& slot, int64_t g) {
  const int64_t hr = s_.head_dim / L;
  elem(VectorOp::AND, b.kb[g % 2] + static_cast<uint32_t>(slot.pos * hr), k + static_cast<uint32_t>(g * hr),
       s_.head_dim, imm(0xffffffffu));  // a bit copy
}

void LayerGen::attention_all_heads(const AllHeads& b, uint32_t q, uint32_t k, uint32_t att, const TokenSlot& slot,
                                   int64_t t) {
  const int64_t hd = s_.head_dim, hr = hd / L, nkv = s_.kv_heads, nh = s_.heads, gh = nh / nkv, vis = slot.pos + 1;
  const int64_t kvrow = nkv * hd * 4, R = rows_of(vis);
  const vf32 scale = kf(1.0f / std::sqrt(static_cast<float>(hd)));
  const uint32_t sc = b.sc, mx = b.mx, z = b.z;
  auto head = [&](uint32_t base, int64_t h) { return base + static_cast<uint32_t>(h * R); };
  auto load_values = [&](int64_t g) {
    load(b.vb[g % 2], slot.vcache + static_cast<uint32_t>(g * hd * 4), vis, hd * 4, kvrow);
    if (g == nkv - 1) prefetch(t);  // the next projection's weights, behind the token's last cache load
  };
  // Scores: the keys of group g load once the DOTS of group g - 2 have read their buffer.
  for (int64_t g = 0; g < nkv; ++g) {
    if (g >= 2) load_keys(b, slot, g);
    copy_own_key(b, k, slot, g);
    for (int64_t hi = 0; hi < gh; ++hi) {
      const int64_t h = g * gh + hi;
      positions(VectorKind::DOTS, uint64_t{head(sc, h)} * L, q + static_cast<uint32_t>(h * hr), b.kb[g % 2], hd, vis);
    }
  }
  for (int64_t g = 0; g < std::min<int64_t>(2, nkv); ++g) load_values(g);
  // Softmax of every head: scale, max subtraction, exponentials, sums, reciprocals, weights.
  elem(VectorOp::MUL, sc, sc, nh * R * L, imm(scale));
  maxima(uint64_t{mx} * L, sc, vis, nh, R);
  subtract_maxima(sc, mx, vis, nh, R);
  exp_in_place(sc, nh * R * L);
  const uint32_t p = sc;
  // Every head's sum in one DOTS against a row of ones: each head's exponentials are one of its
  // positions, summed in the order a DOT sums them (x * 1 is exact), so the sums are the same.
  const uint32_t ones = vsp_.alloc(vis);
  elem(VectorOp::AND, ones, ones, vis, imm(0));
  elem(VectorOp::OR, ones, ones, vis, imm(kf(1.0f)));
  positions(VectorKind::DOTS, uint64_t{z} * L, ones, p, vis, nh);
  const uint32_t rz = prog(vec::prog_recip(), z, nh);
  scale_by(p, rz, vis, nh, R);
  elem(VectorOp::AND, att, att, nh * hd, imm(0));
  // Weighted sums: the values of group g load once the WSUMs of group g - 2 have read theirs.
  for (int64_t g = 0; g < nkv; ++g) {
    if (g >= 2) load_values(g);
    for (int64_t hi = 0; hi < gh; ++hi) {
      const int64_t h = g * gh + hi;
      positions(VectorKind::WSUM, uint64_t{head(p, h)} * L, att + static_cast<uint32_t>(h * hr), b.vb[g % 2], hd, vis);
    }
  }
  vsp_.release(b.m0);
}

// attention of one token at position pos over the cache (positions 0 .. pos, this token's key
// and value included), per KV group: scores = (q . k_j) * scale, softmax with max subtraction,
// out = sum_j p_j * v_j in order.
void LayerGen::attention(const std::optional<AllHeads>& all, uint32_t q, uint32_t k, uint32_t att,
                         const TokenSlot& slot, int64_t t) {
  if (all) return attention_all_heads(*all, q, k, att, slot, t);
  const int64_t hd = s_.head_dim, hr = hd / L, nkv = s_.kv_heads, gh = s_.heads / nkv, vis = slot.pos + 1;
  const int64_t kvrow = nkv * hd * 4, R = rows_of(vis);
  const vf32 scale = kf(1.0f / std::sqrt(static_cast<float>(hd)));
  // The cache streams through two block buffers of nb positions (keys for the scores, then
  // values for the weighted sum), so the loads of the next block run while the vector unit
  // works on this one and the context is not bounded by the scratchpad. What a group needs
  // besides: its scores (gh x R rows), and one head's exp sequence (a pool of R-row blocks).
  // One exp sequence over all heads of a group when the whole context fits twice over (fewer
  // instructions); otherwise one per head.
  const int64_t pool_rows = prog_rows(vec::prog_exp_nonpos(), vis);
  const int64_t free_rows = static_cast<int64_t>(vsp_.free_rows()) - gh * R - 2 * rows_of(gh) - 4;
  const int64_t pool_all = prog_rows(vec::prog_exp_nonpos(), gh * R * L);
  const bool exp_all = free_rows - pool_all >= 2 * 2 * vis * hr;
  const int64_t pool = exp_all ? pool_all : pool_rows;
  // Four buffers when a whole context fits in one block (a group's keys and values both load
  // while the group before computes), two otherwise (the blocks stream).
  const int nbuf = (free_rows - pool) / (4 * hr) >= vis ? 4 : 2;
  const int64_t nb = std::min<int64_t>(vis, (free_rows - pool) / (nbuf * hr));
  if (nb < 1)
    throw std::invalid_argument(fmt::format(
        "a context of {} positions needs more than the {} rows of the vector scratchpad ({} rows of scores and "
        "softmax, plus the key/value blocks)",
        vis, cfg_.VRows, gh * R + pool));
  const uint32_t m_all = vsp_.mark();
  uint32_t blk[4];
  for (int i = 0; i < nbuf; ++i) blk[i] = vsp_.alloc(nb * hd);
  int64_t b = 0;  // blocks loaded so far: they take turns in the buffers
  auto load_block = [&](uint32_t cache, int64_t j0) {
    const uint32_t buf = blk[b++ % nbuf];
    load(buf, cache + static_cast<uint32_t>(j0 * kvrow), std::min(nb, vis - j0), hd * 4, kvrow);
    return buf;
  };
  // `first`: block 0 when already loaded (kNotLoaded: load it here).
  constexpr uint32_t kNotLoaded = UINT32_MAX;
  auto each_block = [&](uint32_t cache, uint32_t first,
                        const std::function<void(int64_t j0, int64_t n, uint32_t buf)>& use) {
    for (int64_t j0 = 0; j0 < vis; j0 += nb) {
      const uint32_t buf = j0 == 0 && first != kNotLoaded ? first : load_block(cache, j0);
      use(j0, std::min(nb, vis - j0), buf);
    }
  };
  for (int64_t g = 0; g < nkv; ++g) {
    const uint32_t m0 = vsp_.mark();
    const uint32_t sc = vsp_.alloc(gh * R * L), mx = vsp_.alloc(gh), z = vsp_.alloc(gh);
    auto head_scores = [&](int64_t hi) { return sc + static_cast<uint32_t>(hi * R); };
    // Scores: per key block, one DOTS per head. The first value block loads right after the
    // keys, so that it is dispatched (in program order) before the softmax's instructions.
    const uint32_t kcache = slot.kcache + static_cast<uint32_t>(g * hd * 4);
    const uint32_t vcache = slot.vcache + static_cast<uint32_t>(g * hd * 4);
    const uint32_t k0 = load_block(kcache, 0);
    const uint32_t v0 = nb >= vis ? load_block(vcache, 0) : kNotLoaded;
    // The next projection's weights queue behind the last cache load the vector unit needs first.
    const bool prefetch_here = g == nkv - 1;
    if (prefetch_here && v0 != kNotLoaded) prefetch(t);
    each_block(kcache, k0, [&](int64_t j0, int64_t n, uint32_t buf) {
      for (int64_t hi = 0; hi < gh; ++hi)
        positions(VectorKind::DOTS, uint64_t{head_scores(hi)} * L + static_cast<uint64_t>(j0),
                  q + static_cast<uint32_t>((g * gh + hi) * hr), buf, hd, n);
    });
    elem(VectorOp::MUL, sc, sc, gh * R * L, imm(scale));
    maxima(uint64_t{mx} * L, sc, vis, gh, R);
    if (exp_all) {
      subtract_maxima(sc, mx, vis, gh, R);
    } else {
      for (int64_t hi = 0; hi < gh; ++hi) {
        const auto sh = head_scores(hi);
        elem(VectorOp::SUB, sh, sh, vis, scalar(mx, static_cast<uint32_t>(hi)));
        exp_in_place(sh, vis);
      }
    }
    // p: the exponentials over the scores (all heads at once, or per head above).
    if (exp_all) exp_in_place(sc, gh * R * L);
    const uint32_t p = sc;
    auto head_p = [&](int64_t hi) { return p + static_cast<uint32_t>(hi * R); };
    for (int64_t hi = 0; hi < gh; ++hi) dot(z, static_cast<uint32_t>(hi), head_p(hi), vis, imm(kf(1.0f)));
    const uint32_t rz = prog(vec::prog_recip(), z, gh);
    for (int64_t hi = 0; hi < gh; ++hi) {
      const auto sh = head_p(hi);
      elem(VectorOp::MUL, sh, sh, vis, scalar(rz, static_cast<uint32_t>(hi)));
      const auto out = att + static_cast<uint32_t>((g * gh + hi) * hr);
      elem(VectorOp::AND, out, out, hd, imm(0));
    }
    // Weighted sums: per value block, one WSUM per head (out += p_j * v_j, j in order).
    each_block(vcache, v0, [&](int64_t j0, int64_t n, uint32_t buf) {
      if (prefetch_here && j0 == 0) prefetch(t);  // no-op when done above
      for (int64_t hi = 0; hi < gh; ++hi)
        positions(VectorKind::WSUM, uint64_t{head_p(hi)} * L + static_cast<uint64_t>(j0),
                  att + static_cast<uint32_t>((g * gh + hi) * hr), buf, hd, n);
    });
    vsp_.release(m0);
  }
  vsp_.release(m_all);
}

// A prefill's attention with each key and value block loaded once for many of its queries (as
// FlashAttention tiles it), not once per query: per KV group, chunks of tq queries (their roped
// rows read back from q) take their scores block by block, the softmax of the chunk (one exp
// sequence over all of it when the scratchpad allows), then the weighted sums block by block;
// the outputs go back over the queries' rows in DRAM. Per (query, head) the operations are
// those of the per-token attention, in the same order (a score does not depend on the block it
// is computed in; the maximum is exact in any order; the sums, a DOTS against a row of ones or
// a DOT with 1.0, and the weighted sums run over the positions in order), so the result is bit
// for bit the same. Without it each query re-read its whole context's keys and values from
// DRAM, and the vector unit waited on them (32% of the attention's cycles at P = 512).
//
// Only for more than one token of one sequence at consecutive positions, when the q and k
// projections' batches can hold whole heads (for the RoPE in their drains: on `ci` up to 16
// tokens of head_dim 64, 8 of 128), when every token's RoPE tables fit beside them, and when a
// chunk of one query fits the scratchpad; otherwise nullopt and the per-token attention runs.
std::optional<LayerGen::QueryChunks> LayerGen::query_chunks() const {
  if (T_ < 2) return std::nullopt;
  for (int64_t t = 1; t < T_; ++t) {
    const TokenSlot &a = slots_[static_cast<size_t>(t)], &f = slots_.front();
    if (a.kcache != f.kcache || a.vcache != f.vcache || a.pos != f.pos + t) return std::nullopt;
  }
  // The RoPE in the q and k projections' drains takes whole heads in every batch.
  const int64_t hd = s_.head_dim, rows = cfg_.Rows;
  if (hd % rows != 0 && rows % hd != 0) return std::nullopt;
  const int64_t align = hd % rows == 0 ? hd / rows : 1;
  for (const int64_t out : {s_.hidden, s_.kv_heads * hd})
    if (batch_blocks(plan_bitlinear(cfg_, {out, s_.hidden, T_}).row_blocks, 1, align) < 1) return std::nullopt;
  const int64_t hr = hd / L, gh = s_.heads / s_.kv_heads, vis = slots_.back().pos + 1, R = rows_of(vis);
  const int64_t free = static_cast<int64_t>(cfg_.VRows) - scratch_lo_ - 4;
  // The RoPE tables beside q's, k's and v's drains: T rows each of the angle, cos, sin, -sin and
  // for head_dim L three more, the cos and sin pools while they run; two batch buffers and a
  // batch's RoPE products (of the largest batch: v's are not aligned to heads).
  const int64_t pools = std::max(prog_rows(vec::prog_cos(), T_ * L), prog_rows(vec::prog_sin(), T_ * L));
  const int64_t batch = rows_of(batch_blocks(plan_bitlinear(cfg_, {s_.hidden, s_.hidden, T_}).row_blocks, 1, 1) * cfg_.Rows);
  if (7 * T_ + pools + 4 * batch > free) return std::nullopt;
  // The most queries a chunk can take with blocks of nb positions: per query its heads' rows of
  // q (two buffers, the next chunk's loading), scores and outputs; the maxima and sums; the
  // ones, two blocks; the exponentials' pool (of the whole chunk, a query or a head).
  auto widest = [&](int64_t nb) -> std::optional<QueryChunks> {
    for (int64_t tq = T_; tq >= 1; --tq)
      for (int mode = 0; mode < 3; ++mode) {
        const int64_t n = tq * gh;
        const int64_t exp_n = mode == 0 ? n * R * L : mode == 1 ? gh * R * L : R * L;
        const int64_t pool = std::max(prog_rows(vec::prog_exp_nonpos(), exp_n),
                                      (mode == 0 ? n * R : 0) + prog_rows(vec::prog_recip(), n));
        if (R + 2 * nb * hr + n * (3 * hr + R) + 2 * rows_of(n) + pool <= free) return QueryChunks{tq, nb, mode, align};
      }
    return std::nullopt;
  };
  // Larger blocks mean fewer DOTS and WSUM (each about 14 cycles besides its rows), more queries
  // per chunk fewer loads of the context and fewer softmax sequences (about 500 cycles a chunk).
  std::optional<QueryChunks> best;
  int64_t best_cost = 0;
  for (const int64_t nb : {vis, int64_t{512}, int64_t{256}, int64_t{128}, int64_t{64}}) {
    if (nb > vis || nb > 512) continue;
    const std::optional<QueryChunks> qc = widest(nb);
    if (!qc) continue;
    const int64_t chunks = (T_ + qc->tq - 1) / qc->tq;
    const int64_t cost = T_ * s_.heads * 2 * ((vis + nb - 1) / nb) * 14 + chunks * s_.kv_heads * 500;
    if (!best || cost < best_cost) {
      best = qc;
      best_cost = cost;
    }
  }
  return best;
}

void LayerGen::attention_queries(const QueryChunks& qc) {
  const int64_t hd = s_.head_dim, hr = hd / L, nkv = s_.kv_heads, gh = s_.heads / nkv;
  const int64_t kvrow = nkv * hd * 4, sh = static_cast<int64_t>(vector_bytes(cfg_, s_.hidden));
  const vf32 scale = kf(1.0f / std::sqrt(static_cast<float>(hd)));
  const TokenSlot& s0 = slots_.front();
  const int64_t vis_all = slots_.back().pos + 1, nb = qc.nb;
  // The steps: per KV group, chunks of queries (t0 .. t0 + tq - 1) of balanced sizes.
  struct Step {
    int64_t g, t0, tq, vis, blocks;  // vis: the last query's; blocks of keys (as many of values)
  };
  std::vector<Step> steps;
  const int64_t chunks = (T_ + qc.tq - 1) / qc.tq;
  for (int64_t g = 0; g < nkv; ++g)
    for (int64_t c = 0; c < chunks; ++c) {
      const int64_t t0 = T_ * c / chunks, tq = T_ * (c + 1) / chunks - t0;
      const int64_t vis = slots_[static_cast<size_t>(t0 + tq - 1)].pos + 1;
      steps.push_back({g, t0, tq, vis, (vis + nb - 1) / nb});
    }
  const uint32_t m_all = vsp_.mark();
  const uint32_t ones = vsp_.alloc(vis_all);
  elem(VectorOp::AND, ones, ones, vis_all, imm(0));
  elem(VectorOp::OR, ones, ones, vis_all, imm(kf(1.0f)));
  uint32_t buf[2], qs[2];
  for (auto& b : buf) b = vsp_.alloc(nb * hd);
  for (auto& q : qs) q = vsp_.alloc(qc.tq * gh * hd);
  // A step's queries (and later its outputs): their heads of group g, rows of sh bytes.
  auto qrows = [&](const Step& st) {
    return a_.q + static_cast<uint32_t>(st.t0 * sh + st.g * gh * hd * 4);
  };
  // Blocks 0 .. blocks - 1 of a step are keys, then as many of values. They take turns in the two
  // buffers in the order they load; each load is issued before the block ahead of it is used (the
  // next step's queries and first block before this step's last), so it runs under that work.
  std::deque<uint32_t> loaded;
  int64_t loads = 0;
  auto load_block = [&](const Step& st, int64_t b) {
    const int64_t j0 = b % st.blocks * nb;
    const uint32_t cache = (b < st.blocks ? s0.kcache : s0.vcache) + static_cast<uint32_t>(j0 * kvrow + st.g * hd * 4);
    const uint32_t to = buf[loads++ % 2];
    load(to, cache, std::min(nb, st.vis - j0), hd * 4, kvrow);
    loaded.push_back(to);
  };
  auto begin_step = [&](size_t k) {
    load(qs[k % 2], qrows(steps[k]), steps[k].tq, gh * hd * 4, sh);
    load_block(steps[k], 0);
  };
  begin_step(0);
  for (size_t k = 0; k < steps.size(); ++k) {
    const Step& st = steps[k];
    const int64_t tq = st.tq, n = tq * gh, R = rows_of(st.vis);
    // The next projection's weights, a share per step, behind the step's queries and first block.
    prefetch(static_cast<int64_t>((k + 1) * static_cast<size_t>(T_) / steps.size()) - 1);
    auto vis = [&](int64_t i) { return slots_[static_cast<size_t>(st.t0 + i)].pos + 1; };
    const uint32_t m0 = vsp_.mark();
    const uint32_t sc = vsp_.alloc(n * R * L), mx = vsp_.alloc(n), z = vsp_.alloc(n), out = vsp_.alloc(n * hd);
    // (query i, head hi) of the step is entry i * gh + hi of each.
    auto row = [](uint32_t base, int64_t e) { return base + static_cast<uint32_t>(e / L); };
    auto lane = [](int64_t e) { return static_cast<uint32_t>(e % L); };
    auto use_block = [&](int64_t b, VectorKind kind, uint32_t base) {
      if (b + 1 < 2 * st.blocks) {
        load_block(st, b + 1);
      } else if (k + 1 < steps.size()) {
        begin_step(k + 1);
      }
      const uint32_t from = loaded.front();
      loaded.pop_front();
      const int64_t j0 = b % st.blocks * nb;
      for (int64_t i = 0; i < tq; ++i) {
        const int64_t cnt = std::min(nb, vis(i) - j0);
        if (cnt < 1) continue;
        for (int64_t hi = 0; hi < gh; ++hi) {
          const int64_t e = i * gh + hi;
          const uint64_t flat = uint64_t{base + static_cast<uint32_t>(e * R)} * L + static_cast<uint64_t>(j0);
          positions(kind, flat, (kind == VectorKind::DOTS ? qs[k % 2] : out) + static_cast<uint32_t>(e * hr), from, hd,
                    cnt);
        }
      }
    };
    for (int64_t b = 0; b < st.blocks; ++b) use_block(b, VectorKind::DOTS, sc);
    elem(VectorOp::MUL, sc, sc, n * R * L, imm(scale));
    // Each query's heads' maxima in one instruction; with one row per head, every row's maximum
    // subtracted in one instruction (a scalar per row).
    for (int64_t i = 0; i < tq; ++i)
      maxima(uint64_t{mx} * L + static_cast<uint64_t>(i * gh), sc + static_cast<uint32_t>(i * gh * R), vis(i), gh, R);
    if (R == 1 && qc.exp_mode != 2) elem(VectorOp::SUB, sc, sc, n * L, per_row(mx, 0));
    for (int64_t i = 0; i < tq; ++i) {
      for (int64_t hi = 0; hi < gh; ++hi) {
        const int64_t e = i * gh + hi;
        const uint32_t se = sc + static_cast<uint32_t>(e * R);
        if (R > 1 || qc.exp_mode == 2) elem(VectorOp::SUB, se, se, vis(i), scalar(row(mx, e), lane(e)));
        if (qc.exp_mode == 2) exp_in_place(se, vis(i));
      }
      if (qc.exp_mode == 1) exp_in_place(sc + static_cast<uint32_t>(i * gh * R), gh * R * L);
    }
    if (qc.exp_mode == 0) exp_in_place(sc, n * R * L);
    const uint32_t p = sc;
    // A query's heads' sums in one DOTS against a row of ones when its rows are as many as the
    // heads' stride (x * 1 is exact and a DOTS sums in a DOT's order); otherwise a DOT per head.
    for (int64_t i = 0; i < tq; ++i) {
      const uint32_t pi = p + static_cast<uint32_t>(i * gh * R);
      if (rows_of(vis(i)) == R) {
        positions(VectorKind::DOTS, uint64_t{z} * L + static_cast<uint64_t>(i * gh), ones, pi, vis(i), gh);
      } else {
        for (int64_t hi = 0; hi < gh; ++hi)
          dot(row(z, i * gh + hi), lane(i * gh + hi), pi + static_cast<uint32_t>(hi * R), vis(i), imm(kf(1.0f)));
      }
    }
    const uint32_t rz = prog(vec::prog_recip(), z, n);
    if (R == 1) {
      elem(VectorOp::MUL, p, p, n * L, per_row(rz, 0));
    } else {
      for (int64_t e = 0; e < n; ++e) {
        const uint32_t pe = p + static_cast<uint32_t>(e * R);
        elem(VectorOp::MUL, pe, pe, vis(e / gh), scalar(row(rz, e), lane(e)));
      }
    }
    elem(VectorOp::AND, out, out, n * hd, imm(0));
    for (int64_t b = st.blocks; b < 2 * st.blocks; ++b) use_block(b, VectorKind::WSUM, p);
    store(out, qrows(st), tq, gh * hd * 4, sh);
    vsp_.release(m0);
  }
  vsp_.release(m_all);
}

void LayerGen::per_token(const std::function<Inputs(int64_t)>& inputs,
                         const std::function<void(int64_t, const Inputs&)>& body, bool ahead, int64_t count) {
  const int64_t n = count < 0 ? T_ : count;
  Inputs in[2];
  uint32_t top[2] = {scratch_lo_, scratch_mid_};  // the end of each half's inputs
  auto stage = [&](int64_t t) {
    vsp_.release(t % 2 ? scratch_mid_ : scratch_lo_);
    vsp_.take_peak();
    in[t % 2] = inputs(t);
    top[t % 2] = vsp_.mark();
  };
  // Without `ahead` the odd half is free while an even token computes, and only its end counts.
  auto check = [&](int64_t t) {
    const uint32_t used = ahead ? vsp_.take_peak() : vsp_.mark();
    if (t % 2 == 0 && used > scratch_mid_)
      throw std::invalid_argument(fmt::format("the per-token working set ({} rows) exceeds half the scratchpad left",
                                              used - scratch_lo_));
  };
  if (ahead) {
    stage(0);
    check(0);
  }
  for (int64_t t = 0; t < n; ++t) {
    if (!ahead) {
      stage(t);
    } else if (t + 1 < n) {
      stage(t + 1);
      check(t + 1);
    }
    vsp_.release(top[t % 2]);
    vsp_.take_peak();
    body(t, in[t % 2]);
    check(t);
  }
}

void LayerGen::per_group(int64_t g, const std::function<Inputs(int64_t)>& inputs,
                         const std::function<void(int64_t, const Inputs&)>& body) {
  per_token(
      [&](int64_t i) {
        Inputs all;
        const int64_t end = std::min(T_, (i + 1) * g);
        for (int64_t t = i * g; t < end; ++t) {
          const Inputs in = inputs(t);
          all.insert(all.end(), in.begin(), in.end());
        }
        prefetch(end - 1);
        return all;
      },
      [&](int64_t i, const Inputs& all) { body(i * g, all); }, true, (T_ + g - 1) / g);
}

void LayerGen::norm_phase(const std::function<Inputs(int64_t)>& inputs, int64_t in_rows, int64_t n, uint32_t gain,
                          uint32_t deq_row, int64_t depth_words, bool in_place,
                          const std::function<void(int64_t, const Inputs&)>& before) {
  const int64_t g = norm_group(in_rows + (in_place ? 0 : rows_of(n)));
  per_group(g, inputs, [&](int64_t t0, const Inputs& all) {
    const size_t k = all.size() / static_cast<size_t>(std::min(g, T_ - t0));  // inputs per token
    if (k == 0) throw std::logic_error("a norm phase whose tokens have no input rows");
    std::vector<uint32_t> xs;
    for (size_t j = 0; j < all.size(); j += k) {
      const Inputs in(all.begin() + static_cast<std::ptrdiff_t>(j), all.begin() + static_cast<std::ptrdiff_t>(j + k));
      const int64_t t = t0 + static_cast<int64_t>(j / k);
      if (before) before(t, in);
      xs.push_back(in[0]);
    }
    norm_quant(xs, t0, n, gain, depth_words, in_place);
  });
  finish_norm_phase(deq_row);
}

std::vector<isa::Insn> LayerGen::run() {
  const int64_t H = s_.hidden, I = s_.intermediate, hd = s_.head_dim, nkv = s_.kv_heads;
  const int64_t kvd = nkv * hd;
  const int64_t sh = static_cast<int64_t>(vector_bytes(cfg_, H)), si = static_cast<int64_t>(vector_bytes(cfg_, I));
  const int64_t kvrow = kvd * 4;
  const int64_t dt_h = plan_bitlinear(cfg_, {H, H, T_}).depth_total;
  const int64_t dt_i = plan_bitlinear(cfg_, {H, I, T_}).depth_total;

  // Constants and the per-token scalar rows (one lane per token).
  const std::vector<uint8_t> consts = pack_layer_constants(cfg_, p_);
  c_in_ = vsp_.alloc(H);
  c_attn_ = vsp_.alloc(H);
  c_post_ = vsp_.alloc(H);
  c_ffn_ = vsp_.alloc(I);
  c_invf_ = vsp_.alloc(L);
  c_mask_ = vsp_.alloc(L);
  load(c_in_, a_.consts, 1, static_cast<int64_t>(consts.size()), 0);
  const uint32_t deq_a = vsp_.alloc(L), deq_o = vsp_.alloc(L), deq_m = vsp_.alloc(L), deq_d = vsp_.alloc(L);
  sumsq_ = vsp_.alloc(L);
  amax_ = vsp_.alloc(L);
  scratch_lo_ = vsp_.mark();
  scratch_mid_ = scratch_lo_ + (cfg_.VRows - 1 - scratch_lo_) / 2;

  // Attention block: input norm and quantization, q/k/v, RoPE and the cache, attention,
  // sub-norm, o_proj, residual.
  next(p_.q, a_.wq);
  norm_phase(token_rows({a_.x_in}, H, sh, false), rows_of(H), H, c_in_, deq_a, dt_h, true);
  vsp_.release(scratch_lo_);
  // Each token's key and value go to its position in its sequence's cache.
  auto cache_row = [&](uint32_t TokenSlot::*cache) {
    return [this, cache, kvrow](int64_t t) {
      const TokenSlot& sl = slots_[static_cast<size_t>(t)];
      return sl.*cache + static_cast<uint32_t>(sl.pos * kvrow);
    };
  };
  const auto key_at = cache_row(&TokenSlot::kcache);
  const std::optional<QueryChunks> qc = query_chunks();
  // With the attention of all queries, RoPE in the q and k projections' drains (the vector unit
  // is idle beside their weight stream there), every token's tables computed at once.
  std::optional<RopeTables> all;
  if (qc) {
    std::vector<int64_t> pos;
    for (const TokenSlot& sl : slots_) pos.push_back(sl.pos);
    all = rope_tables(pos);
  }
  auto rope_token = [&](uint32_t x, int64_t n, int64_t t) {
    if (!all) return;
    const auto r = static_cast<uint32_t>(t);
    const uint32_t m = vsp_.mark();
    rope(x, n / hd, RopeTables{all->c + r, all->s + r, all->ns + r, all->ss + r});
    vsp_.release(m);
  };
  // q, k and v as one stream of batches (each batch's drain spread over the next one's jobs).
  // (k and v sharing their batches, as gate and up do, measured slower: 1,622,127 cycles on the
  // main job against 1,619,373, P = 128's prefill 0.8% slower; two projections in the output
  // buffer halve each one's batch.)
  const int64_t align = qc ? qc->align : 1;
  auto store_rows = [&](const std::function<uint32_t(int64_t)>& at, bool roped) {
    return [&, at, roped](int64_t t, const std::vector<uint32_t>& y, int64_t row0, int64_t n) {
      if (roped) rope_token(y[0], n, t);
      store_y(y[0], at(t) + static_cast<uint32_t>(row0 * 4), n);
    };
  };
  const std::vector<Segment> qkv{{{{&p_.q, a_.wq}}, deq_a, store_rows(rows_at(a_.q, sh), true), align},
                                 {{{&p_.k, a_.wk}}, deq_a, store_rows(key_at, true), align},
                                 {{{&p_.v, a_.wv}}, deq_a, store_rows(cache_row(&TokenSlot::vcache), false)}};
  project(qkv);
  vsp_.release(scratch_lo_);
  if (qc) {
    // The attention of all queries (its outputs over the queries' rows), then the sub-norm per token.
    next(p_.o, a_.wo);
    attention_queries(*qc);
    norm_phase(token_rows({a_.q}, H, sh, false), rows_of(H), H, c_attn_, deq_o, dt_h, true);
  } else {
  next(p_.o, a_.wo);
  per_token(
      [&](int64_t t) {
        const uint32_t q = vsp_.alloc(H), k = vsp_.alloc(kvd);
        load_vec(q, a_.q + static_cast<uint32_t>(t * sh), H);
        load_vec(k, key_at(t), kvd);
        return Inputs{q, k};
      },
      [&](int64_t t, const Inputs& in) {
    const TokenSlot& sl = slots_[static_cast<size_t>(t)];
    const int64_t pos = sl.pos;
    const uint32_t q = in[0], k = in[1], att = vsp_.alloc(H);
    const uint32_t kaddr = key_at(t);
    const std::optional<AllHeads> all = attention_all_heads_begin(sl);
    const uint32_t m_rope = vsp_.mark();
    const RopeTables rt = rope_tables({pos});
    rope(q, s_.heads, rt);
    rope(k, nkv, rt);
    vsp_.release(m_rope);  // q and k hold the results
    store_vec(k, kaddr, kvd);
    attention(all, q, k, att, sl, t);
    norm_quant({att}, t, H, c_attn_, dt_h, true);
      },
      false);
  finish_norm_phase(deq_o);
  }
  vsp_.release(scratch_lo_);
  // The residual stream x1 = x_in + attn_out, resident: every token's x1 stays in the scratchpad
  // from the o projection's drain to the down projection's, which add to it as they drain (the
  // loads of x_in ahead, among o's own jobs); the vector phases after o and after down then wait
  // on no DRAM traffic (they loaded and stored 30 KB a token of 2B4T, at the memory's pace with
  // the engine idle), and x1 never goes to DRAM. attn_out and mlp_out are still stored, as the
  // runtime checks them. It needs o's and down's batches of whole scratchpad rows and every
  // token's x1 in the scratchpad; otherwise the path through DRAM. (When x1 fits but the MLP's
  // working set then does not, generate_layer runs the layer again on that path.)
  const int64_t hrows = rows_of(H), row_align = cfg_.Rows < L ? L / cfg_.Rows : 1;
  uint32_t x1r = 0;
  auto x1_at = [&](int64_t t, int64_t row0) { return x1r + static_cast<uint32_t>(t * hrows + row0 / L); };
  resident_ = resident_ && L % cfg_.Rows == 0 &&
              batch_blocks(plan_bitlinear(cfg_, {H, H, T_}).row_blocks, 1, row_align) >= 1 &&
              batch_blocks(plan_bitlinear(cfg_, {H, I, T_}).row_blocks, 1, row_align) >= 1 &&
              T_ * hrows < static_cast<int64_t>(vsp_.free_rows());
  resident_taken_ = resident_;
  if (resident_) {
    x1r = vsp_.alloc(T_ * hrows * L);
    scratch_lo_ = vsp_.mark();
    scratch_mid_ = scratch_lo_ + (cfg_.VRows - 1 - scratch_lo_) / 2;
    // x1 = x_in + attn_out, the operands in the order of the path through DRAM.
    project({{{{&p_.o, a_.wo}},
              deq_o,
              [&](int64_t t, const std::vector<uint32_t>& y, int64_t row0, int64_t n) {
                store_y(y[0], a_.attn_out + static_cast<uint32_t>(t * sh + row0 * 4), n);
                elem(VectorOp::ADD, x1_at(t, row0), x1_at(t, row0), n, vecb(y[0]));
              },
              row_align,
              [&](int64_t t, int64_t row0, int64_t n) {
                load_vec(x1_at(t, row0), a_.x_in + static_cast<uint32_t>(t * sh + row0 * 4), n);
              }}});
    next(p_.gate, a_.wgate);
    norm_phase([&](int64_t t) { return Inputs{x1_at(t, 0)}; }, 0, H, c_post_, deq_m, dt_h, false);
  } else {
    project(p_.o, a_.wo, deq_o, rows_at(a_.attn_out, sh));
    next(p_.gate, a_.wgate);
    // (Not in place: the norm would wait for x1's store to read the rows.)
    norm_phase(token_rows({a_.x_in, a_.attn_out}, H, sh, false), 2 * rows_of(H), H, c_post_, deq_m, dt_h, false,
               [&](int64_t t, const Inputs& in) {
                 elem(VectorOp::ADD, in[0], in[0], H, vecb(in[1]));
                 store_vec(in[0], a_.x1 + static_cast<uint32_t>(t * sh), H);
               });
  }
  vsp_.release(scratch_lo_);

  // MLP block: gate and up, relu(gate)^2 * up, sub-norm, down_proj, residual.
  // gate and up share their batches, so that relu(gate)^2 * up is formed as they drain and only
  // it goes to memory (half the bytes of storing both).
  project({{{{&p_.gate, a_.wgate}, {&p_.up, a_.wup}}, deq_m,
          [&](int64_t t, const std::vector<uint32_t>& y, int64_t row0, int64_t n) {
            elem(VectorOp::MAX, y[0], y[0], n, imm(0));
            elem(VectorOp::MUL, y[0], y[0], n, vecb(y[0]));
            elem(VectorOp::MUL, y[0], y[0], n, vecb(y[1]));
            store_y(y[0], a_.mlp_act + static_cast<uint32_t>(t * si + row0 * 4), n);
          }}});
  next(p_.down, a_.wdown);
  norm_phase(token_rows({a_.mlp_act}, I, si, false), rows_of(I), I, c_ffn_, deq_d, dt_i, true);
  vsp_.release(scratch_lo_);
  if (resident_) {
    // x_out = x1 + mlp_out as down drains.
    project({{{{&p_.down, a_.wdown}},
              deq_d,
              [&](int64_t t, const std::vector<uint32_t>& y, int64_t row0, int64_t n) {
                store_y(y[0], a_.mlp_out + static_cast<uint32_t>(t * sh + row0 * 4), n);
                elem(VectorOp::ADD, x1_at(t, row0), x1_at(t, row0), n, vecb(y[0]));
                store_vec(x1_at(t, row0), a_.x_out + static_cast<uint32_t>(t * sh + row0 * 4), n);
              },
              row_align}});
    return b_.finish();
  }
  // x_out = x1 + mlp_out as down drains, x1's rows loaded among down's jobs a batch ahead (into
  // one of two windows of a batch of every token), where the batches are whole scratchpad rows
  // and the windows fit: the layer's last phase then waits on no DRAM round trip (at 64 tokens
  // it loaded x1 and mlp_out and stored x_out at the memory's pace, 34 k cycles, the vector
  // unit busy 13%).
  const int64_t down_batch = L % cfg_.Rows == 0 ? batch_blocks(plan_bitlinear(cfg_, {H, I, T_}).row_blocks, 1, row_align) : 0;
  const int64_t wrows = down_batch * cfg_.Rows / L;
  if (down_batch >= 1 && 2 * T_ * wrows <= static_cast<int64_t>(vsp_.free_rows()) / 2) {
    const uint32_t wbase = vsp_.alloc(2 * T_ * wrows * L);
    auto win = [&, wbase](int64_t t, int64_t row0) {
      return wbase + static_cast<uint32_t>((row0 / (down_batch * cfg_.Rows) % 2 * T_ + t) * wrows);
    };
    project({{{{&p_.down, a_.wdown}},
              deq_d,
              [&](int64_t t, const std::vector<uint32_t>& y, int64_t row0, int64_t n) {
                store_y(y[0], a_.mlp_out + static_cast<uint32_t>(t * sh + row0 * 4), n);
                elem(VectorOp::ADD, win(t, row0), win(t, row0), n, vecb(y[0]));
                store_y(win(t, row0), a_.x_out + static_cast<uint32_t>(t * sh + row0 * 4), n, 1);
              },
              row_align,
              [&](int64_t t, int64_t row0, int64_t n) {
                load_vec(win(t, row0), a_.x1 + static_cast<uint32_t>(t * sh + row0 * 4), n);
              }}});
    return b_.finish();
  }
  project(p_.down, a_.wdown, deq_d, rows_at(a_.mlp_out, sh));
  // (No projection is pending here, so token_rows prefetches nothing.)
  per_token(token_rows({a_.x1, a_.mlp_out}, H, sh), [&](int64_t t, const Inputs& in) {
    elem(VectorOp::ADD, in[0], in[0], H, vecb(in[1]));
    store_vec(in[0], a_.x_out + static_cast<uint32_t>(t * sh), H);
  });
  return b_.finish();
}

}  // namespace

uint64_t vector_bytes(const arch::Config&, int64_t n) { return static_cast<uint64_t>(rows_of(n)) * kRowBytes; }

int64_t max_layer_tokens(const arch::Config& cfg, const layer::LayerShape& s) {
  const int64_t dt = plan_bitlinear(cfg, {s.hidden, std::max(s.hidden, s.intermediate), 1}).depth_total;
  // gate and up share their batches: two output words per token and row block.
  return std::min<int64_t>({int64_t{L}, cfg.ActWords / dt, int64_t{cfg.OutWords} / 2});
}

std::vector<uint8_t> pack_layer_constants(const arch::Config& cfg, const layer::LayerParams& p) {
  const layer::LayerShape& s = p.shape;
  std::vector<vf32> words;
  auto put = [&](const std::vector<vf32>& v) {
    words.insert(words.end(), v.begin(), v.end());
    words.resize(static_cast<size_t>(rows_of(static_cast<int64_t>(words.size())) * L), 0);
  };
  put(p.input_norm);
  put(p.attn_sub_norm);
  put(p.post_attn_norm);
  put(p.ffn_sub_norm);
  // inv_freq as Hugging Face computes it in binary32 (a model constant); head_dim L needs two
  // copies so that each lane of a row finds its own frequency.
  const int64_t half = s.head_dim / 2;
  std::vector<vf32> invf(L);
  for (uint32_t l = 0; l < L; ++l) {
    const auto i = static_cast<int64_t>(l) % half;
    invf[l] = kf(1.0f / std::pow(s.rope_theta, static_cast<float>(2 * i) / static_cast<float>(s.head_dim)));
  }
  put(invf);
  std::vector<vf32> mask(L, 0);
  for (uint32_t l = 0; l < L / 2; ++l) mask[l] = 0xffffffffu;
  put(mask);
  (void)cfg;
  std::vector<uint8_t> bytes(words.size() * 4);
  std::memcpy(bytes.data(), words.data(), bytes.size());
  return bytes;
}

void check_context_fits(const arch::Config& cfg, const layer::LayerParams& p, int64_t positions) {
  static std::mutex mu;
  static std::set<std::tuple<std::string, int64_t, int64_t, int64_t, int64_t, int64_t>> ok;
  const layer::LayerShape& s = p.shape;
  const auto key = std::make_tuple(std::string(cfg.name), s.hidden, s.intermediate, s.heads, s.kv_heads * 1000 + s.head_dim,
                                   positions);
  {
    std::lock_guard<std::mutex> lock(mu);
    if (ok.count(key)) return;
  }
  const int64_t chunk = max_layer_tokens(cfg, s);
  // The last prefill program, and a decode step of two sequences at the same context: its second
  // token's attention runs in the upper half of the scratchpad (per_token), which a prefill's
  // attention over all of its queries (attention_queries) no longer bounds.
  auto fits = [&](int64_t n) {
    const int64_t t = std::min(chunk, n);
    try {
      (void)generate_layer(cfg, p, t, n - t, LayerAddrs{});
      if (chunk >= 2 && n >= 1)
        (void)generate_layer(cfg, p, {{n - 1, 0x0000000, 0x1000000}, {n - 1, 0x2000000, 0x3000000}}, LayerAddrs{});
      return true;
    } catch (const std::invalid_argument&) {
      return false;
    }
  };
  if (positions > 0 && !fits(positions)) {
    int64_t lo = 0, hi = positions;  // fits(lo) or lo == 0; !fits(hi)
    while (hi - lo > 1) {
      const int64_t mid = lo + (hi - lo) / 2;
      (fits(mid) ? lo : hi) = mid;
    }
    throw std::invalid_argument(fmt::format(
        "a context of {} positions does not fit the vector scratchpad of configuration '{}' ({} rows): at most {} "
        "positions for this layer shape",
        positions, cfg.name, cfg.VRows, lo));
  }
  std::lock_guard<std::mutex> lock(mu);
  ok.insert(key);
}

std::vector<TokenSlot> prefill_slots(int64_t tokens, int64_t pos0, const LayerAddrs& a) {
  std::vector<TokenSlot> slots;
  for (int64_t t = 0; t < tokens; ++t) slots.push_back({pos0 + t, a.kcache, a.vcache});
  return slots;
}

std::vector<isa::Insn> generate_layer(const arch::Config& cfg, const layer::LayerParams& p, int64_t tokens,
                                      int64_t pos0, const LayerAddrs& a) {
  if (pos0 < 0) throw std::invalid_argument("negative position");
  return generate_layer(cfg, p, prefill_slots(std::max<int64_t>(tokens, 0), pos0, a), a);
}

std::vector<isa::Insn> generate_layer(const arch::Config& cfg, const layer::LayerParams& p,
                                      const std::vector<TokenSlot>& slots, const LayerAddrs& a) {
  const auto tokens = static_cast<int64_t>(slots.size());
  const layer::LayerShape& s = p.shape;
  if (s.head_dim != L && s.head_dim != 2 * L)
    throw std::invalid_argument(fmt::format(
        "head_dim {} is not supported by the layer code generator ({} or {}: one or two vector-unit rows)", s.head_dim, L,
        2 * L));
  if (s.heads % s.kv_heads != 0 || s.heads * s.head_dim != s.hidden)
    throw std::invalid_argument("inconsistent decoder layer shape");
  if (tokens < 1 || tokens > max_layer_tokens(cfg, s))
    throw std::invalid_argument(fmt::format("{} tokens in one layer program; this configuration takes 1..{}", tokens,
                                            max_layer_tokens(cfg, s)));
  // A token sees its own sequence's positions 0 .. pos: the keys of earlier tokens of the same
  // sequence in this program are written (by the k projection) before any attention reads them.
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].pos < 0) throw std::invalid_argument("negative position");
    for (size_t j = 0; j < i; ++j)
      if (slots[j].kcache == slots[i].kcache && slots[j].pos == slots[i].pos)
        throw std::invalid_argument(fmt::format("tokens {} and {} of one program share a cache position", j, i));
  }
  // The residual stream resident in the scratchpad where it fits (run()), else through DRAM: a
  // program that fails after taking the resident path runs again on the other (an error before
  // it, the same on both, is not generated twice).
  LayerGen g(cfg, p, slots, a, true);
  try {
    return g.run();
  } catch (const std::invalid_argument&) {
    if (!g.resident_taken()) throw;
    return LayerGen(cfg, p, slots, a, false).run();
  }
}

}  // namespace tasu::codegen
