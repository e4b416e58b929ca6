// tasu accelerator top: register interface for the host, one DRAM master port, and inside the
// command processor, the load and store DMA engines, the ternary matrix engine and the vector
// unit. The engine and the vector unit share the execute queue: one runs at a time.
module tasu_top #(
  parameter int Engine,     // tasu_pkg::Eng*: ternary, or a baseline MAC array
  parameter int Tiles,
  parameter int Rows,
  parameter int Lanes,
  parameter int WDepth,
  parameter int ActWords,
  parameter int OutWords,
  parameter int BusBytes,
  parameter int MaxBurst,
  parameter int AccW,
  parameter int VRows,
  parameter int WPack,      // 1: 1.6-bit ternary weights (five per byte), see tasu_tile
  localparam int BusBits  = BusBytes * 8,
  // The weight space in beats, or with WPack in tile words (a packed LOAD addresses words).
  localparam int WgtBeats = tasu_pkg::WgtBufs * WDepth * Tiles *
                            (WPack != 0 ? 1 : Rows * Lanes * tasu_pkg::EngineWBits[Engine*32 +: 32] / BusBits),
  localparam int ActBeats = ActWords * (Tiles * Lanes * 8 / BusBits),
  localparam int OutBeats = OutWords * (Rows * 32 / BusBits),
  localparam int VspBeats = VRows * (tasu_pkg::VLanes * 32 / BusBits),
  localparam int OutAddrW = $clog2(OutWords)
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  // Host register port.
  input  logic               reg_valid_i,
  input  logic               reg_write_i,
  input  logic [7:0]         reg_addr_i,
  input  logic [31:0]        reg_wdata_i,
  output logic [31:0]        reg_rdata_o,
  output logic               irq_o,
  // DRAM master port: requests, write data, read data, write responses.
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
  input  logic               mem_berr_i,
  // Instruction trace for timelines (tasu run --timeline): it observes the command handshakes
  // and drives nothing. Bit u is unit u (tasu_pkg::Unit*: load DMA, engine, vector unit, store
  // DMA), bit TraceFetch (= NumUnits) the instruction fetch (a burst requested, its last beat
  // back); each finishes in the order it started.
  output logic [tasu_pkg::NumTraceTracks-1:0] trc_start_o,   // the unit accepted the instruction at its trc_*_pc_o
  output logic [tasu_pkg::NumTraceTracks-1:0] trc_done_o,    // the unit finished its oldest instruction
  output logic [31:0]        trc_ld_pc_o,
  output logic [31:0]        trc_ex_pc_o,
  output logic [31:0]        trc_vu_pc_o,
  output logic [31:0]        trc_st_pc_o,
  output logic [31:0]        trc_fetch_pc_o  // the first instruction of the fetch burst requested
);
  // Command processor <-> register file.
  logic        start, busy, done, error;
  logic [tasu_pkg::ErrW-1:0] err_code;
  logic [31:0] prog_base, prog_len, err_pc, err_info, pc, unit_state;
  logic [tasu_pkg::NumUnits*32-1:0] semaphores;
  logic        insn_ev;

  // Fetch client.
  logic        f_req_valid, f_req_ready, f_rd_valid;
  logic [31:0] f_req_addr;
  logic [7:0]  f_req_len;
  // Load DMA client.
  logic        l_req_valid, l_req_ready, l_rd_valid;
  logic [31:0] l_req_addr;
  logic [7:0]  l_req_len;
  logic [BusBits-1:0] rd_data;
  logic        rd_last, rd_err;
  // Store DMA client.
  logic        s_req_valid, s_req_ready, s_wvalid, s_wready, s_wlast, s_bvalid, s_berr;
  logic [31:0] s_req_addr;
  logic [7:0]  s_req_len;
  logic [BusBits-1:0] s_wdata;

  // Unit commands.
  logic         ld_valid, ld_ready, ex_valid, ex_ready, vu_valid, vu_ready, st_valid, st_ready;
  logic [tasu_pkg::InsnBits-1:0] ld_insn, ex_insn, vu_insn, st_insn;
  logic [31:0]  ld_pc, ex_pc, vu_pc, st_pc;
  logic         ld_done, ex_done, vu_done, st_done, ld_busy, ex_busy, vu_busy, st_busy;
  logic         ld_err, ex_err, vu_err, st_err;
  logic [tasu_pkg::ErrW-1:0] ld_err_code, st_err_code;
  logic [31:0]  ld_err_pc, ld_err_info, st_err_pc, st_err_info, ex_err_info, vu_err_info;

  // Buffer fills and drains.
  logic                        wgt_wr_valid, wgt_wr_first, act_wr_valid, ob_rd_valid;
  logic [$clog2(WgtBeats)-1:0] wgt_wr_beat;
  logic [$clog2(ActBeats)-1:0] act_wr_beat;
  logic [$clog2(OutBeats)-1:0] ob_rd_beat;
  logic [BusBits-1:0]          fill_data, ob_rd_data;
  logic                        vsp_wr_valid, vsp_rd_valid;
  logic [$clog2(VspBeats)-1:0] vsp_wr_beat, vsp_rd_beat;
  logic [BusBits-1:0]          vsp_rd_data;

  // The vector unit's paths into the engine's buffers.
  logic                        vu_ob_rd_valid, vu_act_wr_valid;
  logic [OutAddrW-1:0]         vu_ob_rd_word;
  logic [Rows*32-1:0]          vu_ob_rd_data;
  logic [$clog2(ActBeats)-1:0] vu_act_wr_beat;
  logic [BusBits-1:0]          vu_act_wr_data;

  // Tracks in unit order, then the fetch (TraceFetch = NumUnits).
  logic [tasu_pkg::NumUnits-1:0] unit_start, unit_done;
  assign unit_start[tasu_pkg::UnitLD] = ld_valid && ld_ready;
  assign unit_start[tasu_pkg::UnitEX] = ex_valid && ex_ready;
  assign unit_start[tasu_pkg::UnitVU] = vu_valid && vu_ready;
  assign unit_start[tasu_pkg::UnitST] = st_valid && st_ready;
  assign unit_done[tasu_pkg::UnitLD]  = ld_done;
  assign unit_done[tasu_pkg::UnitEX]  = ex_done;
  assign unit_done[tasu_pkg::UnitVU]  = vu_done;
  assign unit_done[tasu_pkg::UnitST]  = st_done;
  assign trc_start_o = {f_req_valid && f_req_ready, unit_start};
  assign trc_done_o  = {f_rd_valid && rd_last, unit_done};
  assign trc_fetch_pc_o = (f_req_addr - prog_base) >> $clog2(tasu_pkg::InsnBits / 8);
  assign trc_ld_pc_o = ld_pc;
  assign trc_ex_pc_o = ex_pc;
  assign trc_vu_pc_o = vu_pc;
  assign trc_st_pc_o = st_pc;

  tasu_regs #(
    .Engine(Engine), .Tiles(Tiles), .Rows(Rows), .Lanes(Lanes), .WDepth(WDepth),
    .ActWords(ActWords), .OutWords(OutWords), .BusBytes(BusBytes), .VRows(VRows), .WPack(WPack)
  ) u_regs (
    .clk_i, .rst_ni, .reg_valid_i, .reg_write_i, .reg_addr_i, .reg_wdata_i, .reg_rdata_o, .irq_o,
    .start_o       (start),
    .prog_base_o   (prog_base),
    .prog_len_o    (prog_len),
    .busy_i        (busy),
    .done_i        (done),
    .error_i       (error),
    .err_code_i    (err_code),
    .err_pc_i      (err_pc),
    .err_info_i    (err_info),
    .pc_i          (pc),
    .unit_state_i  (unit_state),
    .semaphores_i  (semaphores),
    .ev_ex_busy_i  (ex_busy),
    .ev_vu_busy_i  (vu_busy),
    .ev_ld_busy_i  (ld_busy),
    .ev_st_busy_i  (st_busy),
    .ev_rd_beat_i  (mem_rvalid_i && mem_rready_o),
    .ev_wr_beat_i  (mem_wvalid_o && mem_wready_i),
    // A stall: a DMA has work in flight yet no data beat moves on the port this cycle.
    .ev_stall_i    ((ld_busy || st_busy) && !l_rd_valid && !(mem_wvalid_o && mem_wready_i)),
    .ev_insn_i     (insn_ev)
  );

  tasu_cmd_proc #(.BusBytes(BusBytes)) u_cmd_proc (
    .clk_i, .rst_ni,
    .start_i       (start),
    .prog_base_i   (prog_base),
    .prog_len_i    (prog_len),
    .busy_o        (busy),
    .done_o        (done),
    .error_o       (error),
    .err_code_o    (err_code),
    .err_pc_o      (err_pc),
    .err_info_o    (err_info),
    .pc_o          (pc),
    .unit_state_o  (unit_state),
    .semaphores_o  (semaphores),
    .insn_o        (insn_ev),
    .f_req_valid_o (f_req_valid),
    .f_req_ready_i (f_req_ready),
    .f_req_addr_o  (f_req_addr),
    .f_req_len_o   (f_req_len),
    .f_rd_valid_i  (f_rd_valid),
    .f_rd_data_i   (rd_data),
    .f_rd_last_i   (rd_last),
    .f_rd_err_i    (rd_err),
    .ld_valid_o    (ld_valid), .ld_ready_i(ld_ready),
    .ex_valid_o    (ex_valid), .ex_ready_i(ex_ready),
    .vu_valid_o    (vu_valid), .vu_ready_i(vu_ready),
    .st_valid_o    (st_valid), .st_ready_i(st_ready),
    .ld_insn_o     (ld_insn), .ex_insn_o(ex_insn), .vu_insn_o(vu_insn), .st_insn_o(st_insn),
    .ld_pc_o       (ld_pc), .ex_pc_o(ex_pc), .vu_pc_o(vu_pc), .st_pc_o(st_pc),
    .ld_done_i     (ld_done), .ex_done_i(ex_done), .vu_done_i(vu_done), .st_done_i(st_done),
    .ld_busy_i     (ld_busy), .ex_busy_i(ex_busy), .vu_busy_i(vu_busy), .st_busy_i(st_busy),
    .ld_err_i      (ld_err), .ld_err_code_i(ld_err_code), .ld_err_pc_i(ld_err_pc), .ld_err_info_i(ld_err_info),
    .ex_err_i      (ex_err), .ex_err_info_i(ex_err_info),
    .vu_err_i      (vu_err), .vu_err_info_i(vu_err_info),
    .st_err_i      (st_err), .st_err_code_i(st_err_code), .st_err_pc_i(st_err_pc), .st_err_info_i(st_err_info)
  );

  tasu_dma_rd #(
    .BusBytes(BusBytes), .MaxBurst(MaxBurst), .WgtBeats(WgtBeats), .ActBeats(ActBeats),
    .VspBeats(VspBeats), .WPack(WPack), .WgtWordBytes(tasu_pkg::trit5_bytes(Rows * Lanes))
  ) u_dma_rd (
    .clk_i, .rst_ni,
    .cmd_valid_i     (ld_valid),
    .cmd_ready_o     (ld_ready),
    .cmd_pc_i        (ld_pc),
    .cmd_dst_i       (ld_insn[tasu_pkg::FDstLsb +: tasu_pkg::FDstW]),
    .cmd_sram_beat_i (ld_insn[tasu_pkg::FSramBeatLsb +: tasu_pkg::FSramBeatW]),
    .cmd_dram_addr_i (ld_insn[tasu_pkg::FDramAddrLsb +: tasu_pkg::FDramAddrW]),
    .cmd_rows_i      (ld_insn[tasu_pkg::FRowsLsb +: tasu_pkg::FRowsW]),
    .cmd_row_beats_i (ld_insn[tasu_pkg::FRowBeatsLsb +: tasu_pkg::FRowBeatsW]),
    .cmd_stride_i    (ld_insn[tasu_pkg::FDramStrideLsb +: tasu_pkg::FDramStrideW]),
    .done_o          (ld_done),
    .err_o           (ld_err),
    .err_code_o      (ld_err_code),
    .err_pc_o        (ld_err_pc),
    .err_info_o      (ld_err_info),
    .busy_o          (ld_busy),
    .rd_req_valid_o  (l_req_valid),
    .rd_req_ready_i  (l_req_ready),
    .rd_req_addr_o   (l_req_addr),
    .rd_req_len_o    (l_req_len),
    .rd_valid_i      (l_rd_valid),
    .rd_data_i       (rd_data),
    .rd_last_i       (rd_last),
    .rd_err_i        (rd_err),
    .wgt_wr_valid_o  (wgt_wr_valid),
    .wgt_wr_first_o  (wgt_wr_first),
    .wgt_wr_beat_o   (wgt_wr_beat),
    .act_wr_valid_o  (act_wr_valid),
    .act_wr_beat_o   (act_wr_beat),
    .vsp_wr_valid_o  (vsp_wr_valid),
    .vsp_wr_beat_o   (vsp_wr_beat),
    .wr_data_o       (fill_data)
  );

  tasu_engine #(
    .Engine(Engine), .Tiles(Tiles), .Rows(Rows), .Lanes(Lanes), .WDepth(WDepth), .ActWords(ActWords),
    .OutWords(OutWords), .BusBytes(BusBytes), .AccW(AccW), .WPack(WPack)
  ) u_engine (
    .clk_i, .rst_ni,
    .cmd_valid_i      (ex_valid),
    .cmd_ready_o      (ex_ready),
    .cmd_wbuf_i       (ex_insn[tasu_pkg::FWbufLsb]),
    .cmd_accumulate_i (ex_insn[tasu_pkg::FAccumulateLsb]),
    .cmd_depth_i      (ex_insn[tasu_pkg::FDepthLsb +: tasu_pkg::FDepthW]),
    .cmd_act_word_i   (ex_insn[tasu_pkg::FActWordLsb +: tasu_pkg::FActWordW]),
    .cmd_act_stride_i (ex_insn[tasu_pkg::FActStrideLsb +: tasu_pkg::FActStrideW]),
    .cmd_out_word_i   (ex_insn[tasu_pkg::FOutWordLsb +: tasu_pkg::FOutWordW]),
    .cmd_tokens_i     (ex_insn[tasu_pkg::FTokensLsb +: tasu_pkg::FTokensW]),
    .cmd_woff_i       (ex_insn[tasu_pkg::FWoffLsb +: tasu_pkg::FWoffW]),
    .done_o           (ex_done),
    .err_o            (ex_err),
    .err_info_o       (ex_err_info),
    .busy_o           (ex_busy),
    .wgt_wr_valid_i   (wgt_wr_valid),
    .wgt_wr_first_i   (wgt_wr_first),
    .wgt_wr_beat_i    (wgt_wr_beat),
    .wgt_wr_data_i    (fill_data),
    .act_wr_valid_i   (act_wr_valid),
    .act_wr_beat_i    (act_wr_beat),
    .act_wr_data_i    (fill_data),
    .out_rd_valid_i   (ob_rd_valid),
    .out_rd_beat_i    (ob_rd_beat),
    .out_rd_data_o    (ob_rd_data),
    .vu_out_rd_valid_i (vu_ob_rd_valid),
    .vu_out_rd_word_i  (vu_ob_rd_word),
    .vu_out_rd_data_o  (vu_ob_rd_data),
    .vu_act_wr_valid_i (vu_act_wr_valid),
    .vu_act_wr_beat_i  (vu_act_wr_beat),
    .vu_act_wr_data_i  (vu_act_wr_data)
  );

  tasu_vu #(
    .VRows(VRows), .Rows(Rows), .OutWords(OutWords), .ActBeats(ActBeats), .BusBytes(BusBytes)
  ) u_vu (
    .clk_i, .rst_ni,
    .cmd_valid_i    (vu_valid),
    .cmd_ready_o    (vu_ready),
    .cmd_insn_i     (vu_insn),
    .done_o         (vu_done),
    .err_o          (vu_err),
    .err_info_o     (vu_err_info),
    .busy_o         (vu_busy),
    .ob_rd_valid_o  (vu_ob_rd_valid),
    .ob_rd_word_o   (vu_ob_rd_word),
    .ob_rd_data_i   (vu_ob_rd_data),
    .act_wr_valid_o (vu_act_wr_valid),
    .act_wr_beat_o  (vu_act_wr_beat),
    .act_wr_data_o  (vu_act_wr_data),
    .fill_valid_i   (vsp_wr_valid),
    .fill_beat_i    (vsp_wr_beat),
    .fill_data_i    (fill_data),
    .drain_valid_i  (vsp_rd_valid),
    .drain_beat_i   (vsp_rd_beat),
    .drain_data_o   (vsp_rd_data)
  );

  tasu_dma_wr #(
    .BusBytes(BusBytes), .MaxBurst(MaxBurst), .OutBeats(OutBeats), .VspBeats(VspBeats)
  ) u_dma_wr (
    .clk_i, .rst_ni,
    .cmd_valid_i     (st_valid),
    .cmd_ready_o     (st_ready),
    .cmd_pc_i        (st_pc),
    .cmd_src_i       (st_insn[tasu_pkg::FSrcLsb]),
    .cmd_sram_beat_i (st_insn[tasu_pkg::FSramBeatLsb +: tasu_pkg::FSramBeatW]),
    .cmd_dram_addr_i (st_insn[tasu_pkg::FDramAddrLsb +: tasu_pkg::FDramAddrW]),
    .cmd_rows_i      (st_insn[tasu_pkg::FRowsLsb +: tasu_pkg::FRowsW]),
    .cmd_row_beats_i (st_insn[tasu_pkg::FRowBeatsLsb +: tasu_pkg::FRowBeatsW]),
    .cmd_stride_i    (st_insn[tasu_pkg::FDramStrideLsb +: tasu_pkg::FDramStrideW]),
    .done_o          (st_done),
    .err_o           (st_err),
    .err_code_o      (st_err_code),
    .err_pc_o        (st_err_pc),
    .err_info_o      (st_err_info),
    .busy_o          (st_busy),
    .wr_req_valid_o  (s_req_valid),
    .wr_req_ready_i  (s_req_ready),
    .wr_req_addr_o   (s_req_addr),
    .wr_req_len_o    (s_req_len),
    .wdata_valid_o   (s_wvalid),
    .wdata_ready_i   (s_wready),
    .wdata_o         (s_wdata),
    .wlast_o         (s_wlast),
    .bresp_valid_i   (s_bvalid),
    .bresp_err_i     (s_berr),
    .ob_rd_valid_o   (ob_rd_valid),
    .ob_rd_beat_o    (ob_rd_beat),
    .ob_rd_data_i    (ob_rd_data),
    .vsp_rd_valid_o  (vsp_rd_valid),
    .vsp_rd_beat_o   (vsp_rd_beat),
    .vsp_rd_data_i   (vsp_rd_data)
  );

  tasu_mem_arbiter #(.BusBytes(BusBytes)) u_mem_arbiter (
    .clk_i, .rst_ni,
    .f_req_valid_i (f_req_valid), .f_req_ready_o(f_req_ready), .f_req_addr_i(f_req_addr),
    .f_req_len_i   (f_req_len),   .f_rd_valid_o(f_rd_valid),
    .l_req_valid_i (l_req_valid), .l_req_ready_o(l_req_ready), .l_req_addr_i(l_req_addr),
    .l_req_len_i   (l_req_len),   .l_rd_valid_o(l_rd_valid),
    .rd_data_o     (rd_data), .rd_last_o(rd_last), .rd_err_o(rd_err),
    .s_req_valid_i (s_req_valid), .s_req_ready_o(s_req_ready), .s_req_addr_i(s_req_addr),
    .s_req_len_i   (s_req_len),
    .s_wvalid_i    (s_wvalid), .s_wready_o(s_wready), .s_wdata_i(s_wdata), .s_wlast_i(s_wlast),
    .s_bvalid_o    (s_bvalid), .s_berr_o(s_berr),
    .mem_req_valid_o, .mem_req_ready_i, .mem_req_addr_o, .mem_req_len_o, .mem_req_write_o,
    .mem_wvalid_o, .mem_wready_i, .mem_wdata_o, .mem_wlast_o,
    .mem_rvalid_i, .mem_rready_o, .mem_rdata_i, .mem_rlast_i, .mem_rerr_i,
    .mem_bvalid_i, .mem_bready_o, .mem_berr_i
  );

  // ---- The DRAM port's protocol, as the memory sees it -----------------------------------------
  // A burst request and a write beat, once offered, stay offered and unchanged until accepted;
  // a burst's length field is its beats minus one.
  `ASSERT(MemRequestHeldUntilAccepted, mem_req_valid_o && !mem_req_ready_i |=>
          mem_req_valid_o && $stable({mem_req_addr_o, mem_req_len_o, mem_req_write_o}))
  `ASSERT(MemWriteBeatHeldUntilAccepted, mem_wvalid_o && !mem_wready_i |=>
          mem_wvalid_o && $stable({mem_wdata_o, mem_wlast_o}))
endmodule
