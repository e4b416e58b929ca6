// The ternary weight formats a tile word takes in DRAM and in the tiles' stores (tasu_arch.json's
// WPack): 2-bit codes (0b00 zero, 0b01 +1, 0b11 -1), or five weights per byte in base 3
// (1.6 bits: tasu_wgt_trit5_dec is its RTL decoder). The packer (codegen) and the functional model
// share these, the RTL shares the digit weights through the generated package.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "tasu_arch.h"

namespace tasu::isa {

// n weights in {-1, 0, +1}, row-major as the word holds them, into ceil(n / 5) bytes.
inline void pack_trit5(const int8_t* w, size_t n, uint8_t* out) {
  // Digit of a weight: its index in kTrit5DigitWeights.
  auto digit = [](int8_t v) -> unsigned {
    for (unsigned d = 0; d < 3; ++d)
      if (arch::kTrit5DigitWeights[d] == v) return d;
    return 0;  // callers pass ternary weights only
  };
  for (size_t b = 0; b * 5 < n; ++b) {
    unsigned byte = 0;
    for (size_t i = 5; i-- > 0;) byte = byte * 3 + (b * 5 + i < n ? digit(w[b * 5 + i]) : 0);
    out[b] = static_cast<uint8_t>(byte);
  }
}

// The inverse: ceil(n / 5) bytes into n weights; a byte above 242 (never packed) gives zeros, as
// in the RTL.
inline void unpack_trit5(const uint8_t* in, size_t n, int8_t* w) {
  for (size_t b = 0; b * 5 < n; ++b) {
    unsigned x = in[b] < 243 ? in[b] : 0;
    for (size_t i = 0; i < 5 && b * 5 + i < n; ++i, x /= 3) w[b * 5 + i] = arch::kTrit5DigitWeights[x % 3];
  }
}

// The LUT3 silicon row's word (tasu_arch.json's _lut3; not a tile format): n weights in groups of
// three, the last padded with zeros, each group a 5-bit code at bits 5 g .. 5 g + 4 of `out`
// (ceil(lut3_groups(n) * 5 / 8) bytes, little-endian bits): 0 for three zeros, else 1 + the index
// of the group's pattern with its first nonzero weight's sign divided out, + 16 if that sign is
// negative. tasu_dot_tern_lut3 is its RTL encoder, proven with the selection in scripts/lint.sh.
inline void pack_lut3(const int8_t* w, size_t n, uint8_t* out) {
  const size_t groups = arch::lut3_groups(static_cast<uint32_t>(n));
  for (size_t b = 0; b < (groups * 5 + 7) / 8; ++b) out[b] = 0;
  for (size_t g = 0; g < groups; ++g) {
    std::array<int8_t, 3> t{};
    for (size_t i = 0; i < 3 && g * 3 + i < n; ++i) t[i] = w[g * 3 + i];
    const int8_t sign = t[0] ? t[0] : t[1] ? t[1] : t[2];
    unsigned code = 0;
    if (sign != 0) {
      for (auto& v : t) v = static_cast<int8_t>(v * sign);
      for (size_t k = 0; k < arch::kLut3Patterns.size(); ++k)
        if (arch::kLut3Patterns[k] == t) code = static_cast<unsigned>(k + 1) | (sign < 0 ? 16u : 0u);
    }
    for (unsigned bit = 0; bit < 5; ++bit)
      if ((code >> bit) & 1) out[(g * 5 + bit) / 8] |= static_cast<uint8_t>(1u << ((g * 5 + bit) % 8));
  }
}

}  // namespace tasu::isa
