// The shared half of the lookup-table ternary dot product over triples (issue #11's lookup
// table at g = 3, the LUT3 silicon row): for each group of three activations of a slice (the last
// group padded with zeros), the sums of the ten tasu_pkg::Lut3Codes patterns that use two or
// three weights. Built once per tile from its activation slice and read by all its rows
// (tasu_dot_tern_lut3_sel), which then add ceil(Lanes / 3) terms instead of Lanes. The single
// weights' patterns need no entry: the rows take those activations directly. Combinational;
// zero while en_i is low.
module tasu_dot_tern_lut3_table #(
  parameter int Lanes = 2,   // every instance sets it (a default lets scripts/lint.sh chparam it)
  localparam int Groups  = tasu_pkg::lut3_groups(Lanes),
  localparam int Entries = tasu_pkg::Lut3Patterns - 3,
  localparam int EntryW  = 10   // three int8 values summed with signs: |sum| <= 384
) (
  input  logic                          en_i,
  input  logic [Lanes*8-1:0]            a_i,
  output logic [Groups*Entries*EntryW-1:0] t_o   // group g, entry e at [(g*Entries + e)*EntryW +: EntryW]
);
  logic [3*EntryW-1:0] a;   // the group's activations, sign-extended (padding zeros)
  logic [1:0]          code;
  always_comb begin
    t_o  = '0;
    a    = '0;
    code = '0;
    if (en_i)
      for (int g = 0; g < Groups; g++) begin
        for (int i = 0; i < 3; i++)
          a[i*EntryW +: EntryW] = (g * 3 + i < Lanes) ? EntryW'($signed(a_i[(g*3 + i)*8 +: 8])) : '0;
        for (int e = 0; e < Entries; e++)
          for (int i = 0; i < 3; i++) begin
            // Constant per (e, i): synthesis keeps one adder or subtractor per used weight.
            code = tasu_pkg::Lut3Codes[((e + 3)*3 + i)*2 +: 2];
            if (code[0])
              t_o[(g*Entries + e)*EntryW +: EntryW] = code[1] ? t_o[(g*Entries + e)*EntryW +: EntryW] - a[i*EntryW +: EntryW]
                                                              : t_o[(g*Entries + e)*EntryW +: EntryW] + a[i*EntryW +: EntryW];
          end
      end
  end

  `ASSERT_INIT(LanesFillTheGroups, Lanes >= 2)
endmodule
