// Switching activity of the comparison rows' input ports (rtl/ppa/tasu_ppa_row.sv) from real
// BitNet data: the synthetic 2B4T layer's q_proj weights and int8 activations of its quantized
// input norm (the exact layer model), streamed as the engine streams them (one Lanes-wide slice of one
// weight row and of the token's activations per cycle, the weight word address counting
// through the store). A row with weight reuse R takes the slices of R tokens in turn for each
// weight word, its address held for those R cycles. Writes OpenSTA `set_power_activity` commands, one per port bit: activity
// = transitions per clock cycle, duty = fraction of cycles at 1.
// With --netlist, it also simulates the row's mapped netlist (model/gate) on the same data, the
// real weights written into its store, checks every partial sum the netlist outputs against the
// exact dot product, and writes the activity of every cell (--gate-out): issue #11's gate-level
// activity, which credits zero weights and zero activations to every engine alike.
#include <CLI/CLI.hpp>
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
#include "gate/gate_sim.h"
#include "isa/wgt_format.h"
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


// The gate-level run: the q_proj rows in blocks of the store's depth, each block written into
// the store (cycles not sampled) and then read for every token as the engine's MATMUL does
// (tokens outer, the block's words inner; with reuse R the R tokens of a group take each word in
// turn; one idle cycle after each group, in which the last word's sum is computed). A cycle is
// sampled when the row computes in it (valid the cycle before), so the load cycles do not count.
// Every partial sum the netlist outputs, complete sums included, is checked against the exact one.
struct GateRun {
  std::vector<int32_t> wi;             // the 4 weight rows [row][H] as integers (integer rows)
  std::vector<uint16_t> w16;           // the same as BF16 (the BF16 row)
  const std::vector<int8_t>& q;        // int8 activations [token][H]
  const std::vector<uint16_t>& act16;  // BF16 activations [token][H] (BF16 row)
  int64_t H, T, reuse;
  int lanes, depth, abits, wbits;
  bool bf16;
  bool wpack;  // the store keeps five weights per byte (isa::pack_trit5), trit5_bytes(lanes) a word
  bool lut3;   // the store keeps a 5-bit code per three weights (isa::pack_lut3), lut3_groups(lanes) a word
};

