// Weight fill of the 1.6-bit format (WPack 1): a tile word is WordBytes bytes, rarely whole bus
// beats, so a LOAD's beats are one byte stream from which this reassembles whole words, each
// written to its tile in the cycle its last byte arrives (the same cycle a 2-bit beat would be
// written: packing costs no fill latency). first_i marks a LOAD's first beat, with word_i the
// word it fills first; what remains of the last beat after the LOAD's last word is padding and
// is dropped when the next LOAD starts. A beat completes at most one word (WordBytes >= the beat).
module tasu_wgt_gearbox #(
  parameter int BusBytes,
  parameter int WordBytes,
  parameter int WordIdxW,
  localparam int BusBits = BusBytes * 8,
  localparam int BufBits = (WordBytes + BusBytes) * 8,
  localparam int CntW    = $clog2(WordBytes + BusBytes + 1)
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     valid_i,
  input  logic                     first_i,
  input  logic [WordIdxW-1:0]      word_i,
  input  logic [BusBits-1:0]       data_i,
  output logic                     wr_valid_o,
  output logic [WordIdxW-1:0]      wr_word_o,
  output logic [WordBytes*8-1:0]   wr_data_o
);
  // Bytes held (always fewer than a word between beats), and the word they begin.
  logic [BufBits-1:0]  buf_q, buf_base, merged;
  logic [CntW-1:0]     cnt_q, cnt_base, total;
  logic [WordIdxW-1:0] word_q, word_base;

  assign buf_base  = first_i ? '0 : buf_q;
  assign cnt_base  = first_i ? '0 : cnt_q;
  assign word_base = first_i ? word_i : word_q;
  // The beat lands above the held bytes: one shifter, used only when a beat arrives.
  assign merged     = buf_base | (BufBits'(data_i) << {cnt_base, 3'b000});
  assign total      = cnt_base + CntW'(BusBytes);
  assign wr_valid_o = valid_i && (total >= CntW'(WordBytes));
  assign wr_word_o  = word_base;
  assign wr_data_o  = merged[WordBytes*8-1:0];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      buf_q  <= '0;
      cnt_q  <= '0;
      word_q <= '0;
    end else if (valid_i) begin
      if (wr_valid_o) begin
        buf_q  <= merged >> (WordBytes * 8);
        cnt_q  <= total - CntW'(WordBytes);
        word_q <= word_base + WordIdxW'(1);
      end else begin
        buf_q  <= merged;
        cnt_q  <= total;
        word_q <= word_base;
      end
    end
  end

  `ASSERT(HeldBelowAWord, cnt_q < CntW'(WordBytes))
endmodule
