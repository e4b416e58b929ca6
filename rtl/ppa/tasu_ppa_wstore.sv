// Weight store of the comparison rows (tasu_ppa_row): Depth words of Bits flip-flops, one
// write and one registered read per cycle.
module tasu_ppa_wstore #(
  parameter int Depth,
  parameter int Bits,
  localparam int AddrW = $clog2(Depth)
) (
  input  logic             clk_i,
  input  logic             wr_valid_i,
  input  logic [AddrW-1:0] wr_addr_i,
  input  logic [Bits-1:0]  wr_data_i,
  input  logic             rd_valid_i,
  input  logic [AddrW-1:0] rd_addr_i,
  output logic [Bits-1:0]  rd_data_o
);
  logic [Bits-1:0] mem_q [Depth];
  always_ff @(posedge clk_i) begin
    if (wr_valid_i) mem_q[wr_addr_i] <= wr_data_i;
    if (rd_valid_i) rd_data_o <= mem_q[rd_addr_i];
  end
endmodule
