// Bench of the vector unit's binary32 adder and multiplier (rtl/vu/tasu_vu_fadd.sv,
// rtl/vu/tasu_vu_fmul.sv) against the bit-exact reference model/vector/vfloat: random operands
// over the whole exponent range, near-cancellations, rounding ties, and the flush/saturate edges.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "Vtasu_vu_cvt.h"
#include "Vtasu_vu_fadd.h"
#include "Vtasu_vu_fmul.h"
#include "Vtasu_vu_lane.h"
#include "vector/vfloat.h"
#include "vector/vlane.h"

namespace {

namespace v = tasu::vec;

// Operand patterns that stress rounding: random bits, nearby exponents, equal magnitudes,
// subnormals, extremes.
std::vector<std::pair<uint32_t, uint32_t>> operands(uint32_t seed, int n) {
  std::mt19937 rng(seed);
  std::vector<std::pair<uint32_t, uint32_t>> ops;
  const uint32_t specials[] = {0u, 0x80000000u, 1u, 0x807fffffu, 0x00800000u, 0x80800000u, 0x7f7fffffu,
                               0xff7fffffu, 0x3f800000u, 0xbf800000u, 0x3f800001u, 0x4b800000u};
  for (uint32_t a : specials)
    for (uint32_t b : specials) ops.emplace_back(a, b);
  for (int i = 0; i < n; ++i) {
    uint32_t a = rng(), b = rng();
    switch (i % 4) {
      case 0: break;                                                       // anything
      case 1: b = (b & 0x807fffffu) | (a & 0x7f800000u); break;            // same exponent
      case 2: b = (a ^ 0x80000000u) ^ (rng() & 0x7u); break;              // near cancellation
      case 3: b = (b & 0x807fffffu) | ((((a >> 23) & 0xffu) + (rng() % 60) - 30) & 0xffu) << 23; break;
    }
    if (((a >> 23) & 0xffu) == 0xffu) a &= 0xbfffffffu;  // no NaN/inf inputs: they cannot occur
    if (((b >> 23) & 0xffu) == 0xffu) b &= 0xbfffffffu;
    ops.emplace_back(a, b);
  }
  return ops;
}

// Drives a two-operand unit with every operand pair and compares it with the reference; every
// 16th pair with the unit disabled, which must give zero (operand isolation).
template <class Dut, class Ref>
void expect_binary_unit(uint32_t seed, Ref ref) {
  Dut dut;
  int i = 0;
  for (const auto& [a, b] : operands(seed, 2000000)) {
    dut.en_i = (i++ % 16) != 15;
    dut.a_i = a;
    dut.b_i = b;
    dut.eval();
    ASSERT_EQ(dut.y_o, dut.en_i ? ref(a, b) : 0u) << std::hex << "a=0x" << a << " b=0x" << b;
  }
}

TEST(RtlVuFloat, AdderMatchesReference) { expect_binary_unit<Vtasu_vu_fadd>(7, v::add); }
TEST(RtlVuFloat, MultiplierMatchesReference) { expect_binary_unit<Vtasu_vu_fmul>(8, v::mul); }

// Floats near integers, ties, tiny magnitudes and the int32 limits, plus random bits.
TEST(RtlVuFloat, ConversionsMatchReference) {
  Vtasu_vu_cvt dut;
  std::mt19937 rng(9);
  std::vector<uint32_t> floats = {0u, 0x80000000u, 1u, 0x80000001u, 0x3f000000u, 0xbf000000u, 0x3fc00000u,
                                  0xc0200000u, 0x4effffffu, 0x4f000000u, 0xcf000000u, 0xcf000001u, 0x7f7fffffu,
                                  0xff7fffffu, 0x2f800000u, 0xaf800000u, 0x30000000u, 0xb0000000u};
  for (int i = 0; i < 1000000; ++i) {
    uint32_t a = rng();
    if (i % 2) a = (a & 0x807fffffu) | ((100u + rng() % 60u) << 23);  // |a| in 2^-27 .. 2^32
    if (((a >> 23) & 0xffu) == 0xffu) a &= 0xbfffffffu;
    floats.push_back(a);
  }
  dut.en_i = 1;
  for (uint32_t a : floats) {
    dut.a_i = a;
    dut.to_int_i = 1;
    dut.floor_i = 0;
    dut.eval();
    ASSERT_EQ(static_cast<int32_t>(dut.y_o), v::to_int_rne(a)) << std::hex << "rne a=0x" << a;
    dut.floor_i = 1;
    dut.eval();
    ASSERT_EQ(static_cast<int32_t>(dut.y_o), v::floor_int(a)) << std::hex << "floor a=0x" << a;
  }
  std::vector<int32_t> ints = {0, 1, -1, 16777216, 16777217, 16777219, -16777217, INT32_MAX, INT32_MIN, 33554435};
  for (int i = 0; i < 1000000; ++i) ints.push_back(static_cast<int32_t>(rng()) >> (rng() % 32));
  for (int32_t x : ints) {
    dut.a_i = static_cast<uint32_t>(x);
    dut.to_int_i = 0;
    dut.eval();
    ASSERT_EQ(dut.y_o, v::from_int(x)) << "int " << x;
  }
  dut.en_i = 0;
  dut.a_i = 0x3f800000u;
  for (int to_int = 0; to_int < 2; ++to_int) {
    dut.to_int_i = to_int;
    dut.eval();
    EXPECT_EQ(dut.y_o, 0u) << "disabled converter, to_int " << to_int;
  }
}

TEST(RtlVuFloat, LaneMatchesReferenceForEveryOperation) {
  Vtasu_vu_lane dut;
  const auto ops = operands(10, 200000);
  for (int op = 0; op <= static_cast<int>(tasu::arch::VectorOp::QMUL); ++op) {
    for (const auto& [a, b] : ops) {
      dut.en_i = ((a ^ b) & 15u) != 15u;  // one pair in 16 with the lane disabled: zero
      dut.op_i = static_cast<uint8_t>(op);
      dut.a_i = a;
      dut.b_i = b;
      dut.eval();
      ASSERT_EQ(dut.y_o, dut.en_i ? tasu::vec::lane(static_cast<tasu::arch::VectorOp>(op), a, b) : 0u)
          << "op " << op << std::hex << " a=0x" << a << " b=0x" << b;
    }
  }
}

// The accumulate port borrows the adder while the lane multiplies (a pipelined dot product:
// row i's products and row i - 1's sums in one cycle): both results exact, at once.
TEST(RtlVuFloat, LaneMultipliesAndAccumulatesInOneCycle) {
  Vtasu_vu_lane dut;
  const auto ops = operands(11, 100000);
  const auto acc = operands(12, 100000);
  for (size_t i = 0; i < ops.size() && i < acc.size(); ++i) {
    const auto [a, b] = ops[i];
    const auto [c, d] = acc[i];
    dut.en_i = 1;
    dut.op_i = static_cast<uint8_t>(tasu::arch::VectorOp::MUL);
    dut.a_i = a;
    dut.b_i = b;
    dut.acc_en_i = 1;
    dut.acc_a_i = c;
    dut.acc_b_i = d;
    dut.eval();
    ASSERT_EQ(dut.y_o, tasu::vec::lane(tasu::arch::VectorOp::MUL, a, b)) << std::hex << "a=0x" << a << " b=0x" << b;
    ASSERT_EQ(dut.acc_y_o, tasu::vec::lane(tasu::arch::VectorOp::ADD, c, d)) << std::hex << "c=0x" << c << " d=0x" << d;
    dut.acc_en_i = 0;
    dut.eval();
    ASSERT_EQ(dut.acc_y_o, 0u);
  }
}

}  // namespace
