// The events a program causes in the accelerator, counted from its instructions (each
// instruction's accesses are a function of its fields): engine operations, bits read and
// written in each on-chip buffer, vector-lane operations, DRAM bytes. The energy model
// (energy_model.h) prices them; the RTL's byte counters check the DRAM part.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "isa/insn.h"
#include "tasu_arch.h"

namespace tasu::energy {

struct Events {
  uint64_t engine_ops = 0;  // weight operations: MATMUL steps x Tiles x Rows x Lanes (zero weights too)
  // On-chip buffers, bits. The weight store's reads are part of an engine operation's energy.
  uint64_t wgt_wr_bits = 0, act_rd_bits = 0, act_wr_bits = 0, out_rd_bits = 0, out_wr_bits = 0, vsp_rd_bits = 0,
           vsp_wr_bits = 0;
  // Vector-lane operations (one lane busy for one row) by the unit they use: a binary32 add (or
  // a compare, a conversion, an integer or bitwise operation), a multiply, a multiply beside the
  // accumulating add (DOT, DOTS, WSUM); and all of them by VEC kind, for the report.
  uint64_t vu_add = 0, vu_mul = 0, vu_mac = 0;
  std::array<uint64_t, arch::kVectorKindCount> vu_by_kind{};  // indexed by arch::VectorKind
  uint64_t dram_rd_bytes = 0, dram_wr_bytes = 0;  // LOADs and instruction fetch; STOREs
  Events& operator+=(const Events& o);
};

// The events of one program run to completion on a configuration (the instructions as
// generated, fetched in whole bus beats).
Events count_events(const arch::Config& cfg, const std::vector<isa::Insn>& program);

// For run reports and their merge: every count by name (vu_by_kind by VEC kind name).
nlohmann::json events_json(const Events& e);
Events events_from_json(const nlohmann::json& j);  // throws nlohmann::json::exception on a missing count

}  // namespace tasu::energy
