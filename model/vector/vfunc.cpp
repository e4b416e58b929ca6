// Special functions of the vector unit as lane-operation programs (vprog.h); the scalar
// functions of vfunc.h run those programs on one element.
#include "vector/vfunc.h"

#include <array>
#include <cstddef>
#include <vector>

#include "vector/vlane.h"
#include "vector/vprog.h"

namespace tasu::vec {
namespace {

using arch::VectorOp;

// Constants are the nearest binary32 values of the decimal literals.
uint32_t k(float f) { return from_float(f); }

class Builder {
 public:
  int op(VectorOp o, int a, int b) { return push({o, p_.regs, a, b, 0, false}); }
  int opi(VectorOp o, int a, uint32_t imm) { return push({o, p_.regs, a, -1, imm, false}); }
  int un(VectorOp o, int a) { return opi(o, a, 0); }  // one-operand operations
  int iop(VectorOp o, uint32_t imm, int b) { return push({o, p_.regs, b, -1, imm, true}); }  // o(imm, b)
  int madd(int a, int b, uint32_t c) { return push({VectorOp::MADD, p_.regs, a, b, c, false}); }  // a * b + c
  // Per-lane select: m all ones -> x, zero -> y.
  int sel(int m, int x, int y) { return op(VectorOp::OR, op(VectorOp::AND, x, m), op(VectorOp::ANDN, y, m)); }
  // c[0] + z*(c[1] + z*(c[2] + ...)), the coefficient list highest last.
  template <std::size_t N>
  int horner(int z, const std::array<float, N>& c) {
    int acc = iop(VectorOp::MUL, k(c[N - 1]), z);
    acc = opi(VectorOp::ADD, acc, k(c[N - 2]));
    for (std::size_t i = N - 2; i-- > 0;) acc = madd(acc, z, k(c[i]));
    return acc;
  }
  VProg done(int out) {
    p_.out = out;
    return p_;
  }

