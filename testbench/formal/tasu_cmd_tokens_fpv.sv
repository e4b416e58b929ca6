// Formal harness of tasu_cmd_tokens (scripts/formal.sh): every input is free each cycle except
// what the module assumes, and the properties below are checked at the ports against a reference
// of the protocol: "no token lost" is proven for any one issued instruction the solver picks (its
// completion gives exactly the tokens of its push mask, and its give onto a full counter raises
// overflow_o), "no token invented" for every cycle in which a unit completes nothing (its
// channels only lose what the other units take).
module tasu_cmd_tokens_fpv #(
  parameter int NU         = tasu_pkg::NumUnits,      // the design's parameters ...
  parameter int QueueDepth = tasu_pkg::CpQueueDepth,
  parameter int SemW       = tasu_pkg::RegSemFromLdW  // ... (scripts/formal.sh also sets 2)
) (
  input logic               clk_i,
  input logic               rst_ni,
  input logic               clear_i,
  input logic               halt_i,
  input logic [NU-1:0]      head_valid_i,
  input logic [NU*NU-1:0]   head_pop_i,
  input logic [NU*NU-1:0]   head_push_i,
  input logic [NU-1:0]      ready_i,
  input logic [NU-1:0]      done_i,
  input logic               track_i,        // pick the instruction issued this cycle ...
  input logic [1:0]         track_unit_i    // ... by this unit
);
  localparam int CntW = $clog2(QueueDepth) + 1;
  logic [NU-1:0]         valid, inflight, issue, completes;
  logic [NU*NU*SemW-1:0] sem;
  logic                  overflow;
  logic [NU*NU-1:0]      takes;             // channel p*NU + c: c issues an instruction popping p

  tasu_cmd_tokens #(.NU(NU), .QueueDepth(QueueDepth), .SemW(SemW)) dut (
    .clk_i, .rst_ni, .clear_i, .halt_i, .head_valid_i, .head_pop_i, .head_push_i, .ready_i,
    .done_i, .valid_o(valid), .inflight_o(inflight), .sem_o(sem), .overflow_o(overflow));

  assign issue     = valid & ready_i;
  assign completes = done_i & inflight;
  for (genvar p = 0; p < NU; p++) begin : g_p
    for (genvar c = 0; c < NU; c++) begin : g_c
      assign takes[p*NU + c] = (p != c) && issue[c] && head_pop_i[c*NU + p];
    end
  end

  // Reference count of each unit's issued, uncompleted instructions.
  logic [NU*CntW-1:0] open_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) open_q <= '0;
    else for (int u = 0; u < NU; u++)
      open_q[u*CntW +: CntW] <= open_q[u*CntW +: CntW] + CntW'(issue[u]) - CntW'(completes[u]);
  end

  // The tracked instruction: its unit, push mask and the instructions of its unit ahead of it.
  logic            tracking_q, start_track, tracked_completes;
  logic [1:0]      tu_q;
  logic [NU-1:0]   mask_q;
  logic [CntW-1:0] ahead_q;
  assign start_track = !tracking_q && track_i && issue[track_unit_i] && !clear_i;
  assign tracked_completes = tracking_q && completes[tu_q] && ahead_q == '0;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      tracking_q <= 1'b0; tu_q <= '0; mask_q <= '0; ahead_q <= '0;
    end else if (clear_i || tracked_completes) begin
      tracking_q <= 1'b0;
    end else if (start_track) begin
      tracking_q <= 1'b1;
      tu_q       <= track_unit_i;
      mask_q     <= head_push_i[track_unit_i*NU +: NU];
      ahead_q    <= open_q[track_unit_i*CntW +: CntW] - CntW'(completes[track_unit_i]);
    end else if (tracking_q && completes[tu_q]) begin
      ahead_q <= ahead_q - 1'b1;
    end
  end

  // Each channel's next count, where the ports determine it: checked one cycle later.
  logic [NU*NU-1:0]      check_q;
  logic [NU*NU*SemW-1:0] expect_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      check_q <= '0; expect_q <= '0;
    end else begin
      for (int p = 0; p < NU; p++)
        for (int c = 0; c < NU; c++) begin
          check_q[p*NU + c] <= !clear_i && !overflow && p != c &&
                               (!completes[p] || (tracked_completes && tu_q == p));
          expect_q[(p*NU + c)*SemW +: SemW] <= sem[(p*NU + c)*SemW +: SemW] - SemW'(takes[p*NU + c]) +
              SemW'(completes[p] && mask_q[c]);
        end
    end
  end

  initial assume (!rst_ni);
  always @(posedge clk_i) if (rst_ni) begin
    for (int u = 0; u < NU; u++) begin
      assert (open_q[u*CntW +: CntW] <= CntW'(QueueDepth));
      assert (inflight[u] == (open_q[u*CntW +: CntW] != '0));
      assert (!issue[u] || head_valid_i[u]);
    end
    if (tracking_q) assert (ahead_q < open_q[tu_q*CntW +: CntW]);
    // The tracked instruction's give onto a full counter, with no take beside it, is flagged.
    for (int c = 0; c < NU; c++)
      if (tracked_completes && mask_q[c] && tu_q != c && !takes[tu_q*NU + c] &&
          sem[(tu_q*NU + c)*SemW +: SemW] == '1)
        assert (overflow);
    for (int ch = 0; ch < NU*NU; ch++)
      if (check_q[ch]) assert (sem[ch*SemW +: SemW] == expect_q[ch*SemW +: SemW]);
  end
endmodule
