// Loading and checking the energy table, and pricing a run's events (energy_model.h).
#include "energy/energy_model.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace tasu::energy {

using nlohmann::json;

namespace {

double number(const json& j, const std::string& key, const std::string& where) {
  if (!j.contains(key) || !j.at(key).is_number())
    throw std::invalid_argument(fmt::format("{}: '{}' must be a number", where, key));
  const double v = j.at(key).get<double>();
  if (!std::isfinite(v) || v < 0) throw std::invalid_argument(fmt::format("{}: '{}' must be finite and >= 0", where, key));
  return v;
}

}  // namespace

EnergyTable load_energy_table(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(fmt::format("energy table {}: cannot read it", path));
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw std::invalid_argument(fmt::format("energy table {}: not JSON ({})", path, e.what()));
  }
  if (!j.is_object()) throw std::invalid_argument(fmt::format("energy table {}: not a JSON object", path));
  EnergyTable t;
  t.path = path;
  const std::string at = "energy table " + path;
  if (!j.contains("config") || !j["config"].is_string()) throw std::invalid_argument(at + ": 'config' must be a string");
  t.config = j["config"].get<std::string>();
  t.clock_ns = number(j, "clock_ns", at);
  t.sram_pj_per_bit = number(j, "sram_pj_per_bit", at);
  t.tiles = static_cast<uint32_t>(number(j, "tiles", at));
  t.rows = static_cast<uint32_t>(number(j, "rows", at));
  t.lanes = static_cast<uint32_t>(number(j, "lanes", at));
  t.vector_lanes = static_cast<uint32_t>(number(j, "vector_lanes", at));
  if (!j.contains("vector_lane_pj") || !j["vector_lane_pj"].is_object())
    throw std::invalid_argument(at + ": 'vector_lane_pj' must be an object");
  const std::string vat = at + ", vector_lane_pj";
  t.vu_add_pj = number(j["vector_lane_pj"], "add", vat);
  t.vu_mul_pj = number(j["vector_lane_pj"], "mul", vat);
  t.vu_mac_pj = number(j["vector_lane_pj"], "mac", vat);
  if (!j.contains("engines") || !j["engines"].is_object()) throw std::invalid_argument(at + ": 'engines' must be an object");
  for (auto& [name, e] : j["engines"].items()) {
    const std::string eat = at + ", engine " + name;
    if (!e.is_object() || !e.contains("row") || !e["row"].is_string() || !e.contains("measured") || !e["measured"].is_boolean())
      throw std::invalid_argument(eat + ": needs 'row' (string) and 'measured' (boolean)");
    EnergyTable::Engine en;
    en.row = e["row"].get<std::string>();
    en.measured = e["measured"].get<bool>();
    // An engine without a figure (OpenSTA had no power and no estimate was possible) is left out:
    // asking for it is an error at pricing time, not a zero.
    if (e.contains("pj_per_op") && e["pj_per_op"].is_null()) continue;
    en.pj_per_op = number(e, "pj_per_op", eat);
    en.leakage_w = e.contains("leakage_w") && e["leakage_w"].is_null() ? 0.0 : number(e, "leakage_w", eat);
    t.engines[name] = en;
  }
  return t;
}

const std::vector<Dram>& drams() {
  static const std::vector<Dram> d = {
      {"hbm2", 3.97,
       "O'Connor et al., \"Fine-Grained DRAM: Energy-Efficient DRAM for Extreme Bandwidth Systems\", MICRO 2017: "
       "HBM2 access, activation + on-die data movement + I/O"},
      {"lpddr2", 20.0,
       "Horowitz, \"Computing's Energy Problem\", ISSCC 2014: 640 pJ per 32-bit LPDDR2 access at 45 nm (as cited by "
       "Han et al., EIE, ISCA 2016)"},
  };
  return d;
}

const Dram& find_dram(const std::string& name) {
  std::string known;
  for (const Dram& d : drams()) {
    if (d.name == name) return d;
    known += (known.empty() ? "" : ", ") + d.name;
  }
  throw std::invalid_argument(fmt::format("unknown DRAM '{}' (known: {})", name, known));
}

// The table's entry for the configuration's engine: its name, with _WPACK for 1.6-bit weights
// (scripts/ppa.sh prices those with the packed row, decoders included).
static std::string engine_key(const arch::Config& cfg) {
  return std::string(arch::engine_name(static_cast<arch::Engine>(cfg.Engine))) + (cfg.WPack ? "_WPACK" : "");
}

void check_table(const EnergyTable& t, const arch::Config& cfg) {
  const std::string eng = engine_key(cfg);
  if (t.tiles != cfg.Tiles || t.rows != cfg.Rows || t.lanes != cfg.Lanes || t.vector_lanes != arch::kVectorLanes)
    throw std::invalid_argument(fmt::format(
        "energy table {} describes Tiles {} Rows {} Lanes {} with {} vector lanes (configuration '{}'), the run's "
        "configuration '{}' has Tiles {} Rows {} Lanes {} with {}: regenerate it with scripts/ppa.sh {}",
        t.path, t.tiles, t.rows, t.lanes, t.vector_lanes, t.config, cfg.name, cfg.Tiles, cfg.Rows, cfg.Lanes,
        arch::kVectorLanes, cfg.name));
  if (t.engines.find(eng) == t.engines.end())
    throw std::invalid_argument(fmt::format("energy table {} has no energy per operation for the {} engine", t.path, eng));
}

Breakdown price(const EnergyTable& t, const arch::Config& cfg, const Events& e, uint64_t cycles, uint64_t engine_busy,
                uint64_t dram_bytes, double clock_hz, const Dram& dram) {
  check_table(t, cfg);
  const auto it = t.engines.find(engine_key(cfg));
  if (!(clock_hz > 0)) throw std::invalid_argument("the clock must be > 0 Hz");
  constexpr double pj = 1e-12;
  const double bit = t.sram_pj_per_bit * pj;
  Breakdown b;
  b.engine = static_cast<double>(e.engine_ops) * it->second.pj_per_op * pj;
  b.wgt_buf = static_cast<double>(e.wgt_wr_bits) * bit;
  b.act_buf = static_cast<double>(e.act_rd_bits + e.act_wr_bits) * bit;
  b.out_buf = static_cast<double>(e.out_rd_bits + e.out_wr_bits) * bit;
  b.vsp = static_cast<double>(e.vsp_rd_bits + e.vsp_wr_bits) * bit;
  b.vector = (static_cast<double>(e.vu_add) * t.vu_add_pj + static_cast<double>(e.vu_mul) * t.vu_mul_pj +
              static_cast<double>(e.vu_mac) * t.vu_mac_pj) * pj;
  // The operation energy holds the leakage of the cycles the engine computes; the rest here.
  const uint64_t idle = cycles > engine_busy ? cycles - engine_busy : 0;
  b.leakage = it->second.leakage_w * static_cast<double>(idle) / clock_hz;
  b.dram = dram_joules(dram_bytes, dram);
  return b;
}

double dram_joules(uint64_t bytes, const Dram& dram) { return static_cast<double>(bytes) * 8.0 * dram.pj_per_bit * 1e-12; }

}  // namespace tasu::energy
