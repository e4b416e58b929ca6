// Pipelined reduction tree of the vector unit for DOTS: the VLanes lane sums of one dot product
// in, one binary32 sum out log2(VLanes) cycles later, one dot product per cycle. It adds in the
// order of the unit's lane tree (lanes l and l + s for s = VLanes / 2, ..., 1, each sum rounded), so a DOTS
// result is bit for bit a DOT's; having its own adders lets the lanes start the next position's
// products while earlier ones are still being summed. With max_i (DOTS with vop MAX) each node
// takes the larger of its two inputs instead, in the same pairing as the lanes' MAX tree. A
// stage works only in the cycle after its input arrived (en_i of its adders). max_i must hold
// while sums are in the tree (the unit takes a DOTS of the other kind, or any other instruction,
// only once it is empty).
module tasu_vu_tree #(
  parameter int TagW,                 // travels with the sum: where the result goes
  localparam int VLanes = tasu_pkg::VLanes,
  localparam int Levels = $clog2(VLanes)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 max_i,
  input  logic                 in_valid_i,
  input  logic [VLanes*32-1:0] in_data_i,
  input  logic [TagW-1:0]      in_tag_i,
  output logic                 out_valid_o,
  output logic [31:0]          out_data_o,
  output logic [TagW-1:0]      out_tag_o,
  output logic                 busy_o
);
  // Stage s holds VLanes >> (s + 1) sums at word offset VLanes - (VLanes >> s) of lvl_q.
  logic [(VLanes-1)*32-1:0] lvl_q, lvl_d;
  logic [Levels-1:0]        v_q;
  logic [Levels*TagW-1:0]   tag_q;

  for (genvar s = 0; s < Levels; s++) begin : g_stage
    localparam int N   = VLanes >> (s + 1);   // sums this stage makes
    localparam int Off = VLanes - (VLanes >> s);
    localparam int In  = (s == 0) ? 0 : VLanes - (2 * VLanes >> s);   // the previous stage's offset
    logic en;
    logic [TagW-1:0] tag_in;
    if (s == 0) begin : g_first
      assign en     = in_valid_i;
      assign tag_in = in_tag_i;
    end else begin : g_next
      assign en     = v_q[s - 1];
      assign tag_in = tag_q[(s - 1) * TagW +: TagW];
    end
    for (genvar l = 0; l < N; l++) begin : g_add
      logic [31:0] a, b;
      if (s == 0) begin : g_in
        assign a = in_data_i[l * 32 +: 32];
        assign b = in_data_i[(l + N) * 32 +: 32];
      end else begin : g_lvl
        assign a = lvl_q[(In + l) * 32 +: 32];
        assign b = lvl_q[(In + l + N) * 32 +: 32];
      end
      logic [31:0] sum, larger;
      logic        unused_lt;
      tasu_vu_fadd u_add (.en_i(en && !max_i), .a_i(a), .b_i(b), .y_o(sum));
      tasu_vu_fmax u_max (.a_i(a), .b_i(b), .y_o(larger), .lt_o(unused_lt));
      assign lvl_d[(Off + l) * 32 +: 32] = max_i ? larger : sum;
    end
    always_ff @(posedge clk_i) begin
      if (en) lvl_q[Off * 32 +: N * 32] <= lvl_d[Off * 32 +: N * 32];
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        v_q[s]                  <= 1'b0;
        tag_q[s * TagW +: TagW] <= '0;
      end else begin
        v_q[s] <= en;
        if (en) tag_q[s * TagW +: TagW] <= tag_in;
      end
    end
  end

  assign out_valid_o = v_q[Levels - 1];
  assign out_data_o  = lvl_q[(VLanes - 2) * 32 +: 32];
  assign out_tag_o   = tag_q[(Levels - 1) * TagW +: TagW];
  assign busy_o      = (v_q != '0);
endmodule
