// Vector-unit binary32 adder with the unit's arithmetic rules (model/vector/vfloat.h): exact
// alignment in a 50-bit field plus a sticky bit, one rounding to nearest even with an
// unbounded exponent, then flush below 2^-126 and saturate above FLT_MAX. Subnormal inputs
// read as zero; x + (-x) = +0 and only -0 + -0 = -0. Combinational; zero while en_i is low,
// when nothing is evaluated (operand isolation in silicon, no work per idle cycle in Verilator).
module tasu_vu_fadd (
  input  logic        en_i,
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] y_o
);
  // A function, so that the enable guards the whole evaluation and no temporary is a latch.
  function automatic logic [31:0] fadd(input logic [31:0] a, input logic [31:0] b);
    logic        a_zero, b_zero, swap;
    logic [31:0] hi_op, lo_op;
    logic [7:0]  diff;
    logic [49:0] hi_m, lo_m, shifted;
    logic        shifted_sticky;
    logic [50:0] sum;
    logic        sub;
    logic [5:0]  lead;          // index of the leading one of sum
    logic [50:0] norm;          // sum shifted so its leading one is at bit 50
    logic [23:0] mant;
    logic        guard, sticky, round_up;
    logic [24:0] mant_r;
    logic signed [10:0] exp_u;

    a_zero = (a[30:23] == 8'd0);
    b_zero = (b[30:23] == 8'd0);
    // Order by magnitude so the subtraction below never goes negative.
    swap  = b_zero ? 1'b0 : (a_zero ? 1'b1 : (b[30:0] > a[30:0]));
    hi_op = swap ? b : a;
    lo_op = swap ? a : b;
    sub   = hi_op[31] ^ lo_op[31];
    diff  = hi_op[30:23] - lo_op[30:23];
    hi_m  = {1'b1, hi_op[22:0], 26'd0};
    lo_m  = (lo_op[30:23] == 8'd0) ? 50'd0 : {1'b1, lo_op[22:0], 26'd0};

    if (diff >= 8'd50) begin
      shifted        = '0;
      shifted_sticky = (lo_m != '0);
    end else begin
      shifted        = lo_m >> diff;
      shifted_sticky = ((shifted << diff) != lo_m);
    end

    // The sticky bit below the field keeps rounding exact: it stands for the shifted-out tail.
    if (sub) sum = {1'b0, hi_m} - {1'b0, shifted} - 51'(shifted_sticky);
    else     sum = {1'b0, hi_m} + {1'b0, shifted};

    lead = '0;
    for (int i = 0; i < 51; i++) if (sum[i]) lead = 6'(i);

    norm     = sum << (6'd50 - lead);
    mant     = norm[50:27];
    guard    = norm[26];
    sticky   = (|norm[25:0]) || shifted_sticky;
    round_up = guard && (sticky || mant[0]);
    mant_r   = {1'b0, mant} + 25'(round_up);
    // hi_m has its leading one at bit 49 for exponent e_big; the sum's lead moves it.
    exp_u    = 11'($signed({3'b0, hi_op[30:23]})) - 11'sd127 + 11'($signed({5'b0, lead})) - 11'sd49;
    if (mant_r[24]) exp_u = exp_u + 11'sd1;

    if (a_zero && b_zero)          fadd = {a[31] & b[31], 31'd0};
    else if (a_zero)               fadd = b;
    else if (b_zero)               fadd = a;
    else if (sum == '0)            fadd = 32'd0;
    else if (exp_u < -11'sd126)    fadd = {hi_op[31], 31'd0};
    else if (exp_u > 11'sd127)     fadd = {hi_op[31], 31'h7f7fffff};
    else                           fadd = {hi_op[31], 8'(exp_u + 11'sd127), mant_r[22:0]};
  endfunction

  // Default first, then the guarded call: an if/else of two assignments would become one
  // conditional expression in Verilator, with the function evaluated before it every cycle.
  always_comb begin
    y_o = '0;
    if (en_i) y_o = fadd(a_i, b_i);
  end
endmodule
