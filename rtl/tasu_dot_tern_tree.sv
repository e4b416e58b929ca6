// Ternary dot product as a balanced adder tree: each lane becomes +a, -a or 0 (a negation is
// the inverted value plus one, and the Lanes "plus ones" are added once, as a count, at the
// root), then log2(Lanes) levels of adders. Combinational.
module tasu_dot_tern_tree #(
  parameter int Lanes = 32,
  localparam int SumW = 9 + $clog2(Lanes)
) (
  input  logic [Lanes*2-1:0] w_i,
  input  logic [Lanes*8-1:0] a_i,
  output logic [SumW-1:0]    y_o
);
  // A heap-ordered tree of narrow nodes: leaf l is node Lanes + l, node i sums nodes 2i and
  // 2i + 1, the root is node 1. Narrow elements keep Verilator's code scalar (one wide vector
  // of all levels simulated 7x slower); Yosys turns the array into wires.
  logic [SumW-1:0] node [2*Lanes];
  logic [$clog2(Lanes+1)-1:0] negs;
  always_comb begin
    node[0] = '0;
    negs    = '0;
    for (int l = 0; l < Lanes; l++) begin
      // -a = ~a + 1: the lane carries ~a, the +1 is counted.
      node[Lanes + l] = !w_i[2*l] ? '0 :
                        (w_i[2*l+1] ? ~(SumW'($signed(a_i[l*8 +: 8]))) : SumW'($signed(a_i[l*8 +: 8])));
      if (w_i[2*l] && w_i[2*l+1]) negs = negs + 1'b1;
    end
    for (int i = Lanes - 1; i >= 1; i--) node[i] = node[2*i] + node[2*i+1];
    y_o = node[1] + SumW'(negs);
  end
endmodule
