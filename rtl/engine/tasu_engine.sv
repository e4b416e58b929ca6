// Ternary matrix engine: Tiles in-memory compute tiles, the reduction of their partial sums, the
// per-row accumulators and the MATMUL sequencer, with the activation and output buffers it owns.
// No multiplier anywhere: tiles add or subtract, the reduction and accumulators only add.
// Engine selects the tiles' kind: the silicon comparison's INT8 and BF16 MAC arrays are the
// same engine with multiplying tiles (tasu_tile), and for BF16 binary32 adders in the
// reduction (tiles in order) and the accumulators; sequencing and cycle counts are identical.
//
// MATMUL(wbuf, woff, depth D, tokens N, act_word, act_stride, out_word, accumulate): for each token n,
//   out[out_word + n][r] = (accumulate ? out[out_word + n][r] : 0)
//                        + sum_{d<D} sum_{t,l} w[wbuf][woff + d][t][r][l] * act[act_word + n*act_stride + d][t][l]
// Pipeline: issue (S0), tile partial sums (S1), cross-tile reduction (S2), accumulate/write (S3);
// one (token, depth) step per cycle with no bubble between tokens.
module tasu_engine #(
  parameter int Engine,
  parameter int Tiles,
  parameter int Rows,
  parameter int Lanes,
  parameter int WDepth,
  parameter int ActWords,
  parameter int OutWords,
  parameter int BusBytes,
  parameter int AccW,
  parameter int WPack = 0,     // 1: five ternary weights per byte (tasu_tile, tasu_wgt_gearbox)
  localparam int BusBits      = BusBytes * 8,
  localparam int WBits        = tasu_pkg::EngineWBits[Engine*32 +: 32],
  localparam logic [tasu_pkg::EngW-1:0] Eng = Engine[tasu_pkg::EngW-1:0],
  localparam int PsW          = (Eng == tasu_pkg::EngBF16) ? 32 : tasu_pkg::EngineTermBits[Engine*32 +: 32] + $clog2(Lanes),
  localparam int RedW         = (Eng == tasu_pkg::EngBF16) ? 32 : PsW + $clog2(Tiles) + 1,
  localparam int TileWordBits = Rows * Lanes * WBits,
  localparam int WgtWordBytes = tasu_pkg::trit5_bytes(Rows * Lanes),  // WPack's tile word
  // A packed fill addresses words (tasu_wgt_gearbox), an unpacked one beats.
  localparam int WgtBeatsPerW = (WPack != 0) ? 1 : TileWordBits / BusBits,
  localparam int WgtBeatSelW  = (WgtBeatsPerW > 1) ? $clog2(WgtBeatsPerW) : 1,
  localparam int WgtWordW     = $clog2(tasu_pkg::WgtBufs * WDepth),
  localparam int TileSelW     = (Tiles > 1) ? $clog2(Tiles) : 1,
  localparam int WgtBeatW     = $clog2(tasu_pkg::WgtBufs * WDepth * Tiles * WgtBeatsPerW),
  localparam int ActWordBits  = Tiles * Lanes * 8,
  localparam int ActBeatsPerW = ActWordBits / BusBits,
  localparam int ActBeatSelW  = (ActBeatsPerW > 1) ? $clog2(ActBeatsPerW) : 1,
  localparam int ActAddrW     = $clog2(ActWords),
  localparam int ActBeatW     = $clog2(ActWords * ActBeatsPerW),
  localparam int OutWordBits  = Rows * 32,
  localparam int OutBeatsPerW = OutWordBits / BusBits,
  localparam int OutBeatSelW  = (OutBeatsPerW > 1) ? $clog2(OutBeatsPerW) : 1,
  localparam int OutAddrW     = $clog2(OutWords),
  localparam int OutBeatW     = $clog2(OutWords * OutBeatsPerW)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // MATMUL command.
  input  logic                 cmd_valid_i,
  output logic                 cmd_ready_o,
  input  logic                 cmd_wbuf_i,
  input  logic                 cmd_accumulate_i,
  input  logic [tasu_pkg::FDepthW-1:0]     cmd_depth_i,
  input  logic [tasu_pkg::FActWordW-1:0]   cmd_act_word_i,
  input  logic [tasu_pkg::FActStrideW-1:0] cmd_act_stride_i,
  input  logic [tasu_pkg::FOutWordW-1:0]   cmd_out_word_i,
  input  logic [tasu_pkg::FTokensW-1:0]    cmd_tokens_i,
  input  logic [tasu_pkg::FWoffW-1:0]      cmd_woff_i,
  output logic                 done_o,
  output logic                 err_o,
  output logic [31:0]          err_info_o,
  output logic                 busy_o,
  // Fills from the load DMA (beat addresses in each buffer's own space; with WPack the weight
  // fill gives the LOAD's first word on its first beat, first_i, instead).
  input  logic                 wgt_wr_valid_i,
  input  logic                 wgt_wr_first_i,
  input  logic [WgtBeatW-1:0]  wgt_wr_beat_i,
  input  logic [BusBits-1:0]   wgt_wr_data_i,
  input  logic                 act_wr_valid_i,
  input  logic [ActBeatW-1:0]  act_wr_beat_i,
  input  logic [BusBits-1:0]   act_wr_data_i,
  // Drain by the store DMA.
  input  logic                 out_rd_valid_i,
  input  logic [OutBeatW-1:0]  out_rd_beat_i,
  output logic [BusBits-1:0]   out_rd_data_o,
  // Vector unit: reads whole output words while the engine is idle (the execute queue runs
  // one instruction at a time), writes packed int8 beats into the activation buffer.
  input  logic                   vu_out_rd_valid_i,
  input  logic [OutAddrW-1:0]    vu_out_rd_word_i,
  output logic [OutWordBits-1:0] vu_out_rd_data_o,
  input  logic                   vu_act_wr_valid_i,
  input  logic [ActBeatW-1:0]    vu_act_wr_beat_i,
  input  logic [BusBits-1:0]     vu_act_wr_data_i
);
  localparam int DepthW = tasu_pkg::FDepthW;
  localparam int SumW   = (tasu_pkg::FWoffW > DepthW ? tasu_pkg::FWoffW : DepthW) + 1;  // woff + depth
  localparam int APtrW  = tasu_pkg::FActWordW + 1;
  localparam int OPtrW  = tasu_pkg::FOutWordW + 1;
  localparam int TokW   = tasu_pkg::FTokensW;
  typedef enum logic [1:0] {StIdle, StRun, StDrain} state_e;
  state_e state_q, state_d;

  // Latched command and issue counters.
  logic                wbuf_q, acc_q_flag;
  logic [tasu_pkg::FDepthW-1:0]     depth_q, d_q, d_d;
  logic [tasu_pkg::FWoffW-1:0]      woff_q;
  logic [tasu_pkg::FActStrideW-1:0] stride_q;
  logic [tasu_pkg::FActWordW:0]     act_ptr_q, act_ptr_d;   // one bit more: the end of a range
  logic [tasu_pkg::FOutWordW:0]     out_ptr_q, out_ptr_d;
  logic [tasu_pkg::FTokensW-1:0]    tok_q, tok_d;
  logic                issue;
  logic                range_bad;

  // Pipeline control, one register set per stage.
  logic                v1_q, v2_q, v3_q;
  logic                first1_q, first2_q, first3_q;
  logic                last1_q, last2_q, last3_q;
  logic                accf1_q, accf2_q, accf3_q;
  logic [OutAddrW-1:0] out1_q, out2_q, out3_q;

  logic                cmd_bad;
  assign cmd_bad = (cmd_depth_i == '0) || (SumW'(cmd_woff_i) + SumW'(cmd_depth_i) > SumW'(WDepth)) || (cmd_tokens_i == '0);

  // A token's operands must lie inside the buffers; checked when its first step issues, so a
  // bad command stops before it reads anything out of range.
  assign range_bad = (d_q == '0) &&
                     (((act_ptr_q + APtrW'(depth_q)) > APtrW'(ActWords)) || (out_ptr_q >= OPtrW'(OutWords)));
  assign issue     = (state_q == StRun) && !range_bad;

  // ERR_INFO of a refused MATMUL (ERR_INFO_MATMUL).
  logic [31:0] bad_info;
  always_comb begin
    bad_info = '0;
    bad_info[tasu_pkg::RegErrInfoMatmulDepthLsb +: tasu_pkg::RegErrInfoMatmulDepthW]   = cmd_depth_i;
    bad_info[tasu_pkg::RegErrInfoMatmulWoffLsb +: tasu_pkg::RegErrInfoMatmulWoffW]     = cmd_woff_i;
    bad_info[tasu_pkg::RegErrInfoMatmulTokensLsb +: tasu_pkg::RegErrInfoMatmulTokensW] = cmd_tokens_i;
  end

  always_comb begin
    state_d     = state_q;
    act_ptr_d   = act_ptr_q;
    out_ptr_d   = out_ptr_q;
    tok_d       = tok_q;
    d_d         = d_q;
    cmd_ready_o = 1'b0;
    done_o      = 1'b0;
    err_o       = 1'b0;
    err_info_o  = '0;
    unique case (state_q)
      StIdle: begin
        cmd_ready_o = 1'b1;
        if (cmd_valid_i) begin
          if (cmd_bad) begin
            err_o      = 1'b1;
            err_info_o = bad_info;
          end else begin
            state_d   = StRun;
            act_ptr_d = {1'b0, cmd_act_word_i};
            out_ptr_d = {1'b0, cmd_out_word_i};
            tok_d     = cmd_tokens_i;
            d_d       = '0;
          end
        end
      end
      StRun: begin
        if (range_bad) begin
          err_o      = 1'b1;
          err_info_o = 32'(act_ptr_q);
          state_d    = StIdle;
        end else if (d_q == depth_q - DepthW'(1)) begin
          d_d       = '0;
          act_ptr_d = act_ptr_q + APtrW'(stride_q);
          out_ptr_d = out_ptr_q + OPtrW'(1);
          tok_d     = tok_q - TokW'(1);
          if (tok_q == TokW'(1)) state_d = StDrain;
        end else begin
          d_d = d_q + DepthW'(1);
        end
      end
      StDrain: begin
        if (!v1_q && !v2_q && !v3_q) begin
          done_o  = 1'b1;
          state_d = StIdle;
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= StIdle;
      wbuf_q     <= 1'b0;
      acc_q_flag <= 1'b0;
      depth_q    <= DepthW'(1);
      woff_q     <= '0;
      stride_q   <= '0;
      act_ptr_q  <= '0;
      out_ptr_q  <= '0;
      tok_q      <= '0;
      d_q        <= '0;
    end else begin
      state_q   <= state_d;
      act_ptr_q <= act_ptr_d;
      out_ptr_q <= out_ptr_d;
      tok_q     <= tok_d;
      d_q       <= d_d;
      if (state_q == StIdle && cmd_valid_i && !cmd_bad) begin
        wbuf_q     <= cmd_wbuf_i;
        acc_q_flag <= cmd_accumulate_i;
        depth_q    <= cmd_depth_i;
        woff_q     <= cmd_woff_i;
        stride_q   <= cmd_act_stride_i;
      end
    end
  end

  assign busy_o = (state_q != StIdle);

  // ---- S0: read the weight word and the activation word -------------------------------------
  logic [WgtWordW-1:0] wgt_rd_word;
  assign wgt_rd_word = WgtWordW'((wbuf_q ? WDepth : 0) + 32'(woff_q) + 32'(d_q));

  // The ternary tiles' pair tables, one per tile's slice, formed at the buffer's read port.
  localparam int TableLanes = (Eng == tasu_pkg::EngTERNARY) ? Lanes : 0;
  localparam int TileTBits  = Lanes / 2 * 18;
  logic [ActWordBits-1:0] act_word;
  logic [((Eng == tasu_pkg::EngTERNARY) ? Tiles * TileTBits : 1)-1:0] act_table;
  tasu_act_buffer #(
    .Words(ActWords), .WordBits(ActWordBits), .BusBytes(BusBytes), .TableLanes(TableLanes)
  ) u_act_buffer (
    .clk_i,
    .wr_valid_i (act_wr_valid_i),
    .wr_word_i  (act_wr_beat_i[ActBeatW-1 -: ActAddrW]),
    .wr_beat_i  (ActBeatSelW'(act_wr_beat_i & ActBeatW'(ActBeatsPerW - 1))),
    .wr_data_i  (act_wr_data_i),
    .vu_wr_valid_i (vu_act_wr_valid_i),
    .vu_wr_word_i  (vu_act_wr_beat_i[ActBeatW-1 -: ActAddrW]),
    .vu_wr_beat_i  (ActBeatSelW'(vu_act_wr_beat_i & ActBeatW'(ActBeatsPerW - 1))),
    .vu_wr_data_i  (vu_act_wr_data_i),
    .rd_valid_i (issue),
    .rd_word_i  (ActAddrW'(act_ptr_q + APtrW'(d_q))),
    .rd_data_o  (act_word),
    .rd_table_o (act_table)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      {v1_q, v2_q, v3_q}             <= '0;
      {first1_q, first2_q, first3_q} <= '0;
      {last1_q, last2_q, last3_q}    <= '0;
      {accf1_q, accf2_q, accf3_q}    <= '0;
      {out1_q, out2_q, out3_q}       <= '0;
    end else begin
      v1_q     <= issue;
      first1_q <= (d_q == '0);
      last1_q  <= (d_q == depth_q - DepthW'(1));
      accf1_q  <= acc_q_flag;
      out1_q   <= OutAddrW'(out_ptr_q);
      v2_q <= v1_q; first2_q <= first1_q; last2_q <= last1_q; accf2_q <= accf1_q; out2_q <= out1_q;
      v3_q <= v2_q; first3_q <= first2_q; last3_q <= last2_q; accf3_q <= accf2_q; out3_q <= out2_q;
    end
  end

  // ---- S1: tiles (weight fill is decoded here: beat -> word -> tile) ------------------------
  localparam int FillBits = (WPack != 0) ? WgtWordBytes * 8 : BusBits;
  logic                fill_valid;
  logic [WgtBeatW-1:0] fill_at, wgt_word_global;
  logic [FillBits-1:0] fill_data;
  logic [Tiles*Rows*PsW-1:0] psums;
  if (WPack != 0) begin : g_gearbox
    tasu_wgt_gearbox #(.BusBytes(BusBytes), .WordBytes(WgtWordBytes), .WordIdxW(WgtBeatW)) u_gearbox (
      .clk_i, .rst_ni,
      .valid_i    (wgt_wr_valid_i),
      .first_i    (wgt_wr_first_i),
      .word_i     (wgt_wr_beat_i),
      .data_i     (wgt_wr_data_i),
      .wr_valid_o (fill_valid),
      .wr_word_o  (fill_at),
      .wr_data_o  (fill_data)
    );
  end else begin : g_beats
    assign fill_valid = wgt_wr_valid_i;
    assign fill_at    = wgt_wr_beat_i;
    assign fill_data  = wgt_wr_data_i;
  end
  assign wgt_word_global = fill_at >> WgtBeatSelW'(WgtBeatsPerW > 1 ? $clog2(WgtBeatsPerW) : 0);

  for (genvar t = 0; t < Tiles; t++) begin : g_tile
    logic tile_sel;
    logic [TileTBits-1:0] tile_table;
    if (Eng == tasu_pkg::EngTERNARY) begin : g_table
      assign tile_table = act_table[t*TileTBits +: TileTBits];
    end else begin : g_no_table
      assign tile_table = '0;
    end
    if (Tiles > 1) begin : g_sel
      assign tile_sel = (wgt_word_global[TileSelW-1:0] == TileSelW'(t));
    end else begin : g_one
      assign tile_sel = 1'b1;
    end
    tasu_tile #(
      .Engine(Engine), .Rows(Rows), .Lanes(Lanes), .WDepth(WDepth), .BusBytes(BusBytes), .WPack(WPack)
    ) u_tile (
      .clk_i,
      .rst_ni,
      .wr_valid_i (fill_valid && tile_sel),
      .wr_word_i  (WgtWordW'(wgt_word_global >> (Tiles > 1 ? TileSelW : 0))),
      .wr_beat_i  (WgtBeatSelW'(fill_at & WgtBeatW'(WgtBeatsPerW - 1))),
      .wr_data_i  (fill_data),
      .rd_valid_i (issue),
      .rd_word_i  (wgt_rd_word),
      .act_i      (act_word[t*Lanes*8 +: Lanes*8]),
      .table_i    (tile_table),
      .psum_o     (psums[t*Rows*PsW +: Rows*PsW])
    );
  end

  // ---- S2: reduction across tiles ------------------------------------------------------------
  logic [Rows*RedW-1:0] red_d, red_q;
  if (Eng == tasu_pkg::EngBF16) begin : g_red_fp
    // Binary32 partial sums added tile after tile (the order the golden model follows).
    for (genvar r = 0; r < Rows; r++) begin : g_row
      logic [Tiles*32-1:0] chain;
      assign chain[31:0] = psums[r*PsW +: 32];
      for (genvar t = 1; t < Tiles; t++) begin : g_add
        tasu_vu_fadd u_add (.en_i(v2_q), .a_i(chain[(t-1)*32 +: 32]), .b_i(psums[(t*Rows + r)*PsW +: 32]), .y_o(chain[t*32 +: 32]));
      end
      assign red_d[r*32 +: 32] = chain[(Tiles-1)*32 +: 32];
    end
  end else begin : g_red_int
    logic signed [RedW-1:0] red_sum;
    // Evaluated only in the cycles that carry a step (the register below holds otherwise).
    always_comb begin
      red_d   = '0;
      red_sum = '0;
      if (v2_q) begin
        for (int r = 0; r < Rows; r++) begin
          red_sum = '0;
          for (int t = 0; t < Tiles; t++) red_sum = red_sum + RedW'($signed(psums[(t*Rows + r)*PsW +: PsW]));
          red_d[r*RedW +: RedW] = red_sum;
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)   red_q <= '0;
    else if (v2_q) red_q <= red_d;
  end

  // ---- S3: accumulate, and write the finished word ------------------------------------------
  // The first step of a token starts from zero or, to accumulate, from the output word.
  localparam int AccBits = (Eng == tasu_pkg::EngBF16) ? 32 : AccW;
  logic [OutWordBits-1:0] prev_word;
  logic [Rows*AccBits-1:0] acc_d, acc_q, base;
  logic [OutWordBits-1:0]  out_word;

  always_comb begin
    for (int r = 0; r < Rows; r++) begin
      if (first3_q) base[r*AccBits +: AccBits] = accf3_q ? AccBits'(prev_word[r*32 +: 32]) : '0;
      else          base[r*AccBits +: AccBits] = acc_q[r*AccBits +: AccBits];
    end
  end

  if (Eng == tasu_pkg::EngBF16) begin : g_acc_fp
    for (genvar r = 0; r < Rows; r++) begin : g_row
      tasu_vu_fadd u_acc (.en_i(v3_q), .a_i(base[r*32 +: 32]), .b_i(red_q[r*32 +: 32]), .y_o(acc_d[r*32 +: 32]));
    end
    assign out_word = acc_d;
  end else begin : g_acc_int
    always_comb begin
      for (int r = 0; r < Rows; r++) begin
        acc_d[r*AccW +: AccW] = base[r*AccW +: AccW] + AccW'($signed(red_q[r*RedW +: RedW]));
        out_word[r*32 +: 32]  = 32'($signed(acc_d[r*AccW +: AccW]));
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)   acc_q <= '0;
    else if (v3_q) acc_q <= acc_d;
  end

  tasu_out_buffer #(
    .Words(OutWords), .WordBits(OutWordBits), .BusBytes(BusBytes)
  ) u_out_buffer (
    .clk_i,
    .wr_valid_i     (v3_q && last3_q),
    .wr_word_i      (out3_q),
    .wr_data_i      (out_word),
    .acc_rd_valid_i (v2_q && first2_q && accf2_q),
    .acc_rd_word_i  (out2_q),
    .acc_rd_data_o  (prev_word),
    .vu_rd_valid_i  (vu_out_rd_valid_i),
    .vu_rd_word_i   (vu_out_rd_word_i),
    .vu_rd_data_o   (vu_out_rd_data_o),
    .dma_rd_valid_i (out_rd_valid_i),
    .dma_rd_word_i  (out_rd_beat_i[OutBeatW-1 -: OutAddrW]),
    .dma_rd_beat_i  (OutBeatSelW'(out_rd_beat_i & OutBeatW'(OutBeatsPerW - 1))),
    .dma_rd_data_o  (out_rd_data_o)
  );
  `ASSERT(LegalState, state_q == StIdle || state_q == StRun || state_q == StDrain)
endmodule
