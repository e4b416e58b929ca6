// Command processor: fetches the program from DRAM, decodes each 128-bit instruction and queues
// it to its unit (load DMA, engine, store DMA). Units run decoupled; four dependency-token
// counters (load->engine, engine->load, engine->store, store->engine) order them, which is what
// lets weight/activation transfers overlap compute (double buffering) under program control.
module tasu_cmd_proc #(
  parameter int BusBytes   = 64,
  parameter int FetchDepth = 8,   // instruction beats buffered (fetched or in flight)
  parameter int FetchBurst = 4,
  parameter int QueueDepth = 4,
  localparam int BusBits = BusBytes * 8,
  localparam int Ipb     = BusBits / tasu_pkg::InsnBits,   // instructions per beat
  localparam int IpbW    = (Ipb > 1) ? $clog2(Ipb) : 1,
  localparam int QEntW   = tasu_pkg::InsnBits + 32
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
  output logic [3:0]         err_code_o,
  output logic [31:0]        err_pc_o,
  output logic [31:0]        err_info_o,
  output logic [31:0]        pc_o,
  output logic [31:0]        unit_state_o,
  output logic [31:0]        semaphores_o,
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
  output logic               st_valid_o,
  input  logic               st_ready_i,
  output logic [127:0]       ld_insn_o,
  output logic [127:0]       ex_insn_o,
  output logic [127:0]       st_insn_o,
  output logic [31:0]        ld_pc_o,
  output logic [31:0]        ex_pc_o,
  output logic [31:0]        st_pc_o,
  input  logic               ld_done_i,
  input  logic               ex_done_i,
  input  logic               st_done_i,
  input  logic               ld_busy_i,
  input  logic               ex_busy_i,
  input  logic               st_busy_i,
  // Errors raised by the units.
  input  logic               ld_err_i,
  input  logic [3:0]         ld_err_code_i,
  input  logic [31:0]        ld_err_pc_i,
  input  logic [31:0]        ld_err_info_i,
  input  logic               ex_err_i,
  input  logic [31:0]        ex_err_info_i,
  input  logic               st_err_i,
  input  logic [3:0]         st_err_code_i,
  input  logic [31:0]        st_err_pc_i,
  input  logic [31:0]        st_err_info_i
);
  typedef enum logic [2:0] {StIdle, StRun, StFinish, StDone, StError} state_e;
  state_e state_q, state_d;

  // ---- fetch ----------------------------------------------------------------------------------
  logic [31:0] fetch_beat_q;      // next beat to request
  logic [31:0] total_beats;
  logic [4:0]  inflight_q;        // beats requested, not yet returned
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
  logic [127:0] insn;
  logic [3:0]   opcode;
  logic         pop_prev, pop_next, push_prev, push_next;
  assign slot      = IpbW'(pc_q & 32'(Ipb - 1));
  assign insn      = fb_data[slot * 128 +: 128];
  assign opcode    = insn[tasu_pkg::FOpcodeLsb +: tasu_pkg::FOpcodeW];
  assign pop_prev  = insn[tasu_pkg::FPopPrevLsb];
  assign pop_next  = insn[tasu_pkg::FPopNextLsb];
  assign push_prev = insn[tasu_pkg::FPushPrevLsb];
  assign push_next = insn[tasu_pkg::FPushNextLsb];

  // ---- unit queues ----------------------------------------------------------------------------
  logic             ldq_in_ready, exq_in_ready, stq_in_ready;
  logic             ldq_valid, exq_valid, stq_valid;
  logic             ldq_pop, exq_pop, stq_pop;
  logic [QEntW-1:0] ldq_data, exq_data, stq_data;
  logic             ldq_push, exq_push, stq_push;

  logic        dispatch_ok;     // the decoded instruction leaves the fetch buffer this cycle
  logic        dec_err;
  logic [3:0]  dec_code;
  logic        finish_seen;

  always_comb begin
    ldq_push    = 1'b0;
    exq_push    = 1'b0;
    stq_push    = 1'b0;
    dispatch_ok = 1'b0;
    dec_err     = 1'b0;
    dec_code    = tasu_pkg::ErrNONE;
    finish_seen = 1'b0;
    if (state_q == StRun && fb_valid) begin
      unique case (opcode)
        tasu_pkg::OpLOAD: begin
          if (pop_prev || push_prev) begin dec_err = 1'b1; dec_code = tasu_pkg::ErrBAD_OPERAND; end
          else begin ldq_push = ldq_in_ready; dispatch_ok = ldq_in_ready; end
        end
        // The engine and the vector unit share the execute queue and its tokens.
        tasu_pkg::OpMATMUL, tasu_pkg::OpVEC: begin exq_push = exq_in_ready; dispatch_ok = exq_in_ready; end
        tasu_pkg::OpSTORE: begin
          if (pop_next || push_next) begin dec_err = 1'b1; dec_code = tasu_pkg::ErrBAD_OPERAND; end
          else begin stq_push = stq_in_ready; dispatch_ok = stq_in_ready; end
        end
        tasu_pkg::OpFINISH: begin finish_seen = 1'b1; dispatch_ok = 1'b1; end
        default: begin dec_err = 1'b1; dec_code = tasu_pkg::ErrILLEGAL_OPCODE; end
      endcase
    end
  end

  assign fb_pop = dispatch_ok && ((slot == IpbW'(Ipb - 1)) || (pc_q + 32'd1 == prog_len_i) || finish_seen);

  tasu_fifo #(.Width(QEntW), .Depth(QueueDepth)) u_ldq (
    .clk_i, .rst_ni, .clear_i(1'b0), .in_valid_i(ldq_push), .in_ready_o(ldq_in_ready), .in_data_i({pc_q, insn}),
    .out_valid_o(ldq_valid), .out_ready_i(ldq_pop), .out_data_o(ldq_data), .count_o());
  tasu_fifo #(.Width(QEntW), .Depth(QueueDepth)) u_exq (
    .clk_i, .rst_ni, .clear_i(1'b0), .in_valid_i(exq_push), .in_ready_o(exq_in_ready), .in_data_i({pc_q, insn}),
    .out_valid_o(exq_valid), .out_ready_i(exq_pop), .out_data_o(exq_data), .count_o());
  tasu_fifo #(.Width(QEntW), .Depth(QueueDepth)) u_stq (
    .clk_i, .rst_ni, .clear_i(1'b0), .in_valid_i(stq_push), .in_ready_o(stq_in_ready), .in_data_i({pc_q, insn}),
    .out_valid_o(stq_valid), .out_ready_i(stq_pop), .out_data_o(stq_data), .count_o());

  // ---- dependency tokens and issue ------------------------------------------------------------
  logic [7:0] l2e_q, e2l_q, e2s_q, s2e_q;
  logic       ld_tok_ok, ex_tok_ok, st_tok_ok;
  logic       ld_issue, ex_issue, st_issue;
  logic       ldf_ready, exf_ready, stf_ready;     // in-flight queues have room
  logic       ldf_valid, exf_valid, stf_valid;
  logic [1:0] ldf_push, exf_push, stf_push;       // {push_prev, push_next} of the oldest in flight
  logic       halted;

  assign halted    = (state_q != StRun) && (state_q != StFinish);
  assign ld_tok_ok = !ldq_data[tasu_pkg::FPopNextLsb] || (e2l_q != '0);
  assign ex_tok_ok = (!exq_data[tasu_pkg::FPopPrevLsb] || (l2e_q != '0)) &&
                     (!exq_data[tasu_pkg::FPopNextLsb] || (s2e_q != '0));
  assign st_tok_ok = !stq_data[tasu_pkg::FPopPrevLsb] || (e2s_q != '0);

  assign ld_valid_o = !halted && ldq_valid && ld_tok_ok && ldf_ready;
  assign ex_valid_o = !halted && exq_valid && ex_tok_ok && exf_ready;
  assign st_valid_o = !halted && stq_valid && st_tok_ok && stf_ready;
  assign ld_issue   = ld_valid_o && ld_ready_i;
  assign ex_issue   = ex_valid_o && ex_ready_i;
  assign st_issue   = st_valid_o && st_ready_i;
  assign ldq_pop    = ld_issue;
  assign exq_pop    = ex_issue;
  assign stq_pop    = st_issue;
  assign {ld_pc_o, ld_insn_o} = ldq_data;
  assign {ex_pc_o, ex_insn_o} = exq_data;
  assign {st_pc_o, st_insn_o} = stq_data;

  tasu_fifo #(.Width(2), .Depth(QueueDepth)) u_ldf (
    .clk_i, .rst_ni, .clear_i(1'b0), .in_valid_i(ld_issue), .in_ready_o(ldf_ready),
    .in_data_i({ldq_data[tasu_pkg::FPushPrevLsb], ldq_data[tasu_pkg::FPushNextLsb]}),
    .out_valid_o(ldf_valid), .out_ready_i(ld_done_i), .out_data_o(ldf_push), .count_o());
  tasu_fifo #(.Width(2), .Depth(QueueDepth)) u_exf (
    .clk_i, .rst_ni, .clear_i(1'b0), .in_valid_i(ex_issue), .in_ready_o(exf_ready),
    .in_data_i({exq_data[tasu_pkg::FPushPrevLsb], exq_data[tasu_pkg::FPushNextLsb]}),
    .out_valid_o(exf_valid), .out_ready_i(ex_done_i), .out_data_o(exf_push), .count_o());
  tasu_fifo #(.Width(2), .Depth(QueueDepth)) u_stf (
    .clk_i, .rst_ni, .clear_i(1'b0), .in_valid_i(st_issue), .in_ready_o(stf_ready),
    .in_data_i({stq_data[tasu_pkg::FPushPrevLsb], stq_data[tasu_pkg::FPushNextLsb]}),
    .out_valid_o(stf_valid), .out_ready_i(st_done_i), .out_data_o(stf_push), .count_o());

  // Token arithmetic: a counter may be taken and given in the same cycle.
  logic       inc_l2e, inc_e2l, inc_e2s, inc_s2e;
  logic       dec_l2e, dec_e2l, dec_e2s, dec_s2e;
  logic       sem_overflow;
  assign inc_l2e = ld_done_i && ldf_valid && ldf_push[0];
  assign inc_e2l = ex_done_i && exf_valid && exf_push[1];
  assign inc_e2s = ex_done_i && exf_valid && exf_push[0];
  assign inc_s2e = st_done_i && stf_valid && stf_push[1];
  assign dec_l2e = ex_issue && exq_data[tasu_pkg::FPopPrevLsb];
  assign dec_s2e = ex_issue && exq_data[tasu_pkg::FPopNextLsb];
  assign dec_e2l = ld_issue && ldq_data[tasu_pkg::FPopNextLsb];
  assign dec_e2s = st_issue && stq_data[tasu_pkg::FPopPrevLsb];
  // Overflow only when the count would pass 255: a take in the same cycle cancels a give.
  assign sem_overflow = (inc_l2e && !dec_l2e && l2e_q == 8'hff) || (inc_e2l && !dec_e2l && e2l_q == 8'hff) ||
                        (inc_e2s && !dec_e2s && e2s_q == 8'hff) || (inc_s2e && !dec_s2e && s2e_q == 8'hff);

  // ---- state, errors --------------------------------------------------------------------------
  logic        all_idle;
  logic        any_err;
  logic [3:0]  err_code_d;
  logic [31:0] err_pc_d, err_info_d;
  logic [3:0]  err_code_q;
  logic [31:0] err_pc_q, err_info_q;
  // The engine reports errors without a pc: it is always the instruction it was last handed.
  logic [31:0] ex_pc_q;

  assign all_idle = !ldq_valid && !exq_valid && !stq_valid && !ldf_valid && !exf_valid && !stf_valid &&
                    !ld_busy_i && !ex_busy_i && !st_busy_i;

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
      err_code_d = tasu_pkg::ErrBAD_OPERAND; err_pc_d = ex_issue ? ex_pc_o : ex_pc_q;
      err_info_d = ex_err_info_i;
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
      l2e_q        <= '0;
      e2l_q        <= '0;
      e2s_q        <= '0;
      s2e_q        <= '0;
      err_code_q   <= tasu_pkg::ErrNONE;
      err_pc_q     <= '0;
      err_info_q   <= '0;
      ex_pc_q      <= '0;
    end else begin
      state_q <= state_d;
      if (start_i && (state_q == StIdle || state_q == StDone || state_q == StError)) begin
        pc_q         <= '0;
        fetch_beat_q <= '0;
        l2e_q        <= '0;
        e2l_q        <= '0;
        e2s_q        <= '0;
        s2e_q        <= '0;
        err_code_q   <= tasu_pkg::ErrNONE;
        err_pc_q     <= '0;
        err_info_q   <= '0;
      end else begin
        if (dispatch_ok && !any_err) pc_q <= pc_q + 32'd1;
        if (f_req_valid_o && f_req_ready_i) fetch_beat_q <= fetch_beat_q + 32'(f_len);
        l2e_q <= l2e_q + 8'(inc_l2e) - 8'(dec_l2e);
        e2l_q <= e2l_q + 8'(inc_e2l) - 8'(dec_e2l);
        e2s_q <= e2s_q + 8'(inc_e2s) - 8'(dec_e2s);
        s2e_q <= s2e_q + 8'(inc_s2e) - 8'(dec_s2e);
        if (any_err && !halted) begin
          err_code_q <= err_code_d;
          err_pc_q   <= err_pc_d;
          err_info_q <= err_info_d;
        end
      end
      inflight_q <= inflight_q + ((f_req_valid_o && f_req_ready_i) ? 5'(f_len) : 5'd0) - 5'(f_rd_valid_i);
      if (ex_issue) ex_pc_q <= ex_pc_o;
    end
  end

  assign busy_o      = (state_q == StRun) || (state_q == StFinish);
  assign done_o      = (state_q == StDone);
  assign error_o     = (state_q == StError);
  assign err_code_o  = err_code_q;
  assign err_pc_o    = err_pc_q;
  assign err_info_o  = err_info_q;
  assign pc_o        = pc_q;
  assign insn_o      = dispatch_ok && !finish_seen && !any_err;
  assign semaphores_o = {s2e_q, e2s_q, e2l_q, l2e_q};
  assign unit_state_o = {4'(fb_count), 4'({ldq_valid, exq_valid, stq_valid}), 4'(stf_valid), 4'(exf_valid),
                         1'b0, state_q, 1'b0, st_busy_i, ex_busy_i, ld_busy_i, 4'(ldf_valid), 4'(halted)};
endmodule
