// BF16 x BF16 dot product with binary32 accumulation, the second baseline MAC array's row:
// Lanes products (exact in binary32: 8 x 8 significand bits; the vector unit's multiplier
// with the low 16 bits of each operand tied to zero, which synthesis folds away), then a
// balanced tree of binary32 adders (the vector unit's rounding rules, model/vector/vfloat.h).
// Combinational; zero while en_i is low, when nothing is evaluated.
module tasu_dot_bf16 #(
  parameter int Lanes,
  localparam int Lv = $clog2(Lanes)
) (
  input  logic                en_i,
  input  logic [Lanes*16-1:0] w_i,
  input  logic [Lanes*16-1:0] a_i,
  output logic [31:0]         y_o
);
  // Level k of the tree at k * LvlW in one flat vector (an array becomes a memory in Yosys);
  // the upper part of each level above its Lanes >> k sums is unused.
  localparam int LvlW = Lanes * 32;
  logic [(Lv+1)*LvlW-1:0] lvl;
  for (genvar l = 0; l < Lanes; l++) begin : g_mul
    tasu_vu_fmul u_mul (.en_i(en_i), .a_i({w_i[l*16 +: 16], 16'd0}), .b_i({a_i[l*16 +: 16], 16'd0}), .y_o(lvl[l*32 +: 32]));
  end
  for (genvar k = 1; k <= Lv; k++) begin : g_lvl
    for (genvar i = 0; i < (Lanes >> k); i++) begin : g_add
      tasu_vu_fadd u_add (.en_i(en_i), .a_i(lvl[(k-1)*LvlW + (2*i)*32 +: 32]), .b_i(lvl[(k-1)*LvlW + (2*i+1)*32 +: 32]),
                          .y_o(lvl[k*LvlW + i*32 +: 32]));
    end
    assign lvl[k*LvlW + (Lanes >> k)*32 +: LvlW - (Lanes >> k)*32] = '0;
  end
  assign y_o = lvl[Lv*LvlW +: 32];
endmodule
