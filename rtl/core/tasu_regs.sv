// Host register file: control, status, error report, program location, debug snapshots and the
// 64-bit performance counters. Reads return data one cycle after the request.
module tasu_regs #(
  parameter int Engine,
  parameter int Tiles,
  parameter int Rows,
  parameter int Lanes,
  parameter int WDepth,
  parameter int ActWords,
  parameter int OutWords,
  parameter int BusBytes,
  parameter int VRows,
  parameter int WPack
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        reg_valid_i,
  input  logic        reg_write_i,
  input  logic [7:0]  reg_addr_i,
  input  logic [31:0] reg_wdata_i,
  output logic [31:0] reg_rdata_o,
  output logic        irq_o,
  // To and from the command processor.
  output logic        start_o,
  output logic [31:0] prog_base_o,
  output logic [31:0] prog_len_o,
  input  logic        busy_i,
  input  logic        done_i,
  input  logic        error_i,
  input  logic [tasu_pkg::ErrW-1:0]  err_code_i,
  input  logic [31:0] err_pc_i,
  input  logic [31:0] err_info_i,
  input  logic [31:0] pc_i,
  input  logic [31:0] unit_state_i,
  input  logic [tasu_pkg::NumUnits*32-1:0] semaphores_i,   // SEM_<unit> in unit order
  // Counter events, one per cycle at most.
  input  logic        ev_ex_busy_i,
  input  logic        ev_vu_busy_i,
  input  logic        ev_ld_busy_i,
  input  logic        ev_st_busy_i,
  input  logic        ev_rd_beat_i,
  input  logic        ev_wr_beat_i,
  input  logic        ev_stall_i,
  input  logic        ev_insn_i
);
  logic [31:0] prog_base_q, prog_len_q;
  logic [63:0] cycles_q, ex_busy_q, vu_busy_q, rd_bytes_q, wr_bytes_q, stall_q, ld_busy_q, st_busy_q, insns_q;
  logic        clear;

  assign start_o     = reg_valid_i && reg_write_i && (reg_addr_i == tasu_pkg::RegCTRL) && reg_wdata_i[tasu_pkg::RegCtrlStartLsb] && !busy_i;
  assign clear       = (reg_valid_i && reg_write_i && (reg_addr_i == tasu_pkg::RegCTRL) && reg_wdata_i[tasu_pkg::RegCtrlClearLsb]) || start_o;
  assign prog_base_o = prog_base_q;
  assign prog_len_o  = prog_len_q;
  assign irq_o       = done_i || error_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      prog_base_q <= '0;
      prog_len_q  <= '0;
    end else if (reg_valid_i && reg_write_i && !busy_i) begin
      if (reg_addr_i == tasu_pkg::RegPROG_BASE) prog_base_q <= reg_wdata_i;
      if (reg_addr_i == tasu_pkg::RegPROG_LEN)  prog_len_q  <= reg_wdata_i;
    end
  end

  // Counters run while a program runs, so they describe exactly one program.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      {cycles_q, ex_busy_q, vu_busy_q, rd_bytes_q, wr_bytes_q, stall_q, ld_busy_q, st_busy_q, insns_q} <= '0;
    end else if (clear) begin
      {cycles_q, ex_busy_q, vu_busy_q, rd_bytes_q, wr_bytes_q, stall_q, ld_busy_q, st_busy_q, insns_q} <= '0;
    end else if (busy_i) begin
      cycles_q   <= cycles_q + 64'd1;
      ex_busy_q  <= ex_busy_q + 64'(ev_ex_busy_i);
      vu_busy_q  <= vu_busy_q + 64'(ev_vu_busy_i);
      ld_busy_q  <= ld_busy_q + 64'(ev_ld_busy_i);
      st_busy_q  <= st_busy_q + 64'(ev_st_busy_i);
      rd_bytes_q <= rd_bytes_q + (ev_rd_beat_i ? 64'(BusBytes) : 64'd0);
      wr_bytes_q <= wr_bytes_q + (ev_wr_beat_i ? 64'(BusBytes) : 64'd0);
      stall_q    <= stall_q + 64'(ev_stall_i);
      insns_q    <= insns_q + 64'(ev_insn_i);
    end
  end

  // The registers with bit fields, packed where tasu_arch.json's register_fields put them.
  logic [31:0] status_w, cfg_shape_w, cfg_bufs_w, cfg_vu_w;
  always_comb begin
    status_w    = '0;
    cfg_shape_w = '0;
    cfg_bufs_w  = '0;
    cfg_vu_w    = '0;
    status_w[tasu_pkg::RegStatusBusyLsb]  = busy_i;
    status_w[tasu_pkg::RegStatusDoneLsb]  = done_i;
    status_w[tasu_pkg::RegStatusErrorLsb] = error_i;
    cfg_shape_w[tasu_pkg::RegCfgShapeTilesLsb +: tasu_pkg::RegCfgShapeTilesW]   = tasu_pkg::RegCfgShapeTilesW'(Tiles);
    cfg_shape_w[tasu_pkg::RegCfgShapeRowsLsb +: tasu_pkg::RegCfgShapeRowsW]     = tasu_pkg::RegCfgShapeRowsW'(Rows);
    cfg_shape_w[tasu_pkg::RegCfgShapeLanesLsb +: tasu_pkg::RegCfgShapeLanesW]   = tasu_pkg::RegCfgShapeLanesW'(Lanes);
    cfg_shape_w[tasu_pkg::RegCfgShapeWdepthLsb +: tasu_pkg::RegCfgShapeWdepthW] = tasu_pkg::RegCfgShapeWdepthW'(WDepth);
    cfg_bufs_w[tasu_pkg::RegCfgBufsActWordsLsb +: tasu_pkg::RegCfgBufsActWordsW] = tasu_pkg::RegCfgBufsActWordsW'(ActWords);
    cfg_bufs_w[tasu_pkg::RegCfgBufsOutWordsLsb +: tasu_pkg::RegCfgBufsOutWordsW] = tasu_pkg::RegCfgBufsOutWordsW'(OutWords);
    cfg_vu_w[tasu_pkg::RegCfgVuVrowsLsb +: tasu_pkg::RegCfgVuVrowsW]   = tasu_pkg::RegCfgVuVrowsW'(VRows);
    cfg_vu_w[tasu_pkg::RegCfgVuVlanesLsb +: tasu_pkg::RegCfgVuVlanesW] = tasu_pkg::RegCfgVuVlanesW'(tasu_pkg::VLanes);
    cfg_vu_w[tasu_pkg::RegCfgVuEngineLsb +: tasu_pkg::RegCfgVuEngineW] = tasu_pkg::RegCfgVuEngineW'(Engine);
    cfg_vu_w[tasu_pkg::RegCfgVuWpackLsb +: tasu_pkg::RegCfgVuWpackW]   = tasu_pkg::RegCfgVuWpackW'(WPack);
  end

  logic [31:0] rdata_d;
  always_comb begin
    unique case (reg_addr_i)
      tasu_pkg::RegSTATUS:      rdata_d = status_w;
      tasu_pkg::RegERR_CODE:    rdata_d = 32'(err_code_i);
      tasu_pkg::RegERR_PC:      rdata_d = err_pc_i;
      tasu_pkg::RegERR_INFO:    rdata_d = err_info_i;
      tasu_pkg::RegPROG_BASE:   rdata_d = prog_base_q;
      tasu_pkg::RegPROG_LEN:    rdata_d = prog_len_q;
      tasu_pkg::RegPC:          rdata_d = pc_i;
      tasu_pkg::RegUNIT_STATE:  rdata_d = unit_state_i;
      tasu_pkg::RegSEM_LD:      rdata_d = semaphores_i[tasu_pkg::UnitLD*32 +: 32];
      tasu_pkg::RegSEM_EX:      rdata_d = semaphores_i[tasu_pkg::UnitEX*32 +: 32];
      tasu_pkg::RegSEM_VU:      rdata_d = semaphores_i[tasu_pkg::UnitVU*32 +: 32];
      tasu_pkg::RegSEM_ST:      rdata_d = semaphores_i[tasu_pkg::UnitST*32 +: 32];
      tasu_pkg::RegCYCLES_LO:   rdata_d = cycles_q[31:0];
      tasu_pkg::RegCYCLES_HI:   rdata_d = cycles_q[63:32];
      tasu_pkg::RegEX_BUSY_LO:  rdata_d = ex_busy_q[31:0];
      tasu_pkg::RegEX_BUSY_HI:  rdata_d = ex_busy_q[63:32];
      tasu_pkg::RegRD_BYTES_LO: rdata_d = rd_bytes_q[31:0];
      tasu_pkg::RegRD_BYTES_HI: rdata_d = rd_bytes_q[63:32];
      tasu_pkg::RegWR_BYTES_LO: rdata_d = wr_bytes_q[31:0];
      tasu_pkg::RegWR_BYTES_HI: rdata_d = wr_bytes_q[63:32];
      tasu_pkg::RegSTALL_LO:    rdata_d = stall_q[31:0];
      tasu_pkg::RegSTALL_HI:    rdata_d = stall_q[63:32];
      tasu_pkg::RegLD_BUSY_LO:  rdata_d = ld_busy_q[31:0];
      tasu_pkg::RegLD_BUSY_HI:  rdata_d = ld_busy_q[63:32];
      tasu_pkg::RegST_BUSY_LO:  rdata_d = st_busy_q[31:0];
      tasu_pkg::RegST_BUSY_HI:  rdata_d = st_busy_q[63:32];
      tasu_pkg::RegINSNS_LO:    rdata_d = insns_q[31:0];
      tasu_pkg::RegINSNS_HI:    rdata_d = insns_q[63:32];
      tasu_pkg::RegCFG_SHAPE:   rdata_d = cfg_shape_w;
      tasu_pkg::RegCFG_BUFS:    rdata_d = cfg_bufs_w;
      tasu_pkg::RegCFG_VU:      rdata_d = cfg_vu_w;
      tasu_pkg::RegVU_BUSY_LO:  rdata_d = vu_busy_q[31:0];
      tasu_pkg::RegVU_BUSY_HI:  rdata_d = vu_busy_q[63:32];
      default:                  rdata_d = '0;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)          reg_rdata_o <= '0;
    else if (reg_valid_i) reg_rdata_o <= rdata_d;
  end
endmodule
