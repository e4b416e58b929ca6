// One lane of the vector unit: binary32 add/sub/mul, min/max, int <-> float conversions,
// integer and bitwise operations, a compare that yields a select mask, and QMUL (multiply,
// round to int32, clamp to int8: the quantization of one element, the three units chained). The operation codes
// are tasu_pkg::Vop*; the reference is model/vector/vlane.cpp. Combinational; zero while en_i
// is low. Only the unit the operation needs is enabled (operand isolation: an idle adder,
// multiplier or converter neither toggles in silicon nor costs simulation time). The accumulate
// port lends the adder to a second sum in a cycle whose operation does not need it (a MUL), so
// that a dot product multiplies one row while it adds the row before.
module tasu_vu_lane (
  input  logic        en_i,
  input  logic [tasu_pkg::VopW-1:0] op_i,
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] y_o,
  input  logic        acc_en_i,
  input  logic [31:0] acc_a_i,
  input  logic [31:0] acc_b_i,
  output logic [31:0] acc_y_o
);
  logic [31:0] add_y, mul_y, cvt_y;
  logic        add_en, mul_en, cvt_en;
  logic        op_add;
  assign op_add = en_i && (op_i == tasu_pkg::VopADD || op_i == tasu_pkg::VopSUB);
  assign add_en = op_add || acc_en_i;
  logic        op_qmul;
  assign op_qmul = (op_i == tasu_pkg::VopQMUL);
  assign mul_en = en_i && (op_i == tasu_pkg::VopMUL || op_qmul);
  assign cvt_en = en_i && (op_i == tasu_pkg::VopF2I || op_i == tasu_pkg::VopFLOOR || op_i == tasu_pkg::VopI2F ||
                           op_qmul);

  // SUB is ADD of the negated operand: one adder serves both.
  tasu_vu_fadd u_fadd (.en_i(add_en), .a_i(acc_en_i ? acc_a_i : a_i),
                       .b_i(acc_en_i ? acc_b_i : (op_i == tasu_pkg::VopSUB) ? (b_i ^ 32'h80000000) : b_i),
                       .y_o(add_y));
  assign acc_y_o = acc_en_i ? add_y : '0;
  tasu_vu_fmul u_fmul (.en_i(mul_en), .a_i(a_i), .b_i(b_i), .y_o(mul_y));
  tasu_vu_cvt  u_cvt  (.en_i(cvt_en), .a_i(op_qmul ? mul_y : a_i), .to_int_i(op_i != tasu_pkg::VopI2F),
                       .floor_i(op_i == tasu_pkg::VopFLOOR), .y_o(cvt_y));

  function automatic logic [31:0] clamp8(input logic [31:0] v);
    if ($signed(v) > 32'sd127)       clamp8 = 32'd127;
    else if ($signed(v) < -32'sd128) clamp8 = 32'hffffff80;
    else                             clamp8 = v;
  endfunction

  // MAX, MIN and LT compare in tasu_vu_fmax's order. MIN(a, b) is b when b orders below a: the
  // comparator takes the operands exchanged.
  logic [31:0] max_y, max_a, max_b;
  logic        max_lt, op_min;
  assign op_min = (op_i == tasu_pkg::VopMIN);
  assign max_a  = op_min ? b_i : a_i;
  assign max_b  = op_min ? a_i : b_i;
  tasu_vu_fmax u_fmax (.a_i(max_a), .b_i(max_b), .y_o(max_y), .lt_o(max_lt));

  always_comb begin
    y_o = '0;
    if (en_i) begin
      unique case (op_i)
        tasu_pkg::VopADD, tasu_pkg::VopSUB: y_o = acc_en_i ? '0 : add_y;  // the adder is lent out
        tasu_pkg::VopMUL:                   y_o = mul_y;
        tasu_pkg::VopMAX:                   y_o = max_y;
        tasu_pkg::VopMIN:                   y_o = max_lt ? b_i : a_i;
        tasu_pkg::VopABS:                   y_o = a_i & 32'h7fffffff;
        tasu_pkg::VopNEG:                   y_o = a_i ^ 32'h80000000;
        tasu_pkg::VopF2I, tasu_pkg::VopFLOOR, tasu_pkg::VopI2F: y_o = cvt_y;
        tasu_pkg::VopIADD:                  y_o = a_i + b_i;
        tasu_pkg::VopISUB:                  y_o = a_i - b_i;
        tasu_pkg::VopSHR:                   y_o = a_i >> b_i[4:0];
        tasu_pkg::VopSHL:                   y_o = a_i << b_i[4:0];
        tasu_pkg::VopAND:                   y_o = a_i & b_i;
        tasu_pkg::VopOR:                    y_o = a_i | b_i;
        tasu_pkg::VopANDN:                  y_o = a_i & ~b_i;
        tasu_pkg::VopLT:                    y_o = max_lt ? 32'hffffffff : 32'd0;
        tasu_pkg::VopCLAMP8:                y_o = clamp8(a_i);
        tasu_pkg::VopQMUL:                  y_o = clamp8(cvt_y);
        default:                            y_o = '0;
      endcase
    end
  end
endmodule
