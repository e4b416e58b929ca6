// In-memory compute tile: keeps a block of ternary weights (two buffers of WDepth words, each
// word Rows x Lanes 2-bit codes) and, every cycle, applies one broadcast slice of Lanes int8
// activations to all Rows weight rows of one word, by add, subtract or skip only.
//
// Weight code (2 bits, device format): 2'b00 = 0, 2'b01 = +1, 2'b11 = -1, 2'b10 = 0 (never
// produced by the packer). Bit 0 says "use the activation", bit 1 says "negate it", so no decode
// is needed in front of the adders.
module tasu_tile #(
  parameter int Rows     = 16,
  parameter int Lanes    = 32,
  parameter int WDepth   = 8,
  parameter int BusBytes = 64,
  // Width of one row's partial sum: an int8 times +-1 summed over Lanes terms.
  localparam int PsW       = 9 + $clog2(Lanes),
  localparam int WordBits  = Rows * Lanes * 2,
  localparam int BusBits   = BusBytes * 8,
  localparam int BeatsPerW = WordBits / BusBits,
  localparam int BeatSelW  = (BeatsPerW > 1) ? $clog2(BeatsPerW) : 1,
  localparam int WordAddrW = $clog2(2 * WDepth)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // Weight fill from the DMA, one bus beat at a time.
  input  logic                   wr_valid_i,
  input  logic [WordAddrW-1:0]   wr_word_i,
  input  logic [BeatSelW-1:0]    wr_beat_i,
  input  logic [BusBits-1:0]     wr_data_i,
  // Compute: word address in cycle t, activations and result in cycle t+1, t+2.
  input  logic                   rd_valid_i,
  input  logic [WordAddrW-1:0]   rd_word_i,
  input  logic [Lanes*8-1:0]     act_i,
  output logic [Rows*PsW-1:0]    psum_o
);
  logic [WordBits-1:0] mem_q [2 * WDepth];
  logic [WordBits-1:0] w_word_q;
  logic [Rows*PsW-1:0] psum_d, psum_q;

  always_ff @(posedge clk_i) begin
    if (wr_valid_i) begin
      if (BeatsPerW > 1) mem_q[wr_word_i][wr_beat_i * BusBits +: BusBits] <= wr_data_i;
      else               mem_q[wr_word_i][BusBits-1:0] <= wr_data_i;
    end
    if (rd_valid_i) w_word_q <= mem_q[rd_word_i];
  end

  // The add-only datapath: each weight selects +a, -a or nothing. A chain here; synthesis
  // rebalances it and the micro-architecture variants live in their own modules.
  logic signed [PsW-1:0] sum;
  logic signed [PsW-1:0] a_ext;
  always_comb begin
    psum_d = '0;
    for (int r = 0; r < Rows; r++) begin
      sum = '0;
      for (int l = 0; l < Lanes; l++) begin
        a_ext = PsW'($signed(act_i[l*8 +: 8]));
        if (w_word_q[(r*Lanes + l)*2]) begin
          if (w_word_q[(r*Lanes + l)*2 + 1]) sum = sum - a_ext;
          else                               sum = sum + a_ext;
        end
      end
      psum_d[r*PsW +: PsW] = sum;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) psum_q <= '0;
    else         psum_q <= psum_d;
  end

  assign psum_o = psum_q;
endmodule
