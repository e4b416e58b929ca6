// Activation buffer: int8 activations of the tokens in flight, one word (Tiles x Lanes bytes)
// per engine cycle. The DMA and the vector unit fill it beat by beat; the engine reads a whole
// word per cycle.
module tasu_act_buffer #(
  parameter int Words,
  parameter int WordBits,
  parameter int BusBytes,
  localparam int BusBits   = BusBytes * 8,
  localparam int BeatsPerW = WordBits / BusBits,
  localparam int BeatSelW  = (BeatsPerW > 1) ? $clog2(BeatsPerW) : 1,
  localparam int AddrW     = $clog2(Words)
) (
  input  logic                clk_i,
  input  logic                wr_valid_i,
  input  logic [AddrW-1:0]    wr_word_i,
  input  logic [BeatSelW-1:0] wr_beat_i,
  input  logic [BusBits-1:0]  wr_data_i,
  // Second write port, for the vector unit's packed int8 rows (whole beats). The program keeps
  // the two writers on different words (dependency tokens).
  input  logic                vu_wr_valid_i,
  input  logic [AddrW-1:0]    vu_wr_word_i,
  input  logic [BeatSelW-1:0] vu_wr_beat_i,
  input  logic [BusBits-1:0]  vu_wr_data_i,
  input  logic                rd_valid_i,
  input  logic [AddrW-1:0]    rd_word_i,
  output logic [WordBits-1:0] rd_data_o
);
  logic [WordBits-1:0] mem_q [Words];

  always_ff @(posedge clk_i) begin
    if (wr_valid_i) begin
      if (BeatsPerW > 1) mem_q[wr_word_i][wr_beat_i * BusBits +: BusBits] <= wr_data_i;
      else               mem_q[wr_word_i][BusBits-1:0] <= wr_data_i;
    end
    if (vu_wr_valid_i) begin
      if (BeatsPerW > 1) mem_q[vu_wr_word_i][vu_wr_beat_i * BusBits +: BusBits] <= vu_wr_data_i;
      else               mem_q[vu_wr_word_i][BusBits-1:0] <= vu_wr_data_i;
    end
    if (rd_valid_i) rd_data_o <= mem_q[rd_word_i];
  end
endmodule
