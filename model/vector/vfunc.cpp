// Special functions of the vector unit, written only with its primitive operations (vfloat.h),
// integer arithmetic on the raw bits, and per-lane selects; see vfunc.h.
#include "vector/vfunc.h"

#include <array>
#include <cstddef>

namespace tasu::vec {
namespace {

// Constants are the nearest binary32 values of the decimal literals.
vf32 k(float f) { return from_float(f); }

// Horner evaluation c[0] + z*(c[1] + z*(c[2] + ...)), the coefficient list highest last.
template <std::size_t N>
vf32 horner(vf32 z, const std::array<float, N>& c) {
  vf32 acc = k(c[N - 1]);
  for (std::size_t i = N - 1; i-- > 0;) acc = add(mul(acc, z), k(c[i]));
  return acc;
}

}  // namespace

vf32 rsqrt(vf32 x) {
  vf32 y = 0x5f3759dfu - (x >> 1);
  const vf32 hx = mul(x, k(0.5f));
  for (int i = 0; i < 3; ++i) y = mul(y, sub(k(1.5f), mul(hx, mul(y, y))));
  return y;
}

vf32 recip(vf32 x) {
  const vf32 r = rsqrt(x);
  vf32 y = mul(r, r);
  return mul(y, sub(k(2.0f), mul(x, y)));
}

vf32 exp_nonpos(vf32 x) {
  if (less(x, k(-87.0f))) return 0;
  const vf32 t = mul(x, k(1.44269504088896341f));
  const int32_t n = floor_int(t);
  const vf32 f = sub(t, from_int(n));  // [0, 1)
  // 2^f = e^(f ln 2): Taylor coefficients (ln 2)^i / i!, degree 7.
  static const std::array<float, 8> c = {1.0f,           0.693147180559945f, 0.240226506959101f,
                                         0.0555041086648216f, 0.00961812910762848f, 0.00133335581464284f,
                                         0.000154035303933816f, 1.52527338040598e-05f};
  const vf32 p = horner(f, c);  // [1, 2]
  // 2^n * p by adding n to the exponent field; below the normal range the result is zero.
  const int32_t e = static_cast<int32_t>((p >> 23) & 0xff) + n;
  if (e <= 0) return 0;
  return (p & 0x807fffffu) | (static_cast<uint32_t>(e) << 23);
}

namespace {

// x - k*2pi with k = round(x / 2pi), about [-pi, pi]. Cody-Waite: 2pi = c1 + c2 + c3 with c1
// (8 significant bits) and c2 (10 bits) short enough that k*c1 and k*c2 are exact for
// |k| < 2^14, and c3 the rest; together they carry about 42 bits of 2pi.
vf32 reduce_2pi(vf32 x) {
  const vf32 kk = from_int(to_int_rne(mul(x, k(0.15915493667125702f))));
  vf32 r = sub(x, mul(kk, k(6.28125f)));
  r = sub(r, mul(kk, k(0.0019359588623046875f)));
  r = sub(r, mul(kk, k(-6.5168273977178615e-07f)));
  return r;
}

vf32 sin_poly(vf32 r) {  // r in [-pi/2, pi/2]
  static const std::array<float, 6> c = {1.0f, -1.66666666666666667e-1f, 8.33333333333333333e-3f,
                                         -1.98412698412698413e-4f, 2.75573192239858907e-6f,
                                         -2.50521083854417188e-8f};
  return mul(r, horner(mul(r, r), c));
}

vf32 cos_poly(vf32 r) {  // r in [-pi/2, pi/2]
  static const std::array<float, 7> c = {1.0f, -0.5f, 4.16666666666666667e-2f, -1.38888888888888889e-3f,
                                         2.48015873015873016e-5f, -2.75573192239858907e-7f,
                                         2.08767569878680990e-9f};
  return horner(mul(r, r), c);
}

const vf32 kPi = 0x40490fdbu;      // binary32 nearest pi
const vf32 kHalfPi = 0x3fc90fdbu;  // binary32 nearest pi/2

}  // namespace

vf32 sin(vf32 x) {
  vf32 r = reduce_2pi(x);
  // sin(r) = sin(pi - r) = sin(-pi - r): fold into [-pi/2, pi/2].
  if (less(kHalfPi, r)) r = sub(kPi, r);
  else if (less(r, neg(kHalfPi))) r = sub(neg(kPi), r);
  return sin_poly(r);
}

vf32 cos(vf32 x) {
  vf32 r = abs(reduce_2pi(x));
  // cos(r) = -cos(pi - r) for r in (pi/2, pi].
  if (less(kHalfPi, r)) return neg(cos_poly(sub(kPi, r)));
  return cos_poly(r);
}

}  // namespace tasu::vec
