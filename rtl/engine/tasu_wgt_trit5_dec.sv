// Decoder of the 1.6-bit weight format (WPack 1): one byte of five base-3 digits into the five
// 2-bit codes the ternary dot products take (bit 0 "use", bit 1 "negate"). A constant table
// (tasu_pkg::Trit5Codes, generated with the packer's digit weights) that synthesis maps to logic;
// bytes 243..255, never produced, decode to zeros. The tiles decode a word with the same table
// (tasu_tile's trit5_codes, in the read port's clocked block); this is one byte of it alone, for
// the silicon estimate (docs/ppa.md).
module tasu_wgt_trit5_dec (
  input  logic [7:0] byte_i,
  output logic [9:0] codes_o
);
  // Entry byte_i starts at bit 10 * byte_i = 8 * byte_i + 2 * byte_i (shifts and an add: no
  // multiplier in the engine).
  assign codes_o = tasu_pkg::Trit5Codes[{1'b0, byte_i, 3'b000} + {3'b000, byte_i, 1'b0} +: 10];
endmodule
