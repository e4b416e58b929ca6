// The BF16 engine's dot product: through the vector unit's arithmetic (the specification), and on
// the host's binary32 adder where that is the same. IEEE binary32 with rounding to nearest even
// gives the unit's result whenever every operand and every result is normal or zero: a product
// of a BF16 weight and an int8 is exact (at most 16 significant bits) unless it overflows, and a
// sum of two such values whose exact magnitude is below 2^-126 is a multiple of 2^-149, which the
// host returns exactly, as a subnormal, so the check below sees it. The unit differs only outside
// that range (it flushes and saturates where IEEE has subnormals and infinities, and reads the
// exponent-255 patterns as numbers); a step that leaves it is computed again exactly. This file
// is compiled with -ffp-contract=off: a fused multiply-add would skip the product's check.
#include "functional/dot_bf16.h"

#include <array>
#include <utility>
#include <vector>

#include "vector/vfloat.h"

namespace tasu::model {
namespace {

constexpr uint32_t kSign = 0x80000000u, kExp = 0x7f800000u, kFrac = 0x007fffffu;

// Nonzero for a host value that does not mean the same to the unit: a subnormal, an infinity or
// a NaN (normal values and zeros do). Integer operations, so that the loops below vectorize.
uint32_t odd(float f) {
  const uint32_t b = vec::float_to_bits(f), e = b & kExp;
  return static_cast<uint32_t>(e == kExp) | (static_cast<uint32_t>(e == 0) & static_cast<uint32_t>((b & kFrac) != 0));
}

// An operand as the unit reads it, on the host: a subnormal is a zero of its sign (IEEE's rules
// for signed zeros are then the unit's: x + (-x) = +0, only -0 + -0 = -0, the sign of 0 x a is
// the exclusive or). An exponent-255 pattern, a number to the unit, is an infinity or a NaN to
// the host, which every result it reaches carries to the check.
float host_operand(uint32_t b) { return vec::bits_to_float((b & kExp) == 0 ? (b & kSign) : b); }

// One step of one output, exactly: each tile's products and pairwise tree, the tiles in order,
// then the running sum.
vec::vf32 step_exact(const uint16_t* w, const int8_t* a, uint32_t tiles, uint32_t lanes, vec::vf32 acc,
                     vec::vf32* lvl) {
  vec::vf32 red = 0;
  for (uint32_t t = 0; t < tiles; ++t) {
    const size_t at = size_t{t} * lanes;
    for (uint32_t l = 0; l < lanes; ++l)
      lvl[l] = vec::mul(static_cast<vec::vf32>(w[at + l]) << 16, vec::from_int(a[at + l]));
    for (uint32_t n = lanes; n > 1; n /= 2)
      for (uint32_t i = 0; i < n / 2; ++i) lvl[i] = vec::add(lvl[2 * i], lvl[2 * i + 1]);
    red = t == 0 ? lvl[0] : vec::add(red, lvl[0]);
  }
  return vec::add(acc, red);
}

// The same step on the host's adder, acc updated in place; false when a value left the range
// where the host equals the unit (acc then holds nothing of use). Each tree level goes from one
// buffer to the other (x, y: lanes each), the pairing of the in-place loop above.
bool step_host(const uint16_t* w, const int8_t* a, uint32_t tiles, uint32_t lanes, float& acc, float* x, float* y) {
  uint32_t bad = 0;
  float red = 0.0f;
  for (uint32_t t = 0; t < tiles; ++t) {
    const size_t at = size_t{t} * lanes;
    for (uint32_t l = 0; l < lanes; ++l) {
      x[l] = host_operand(static_cast<uint32_t>(w[at + l]) << 16) * static_cast<float>(a[at + l]);
      bad |= odd(x[l]);
    }
    float* src = x;
    float* dst = y;
    for (uint32_t n = lanes; n > 1; n /= 2) {
      for (uint32_t i = 0; i < n / 2; ++i) {
        dst[i] = src[2 * i] + src[2 * i + 1];
        bad |= odd(dst[i]);
      }
      std::swap(src, dst);
    }
    red = t == 0 ? src[0] : red + src[0];
    bad |= odd(red);
  }
  acc = acc + red;
  return (bad | odd(acc)) == 0;
}

thread_local uint64_t exact_steps = 0;

// Room for one tile's lanes: on the stack up to 64 (every configuration), else on the heap.
template <typename T>
struct Lanes {
  std::array<T, 64> small;
  std::vector<T> big;
  explicit Lanes(uint32_t n) : big(n > small.size() ? n : 0) {}
  T* data() { return big.empty() ? small.data() : big.data(); }
};

}  // namespace

uint32_t dot_bf16(const uint16_t* w, const int8_t* a, uint32_t depth, uint32_t base, uint32_t tiles, uint32_t lanes) {
  Lanes<float> host_x(lanes), host_y(lanes);
  Lanes<vec::vf32> exact_lvl(lanes);
  vec::vf32 acc = base;
  for (uint32_t d = 0; d < depth; ++d) {
    const size_t at = size_t{d} * tiles * lanes;
    float f = host_operand(acc);
    if (step_host(w + at, a + at, tiles, lanes, f, host_x.data(), host_y.data()))
      acc = vec::float_to_bits(f);
    else {
      acc = step_exact(w + at, a + at, tiles, lanes, acc, exact_lvl.data());
      ++exact_steps;
    }
  }
  return acc;
}

uint64_t dot_bf16_exact_steps() { return exact_steps; }

uint32_t dot_bf16_exact(const uint16_t* w, const int8_t* a, uint32_t depth, uint32_t base, uint32_t tiles,
                        uint32_t lanes) {
  Lanes<vec::vf32> lvl(lanes);
  vec::vf32 acc = base;
  for (uint32_t d = 0; d < depth; ++d) {
    const size_t at = size_t{d} * tiles * lanes;
    acc = step_exact(w + at, a + at, tiles, lanes, acc, lvl.data());
  }
  return acc;
}

}  // namespace tasu::model
