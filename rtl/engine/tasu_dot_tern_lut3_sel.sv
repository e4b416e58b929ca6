// The per-row half of the lookup-table ternary dot product over triples (the LUT3 silicon row):
// each group's 5-bit code (tasu_arch.json's _lut3: 0 for three zero weights, else 1 + a pattern
// index, plus 16 for a negative sign) selects one of the group's three activations or one of its
// ten table sums (tasu_dot_tern_lut3_table) by AND-OR, and its sign; the ceil(Lanes / 3) selected
// terms go through a balanced adder tree, a negation as the inverted term plus one, the plus ones
// counted once at the root (as tasu_dot_tern_lut_sel does for pairs). Codes 14 and 15 select
// nothing (a zero). Combinational; zero while en_i is low.
module tasu_dot_tern_lut3_sel #(
  parameter int Lanes = 2,   // every instance sets it (a default lets scripts/lint.sh chparam it)
  parameter int Rows  = 1,
  localparam int Groups  = tasu_pkg::lut3_groups(Lanes),
  localparam int Entries = tasu_pkg::Lut3Patterns - 3,
  localparam int EntryW  = 10,
  localparam int SumW = tasu_pkg::EngineTermBits[tasu_pkg::EngTERNARY*32 +: 32] + $clog2(Lanes),
  localparam int CntW = $clog2(Groups+1)
) (
  input  logic                              en_i,
  input  logic [Rows*Groups*5-1:0]          w_i,   // row r's group codes at [r*Groups*5 +: Groups*5]
  input  logic [Lanes*8-1:0]                a_i,
  input  logic [Groups*Entries*EntryW-1:0]  t_i,
  output logic [Rows*SumW-1:0]              y_o    // row r's sum at [r*SumW +: SumW]
);
  // Heap-ordered tree as in tasu_dot_tern_tree: leaf g is node Groups + g, node i sums nodes 2i
  // and 2i + 1, the root is node 1.
  function automatic logic [SumW-1:0] lut3_sum(input logic [Groups*5-1:0] w, input logic [Lanes*8-1:0] a,
                                                input logic [Groups*Entries*EntryW-1:0] t);
    logic [SumW-1:0] node [2*Groups];
    logic [SumW-1:0] mag;
    logic [CntW-1:0] negs;
    logic [3:0]      idx;
    logic            neg;
    node[0] = '0;
    negs    = '0;
    for (int g = 0; g < Groups; g++) begin
      {neg, idx} = w[g*5 +: 5];
      mag = '0;
      for (int i = 0; i < 3; i++)
        if (g * 3 + i < Lanes) mag = mag | (SumW'($signed(a[(g*3 + i)*8 +: 8])) & {SumW{idx == 4'(i + 1)}});
      for (int e = 0; e < Entries; e++)
        mag = mag | (SumW'($signed(t[(g*Entries + e)*EntryW +: EntryW])) & {SumW{idx == 4'(e + 4)}});
      node[Groups + g] = mag ^ {SumW{neg}};
      negs = negs + CntW'(neg);
    end
    for (int i = Groups - 1; i >= 1; i--) node[i] = node[2*i] + node[2*i+1];
    lut3_sum = node[1] + SumW'(negs);
  endfunction

  always_comb begin
    y_o = '0;
    if (en_i) for (int r = 0; r < Rows; r++) y_o[r*SumW +: SumW] = lut3_sum(w_i[r*Groups*5 +: Groups*5], a_i, t_i);
  end

  `ASSERT_INIT(LanesFillTheGroups, Lanes >= 2)
endmodule
