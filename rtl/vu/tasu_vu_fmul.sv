// Vector-unit binary32 multiplier with the unit's arithmetic rules (tasu_vu_float_pkg::fmul,
// model/vector/vfloat.h). Combinational (the vector unit pipelines around it);
// zero while en_i is low, when nothing is evaluated.
// This is the vector unit, not the ternary engine: it is allowed its multiplier.
module tasu_vu_fmul (
  input  logic        en_i,
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] y_o
);
  // Default first, then the guarded call: an if/else of two assignments would become one
  // conditional expression in Verilator, with the function evaluated before it every cycle.
  always_comb begin
    y_o = '0;
    if (en_i) y_o = tasu_vu_float_pkg::fmul(a_i, b_i);
  end
endmodule
