// Output buffer: one word of Rows int32 results per token. The engine writes finished words and
// reads them back to accumulate over K chunks; the store DMA reads them out beat by beat and the
// vector unit word by word, each on its own port, so that draining one batch of words overlaps
// the MATMULs filling the next (the program keeps them on different words with tokens).
module tasu_out_buffer #(
  parameter int Words,
  parameter int WordBits,
  parameter int BusBytes,
  localparam int BusBits   = BusBytes * 8,
  localparam int BeatsPerW = WordBits / BusBits,
  localparam int BeatSelW  = (BeatsPerW > 1) ? $clog2(BeatsPerW) : 1,
  localparam int AddrW     = $clog2(Words)
) (
  input  logic                clk_i,
  // Engine: word write and word read (accumulate).
  input  logic                wr_valid_i,
  input  logic [AddrW-1:0]    wr_word_i,
  input  logic [WordBits-1:0] wr_data_i,
  input  logic                acc_rd_valid_i,
  input  logic [AddrW-1:0]    acc_rd_word_i,
  output logic [WordBits-1:0] acc_rd_data_o,
  // Vector unit: word read (FROM_OUT).
  input  logic                vu_rd_valid_i,
  input  logic [AddrW-1:0]    vu_rd_word_i,
  output logic [WordBits-1:0] vu_rd_data_o,
  // Store DMA: beat read.
  input  logic                dma_rd_valid_i,
  input  logic [AddrW-1:0]    dma_rd_word_i,
  input  logic [BeatSelW-1:0] dma_rd_beat_i,
  output logic [BusBits-1:0]  dma_rd_data_o
);
  logic [WordBits-1:0] mem_q [Words];

  always_ff @(posedge clk_i) begin
    if (wr_valid_i) mem_q[wr_word_i] <= wr_data_i;
    if (acc_rd_valid_i) acc_rd_data_o <= mem_q[acc_rd_word_i];
    if (vu_rd_valid_i)  vu_rd_data_o  <= mem_q[vu_rd_word_i];
    if (dma_rd_valid_i) begin
      if (BeatsPerW > 1) dma_rd_data_o <= mem_q[dma_rd_word_i][dma_rd_beat_i * BusBits +: BusBits];
      else               dma_rd_data_o <= mem_q[dma_rd_word_i][BusBits-1:0];
    end
  end
endmodule
