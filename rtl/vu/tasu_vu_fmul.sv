// Vector-unit binary32 multiplier with the unit's arithmetic rules (model/vector/vfloat.h):
// round to nearest even with an unbounded exponent, then flush below 2^-126 and saturate above
// FLT_MAX; subnormal inputs read as zero. Combinational (the vector unit pipelines around it);
// zero while en_i is low, when nothing is evaluated.
// This is the vector unit, not the ternary engine: it is allowed its multiplier.
module tasu_vu_fmul (
  input  logic        en_i,
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] y_o
);
  // A function, so that the enable guards the whole evaluation and no temporary is a latch.
  function automatic logic [31:0] fmul(input logic [31:0] a, input logic [31:0] b);
    logic        sign;
    logic        zero;
    logic [47:0] prod;
    logic [23:0] mant;
    logic        guard, sticky, round_up;
    logic [24:0] mant_r;
    logic signed [10:0] exp_u;  // unbiased exponent of the result's leading bit

    sign  = a[31] ^ b[31];
    zero  = (a[30:23] == 8'd0) || (b[30:23] == 8'd0);
    prod  = {1'b1, a[22:0]} * {1'b1, b[22:0]};
    exp_u = 11'($signed({3'b0, a[30:23]})) + 11'($signed({3'b0, b[30:23]})) - 11'sd254;
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

    if (zero || exp_u < -11'sd126) fmul = {sign, 31'd0};
    else if (exp_u > 11'sd127)     fmul = {sign, 31'h7f7fffff};
    else                           fmul = {sign, 8'(exp_u + 11'sd127), mant_r[22:0]};
  endfunction

  // Default first, then the guarded call: an if/else of two assignments would become one
  // conditional expression in Verilator, with the function evaluated before it every cycle.
  always_comb begin
    y_o = '0;
    if (en_i) y_o = fmul(a_i, b_i);
  end
endmodule
