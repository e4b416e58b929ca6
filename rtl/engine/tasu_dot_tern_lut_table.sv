// The shared half of the lookup-table ternary dot product (issue #11, lever (c)): for each pair
// of activations (a0, a1) of a slice, the two sums a pair of ternary weights can ask for beyond
// a0 and a1 themselves, a0 + a1 and a0 - a1. Built once per tile from its activation slice and
// read by all its rows (tasu_dot_tern_lut_sel), so each row adds Lanes / 2 terms instead of
// Lanes. Combinational; zero while en_i is low.
module tasu_dot_tern_lut_table #(
  parameter int Lanes = 2,   // every instance sets it (a default lets scripts/lint.sh chparam it)
  localparam int Pairs = Lanes / 2
) (
  input  logic               en_i,
  input  logic [Lanes*8-1:0] a_i,
  output logic [Pairs*18-1:0] t_o   // pair p: a0 + a1 at [p*18 +: 9], a0 - a1 at [p*18+9 +: 9]
);
  always_comb begin
    t_o = '0;
    if (en_i)
      for (int p = 0; p < Pairs; p++) begin
        t_o[p*18 +: 9]     = 9'($signed(a_i[p*16 +: 8])) + 9'($signed(a_i[p*16+8 +: 8]));
        t_o[p*18 + 9 +: 9] = 9'($signed(a_i[p*16 +: 8])) - 9'($signed(a_i[p*16+8 +: 8]));
      end
  end

  `ASSERT_INIT(LanesArePairs, Lanes >= 2 && Lanes % 2 == 0)
endmodule