 private:
  int push(VStep s) {
    p_.steps.push_back(s);
    return p_.regs++;
  }
  VProg p_;
};

// 1/sqrt(x): integer seed then three Newton steps y <- y * (1.5 - (0.5 * x) * y * y).
int emit_rsqrt(Builder& b, int x) {
  int y = b.iop(VectorOp::ISUB, 0x5f3759dfu, b.opi(VectorOp::SHR, x, 1));
  const int hx = b.opi(VectorOp::MUL, x, k(0.5f));
  for (int i = 0; i < 3; ++i)
    y = b.op(VectorOp::MUL, y, b.iop(VectorOp::SUB, k(1.5f), b.op(VectorOp::MUL, hx, b.op(VectorOp::MUL, y, y))));
  return y;
}

// x - k*2pi with k = round(x / 2pi), about [-pi, pi]. Cody-Waite: 2pi = c1 + c2 + c3 with c1
// (8 significant bits) and c2 (10 bits) short enough that k*c1 and k*c2 are exact for
// |k| < 2^14, and c3 the rest; together they carry about 42 bits of 2pi.
int emit_reduce_2pi(Builder& b, int x) {
  const int kk = b.un(VectorOp::I2F, b.un(VectorOp::F2I, b.opi(VectorOp::MUL, x, k(0.15915493667125702f))));
  int r = b.op(VectorOp::SUB, x, b.opi(VectorOp::MUL, kk, k(6.28125f)));
  r = b.op(VectorOp::SUB, r, b.opi(VectorOp::MUL, kk, k(0.0019359588623046875f)));
  r = b.op(VectorOp::SUB, r, b.opi(VectorOp::MUL, kk, k(-6.5168273977178615e-07f)));
  return r;
}

const std::array<float, 6> kSinC = {1.0f, -1.66666666666666667e-1f, 8.33333333333333333e-3f,
                                    -1.98412698412698413e-4f, 2.75573192239858907e-6f, -2.50521083854417188e-8f};
const std::array<float, 7> kCosC = {1.0f, -0.5f, 4.16666666666666667e-2f, -1.38888888888888889e-3f,
                                    2.48015873015873016e-5f, -2.75573192239858907e-7f, 2.08767569878680990e-9f};
constexpr uint32_t kPi = 0x40490fdbu;      // binary32 nearest pi
constexpr uint32_t kHalfPi = 0x3fc90fdbu;  // binary32 nearest pi/2
constexpr uint32_t kNeg = 0x80000000u;

VProg make_rsqrt() {
  Builder b;
  return b.done(emit_rsqrt(b, 0));
}

// 1/x: rsqrt(x)^2 refined by one Newton step y <- y * (2 - x * y).
VProg make_recip() {
  Builder b;
  const int r = emit_rsqrt(b, 0);
  const int y = b.op(VectorOp::MUL, r, r);
  return b.done(b.op(VectorOp::MUL, y, b.iop(VectorOp::SUB, k(2.0f), b.op(VectorOp::MUL, 0, y))));
}

// e^x, x <= 0: t = x log2(e) = n + f; 2^f by Taylor coefficients (ln 2)^i / i! of degree 7;
// 2^n * p by adding n to the exponent field. Zero where x < -87 or the exponent underflows.
VProg make_exp_nonpos() {
  Builder b;
  const int t = b.opi(VectorOp::MUL, 0, k(1.44269504088896341f));
  const int n = b.un(VectorOp::FLOOR, t);
  const int f = b.op(VectorOp::SUB, t, b.un(VectorOp::I2F, n));  // [0, 1)
  static const std::array<float, 8> c = {1.0f,           0.693147180559945f, 0.240226506959101f,
                                         0.0555041086648216f, 0.00961812910762848f, 0.00133335581464284f,
                                         0.000154035303933816f, 1.52527338040598e-05f};
  const int p = b.horner(f, c);  // [1, 2]
  const int e = b.op(VectorOp::IADD, b.opi(VectorOp::AND, b.opi(VectorOp::SHR, p, 23), 0xffu), n);
  const int r = b.op(VectorOp::OR, b.opi(VectorOp::AND, p, 0x807fffffu), b.opi(VectorOp::SHL, e, 23));
  // e <= 0 as a float compare of the (small) integer e with 0.5.
  const int zero = b.op(VectorOp::OR, b.opi(VectorOp::LT, 0, k(-87.0f)),
                        b.opi(VectorOp::LT, b.un(VectorOp::I2F, e), k(0.5f)));
  return b.done(b.op(VectorOp::ANDN, r, zero));
}

// sin: fold r into [-pi/2, pi/2] by sin(r) = sin(pi - r) = sin(-pi - r), then an odd polynomial.
VProg make_sin() {
  Builder b;
  int r = emit_reduce_2pi(b, 0);
  const int hi = b.iop(VectorOp::LT, kHalfPi, r);         // pi/2 < r
  const int lo = b.opi(VectorOp::LT, r, kHalfPi ^ kNeg);  // r < -pi/2
  r = b.sel(hi, b.iop(VectorOp::SUB, kPi, r), r);
  r = b.sel(lo, b.iop(VectorOp::SUB, kPi ^ kNeg, r), r);
  return b.done(b.op(VectorOp::MUL, r, b.horner(b.op(VectorOp::MUL, r, r), kSinC)));
}

// cos: |r|, and cos(r) = -cos(pi - r) for r in (pi/2, pi]; an even polynomial.
VProg make_cos() {
  Builder b;
  const int r = b.un(VectorOp::ABS, emit_reduce_2pi(b, 0));
  const int hi = b.iop(VectorOp::LT, kHalfPi, r);
  const int s = b.iop(VectorOp::SUB, kPi, r);
  const int folded = b.un(VectorOp::NEG, b.horner(b.op(VectorOp::MUL, s, s), kCosC));
  return b.done(b.sel(hi, folded, b.horner(b.op(VectorOp::MUL, r, r), kCosC)));
}

}  // namespace

uint32_t run(const VProg& p, uint32_t x) {
  std::vector<uint32_t> reg(static_cast<std::size_t>(p.regs), 0);
  reg[0] = x;
  for (const VStep& s : p.steps) {
    const uint32_t a = reg[static_cast<std::size_t>(s.a)];
    const uint32_t bv = s.b < 0 ? s.imm : reg[static_cast<std::size_t>(s.b)];
    reg[static_cast<std::size_t>(s.dst)] = elem(s.op, a, bv, s.imm, s.swap);
  }
  return reg[static_cast<std::size_t>(p.out)];
}

const VProg& prog_rsqrt() { static const VProg p = make_rsqrt(); return p; }
const VProg& prog_recip() { static const VProg p = make_recip(); return p; }
const VProg& prog_exp_nonpos() { static const VProg p = make_exp_nonpos(); return p; }
const VProg& prog_sin() { static const VProg p = make_sin(); return p; }
const VProg& prog_cos() { static const VProg p = make_cos(); return p; }

vf32 rsqrt(vf32 x) { return run(prog_rsqrt(), x); }
vf32 recip(vf32 x) { return run(prog_recip(), x); }
vf32 exp_nonpos(vf32 x) { return run(prog_exp_nonpos(), x); }
vf32 sin(vf32 x) { return run(prog_sin(), x); }
vf32 cos(vf32 x) { return run(prog_cos(), x); }

}  // namespace tasu::vec
