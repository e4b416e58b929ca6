// Switching activity of the comparison rows' input ports (rtl/ppa/tasu_ppa_row.sv) from real
// BitNet data: the synthetic 2B4T layer's q_proj weights and int8 activations of its quantized
// input norm (the exact layer model), streamed as the engine streams them (one Lanes-wide slice of one
// weight row and of the token's activations per cycle, the weight word address counting
// through the store). A row with weight reuse R takes the slices of R tokens in turn for each
// weight word, its address held for those R cycles. Writes OpenSTA `set_power_activity` commands, one per port bit: activity
// = transitions per clock cycle, duty = fraction of cycles at 1.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "checkpoint/synthetic_2b4t.h"
#include "tasu_arch.h"
#include "layer/accel_layer.h"
#include "layer/from_checkpoint.h"
#include "reference/float_reference.h"
#include "vector/vfloat.h"

namespace {

// Per-bit counts of ones and of changes between consecutive cycles.
struct Port {
  std::string name;
  int bits;
  std::vector<uint64_t> ones, toggles;
  std::vector<int> prev;
  Port(std::string n, int b) : name(std::move(n)), bits(b), ones(static_cast<size_t>(b)), toggles(static_cast<size_t>(b)) {}
  void step(const std::vector<int>& cur) {
    for (size_t i = 0; i < cur.size(); ++i) {
      ones[i] += static_cast<uint64_t>(cur[i]);
      if (!prev.empty()) toggles[i] += static_cast<uint64_t>(cur[i] != prev[i]);
    }
    prev = cur;
  }
};

// A bit vector of up to 512 bits as bytes.
struct Bits {
  std::vector<uint8_t> b;
  int get(int i) const { return (b[static_cast<size_t>(i / 8)] >> (i % 8)) & 1; }
};

uint16_t bf16_of(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return static_cast<uint16_t>((u + 0x7fff + ((u >> 16) & 1)) >> 16);  // round to nearest even
}

// tasu_ppa_row's AddrW: $clog2(Depth).
int addr_bits(int depth) {
  int b = 0;
  while ((1 << b) < depth) ++b;
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  constexpr int kRows = static_cast<int>(tasu::arch::kPpaRows.size());
  // KIND is the row's index in tasu_arch.json's ppa_rows, as tasu_ppa_row's Kind parameter.
  auto num = [](const char* s) {
    char* end = nullptr;
    const long v = std::strtol(s, &end, 10);
    return (*s && !*end && v >= 0 && v <= 1 << 20) ? static_cast<int>(v) : -1;
  };
  const int kind = argc == 5 ? num(argv[1]) : -1, lanes = argc == 5 ? num(argv[2]) : -1, depth = argc == 5 ? num(argv[3]) : -1;
  if (kind < 0 || kind >= kRows || lanes < 1 || depth < 2) {
    std::cerr << "usage: tasu_ppa_activity KIND(0.." << kRows - 1 << ") LANES(>= 1) DEPTH(>= 2) OUT.tcl\n";
    return 2;
  }
  const int abits = static_cast<int>(tasu::arch::kPpaRows[static_cast<size_t>(kind)].act_bits);
  const int64_t reuse = tasu::arch::kPpaRows[static_cast<size_t>(kind)].reuse;
  try {
    const auto model = tasu::ckpt::make_synthetic_2b4t(1, 1);
    const tasu::layer::LayerParams p = tasu::layer::layer_params(model, 0);
    const int64_t H = p.shape.hidden, T = std::max<int64_t>(8, reuse);  // whole groups of reuse tokens
    std::vector<int64_t> ids;
    for (int64_t t = 0; t < T; ++t) ids.push_back((t * 7919 + 13) % model.config.vocab);
    const auto emb = tasu::reference::embed(model, ids, T);
    std::vector<tasu::vec::vf32> x(static_cast<size_t>(T * H));
    for (size_t i = 0; i < x.size(); ++i) x[i] = tasu::vec::from_float(static_cast<float>(emb.data[i]));
    const auto xn = tasu::layer::rms_norm(x, T, p.input_norm, p.shape.rms_norm_eps);
    std::vector<int8_t> q;
    tasu::layer::quantize(xn, T, H, q);
    const float wscale = tasu::vec::to_float(p.q.w_mul);

    Port act("act_i", lanes * abits), addr("rd_addr_i", addr_bits(depth));
    uint64_t cycles = 0;
    const int64_t slices = H / lanes;
    for (int64_t t0 = 0; t0 < T; t0 += reuse)
      for (int64_t row = 0; row < 4; ++row)
        for (int64_t d = 0; d < slices; ++d)
          for (int64_t t = t0; t < t0 + reuse; ++t, ++cycles) {
            Bits a{std::vector<uint8_t>(static_cast<size_t>(lanes * abits / 8))};
            for (int l = 0; l < lanes; ++l) {
              const int8_t v = q[static_cast<size_t>(t * H + d * lanes + l)];
              if (abits == 8) {
                a.b[static_cast<size_t>(l)] = static_cast<uint8_t>(v);
              } else {  // BF16 baseline: the dequantized activation
                const uint16_t h = bf16_of(tasu::vec::to_float(xn[static_cast<size_t>(t * H + d * lanes + l)]));
                a.b[static_cast<size_t>(2 * l)] = static_cast<uint8_t>(h);
                a.b[static_cast<size_t>(2 * l + 1)] = static_cast<uint8_t>(h >> 8);
              }
            }
            const uint64_t ad = static_cast<uint64_t>(d % depth);
            std::vector<int> cur_a(static_cast<size_t>(act.bits)), cur_ad(static_cast<size_t>(addr.bits));
            for (int i = 0; i < act.bits; ++i) cur_a[static_cast<size_t>(i)] = a.get(i);
            for (int i = 0; i < addr.bits; ++i) cur_ad[static_cast<size_t>(i)] = static_cast<int>((ad >> i) & 1);
            act.step(cur_a);
            addr.step(cur_ad);
          }
    // Weight statistics (the store's contents): share of nonzero ternary weights, for the record.
    int64_t nz = 0;
    for (int8_t w : p.q.w) nz += w != 0;
    std::ofstream f(argv[4]);
    if (!f) throw std::runtime_error(std::string("cannot write ") + argv[4]);
    f << fmt::format("# tasu_ppa_activity kind {} lanes {} depth {} reuse {}: {} cycles of the synthetic 2B4T layer's q_proj "
                     "stream ({} tokens); weights {:.1f}% nonzero, weight scale {}\n",
                     kind, lanes, depth, reuse, cycles, T, 100.0 * static_cast<double>(nz) / static_cast<double>(p.q.w.size()),
                     wscale);
    double sum = 0;
    for (Port* pt : {&act, &addr})
      for (int i = 0; i < pt->bits; ++i) {
        const double a = static_cast<double>(pt->toggles[static_cast<size_t>(i)]) / static_cast<double>(cycles - 1);
        const double d = static_cast<double>(pt->ones[static_cast<size_t>(i)]) / static_cast<double>(cycles);
        if (pt == &act) sum += a;
        f << fmt::format("set_power_activity -input_ports [get_ports {{{}[{}]}}] -activity {:.4f} -duty {:.4f}\n",
                         pt->name, i, a, d);
      }
    f << "set_power_activity -input_ports [get_ports valid_i] -activity 0 -duty 1\n"
      << "set_power_activity -input_ports [get_ports clear_i] -activity "
      << fmt::format("{:.4f}", 2.0 / static_cast<double>(slices * reuse))
      << " -duty " << fmt::format("{:.4f}", 1.0 / static_cast<double>(slices)) << "\n"
      << "set_power_activity -input_ports [get_ports wr_valid_i] -activity 0 -duty 0\n";
    std::printf("mean activation bit activity %.4f over %llu cycles\n", sum / act.bits, static_cast<unsigned long long>(cycles));
  } catch (const std::exception& e) {
    std::cerr << "tasu_ppa_activity: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
