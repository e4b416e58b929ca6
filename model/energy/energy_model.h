// The system energy model (docs/energy.md): a run's events (energy_events.h) and its
// cycle-accurate counters priced with the energy table scripts/ppa.sh writes for a
// configuration (energy.json: per engine the energy of a weight operation with its SRAM weight
// store and its leakage, the SRAM model per bit, a vector lane per operation), plus DRAM per
// bit from the literature. What it leaves out is said in docs/energy.md.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "energy/energy_events.h"

namespace tasu::energy {

struct EnergyTable {
  struct Engine {
    std::string row;        // the silicon-comparison row built like the engine's tiles
    double pj_per_op = 0;   // a weight operation, SRAM-model store read included
    bool measured = false;  // false: a component estimate (BF16: OpenSTA has no power for the row)
    double leakage_w = 0;   // the whole engine
  };
  std::string path, config;
  double clock_ns = 0, sram_pj_per_bit = 0, vu_add_pj = 0, vu_mul_pj = 0, vu_mac_pj = 0;
  uint32_t tiles = 0, rows = 0, lanes = 0, vector_lanes = 0;
  std::map<std::string, Engine> engines;  // by arch::engine_name
};

// Reads an energy table; a missing file, malformed JSON or a missing, non-numeric or negative
// field is a std::invalid_argument naming the file and the field.
EnergyTable load_energy_table(const std::string& path);

// DRAM energy per bit transferred (whole access), with its source.
struct Dram {
  std::string name;
  double pj_per_bit;
  std::string source;
};
const std::vector<Dram>& drams();
const Dram& find_dram(const std::string& name);  // std::invalid_argument listing the known ones

// Joules, by where they are spent.
struct Breakdown {
  double engine = 0;   // weight operations (store reads, dot products, accumulators, slices)
  double wgt_buf = 0;  // weight-store writes (LOADs)
  double act_buf = 0, out_buf = 0, vsp = 0;  // SRAM buffer reads and writes
  double vector = 0;   // vector lanes
  double leakage = 0;  // the engine's, in the cycles it does not compute
  double dram = 0;
  double on_chip() const { return engine + wgt_buf + act_buf + out_buf + vsp + vector + leakage; }
  double total() const { return on_chip() + dram; }
};

// Throws std::invalid_argument unless the table describes cfg's geometry and has a figure for
// its engine (so that a run is refused before it starts, not priced wrongly after).
void check_table(const EnergyTable& t, const arch::Config& cfg);

// Joules of moving `bytes` to or from this DRAM.
double dram_joules(uint64_t bytes, const Dram& dram);

// Prices a run on `cfg`: its events, its cycles and engine-busy cycles at clock_hz, and the DRAM
// bytes it moved (the RTL's counters). The table must describe cfg's geometry and engine.
Breakdown price(const EnergyTable& t, const arch::Config& cfg, const Events& e, uint64_t cycles, uint64_t engine_busy,
                uint64_t dram_bytes, double clock_hz, const Dram& dram);

}  // namespace tasu::energy
