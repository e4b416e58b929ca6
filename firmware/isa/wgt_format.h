// The ternary weight formats a tile word takes in DRAM and in the tiles' stores (tasu_arch.json's
// WPack): 2-bit codes (0b00 zero, 0b01 +1, 0b11 -1), or five weights per byte in base 3
// (1.6 bits: tasu_wgt_trit5_dec is its RTL decoder). The packer (codegen) and the functional model
// share these, the RTL shares the digit weights through the generated package.
#pragma once
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

}  // namespace tasu::isa
