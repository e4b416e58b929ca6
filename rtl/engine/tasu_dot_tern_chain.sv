// Ternary dot product, plain form: Lanes int8 activations, each added, subtracted or skipped by
// its 2-bit weight code (bit 0 use, bit 1 negate), one running sum. The reference the other
// ternary variants are proven equivalent to (scripts/lint.sh, Yosys miter + SAT). Combinational;
// zero while en_i is low, as every ternary variant (the tile evaluates it only when it works).
module tasu_dot_tern_chain #(
  parameter int Lanes = 2,   // every instance sets it (a default lets scripts/lint.sh chparam it)
  localparam int SumW = tasu_pkg::EngineTermBits[tasu_pkg::EngTERNARY*32 +: 32] + $clog2(Lanes)
) (
  input  logic               en_i,
  input  logic [Lanes*2-1:0] w_i,
  input  logic [Lanes*8-1:0] a_i,
  output logic [SumW-1:0]    y_o
);
  logic signed [SumW-1:0] sum, a_ext;
  always_comb begin
    sum = '0;
    for (int l = 0; l < Lanes; l++) begin
      a_ext = SumW'($signed(a_i[l*8 +: 8]));
      if (w_i[2*l]) sum = w_i[2*l+1] ? sum - a_ext : sum + a_ext;
    end
    y_o = en_i ? sum : '0;
  end
endmodule
