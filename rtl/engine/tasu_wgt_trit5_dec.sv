// Decoder of the 1.6-bit weight format (WPack 1): one byte of five base-3 digits into the five
// 2-bit codes the ternary dot products take (bit 0 "use", bit 1 "negate"), by
// tasu_pkg::trit5_codes (generated with the packer's digit weights); bytes 243..255, never
// produced, decode to zeros. The tiles call the same function per byte in their read port's
// clocked block; the silicon rows (tasu_ppa_row, wpack) instantiate this per byte.
module tasu_wgt_trit5_dec (
  input  logic [7:0] byte_i,
  output logic [9:0] codes_o
);
  assign codes_o = tasu_pkg::trit5_codes(byte_i);
endmodule
