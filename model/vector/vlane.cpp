// Reference of one vector-unit lane; see vlane.h.
#include "vector/vlane.h"

#include <algorithm>
#include <stdexcept>

namespace tasu::vec {

uint32_t lane(arch::VectorOp op, uint32_t a, uint32_t b) {
  using arch::VectorOp;
  switch (op) {
    case VectorOp::ADD: return add(a, b);
    case VectorOp::SUB: return sub(a, b);
    case VectorOp::MUL: return mul(a, b);
    case VectorOp::MAX: return max(a, b);
    case VectorOp::MIN: return min(a, b);
    case VectorOp::ABS: return abs(a);
    case VectorOp::NEG: return neg(a);
    case VectorOp::F2I: return static_cast<uint32_t>(to_int_rne(a));
    case VectorOp::FLOOR: return static_cast<uint32_t>(floor_int(a));
    case VectorOp::I2F: return from_int(static_cast<int32_t>(a));
    case VectorOp::IADD: return a + b;
    case VectorOp::ISUB: return a - b;
    case VectorOp::SHR: return a >> (b & 31u);
    case VectorOp::SHL: return a << (b & 31u);
    case VectorOp::AND: return a & b;
    case VectorOp::OR: return a | b;
    case VectorOp::ANDN: return a & ~b;
    case VectorOp::LT: return less(a, b) ? 0xffffffffu : 0u;
    case VectorOp::CLAMP8: return static_cast<uint32_t>(std::clamp(static_cast<int32_t>(a), -128, 127));
    case VectorOp::QMUL: return lane(VectorOp::CLAMP8, lane(VectorOp::F2I, mul(a, b), 0), 0);
    case VectorOp::MADD: throw std::invalid_argument("MADD takes three operands: madd() or elem()");
  }
  throw std::invalid_argument("unknown vector operation");
}

}  // namespace tasu::vec
