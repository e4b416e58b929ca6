// INT8 x INT8 dot product, the baseline MAC array's row: Lanes signed products (16 bits) and a
// balanced adder tree. Combinational.
module tasu_dot_int8 #(
  parameter int Lanes = 32,
  localparam int SumW = 16 + $clog2(Lanes),
  localparam int Lv   = $clog2(Lanes)
) (
  input  logic [Lanes*8-1:0] w_i,
  input  logic [Lanes*8-1:0] a_i,
  output logic [SumW-1:0]    y_o
);
  logic [Lanes*SumW-1:0] lvl [Lv+1];
  always_comb begin
    for (int l = 0; l < Lanes; l++)
      lvl[0][l*SumW +: SumW] = SumW'($signed(w_i[l*8 +: 8]) * $signed(a_i[l*8 +: 8]));
    for (int k = 1; k <= Lv; k++) begin
      lvl[k] = '0;
      for (int i = 0; i < (Lanes >> k); i++)
        lvl[k][i*SumW +: SumW] = lvl[k-1][(2*i)*SumW +: SumW] + lvl[k-1][(2*i+1)*SumW +: SumW];
    end
    y_o = lvl[Lv][SumW-1:0];
  end
endmodule
