// Helpers shared by the single-module benches: a clock cycle, and moving bytes in and out of
// Verilator's wide (VlWide) ports, whose 32-bit words are little-endian like the bus.
#pragma once
#include <verilated.h>

#include <cstdint>

namespace tasu::bench {

template <class Dut>
void tick(Dut& dut) {
  dut.clk_i = 0;
  dut.eval();
  dut.clk_i = 1;
  dut.eval();
}

template <std::size_t Words>
void put_bytes(VlWide<Words>& dst, const uint8_t* bytes, int n_words = static_cast<int>(Words)) {
  for (int i = 0; i < n_words; ++i) {
    uint32_t v = 0;
    for (int j = 0; j < 4; ++j) v |= uint32_t{bytes[4 * i + j]} << (8 * j);
    dst[i] = v;
  }
}

}  // namespace tasu::bench
