// One lane of the vector unit: every per-element operation it can execute, as the bit-exact
// reference of rtl/vu/tasu_vu_lane.sv. Operands and results are raw 32-bit words; the operation
// says whether they hold binary32 (vfloat.h rules) or int32 values. Encodings: VectorOp in the
// generated tasu_arch.h (firmware/arch/tasu_arch.json).
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "tasu_arch.h"
#include "vector/vfloat.h"

namespace tasu::vec {

// ADD SUB MUL MAX MIN ABS NEG: binary32. F2I (round half to even) and FLOOR: binary32 -> int32,
// saturating. I2F: int32 -> binary32. IADD ISUB: int32, wrapping. SHR SHL: logical shifts of a
// by b[4:0]. AND OR ANDN (a & ~b): bitwise. LT: all ones if a < b as binary32, else zero (a
// select is (x & m) | (y ANDN m)). CLAMP8: int32 clamped to [-128, 127]. QMUL: CLAMP8(F2I(MUL(a, b))),
// the quantization of one element in one operation (the three chained, so bit for bit the same).
// MADD takes three operands (madd below) and is not a lane operation of its own.
uint32_t lane(arch::VectorOp op, uint32_t a, uint32_t b);

// ELEM's MADD: a * b + c as MUL then ADD, each rounded, so bit for bit the two operations. The
// lane multiplies and its accumulate stage adds, a cycle later (rtl/vu/tasu_vu.sv).
inline uint32_t madd(uint32_t a, uint32_t b, uint32_t c) { return lane(arch::VectorOp::ADD, lane(arch::VectorOp::MUL, a, b), c); }

// One element of ELEM: op(a, b), or op(b, a) with vswap; MADD adds its immediate c.
inline uint32_t elem(arch::VectorOp op, uint32_t a, uint32_t b, uint32_t c, bool swap) {
  if (swap) std::swap(a, b);
  return op == arch::VectorOp::MADD ? madd(a, b, c) : lane(op, a, b);
}

}  // namespace tasu::vec

namespace tasu::vec {

// A reduction as the vector unit runs it (DOT and MAX): kVectorLanes accumulators start at
// `init`; lane l folds elements l, l + kVectorLanes, ... in order with `op`; then the lanes
// combine pairwise, halving (lane l with lane l + s for s = kVectorLanes / 2, ..., 1). The
// RTL (rtl/vu/tasu_vu.sv), the functional model and the exact layer model all reduce through this order.
class LaneReduce {
 public:
  LaneReduce(arch::VectorOp op, uint32_t init) : op_(op) { acc_.fill(init); }
  // Folds one scratchpad row; only the first `count` lanes take part (the tail of a vector).
  void row(const uint32_t* x, int count) {
    for (int l = 0; l < count; ++l) acc_[static_cast<size_t>(l)] = lane(op_, acc_[static_cast<size_t>(l)], x[l]);
  }
  // Folds n elements in order (rows of kVectorLanes, the last one partial).
  void elements(const uint32_t* x, int64_t n) {
    for (int64_t i = 0; i < n; i += arch::kVectorLanes)
      row(x + i, static_cast<int>(std::min<int64_t>(arch::kVectorLanes, n - i)));
  }
  uint32_t finish() {
    for (int s = arch::kVectorLanes / 2; s >= 1; s /= 2)
      for (int l = 0; l < s; ++l)
        acc_[static_cast<size_t>(l)] = lane(op_, acc_[static_cast<size_t>(l)], acc_[static_cast<size_t>(l + s)]);
    return acc_[0];
  }

 private:
  arch::VectorOp op_;
  std::array<uint32_t, arch::kVectorLanes> acc_{};
};

}  // namespace tasu::vec
