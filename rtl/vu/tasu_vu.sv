// Vector unit: executes VEC instructions with VLanes lanes (tasu_vu_lane) over its scratchpad
// (tasu_vu_spad). It does the layer's non-ternary work: norms, quantization, RoPE, softmax,
// dequantization, residuals. The reference is the functional model (model/functional), whose
// reductions follow the exact layer model's order: lane l takes elements l, l + VLanes, ... in order, then
// the lanes combine pairwise, halving.
//
// One scratchpad row per cycle for ELEM, MAX, FROM_OUT (one engine output word per cycle) and
// TO_ACT (one packed int8 beat per cycle; with vop QMUL the row passes through the lanes first,
// so that a quantization's multiply, rounding, clamp and packing take one pass, not four; MAX
// with vop ABS reduces |a|, so an absolute maximum needs no pass of its own). DOT sends each row through the lanes twice
// (multiply, then accumulate) with one adder and one multiplier per lane, pipelined: a lane
// multiplies row i while its adder, lent through the lane's accumulate port, adds row i - 1, so
// a row per cycle. DOTS and WSUM repeat DOT and a multiply-add over `count` positions of an
// attention cache in one instruction: DOTS hands each position's lane sums to a pipelined tree
// (tasu_vu_tree) and goes on with the next position, WSUM adds weight x value row into the
// destination, a row per cycle and no bubble between positions: the weights are fetched a row of
// VLanes positions at a time, and a destination row still on its way into the scratchpad from
// the position before is forwarded to the next. DOTS with vop MAX takes each position's maximum
// through the same tree (a softmax's per-head maxima in one instruction), and an ELEM with a
// stepped scalar (vstep) takes a b of its own for each row, fetched like WSUM's weights (the
// subtraction of each head's maximum, the multiplication by each head's reciprocal). A DOTS
// whose rows have all passed the lanes lets the next DOTS of its kind start while the tree still
// sums its last positions, unless that one reads a row the tree will write. ELEM with
// vop MADD multiplies in the lanes and adds its immediate in the accumulate stage a cycle later,
// as DOT accumulates: a polynomial's Horner step (a * z + c) in one pass instead of two.
module tasu_vu #(
  parameter int VRows,
  parameter int Rows,    // 32-bit elements per engine output word
  parameter int OutWords,
  parameter int ActBeats,
  parameter int BusBytes,
  localparam int VLanes      = tasu_pkg::VLanes,
  localparam int RowBits     = VLanes * 32,
  localparam int BusBits     = BusBytes * 8,
  localparam int OutWordBits = Rows * 32,
  localparam int VAddrW      = $clog2(VRows),
  localparam int VBeatW      = $clog2(VRows * (RowBits / BusBits)),
  localparam int OutAddrW    = $clog2(OutWords),
  localparam int ActBeatW    = $clog2(ActBeats),
  localparam int WordsPerRow = VLanes / Rows,
  localparam int LaneW       = $clog2(VLanes),   // = the vlane field (gen_arch checks)
  localparam int LaneCntW    = LaneW + 1,        // 0..VLanes
  localparam int FlatW       = tasu_pkg::FVdstW + 1 + LaneW  // a flat scratchpad element index, with a carry
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   cmd_valid_i,
  output logic                   cmd_ready_o,
  input  logic [tasu_pkg::InsnBits-1:0] cmd_insn_i,
  output logic                   done_o,
  output logic                   err_o,
  output logic [31:0]            err_info_o,
  output logic                   busy_o,
  // Engine output buffer, read port (data one cycle after the address).
  output logic                   ob_rd_valid_o,
  output logic [OutAddrW-1:0]    ob_rd_word_o,
  input  logic [OutWordBits-1:0] ob_rd_data_i,
  // Engine activation buffer, write port.
  output logic                   act_wr_valid_o,
  output logic [ActBeatW-1:0]    act_wr_beat_o,
  output logic [BusBits-1:0]     act_wr_data_o,
  // Scratchpad fill (load DMA) and drain (store DMA, data one cycle after the address).
  input  logic                   fill_valid_i,
  input  logic [VBeatW-1:0]      fill_beat_i,
  input  logic [BusBits-1:0]     fill_data_i,
  input  logic                   drain_valid_i,
  input  logic [VBeatW-1:0]      drain_beat_i,
  output logic [BusBits-1:0]     drain_data_o
);
  typedef enum logic [2:0] {StIdle, StScalar, StScalarLatch, StRun, StTree, StResult} state_e;
  state_e state_q, state_d;

  // ---- Command decode and operand checks ------------------------------------------------------
  logic [tasu_pkg::VopW-1:0] c_op;
  logic [tasu_pkg::VkW-1:0]  c_kind;
  logic [15:0] c_dst, c_src1, c_src2, c_len;   // vdst, vsrc1, vsrc2, vlen (lint checks the widths)
  logic [tasu_pkg::VbW-1:0]  c_bmode;
  logic [16:0] c_rows, dst_end, src1_end, src2_end;
  assign c_op     = cmd_insn_i[tasu_pkg::FVopLsb +: tasu_pkg::FVopW];
  assign c_kind   = cmd_insn_i[tasu_pkg::FVkindLsb +: tasu_pkg::FVkindW];
  assign c_dst    = cmd_insn_i[tasu_pkg::FVdstLsb +: tasu_pkg::FVdstW];
  assign c_src1   = cmd_insn_i[tasu_pkg::FVsrc1Lsb +: tasu_pkg::FVsrc1W];
  assign c_src2   = cmd_insn_i[tasu_pkg::FVsrc2Lsb +: tasu_pkg::FVsrc2W];
  assign c_len    = cmd_insn_i[tasu_pkg::FVlenLsb +: tasu_pkg::FVlenW];
  assign c_bmode  = cmd_insn_i[tasu_pkg::FVbmodeLsb +: tasu_pkg::FVbmodeW];
  assign c_rows   = ({1'b0, c_len} + 17'(VLanes - 1)) >> LaneW;
  assign dst_end  = {1'b0, c_dst} + c_rows;
  assign src1_end = {1'b0, c_src1} + c_rows;
  assign src2_end = {1'b0, c_src2} + c_rows;

  // DOTS and WSUM: count positions, stride rows apart, from vsrc2 (the cache rows).
  logic [15:0] c_cnt, c_cnt_m1, c_stride;
  logic [LaneW-1:0] c_lane;
  logic [32:0] bspan_end;                  // one past the last b row of the last position
  logic [FlatW-1:0] dflat_end, sflat_end;  // one past the last result / weight element (flat)
  logic [16:0] dflat_row_end, sflat_row_end;
  assign c_cnt         = cmd_insn_i[tasu_pkg::FVcountLsb +: tasu_pkg::FVcountW];
  assign c_stride      = cmd_insn_i[tasu_pkg::FVstrideLsb +: tasu_pkg::FVstrideW];
  assign c_cnt_m1      = c_cnt - 16'd1;
  assign c_lane        = cmd_insn_i[tasu_pkg::FVlaneLsb +: tasu_pkg::FVlaneW];
  assign bspan_end     = 33'(c_src2) + 33'(c_cnt_m1) * 33'(c_stride) + 33'(c_rows);
  // Element (row, lane) + off, flat: row-major over the scratchpad.
  function automatic logic [FlatW-1:0] flat(input logic [15:0] row, input logic [LaneW-1:0] lane,
                                            input logic [15:0] off);
    flat = (FlatW'(row) << LaneW) + FlatW'(lane) + FlatW'(off);
  endfunction
  assign dflat_end     = flat(c_dst, c_lane, c_cnt);
  assign sflat_end     = flat(c_src1, c_lane, c_cnt);
  assign dflat_row_end = 17'((dflat_end - FlatW'(1)) >> LaneW) + 17'd1;
  assign sflat_row_end = 17'((sflat_end - FlatW'(1)) >> LaneW) + 17'd1;

  // Row ranges [lo, hi) overlap.
  function automatic logic ovl(input logic [32:0] alo, input logic [32:0] ahi, input logic [32:0] blo,
                               input logic [32:0] bhi);
    ovl = (alo < bhi) && (blo < ahi);
  endfunction

  logic is_elem, is_dot, is_max, is_from, b_vec, b_scalar, b_rep, is_wsum, is_qact, is_dmax, is_step;
  assign is_wsum  = (c_kind == tasu_pkg::VkWSUM);
  assign is_elem  = (c_kind == tasu_pkg::VkELEM);
  assign is_dot   = (c_kind == tasu_pkg::VkDOT);
  assign is_max   = (c_kind == tasu_pkg::VkMAX);
  assign is_from  = (c_kind == tasu_pkg::VkFROM_OUT);
  assign is_qact  = (c_kind == tasu_pkg::VkTO_ACT) && (c_op == tasu_pkg::VopQMUL);
  assign b_vec    = (c_bmode == tasu_pkg::VbVEC);
  assign b_scalar = (c_bmode == tasu_pkg::VbSCALAR);
  assign b_rep    = (c_bmode == tasu_pkg::VbROW);
  // DOTS with vop MAX: the positions' maxima (vsrc1 unused). ELEM with a stepped scalar: row r
  // takes element (vsrc2, vlane) + r (flat) as its b.
  assign is_dmax  = (c_kind == tasu_pkg::VkDOTS) && (c_op == tasu_pkg::VopMAX);
  assign is_step  = is_elem && b_scalar && cmd_insn_i[tasu_pkg::FVstepLsb];
  logic [FlatW-1:0] step_end;    // one past the last scalar of a stepped b
  logic [16:0]      step_row_end;
  assign step_end     = flat(c_src2, c_lane, c_rows[15:0]);
  assign step_row_end = 17'((step_end - FlatW'(1)) >> LaneW) + 17'd1;

  logic bad_b, bad_src1, bad_overlap, cmd_bad;
  logic [31:0] bad_info;   // ERR_INFO of a refused instruction, or of one whose words run out (ERR_INFO_VEC)
  always_comb begin
    bad_info = '0;
    bad_info[tasu_pkg::RegErrInfoVecVkindLsb +: tasu_pkg::RegErrInfoVecVkindW] = c_kind;
    bad_info[tasu_pkg::RegErrInfoVecVlenLsb +: tasu_pkg::RegErrInfoVecVlenW]   = c_len;
  end
  // A vector written while it is read at another offset would see some of its own results.
  // A repeated row (ROW) must not be among the rows written.
  assign bad_overlap = (c_src1 != c_dst && c_src1 < dst_end[15:0] && c_dst < src1_end[15:0]) ||
                       (b_vec && c_src2 != c_dst && c_src2 < dst_end[15:0] && c_dst < src2_end[15:0]) ||
                       (b_rep && c_src2 >= c_dst && c_src2 < dst_end[15:0]);
  assign bad_b       = (b_vec && src2_end > 17'(VRows)) || ((b_scalar || b_rep) && {1'b0, c_src2} >= 17'(VRows));
  assign bad_src1    = src1_end > 17'(VRows);
  always_comb begin
    unique case (c_kind)
      tasu_pkg::VkELEM:     cmd_bad = (c_op > tasu_pkg::VopMADD) || bad_b || bad_src1 ||
                                      dst_end > 17'(VRows) || bad_overlap ||
                                      (is_step && (step_end > FlatW'(VRows * VLanes) ||
                                                   ovl(33'(c_dst), 33'(dst_end), 33'(c_src2), 33'(step_row_end))));
      tasu_pkg::VkDOT:      cmd_bad = bad_b || bad_src1 || {1'b0, c_dst} >= 17'(VRows);
      tasu_pkg::VkMAX:      cmd_bad = bad_src1 || {1'b0, c_dst} >= 17'(VRows);
      tasu_pkg::VkFROM_OUT: cmd_bad = dst_end > 17'(VRows);
      tasu_pkg::VkTO_ACT:   cmd_bad = bad_src1 || dst_end > 17'(ActBeats) || (is_qact && bad_b);
      // The results must not land in rows the instruction still reads.
      tasu_pkg::VkDOTS:     cmd_bad = c_cnt == '0 || (!is_dmax && bad_src1) || bspan_end > 33'(VRows) ||
                                      dflat_end > FlatW'(VRows * VLanes) ||
                                      (!is_dmax && ovl(33'(c_dst), 33'(dflat_row_end), 33'(c_src1), 33'(src1_end))) ||
                                      ovl(33'(c_dst), 33'(dflat_row_end), 33'(c_src2), bspan_end);
      tasu_pkg::VkWSUM:     cmd_bad = c_cnt == '0 || dst_end > 17'(VRows) || bspan_end > 33'(VRows) ||
                                      sflat_end > FlatW'(VRows * VLanes) ||
                                      ovl(33'(c_dst), 33'(dst_end), 33'(c_src2), bspan_end) ||
                                      ovl(33'(c_dst), 33'(dst_end), 33'(c_src1), 33'(sflat_row_end));
      default:              cmd_bad = 1'b1;
    endcase
    if (c_len == '0) cmd_bad = 1'b1;
  end

  // ---- Latched command ----------------------------------------------------------------------
  logic [tasu_pkg::VopW-1:0] op_q;
  logic [tasu_pkg::VkW-1:0]  kind_q;
  logic [15:0] dst_q, src1_q, src2_q, len_q;
  logic [tasu_pkg::VbW-1:0]  bmode_q;
  logic [LaneW-1:0] lane_q;
  logic        swap_q, rot_q, step_q;
  logic        dmax;         // the instruction is DOTS with vop MAX
  assign dmax = (kind_q == tasu_pkg::VkDOTS) && (op_q == tasu_pkg::VopMAX);
  logic [31:0] imm_q, scalar_q;
  logic [10:0] rows_q;       // scratchpad rows (or output words for FROM_OUT) to issue
  logic [31:0] info_q;
  // DOTS and WSUM: the position being issued, and the first b row of it.
  logic [15:0] pos_q, pos_d, bsrc_q, bsrc_d;
  logic        last_pos;
  assign last_pos = (pos_q + 16'd1 >= imm_q[tasu_pkg::FVcountLsb - tasu_pkg::FVimmLsb +: tasu_pkg::FVcountW]);

  // WSUM's weight of position p: element (vsrc1, vlane) + p, flat. The row holding it is kept
  // (wrow_q, its index wrow_idx_q) and fetched again only when a position's weight lies past it.
  logic [15:0] wsum_srow, wsum_srow_next, wrow_idx_q;
  logic [LaneW-1:0] scalar_lane;
  logic [RowBits-1:0] wrow_q;
  logic [31:0] wsc_q;           // the weight of the row issued last cycle, for its multiply
  assign scalar_lane    = (kind_q == tasu_pkg::VkWSUM) ? lane_q + pos_q[LaneW-1:0] : lane_q;
  assign wsum_srow      = 16'(flat(src1_q, lane_q, pos_q) >> LaneW);
  assign wsum_srow_next = 16'(flat(src1_q, lane_q, pos_q + 16'd1) >> LaneW);
  // A stepped scalar b: the element of the row being issued, held in wrow_q as WSUM's weights.
  logic [FlatW-1:0] step_idx;
  logic [15:0]      step_srow, step_srow_next;
  logic [31:0]      ssc_q;       // the b of the row issued last cycle
  assign step_idx       = flat(src2_q, lane_q, 16'(iss_q));
  assign step_srow      = 16'(step_idx >> LaneW);
  assign step_srow_next = 16'(flat(src2_q, lane_q, 16'(iss_q) + 16'd1) >> LaneW);

  // DOTS in flight: a DOTS whose rows have all passed the lanes leaves its last results to the
  // pipelined tree and the unit takes the next instruction if it is a DOTS of the same kind (the
  // tree's nodes add or compare for all they hold) that reads no row the tree will still write
  // (hull_*: the rows of every pending result since the tree was last empty) and is valid (a bad
  // one is refused as before, once nothing is pending). Each DOTS completes (done_o) when its
  // last result leaves the tree, in order.
  logic [2:0]  pend_q, pend_d;       // DOTS taken, not yet done
  logic [16:0] hull_lo_q, hull_hi_q;
  logic        dots_done, pend_after, dots_follow, dots_hazard, may_take;
  assign pend_after  = (pend_q != 3'(dots_done));
  assign dots_hazard = (!is_dmax && ovl(33'(c_src1), 33'(src1_end), 33'(hull_lo_q), 33'(hull_hi_q))) ||
                       ovl(33'(c_src2), bspan_end, 33'(hull_lo_q), 33'(hull_hi_q));
  assign dots_follow = (c_kind == tasu_pkg::VkDOTS) && (is_dmax == dmax) && !cmd_bad && !dots_hazard;
  assign may_take    = !pend_after || dots_follow;

  // Issue side.
  logic [10:0] iss_q, iss_d;
  logic [16:0] oaddr_q, oaddr_d;     // FROM_OUT: next output word
  logic        issue, iss_done;
  // Data side: the row (or output word) read last cycle, and DOT's accumulate stage.
  logic        v_q, v2_q;
  logic [10:0] j_q, j2_q;
  logic [2:0]  lvl_q, lvl_d;         // tree level: stride VLanes >> (lvl + 1)

  logic [RowBits-1:0] a_row, b_row, acc_q, acc_d, p_q, lane_y, acc_y, wl_data_q;
  logic [VLanes-1:0]  row_mask, row_mask2, wl_mask_q;
  logic               wl_v_q;
  logic [10:0]        wl_j_q;

  logic qact;          // TO_ACT through the lanes (vop QMUL)
  assign qact = (kind_q == tasu_pkg::VkTO_ACT) && (op_q == tasu_pkg::VopQMUL);
  logic madd;          // ELEM with vop MADD: a * b + vimm, the add in the accumulate stage
  assign madd = (kind_q == tasu_pkg::VkELEM) && (op_q == tasu_pkg::VopMADD);
  logic two_pass;      // kinds that send each row through the lanes twice
  assign two_pass = (kind_q == tasu_pkg::VkDOT) || (kind_q == tasu_pkg::VkDOTS && !dmax) || (kind_q == tasu_pkg::VkWSUM) ||
                    madd;
  assign iss_done = (iss_q == rows_q);
  assign issue    = (state_q == StRun) && !iss_done;

  // The DOTS tree: a position's lane sums enter after its last row has accumulated.
  logic        tree_in, tree_out, tree_busy, tree_last;
  logic [31:0] tree_sum;
  logic [FlatW-1:0] tree_tag, res_q, res2_q;  // flat scratchpad element of the result
  logic        lastrow_q, lastrow2_q;
  logic        lastpos_q, lastpos2_q;         // the row belongs to the instruction's last position

  // FROM_OUT past the end of the output buffer is found as the words are issued (the address
  // is a running sum of the stride); rows already copied stay copied.
  logic oaddr_bad;
  assign oaddr_bad = issue && (kind_q == tasu_pkg::VkFROM_OUT) && (oaddr_q >= 17'(OutWords));

  // Kinds whose last row is written in the cycle after its issue, as the lanes compute it: they
  // complete in that cycle. MADD writes a cycle later, from the accumulate stage, and completes
  // in that cycle.
  logic one_pass;
  assign one_pass = (kind_q == tasu_pkg::VkELEM && !madd) || (kind_q == tasu_pkg::VkTO_ACT) || (kind_q == tasu_pkg::VkFROM_OUT);

  // The next instruction is taken in the cycle the last one completes (done_o): its first
  // scratchpad read comes a cycle after that one's last write, so it reads the results.
  always_comb begin
    state_d     = state_q;
    iss_d       = iss_q;
    pos_d       = pos_q;
    bsrc_d      = bsrc_q;
    oaddr_d     = oaddr_q;
    lvl_d       = lvl_q;
    cmd_ready_o = 1'b0;
    done_o      = 1'b0;
    err_o       = 1'b0;
    err_info_o  = info_q;
    unique case (state_q)
      StIdle: cmd_ready_o = may_take;
      StScalar:      state_d = StScalarLatch;
      StScalarLatch: state_d = StRun;
      StRun: begin
        if (oaddr_bad) begin
          err_o   = 1'b1;
          state_d = StIdle;
        end else begin
          if (issue) begin
            iss_d   = iss_q + 11'd1;
            oaddr_d = oaddr_q + {1'b0, src2_q};
          end
          if ((kind_q == tasu_pkg::VkDOTS || kind_q == tasu_pkg::VkWSUM) && issue &&
              iss_q + 11'd1 == rows_q && !last_pos) begin
            // On to the next position: WSUM fetches the next row of weights when the position's
            // weight lies past the row it holds.
            iss_d  = '0;
            pos_d  = pos_q + 16'd1;
            bsrc_d = bsrc_q + imm_q[tasu_pkg::FVstrideLsb - tasu_pkg::FVimmLsb +: tasu_pkg::FVstrideW];
            if (kind_q == tasu_pkg::VkWSUM && wsum_srow_next != wrow_idx_q) state_d = StScalar;
          end else if (step_q && issue && iss_q + 11'd1 != rows_q && step_srow_next != wrow_idx_q) begin
            // The next row's b lies past the row of scalars held: fetch the next row of them.
            state_d = StScalar;
          end else if (kind_q == tasu_pkg::VkDOTS) begin
            // Every result in the tree: done when the last leaves it (below).
            if (iss_done && !v_q && !v2_q && !tree_in) begin
              cmd_ready_o = may_take;
              state_d     = StIdle;
            end
          end else if (iss_done && (madd ? !v_q : !v2_q && (one_pass || !v_q))) begin
            if (kind_q == tasu_pkg::VkDOT || kind_q == tasu_pkg::VkMAX) begin
              state_d = StTree;
              lvl_d   = '0;
            end else begin
              done_o      = 1'b1;
              cmd_ready_o = 1'b1;
              state_d     = StIdle;
            end
          end
        end
      end
      StTree: begin
        lvl_d = lvl_q + 3'd1;
        if (tree_s == LaneCntW'(1)) state_d = StResult;
      end
      StResult: begin
        done_o      = 1'b1;
        cmd_ready_o = 1'b1;
        state_d     = StIdle;
      end
      default: state_d = StIdle;
    endcase
    if (dots_done) done_o = 1'b1;
    if (cmd_ready_o && cmd_valid_i) begin
      if (cmd_bad) begin
        err_o      = 1'b1;
        err_info_o = bad_info;
      end else begin
        state_d = ((c_bmode == tasu_pkg::VbSCALAR && (is_elem || is_dot || is_qact)) || is_wsum) ? StScalar : StRun;
        iss_d   = '0;
        oaddr_d = {1'b0, c_src1};
        pos_d   = '0;
        bsrc_d  = c_src2;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q  <= StIdle;
      op_q     <= '0;
      kind_q   <= '0;
      dst_q    <= '0;
      src1_q   <= '0;
      src2_q   <= '0;
      len_q    <= '0;
      bmode_q  <= '0;
      lane_q   <= '0;
      swap_q   <= 1'b0;
      rot_q    <= 1'b0;
      step_q   <= 1'b0;
      imm_q    <= '0;
      scalar_q <= '0;
      rows_q   <= '0;
      info_q   <= '0;
      iss_q    <= '0;
      pos_q    <= '0;
      bsrc_q   <= '0;
      res_q    <= '0;
      res2_q   <= '0;
      lastrow_q  <= 1'b0;
      lastrow2_q <= 1'b0;
      lastpos_q  <= 1'b0;
      lastpos2_q <= 1'b0;
      pend_q     <= '0;
      hull_lo_q  <= '0;
      hull_hi_q  <= '0;
      oaddr_q  <= '0;
      lvl_q    <= '0;
      v_q      <= 1'b0;
      v2_q     <= 1'b0;
      j_q      <= '0;
      j2_q     <= '0;
    end else begin
      state_q <= state_d;
      iss_q   <= iss_d;
      pos_q   <= pos_d;
      bsrc_q  <= bsrc_d;
      oaddr_q <= oaddr_d;
      // The position's result element and its last row travel with the row through the lanes.
      res_q      <= flat(dst_q, lane_q, pos_q);
      res2_q     <= res_q;
      lastrow_q  <= issue && (iss_q + 11'd1 == rows_q);
      lastrow2_q <= lastrow_q;
      lastpos_q  <= last_pos;
      lastpos2_q <= lastpos_q;
      pend_q     <= pend_d;
      // The hull restarts with a DOTS taken when nothing is pending.
      if (cmd_ready_o && cmd_valid_i && !cmd_bad && c_kind == tasu_pkg::VkDOTS) begin
        hull_lo_q <= (pend_after && hull_lo_q < {1'b0, c_dst}) ? hull_lo_q : {1'b0, c_dst};
        hull_hi_q <= (pend_after && hull_hi_q > dflat_row_end) ? hull_hi_q : dflat_row_end;
      end
      lvl_q   <= lvl_d;
      v_q     <= issue && !oaddr_bad;
      j_q     <= iss_q;
      v2_q    <= v_q && two_pass;
      j2_q    <= j_q;
      if (cmd_ready_o && cmd_valid_i && !cmd_bad) begin
        op_q    <= c_op;
        kind_q  <= c_kind;
        dst_q   <= c_dst;
        src1_q  <= c_src1;
        src2_q  <= c_src2;
        len_q   <= c_len;
        bmode_q <= c_bmode;
        lane_q  <= cmd_insn_i[tasu_pkg::FVlaneLsb +: tasu_pkg::FVlaneW];
        swap_q  <= cmd_insn_i[tasu_pkg::FVswapLsb];
        rot_q   <= cmd_insn_i[tasu_pkg::FVrotLsb];
        step_q  <= is_step;
        imm_q   <= cmd_insn_i[tasu_pkg::FVimmLsb +: tasu_pkg::FVimmW];
        info_q  <= bad_info;
        // FROM_OUT issues output words; everything else scratchpad rows.
        rows_q  <= is_from ? 11'(({1'b0, c_len} + 17'(Rows - 1)) >> $clog2(Rows)) : c_rows[10:0];
      end
      if (state_q == StScalarLatch) scalar_q <= b_row[scalar_lane * 32 +: 32];
    end
  end

  assign busy_o = (state_q != StIdle) || (pend_q != '0);
  assign pend_d = pend_q + 3'(cmd_ready_o && cmd_valid_i && !cmd_bad && c_kind == tasu_pkg::VkDOTS) - 3'(dots_done);


  // ---- Scratchpad -----------------------------------------------------------------------------
  logic               wr_valid;
  logic [VAddrW-1:0]  wr_row;
  logic [VLanes-1:0]  wr_mask;
  logic [RowBits-1:0] wr_data;

  tasu_vu_spad #(.Words(VRows), .BusBytes(BusBytes)) u_spad (
    .clk_i,
    // DOTS: a is the query, b the position's rows; WSUM: a the position's value rows, b the
    // destination rows it adds into.
    .a_rd_valid_i  (issue && kind_q != tasu_pkg::VkFROM_OUT && !dmax),
    .a_rd_row_i    (VAddrW'((kind_q == tasu_pkg::VkWSUM ? bsrc_q : src1_q) + 16'(iss_q))),
    .a_rd_data_o   (a_row),
    .b_rd_valid_i  ((issue && (bmode_q == tasu_pkg::VbVEC || bmode_q == tasu_pkg::VbROW ||
                               kind_q == tasu_pkg::VkDOTS || kind_q == tasu_pkg::VkWSUM)) ||
                    state_q == StScalar),
    .b_rd_row_i    (VAddrW'((state_q == StScalar) ? (kind_q == tasu_pkg::VkWSUM ? wsum_srow : step_q ? step_srow : src2_q) :
                            (kind_q == tasu_pkg::VkWSUM) ? dst_q + 16'(iss_q) :
                            (kind_q == tasu_pkg::VkDOTS) ? bsrc_q + 16'(iss_q) :
                            (bmode_q == tasu_pkg::VbROW) ? src2_q : src2_q + 16'(iss_q))),
    .b_rd_data_o   (b_row),
    .wr_valid_i    (wr_valid),
    .wr_row_i      (wr_row),
    .wr_mask_i     (wr_mask),
    .wr_data_i     (wr_data),
    .fill_valid_i,
    .fill_beat_i,
    .fill_data_i,
    .drain_valid_i,
    .drain_beat_i,
    .drain_data_o
  );

  assign ob_rd_valid_o = issue && (kind_q == tasu_pkg::VkFROM_OUT) && !oaddr_bad;
  assign ob_rd_word_o  = OutAddrW'(oaddr_q);

  // Lanes of the last row beyond len are left alone (not written, not accumulated).
  logic [LaneCntW-1:0] last_cnt;
  assign last_cnt = (len_q[LaneW-1:0] == '0) ? LaneCntW'(VLanes) : {1'b0, len_q[LaneW-1:0]};
  always_comb begin
    for (int l = 0; l < VLanes; l++) begin
      row_mask[l]  = (j_q != rows_q - 11'd1) || (LaneCntW'(l) < last_cnt);
      row_mask2[l] = (j2_q != rows_q - 11'd1) || (LaneCntW'(l) < last_cnt);
    end
  end

  // ---- Lanes ----------------------------------------------------------------------------------
  logic [tasu_pkg::VopW-1:0] lane_op;
  logic [RowBits-1:0] lane_a, lane_b, b_src;
  logic [LaneCntW-1:0] tree_s;  // lanes still combining: VLanes / 2 at level 0, then halving
  assign tree_s = LaneCntW'(VLanes / 2) >> lvl_q;
  // The cycles whose lane results are used: the reduction tree, and a row of ELEM, DOT, DOTS,
  // WSUM or MAX, and TO_ACT with QMUL; the accumulate step of the row before goes through the lanes' accumulate port
  // (acc_en). Otherwise the lanes and their operand muxes are idle.
  logic lanes_en, acc_en;
  assign lanes_en = (state_q == StTree) ||
                    (v_q && (kind_q == tasu_pkg::VkELEM || kind_q == tasu_pkg::VkMAX || dmax || two_pass || qact));
  assign acc_en   = v2_q;

  always_comb begin
    b_src   = '0;
    lane_op = '0;
    lane_a  = '0;
    lane_b  = '0;
    if (!lanes_en) begin
      // Idle lanes: operands stay zero.
    end else if (state_q == StTree) begin
      lane_op = (kind_q == tasu_pkg::VkDOT) ? tasu_pkg::VopADD : tasu_pkg::VopMAX;
      lane_a  = acc_q;
      lane_b  = acc_q >> (32'(tree_s) * 32'd32);
    end else if (kind_q == tasu_pkg::VkMAX) begin
      lane_op = tasu_pkg::VopMAX;
      lane_a  = acc_q;
      lane_b  = (op_q == tasu_pkg::VopABS) ? (a_row & {VLanes{32'h7fffffff}}) : a_row;
    end else if (dmax) begin
      // The position's rows come through the b port (the cache layout of DOTS).
      lane_op = tasu_pkg::VopMAX;
      lane_a  = acc_q;
      lane_b  = b_row;
    end else if (kind_q == tasu_pkg::VkDOTS) begin
      lane_op = tasu_pkg::VopMUL;
      lane_a  = a_row;
      lane_b  = b_row;
    end else if (kind_q == tasu_pkg::VkWSUM) begin
      // weight x value; the destination row waits in acc_q for the add.
      lane_op = tasu_pkg::VopMUL;
      lane_a  = {VLanes{wsc_q}};
      lane_b  = a_row;
    end else begin
      for (int l = 0; l < VLanes; l++)
        b_src[l * 32 +: 32] = (bmode_q == tasu_pkg::VbVEC || bmode_q == tasu_pkg::VbROW) ? b_row[l * 32 +: 32] :
                              (bmode_q == tasu_pkg::VbSCALAR) ? (step_q ? ssc_q : scalar_q) : imm_q;
      lane_op = (kind_q == tasu_pkg::VkDOT || madd) ? tasu_pkg::VopMUL : op_q;
      // ELEM, DOT and TO_ACT with QMUL read a, or a with its row halves exchanged (vrot).
      lane_a  = rot_q ? {a_row[RowBits/2-1:0], a_row[RowBits-1:RowBits/2]} : a_row;
      lane_b  = b_src;
      if (swap_q) begin
        lane_b = lane_a;
        lane_a = b_src;
      end
    end
  end

  for (genvar l = 0; l < VLanes; l++) begin : g_lane
    tasu_vu_lane u_lane (
      .en_i (lanes_en),
      .op_i (lane_op),
      .a_i  (lane_a[l * 32 +: 32]),
      .b_i  (lane_b[l * 32 +: 32]),
      .y_o  (lane_y[l * 32 +: 32]),
      // The row before: accumulator (DOT, DOTS) or destination row (WSUM) + product.
      .acc_en_i (acc_en),
      .acc_a_i  (acc_q[l * 32 +: 32]),
      .acc_b_i  (p_q[l * 32 +: 32]),
      .acc_y_o  (acc_y[l * 32 +: 32])
    );
  end

  // Accumulators: +0 for DOT, the immediate for MAX and for MADD (its addend, which they hold
  // while the rows pass: the accumulate stage adds it to each product), the lowest finite
  // binary32 for DOTS with vop MAX; updated by the rows, then by the tree.
  localparam logic [31:0] MaxStart = 32'hff7fffff;
  always_comb begin
    acc_d = acc_q;
    if (cmd_ready_o && cmd_valid_i) begin
      for (int l = 0; l < VLanes; l++)
        acc_d[l * 32 +: 32] = (is_max || (is_elem && c_op == tasu_pkg::VopMADD)) ? cmd_insn_i[tasu_pkg::FVimmLsb +: 32] :
                              is_dmax ? MaxStart : 32'd0;
    end else if (state_q == StTree) begin
      for (int l = 0; l < VLanes; l++)
        if (LaneCntW'(l) < tree_s) acc_d[l * 32 +: 32] = lane_y[l * 32 +: 32];
    end else begin
      // Row i - 1's sum (v2) and row i's operands (v) in the same cycle: DOT and DOTS keep their
      // sums in the accumulators; WSUM's sum goes to the scratchpad, and the accumulators carry
      // the destination row of the row being multiplied.
      if (v2_q && kind_q != tasu_pkg::VkWSUM && !madd) begin
        for (int l = 0; l < VLanes; l++) if (row_mask2[l]) acc_d[l * 32 +: 32] = acc_y[l * 32 +: 32];
        // DOTS: the position's last row hands its sums to the tree and the next starts from +0.
        if (kind_q == tasu_pkg::VkDOTS && lastrow2_q) acc_d = '0;
      end
      if (v_q && kind_q == tasu_pkg::VkWSUM) begin
        // The destination row as the position before leaves it. Its sum for this row is written
        // this cycle (one row per position), or was written last cycle (two rows), in the very
        // cycle this row was read: the read returned the value before it. Forwarded then, lane
        // by lane as written.
        acc_d = b_row;
        for (int l = 0; l < VLanes; l++) begin
          if (v2_q && j2_q == j_q && row_mask2[l])         acc_d[l * 32 +: 32] = acc_y[l * 32 +: 32];
          else if (wl_v_q && wl_j_q == j_q && wl_mask_q[l]) acc_d[l * 32 +: 32] = wl_data_q[l * 32 +: 32];
        end
      end
      if (v_q && (kind_q == tasu_pkg::VkMAX || dmax))
        for (int l = 0; l < VLanes; l++) if (row_mask[l]) acc_d[l * 32 +: 32] = lane_y[l * 32 +: 32];
      // DOTS with vop MAX: the position's last row hands its maxima to the tree.
      if (v_q && dmax && lastrow_q) acc_d = {VLanes{MaxStart}};
    end
  end

  always_ff @(posedge clk_i) begin
    acc_q <= acc_d;
    if (v_q && two_pass) p_q <= lane_y;
    // WSUM's row of weights and the weight of the row being issued.
    if (state_q == StScalarLatch && (kind_q == tasu_pkg::VkWSUM || step_q)) begin
      wrow_q     <= b_row;
      wrow_idx_q <= step_q ? step_srow : wsum_srow;
    end
    if (issue && kind_q == tasu_pkg::VkWSUM) wsc_q <= wrow_q[scalar_lane * 32 +: 32];
    if (issue && step_q) ssc_q <= wrow_q[step_idx[LaneW-1:0] * 32 +: 32];
    // WSUM's last destination-row write, for the forwarding above (held while no WSUM writes:
    // wl_v_q says whether it is last cycle's).
    if (v2_q && kind_q == tasu_pkg::VkWSUM) begin
      wl_j_q    <= j2_q;
      wl_mask_q <= row_mask2;
      wl_data_q <= acc_y;
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) wl_v_q <= 1'b0;
    else         wl_v_q <= v2_q && kind_q == tasu_pkg::VkWSUM;
  end

  // The sums as the accumulators would take them (acc_d), formed only in the cycle they enter.
  logic [RowBits-1:0] tree_data;
  // DOTS with vop MAX hands them over a stage earlier: its rows pass through the lanes once.
  assign tree_in = (kind_q == tasu_pkg::VkDOTS) && (dmax ? v_q && lastrow_q : v2_q && lastrow2_q);
  always_comb begin
    tree_data = '0;
    if (tree_in) begin
      tree_data = acc_q;
      for (int l = 0; l < VLanes; l++)
        if (dmax ? row_mask[l] : row_mask2[l]) tree_data[l * 32 +: 32] = dmax ? lane_y[l * 32 +: 32] : acc_y[l * 32 +: 32];
    end
  end
  tasu_vu_tree #(.TagW(FlatW + 1)) u_tree (
    .clk_i, .rst_ni,
    .max_i       (dmax),
    .in_valid_i  (tree_in),
    .in_data_i   (tree_data),
    .in_tag_i    (dmax ? {lastpos_q, res_q} : {lastpos2_q, res2_q}),
    .out_valid_o (tree_out),
    .out_data_o  (tree_sum),
    .out_tag_o   ({tree_last, tree_tag}),
    .busy_o      (tree_busy)
  );
  assign dots_done = tree_out && tree_last;

  // ---- Writes: element results, copied output words, reduction results, packed int8 ----------
  logic [10:0] from_sub;       // output word index within its scratchpad row
  logic [16:0] from_elem;      // flat index of the word's first element
  assign from_sub  = (WordsPerRow > 1) ? (j_q & 11'(WordsPerRow - 1)) : 11'd0;
  assign from_elem = 17'(j_q) << $clog2(Rows);

  always_comb begin
    wr_valid = 1'b0;
    wr_row   = VAddrW'(dst_q + 16'(j_q));
    wr_mask  = row_mask;
    wr_data  = lane_y;
    if (state_q == StResult) begin
      wr_valid = 1'b1;
      wr_row   = VAddrW'(dst_q);
      wr_mask  = VLanes'(1) << lane_q;
      wr_data  = {VLanes{acc_q[31:0]}};
    end else if (tree_out) begin
      wr_valid = 1'b1;
      wr_row   = VAddrW'(tree_tag >> LaneW);
      wr_mask  = VLanes'(1) << tree_tag[LaneW-1:0];
      wr_data  = {VLanes{tree_sum}};
    end else if (v_q && kind_q == tasu_pkg::VkELEM && !madd) begin
      wr_valid = 1'b1;
    end else if (v2_q && (kind_q == tasu_pkg::VkWSUM || madd)) begin
      wr_valid = 1'b1;
      wr_row   = VAddrW'(dst_q + 16'(j2_q));
      wr_mask  = row_mask2;
      wr_data  = acc_y;
    end else if (v_q && kind_q == tasu_pkg::VkFROM_OUT) begin
      wr_valid = 1'b1;
      wr_row   = VAddrW'(dst_q + (16'(j_q) >> $clog2(WordsPerRow)));
      wr_data  = {WordsPerRow{ob_rd_data_i}};
      for (int w = 0; w < VLanes; w++)
        wr_mask[w] = (11'(w / Rows) == from_sub) && (from_elem + 17'(w % Rows) < {1'b0, len_q});
    end
  end

  // The lanes' adder serves one sum a cycle: lent to the accumulate port only while the lanes
  // multiply (or are idle).
  `ASSERT_NEVER(LaneAdderDoubleBooked, acc_en && lanes_en && lane_op != tasu_pkg::VopMUL)
  // The write port takes one row a cycle: a tree result never meets another write.
  `ASSERT_NEVER(TreeResultMeetsAWrite, tree_out && ((v_q && (kind_q == tasu_pkg::VkELEM || kind_q == tasu_pkg::VkFROM_OUT)) ||
                                                   (v2_q && (kind_q == tasu_pkg::VkWSUM || madd)) || state_q == StResult))
  // Results in the tree belong to a DOTS taken and not yet done.
  `ASSERT_NEVER(DotsDoneNothingPending, dots_done && pend_q == '0)
  `ASSERT_NEVER(TreeBusyNothingPending, (tree_busy || tree_in) && pend_q == '0)
  `ASSERT_NEVER(PendingCountWraps, pend_q == '1 && pend_d == '0)
  `ASSERT(LegalState, state_q == StIdle || state_q == StScalar || state_q == StScalarLatch || state_q == StRun ||
                      state_q == StTree || state_q == StResult)
  `ASSERT_INIT(LaneFieldAddressesEveryLane, tasu_pkg::FVlaneW == LaneW)

  assign act_wr_valid_o = v_q && (kind_q == tasu_pkg::VkTO_ACT);
  assign act_wr_beat_o  = ActBeatW'(dst_q + 16'(j_q));
  always_comb begin
    for (int l = 0; l < VLanes; l++)
      act_wr_data_o[l * 8 +: 8] = !row_mask[l] ? 8'd0 : qact ? lane_y[l * 32 +: 8] : a_row[l * 32 +: 8];
  end
endmodule
