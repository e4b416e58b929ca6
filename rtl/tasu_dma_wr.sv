// Store DMA: executes STORE (output buffer -> DRAM) as write bursts. Each burst is a request
// followed by its beats; the command completes once every write response is back, so the
// semaphore it releases really means "the data is in DRAM".
module tasu_dma_wr #(
  parameter int BusBytes = 64,
  parameter int MaxBurst = 16,
  parameter int OutBeats = 256,
  localparam int BusBits  = BusBytes * 8,
  localparam int AlignW   = $clog2(BusBytes),
  localparam int OutBeatW = $clog2(OutBeats)
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                cmd_valid_i,
  output logic                cmd_ready_o,
  input  logic [31:0]         cmd_pc_i,
  input  logic [19:0]         cmd_sram_beat_i,
  input  logic [31:0]         cmd_dram_addr_i,
  input  logic [15:0]         cmd_rows_i,
  input  logic [15:0]         cmd_row_beats_i,
  input  logic [31:0]         cmd_stride_i,
  output logic                done_o,
  output logic                err_o,
  output logic [3:0]          err_code_o,
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
  // Output buffer read port (data one cycle after the address).
  output logic                ob_rd_valid_o,
  output logic [OutBeatW-1:0] ob_rd_beat_o,
  input  logic [BusBits-1:0]  ob_rd_data_i
);
  typedef enum logic [2:0] {StIdle, StReq, StData, StResp, StHalt} state_e;
  state_e state_q, state_d;

  logic [31:0] pc_q;
  logic [20:0] sram_q, sram_d;
  logic [31:0] row_addr_q, row_addr_d, addr_q, addr_d;
  logic [15:0] rows_left_q, rows_left_d, beats_left_q, beats_left_d;
  logic [15:0] row_beats_q;
  logic [31:0] stride_q;
  logic [8:0]  burst_len, len_q, len_d;
  logic [8:0]  rd_cnt_q, rd_cnt_d, wr_cnt_q, wr_cnt_d;  // beats read from the buffer / sent
  logic [15:0] resp_pend_q;                            // write responses still owed
  logic        resp_inc;
  logic        rd_pend_q;
  logic        fifo_in_ready, fifo_valid, fifo_pop;
  logic [1:0]  fifo_count;
  logic        bus_err_q;

  logic cmd_bad_align, cmd_bad_op;
  assign cmd_bad_align = (cmd_dram_addr_i[AlignW-1:0] != '0) || (cmd_stride_i[AlignW-1:0] != '0);
  assign cmd_bad_op    = (cmd_rows_i == '0) || (cmd_row_beats_i == '0);
  assign burst_len     = (beats_left_q > 16'(MaxBurst)) ? 9'(MaxBurst) : beats_left_q[8:0];

  assign wr_req_addr_o = addr_q;
  assign wr_req_len_o  = 8'(burst_len - 9'd1);

  // Buffer reads run one beat ahead into a two-entry skid FIFO so the bus sees a beat per cycle.
  logic rd_issue;
  assign rd_issue      = (state_q == StData) && (rd_cnt_q != len_q) &&
                         ({1'b0, fifo_count} + {1'b0, rd_pend_q} < 3'd2);
  assign ob_rd_valid_o = rd_issue;
  assign ob_rd_beat_o  = OutBeatW'(sram_q + 21'(rd_cnt_q));
  assign fifo_pop      = wdata_valid_o && wdata_ready_i;
  assign wdata_valid_o = fifo_valid && (state_q == StData);
  assign wlast_o       = (wr_cnt_q == len_q - 9'd1);

  always_comb begin
    state_d        = state_q;
    sram_d         = sram_q;
    row_addr_d     = row_addr_q;
    addr_d         = addr_q;
    rows_left_d    = rows_left_q;
    beats_left_d   = beats_left_q;
    len_d          = len_q;
    rd_cnt_d       = rd_cnt_q + 9'(rd_issue);
    wr_cnt_d       = wr_cnt_q + 9'(fifo_pop);
    cmd_ready_o    = 1'b0;
    wr_req_valid_o = 1'b0;
    resp_inc       = 1'b0;
    done_o         = 1'b0;
    err_o          = 1'b0;
    err_code_o     = tasu_pkg::ErrNONE;
    err_pc_o       = pc_q;
    err_info_o     = '0;
    unique case (state_q)
      StIdle: begin
        cmd_ready_o = 1'b1;
        if (cmd_valid_i) begin
          if (cmd_bad_align || cmd_bad_op) begin
            err_o      = 1'b1;
            err_code_o = cmd_bad_align ? tasu_pkg::ErrMISALIGNED : tasu_pkg::ErrBAD_OPERAND;
            err_pc_o   = cmd_pc_i;
            err_info_o = cmd_bad_align ? cmd_dram_addr_i : {16'd0, cmd_rows_i};
            state_d    = StHalt;
          end else begin
            state_d      = StReq;
            sram_d       = {1'b0, cmd_sram_beat_i};
            row_addr_d   = cmd_dram_addr_i;
            addr_d       = cmd_dram_addr_i;
            rows_left_d  = cmd_rows_i;
            beats_left_d = cmd_row_beats_i;
          end
        end
      end
      StReq: begin
        if ((sram_q + 21'(burst_len)) > 21'(OutBeats)) begin
          err_o      = 1'b1;
          err_code_o = tasu_pkg::ErrBAD_OPERAND;
          err_info_o = {11'd0, sram_q};
          state_d    = StHalt;
        end else begin
          wr_req_valid_o = 1'b1;
          if (wr_req_ready_i) begin
            resp_inc = 1'b1;
            len_d    = burst_len;
            rd_cnt_d = '0;
            wr_cnt_d = '0;
            state_d  = StData;
          end
        end
      end
      StData: begin
        if (fifo_pop && wlast_o) begin
          sram_d = sram_q + 21'(len_q);
          if (beats_left_q == 16'(len_q)) begin
            rows_left_d  = rows_left_q - 16'd1;
            beats_left_d = row_beats_q;
            row_addr_d   = row_addr_q + stride_q;
            addr_d       = row_addr_q + stride_q;
            state_d      = (rows_left_q == 16'd1) ? StResp : StReq;
          end else begin
            beats_left_d = beats_left_q - 16'(len_q);
            addr_d       = addr_q + 32'({len_q, AlignW'(0)});
            state_d      = StReq;
          end
        end
      end
      StResp: begin
        if (resp_pend_q == '0 || (resp_pend_q == 16'd1 && bresp_valid_i)) begin
          if (!(bresp_valid_i && bresp_err_i) && !bus_err_q) done_o = 1'b1;
          state_d = StIdle;
        end
      end
      StHalt: ;
      default: state_d = StIdle;
    endcase
    if (bresp_valid_i && bresp_err_i && !bus_err_q && state_q != StHalt) begin
      err_o      = 1'b1;
      err_code_o = tasu_pkg::ErrBUS_WRITE;
      err_pc_o   = pc_q;
      err_info_o = row_addr_q;
      state_d    = StHalt;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q      <= StIdle;
      pc_q         <= '0;
      sram_q       <= '0;
      row_addr_q   <= '0;
      addr_q       <= '0;
      rows_left_q  <= '0;
      beats_left_q <= '0;
      row_beats_q  <= '0;
      stride_q     <= '0;
      len_q        <= '0;
      rd_cnt_q     <= '0;
      wr_cnt_q     <= '0;
      resp_pend_q  <= '0;
      rd_pend_q    <= 1'b0;
      bus_err_q    <= 1'b0;
    end else begin
      state_q      <= state_d;
      sram_q       <= sram_d;
      row_addr_q   <= row_addr_d;
      addr_q       <= addr_d;
      rows_left_q  <= rows_left_d;
      beats_left_q <= beats_left_d;
      len_q        <= len_d;
      rd_cnt_q     <= rd_cnt_d;
      wr_cnt_q     <= wr_cnt_d;
      rd_pend_q    <= rd_issue;
      resp_pend_q  <= resp_pend_q + 16'(resp_inc) - 16'(bresp_valid_i);
      if (bresp_valid_i && bresp_err_i) bus_err_q <= 1'b1;
      if (state_q == StIdle && cmd_valid_i) begin
        pc_q        <= cmd_pc_i;
        row_beats_q <= cmd_row_beats_i;
        stride_q    <= cmd_stride_i;
      end
    end
  end

  tasu_fifo #(.Width(BusBits), .Depth(2)) u_skid (
    .clk_i, .rst_ni,
    .in_valid_i  (rd_pend_q),
    .in_ready_o  (fifo_in_ready),
    .in_data_i   (ob_rd_data_i),
    .out_valid_o (fifo_valid),
    .out_ready_i (fifo_pop),
    .out_data_o  (wdata_o),
    .count_o     (fifo_count)
  );

  assign busy_o  = (state_q != StIdle) && (state_q != StHalt);
endmodule
