// Formal harness of tasu_dma_wr (scripts/formal.sh): the store DMA's burst rules, checked at its
// ports against a reference splitter of the STORE command, buffers whose beat b reads as a
// function of b (so a skipped, repeated or reordered beat shows), and a memory that answers each
// burst once all its beats were sent, with free timing and free errors. Every command input is
// free.
//   requests: the reference's bursts (row base, then contiguous, next row at base + stride;
//     MaxBurst or what is left of the row), none after an error;
//   data: beats in buffer order from the command's first beat, each belonging to a requested
//     burst, last flagged on its burst's last beat, never from past the buffer's end;
//   completion and errors: done only once every beat is sent and every burst answered; a bad
//     command, a buffer overrun and a failed write each raise one error (a failed write names
//     the row of its burst); after an error nothing more is requested, sent or completed.
module tasu_dma_wr_fpv #(
  parameter int BusBytes = 4,
  parameter int MaxBurst = 2,
  parameter int OutBeats = 8,
  parameter int VspBeats = 8,
  parameter int Bursts   = 2,
  localparam int BusBits = BusBytes * 8,
  localparam int AlignW  = $clog2(BusBytes)
) (
  input logic                            clk_i,
  input logic                            rst_ni,
  input logic                            cmd_valid_i,
  input logic [31:0]                     cmd_pc_i,
  input logic                            cmd_src_i,
  input logic [tasu_pkg::FSramBeatW-1:0] cmd_sram_beat_i,
  input logic [31:0]                     cmd_dram_addr_i,
  input logic [15:0]                     cmd_rows_i,
  input logic [15:0]                     cmd_row_beats_i,
  input logic [31:0]                     cmd_stride_i,
  input logic                            wr_req_ready_i,
  input logic                            wdata_ready_i,
  input logic                            bresp_i,      // the memory answers a burst now ...
  input logic                            bresp_err_i   // ... with an error
);
  logic        cmd_ready, done, err, busy;
  logic [tasu_pkg::ErrW-1:0] err_code;
  logic [31:0] err_pc, err_info;
  logic        req_valid, wvalid, wlast, bresp_valid;
  logic [31:0] req_addr;
  logic [7:0]  req_len;
  logic [BusBits-1:0] wdata;
  logic        ob_rd, vsp_rd;
  logic [$clog2(OutBeats)-1:0] ob_beat;
  logic [$clog2(VspBeats)-1:0] vsp_beat;
  logic [BusBits-1:0] ob_data, vsp_data;

  tasu_dma_wr #(.BusBytes(BusBytes), .MaxBurst(MaxBurst), .OutBeats(OutBeats),
                .VspBeats(VspBeats), .Bursts(Bursts)) dut (
    .clk_i, .rst_ni, .cmd_valid_i, .cmd_ready_o(cmd_ready), .cmd_pc_i, .cmd_src_i, .cmd_sram_beat_i,
    .cmd_dram_addr_i, .cmd_rows_i, .cmd_row_beats_i, .cmd_stride_i,
    .done_o(done), .err_o(err), .err_code_o(err_code), .err_pc_o(err_pc), .err_info_o(err_info),
    .busy_o(busy),
    .wr_req_valid_o(req_valid), .wr_req_ready_i, .wr_req_addr_o(req_addr), .wr_req_len_o(req_len),
    .wdata_valid_o(wvalid), .wdata_ready_i, .wdata_o(wdata), .wlast_o(wlast),
    .bresp_valid_i(bresp_valid), .bresp_err_i,
    .ob_rd_valid_o(ob_rd), .ob_rd_beat_o(ob_beat), .ob_rd_data_i(ob_data),
    .vsp_rd_valid_o(vsp_rd), .vsp_rd_beat_o(vsp_beat), .vsp_rd_data_i(vsp_data));

  // The buffers: beat b holds pattern(src, b), returned the cycle after the read.
  function automatic logic [BusBits-1:0] pattern(logic src, logic [20:0] b);
    pattern = {BusBits/32{src, 10'h2a5, b}};
  endfunction
  always @(posedge clk_i) begin
    ob_data  <= pattern(1'b0, 21'(ob_beat));
    vsp_data <= pattern(1'b1, 21'(vsp_beat));
  end

  // ---- the reference splitter (requests) and the reference reader (data) -------------------
  logic        in_cmd_q, active_q, err_seen_q, src_q;
  logic [31:0] row_addr_q, addr_q, stride_q;
  logic [15:0] left_q, rows_left_q, row_beats_q;   // requests: beats left in the row, rows left
  logic [15:0] d_left_q, d_rows_q;                 // data: the same, for beats sent
  logic [20:0] beat_q, cap;                        // next buffer beat to send, the buffer's size
  logic [15:0] n;
  logic        accept, bad, req_fire, w_fire, data_left;
  assign n         = (left_q > 16'(MaxBurst)) ? 16'(MaxBurst) : left_q;
  assign accept    = cmd_valid_i && cmd_ready;
  assign bad       = cmd_dram_addr_i[AlignW-1:0] != '0 || cmd_stride_i[AlignW-1:0] != '0 ||
                     cmd_rows_i == '0 || cmd_row_beats_i == '0;
  assign req_fire  = req_valid && wr_req_ready_i;
  assign w_fire    = wvalid && wdata_ready_i;
  assign data_left = d_rows_q != '0;
  assign cap       = src_q ? 21'(VspBeats) : 21'(OutBeats);

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      in_cmd_q <= 1'b0; active_q <= 1'b0; err_seen_q <= 1'b0; src_q <= 1'b0;
      row_addr_q <= '0; addr_q <= '0; stride_q <= '0; left_q <= '0; rows_left_q <= '0;
      row_beats_q <= '0; d_left_q <= '0; d_rows_q <= '0; beat_q <= '0;
    end else begin
      if (err) err_seen_q <= 1'b1;
      if (done) in_cmd_q <= 1'b0;
      if (accept && !bad) begin
        in_cmd_q <= 1'b1; active_q <= 1'b1; src_q <= cmd_src_i;
        row_addr_q <= cmd_dram_addr_i; addr_q <= cmd_dram_addr_i; stride_q <= cmd_stride_i;
        left_q <= cmd_row_beats_i; rows_left_q <= cmd_rows_i; row_beats_q <= cmd_row_beats_i;
        d_left_q <= cmd_row_beats_i; d_rows_q <= cmd_rows_i; beat_q <= 21'(cmd_sram_beat_i);
      end else begin
        if (req_fire) begin
          if (n == left_q) begin
            left_q <= row_beats_q; rows_left_q <= rows_left_q - 16'd1;
            row_addr_q <= row_addr_q + stride_q; addr_q <= row_addr_q + stride_q;
            if (rows_left_q == 16'd1) active_q <= 1'b0;
          end else begin
            left_q <= left_q - n; addr_q <= addr_q + {n, AlignW'(0)};
          end
        end
        if (w_fire) begin
          beat_q <= beat_q + 21'd1;
          if (d_left_q == 16'd1) begin
            d_left_q <= row_beats_q; d_rows_q <= d_rows_q - 16'd1;
          end else begin
            d_left_q <= d_left_q - 16'd1;
          end
        end
      end
    end
  end

  // ---- the memory: bursts requested (beats still to send), then awaiting their answer --------
  localparam int QD = 8;    // more than the bound can request
  localparam int CW = $clog2(QD) + 1;
  logic       sq_valid, aq_valid;
  logic [7:0] sq_len, hb_q;
  logic [31:0] aq_row;
  logic [CW-1:0] sq_count, aq_count, rows_sent_q;
  logic       sent_last;
  assign sent_last   = w_fire && hb_q == sq_len;
  assign bresp_valid = bresp_i && rows_sent_q != '0;
  tasu_fifo #(.Width(8), .Depth(QD)) u_send (
    .clk_i, .rst_ni, .clear_i(1'b0), .in_valid_i(req_fire), .in_ready_o(), .in_data_i(req_len),
    .out_valid_o(sq_valid), .out_ready_i(sent_last), .out_data_o(sq_len), .count_o(sq_count));
  tasu_fifo #(.Width(32), .Depth(QD)) u_answer (
    .clk_i, .rst_ni, .clear_i(1'b0), .in_valid_i(req_fire), .in_ready_o(), .in_data_i(row_addr_q),
    .out_valid_o(aq_valid), .out_ready_i(bresp_valid), .out_data_o(aq_row), .count_o(aq_count));
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      hb_q <= '0; rows_sent_q <= '0;
    end else begin
      if (w_fire) hb_q <= sent_last ? '0 : hb_q + 8'd1;
      rows_sent_q <= rows_sent_q + CW'(sent_last) - CW'(bresp_valid);
    end
  end

  // ---- the properties (named, so a counterexample shows which broke) ------------------------
  logic p_cmd_ready, p_bad_cmd, p_req, p_req_none, p_wdata, p_wdata_none, p_wlast, p_cap;
  logic p_bus_err, p_err_once, p_done, p_queues;
  logic bad_align;
  assign bad_align   = cmd_dram_addr_i[AlignW-1:0] != '0 || cmd_stride_i[AlignW-1:0] != '0;
  // A command is taken exactly when the previous one completed and nothing failed.
  assign p_cmd_ready = cmd_ready == (!in_cmd_q && !err_seen_q);
  assign p_bad_cmd   = !(accept && bad) || err && err_pc == cmd_pc_i &&
                       err_code == (bad_align ? tasu_pkg::ErrMISALIGNED : tasu_pkg::ErrBAD_OPERAND);
  assign p_req       = !req_valid || active_q && req_addr == addr_q && 16'(req_len) + 16'd1 == n;
  assign p_req_none  = !req_valid || !err_seen_q;
  // Beats in buffer order, each of a requested burst, from inside the buffer.
  assign p_wdata      = !wvalid || sq_valid && data_left && wdata == pattern(src_q, beat_q);
  assign p_wdata_none = !wvalid || !err_seen_q;
  assign p_wlast      = !wvalid || wlast == (hb_q == sq_len);
  assign p_cap        = !wvalid || beat_q < cap;
  assign p_bus_err    = !(bresp_valid && bresp_err_i && !err_seen_q) ||
                        err && err_code == tasu_pkg::ErrBUS_WRITE && err_info == aq_row;
  assign p_err_once   = !(err && err_seen_q);
  // Done only with every beat sent and every burst answered (this cycle's answer the last).
  assign p_done       = !done || in_cmd_q && !err_seen_q && !active_q && !data_left && !sq_valid &&
                        (aq_count == '0 || aq_count == 1 && bresp_valid);
  assign p_queues     = sq_count < QD && aq_count < QD;

  initial assume (!rst_ni);
  always @(posedge clk_i) if (rst_ni)
    assert (p_cmd_ready && p_bad_cmd && p_req && p_req_none && p_wdata && p_wdata_none && p_wlast &&
            p_cap && p_bus_err && p_err_once && p_done && p_queues);

  // Witnesses (scripts/formal.sh shows each reachable): a row split into bursts completes, a
  // command of several rows completes, a buffer overrun is refused.
  logic split_q, rows_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      split_q <= 1'b0; rows_q <= 1'b0;
    end else if (accept) begin
      split_q <= cmd_row_beats_i > 16'(MaxBurst);
      rows_q  <= cmd_rows_i > 16'd1;
    end
  end
  (* keep *) logic cover_done_split, cover_done_rows, cover_overrun;   // kept for `sat -prove`
  assign cover_done_split = done && split_q;
  assign cover_done_rows  = done && rows_q;
  assign cover_overrun    = err && err_code == tasu_pkg::ErrBAD_OPERAND && in_cmd_q;
endmodule
