// Decoder of the 1.6-bit weight format (WPack 1): one byte of five base-3 digits into the five
// 2-bit codes the ternary dot products take (bit 0 "use", bit 1 "negate"). A constant table
// (tasu_pkg::Trit5CodeBits, generated with the packer's digit weights) that synthesis maps to
// logic; bytes 243..255, never produced, decode to zeros.
module tasu_wgt_trit5_dec (
  input  logic [7:0] byte_i,
  output logic [9:0] codes_o
);
  for (genvar k = 0; k < 10; k++) begin : g_bit
    assign codes_o[k] = tasu_pkg::Trit5CodeBits[{4'(k), byte_i}];
  end
endmodule
