// The vector unit's binary32 arithmetic (model/vector/vfloat.h), as package functions that the
// units wrap (tasu_vu_fmul, tasu_vu_fadd, tasu_vu_cvt) and that the engine rows reach through them.
// no_inline_task makes each function one C++ body in Verilator's model, called by every unit:
// inlined, each of the 1,151 adders of `ci_bf16` had its own copy of the body (54 MB of C++ for
// that configuration, 8 MB now). Yosys inlines them into each unit as before.
package tasu_vu_float_pkg;
  // Round to nearest even with an unbounded exponent, then flush below 2^-126 and saturate above
  // FLT_MAX; subnormal inputs read as zero.
  function automatic logic [31:0] fmul(input logic [31:0] a, input logic [31:0] b);
    /*verilator no_inline_task*/
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

  // Exact alignment in a 50-bit field plus a sticky bit, one rounding to nearest even with an
  // unbounded exponent, then flush below 2^-126 and saturate above FLT_MAX. Subnormal inputs read
  // as zero; x + (-x) = +0 and only -0 + -0 = -0.
  function automatic logic [31:0] fadd(input logic [31:0] a, input logic [31:0] b);
    /*verilator no_inline_task*/
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

  // float -> int: rounds half to even or floors, saturating to int32; a subnormal input reads as
  // zero (as in every function here).
  function automatic logic [31:0] f2i(input logic [31:0] a, input logic floor_mode);
    /*verilator no_inline_task*/
    logic signed [9:0] e;
    logic [63:0]       wide;        // |a| as 32.32 fixed point
    logic [31:0]       ipart, frac;
    logic [32:0]       mag;
    logic              tiny;        // nonzero but below 2^-32: only its sign matters (floor)
    e = 10'($signed({2'b0, a[30:23]})) - 10'sd127;
    wide = '0;
    tiny = (a[30:23] != 8'd0) && (e < -10'sd32);
    // From 2^-32 up the leading one stays inside the field, so "fraction != 0" is exact.
    if (a[30:23] != 8'd0 && e <= 10'sd30 && !tiny) begin
      if (e >= 10'sd23) wide = {8'd0, 1'b1, a[22:0], 32'd0} << (e - 10'sd23);
      else              wide = {8'd0, 1'b1, a[22:0], 32'd0} >> (10'sd23 - e);
    end
    ipart = wide[63:32];
    frac  = wide[31:0];
    if (floor_mode) mag = {1'b0, ipart} + 33'(a[31] && (frac != '0 || tiny));
    else            mag = {1'b0, ipart} + 33'(frac[31] && ((|frac[30:0]) || ipart[0]));
    if (a[30:23] != 8'd0 && e >= 10'sd31) f2i = a[31] ? 32'h80000000 : 32'h7fffffff;
    else if (a[31])                       f2i = 32'(-$signed({1'b0, mag}));
    else                                  f2i = mag[31:0];
  endfunction

  // int -> float: rounds to nearest even.
  function automatic logic [31:0] i2f(input logic [31:0] a);
    /*verilator no_inline_task*/
    logic [31:0] imag;              // |a| (2^31 for INT32_MIN fits unsigned)
    logic [4:0]  lead;
    logic [31:0] norm;              // imag with its leading one at bit 31
    logic [23:0] mant;
    logic        guard, sticky, round_up;
    logic [24:0] mant_r;
    logic [7:0]  exp_b;
    imag = a[31] ? (~a + 32'd1) : a;
    lead = '0;
    for (int i = 0; i < 32; i++) if (imag[i]) lead = 5'(i);
    norm     = imag << (5'd31 - lead);
    mant     = norm[31:8];
    guard    = norm[7];
    sticky   = |norm[6:0];
    round_up = guard && (sticky || mant[0]);
    mant_r   = {1'b0, mant} + 25'(round_up);
    exp_b    = 8'(lead) + 8'd127 + 8'(mant_r[24]);
    if (imag == '0) i2f = '0;
    else            i2f = {a[31], exp_b, mant_r[22:0]};
  endfunction
endpackage
