// Events per instruction, as the RTL units perform them (docs/energy.md): the engine reads one
// activation word per step and token and writes (or, accumulating, reads and writes) one
// output word per token; the vector unit processes whole rows of VLanes lanes.
#include "energy/energy_events.h"

#include <string>
#include <utility>

namespace tasu::energy {

namespace {

// The scalar counts, by their names in a report.
constexpr std::pair<const char*, uint64_t Events::*> kCounts[] = {
    {"engine_ops", &Events::engine_ops},       {"wgt_wr_bits", &Events::wgt_wr_bits},
    {"act_rd_bits", &Events::act_rd_bits},     {"act_wr_bits", &Events::act_wr_bits},
    {"out_rd_bits", &Events::out_rd_bits},     {"out_wr_bits", &Events::out_wr_bits},
    {"vsp_rd_bits", &Events::vsp_rd_bits},     {"vsp_wr_bits", &Events::vsp_wr_bits},
    {"vu_add", &Events::vu_add},               {"vu_mul", &Events::vu_mul},
    {"vu_mac", &Events::vu_mac},               {"dram_rd_bytes", &Events::dram_rd_bytes},
    {"dram_wr_bytes", &Events::dram_wr_bytes},
};

std::string kind_name(size_t k) { return std::string(arch::vector_kind_name(static_cast<arch::VectorKind>(k))); }

}  // namespace

Events& Events::operator+=(const Events& o) {
  for (const auto& [name, m] : kCounts) this->*m += o.*m;
  for (size_t k = 0; k < vu_by_kind.size(); ++k) vu_by_kind[k] += o.vu_by_kind[k];
  return *this;
}

nlohmann::json events_json(const Events& e) {
  nlohmann::json j;
  for (const auto& [name, m] : kCounts) j[name] = e.*m;
  for (size_t k = 0; k < e.vu_by_kind.size(); ++k) j["vu_lane_ops_by_kind"][kind_name(k)] = e.vu_by_kind[k];
  return j;
}

Events events_from_json(const nlohmann::json& j) {
  Events e;
  for (const auto& [name, m] : kCounts) e.*m = j.at(name).get<uint64_t>();
  for (size_t k = 0; k < e.vu_by_kind.size(); ++k) e.vu_by_kind[k] = j.at("vu_lane_ops_by_kind").at(kind_name(k)).get<uint64_t>();
  return e;
}

Events count_events(const arch::Config& cfg, const std::vector<isa::Insn>& program) {
  using arch::VectorKind;
  constexpr uint64_t L = arch::kVectorLanes, kWord = 32, kRowBits = L * kWord;
  Events e;
  e.dram_rd_bytes = isa::fetch_bytes(program.size(), cfg.BusBytes);
  for (const isa::Insn& x : program) {
    switch (x.opcode()) {
      case arch::Opcode::LOAD: {
        const isa::Transfer t = isa::transfer_of(x);
        const uint64_t bytes = t.bytes(cfg.BusBytes);
        e.dram_rd_bytes += bytes;
        const auto dst = static_cast<arch::LoadDst>(x.get(arch::field::dst));
        (dst == arch::LoadDst::WGT ? e.wgt_wr_bits : dst == arch::LoadDst::ACT ? e.act_wr_bits : e.vsp_wr_bits) += 8 * bytes;
        break;
      }
      case arch::Opcode::STORE: {
        const isa::Transfer t = isa::transfer_of(x);
        const uint64_t bytes = t.bytes(cfg.BusBytes);
        e.dram_wr_bytes += bytes;
        const bool vsp = x.get(arch::field::src) == static_cast<uint64_t>(arch::StoreSrc::VSP);
        (vsp ? e.vsp_rd_bits : e.out_rd_bits) += 8 * bytes;
        break;
      }
      case arch::Opcode::MATMUL: {
        const isa::Matmul m = isa::matmul_of(x);
        const uint64_t steps = uint64_t{m.depth} * m.tokens;
        e.engine_ops += steps * cfg.ops_per_cycle();
        e.act_rd_bits += steps * cfg.act_word_bytes() * 8;
        const uint64_t out_bits = uint64_t{m.tokens} * cfg.out_word_bytes() * 8;
        e.out_wr_bits += out_bits;
        if (m.accumulate) e.out_rd_bits += out_bits;
        break;
      }
      case arch::Opcode::VEC: {
        const isa::Vec v = isa::vec_of(x);
        const uint64_t rows = (uint64_t{v.len} + L - 1) / L;
        // b of ELEM, DOT and TO_ACT with QMUL: a row per row (VEC, ROW), one element (SCALAR) or
        // none (IMM).
        // A stepped scalar (vstep) reads a row of scalars per 64 rows: a word per row on average.
        const bool stepped = v.kind == VectorKind::ELEM && v.bmode == arch::VectorBMode::SCALAR && v.step;
        const uint64_t b_bits = v.bmode == arch::VectorBMode::VEC || v.bmode == arch::VectorBMode::ROW ? rows * kRowBits
                                : stepped                                                              ? rows * kWord
                                : v.bmode == arch::VectorBMode::SCALAR                                 ? kWord
                                                                                                      : 0;
        const uint64_t count = v.count();  // DOTS, WSUM positions
        uint64_t lane_ops = 0;
        // Lane operations by what they use: a multiply (MUL), an add (the rest), both (MADD: a
        // multiply and the accumulate stage's add; QMUL, whose conversion and clamp are priced
        // as an add: the table has no measurement of the chained operation, so this errs high).
        auto lanes = [&](arch::VectorOp op, uint64_t ops) {
          if (op == arch::VectorOp::MUL || op == arch::VectorOp::QMUL || op == arch::VectorOp::MADD) e.vu_mul += ops;
          if (op != arch::VectorOp::MUL) e.vu_add += ops;
        };
        switch (v.kind) {
          case VectorKind::ELEM:
            e.vsp_rd_bits += rows * kRowBits + b_bits;
            e.vsp_wr_bits += rows * kRowBits;
            lane_ops = rows * L;
            lanes(v.op, lane_ops);
            break;
          case VectorKind::DOT:
            e.vsp_rd_bits += rows * kRowBits + b_bits;
            e.vsp_wr_bits += kWord;
            lane_ops = rows * L;
            e.vu_mac += lane_ops;
            break;
          case VectorKind::MAX:
            e.vsp_rd_bits += rows * kRowBits;
            e.vsp_wr_bits += kWord;
            lane_ops = rows * L;
            e.vu_add += lane_ops;
            break;
          case VectorKind::FROM_OUT: {
            const uint64_t bits = (uint64_t{v.len} + cfg.Rows - 1) / cfg.Rows * cfg.out_word_bytes() * 8;
            e.out_rd_bits += bits;
            e.vsp_wr_bits += bits;
            break;
          }
          case VectorKind::TO_ACT:
            e.vsp_rd_bits += rows * kRowBits;
            e.act_wr_bits += rows * L * 8;
            if (v.op == arch::VectorOp::QMUL) {  // the rows pass through the lanes first, as ELEM QMUL
              e.vsp_rd_bits += b_bits;
              lane_ops = rows * L;
              lanes(v.op, lane_ops);
            }
            break;
          case VectorKind::DOTS:
            if (v.op == arch::VectorOp::MAX) {  // the positions' maxima: their rows only, a compare per lane
              e.vsp_rd_bits += count * rows * kRowBits;
              e.vsp_wr_bits += count * kWord;
              lane_ops = count * rows * L;
              e.vu_add += lane_ops;
              break;
            }
            e.vsp_rd_bits += count * 2 * rows * kRowBits;
            e.vsp_wr_bits += count * kWord;
            lane_ops = count * rows * L;
            e.vu_mac += lane_ops;
            break;
          case VectorKind::WSUM:
            // Per position: its weight (the unit reads a row of 64 weights once per 64
            // positions: 32 bits per position on average), the value rows, the sum read and
            // written back.
            e.vsp_rd_bits += count * (kWord + 2 * rows * kRowBits);
            e.vsp_wr_bits += count * rows * kRowBits;
            lane_ops = count * rows * L;
            e.vu_mac += lane_ops;
            break;
        }
        e.vu_by_kind[static_cast<size_t>(v.kind)] += lane_ops;
        break;
      }
      default:
        break;
    }
  }
  return e;
}

}  // namespace tasu::energy
