// Ternary dot product with a carry-save (3:2 compressor) tree: the selected lanes (+a as a, -a
// as ~a with the +1s counted) are reduced in carry-save form, without carry propagation, down
// to two numbers, and one carry-propagate adder ends it. Combinational; zero while en_i is low.
module tasu_dot_tern_csa #(
  parameter int Lanes = 2,   // every instance sets it (a default lets scripts/lint.sh chparam it)
  localparam int SumW = tasu_pkg::EngineTermBits[tasu_pkg::EngTERNARY*32 +: 32] + $clog2(Lanes),
  localparam int CntW = $clog2(Lanes+1),
  localparam int MaxOps = Lanes + 1   // the lanes and the count of +1s
) (
  input  logic               en_i,
  input  logic [Lanes*2-1:0] w_i,
  input  logic [Lanes*8-1:0] a_i,
  output logic [SumW-1:0]    y_o
);
  // Operands left after k rounds, each round turning every three into two.
  function automatic int ops_after(input int n0, input int k);
    int n;
    n = n0;
    for (int r = 0; r < k; r++) n = 2 * (n / 3) + n % 3;
    ops_after = n;
  endfunction
  function automatic int rounds(input int n0);
    int n, r;
    n = n0;
    r = 0;
    while (n > 2) begin
      n = 2 * (n / 3) + n % 3;
      r = r + 1;
    end
    rounds = r;
  endfunction
  localparam int Rounds = rounds(MaxOps);
  localparam int LvW = MaxOps * SumW;

  logic [(Rounds+1)*LvW-1:0] st;   // round k's operands at [k*LvW +: LvW]
  logic [CntW-1:0] negs;
  logic [SumW-1:0] x0, x1, x2;
  always_comb begin
    st = '0;
    {x0, x1, x2} = '0;
    negs = '0;
    for (int l = 0; l < Lanes; l++) begin
      st[l*SumW +: SumW] = !w_i[2*l] ? '0 :
                           (w_i[2*l+1] ? ~(SumW'($signed(a_i[l*8 +: 8]))) : SumW'($signed(a_i[l*8 +: 8])));
      if (w_i[2*l] && w_i[2*l+1]) negs = negs + 1'b1;
    end
    st[Lanes*SumW +: SumW] = SumW'(negs);
    for (int k = 0; k < Rounds; k++) begin
      for (int i = 0; i < MaxOps / 3; i++) begin
        if (i < ops_after(MaxOps, k) / 3) begin
          x0 = st[k*LvW + (3*i)*SumW +: SumW];
          x1 = st[k*LvW + (3*i+1)*SumW +: SumW];
          x2 = st[k*LvW + (3*i+2)*SumW +: SumW];
          st[(k+1)*LvW + (2*i)*SumW +: SumW]   = x0 ^ x1 ^ x2;
          st[(k+1)*LvW + (2*i+1)*SumW +: SumW] = ((x0 & x1) | (x0 & x2) | (x1 & x2)) << 1;
        end
      end
      for (int i = 0; i < 2; i++)
        if (i < ops_after(MaxOps, k) % 3)
          st[(k+1)*LvW + (2*(ops_after(MaxOps, k)/3) + i)*SumW +: SumW] =
              st[k*LvW + (3*(ops_after(MaxOps, k)/3) + i)*SumW +: SumW];
    end
    y_o = en_i ? st[Rounds*LvW +: SumW] + st[Rounds*LvW + SumW +: SumW] : '0;
  end
endmodule
