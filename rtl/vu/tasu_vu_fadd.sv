// Vector-unit binary32 adder with the unit's arithmetic rules (tasu_vu_float_pkg::fadd,
// model/vector/vfloat.h). Combinational; zero while en_i is low,
// when nothing is evaluated (operand isolation in silicon, no work per idle cycle in Verilator).
module tasu_vu_fadd (
  input  logic        en_i,
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] y_o
);
  // Default first, then the guarded call: an if/else of two assignments would become one
  // conditional expression in Verilator, with the function evaluated before it every cycle.
  always_comb begin
    y_o = '0;
    if (en_i) y_o = tasu_vu_float_pkg::fadd(a_i, b_i);
  end
endmodule
