// One row of a matrix engine for the silicon comparison (scripts/ppa.sh): Lanes weights per
// word in a weight store of Depth words, a registered activation slice, the dot product of
// the selected kind and an accumulator, all at one dot product (Lanes operations) per cycle.
// Kind indexes tasu_arch.json's ppa_rows: the engine (weight bits), the dot product's
// structure (ternary chain, tree, carry-save tree or pair lookup table; INT8 or BF16 multipliers) and the
// activation bits; BF16 accumulates in binary32, the others in AccW-bit integers.
// Weight storage is synthesized as flip-flops (no SRAM compiler exists for this library).
// With reuse R (ppa_rows' reuse) a weight word read serves R tokens in R consecutive cycles:
// the store is read once per R steps and the word held while the activation slices of the R
// tokens pass, each token summing into its own accumulator (R accumulators and an output mux).
// With wpack (ppa_rows) the store keeps five ternary weights per byte, ceil(Lanes / 5) bytes a
// word, and the row decodes the word it reads into 2-bit codes (a tasu_wgt_trit5_dec per byte,
// named u_dot_dec*: its cells and power count with the dot product), as the WPack tiles do.
// The LUT3 row stores each group of three weights as its 5-bit code (tasu_arch.json's _lut3),
// ceil(Lanes / 3) codes a word, which select from the tile's triple table without decoding.
module tasu_ppa_row #(
  parameter int Kind  = 0,
  parameter int Lanes,
  parameter int Depth,
  parameter int AccW,
  // Words of 32 bits in the package; the engine and dot codes are their low bits.
  localparam logic [tasu_pkg::EngW-1:0] Eng = tasu_pkg::PpaRowEngine[Kind*32 +: tasu_pkg::EngW],
  localparam logic [tasu_pkg::PpaDotW-1:0] Dot = tasu_pkg::PpaRowDot[Kind*32 +: tasu_pkg::PpaDotW],
  localparam int WBits = tasu_pkg::EngineWBits[Eng*32 +: 32],
  localparam int ABits = tasu_pkg::PpaRowActBits[Kind*32 +: 32],
  localparam int OutW  = (Eng == tasu_pkg::EngBF16) ? 32 : AccW,
  localparam int DotW  = tasu_pkg::EngineTermBits[Eng*32 +: 32] + $clog2(Lanes),  // integer rows
  localparam int AddrW = $clog2(Depth),
  localparam int Reuse = tasu_pkg::PpaRowReuse[Kind*32 +: 32],
  localparam int WPack = tasu_pkg::PpaRowWPack[Kind*32 +: 32],
  localparam int SBits = (WPack != 0) ? tasu_pkg::trit5_bytes(Lanes) * 8                  // a word as stored
                       : (Dot == tasu_pkg::PpaDotLUT3) ? tasu_pkg::lut3_groups(Lanes) * 5 : Lanes * WBits,
  localparam int QBits = (Dot == tasu_pkg::PpaDotLUT3) ? SBits : Lanes * WBits,          // ... as the dot takes it
  localparam int TokW  = (Reuse > 1) ? $clog2(Reuse) : 1
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   wr_valid_i,
  input  logic [AddrW-1:0]       wr_addr_i,
  input  logic [SBits-1:0]       wr_data_i,
  input  logic                   valid_i,
  input  logic                   clear_i,     // start a new accumulation
  input  logic [AddrW-1:0]       rd_addr_i,
  input  logic [Lanes*ABits-1:0] act_i,
  output logic [OutW-1:0]        acc_o
);
  logic [SBits-1:0]       w_s;   // the word read, as stored
  logic [QBits-1:0]       w_q;   // ... as the dot product takes it (LUT3: the group codes as stored)
  logic [Lanes*ABits-1:0] a_q;
  logic                   v_q, clr_q;
  // The token of this step (tok_q) and of the step in the dot product (tok1_q).
  logic [TokW-1:0]        tok_q, tok1_q;

  tasu_ppa_wstore #(.Depth(Depth), .Bits(SBits)) u_wstore (
    .clk_i, .wr_valid_i, .wr_addr_i, .wr_data_i, .rd_valid_i(valid_i && tok_q == '0), .rd_addr_i, .rd_data_o(w_s)
  );
  if (WPack != 0) begin : g_unpack
    logic [SBits/8*10-1:0] codes;
    for (genvar b = 0; b < SBits / 8; b++) begin : g_byte
      tasu_wgt_trit5_dec u_dot_dec (.byte_i(w_s[b*8 +: 8]), .codes_o(codes[b*10 +: 10]));
    end
    assign w_q = codes[Lanes*WBits-1:0];
  end else begin : g_codes
    assign w_q = w_s;
  end

  tasu_ppa_areg #(.Bits(Lanes * ABits)) u_areg (.clk_i, .rst_ni, .d_i(act_i), .q_o(a_q));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      v_q    <= 1'b0;
      clr_q  <= 1'b0;
      tok_q  <= '0;
      tok1_q <= '0;
    end else begin
      v_q    <= valid_i;
      clr_q  <= clear_i;
      tok1_q <= tok_q;
      if (valid_i) tok_q <= (Reuse > 1 && 32'(tok_q) != Reuse - 1) ? tok_q + TokW'(1) : '0;
    end
  end

  // The accumulator of the token in the dot product (a mux: the index times OutW would be a
  // multiplier in the netlist).
  logic [Reuse*OutW-1:0] accs_q;
  logic [OutW-1:0]       acc_q, acc_d;
  always_comb begin
    acc_q = accs_q[0 +: OutW];
    for (int k = 1; k < Reuse; k++) if (32'(tok1_q) == k) acc_q = accs_q[k*OutW +: OutW];
  end
  if (Eng == tasu_pkg::EngBF16) begin : g_bf16
    logic [31:0] dot, sum;
    tasu_dot_bf16 #(.Lanes(Lanes)) u_dot (.en_i(v_q), .w_i(w_q), .a_i(a_q), .y_o(dot));
    tasu_vu_fadd u_acc (.en_i(v_q), .a_i(clr_q ? 32'd0 : acc_q), .b_i(dot), .y_o(sum));
    assign acc_d = sum;
  end else if (Eng == tasu_pkg::EngINT8) begin : g_int8
    logic [DotW-1:0] dot;
    tasu_dot_int8 #(.Lanes(Lanes)) u_dot (.en_i(v_q), .w_i(w_q), .a_i(a_q), .y_o(dot));
    assign acc_d = (clr_q ? '0 : acc_q) + OutW'($signed(dot));
  end else begin : g_tern
    // Operand isolation: the dot product is zero (and idle) in the cycles without a step.
    logic [DotW-1:0] dot;
    if (Dot == tasu_pkg::PpaDotCHAIN) begin : g_chain
      tasu_dot_tern_chain #(.Lanes(Lanes)) u_dot (.en_i(v_q), .w_i(w_q), .a_i(a_q), .y_o(dot));
    end else if (Dot == tasu_pkg::PpaDotTREE) begin : g_tree
      tasu_dot_tern_tree #(.Lanes(Lanes)) u_dot (.en_i(v_q), .w_i(w_q), .a_i(a_q), .y_o(dot));
    end else if (Dot == tasu_pkg::PpaDotCSA) begin : g_csa
      tasu_dot_tern_csa #(.Lanes(Lanes)) u_dot (.en_i(v_q), .w_i(w_q), .a_i(a_q), .y_o(dot));
    end else if (Dot == tasu_pkg::PpaDotLUT3) begin : g_lut3
      // The triple table belongs to the tile, registered beside the slice as the pair table is.
      localparam int TBits = tasu_pkg::lut3_groups(Lanes) * (tasu_pkg::Lut3Patterns - 3) * 10;
      logic [TBits-1:0] sums_d, sums_q;
      tasu_dot_tern_lut3_table #(.Lanes(Lanes)) u_lut_table (.en_i(valid_i), .a_i(act_i), .t_o(sums_d));
      tasu_ppa_areg #(.Bits(TBits)) u_areg_lut (.clk_i, .rst_ni, .d_i(sums_d), .q_o(sums_q));
      tasu_dot_tern_lut3_sel #(.Lanes(Lanes)) u_dot (.en_i(v_q), .w_i(w_q), .a_i(a_q), .t_i(sums_q), .y_o(dot));
    end else begin : g_lut
      // The pair table belongs to the tile (scripts/ppa.sh counts it once per tile, with the
      // activation slice): built from the incoming slice and registered beside it, so that its
      // adders are not in series with the rows' trees; each row selects from it.
      logic [Lanes/2*18-1:0] sums_d, sums_q;
      tasu_dot_tern_lut_table #(.Lanes(Lanes)) u_lut_table (.en_i(valid_i), .a_i(act_i), .t_o(sums_d));
      tasu_ppa_areg #(.Bits(Lanes / 2 * 18)) u_areg_lut (.clk_i, .rst_ni, .d_i(sums_d), .q_o(sums_q));
      tasu_dot_tern_lut_sel #(.Lanes(Lanes)) u_dot (.en_i(v_q), .w_i(w_q), .a_i(a_q), .t_i(sums_q), .y_o(dot));
    end
    assign acc_d = (clr_q ? '0 : acc_q) + OutW'($signed(dot));
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) accs_q <= '0;
    else if (v_q)
      for (int k = 0; k < Reuse; k++) if (32'(tok1_q) == k) accs_q[k*OutW +: OutW] <= acc_d;
  end
  assign acc_o = acc_q;

  `ASSERT_INIT(KindIsARow, Kind >= 0 && Kind < tasu_pkg::PpaRows)
  `ASSERT_INIT(ReuseIsAPowerOfTwo, Reuse >= 1 && (Reuse & (Reuse - 1)) == 0)
endmodule
