// The vector unit's special functions, as the exact sequences of primitive operations
// (vfloat.h) that the unit executes: the code generator emits these sequences and this file is
// their bit-exact reference. Each states its domain and its measured error
// (testbench/unit/test_vector.cpp, docs/vector_unit.md).
#pragma once
#include "vector/vfloat.h"

namespace tasu::vec {

// 1/sqrt(x), x > 0: integer seed (0x5f3759df - bits/2) then three Newton steps
// y <- y * (1.5 - (0.5 * x) * y * y).
vf32 rsqrt(vf32 x);
// 1/x, x > 0: rsqrt(x)^2 refined by one Newton step y <- y * (2 - x * y).
vf32 recip(vf32 x);
// e^x for x <= 0 (softmax after max subtraction); x < -87 gives 0. Range reduction
// t = x * log2(e) = n + f, f in [0, 1); 2^f by a degree-6 polynomial; 2^n by exponent arithmetic.
vf32 exp_nonpos(vf32 x);
// sin and cos of |x| <= 2^16: reduction by a three-part 2*pi (Cody-Waite) to [-pi, pi], then
// odd/even polynomials on [-pi/2, pi/2] with quadrant folding.
vf32 sin(vf32 x);
vf32 cos(vf32 x);

}  // namespace tasu::vec
