// The lookup-table ternary dot product over triples with the common interface of the ternary
// dot products (2-bit weight codes): each group of three codes encoded into its 5-bit LUT3 code
// (tasu_arch.json's _lut3; the silicon row stores those codes, encoded off line as
// isa::pack_lut3 does, and has no encoder), the triple table (one per tile in silicon,
// tasu_dot_tern_lut3_table) and one row's selection and sum (tasu_dot_tern_lut3_sel).
// scripts/lint.sh proves it equal to tasu_dot_tern_chain, the encoder included.
module tasu_dot_tern_lut3 #(
  parameter int Lanes = 2,   // every instance sets it (a default lets scripts/lint.sh chparam it)
  localparam int Groups = tasu_pkg::lut3_groups(Lanes),
  localparam int SumW = tasu_pkg::EngineTermBits[tasu_pkg::EngTERNARY*32 +: 32] + $clog2(Lanes)
) (
  input  logic               en_i,
  input  logic [Lanes*2-1:0] w_i,
  input  logic [Lanes*8-1:0] a_i,
  output logic [SumW-1:0]    y_o
);
  // A group's code: the codes of its weights with the first nonzero one's sign divided out,
  // matched against each pattern; the padded weights of the last group are zeros.
  function automatic logic [4:0] lut3_code(input logic [5:0] c);
    logic       neg, found;
    logic [5:0] norm;
    lut3_code = '0;
    neg   = c[0] ? c[1] : c[2] ? c[3] : c[4] & c[5];
    found = 1'b0;
    // An unused weight is 00 whatever its negate bit; a used one's sign is divided by neg.
    for (int i = 0; i < 3; i++) norm[i*2 +: 2] = c[i*2] ? {c[i*2 + 1] ^ neg, 1'b1} : 2'b00;
    for (int k = 0; k < tasu_pkg::Lut3Patterns; k++)
      if (!found && norm == tasu_pkg::Lut3Codes[k*6 +: 6]) begin
        lut3_code = {neg, 4'(k + 1)};
        found = 1'b1;
      end
  endfunction

  logic [Groups*5-1:0] codes;
  logic [5:0]          c;
  always_comb begin
    c = '0;
    for (int g = 0; g < Groups; g++) begin
      for (int i = 0; i < 3; i++) c[i*2 +: 2] = (g * 3 + i < Lanes) ? w_i[(g*3 + i)*2 +: 2] : 2'b00;
      codes[g*5 +: 5] = lut3_code(c);
    end
  end

  logic [Groups*(tasu_pkg::Lut3Patterns-3)*10-1:0] sums;   // the triple table
  tasu_dot_tern_lut3_table #(.Lanes(Lanes)) u_table (.en_i, .a_i, .t_o(sums));
  tasu_dot_tern_lut3_sel #(.Lanes(Lanes)) u_sel (.en_i, .w_i(codes), .a_i, .t_i(sums), .y_o);
endmodule
