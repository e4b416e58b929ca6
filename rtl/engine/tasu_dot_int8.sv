// INT8 x INT8 dot product, the baseline MAC array's row: Lanes signed products (16 bits) and a
// balanced adder tree. Combinational; zero while en_i is low, when nothing is evaluated.
module tasu_dot_int8 #(
  parameter int Lanes,
  localparam int SumW = tasu_pkg::EngineTermBits[tasu_pkg::EngINT8*32 +: 32] + $clog2(Lanes),
  localparam int Lv   = $clog2(Lanes)
) (
  input  logic               en_i,
  input  logic [Lanes*8-1:0] w_i,
  input  logic [Lanes*8-1:0] a_i,
  output logic [SumW-1:0]    y_o
);
  // Level k of the tree at k * LvlW in one flat vector (an array becomes a memory in Yosys).
  localparam int LvlW = Lanes * SumW;
  logic [(Lv+1)*LvlW-1:0] lvl;
  always_comb begin
    lvl = '0;
    if (en_i) begin
      for (int l = 0; l < Lanes; l++)
        lvl[l*SumW +: SumW] = SumW'($signed(w_i[l*8 +: 8]) * $signed(a_i[l*8 +: 8]));
      for (int k = 1; k <= Lv; k++)
        for (int i = 0; i < (Lanes >> k); i++)
          lvl[k*LvlW + i*SumW +: SumW] = lvl[(k-1)*LvlW + (2*i)*SumW +: SumW] + lvl[(k-1)*LvlW + (2*i+1)*SumW +: SumW];
    end
    y_o = lvl[Lv*LvlW +: SumW];
  end
endmodule
