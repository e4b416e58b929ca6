// Synchronous FIFO with valid/ready on both sides: the unit command queues, the read-ID queue of
// the memory arbiter and the DMA burst descriptors all use it. Depth must be a power of two.
module tasu_fifo #(
  parameter int Width = 8,
  parameter int Depth = 4
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             clear_i,    // synchronous flush, for restarts
  input  logic             in_valid_i,
  output logic             in_ready_o,
  input  logic [Width-1:0] in_data_i,
  output logic             out_valid_o,
  input  logic             out_ready_i,
  output logic [Width-1:0] out_data_o,
  output logic [$clog2(Depth):0] count_o
);
  localparam int PtrW = $clog2(Depth);

  logic [Width-1:0] mem_q [Depth];
  logic [PtrW-1:0]  wptr_q, rptr_q;
  logic [PtrW:0]    count_q;
  logic             push, pop;

  assign in_ready_o  = (count_q != Depth[PtrW:0]);
  assign out_valid_o = (count_q != '0);
  assign out_data_o  = mem_q[rptr_q];
  assign count_o     = count_q;
  assign push        = in_valid_i && in_ready_o;
  assign pop         = out_valid_o && out_ready_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q  <= '0;
      rptr_q  <= '0;
      count_q <= '0;
    end else if (clear_i) begin
      wptr_q  <= '0;
      rptr_q  <= '0;
      count_q <= '0;
    end else begin
      if (push) wptr_q <= wptr_q + 1'b1;
      if (pop)  rptr_q <= rptr_q + 1'b1;
      count_q <= count_q + {{PtrW{1'b0}}, push} - {{PtrW{1'b0}}, pop};
    end
  end

  // Storage has no reset: the count says which entries are meaningful.
  always_ff @(posedge clk_i) begin
    if (push) mem_q[wptr_q] <= in_data_i;
  end

  `ASSERT_RESET_FIRST
  `ASSERT_INIT(DepthIsAPowerOfTwo, Depth >= 2 && (Depth & (Depth - 1)) == 0)
  // Never more entries than slots (overflow), and the pointers agree with the count (a push or
  // pop lost or doubled would break it; underflow wraps the count past Depth).
  `ASSERT(CountWithinDepth, count_q <= Depth[PtrW:0])
  `ASSERT(PointersAgreeWithCount, PtrW'(wptr_q - rptr_q) == count_q[PtrW-1:0])
endmodule
