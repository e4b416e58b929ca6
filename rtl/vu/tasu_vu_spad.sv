// Vector scratchpad: Words rows of VLanes 32-bit words, the vector unit's working memory.
// The unit reads two rows and writes one (with a per-word mask) per cycle; the DMA fills and
// drains it one bus beat at a time, a row being RowBeats consecutive beats. Reads are
// synchronous and return the value before a same-cycle write.
module tasu_vu_spad #(
  parameter int Words,
  parameter int BusBytes,
  localparam int VLanes   = tasu_pkg::VLanes,
  localparam int RowBits  = VLanes * 32,
  localparam int BusBits  = BusBytes * 8,
  localparam int RowBeats = RowBits / BusBits,
  localparam int BeatSelW = (RowBeats > 1) ? $clog2(RowBeats) : 1,
  localparam int AddrW    = $clog2(Words),
  localparam int BeatW    = $clog2(Words * RowBeats)
) (
  input  logic               clk_i,
  // Unit ports.
  input  logic               a_rd_valid_i,
  input  logic [AddrW-1:0]   a_rd_row_i,
  output logic [RowBits-1:0] a_rd_data_o,
  input  logic               b_rd_valid_i,
  input  logic [AddrW-1:0]   b_rd_row_i,
  output logic [RowBits-1:0] b_rd_data_o,
  input  logic               wr_valid_i,
  input  logic [AddrW-1:0]   wr_row_i,
  input  logic [VLanes-1:0]  wr_mask_i,
  input  logic [RowBits-1:0] wr_data_i,
  // DMA ports, in bus beats.
  input  logic               fill_valid_i,
  input  logic [BeatW-1:0]   fill_beat_i,
  input  logic [BusBits-1:0] fill_data_i,
  input  logic               drain_valid_i,
  input  logic [BeatW-1:0]   drain_beat_i,
  output logic [BusBits-1:0] drain_data_o
);
  // One bank per lane: each bank sees one 32-bit unit write and one 32-bit fill write, which
  // synthesis maps directly (a single wide memory with 64 masked sub-word writes plus a beat
  // write cost Yosys's proc_mux minutes).
  logic [AddrW-1:0]    fill_row, drain_row;
  logic [BeatSelW-1:0] fill_sel, drain_sel, drain_sel_q;
  assign fill_row  = fill_beat_i[BeatW-1 -: AddrW];
  assign drain_row = drain_beat_i[BeatW-1 -: AddrW];
  assign fill_sel  = (RowBeats > 1) ? BeatSelW'(fill_beat_i) : '0;
  assign drain_sel = (RowBeats > 1) ? BeatSelW'(drain_beat_i) : '0;

  localparam int LanesPerBeat = BusBits / 32;
  logic [RowBits-1:0] drain_row_q;

  for (genvar w = 0; w < VLanes; w++) begin : g_bank
    logic [31:0] bank_q [Words];
    logic        fill_hit, drain_hit;
    assign fill_hit  = fill_valid_i && (RowBeats == 1 || fill_sel == BeatSelW'(w / LanesPerBeat));
    assign drain_hit = drain_valid_i && (RowBeats == 1 || drain_sel == BeatSelW'(w / LanesPerBeat));
    always_ff @(posedge clk_i) begin
      if (a_rd_valid_i) a_rd_data_o[w * 32 +: 32] <= bank_q[a_rd_row_i];
      if (b_rd_valid_i) b_rd_data_o[w * 32 +: 32] <= bank_q[b_rd_row_i];
      if (drain_hit) drain_row_q[w * 32 +: 32] <= bank_q[drain_row];
      if (wr_valid_i && wr_mask_i[w]) bank_q[wr_row_i] <= wr_data_i[w * 32 +: 32];
      // The program keeps DMA and unit writes on different rows (dependency tokens).
      if (fill_hit) bank_q[fill_row] <= fill_data_i[(w % LanesPerBeat) * 32 +: 32];
    end
  end

  always_ff @(posedge clk_i) begin
    if (drain_valid_i) drain_sel_q <= drain_sel;
  end
  assign drain_data_o = drain_row_q[drain_sel_q * BusBits +: BusBits];
endmodule
