// Ternary dot products as balanced adder trees, Rows of them on one broadcast activation
// slice (a tile's rows; the silicon study's row has Rows = 1): each lane becomes +a, -a or 0
// (a negation is the inverted value plus one, and the Lanes "plus ones" are added once, as a
// count, at the root), then log2(Lanes) levels of adders. Combinational; with en_i low the
// output is zero and nothing is evaluated (operand isolation in silicon; in Verilator the
// trees' code runs only in the cycles that use it, which is what makes an idle engine cheap to
// simulate). One instance for all rows keeps Verilator's code to one loop over the rows per
// tile; an instance per row made 512 copies of the tree (2.5 MB of code, i-cache bound).
module tasu_dot_tern_tree #(
  parameter int Lanes = 2,   // every instance sets it (a default lets scripts/lint.sh chparam it)
  parameter int Rows  = 1,
  localparam int SumW = tasu_pkg::EngineTermBits[tasu_pkg::EngTERNARY*32 +: 32] + $clog2(Lanes),
  localparam int CntW = $clog2(Lanes+1)
) (
  input  logic                    en_i,
  input  logic [Rows*Lanes*2-1:0] w_i,   // row r's weights at [r*Lanes*2 +: Lanes*2]
  input  logic [Lanes*8-1:0]      a_i,
  output logic [Rows*SumW-1:0]    y_o    // row r's sum at [r*SumW +: SumW]
);
  // A heap-ordered tree of narrow nodes: leaf l is node Lanes + l, node i sums nodes 2i and
  // 2i + 1, the root is node 1. Narrow elements keep Verilator's code scalar (one wide vector
  // of all levels simulated 7x slower); Yosys turns the array into wires. A function, so the
  // enable guards the whole evaluation and its temporaries cannot become latches.
  function automatic logic [SumW-1:0] tree_sum(input logic [Lanes*2-1:0] w, input logic [Lanes*8-1:0] a);
    logic [SumW-1:0]            node [2*Lanes];
    logic [CntW-1:0]            negs;
    node[0] = '0;
    negs    = '0;
    for (int l = 0; l < Lanes; l++) begin
      // -a = ~a + 1: the lane carries ~a (XOR with the negate bit), the +1 is counted; the use
      // bit masks it. Gates, not selects: branch-free code in Verilator too (3x faster than
      // the nested conditional, whose random weights defeat the host's branch predictor).
      node[Lanes + l] = (SumW'($signed(a[l*8 +: 8])) ^ {SumW{w[2*l+1]}}) & {SumW{w[2*l]}};
      negs = negs + {{(CntW-1){1'b0}}, w[2*l] & w[2*l+1]};
    end
    for (int i = Lanes - 1; i >= 1; i--) node[i] = node[2*i] + node[2*i+1];
    tree_sum = node[1] + SumW'(negs);
  endfunction

  // Default first, then the guarded call: an if/else of two assignments would become one
  // conditional expression in Verilator, with the function evaluated before it every cycle.
  always_comb begin
    y_o = '0;
    if (en_i) for (int r = 0; r < Rows; r++) y_o[r*SumW +: SumW] = tree_sum(w_i[r*Lanes*2 +: Lanes*2], a_i);
  end
endmodule
