// The lookup-table ternary dot product with the common interface of the ternary dot products:
// the pair table (one per tile in silicon, tasu_dot_tern_lut_table) and one row's selection and
// sum (tasu_dot_tern_lut_sel). scripts/lint.sh proves it equal to tasu_dot_tern_chain; the
// silicon study's row instantiates the two halves apart, so the table is counted once per tile.
module tasu_dot_tern_lut #(
  parameter int Lanes = 2,   // every instance sets it (a default lets scripts/lint.sh chparam it)
  localparam int SumW = tasu_pkg::EngineTermBits[tasu_pkg::EngTERNARY*32 +: 32] + $clog2(Lanes)
) (
  input  logic               en_i,
  input  logic [Lanes*2-1:0] w_i,
  input  logic [Lanes*8-1:0] a_i,
  output logic [SumW-1:0]    y_o
);
  logic [Lanes/2*18-1:0] sums;   // the pair table
  tasu_dot_tern_lut_table #(.Lanes(Lanes)) u_table (.en_i, .a_i, .t_o(sums));
  tasu_dot_tern_lut_sel #(.Lanes(Lanes)) u_sel (.en_i, .w_i, .a_i, .t_i(sums), .y_o);
endmodule
