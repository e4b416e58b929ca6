// The energy model (model/energy): events counted from hand-made programs, the energy table's
// checks (every bad table is a clear error naming the file and the field) and the pricing
// arithmetic against figures computed by hand.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "energy/energy_model.h"

namespace {

using namespace tasu;

const arch::Config& ci() { return *arch::find_config("ci"); }

TEST(EnergyEvents, CountsEachInstructionsAccesses) {
  const arch::Config& c = ci();
  const uint64_t bus = c.BusBytes, L = arch::kVectorLanes, row_bits = c.vsp_row_bytes() * 8;
  std::vector<isa::Insn> p;
  p.push_back(isa::make_load(arch::LoadDst::WGT, {0, 0x1000, 2, 3, static_cast<uint32_t>(3 * bus)}));  // 6 beats
  p.push_back(isa::make_load(arch::LoadDst::ACT, {0, 0x2000, 1, 1, 0}));                                // 1 beat
  isa::Matmul m;
  m.depth = 4;
  m.tokens = 3;
  m.accumulate = true;
  p.push_back(isa::make_matmul(m));
  isa::Vec v;
  v.kind = arch::VectorKind::ELEM;
  v.op = arch::VectorOp::MUL;
  v.len = static_cast<uint32_t>(L + L / 2);  // two rows
  p.push_back(isa::make_vec(v));
  v.kind = arch::VectorKind::DOTS;
  v.op = arch::VectorOp::ADD;
  v.imm = isa::Vec::counted(5, 2);  // 5 positions
  p.push_back(isa::make_vec(v));
  p.push_back(isa::make_store({0, 0x3000, 1, 2, 0}));  // 2 beats from the output buffer
  p.push_back(isa::make_finish());
  const energy::Events e = energy::count_events(c, p);
  const uint64_t prog_beats = (p.size() * arch::kInsnBytes + bus - 1) / bus;  // fetched in whole beats
  EXPECT_EQ(e.dram_rd_bytes, 7 * bus + prog_beats * bus);
  EXPECT_EQ(e.dram_wr_bytes, 2 * bus);
  EXPECT_EQ(e.wgt_wr_bits, 6 * bus * 8);
  EXPECT_EQ(e.act_wr_bits, bus * 8);
  EXPECT_EQ(e.engine_ops, 12u * c.Tiles * c.Rows * c.Lanes);  // depth 4 x 3 tokens
  EXPECT_EQ(e.act_rd_bits, 12u * c.Tiles * c.Lanes * 8);
  EXPECT_EQ(e.out_wr_bits, 3u * c.Rows * 32);
  EXPECT_EQ(e.out_rd_bits, 3u * c.Rows * 32 + 2 * bus * 8);  // accumulate, then the STORE
  EXPECT_EQ(e.vu_mul, 2 * L);
  EXPECT_EQ(e.vu_mac, 5 * 2 * L);
  EXPECT_EQ(e.vu_add, 0u);
  EXPECT_EQ(e.vu_by_kind[static_cast<size_t>(arch::VectorKind::ELEM)], 2 * L);
  EXPECT_EQ(e.vu_by_kind[static_cast<size_t>(arch::VectorKind::DOTS)], 5 * 2 * L);
  // ELEM: a and b (VEC) two rows each, two rows written; DOTS: a and b per position, a word each.
  EXPECT_EQ(e.vsp_rd_bits, 4 * row_bits + 5 * 2 * 2 * row_bits);
  EXPECT_EQ(e.vsp_wr_bits, 2 * row_bits + 5 * 32);

  energy::Events twice = e;
  twice += e;
  EXPECT_EQ(twice.vsp_rd_bits, 2 * e.vsp_rd_bits);
  EXPECT_EQ(twice.vu_by_kind[static_cast<size_t>(arch::VectorKind::DOTS)], 2 * e.vu_by_kind[static_cast<size_t>(arch::VectorKind::DOTS)]);
  const energy::Events back = energy::events_from_json(energy::events_json(e));
  EXPECT_EQ(energy::events_json(back), energy::events_json(e));
}

std::string write_table(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

const char* kTable = R"({"config": "ci", "clock_ns": 10, "tiles": 2, "rows": 16, "lanes": 32,
  "sram_pj_per_bit": 2.5, "vector_lane_pj": {"add": 4, "mul": 6, "mac": 9}, "vector_lanes": 64,
  "engines": {"TERNARY": {"row": "ternary-tree", "pj_per_op": 10, "measured": true, "leakage_w": 0.002},
              "BF16": {"row": "bf16-mac", "pj_per_op": null, "measured": false, "leakage_w": null}}})";

