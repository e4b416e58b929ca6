// Bit-exact reference of the vector unit's arithmetic; see vfloat.h for the rules.
//
// Why doubles are enough: a product of two 24-bit significands is exact in 53 bits, and for a
// sum of two binary32 values, rounding to 53 bits first and then to 24 gives the correctly
// rounded result (double rounding is innocuous when p' >= 2p + 2: Figueroa, 1995). The final
// rounding to 24 bits is done by hand with an unbounded exponent, so the flush-to-zero
// decision is taken on the rounded value, as the RTL does.
#include "vector/vfloat.h"

#include <cfloat>
#include <cmath>
#include <stdexcept>

namespace tasu::vec {
namespace {

constexpr uint32_t kSign = 0x80000000u;
constexpr uint32_t kMaxFinite = 0x7f7fffffu;

// Reads an operand: subnormals count as zero (their sign is kept, it does not matter). The
// pattern of infinities and NaNs (exponent field 255) never comes out of an arithmetic
// operation, but integer operations can make it; like the RTL, it reads as the finite value
// 1.m x 2^128, so every 32-bit pattern has one defined meaning.
double operand(vf32 x) {
  const uint32_t e = (x >> 23) & 0xffu;
  if (e == 0) return 0.0;
  if (e == 0xffu) {
    const double v = std::ldexp(1.0 + static_cast<double>(x & 0x7fffffu) / 8388608.0, 128);
    return (x & kSign) ? -v : v;
  }
  return static_cast<double>(bits_to_float(x));
}

}  // namespace

vf32 round_from_double(double exact) {
  if (exact == 0.0) return std::signbit(exact) ? kSign : 0u;
  int e = 0;
  const double m = std::frexp(std::fabs(exact), &e);  // |exact| = m * 2^e, m in [0.5, 1)
  double sig = std::nearbyint(std::ldexp(m, 24));       // 24-bit significand, ties to even
  if (sig == 16777216.0) {                              // rounded up to 2^24: renormalize
    sig = 8388608.0;
    ++e;
  }
  // Value = sig * 2^(e - 24), sig in [2^23, 2^24).
  const int unbiased = e - 1;  // exponent of the leading bit
  uint32_t out;
  if (unbiased < -126) {
    out = 0;
  } else if (unbiased > 127) {
    out = kMaxFinite;
  } else {
    const auto frac = static_cast<uint32_t>(sig) & 0x7fffffu;
    out = (static_cast<uint32_t>(unbiased + 127) << 23) | frac;
  }
  return exact < 0 ? (out | kSign) : out;
}

vf32 from_float(float f) {
  if (!std::isfinite(f)) throw std::invalid_argument("vector unit values must be finite");
  const uint32_t b = float_to_bits(f);
  if ((b & 0x7f800000u) == 0) return b & kSign;
  return b;
}

float to_float(vf32 x) {
  if ((x & 0x7f800000u) == 0) return (x & kSign) ? -0.0f : 0.0f;
  return bits_to_float(x);
}

vf32 add(vf32 a, vf32 b) {
  // A zero operand passes the other through unchanged (the same as rounding it, except for the
  // exponent-255 patterns, which the adder does not touch).
  if (operand(a) == 0.0 && operand(b) != 0.0) return b;
  if (operand(b) == 0.0 && operand(a) != 0.0) return a;
  const double s = operand(a) + operand(b);
  if (s == 0.0) {
    // IEEE under round to nearest: x + (-x) = +0, and only -0 + -0 = -0.
    const bool a_zero = operand(a) == 0.0, b_zero = operand(b) == 0.0;
    return (a_zero && b_zero && (a & b & kSign)) ? kSign : 0u;
  }
  return round_from_double(s);
}

vf32 sub(vf32 a, vf32 b) { return add(a, neg(b)); }

vf32 mul(vf32 a, vf32 b) {
  const double p = operand(a) * operand(b);
  if (p == 0.0) return (a ^ b) & kSign;
  return round_from_double(p);
}

vf32 neg(vf32 a) { return a ^ kSign; }
vf32 abs(vf32 a) { return a & ~kSign; }

bool less(vf32 a, vf32 b) { return operand(a) < operand(b); }
vf32 max(vf32 a, vf32 b) { return less(a, b) ? b : a; }
vf32 min(vf32 a, vf32 b) { return less(b, a) ? b : a; }

int32_t to_int_rne(vf32 a) {
  const double r = std::nearbyint(operand(a));
  if (r >= 2147483647.0) return INT32_MAX;
  if (r <= -2147483648.0) return INT32_MIN;
  return static_cast<int32_t>(r);
}

int32_t floor_int(vf32 a) {
  const double r = std::floor(operand(a));
  if (r >= 2147483647.0) return INT32_MAX;
  if (r <= -2147483648.0) return INT32_MIN;
  return static_cast<int32_t>(r);
}

vf32 from_int(int32_t i) { return i == 0 ? 0u : round_from_double(static_cast<double>(i)); }

}  // namespace tasu::vec
