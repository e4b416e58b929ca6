// In-memory compute tile: keeps a block of weights (two buffers of WDepth words, each word
// Rows x Lanes weights) and, every cycle, applies one broadcast slice of Lanes int8 activations
// to all Rows weight rows of one word. The ternary engine (Engine = tasu_pkg::EngTERNARY) does
// it by add, subtract or skip only; the baselines of the silicon comparison multiply: INT8
// weights with an integer sum, or BF16 weights times the activations (converted to BF16,
// exactly) with a binary32 sum.
//
// Ternary weight code (2 bits, device format): 2'b00 = 0, 2'b01 = +1, 2'b11 = -1, 2'b10 = 0
// (never produced by the packer). Bit 0 says "use the activation", bit 1 says "negate it", so
// no decode is needed in front of the adders. INT8 weights are two's complement bytes, BF16
// weights 16-bit words, lane l of row r at bit (r * Lanes + l) * WBits of the word.
// WPack 1 (ternary only) stores five weights per byte instead (1.6 bits a weight: a store 20%
// smaller and a 20% shorter weight stream), written whole words at a time by tasu_wgt_gearbox and
// decoded into the 2-bit codes between the store's read and the read register.
module tasu_tile #(
  parameter int Engine,
  parameter int Rows,
  parameter int Lanes,
  parameter int WDepth,
  parameter int BusBytes,
  parameter int WPack = 0,
  localparam int WBits     = tasu_pkg::EngineWBits[Engine*32 +: 32],
  // Width of one row's partial sum: an int8 times +-1 (or times an int8) summed over Lanes
  // terms; binary32 for BF16.
  localparam logic [tasu_pkg::EngW-1:0] Eng = Engine[tasu_pkg::EngW-1:0],
  localparam int PsW       = (Eng == tasu_pkg::EngBF16) ? 32 : tasu_pkg::EngineTermBits[Engine*32 +: 32] + $clog2(Lanes),
  localparam int CodeBits  = Rows * Lanes * WBits,                          // a word as 2-bit codes
  localparam int WordBits  = (WPack != 0) ? tasu_pkg::trit5_bytes(Rows * Lanes) * 8 : CodeBits,  // a word as stored
  localparam int BusBits   = BusBytes * 8,
  localparam int WrBits    = (WPack != 0) ? WordBits : BusBits,                     // whole words, or beats
  localparam int BeatsPerW = (WPack != 0) ? 1 : WordBits / BusBits,
  localparam int BeatSelW  = (BeatsPerW > 1) ? $clog2(BeatsPerW) : 1,
  localparam int WordAddrW = $clog2(tasu_pkg::WgtBufs * WDepth),
  localparam int TableBits = Lanes / 2 * 18
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // Weight fill from the DMA, one bus beat at a time (WPack: one whole word, wr_beat_i unused).
  input  logic                   wr_valid_i,
  input  logic [WordAddrW-1:0]   wr_word_i,
  input  logic [BeatSelW-1:0]    wr_beat_i,
  input  logic [WrBits-1:0]      wr_data_i,
  // Compute: word address in cycle t, activations and result in cycle t+1, t+2.
  input  logic                   rd_valid_i,
  input  logic [WordAddrW-1:0]   rd_word_i,
  input  logic [Lanes*8-1:0]     act_i,
  // The ternary engine's pair table of act_i (tasu_act_buffer forms it; unused by the others).
  input  logic [TableBits-1:0]   table_i,
  output logic [Rows*PsW-1:0]    psum_o
);
  logic [WordBits-1:0] mem_q [tasu_pkg::WgtBufs * WDepth];
  logic [Rows*PsW-1:0] psum_d, psum_q;
  // The word read last cycle meets its activations this cycle: the only cycles the dot
  // products work (and the partial-sum register is written: it holds, clock-gated, otherwise).
  logic                dot_en_q;

  if (BeatsPerW > 1) begin : g_wr_beats
    always_ff @(posedge clk_i) if (wr_valid_i) mem_q[wr_word_i][wr_beat_i * BusBits +: BusBits] <= wr_data_i;
  end else begin : g_wr_words
    always_ff @(posedge clk_i) if (wr_valid_i) mem_q[wr_word_i] <= wr_data_i;
  end

  // The word as 2-bit codes: stored so, or decoded from five weights per byte on its way from the
  // store to the read registers (tasu_pkg::trit5_codes per byte, as tasu_wgt_trit5_dec; the
  // decoders work in read cycles only, in silicon as in simulation); the last byte's high digits
  // (zeros) are dropped.
  logic [CodeBits-1:0] w_codes;
  if (WPack != 0) begin : g_unpack
    localparam int Bytes = WordBits / 8;
    logic [Bytes*10-1:0] codes;
    for (genvar b = 0; b < Bytes; b++) begin : g_byte
      logic [9:0] codes_q;
      always_ff @(posedge clk_i) if (rd_valid_i) codes_q <= tasu_pkg::trit5_codes(mem_q[rd_word_i][b*8 +: 8]);
      assign codes[b*10 +: 10] = codes_q;
    end
    assign w_codes = codes[CodeBits-1:0];
  end else begin : g_codes
    logic [CodeBits-1:0] w_word_q;
    always_ff @(posedge clk_i) if (rd_valid_i) w_word_q <= mem_q[rd_word_i];
    assign w_codes = w_word_q;
  end

  if (Eng == tasu_pkg::EngTERNARY) begin : g_ternary
    // The add-only datapath as a lookup table (docs/ppa.md: the best of the ternary rows): each
    // pair of weights selects 0, a0, a1, a0 + a1 or a0 - a1 from the tile's pair table, signed,
    // and a balanced tree per row adds the Lanes / 2 terms (tasu_dot_tern_lut_sel, proven equal
    // to the plain add/subtract chain in scripts/lint.sh).
    tasu_dot_tern_lut_sel #(.Lanes(Lanes), .Rows(Rows)) u_dot (
      .en_i(dot_en_q), .w_i(w_codes), .a_i(act_i), .t_i(table_i), .y_o(psum_d)
    );
  end else if (Eng == tasu_pkg::EngINT8) begin : g_int8
    for (genvar r = 0; r < Rows; r++) begin : g_row
      tasu_dot_int8 #(.Lanes(Lanes)) u_dot (
        .en_i(dot_en_q), .w_i(w_codes[r*Lanes*8 +: Lanes*8]), .a_i(act_i), .y_o(psum_d[r*PsW +: PsW])
      );
    end
  end else begin : g_bf16
    // int8 -> BF16 is exact (at most 8 significant bits), once per lane for all rows.
    logic [Lanes*16-1:0] act_bf;
    logic [8:0]          mag;
    logic [2:0]          lead;
    logic [6:0]          norm;         // the significand below its leading one
    always_comb begin
      act_bf = '0;
      for (int l = 0; l < Lanes; l++) begin
        mag  = act_i[l*8 + 7] ? 9'(-$signed(act_i[l*8 +: 8])) : {1'b0, act_i[l*8 +: 8]};
        lead = '0;
        for (int i = 0; i < 8; i++) if (mag[i]) lead = 3'(i);
        norm = 7'(mag[7:0] << (3'd7 - lead));
        if (mag != 9'd0) act_bf[l*16 +: 16] = {act_i[l*8 + 7], 8'(lead) + 8'd127, norm};
      end
    end
    for (genvar r = 0; r < Rows; r++) begin : g_row
      tasu_dot_bf16 #(.Lanes(Lanes)) u_dot (
        .en_i(dot_en_q), .w_i(w_codes[r*Lanes*16 +: Lanes*16]), .a_i(act_bf), .y_o(psum_d[r*PsW +: PsW])
      );
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      dot_en_q <= 1'b0;
      psum_q   <= '0;
    end else begin
      dot_en_q <= rd_valid_i;
      if (dot_en_q) psum_q <= psum_d;
    end
  end

  assign psum_o = psum_q;
endmodule
