// Activation buffer: int8 activations of the tokens in flight, one word (Tiles x Lanes bytes)
// per engine cycle. The DMA and the vector unit fill it beat by beat; the engine reads a whole
// word per cycle. With TableLanes > 0 (the ternary engine's lookup-table tiles) the read port
// also forms each TableLanes-byte slice's pair table (a0 + a1, a0 - a1 per pair of activations,
// tasu_dot_tern_lut_table) and registers it with the word: the table is built once per tile
// and cycle, beside the slice, and its adders stay off the tiles' dot-product path.
module tasu_act_buffer #(
  parameter int Words,
  parameter int WordBits,
  parameter int BusBytes,
  parameter int TableLanes = 0,
  localparam int BusBits   = BusBytes * 8,
  localparam int Slices    = (TableLanes > 0) ? WordBits / (TableLanes * 8) : 1,
  localparam int SliceTBits = TableLanes / 2 * 18,
  localparam int TableBits = (TableLanes > 0) ? Slices * SliceTBits : 1,
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
  output logic [WordBits-1:0] rd_data_o,
  output logic [TableBits-1:0] rd_table_o
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

  if (TableLanes > 0) begin : g_table
    logic [WordBits-1:0]  rd_word;
    logic [TableBits-1:0] table_d;
    assign rd_word = mem_q[rd_word_i];
    for (genvar sl = 0; sl < Slices; sl++) begin : g_slice
      tasu_dot_tern_lut_table #(.Lanes(TableLanes)) u_table (
        .en_i (rd_valid_i),
        .a_i  (rd_word[sl*TableLanes*8 +: TableLanes*8]),
        .t_o  (table_d[sl*SliceTBits +: SliceTBits])
      );
    end
    always_ff @(posedge clk_i) begin
      if (rd_valid_i) rd_table_o <= table_d;
    end
  end else begin : g_no_table
    assign rd_table_o = '0;
  end

  `ASSERT_INIT(SlicesFillTheWord, TableLanes == 0 || WordBits % (TableLanes * 8) == 0)
endmodule