TEST(EnergyModel, PricesEventsAsComputedByHand) {
  const energy::EnergyTable t = energy::load_energy_table(write_table("good.json", kTable));
  energy::Events e;
  e.engine_ops = 1000;
  e.act_rd_bits = 100;
  e.vsp_wr_bits = 60;
  e.vu_add = 10;
  e.vu_mac = 1;
  const energy::Dram& hbm = energy::find_dram("hbm2");
  // 2000 cycles, 500 busy: 1500 idle cycles at 100 MHz of 2 mW leakage = 30 nJ.
  const energy::Breakdown b = energy::price(t, ci(), e, 2000, 500, 1000, 100e6, hbm);
  EXPECT_DOUBLE_EQ(b.engine, 1000 * 10e-12);
  EXPECT_DOUBLE_EQ(b.act_buf, 100 * 2.5e-12);
  EXPECT_DOUBLE_EQ(b.vsp, 60 * 2.5e-12);
  EXPECT_DOUBLE_EQ(b.vector, (10 * 4 + 9) * 1e-12);
  EXPECT_DOUBLE_EQ(b.leakage, 0.002 * 1500 / 100e6);
  EXPECT_DOUBLE_EQ(b.dram, 8000 * hbm.pj_per_bit * 1e-12);
  EXPECT_DOUBLE_EQ(b.total(), b.on_chip() + b.dram);
}

// check_table refuses the configuration with a message that holds `what`.
void expect_refused(const energy::EnergyTable& t, const char* config, const std::string& what) {
  try {
    energy::check_table(t, *arch::find_config(config));
    ADD_FAILURE() << config << ": the table was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

TEST(EnergyModel, RefusesTablesThatDoNotFit) {
  const energy::EnergyTable t = energy::load_energy_table(write_table("good2.json", kTable));
  // The BF16 engine has no figure; the default configuration has another geometry.
  expect_refused(t, "ci_bf16", "no energy per operation for the BF16 engine");
  EXPECT_THROW(energy::check_table(t, *arch::find_config("default")), std::invalid_argument);
  EXPECT_NO_THROW(energy::check_table(t, ci()));
  EXPECT_THROW(energy::find_dram("ddr9"), std::invalid_argument);
  // 1.6-bit weights are priced by their own row (decoders included), never by the 2-bit one's.
  expect_refused(t, "ci_w16", "no energy per operation for the TERNARY_WPACK engine");
}

TEST(EnergyModel, PackedWeightsTakeThePackedRow) {
  std::string text = kTable;
  const std::string at = "\"engines\": {";
  text.insert(text.find(at) + at.size(), R"("TERNARY_WPACK": {"row": "ternary-lut-w16", "pj_per_op": 12, "measured": true, "leakage_w": 0.002},)");
  const energy::EnergyTable t = energy::load_energy_table(write_table("packed.json", text));
  energy::Events e;
  e.engine_ops = 1000;
  const energy::Dram& hbm = energy::find_dram("hbm2");
  EXPECT_DOUBLE_EQ(energy::price(t, *arch::find_config("ci_w16"), e, 500, 500, 0, 100e6, hbm).engine, 1000 * 12e-12);
  EXPECT_DOUBLE_EQ(energy::price(t, ci(), e, 500, 500, 0, 100e6, hbm).engine, 1000 * 10e-12);
}

TEST(EnergyModel, BadTablesNameTheFileAndTheField) {
  auto error = [](const std::string& name, const std::string& text) {
    const std::string path = write_table(name, text);
    try {
      energy::load_energy_table(path);
    } catch (const std::invalid_argument& e) {
      const std::string w = e.what();
      EXPECT_NE(w.find(path), std::string::npos) << w;
      return w;
    }
    ADD_FAILURE() << name << " was accepted";
    return std::string();
  };
  EXPECT_NE(error("notjson.json", "{").find("not JSON"), std::string::npos);
  EXPECT_NE(error("array.json", "[1]").find("not a JSON object"), std::string::npos);
  std::string s = kTable;
  EXPECT_NE(error("neg.json", std::string(s).replace(s.find("2.5"), 3, "-1")).find("'sram_pj_per_bit'"), std::string::npos);
  EXPECT_NE(error("str.json", std::string(s).replace(s.find("\"mac\": 9"), 8, "\"mac\": \"9\"")).find("'mac'"),
            std::string::npos);
  EXPECT_NE(error("nolanes.json", std::string(s).replace(s.find("\"lanes\": 32,"), 12, "")).find("'lanes'"),
            std::string::npos);
  EXPECT_THROW(energy::load_energy_table(::testing::TempDir() + "/absent.json"), std::invalid_argument);
}

}  // namespace
