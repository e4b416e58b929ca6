// The per-row half of the lookup-table ternary dot product: each pair of 2-bit weight codes
// (bit 0 use, bit 1 negate) selects one of 0, a0, a1, a0 + a1, a0 - a1 (the last two from the
// tile's table, tasu_dot_tern_lut_table) and its sign; the Lanes / 2 selected terms go through a
// balanced adder tree, a negation as the inverted term plus one, the plus ones counted once at
// the root (as tasu_dot_tern_tree does per lane). Rows rows share the table (a tile's rows; the
// silicon study's row has Rows = 1). Combinational; zero while en_i is low.
module tasu_dot_tern_lut_sel #(
  parameter int Lanes = 2,   // every instance sets it (a default lets scripts/lint.sh chparam it)
  parameter int Rows  = 1,
  localparam int Pairs = Lanes / 2,
  localparam int SumW = tasu_pkg::EngineTermBits[tasu_pkg::EngTERNARY*32 +: 32] + $clog2(Lanes),
  localparam int CntW = $clog2(Pairs+1)
) (
  input  logic                en_i,
  input  logic [Rows*Lanes*2-1:0] w_i,   // row r's weights at [r*Lanes*2 +: Lanes*2]
  input  logic [Lanes*8-1:0]      a_i,
  input  logic [Pairs*18-1:0]     t_i,
  output logic [Rows*SumW-1:0]    y_o    // row r's sum at [r*SumW +: SumW]
);
  // Heap-ordered tree as in tasu_dot_tern_tree: leaf p is node Pairs + p, node i sums nodes 2i
  // and 2i + 1, the root is node 1.
  function automatic logic [SumW-1:0] lut_sum(input logic [Lanes*2-1:0] w, input logic [Lanes*8-1:0] a,
                                               input logic [Pairs*18-1:0] t);
    logic [SumW-1:0] node [2*Pairs];
    logic [SumW-1:0] mag;
    logic [CntW-1:0] negs;
    logic            u0, n0, u1, n1, neg;
    node[0] = '0;
    negs    = '0;
    for (int p = 0; p < Pairs; p++) begin
      {n0, u0} = w[4*p +: 2];
      {n1, u1} = w[4*p+2 +: 2];
      // One of four terms by AND-OR (one-hot: zero weights select nothing); the sign is the
      // first used weight's (for a0 - a1 with n0 set, -(a0 - a1)).
      mag = (SumW'($signed(a[p*16 +: 8]))     & {SumW{u0 & ~u1}})
          | (SumW'($signed(a[p*16+8 +: 8]))   & {SumW{~u0 & u1}})
          | (SumW'($signed(t[p*18 +: 9]))     & {SumW{u0 & u1 & ~(n0 ^ n1)}})
          | (SumW'($signed(t[p*18 + 9 +: 9])) & {SumW{u0 & u1 & (n0 ^ n1)}});
      neg = (u0 & n0) | (~u0 & u1 & n1);
      node[Pairs + p] = mag ^ {SumW{neg}};
      negs = negs + CntW'(neg);
    end
    for (int i = Pairs - 1; i >= 1; i--) node[i] = node[2*i] + node[2*i+1];
    lut_sum = node[1] + SumW'(negs);
  endfunction

  always_comb begin
    y_o = '0;
    if (en_i) for (int r = 0; r < Rows; r++) y_o[r*SumW +: SumW] = lut_sum(w_i[r*Lanes*2 +: Lanes*2], a_i, t_i);
  end

  `ASSERT_INIT(LanesArePairs, Lanes >= 2 && Lanes % 2 == 0)
endmodule
