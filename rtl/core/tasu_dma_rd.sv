// Load DMA: executes LOAD (DRAM -> weight tiles, activation buffer or vector scratchpad) as bursts on the read
// channel. Requests run ahead of the data (up to Outstanding bursts), and the next LOAD may start
// requesting while the previous one's data is still arriving, so back-to-back loads keep the
// memory busy without paying its latency once per command.
// With WPack (1.6-bit weights) a weight LOAD's sram_beat is the first tile word it fills and its
// beats are one byte stream of WgtWordBytes-byte words (tasu_wgt_gearbox reassembles them): the
// capacity check counts bytes, and the first beat of the LOAD is marked.
module tasu_dma_rd #(
  parameter int BusBytes,
  parameter int MaxBurst,
  parameter int Outstanding = 8,
  parameter int WgtBeats,  // capacity of the weight space (both buffers), in beats (WPack: words)
  parameter int WPack = 0,
  parameter int WgtWordBytes = 1,  // WPack's tile word
  parameter int ActBeats,
  parameter int VspBeats,
  localparam int BusBits  = BusBytes * 8,
  localparam int AlignW   = $clog2(BusBytes),
  localparam int WgtBeatW = $clog2(WgtBeats),
  localparam int ActBeatW = $clog2(ActBeats),
  localparam int VspBeatW = $clog2(VspBeats)
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  // LOAD command.
  input  logic                cmd_valid_i,
  output logic                cmd_ready_o,
  input  logic [31:0]         cmd_pc_i,
  input  logic [tasu_pkg::FDstW-1:0]        cmd_dst_i,
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
  // Read client port towards the memory arbiter.
  output logic                rd_req_valid_o,
  input  logic                rd_req_ready_i,
  output logic [31:0]         rd_req_addr_o,
  output logic [7:0]          rd_req_len_o,
  input  logic                rd_valid_i,
  input  logic [BusBits-1:0]  rd_data_i,
  input  logic                rd_last_i,
  input  logic                rd_err_i,
  // Buffer fills.
  output logic                wgt_wr_valid_o,
  output logic                wgt_wr_first_o,  // the LOAD's first beat (used with WPack)
  output logic [WgtBeatW-1:0] wgt_wr_beat_o,
  output logic                act_wr_valid_o,
  output logic [ActBeatW-1:0] act_wr_beat_o,
  output logic                vsp_wr_valid_o,
  output logic [VspBeatW-1:0] vsp_wr_beat_o,
  output logic [BusBits-1:0]  wr_data_o
);
  typedef enum logic [1:0] {StIdle, StReq, StHalt} state_e;
  state_e state_q, state_d;

  // Request side: the command being split into bursts.
  logic [1:0]  dst_q;
  logic [31:0] pc_q;
  logic [20:0] sram_q, sram_d;
  logic [31:0] row_addr_q, row_addr_d, addr_q, addr_d;
  logic [15:0] rows_left_q, rows_left_d, beats_left_q, beats_left_d;
  logic [15:0] row_beats_q;
  logic [31:0] stride_q;
  logic [8:0]  burst_len;
  logic        last_burst;
  logic        over_cap;
  // WPack: the byte of the packed weight space the next burst starts at (first word * word bytes
  // + bytes requested); its words fit if it ends before the byte after the last word's.
  localparam logic [33:0] PackCapBytes = (34'(WgtBeats) + 34'd1) * 34'(WgtWordBytes);
  logic        packed_wgt, first_q, first_d;
  logic [33:0] pbytes_q, pbytes_d;

  // One descriptor per burst in flight: where its beats go and whose they are.
  localparam int DescW = 2 + 21 + 1 + 1 + 32 + 32;
  logic             desc_push, desc_ready, desc_valid, desc_pop;
  logic [DescW-1:0] desc_in, desc_out;

  logic        req_err, bus_err;
  logic [tasu_pkg::ErrW-1:0] req_code;
  logic [31:0] req_pc, req_info;

  logic cmd_bad_align, cmd_bad_op;
  assign cmd_bad_align = (cmd_dram_addr_i[AlignW-1:0] != '0) || (cmd_stride_i[AlignW-1:0] != '0);
  assign cmd_bad_op    = (cmd_rows_i == '0) || (cmd_row_beats_i == '0) || (cmd_dst_i > tasu_pkg::DstVSP);

  assign burst_len  = (beats_left_q > 16'(MaxBurst)) ? 9'(MaxBurst) : beats_left_q[8:0];
  assign last_burst = (rows_left_q == 16'd1) && (beats_left_q == 16'(burst_len));
  logic over_beats, over_bytes;
  assign packed_wgt = (WPack != 0) && (dst_q == tasu_pkg::DstWGT);
  assign over_beats = (sram_q + 21'(burst_len)) > ((dst_q == tasu_pkg::DstACT) ? 21'(ActBeats) :
                                                (dst_q == tasu_pkg::DstVSP) ? 21'(VspBeats) : 21'(WgtBeats));
  assign over_bytes = pbytes_q + 34'({burst_len, AlignW'(0)}) >= PackCapBytes;
  assign over_cap   = packed_wgt ? over_bytes : over_beats;

  assign rd_req_addr_o = addr_q;
  assign rd_req_len_o  = 8'(burst_len - 9'd1);
  assign desc_in       = {dst_q, sram_q, last_burst, first_q, addr_q, pc_q};

  // ERR_INFO of a LOAD with bad operands (ERR_INFO_TRANSFER).
  logic [31:0] bad_info;
  always_comb begin
    bad_info = '0;
    bad_info[tasu_pkg::RegErrInfoTransferRowsLsb +: tasu_pkg::RegErrInfoTransferRowsW] = cmd_rows_i;
    bad_info[tasu_pkg::RegErrInfoTransferDstLsb +: tasu_pkg::RegErrInfoTransferDstW]   = cmd_dst_i;
  end

  always_comb begin
    state_d        = state_q;
    sram_d         = sram_q;
    pbytes_d       = pbytes_q;
    first_d        = first_q;
    row_addr_d     = row_addr_q;
    addr_d         = addr_q;
    rows_left_d    = rows_left_q;
    beats_left_d   = beats_left_q;
    cmd_ready_o    = 1'b0;
    rd_req_valid_o = 1'b0;
    desc_push      = 1'b0;
    req_err          = 1'b0;
    req_code     = tasu_pkg::ErrNONE;
    req_pc       = pc_q;
    req_info     = '0;
    unique case (state_q)
      StIdle: begin
        cmd_ready_o = 1'b1;
        if (cmd_valid_i) begin
          if (cmd_bad_align || cmd_bad_op) begin
            req_err      = 1'b1;
            req_code = cmd_bad_align ? tasu_pkg::ErrMISALIGNED : tasu_pkg::ErrBAD_OPERAND;
            req_pc   = cmd_pc_i;
            req_info = cmd_bad_align ? cmd_dram_addr_i : bad_info;
            state_d    = StHalt;
          end else begin
            state_d      = StReq;
            sram_d       = 21'(cmd_sram_beat_i);
            pbytes_d     = 34'(cmd_sram_beat_i) * 34'(WgtWordBytes);
            first_d      = 1'b1;
            row_addr_d   = cmd_dram_addr_i;
            addr_d       = cmd_dram_addr_i;
            rows_left_d  = cmd_rows_i;
            beats_left_d = cmd_row_beats_i;
          end
        end
      end
      StReq: begin
        if (over_cap) begin
          req_err      = 1'b1;
          req_code = tasu_pkg::ErrBAD_OPERAND;
          req_info = packed_wgt ? pbytes_q[31:0] : {11'd0, sram_q};
          state_d    = StHalt;
        end else begin
          rd_req_valid_o = desc_ready;
          if (rd_req_ready_i && desc_ready) begin
            desc_push = 1'b1;
            first_d   = 1'b0;
            // A packed weight LOAD's descriptors all carry its first word (only the first beat's
            // is used); the bytes count on.
            if (packed_wgt) pbytes_d = pbytes_q + 34'({burst_len, AlignW'(0)});
            else            sram_d   = sram_q + 21'(burst_len);
            if (beats_left_q == 16'(burst_len)) begin
              rows_left_d  = rows_left_q - 16'd1;
              beats_left_d = row_beats_q;
              row_addr_d   = row_addr_q + stride_q;
              addr_d       = row_addr_q + stride_q;
              if (last_burst) state_d = StIdle;
            end else begin
              beats_left_d = beats_left_q - 16'(burst_len);
              addr_d       = addr_q + 32'({burst_len, AlignW'(0)});
            end
          end
        end
      end
      // After an error nothing more is requested; in-flight data still drains below.
      StHalt: ;
      default: state_d = StIdle;
    endcase
    // A failed burst halts the request side too: the rest of the command would be dropped anyway
    // (found by the formal proof: the requests ran on after a bus error).
    if (bus_err) state_d = StHalt;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q      <= StIdle;
      dst_q        <= tasu_pkg::DstWGT;
      pc_q         <= '0;
      sram_q       <= '0;
      pbytes_q     <= '0;
      first_q      <= 1'b0;
      row_addr_q   <= '0;
      addr_q       <= '0;
      rows_left_q  <= '0;
      beats_left_q <= '0;
      row_beats_q  <= '0;
      stride_q     <= '0;
    end else begin
      state_q      <= state_d;
      sram_q       <= sram_d;
      pbytes_q     <= pbytes_d;
      first_q      <= first_d;
      row_addr_q   <= row_addr_d;
      addr_q       <= addr_d;
      rows_left_q  <= rows_left_d;
      beats_left_q <= beats_left_d;
      if (state_q == StIdle && cmd_valid_i) begin
        dst_q       <= cmd_dst_i;
        pc_q        <= cmd_pc_i;
        row_beats_q <= cmd_row_beats_i;
        stride_q    <= cmd_stride_i;
      end
    end
  end

  tasu_fifo #(.Width(DescW), .Depth(Outstanding)) u_desc (
    .clk_i, .rst_ni, .clear_i(1'b0),
    .in_valid_i  (desc_push),
    .in_ready_o  (desc_ready),
    .in_data_i   (desc_in),
    .out_valid_o (desc_valid),
    .out_ready_i (desc_pop),
    .out_data_o  (desc_out),
    .count_o     ()
  );

  // Data side: beats arrive in request order; the head descriptor says where they go.
  logic [1:0]  d_dst;
  logic        d_last_cmd, d_first_cmd;
  logic [20:0] d_sram;
  logic [31:0] d_addr, d_pc;
  logic [8:0]  beat_q;
  logic        data_err_q;
  assign {d_dst, d_sram, d_last_cmd, d_first_cmd, d_addr, d_pc} = desc_out;
  assign desc_pop = rd_valid_i && rd_last_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      beat_q     <= '0;
      data_err_q <= 1'b0;
    end else if (rd_valid_i) begin
      beat_q <= rd_last_i ? '0 : beat_q + 9'd1;
      if (rd_err_i) data_err_q <= 1'b1;
    end
  end

  logic [20:0] wr_beat;
  logic        beat_ok;
  assign wr_beat        = d_sram + 21'(beat_q);
  // Data from a failed burst, or after any failure, never reaches the buffers, and a command
  // whose last beats were dropped does not complete (the formal proof found a done after a
  // refused burst).
  assign beat_ok        = rd_valid_i && desc_valid && !rd_err_i && !data_err_q && (state_q != StHalt);
  assign wgt_wr_valid_o = beat_ok && (d_dst == tasu_pkg::DstWGT);
  assign wgt_wr_first_o = d_first_cmd && (beat_q == '0);
  assign act_wr_valid_o = beat_ok && (d_dst == tasu_pkg::DstACT);
  assign vsp_wr_valid_o = beat_ok && (d_dst == tasu_pkg::DstVSP);
  assign vsp_wr_beat_o  = VspBeatW'(wr_beat);
  assign wgt_wr_beat_o  = WgtBeatW'(wr_beat);
  assign act_wr_beat_o  = ActBeatW'(wr_beat);
  assign wr_data_o      = rd_data_i;

  // A bus error on returning data and a bad command on the request side can coincide; the
  // request side is the older failure only if it was detected first, so report it first.
  assign bus_err = rd_valid_i && rd_err_i && !data_err_q && (state_q != StHalt);
  assign done_o  = beat_ok && rd_last_i && d_last_cmd;
  assign busy_o  = (state_q == StReq) || desc_valid;

  assign err_o      = req_err || bus_err;
  assign err_code_o = bus_err ? tasu_pkg::ErrBUS_READ : req_code;
  assign err_pc_o   = bus_err ? d_pc : req_pc;
  assign err_info_o = bus_err ? d_addr : req_info;
  `ASSERT(LegalState, state_q == StIdle || state_q == StReq || state_q == StHalt)
endmodule
