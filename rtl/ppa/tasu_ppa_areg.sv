// Registered activation slice of a comparison row (tasu_ppa_row), in its own module so the
// silicon report can count it apart: in the engine one such slice per tile feeds all Rows rows.
module tasu_ppa_areg #(
  parameter int Bits
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic [Bits-1:0] d_i,
  output logic [Bits-1:0] q_o
);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) q_o <= '0;
    else         q_o <= d_i;
  end
endmodule
