// Straight-line programs of vector-lane operations (vlane.h): the form in which the vector unit
// runs its special functions. One program is both the bit-exact scalar reference (run()) and
// what the code generator emits as VEC instructions, one per step over whole vectors, so the
// device and the exact layer model cannot drift apart. Branches of the scalar algorithms become per-lane
// selects with LT masks: sel(m, x, y) = (x AND m) OR (y ANDN m).
#pragma once
#include <cstdint>
#include <vector>

#include "tasu_arch.h"

namespace tasu::vec {

// dst = op(a, b), b being register `b` or, if b < 0, the immediate; swap exchanges a and b.
// MADD: dst = a * b + imm (b a register), a Horner step in one instruction.
struct VStep {
  arch::VectorOp op;
  int dst, a, b;
  uint32_t imm;
  bool swap;
};

// Register 0 is the input; every step writes a fresh register (single assignment).
struct VProg {
  int regs = 1;
  int out = 0;
  std::vector<VStep> steps;
};

uint32_t run(const VProg& p, uint32_t x);

const VProg& prog_rsqrt();
const VProg& prog_recip();
const VProg& prog_exp_nonpos();
const VProg& prog_sin();
const VProg& prog_cos();

}  // namespace tasu::vec
