// One lane of the vector unit: binary32 add/sub/mul, min/max, int <-> float conversions,
// integer and bitwise operations and a compare that yields a select mask. The operation codes
// are tasu_pkg::Vop*; the reference is model/vector/vlane.cpp. Combinational.
module tasu_vu_lane (
  input  logic [4:0]  op_i,
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] y_o
);
  logic [31:0] sum, prod, cvt;
  logic        a_lt_b, b_lt_a;
  logic signed [32:0] key_a, key_b;

  // SUB is ADD of the negated operand: one adder serves both.
  tasu_vu_fadd u_fadd (.a_i(a_i), .b_i((op_i == tasu_pkg::VopSUB) ? (b_i ^ 32'h80000000) : b_i), .y_o(sum));
  tasu_vu_fmul u_fmul (.a_i(a_i), .b_i(b_i), .y_o(prod));
  tasu_vu_cvt  u_cvt  (.a_i(a_i), .to_int_i(op_i != tasu_pkg::VopI2F), .floor_i(op_i == tasu_pkg::VopFLOOR),
                       .y_o(cvt));

  // Binary32 order as a signed integer key; zeros and subnormals all map to 0.
  always_comb begin
    key_a = (a_i[30:23] == 8'd0) ? 33'sd0 : (a_i[31] ? -$signed({2'b0, a_i[30:0]}) : $signed({2'b0, a_i[30:0]}));
    key_b = (b_i[30:23] == 8'd0) ? 33'sd0 : (b_i[31] ? -$signed({2'b0, b_i[30:0]}) : $signed({2'b0, b_i[30:0]}));
    a_lt_b = key_a < key_b;
    b_lt_a = key_b < key_a;
  end

  always_comb begin
    unique case (op_i)
      tasu_pkg::VopADD, tasu_pkg::VopSUB: y_o = sum;
      tasu_pkg::VopMUL:                   y_o = prod;
      tasu_pkg::VopMAX:                   y_o = a_lt_b ? b_i : a_i;
      tasu_pkg::VopMIN:                   y_o = b_lt_a ? b_i : a_i;
      tasu_pkg::VopABS:                   y_o = a_i & 32'h7fffffff;
      tasu_pkg::VopNEG:                   y_o = a_i ^ 32'h80000000;
      tasu_pkg::VopF2I, tasu_pkg::VopFLOOR, tasu_pkg::VopI2F: y_o = cvt;
      tasu_pkg::VopIADD:                  y_o = a_i + b_i;
      tasu_pkg::VopISUB:                  y_o = a_i - b_i;
      tasu_pkg::VopSHR:                   y_o = a_i >> b_i[4:0];
      tasu_pkg::VopSHL:                   y_o = a_i << b_i[4:0];
      tasu_pkg::VopAND:                   y_o = a_i & b_i;
      tasu_pkg::VopOR:                    y_o = a_i | b_i;
      tasu_pkg::VopANDN:                  y_o = a_i & ~b_i;
      tasu_pkg::VopLT:                    y_o = a_lt_b ? 32'hffffffff : 32'd0;
      tasu_pkg::VopCLAMP8: begin
        if ($signed(a_i) > 32'sd127)       y_o = 32'd127;
        else if ($signed(a_i) < -32'sd128) y_o = 32'hffffff80;
        else                               y_o = a_i;
      end
      default:                            y_o = '0;
    endcase
  end
endmodule
