// Formal harness of tasu_dma_rd (scripts/formal.sh): the load DMA's burst rules, checked at its
// ports against a reference splitter of the LOAD command and a memory that returns the bursts in
// request order with free timing and free bus errors. Every command input is free.
//   requests: each burst starts where the reference says (row base + beats already requested),
//     is as long as the reference's (MaxBurst, or what is left of the row: never across a row),
//     never runs past the destination's capacity, and at most Outstanding are in flight;
//     a request is made whenever one may be (no needless stall);
//   data: every beat of a good burst is written once, to its destination at the reference's
//     beat, with its data; nothing of a failed burst, nothing after an error;
//   completion and errors: done exactly on the last beat of a command's last burst; a bad
//     command, a burst past capacity and a bus error each raise one error with its code, pc and
//     info; after an error nothing more is requested, written or completed.
module tasu_dma_rd_fpv #(
  parameter int BusBytes    = 4,
  parameter int MaxBurst    = 2,   // short bursts: row splits fit the bound
  parameter int Outstanding = 2,
  parameter int WgtBeats    = 16,
  parameter int ActBeats    = 16,
  parameter int VspBeats    = 8,
  localparam int BusBits    = BusBytes * 8,
  localparam int AlignW     = $clog2(BusBytes)
) (
  input logic                              clk_i,
  input logic                              rst_ni,
  input logic                              cmd_valid_i,
  input logic [31:0]                       cmd_pc_i,
  input logic [1:0]                        cmd_dst_i,
  input logic [tasu_pkg::FSramBeatW-1:0]   cmd_sram_beat_i,
  input logic [31:0]                       cmd_dram_addr_i,
  input logic [15:0]                       cmd_rows_i,
  input logic [15:0]                       cmd_row_beats_i,
  input logic [31:0]                       cmd_stride_i,
  input logic                              rd_req_ready_i,
  input logic                              beat_i,       // the memory returns a beat now ...
  input logic [BusBits-1:0]                rd_data_i,
  input logic                              rd_err_i      // ... failed
);
  logic        cmd_ready, done, err, busy;
  logic [tasu_pkg::ErrW-1:0] err_code;
  logic [31:0] err_pc, err_info;
  logic        req_valid;
  logic [31:0] req_addr;
  logic [7:0]  req_len;
  logic        rd_valid, rd_last;
  logic        wgt_wr, act_wr, vsp_wr;
  logic [$clog2(WgtBeats)-1:0] wgt_beat;
  logic [$clog2(ActBeats)-1:0] act_beat;
  logic [$clog2(VspBeats)-1:0] vsp_beat;
  logic [BusBits-1:0] wr_data;

  tasu_dma_rd #(.BusBytes(BusBytes), .MaxBurst(MaxBurst), .Outstanding(Outstanding),
                .WgtBeats(WgtBeats), .ActBeats(ActBeats), .VspBeats(VspBeats)) dut (
    .clk_i, .rst_ni, .cmd_valid_i, .cmd_ready_o(cmd_ready), .cmd_pc_i, .cmd_dst_i, .cmd_sram_beat_i,
    .cmd_dram_addr_i, .cmd_rows_i, .cmd_row_beats_i, .cmd_stride_i,
    .done_o(done), .err_o(err), .err_code_o(err_code), .err_pc_o(err_pc), .err_info_o(err_info),
    .busy_o(busy),
    .rd_req_valid_o(req_valid), .rd_req_ready_i, .rd_req_addr_o(req_addr), .rd_req_len_o(req_len),
    .rd_valid_i(rd_valid), .rd_data_i, .rd_last_i(rd_last), .rd_err_i,
    .wgt_wr_valid_o(wgt_wr), .wgt_wr_beat_o(wgt_beat), .act_wr_valid_o(act_wr),
    .act_wr_beat_o(act_beat), .vsp_wr_valid_o(vsp_wr), .vsp_wr_beat_o(vsp_beat), .wr_data_o(wr_data));

  function automatic logic [20:0] cap_of(logic [1:0] dst);
    cap_of = (dst == tasu_pkg::DstACT) ? 21'(ActBeats) :
             (dst == tasu_pkg::DstVSP) ? 21'(VspBeats) : 21'(WgtBeats);
  endfunction

  // ---- the reference splitter --------------------------------------------------------------
  logic        active_q, err_seen_q;
  logic [31:0] row_addr_q, addr_q, stride_q, pc_q;
  logic [15:0] left_q, rows_left_q, row_beats_q;   // beats left in the row, rows left
  logic [20:0] sram_q;
  logic [1:0]  dst_q;
  logic [15:0] n;                  // the next burst's beats
  logic        over, last, accept, bad, req_fire;
  assign n        = (left_q > 16'(MaxBurst)) ? 16'(MaxBurst) : left_q;
  assign over     = sram_q + 21'(n) > cap_of(dst_q);
  assign last     = rows_left_q == 16'd1 && n == left_q;
  assign accept   = cmd_valid_i && cmd_ready;
  assign bad      = cmd_dram_addr_i[AlignW-1:0] != '0 || cmd_stride_i[AlignW-1:0] != '0 ||
                    cmd_rows_i == '0 || cmd_row_beats_i == '0 || cmd_dst_i > tasu_pkg::DstVSP;
  assign req_fire = req_valid && rd_req_ready_i;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      active_q <= 1'b0; err_seen_q <= 1'b0; row_addr_q <= '0; addr_q <= '0; stride_q <= '0; pc_q <= '0;
      left_q <= '0; rows_left_q <= '0; row_beats_q <= '0; sram_q <= '0; dst_q <= '0;
    end else begin
      if (err) err_seen_q <= 1'b1;
      if (accept && !bad) begin
        active_q <= 1'b1; row_addr_q <= cmd_dram_addr_i; addr_q <= cmd_dram_addr_i; stride_q <= cmd_stride_i;
        pc_q <= cmd_pc_i; left_q <= cmd_row_beats_i; rows_left_q <= cmd_rows_i; row_beats_q <= cmd_row_beats_i;
        sram_q <= 21'(cmd_sram_beat_i); dst_q <= cmd_dst_i;
      end else if (req_fire) begin
        sram_q <= sram_q + 21'(n);
        if (n == left_q) begin
          left_q <= row_beats_q; rows_left_q <= rows_left_q - 16'd1; row_addr_q <= row_addr_q + stride_q;
          addr_q <= row_addr_q + stride_q;
          if (last) active_q <= 1'b0;
        end else begin
          left_q <= left_q - n; addr_q <= addr_q + {n, AlignW'(0)};
        end
      end
    end
  end

  // ---- the memory: bursts in flight, returned in order ---------------------------------------
  localparam int FlightW = 8 + 21 + 2 + 1 + 32 + 32;
  logic               fl_valid, fl_ready, head_last_cmd;
  logic [FlightW-1:0] fl_out;
  logic [7:0]         head_len, hb_q;
  logic [20:0]        head_sram;
  logic [1:0]         head_dst;
  logic [31:0]        head_addr, head_pc;
  logic [$clog2(4*Outstanding):0] in_flight;
  tasu_fifo #(.Width(FlightW), .Depth(4*Outstanding)) u_flight (
    .clk_i, .rst_ni, .clear_i(1'b0),
    .in_valid_i  (req_fire),
    .in_ready_o  (fl_ready),
    .in_data_i   ({req_len, sram_q, dst_q, last, req_addr, pc_q}),
    .out_valid_o (fl_valid),
    .out_ready_i (rd_valid && rd_last),
    .out_data_o  (fl_out),
    .count_o     (in_flight)
  );
  assign {head_len, head_sram, head_dst, head_last_cmd, head_addr, head_pc} = fl_out;
  assign rd_valid = beat_i && fl_valid;
  assign rd_last  = hb_q == head_len;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)       hb_q <= '0;
    else if (rd_valid) hb_q <= rd_last ? '0 : hb_q + 8'd1;
  end

  // ---- the properties ----------------------------------------------------------------------
  // Each property is a named wire (a counterexample shows which one broke), all asserted below.
  logic p_cmd_ready, p_bad_cmd, p_req_where, p_req_len, p_req_when, p_over_cap, p_outstanding;
  logic p_wr_dst, p_wr_beat, p_wr_none, p_bus_err, p_err_once, p_done, p_busy;
  logic [20:0] wr_at;
  logic        good_beat, bad_align;
  assign good_beat = rd_valid && !rd_err_i && !err_seen_q;
  assign wr_at     = head_sram + 21'(hb_q);
  assign bad_align = cmd_dram_addr_i[AlignW-1:0] != '0 || cmd_stride_i[AlignW-1:0] != '0;
  // A command is taken exactly when the previous one is fully requested and nothing failed.
  assign p_cmd_ready = cmd_ready == (!active_q && !err_seen_q);
  assign p_bad_cmd   = !(accept && bad) || err && (err_code == tasu_pkg::ErrBUS_READ ||
      err_pc == cmd_pc_i && err_code == (bad_align ? tasu_pkg::ErrMISALIGNED : tasu_pkg::ErrBAD_OPERAND));
  // Requests: the reference's burst, inside its row and the destination, whenever one may be made.
  assign p_req_where = !req_valid || active_q && !err_seen_q && !over &&
                       req_addr == addr_q;
  assign p_req_len   = !req_valid || 16'(req_len) + 16'd1 == n;
  assign p_req_when  = !(active_q && !err_seen_q && !over && in_flight < Outstanding) || req_valid;
  assign p_over_cap  = !(active_q && !err_seen_q && over) || err &&
      (err_code == tasu_pkg::ErrBAD_OPERAND && err_info == 32'(sram_q) || err_code == tasu_pkg::ErrBUS_READ);
  assign p_outstanding = in_flight <= Outstanding;
  // Data: each good beat written once where the reference put it; nothing else written.
  assign p_wr_dst  = !good_beat || wgt_wr == (head_dst == tasu_pkg::DstWGT) &&
                     act_wr == (head_dst == tasu_pkg::DstACT) && vsp_wr == (head_dst == tasu_pkg::DstVSP);
  assign p_wr_beat = !good_beat || wr_at < cap_of(head_dst) && wr_data == rd_data_i &&
                     (head_dst != tasu_pkg::DstWGT || wgt_beat == $clog2(WgtBeats)'(wr_at)) &&
                     (head_dst != tasu_pkg::DstACT || act_beat == $clog2(ActBeats)'(wr_at)) &&
                     (head_dst != tasu_pkg::DstVSP || vsp_beat == $clog2(VspBeats)'(wr_at));
  assign p_wr_none = good_beat || !(wgt_wr || act_wr || vsp_wr);
  // A bus error is reported once, naming the failed burst's command and address.
  assign p_bus_err  = !(rd_valid && rd_err_i && !err_seen_q) ||
                      err && err_code == tasu_pkg::ErrBUS_READ && err_pc == head_pc && err_info == head_addr;
  assign p_err_once = !(err && err_seen_q);
  assign p_done     = done == (good_beat && rd_last && head_last_cmd);
  assign p_busy     = busy == (active_q && !err_seen_q || fl_valid);

  initial assume (!rst_ni);
  always @(posedge clk_i) if (rst_ni)
    assert (p_cmd_ready && p_bad_cmd && p_req_where && p_req_len && p_req_when && p_over_cap &&
            p_outstanding && p_wr_dst && p_wr_beat && p_wr_none && p_bus_err && p_err_once &&
            p_done && p_busy);

  // Witnesses that the bound reaches the interesting cases (scripts/formal.sh shows each
  // reachable): a row split into bursts completes, a command of several rows completes, a burst
  // past capacity is refused.
  logic split_q, rows_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      split_q <= 1'b0; rows_q <= 1'b0;
    end else if (accept) begin
      split_q <= cmd_row_beats_i > 16'(MaxBurst);
      rows_q  <= cmd_rows_i > 16'd1;
    end
  end
  (* keep *) logic cover_done_split, cover_done_rows, cover_over_cap;   // kept for `sat -prove`
  assign cover_done_split = done && split_q;
  assign cover_done_rows  = done && rows_q;
  assign cover_over_cap   = active_q && !err_seen_q && over && !rd_valid;
endmodule
