// Memory arbiter: shares the single DRAM master port between instruction fetch, the load DMA
// (reads) and the store DMA (writes). Requests are granted round-robin; read data comes back in
// request order, so a small queue of client IDs routes each beat to its owner. A request the
// memory has not accepted keeps its grant: another client's request arriving meanwhile waits
// (the port's rule: a request, once offered, stays unchanged until accepted).
module tasu_mem_arbiter #(
  parameter int BusBytes,
  parameter int IdDepth  = 16,
  localparam int BusBits = BusBytes * 8
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  // Client 0: instruction fetch (read).
  input  logic               f_req_valid_i,
  output logic               f_req_ready_o,
  input  logic [31:0]        f_req_addr_i,
  input  logic [7:0]         f_req_len_i,
  output logic               f_rd_valid_o,
  // Client 1: load DMA (read).
  input  logic               l_req_valid_i,
  output logic               l_req_ready_o,
  input  logic [31:0]        l_req_addr_i,
  input  logic [7:0]         l_req_len_i,
  output logic               l_rd_valid_o,
  // Read data shared by both read clients, qualified by the valids above.
  output logic [BusBits-1:0] rd_data_o,
  output logic               rd_last_o,
  output logic               rd_err_o,
  // Client 2: store DMA (write).
  input  logic               s_req_valid_i,
  output logic               s_req_ready_o,
  input  logic [31:0]        s_req_addr_i,
  input  logic [7:0]         s_req_len_i,
  input  logic               s_wvalid_i,
  output logic               s_wready_o,
  input  logic [BusBits-1:0] s_wdata_i,
  input  logic               s_wlast_i,
  output logic               s_bvalid_o,
  output logic               s_berr_o,
  // DRAM master port.
  output logic               mem_req_valid_o,
  input  logic               mem_req_ready_i,
  output logic [31:0]        mem_req_addr_o,
  output logic [7:0]         mem_req_len_o,
  output logic               mem_req_write_o,
  output logic               mem_wvalid_o,
  input  logic               mem_wready_i,
  output logic [BusBits-1:0] mem_wdata_o,
  output logic               mem_wlast_o,
  input  logic               mem_rvalid_i,
  output logic               mem_rready_o,
  input  logic [BusBits-1:0] mem_rdata_i,
  input  logic               mem_rlast_i,
  input  logic               mem_rerr_i,
  input  logic               mem_bvalid_i,
  output logic               mem_bready_o,
  input  logic               mem_berr_i
);
  logic [1:0] prio_q, prio_d;   // client with the highest priority this cycle
  logic [2:0] req, gnt, held_q; // held_q: the grant of last cycle's request the memory refused
  logic       id_ready, id_valid, id_head;
  logic [2:0] cand;

  // A read is only granted while its ID can be queued.
  assign req = {s_req_valid_i, l_req_valid_i && id_ready, f_req_valid_i && id_ready};

  always_comb begin
    gnt    = '0;
    prio_d = prio_q;
    cand   = '0;
    // (A client that withdraws its request, a DMA halting on a bus error, loses the grant.)
    if ((held_q & req) != '0) gnt = held_q;
    else for (int i = 0; i < 3; i++) begin
      // Look at clients in order prio_q, prio_q+1, prio_q+2 (mod 3, without a divider).
      cand = 3'(prio_q) + 3'(i);
      if (cand >= 3'd3) cand = cand - 3'd3;
      if (gnt == '0 && req[cand[1:0]]) gnt[cand[1:0]] = 1'b1;
    end
    if (mem_req_ready_i && gnt != '0) prio_d = gnt[0] ? 2'd1 : (gnt[1] ? 2'd2 : 2'd0);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      prio_q <= '0;
      held_q <= '0;
    end else begin
      prio_q <= prio_d;
      held_q <= mem_req_ready_i ? 3'b000 : gnt;
    end
  end

  assign mem_req_valid_o = (gnt != '0);
  assign mem_req_write_o = gnt[2];
  assign mem_req_addr_o  = gnt[2] ? s_req_addr_i : (gnt[1] ? l_req_addr_i : f_req_addr_i);
  assign mem_req_len_o   = gnt[2] ? s_req_len_i  : (gnt[1] ? l_req_len_i  : f_req_len_i);
  assign f_req_ready_o   = gnt[0] && mem_req_ready_i;
  assign l_req_ready_o   = gnt[1] && mem_req_ready_i;
  assign s_req_ready_o   = gnt[2] && mem_req_ready_i;

  // Read routing: 0 = fetch, 1 = load DMA.
  tasu_fifo #(.Width(1), .Depth(IdDepth)) u_ids (
    .clk_i, .rst_ni, .clear_i(1'b0),
    .in_valid_i  (mem_req_ready_i && (gnt[0] || gnt[1])),
    .in_ready_o  (id_ready),
    .in_data_i   (gnt[1]),
    .out_valid_o (id_valid),
    .out_ready_i (mem_rvalid_i && mem_rlast_i),
    .out_data_o  (id_head),
    .count_o     ()
  );

  // Both read clients reserve room before they request, so read data is always accepted.
  assign mem_rready_o = 1'b1;
  assign f_rd_valid_o = mem_rvalid_i && id_valid && !id_head;
  assign l_rd_valid_o = mem_rvalid_i && id_valid && id_head;
  assign rd_data_o    = mem_rdata_i;
  assign rd_last_o    = mem_rlast_i;
  assign rd_err_o     = mem_rerr_i;

  assign mem_wvalid_o = s_wvalid_i;
  assign s_wready_o   = mem_wready_i;
  assign mem_wdata_o  = s_wdata_i;
  assign mem_wlast_o  = s_wlast_i;
  assign mem_bready_o = 1'b1;
  assign s_bvalid_o   = mem_bvalid_i;
  assign s_berr_o     = mem_berr_i;
endmodule