void gate_activity(const GateRun& g, const std::string& lib_path, const std::string& netlist, const std::string& out_path) {
  const auto lib = tasu::gate::Library::read(lib_path);
  tasu::gate::Simulator sim(lib, netlist, "tasu_ppa_row", "clk_i");
  const int abw = sim.port_bits("act_i"), wbw = sim.port_bits("wr_data_i");
  const int word_bits = g.wpack  ? static_cast<int>(tasu::arch::trit5_bytes(static_cast<uint32_t>(g.lanes))) * 8
                        : g.lut3 ? static_cast<int>(tasu::arch::lut3_groups(static_cast<uint32_t>(g.lanes))) * 5
                                 : g.lanes * g.wbits;
  if (abw != g.lanes * g.abits || wbw != word_bits || sim.port_bits("acc_o") > 64)
    throw std::runtime_error(fmt::format("{}: ports act_i {} and wr_data_i {} bits, expected {} and {}: not this row", netlist, abw, wbw,
                                         g.lanes * g.abits, word_bits));
  const int accw = sim.port_bits("acc_o");
  const uint64_t accmask = accw == 64 ? ~uint64_t{0} : (uint64_t{1} << accw) - 1;
  const int64_t slices = g.H / g.lanes;
  std::vector<uint8_t> act(static_cast<size_t>(abw)), wd(static_cast<size_t>(wbw));
  const auto set_act = [&](int64_t t, int64_t d) {
    for (int l = 0; l < g.lanes; ++l) {
      const size_t e = static_cast<size_t>(t * g.H + d * g.lanes + l);
      const uint32_t v = g.abits == 8 ? static_cast<uint8_t>(g.q[e]) : g.act16[e];
      for (int b = 0; b < g.abits; ++b) act[static_cast<size_t>(l * g.abits + b)] = (v >> b) & 1;
    }
    sim.set("act_i", act);
  };
  bool valid_before = false;
  const auto step = [&](bool valid) {
    sim.cycle(valid_before);
    valid_before = valid;
  };
  sim.set("rst_ni", 0);
  for (const char* p : {"wr_valid_i", "wr_addr_i", "wr_data_i", "valid_i", "clear_i", "rd_addr_i", "act_i"}) sim.set(p, 0);
  step(false);
  step(false);
  sim.set("rst_ni", 1);
  uint64_t checked = 0;
  bool have_final = false;  // a group has completed: its sums stay in the slots until the next group
  std::vector<uint64_t> part(static_cast<size_t>(g.reuse));  // each token slot's sum (across blocks)
  for (int64_t row = 0; row < 4; ++row)
    for (int64_t d0 = 0; d0 < slices; d0 += g.depth) {
      const int64_t words = std::min<int64_t>(g.depth, slices - d0);
      sim.set("valid_i", 0);
      sim.set("clear_i", 0);
      sim.set("wr_valid_i", 1);
      for (int64_t k = 0; k < words; ++k) {  // the block's weights into the store
        if (g.wpack || g.lut3) {
          std::vector<int8_t> w(static_cast<size_t>(g.lanes));
          std::vector<uint8_t> bytes(static_cast<size_t>((word_bits + 7) / 8));
          for (int l = 0; l < g.lanes; ++l)
            w[static_cast<size_t>(l)] = static_cast<int8_t>(g.wi[static_cast<size_t>(row * g.H + (d0 + k) * g.lanes + l)]);
          if (g.wpack)
            tasu::isa::pack_trit5(w.data(), w.size(), bytes.data());
          else
            tasu::isa::pack_lut3(w.data(), w.size(), bytes.data());
          for (int b = 0; b < word_bits; ++b) wd[static_cast<size_t>(b)] = (bytes[static_cast<size_t>(b / 8)] >> (b % 8)) & 1;
        } else {
          for (int l = 0; l < g.lanes; ++l) {
            const size_t e = static_cast<size_t>(row * g.H + (d0 + k) * g.lanes + l);
            const uint32_t v = g.bf16 ? g.w16[e] : static_cast<uint32_t>(g.wi[e]);
            for (int b = 0; b < g.wbits; ++b) wd[static_cast<size_t>(l * g.wbits + b)] = (v >> b) & 1;
          }
        }
        sim.set("wr_addr_i", static_cast<uint64_t>(k));
        sim.set("wr_data_i", wd);
        step(false);
      }
      sim.set("wr_valid_i", 0);
      // Partial sums per token of the group: the netlist shows token t's accumulator the cycle
      // after the read of its word d (before that word adds): the sum of words 0..d-1, and at
      // d = 0 the slot's complete sum of the previous group (of this block or the last). Integer
      // rows: exact sums (mod 2^AccW); BF16: binary32 bits, the products summed by the pairwise
      // tree of tasu_dot_bf16 and accumulated, in the vector unit's rounding (model/vector).
      const auto word_dot = [&](int64_t t, int64_t d) -> uint64_t {
        const size_t wb = static_cast<size_t>(row * g.H + d * g.lanes), ab = static_cast<size_t>(t * g.H + d * g.lanes);
        if (!g.bf16) {
          int64_t dot = 0;
          for (size_t l = 0; l < static_cast<size_t>(g.lanes); ++l) dot += int64_t{g.wi[wb + l]} * g.q[ab + l];
          return static_cast<uint64_t>(dot);
        }
        std::vector<tasu::vec::vf32> lvl(static_cast<size_t>(g.lanes));
        for (size_t l = 0; l < lvl.size(); ++l)
          lvl[l] = tasu::vec::mul(tasu::vec::vf32{g.w16[wb + l]} << 16, tasu::vec::vf32{g.act16[ab + l]} << 16);
        for (size_t n = lvl.size(); n > 1; n /= 2)
          for (size_t i = 0; i < n / 2; ++i) lvl[i] = tasu::vec::add(lvl[2 * i], lvl[2 * i + 1]);
        return lvl[0];
      };
      const auto accumulate = [&](uint64_t sum, uint64_t dot) -> uint64_t {
        return g.bf16 ? tasu::vec::add(static_cast<tasu::vec::vf32>(sum), static_cast<tasu::vec::vf32>(dot)) : sum + dot;
      };
      for (int64_t t0 = 0; t0 < g.T; t0 += g.reuse) {
        std::vector<uint64_t> prev_final = part;  // each slot's complete sum of the last group
        int64_t pend_t = -1, pend_d = 0;  // the read before this cycle's
        uint64_t pend_dot = 0;
        const auto check = [&]() {
          if (pend_t < 0) return;
          uint64_t& sum = part[static_cast<size_t>(pend_t - t0)];
          // At a group's first word the slot still shows the previous group's complete sum.
          const bool known = pend_d > 0 || have_final;
          if (known) {
            const uint64_t got = sim.get("acc_o");
            const uint64_t want = (pend_d > 0 ? sum : prev_final[static_cast<size_t>(pend_t - t0)]) & accmask;
            if (got != want)
              throw std::runtime_error(fmt::format("{}: row {} block {} token {} word {}: the netlist's partial sum is {:#x}, the exact one {:#x}",
                                                   netlist, row, d0, pend_t, pend_d, got, want));
            ++checked;
          }
          sum = accumulate(pend_d == 0 ? 0 : sum, pend_dot);  // the pending word adds at the end of this cycle
        };
        for (int64_t d = 0; d < words; ++d)
          for (int64_t t = t0; t < t0 + g.reuse; ++t) {
            sim.set("valid_i", 1);
            sim.set("clear_i", d == 0);
            sim.set("rd_addr_i", static_cast<uint64_t>(d));
            set_act(t, d0 + d);
            step(true);
            check();
            pend_t = t;
            pend_d = d;
            pend_dot = word_dot(t, d0 + d);
          }
        // The last read's sum shows one cycle later; the row computes (is sampled) in it.
        sim.set("valid_i", 0);
        sim.set("clear_i", 0);
        step(false);
        check();
        have_final = true;
      }
    }
  const auto cells = sim.activities();
  std::ofstream f(out_path);
  if (!f) throw std::runtime_error("cannot write " + out_path);
  f << fmt::format("# gate-level activity of {} ({} cells): {} sampled cycles, {} partial sums checked against the exact dot product\n"
                   "# instance  activity (transitions per cycle of its outputs)  duty\n",
                   netlist, sim.cells(), sim.samples(), checked);
  for (const auto& c : cells) f << fmt::format("{} {:.6f} {:.6f}\n", c.path, c.activity, c.duty);
  std::printf("gate-level: %zu cells, %llu sampled cycles, %llu partial sums checked\n", sim.cells(),
              static_cast<unsigned long long>(sim.samples()), static_cast<unsigned long long>(checked));
}

}  // namespace

