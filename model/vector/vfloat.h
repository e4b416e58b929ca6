// The vector unit's number format: IEEE binary32 storage with one simple, fully specified
// arithmetic that RTL and C++ can both reproduce bit for bit:
//   - every operation rounds its exact result to a 24-bit significand, to nearest, ties to even,
//     with an unbounded exponent;
//   - a rounded result below 2^-126 in magnitude becomes +-0 (flush to zero), above FLT_MAX it
//     saturates to +-FLT_MAX; subnormal inputs read as +-0;
//   - no operation produces NaN or infinity from finite inputs.
// Saturation instead of infinity keeps a softmax or a norm finite even on pathological data.
#pragma once
#include <cstdint>
#include <cstring>

namespace tasu::vec {

// The raw 32-bit pattern is the value; helpers convert to and from host floats for I/O only.
using vf32 = uint32_t;

// A host float and its bit pattern, unchanged (no flushing, any pattern).
inline float bits_to_float(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}
inline uint32_t float_to_bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

vf32 from_float(float f);  // subnormals flushed, NaN/inf rejected with std::invalid_argument
float to_float(vf32 x);

vf32 add(vf32 a, vf32 b);
vf32 sub(vf32 a, vf32 b);
vf32 mul(vf32 a, vf32 b);
vf32 neg(vf32 a);
vf32 abs(vf32 a);
vf32 max(vf32 a, vf32 b);   // +0 and -0 compare equal; returns a on ties
vf32 min(vf32 a, vf32 b);
bool less(vf32 a, vf32 b);

// Conversions. to_int_rne: round half to even, saturating to int32. from_int: int32 to vf32
// (rounded as above). floor_int: largest integer <= x, saturating.
int32_t to_int_rne(vf32 a);
int32_t floor_int(vf32 a);
vf32 from_int(int32_t i);

// Rounds an exact real (given as a double that holds it exactly, or correctly rounded to 53
// bits, which is innocuous for one +, - or * of two vf32 values) under the rules above.
vf32 round_from_double(double exact);

}  // namespace tasu::vec
