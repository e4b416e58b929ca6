// Vector-unit conversions between binary32 and int32, with the unit's rules
// (tasu_vu_float_pkg::f2i and i2f, model/vector/vfloat.h). Combinational; zero
// while en_i is low, when nothing is evaluated (and only the selected direction otherwise).
module tasu_vu_cvt (
  input  logic        en_i,
  input  logic [31:0] a_i,
  input  logic        to_int_i,   // 1: float -> int, 0: int -> float
  input  logic        floor_i,    // float -> int: 1 floor, 0 round half to even
  output logic [31:0] y_o
);
  // Default first, then guarded calls (see tasu_vu_fadd: no if/else of two assignments).
  always_comb begin
    y_o = '0;
    if (en_i && to_int_i)  y_o = tasu_vu_float_pkg::f2i(a_i, floor_i);
    if (en_i && !to_int_i) y_o = tasu_vu_float_pkg::i2f(a_i);
  end
endmodule