int main(int argc, char** argv) {
  constexpr int kRows = static_cast<int>(tasu::arch::kPpaRows.size());
  // KIND is the row's index in tasu_arch.json's ppa_rows, as tasu_ppa_row's Kind parameter.
  CLI::App app{"Switching activity of a silicon-comparison row from real BitNet data (scripts/ppa.sh)"};
  int kind = -1, lanes = 0, depth = 0;
  std::string out_tcl, netlist, liberty, gate_out, weights = "ternary";
  app.add_option("KIND", kind, "row index in tasu_arch.json's ppa_rows")->required()->check(CLI::Range(0, kRows - 1));
  app.add_option("LANES", lanes, "weights per word")->required()->check(CLI::Range(1, 1 << 12));
  app.add_option("DEPTH", depth, "words of the row's store")->required()->check(CLI::Range(2, 1 << 20));
  app.add_option("OUT", out_tcl, "port activity, OpenSTA commands")->required();
  auto* nl = app.add_option("--netlist", netlist, "the row's mapped netlist, flattened, as Yosys JSON: simulate it");
  app.add_option("--liberty", liberty, "the cell library the netlist is mapped to")->needs(nl);
  app.add_option("--gate-out", gate_out, "gate-level activity of every cell: instance, activity, duty")->needs(nl);
  app.add_option("--weights", weights, "the row's weights: ternary (q_proj's) or dense (int8 / BF16 data as a stand-in for an INT8 or BF16 model's)")
      ->check(CLI::IsMember({"ternary", "dense"}))
      ->needs(nl);
  nl->needs("--liberty")->needs("--gate-out");
  CLI11_PARSE(app, argc, argv);
  const auto& row_kind = tasu::arch::kPpaRows[static_cast<size_t>(kind)];
  const int abits = static_cast<int>(row_kind.act_bits);
  const int64_t reuse = row_kind.reuse;
  try {
    const auto model = tasu::ckpt::make_synthetic_2b4t(1, 1);
    const tasu::layer::LayerParams p = tasu::layer::layer_params(model, 0);
    const int64_t H = p.shape.hidden, T = std::max<int64_t>(8, reuse);  // whole groups of reuse tokens
    // T tokens stream through the row; 4 more give the dense stand-in weights (--weights dense).
    const int64_t Te = T + 4;
    std::vector<int64_t> ids;
    for (int64_t t = 0; t < Te; ++t) ids.push_back((t * 7919 + 13) % model.config.vocab);
    const auto emb = tasu::reference::embed(model, ids, Te);
    std::vector<tasu::vec::vf32> x(static_cast<size_t>(Te * H));
    for (size_t i = 0; i < x.size(); ++i) x[i] = tasu::vec::from_float(static_cast<float>(emb.data[i]));
    const auto xn = tasu::layer::rms_norm(x, Te, p.input_norm, p.shape.rms_norm_eps);
    std::vector<int8_t> q;
    tasu::layer::quantize(xn, Te, H, q);
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
    std::ofstream f(out_tcl);
    if (!f) throw std::runtime_error("cannot write " + out_tcl);
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
    f.close();
    if (!netlist.empty()) {
      std::vector<uint16_t> act16(xn.size());
      for (size_t i = 0; i < xn.size(); ++i) act16[i] = bf16_of(tasu::vec::to_float(xn[i]));
      const bool bf16 = row_kind.engine == tasu::arch::Engine::BF16;
      // The weights of q_proj's first 4 rows, or (dense) the int8 and BF16 activations of 4 more
      // tokens in their place: full-range values as an INT8 or BF16 model's weights would be.
      if (weights == "dense" && row_kind.engine == tasu::arch::Engine::TERNARY)
        throw std::runtime_error("--weights dense is for the MAC-array rows; a ternary row stores ternary weights");
      const size_t n = static_cast<size_t>(4 * H);
      std::vector<int32_t> wi(n);
      std::vector<uint16_t> w16(n);
      for (size_t i = 0; i < n; ++i) {
        const bool dense = weights == "dense";
        wi[i] = dense ? q[static_cast<size_t>(T * H) + i] : p.q.w[i];
        w16[i] = dense ? act16[static_cast<size_t>(T * H) + i] : bf16_of(static_cast<float>(p.q.w[i]));
      }
      const GateRun g{wi, w16, q, act16, H, T, reuse, lanes, depth, abits,
                      static_cast<int>(tasu::arch::kEngineWeightBits.at(static_cast<size_t>(row_kind.engine))), bf16,
                      row_kind.wpack != 0, row_kind.dot == tasu::arch::PpaDot::LUT3};
      gate_activity(g, liberty, netlist, gate_out);
    }
  } catch (const std::exception& e) {
    std::cerr << "tasu_ppa_activity: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
