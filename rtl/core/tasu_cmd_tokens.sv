// Dependency tokens of the command processor: one counter per ordered pair of units and, per unit,
// the push masks of its issued instructions in completion order. A unit's oldest queued
// instruction is offered to it only when every token it pops is there; it gives the tokens of
// its push mask when the unit completes it. A module of its own so that scripts/formal.sh can
// prove it (no counter wraps, no token lost or invented) on the parameters the design uses.
module tasu_cmd_tokens #(
  parameter int NU         = tasu_pkg::NumUnits,     // units, in tasu_pkg::Unit* order
  parameter int QueueDepth = tasu_pkg::CpQueueDepth, // instructions a unit may have issued, not completed
  parameter int SemW       = tasu_pkg::RegSemFromLdW // bits of a token counter (as the SEM_* registers)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 clear_i,        // a new program starts: no tokens
  input  logic                 halt_i,         // offer nothing (an error stopped the program)
  // Per unit u, its oldest queued instruction: bit p of pop/push (at u*NU + p) names unit p.
  input  logic [NU-1:0]        head_valid_i,
  input  logic [NU*NU-1:0]     head_pop_i,
  input  logic [NU*NU-1:0]     head_push_i,
  input  logic [NU-1:0]        ready_i,        // the unit takes the instruction offered
  input  logic [NU-1:0]        done_i,         // the unit completed its oldest issued instruction
  output logic [NU-1:0]        valid_o,        // instruction offered (issued when ready_i)
  output logic [NU-1:0]        inflight_o,     // the unit has issued, uncompleted instructions
  output logic [NU*NU*SemW-1:0] sem_o,         // channel p*NU + c: tokens p gave c, not yet taken
  output logic                 overflow_o      // a counter at its maximum was given one more
);
  logic [NU*NU*SemW-1:0] sem_q;
  logic [NU-1:0]         tok_ok, issue, f_ready;
  logic [NU*NU-1:0]      f_push;     // per unit: push mask of its oldest instruction in flight
  logic [NU*NU-1:0]      inc, dec;   // per channel

  assign issue = valid_o & ready_i;

  for (genvar u = 0; u < NU; u++) begin : g_unit
    // The push masks of issued instructions, released in order as the unit completes them.
    tasu_fifo #(.Width(NU), .Depth(QueueDepth)) u_inflight (
      .clk_i, .rst_ni, .clear_i(1'b0), .in_valid_i(issue[u]), .in_ready_o(f_ready[u]),
      .in_data_i(head_push_i[u*NU +: NU]), .out_valid_o(inflight_o[u]), .out_ready_i(done_i[u]),
      .out_data_o(f_push[u*NU +: NU]), .count_o());

    always_comb begin
      tok_ok[u] = 1'b1;
      for (int p = 0; p < NU; p++)
        if (head_pop_i[u*NU + p] && sem_q[(p*NU + u)*SemW +: SemW] == '0) tok_ok[u] = 1'b0;
    end
    assign valid_o[u] = !halt_i && head_valid_i[u] && tok_ok[u] && f_ready[u];

    for (genvar c = 0; c < NU; c++) begin : g_chan
      // Channel u -> c is given when u completes, taken when c issues.
      assign inc[u*NU + c] = (u != c) && done_i[u] && inflight_o[u] && f_push[u*NU + c];
      assign dec[u*NU + c] = (u != c) && issue[c] && head_pop_i[c*NU + u];
    end
  end

  // Overflow only when a count would pass its maximum: a take in the same cycle cancels a give.
  always_comb begin
    overflow_o = 1'b0;
    for (int ch = 0; ch < NU*NU; ch++)
      if (inc[ch] && !dec[ch] && sem_q[ch*SemW +: SemW] == '1) overflow_o = 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      sem_q <= '0;
    end else if (clear_i) begin
      sem_q <= '0;
    end else begin
      for (int ch = 0; ch < NU*NU; ch++)
        sem_q[ch*SemW +: SemW] <= sem_q[ch*SemW +: SemW] + SemW'(inc[ch]) - SemW'(dec[ch]);
    end
  end
  assign sem_o = sem_q;

  `ASSERT_RESET_FIRST
  for (genvar u = 0; u < NU; u++) begin : g_unit_check
    // A completion nothing was issued for would give no token: the unit's promise, checked.
    `ASSUME(CompletesOnlyWhatWasIssued, !(done_i[u] && !inflight_o[u]))
    `ASSUME(HeadHasNoFlagsToItself, !head_valid_i[u] || (!head_pop_i[u*NU + u] && !head_push_i[u*NU + u]))
  end
  // A unit takes only what was given (no counter wraps below zero) and never gives itself any.
  // That overflow_o flags a count passing its maximum is checked by the formal harness at the
  // ports (the flag's own expression cannot check itself).
  for (genvar ch = 0; ch < NU*NU; ch++) begin : g_sem_check
    `ASSERT_NEVER(TokenTakenThatWasNotGiven, dec[ch] && sem_q[ch*SemW +: SemW] == '0)
    if (ch % (NU + 1) == 0) begin : g_diag
      `ASSERT(NoTokensToItself, sem_q[ch*SemW +: SemW] == '0 && !inc[ch] && !dec[ch])
    end
  end
endmodule
