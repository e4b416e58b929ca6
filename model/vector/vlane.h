// One lane of the vector unit: every per-element operation it can execute, as the bit-exact
// reference of rtl/tasu_vu_lane.sv. Operands and results are raw 32-bit words; the operation
// says whether they hold binary32 (vfloat.h rules) or int32 values. Encodings: VectorOp in the
// generated tasu_arch.h (firmware/arch/tasu_arch.json).
#pragma once
#include <cstdint>

#include "tasu_arch.h"
#include "vector/vfloat.h"

namespace tasu::vec {

// ADD SUB MUL MAX MIN ABS NEG: binary32. F2I (round half to even) and FLOOR: binary32 -> int32,
// saturating. I2F: int32 -> binary32. IADD ISUB: int32, wrapping. SHR SHL: logical shifts of a
// by b[4:0]. AND OR ANDN (a & ~b): bitwise. LT: all ones if a < b as binary32, else zero (a
// select is (x & m) | (y ANDN m)). CLAMP8: int32 clamped to [-128, 127].
uint32_t lane(arch::VectorOp op, uint32_t a, uint32_t b);

}  // namespace tasu::vec
