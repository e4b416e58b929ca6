// Ternary dot product as a balanced adder tree: each lane becomes +a, -a or 0 (a negation is
// the inverted value plus one, and the Lanes "plus ones" are added once, as a count, at the
// root), then log2(Lanes) levels of adders. Combinational.
module tasu_dot_tern_tree #(
  parameter int Lanes = 32,
  localparam int SumW = 9 + $clog2(Lanes),
  localparam int Lv   = $clog2(Lanes)
) (
  input  logic [Lanes*2-1:0] w_i,
  input  logic [Lanes*8-1:0] a_i,
  output logic [SumW-1:0]    y_o
);
  // Level k holds Lanes >> k partial sums of SumW bits; level 0 the selected lanes.
  logic [Lanes*SumW-1:0] lvl [Lv+1];
  logic [$clog2(Lanes+1)-1:0] negs;
  always_comb begin
    negs = '0;
    for (int l = 0; l < Lanes; l++) begin
      // -a = ~a + 1: the lane carries ~a, the +1 is counted.
      lvl[0][l*SumW +: SumW] = !w_i[2*l] ? '0 :
                               (w_i[2*l+1] ? ~(SumW'($signed(a_i[l*8 +: 8]))) : SumW'($signed(a_i[l*8 +: 8])));
      if (w_i[2*l] && w_i[2*l+1]) negs = negs + 1'b1;
    end
    for (int k = 1; k <= Lv; k++) begin
      lvl[k] = '0;
      for (int i = 0; i < (Lanes >> k); i++)
        lvl[k][i*SumW +: SumW] = lvl[k-1][(2*i)*SumW +: SumW] + lvl[k-1][(2*i+1)*SumW +: SumW];
    end
    y_o = lvl[Lv][SumW-1:0] + SumW'(negs);
  end
endmodule
