// Store DMA: executes STORE (output buffer or vector scratchpad -> DRAM) as write bursts. The
// request side issues burst requests as fast as the port takes them; the data side streams
// buffer beats continuously, marking the last beat of each burst from a queue of burst
// lengths. Decoupling the two keeps the write channel busy even for short rows (one token of
// one row block is two beats on `default`). The command completes once every write response
// is back, so the token it releases really means "the data is in DRAM".
module tasu_dma_wr #(
  parameter int BusBytes,
  parameter int MaxBurst,
  parameter int OutBeats,
  parameter int VspBeats,
  parameter int Bursts   = 8,   // burst lengths queued between request and data side
  localparam int BusBits  = BusBytes * 8,
  localparam int AlignW   = $clog2(BusBytes),
  localparam int OutBeatW = $clog2(OutBeats),
  localparam int VspBeatW = $clog2(VspBeats)
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                cmd_valid_i,
  output logic                cmd_ready_o,
  input  logic [31:0]         cmd_pc_i,
  input  logic [tasu_pkg::FSrcW-1:0]        cmd_src_i,  // tasu_pkg::Src*: output buffer or scratchpad
  input  logic [tasu_pkg::FSramBeatW-1:0] cmd_sram_beat_i,
  input  logic [tasu_pkg::FDramAddrW-1:0]   cmd_dram_addr_i,
  input  logic [tasu_pkg::FRowsW-1:0]       cmd_rows_i,
  input  logic [tasu_pkg::FRowBeatsW-1:0]   cmd_row_beats_i,
  input  logic [tasu_pkg::FDramStrideW-1:0] cmd_stride_i,
  output logic                done_o,
  output logic                err_o,
  output logic [tasu_pkg::ErrW-1:0] err_code_o,
  output logic [31:0]         err_pc_o,
  output logic [31:0]         err_info_o,
  output logic                busy_o,
  // Write client port towards the memory arbiter.
  output logic                wr_req_valid_o,
  input  logic                wr_req_ready_i,
  output logic [31:0]         wr_req_addr_o,
  output logic [7:0]          wr_req_len_o,
  output logic                wdata_valid_o,
  input  logic                wdata_ready_i,
  output logic [BusBits-1:0]  wdata_o,
  output logic                wlast_o,
  input  logic                bresp_valid_i,
  input  logic                bresp_err_i,
  // Output buffer and vector scratchpad read ports (data one cycle after the address).
  output logic                ob_rd_valid_o,
  output logic [OutBeatW-1:0] ob_rd_beat_o,
  input  logic [BusBits-1:0]  ob_rd_data_i,
  output logic                vsp_rd_valid_o,
  output logic [VspBeatW-1:0] vsp_rd_beat_o,
  input  logic [BusBits-1:0]  vsp_rd_data_i
);
  typedef enum logic [1:0] {StIdle, StBusy, StHalt} state_e;
  state_e state_q, state_d;

  logic [31:0] pc_q;
  logic [tasu_pkg::FSrcW-1:0] src_q;
  logic        from_vsp;   // the scratchpad, not the output buffer
  assign from_vsp = (src_q == tasu_pkg::SrcVSP);
  logic [15:0] row_beats_q;
  logic [31:0] stride_q;

  // Request side.
  logic        req_active_q;
  logic [31:0] row_addr_q, addr_q;
  logic [15:0] rq_rows_q, rq_beats_q;
  logic [8:0]  burst_len;
  logic        req_fire;
  // Data side.
  logic [20:0] sram_q;                       // next output-buffer beat to read
  logic [15:0] dt_rows_q, dt_beats_q;        // beats still to read, as rows x beats
  logic        dt_left;
  logic        rd_issue, rd_pend_q;
  logic        skid_valid, skid_pop;
  logic [2:0]  skid_count;
  logic [8:0]  beat_in_burst_q;
  logic        len_ready, len_valid;
  logic [8:0]  len_head;
  logic [15:0] resp_pend_q;
  logic        bus_err_q;

  logic cmd_bad_align, cmd_bad_op, start;
  assign cmd_bad_align = (cmd_dram_addr_i[AlignW-1:0] != '0) || (cmd_stride_i[AlignW-1:0] != '0);
  assign cmd_bad_op    = (cmd_rows_i == '0) || (cmd_row_beats_i == '0);
  assign cmd_ready_o   = (state_q == StIdle);
  assign start         = cmd_valid_i && cmd_ready_o && !cmd_bad_align && !cmd_bad_op;

  assign burst_len      = (rq_beats_q > 16'(MaxBurst)) ? 9'(MaxBurst) : rq_beats_q[8:0];
  assign wr_req_valid_o = req_active_q && len_ready && rows_ready && (state_q == StBusy);
  assign wr_req_addr_o  = addr_q;
  assign wr_req_len_o   = 8'(burst_len - 9'd1);
  assign req_fire       = wr_req_valid_o && wr_req_ready_i;

  tasu_fifo #(.Width(9), .Depth(Bursts)) u_lens (
    .clk_i, .rst_ni, .clear_i(1'b0),
    .in_valid_i  (req_fire),
    .in_ready_o  (len_ready),
    .in_data_i   (burst_len),
    .out_valid_o (len_valid),
    .out_ready_i (skid_pop && wlast_o),
    .out_data_o  (len_head),
    .count_o     ()
  );

  // The row of every burst awaiting its write response, so a failed write names its own row.
  logic        rows_ready, rows_valid;
  logic [31:0] resp_row;
  tasu_fifo #(.Width(32), .Depth(16)) u_resp_rows (
    .clk_i, .rst_ni, .clear_i(1'b0),
    .in_valid_i  (req_fire),
    .in_ready_o  (rows_ready),
    .in_data_i   (row_addr_q),
    .out_valid_o (rows_valid),
    .out_ready_i (bresp_valid_i),
    .out_data_o  (resp_row),
    .count_o     ()
  );

  // Reads run ahead into a four-entry skid buffer: a beat per cycle despite the read latency.
  logic sram_over;
  assign dt_left       = (dt_rows_q != '0);
  assign sram_over     = (sram_q >= (from_vsp ? 21'(VspBeats) : 21'(OutBeats)));
  assign rd_issue      = (state_q == StBusy) && dt_left && !sram_over &&
                         ({1'b0, skid_count} + {3'd0, rd_pend_q} < 4'd4);
  assign ob_rd_valid_o  = rd_issue && !from_vsp;
  assign ob_rd_beat_o   = OutBeatW'(sram_q);
  assign vsp_rd_valid_o = rd_issue && from_vsp;
  assign vsp_rd_beat_o  = VspBeatW'(sram_q);

  tasu_fifo #(.Width(BusBits), .Depth(4)) u_skid (
    .clk_i, .rst_ni, .clear_i(1'b0),
    .in_valid_i  (rd_pend_q),
    .in_ready_o  (),
    .in_data_i   (from_vsp ? vsp_rd_data_i : ob_rd_data_i),
    .out_valid_o (skid_valid),
    .out_ready_i (skid_pop),
    .out_data_o  (wdata_o),
    .count_o     (skid_count)
  );

  assign wdata_valid_o = skid_valid && len_valid && (state_q == StBusy);
  assign wlast_o       = (beat_in_burst_q == len_head - 9'd1);
  assign skid_pop      = wdata_valid_o && wdata_ready_i;

  // Completion: everything requested, read, sent and acknowledged.
  logic all_sent, finish;
  assign all_sent = !req_active_q && !dt_left && !rd_pend_q && !skid_valid;
  assign finish   = (state_q == StBusy) && all_sent &&
                    ((resp_pend_q == '0) || (resp_pend_q == 16'd1 && bresp_valid_i));

  logic bus_err;
  assign bus_err = bresp_valid_i && bresp_err_i && !bus_err_q && (state_q != StHalt);

  // ERR_INFO of a STORE with bad operands (ERR_INFO_TRANSFER, dst 0).
  logic [31:0] bad_info;
  always_comb begin
    bad_info = '0;
    bad_info[tasu_pkg::RegErrInfoTransferRowsLsb +: tasu_pkg::RegErrInfoTransferRowsW] = cmd_rows_i;
  end

  always_comb begin
    state_d    = state_q;
    done_o     = 1'b0;
    err_o      = 1'b0;
    err_code_o = tasu_pkg::ErrNONE;
    err_pc_o   = pc_q;
    err_info_o = '0;
    unique case (state_q)
      StIdle: begin
        if (cmd_valid_i && (cmd_bad_align || cmd_bad_op)) begin
          err_o      = 1'b1;
          err_code_o = cmd_bad_align ? tasu_pkg::ErrMISALIGNED : tasu_pkg::ErrBAD_OPERAND;
          err_pc_o   = cmd_pc_i;
          err_info_o = cmd_bad_align ? cmd_dram_addr_i : bad_info;
          state_d    = StHalt;
        end else if (start) begin
          state_d = StBusy;
        end
      end
      StBusy: begin
        if (bus_err) begin
          err_o      = 1'b1;
          err_code_o = tasu_pkg::ErrBUS_WRITE;
          err_info_o = rows_valid ? resp_row : row_addr_q;
          state_d    = StHalt;
        end else if (dt_left && sram_over) begin
          err_o      = 1'b1;
          err_code_o = tasu_pkg::ErrBAD_OPERAND;
          err_info_o = {11'd0, sram_q};
          state_d    = StHalt;
        end else if (finish) begin
          done_o  = 1'b1;
          state_d = StIdle;
        end
      end
      StHalt: ;
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q         <= StIdle;
      pc_q            <= '0;
      src_q           <= tasu_pkg::SrcOUT;
      row_beats_q     <= '0;
      stride_q        <= '0;
      req_active_q    <= 1'b0;
      row_addr_q      <= '0;
      addr_q          <= '0;
      rq_rows_q       <= '0;
      rq_beats_q      <= '0;
      sram_q          <= '0;
      dt_rows_q       <= '0;
      dt_beats_q      <= '0;
      rd_pend_q       <= 1'b0;
      beat_in_burst_q <= '0;
      resp_pend_q     <= '0;
      bus_err_q       <= 1'b0;
    end else begin
      state_q     <= state_d;
      rd_pend_q   <= rd_issue;
      resp_pend_q <= resp_pend_q + 16'(req_fire) - 16'(bresp_valid_i);
      if (bresp_valid_i && bresp_err_i) bus_err_q <= 1'b1;
      if (start) begin
        pc_q         <= cmd_pc_i;
        src_q        <= cmd_src_i;
        row_beats_q  <= cmd_row_beats_i;
        stride_q     <= cmd_stride_i;
        req_active_q <= 1'b1;
        row_addr_q   <= cmd_dram_addr_i;
        addr_q       <= cmd_dram_addr_i;
        rq_rows_q    <= cmd_rows_i;
        rq_beats_q   <= cmd_row_beats_i;
        sram_q       <= 21'(cmd_sram_beat_i);
        dt_rows_q    <= cmd_rows_i;
        dt_beats_q   <= cmd_row_beats_i;
      end else begin
        if (req_fire) begin
          if (rq_beats_q == 16'(burst_len)) begin
            rq_rows_q    <= rq_rows_q - 16'd1;
            rq_beats_q   <= row_beats_q;
            row_addr_q   <= row_addr_q + stride_q;
            addr_q       <= row_addr_q + stride_q;
            if (rq_rows_q == 16'd1) req_active_q <= 1'b0;
          end else begin
            rq_beats_q <= rq_beats_q - 16'(burst_len);
            addr_q     <= addr_q + 32'({burst_len, AlignW'(0)});
          end
        end
        if (rd_issue) begin
          sram_q <= sram_q + 21'd1;
          if (dt_beats_q == 16'd1) begin
            dt_rows_q  <= dt_rows_q - 16'd1;
            dt_beats_q <= row_beats_q;
          end else begin
            dt_beats_q <= dt_beats_q - 16'd1;
          end
        end
      end
      if (skid_pop) beat_in_burst_q <= wlast_o ? '0 : beat_in_burst_q + 9'd1;
    end
  end

  assign busy_o = (state_q == StBusy);
  `ASSERT(LegalState, state_q == StIdle || state_q == StBusy || state_q == StHalt)
endmodule
