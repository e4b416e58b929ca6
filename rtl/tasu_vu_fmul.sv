// Vector-unit binary32 multiplier with the unit's arithmetic rules (model/vector/vfloat.h):
// round to nearest even with an unbounded exponent, then flush below 2^-126 and saturate above
// FLT_MAX; subnormal inputs read as zero. Combinational: the vector unit pipelines around it.
// This is the vector unit, not the ternary engine: it is allowed its multiplier.
module tasu_vu_fmul (
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] y_o
);
  logic        sign;
  logic        zero;
  logic [47:0] prod;
  logic [23:0] mant;
  logic        guard, sticky, round_up;
  logic [24:0] mant_r;
  logic signed [10:0] exp_u;  // unbiased exponent of the result's leading bit

  assign sign = a_i[31] ^ b_i[31];
  assign zero = (a_i[30:23] == 8'd0) || (b_i[30:23] == 8'd0);
  assign prod = {1'b1, a_i[22:0]} * {1'b1, b_i[22:0]};

  always_comb begin
    exp_u = 11'($signed({3'b0, a_i[30:23]})) + 11'($signed({3'b0, b_i[30:23]})) - 11'sd254;
    if (prod[47]) begin
      mant   = prod[47:24];
      guard  = prod[23];
      sticky = |prod[22:0];
      exp_u  = exp_u + 11'sd1;
    end else begin
      mant   = prod[46:23];
      guard  = prod[22];
      sticky = |prod[21:0];
    end
    round_up = guard && (sticky || mant[0]);
    mant_r   = {1'b0, mant} + 25'(round_up);
    if (mant_r[24]) exp_u = exp_u + 11'sd1;  // rounded up to 2^24: significand is 1.0 again

    if (zero || exp_u < -11'sd126) y_o = {sign, 31'd0};
    else if (exp_u > 11'sd127)     y_o = {sign, 31'h7f7fffff};
    else                           y_o = {sign, 8'(exp_u + 11'sd127), mant_r[22:0]};
  end
endmodule
