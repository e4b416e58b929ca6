// Command processor: fetches the program from DRAM, decodes each 128-bit instruction and queues
// it to its unit (load DMA, engine, vector unit, store DMA). Units run decoupled; one 8-bit token
// counter per ordered pair of units orders them (an instruction pops the tokens named by its
// pop_<u> flags before it starts and pushes those named by push_<u> when it completes), which is
// what lets transfers, MATMULs and vector work of different blocks overlap under program control.
module tasu_cmd_proc #(
  parameter int BusBytes,
  parameter int FetchDepth = tasu_pkg::CpFetchDepth,   // instruction beats buffered (fetched or in flight)
  parameter int FetchBurst = tasu_pkg::CpFetchBurst,
  parameter int QueueDepth = tasu_pkg::CpQueueDepth,
  localparam int BusBits = BusBytes * 8,
  localparam int Ipb     = BusBits / tasu_pkg::InsnBits,   // instructions per beat
  localparam int IpbW    = (Ipb > 1) ? $clog2(Ipb) : 1,
  localparam int QEntW   = tasu_pkg::InsnBits + 32,
  localparam int NU      = tasu_pkg::NumUnits              // units, in tasu_pkg::Unit* order
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  // Control from the register file.
  input  logic               start_i,
  input  logic [31:0]        prog_base_i,
  input  logic [31:0]        prog_len_i,
  output logic               busy_o,
  output logic               done_o,
  output logic               error_o,
  output logic [tasu_pkg::ErrW-1:0] err_code_o,
  output logic [31:0]        err_pc_o,
  output logic [31:0]        err_info_o,
  output logic [31:0]        pc_o,
  output logic [31:0]        unit_state_o,
  output logic [NU*32-1:0]   semaphores_o,   // SEM_LD, SEM_EX, SEM_VU, SEM_ST: byte p of word c from unit p to c
  output logic               insn_o,      // one instruction dispatched this cycle
  // Instruction fetch read client.
  output logic               f_req_valid_o,
  input  logic               f_req_ready_i,
  output logic [31:0]        f_req_addr_o,
  output logic [7:0]         f_req_len_o,
  input  logic               f_rd_valid_i,
  input  logic [BusBits-1:0] f_rd_data_i,
  input  logic               f_rd_last_i,
  input  logic               f_rd_err_i,
  // Unit command ports: the raw instruction and its index; units decode their own fields.
  output logic               ld_valid_o,
  input  logic               ld_ready_i,
  output logic               ex_valid_o,
  input  logic               ex_ready_i,
  output logic               vu_valid_o,
  input  logic               vu_ready_i,
  output logic               st_valid_o,
  input  logic               st_ready_i,
  output logic [tasu_pkg::InsnBits-1:0] ld_insn_o,
  output logic [tasu_pkg::InsnBits-1:0] ex_insn_o,
  output logic [tasu_pkg::InsnBits-1:0] vu_insn_o,
  output logic [tasu_pkg::InsnBits-1:0] st_insn_o,
  output logic [31:0]        ld_pc_o,
  output logic [31:0]        ex_pc_o,
  output logic [31:0]        vu_pc_o,
  output logic [31:0]        st_pc_o,
  input  logic               ld_done_i,
  input  logic               ex_done_i,
  input  logic               vu_done_i,
  input  logic               st_done_i,
  input  logic               ld_busy_i,
  input  logic               ex_busy_i,
  input  logic               vu_busy_i,
  input  logic               st_busy_i,
  // Errors raised by the units.
  input  logic               ld_err_i,
  input  logic [tasu_pkg::ErrW-1:0] ld_err_code_i,
  input  logic [31:0]        ld_err_pc_i,
  input  logic [31:0]        ld_err_info_i,
  input  logic               ex_err_i,
  input  logic [31:0]        ex_err_info_i,
  input  logic               vu_err_i,
  input  logic [31:0]        vu_err_info_i,
  input  logic               st_err_i,
  input  logic [tasu_pkg::ErrW-1:0] st_err_code_i,
  input  logic [31:0]        st_err_pc_i,
  input  logic [31:0]        st_err_info_i
);
  // The encoding is the one software reads in UNIT_STATE.cp_state (cp_states in tasu_arch.json).
  typedef enum logic [tasu_pkg::RegUnitStateCpStateW-1:0] {
    StIdle = tasu_pkg::CpsIDLE, StRun = tasu_pkg::CpsRUN, StFinish = tasu_pkg::CpsFINISH, StDone = tasu_pkg::CpsDONE,
    StError = tasu_pkg::CpsERROR
  } state_e;
  state_e state_q, state_d;

  // ---- fetch ----------------------------------------------------------------------------------
  logic [31:0] fetch_beat_q;      // next beat to request
  logic [31:0] total_beats;
  localparam int InflW = $clog2(FetchDepth) + 1;
  logic [InflW-1:0] inflight_q;  // beats requested, not yet returned (at most FetchDepth)
  logic [31:0] beats_left;
  logic [7:0]  f_len;
  logic        fb_valid, fb_pop, fb_ready;
  logic [BusBits-1:0] fb_data;
  logic [$clog2(FetchDepth):0] fb_count;

  // 33-bit sum: no wrap for a program length near 2^32.
  assign total_beats = 32'(({1'b0, prog_len_i} + 33'(Ipb - 1)) >> IpbW);
  assign beats_left  = total_beats - fetch_beat_q;
  assign f_len       = (beats_left > 32'(FetchBurst)) ? 8'(FetchBurst) : beats_left[7:0];
  assign f_req_valid_o = (state_q == StRun) && (beats_left != '0) &&
                         (32'(fb_count) + 32'(inflight_q) + 32'(f_len) <= 32'(FetchDepth));
  assign f_req_addr_o  = prog_base_i + (fetch_beat_q << $clog2(BusBytes));
  assign f_req_len_o   = f_len - 8'd1;

  // A new program must not see beats its predecessor fetched ahead past its FINISH.
  tasu_fifo #(.Width(BusBits), .Depth(FetchDepth)) u_fetch_buf (
    .clk_i, .rst_ni, .clear_i(start_i && !busy_o),
    .in_valid_i  (f_rd_valid_i && !f_rd_err_i && state_q == StRun),
    .in_ready_o  (fb_ready),
    .in_data_i   (f_rd_data_i),
    .out_valid_o (fb_valid),
    .out_ready_i (fb_pop),
    .out_data_o  (fb_data),
    .count_o     (fb_count)
  );

  // ---- decode ---------------------------------------------------------------------------------
  logic [31:0]  pc_q;
  logic [IpbW-1:0] slot;
  logic [tasu_pkg::InsnBits-1:0] insn;
  logic [tasu_pkg::FOpcodeW-1:0] opcode;
  logic [NU-1:0] dec_pop, dec_push;
  assign slot     = IpbW'(pc_q & 32'(Ipb - 1));
  assign insn     = fb_data[slot * tasu_pkg::InsnBits +: tasu_pkg::InsnBits];
  assign opcode   = insn[tasu_pkg::FOpcodeLsb +: tasu_pkg::FOpcodeW];
  assign dec_pop  = insn[tasu_pkg::FPopLdLsb +: NU];
  assign dec_push = insn[tasu_pkg::FPushLdLsb +: NU];

  // ---- unit queues ----------------------------------------------------------------------------
  logic [NU-1:0]       q_push, q_in_ready, q_valid, q_pop;
  logic [NU*QEntW-1:0] q_data;

  logic        dispatch_ok;     // the decoded instruction leaves the fetch buffer this cycle
  logic        dec_err;
  logic [tasu_pkg::ErrW-1:0] dec_code;
  logic        finish_seen;
  logic [tasu_pkg::UnitW-1:0] dec_unit;
  logic        dec_has_unit;

  always_comb begin
    dec_has_unit = 1'b1;
    dec_unit     = tasu_pkg::UnitLD;
    unique case (opcode)
      tasu_pkg::OpLOAD:   dec_unit = tasu_pkg::UnitLD;
      tasu_pkg::OpMATMUL: dec_unit = tasu_pkg::UnitEX;
      tasu_pkg::OpVEC:    dec_unit = tasu_pkg::UnitVU;
      tasu_pkg::OpSTORE:  dec_unit = tasu_pkg::UnitST;
      default:            dec_has_unit = 1'b0;
    endcase
  end

  always_comb begin
    q_push      = '0;
    dispatch_ok = 1'b0;
    dec_err     = 1'b0;
    dec_code    = tasu_pkg::ErrNONE;
    finish_seen = 1'b0;
    if (state_q == StRun && fb_valid) begin
      if (dec_has_unit) begin
        // A unit has no token channel to itself: its own flags would deadlock or leak.
        if (dec_pop[dec_unit] || dec_push[dec_unit]) begin
          dec_err = 1'b1; dec_code = tasu_pkg::ErrBAD_OPERAND;
        end else begin
          q_push[dec_unit] = q_in_ready[dec_unit];
          dispatch_ok      = q_in_ready[dec_unit];
        end
      end else if (opcode == tasu_pkg::OpFINISH) begin
        finish_seen = 1'b1; dispatch_ok = 1'b1;
      end else begin
        dec_err = 1'b1; dec_code = tasu_pkg::ErrILLEGAL_OPCODE;
      end
    end
  end

  assign fb_pop = dispatch_ok && ((slot == IpbW'(Ipb - 1)) || (pc_q + 32'd1 == prog_len_i) || finish_seen);

  // ---- dependency tokens and issue ------------------------------------------------------------
  logic [NU*NU*tasu_pkg::RegSemFromLdW-1:0] sem_q;   // counter (p * NU + c): tokens unit p gave unit c, not yet taken
  logic [NU-1:0]      issue, f_valid, done, unit_busy, valid_o;
  logic [NU*NU-1:0]   head_pop, head_push;
  logic               halted;
  logic               sem_overflow;

  assign halted    = (state_q != StRun) && (state_q != StFinish);
  logic [NU-1:0] unit_ready;
  assign done[tasu_pkg::UnitLD]       = ld_done_i;
  assign done[tasu_pkg::UnitEX]       = ex_done_i;
  assign done[tasu_pkg::UnitVU]       = vu_done_i;
  assign done[tasu_pkg::UnitST]       = st_done_i;
  assign unit_busy[tasu_pkg::UnitLD]  = ld_busy_i;
  assign unit_busy[tasu_pkg::UnitEX]  = ex_busy_i;
  assign unit_busy[tasu_pkg::UnitVU]  = vu_busy_i;
  assign unit_busy[tasu_pkg::UnitST]  = st_busy_i;
  assign unit_ready[tasu_pkg::UnitLD] = ld_ready_i;
  assign unit_ready[tasu_pkg::UnitEX] = ex_ready_i;
  assign unit_ready[tasu_pkg::UnitVU] = vu_ready_i;
  assign unit_ready[tasu_pkg::UnitST] = st_ready_i;
  assign issue     = valid_o & unit_ready;
  assign q_pop     = issue;
  assign ld_valid_o = valid_o[tasu_pkg::UnitLD];
  assign ex_valid_o = valid_o[tasu_pkg::UnitEX];
  assign vu_valid_o = valid_o[tasu_pkg::UnitVU];
  assign st_valid_o = valid_o[tasu_pkg::UnitST];
  assign {ld_pc_o, ld_insn_o} = q_data[tasu_pkg::UnitLD*QEntW +: QEntW];
  assign {ex_pc_o, ex_insn_o} = q_data[tasu_pkg::UnitEX*QEntW +: QEntW];
  assign {vu_pc_o, vu_insn_o} = q_data[tasu_pkg::UnitVU*QEntW +: QEntW];
  assign {st_pc_o, st_insn_o} = q_data[tasu_pkg::UnitST*QEntW +: QEntW];

  for (genvar u = 0; u < NU; u++) begin : g_unit
    assign head_pop[u*NU +: NU]  = q_data[u*QEntW + tasu_pkg::FPopLdLsb +: NU];
    assign head_push[u*NU +: NU] = q_data[u*QEntW + tasu_pkg::FPushLdLsb +: NU];
    tasu_fifo #(.Width(QEntW), .Depth(QueueDepth)) u_q (
      .clk_i, .rst_ni, .clear_i(1'b0), .in_valid_i(q_push[u]), .in_ready_o(q_in_ready[u]), .in_data_i({pc_q, insn}),
      .out_valid_o(q_valid[u]), .out_ready_i(q_pop[u]), .out_data_o(q_data[u*QEntW +: QEntW]), .count_o());
  end

  tasu_cmd_tokens #(.NU(NU), .QueueDepth(QueueDepth)) u_tokens (
    .clk_i, .rst_ni,
    .clear_i      (start_i && (state_q == StIdle || state_q == StDone || state_q == StError)),
    .halt_i       (halted),
    .head_valid_i (q_valid),
    .head_pop_i   (head_pop),
    .head_push_i  (head_push),
    .ready_i      (unit_ready),
    .done_i       (done),
    .valid_o      (valid_o),
    .inflight_o   (f_valid),
    .sem_o        (sem_q),
    .overflow_o   (sem_overflow)
  );

  // ---- state, errors --------------------------------------------------------------------------
  logic        all_idle;
  logic        any_err;
  logic [tasu_pkg::ErrW-1:0] err_code_d;
  logic [31:0] err_pc_d, err_info_d;
  logic [tasu_pkg::ErrW-1:0] err_code_q;
  logic [31:0] err_pc_q, err_info_q;
  // The engine and the vector unit report errors without a pc: it is always the instruction
  // they were last handed.
  logic [31:0] ex_pc_q, vu_pc_q;

  assign all_idle = (q_valid == '0) && (f_valid == '0) && (unit_busy == '0);

  // The first error wins; among simultaneous ones the order below is the priority.
  always_comb begin
    any_err    = 1'b1;
    err_code_d = tasu_pkg::ErrNONE;
    err_pc_d   = pc_q;
    err_info_d = '0;
    if (ld_err_i) begin
      err_code_d = ld_err_code_i; err_pc_d = ld_err_pc_i; err_info_d = ld_err_info_i;
    end else if (st_err_i) begin
      err_code_d = st_err_code_i; err_pc_d = st_err_pc_i; err_info_d = st_err_info_i;
    end else if (ex_err_i) begin
      err_code_d = tasu_pkg::ErrBAD_OPERAND; err_pc_d = issue[tasu_pkg::UnitEX] ? ex_pc_o : ex_pc_q;
      err_info_d = ex_err_info_i;
    end else if (vu_err_i) begin
      err_code_d = tasu_pkg::ErrBAD_OPERAND; err_pc_d = issue[tasu_pkg::UnitVU] ? vu_pc_o : vu_pc_q;
      err_info_d = vu_err_info_i;
    end else if (f_rd_valid_i && f_rd_err_i) begin
      err_code_d = tasu_pkg::ErrBUS_READ; err_pc_d = pc_q; err_info_d = prog_base_i;
    end else if (dec_err) begin
      err_code_d = dec_code; err_pc_d = pc_q; err_info_d = insn[31:0];
    end else if (sem_overflow) begin
      err_code_d = tasu_pkg::ErrSEM_OVERFLOW; err_pc_d = pc_q;
    end else if (state_q == StRun && pc_q == prog_len_i && !fb_valid && inflight_q == '0) begin
      err_code_d = tasu_pkg::ErrPROG_OVERRUN; err_pc_d = pc_q; err_info_d = prog_len_i;
    end else begin
      any_err = 1'b0;
    end
  end

  always_comb begin
    state_d = state_q;
    unique case (state_q)
      StIdle, StDone, StError: if (start_i) state_d = StRun;
      StRun: begin
        if (any_err)          state_d = StError;
        else if (finish_seen) state_d = StFinish;
      end
      StFinish: begin
        if (any_err)       state_d = StError;
        // Beats still in flight would land in the next program's fetch buffer.
        else if (all_idle && inflight_q == '0) state_d = StDone;
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q      <= StIdle;
      pc_q         <= '0;
      fetch_beat_q <= '0;
      inflight_q   <= '0;
      err_code_q   <= tasu_pkg::ErrNONE;
      err_pc_q     <= '0;
      err_info_q   <= '0;
      ex_pc_q      <= '0;
      vu_pc_q      <= '0;
    end else begin
      state_q <= state_d;
      if (start_i && (state_q == StIdle || state_q == StDone || state_q == StError)) begin
        pc_q         <= '0;
        fetch_beat_q <= '0;
        err_code_q   <= tasu_pkg::ErrNONE;
        err_pc_q     <= '0;
        err_info_q   <= '0;
      end else begin
        if (dispatch_ok && !any_err) pc_q <= pc_q + 32'd1;
        if (f_req_valid_o && f_req_ready_i) fetch_beat_q <= fetch_beat_q + 32'(f_len);
        if (any_err && !halted) begin
          err_code_q <= err_code_d;
          err_pc_q   <= err_pc_d;
          err_info_q <= err_info_d;
        end
      end
      inflight_q <= inflight_q + ((f_req_valid_o && f_req_ready_i) ? InflW'(f_len) : '0) - InflW'(f_rd_valid_i);
      if (issue[tasu_pkg::UnitEX]) ex_pc_q <= ex_pc_o;
      if (issue[tasu_pkg::UnitVU]) vu_pc_q <= vu_pc_o;
    end
  end

  `ASSERT_RESET_FIRST
  // A token counter passing its maximum stops the program with SEM_OVERFLOW.
  `ASSERT(OverflowIsAnError, !sem_overflow || any_err)
  // Fetch: the memory sends no beat that was not requested.
  `ASSUME(FetchBeatRequested, !(f_rd_valid_i && inflight_q == '0))
  `ASSERT(LegalState, state_q == StIdle || state_q == StRun || state_q == StFinish || state_q == StDone ||
                      state_q == StError)

  assign busy_o      = (state_q == StRun) || (state_q == StFinish);
  assign done_o      = (state_q == StDone);
  assign error_o     = (state_q == StError);
  assign err_code_o  = err_code_q;
  assign err_pc_o    = err_pc_q;
  assign err_info_o  = err_info_q;
  assign pc_o        = pc_q;
  assign insn_o      = dispatch_ok && !finish_seen && !any_err;
  // SEM_<c> byte p (field from_<p>, tasu_pkg::RegSemFromLdLsb + 8 p): tokens unit p gave unit c.
  for (genvar c = 0; c < NU; c++) begin : g_sem_reg
    for (genvar p = 0; p < NU; p++) begin : g_byte
      assign semaphores_o[c*32 + tasu_pkg::RegSemFromLdLsb + p*tasu_pkg::RegSemFromLdW +: tasu_pkg::RegSemFromLdW] =
          sem_q[(p*NU + c)*tasu_pkg::RegSemFromLdW +: tasu_pkg::RegSemFromLdW];
    end
  end
  always_comb begin
    unit_state_o = '0;
    unit_state_o[tasu_pkg::RegUnitStateHaltedLsb]                                   = halted;
    unit_state_o[tasu_pkg::RegUnitStateInFlightLsb +: tasu_pkg::RegUnitStateInFlightW] = f_valid;
    unit_state_o[tasu_pkg::RegUnitStateBusyLsb +: tasu_pkg::RegUnitStateBusyW]       = unit_busy;
    unit_state_o[tasu_pkg::RegUnitStateCpStateLsb +: tasu_pkg::RegUnitStateCpStateW] = state_q;
    unit_state_o[tasu_pkg::RegUnitStateQueuedLsb +: tasu_pkg::RegUnitStateQueuedW]   = q_valid;
    unit_state_o[tasu_pkg::RegUnitStateFetchedLsb +: tasu_pkg::RegUnitStateFetchedW] =
        tasu_pkg::RegUnitStateFetchedW'(fb_count);
  end
  `ASSERT_INIT(PerUnitFieldsHoldEveryUnit, tasu_pkg::RegUnitStateBusyW == NU && tasu_pkg::RegUnitStateQueuedW == NU &&
                                           tasu_pkg::RegUnitStateInFlightW == NU && tasu_pkg::RegSemFromLdW == 8)
endmodule
