// The larger of two binary32 values in the vector unit's order: zeros and subnormals count as
// equal, and a tie keeps a. The lanes' MAX and the reduction tree's maxima (DOTS with vop MAX)
// both use it, so that a maximum over the tree is bit for bit the lanes' (which zero wins
// matters when a score is +0 in one lane and -0 in another).
module tasu_vu_fmax (
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] y_o,
  output logic        lt_o    // a orders below b: y_o is b
);
  // Binary32 order as a signed integer key; zeros and subnormals all map to 0.
  function automatic logic signed [32:0] order_key(input logic [31:0] f);
    order_key = (f[30:23] == 8'd0) ? 33'sd0 : (f[31] ? -$signed({2'b0, f[30:0]}) : $signed({2'b0, f[30:0]}));
  endfunction
  assign lt_o = order_key(a_i) < order_key(b_i);
  assign y_o  = lt_o ? b_i : a_i;
endmodule
