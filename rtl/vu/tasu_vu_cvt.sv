// Vector-unit conversions between binary32 and int32, with the unit's rules
// (model/vector/vfloat.h): float -> int rounds half to even or floors, saturating to int32;
// int -> float rounds to nearest even. Subnormal inputs read as zero. Combinational; zero
// while en_i is low, when nothing is evaluated (and only the selected direction otherwise).
module tasu_vu_cvt (
  input  logic        en_i,
  input  logic [31:0] a_i,
  input  logic        to_int_i,   // 1: float -> int, 0: int -> float
  input  logic        floor_i,    // float -> int: 1 floor, 0 round half to even
  output logic [31:0] y_o
);
  // ---- float -> int --------------------------------------------------------------------------
  function automatic logic [31:0] f2i(input logic [31:0] a, input logic floor_mode);
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

  // ---- int -> float --------------------------------------------------------------------------
  function automatic logic [31:0] i2f(input logic [31:0] a);
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

  // Default first, then guarded calls (see tasu_vu_fadd: no if/else of two assignments).
  always_comb begin
    y_o = '0;
    if (en_i && to_int_i)  y_o = f2i(a_i, floor_i);
    if (en_i && !to_int_i) y_o = i2f(a_i);
  end
endmodule
