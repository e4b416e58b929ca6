// Assertion macros in the style of OpenTitan's prim_assert: concurrent properties that the
// simulator checks with --assert (every Verilated model of the project is built with it), empty for
// synthesis (Yosys defines SYNTHESIS), so they cost no gate; immediate assertions and
// assumptions for the formal proofs (FORMAL). The module using them must have
// clk_i and rst_ni; properties are not checked while rst_ni is low. A failure prints the
// assertion's name and property and, in the platform, stops the run with an error.
`ifndef TASU_ASSERT_SV
`define TASU_ASSERT_SV
`ifdef FORMAL
// yosys-smtbmc (scripts/formal.sh; read_verilog -formal): immediate assertions at each clock
// edge out of reset, assumptions on the inputs, no parameter checks.
`define ASSERT(name, prop) always @(posedge clk_i) if (rst_ni) assert (prop);
`define ASSERT_NEVER(name, prop) `ASSERT(name, !(prop))
`define ASSUME(name, prop) always @(posedge clk_i) if (rst_ni) assume (prop);
// The proofs start from reset: every module with assertions names this once.
`define ASSERT_RESET_FIRST initial assume (!rst_ni);
`define ASSERT_INIT(name, cond)
`elsif SYNTHESIS
`define ASSERT(name, prop)
`define ASSERT_NEVER(name, prop)
`define ASSUME(name, prop)
`define ASSERT_RESET_FIRST
`define ASSERT_INIT(name, cond)
`else
// prop holds at every clock edge out of reset.
`define ASSERT(name, prop) \
  name: assert property (@(posedge clk_i) disable iff (!rst_ni) (prop)) \
    else $error("assertion %m.%s failed: %s", `"name`", `"prop`");
// prop never holds at a clock edge out of reset.
`define ASSERT_NEVER(name, prop) `ASSERT(name, !(prop))
// What the unit's environment promises (its inputs): checked like an assertion in simulation,
// assumed by the formal proofs.
`define ASSUME(name, prop) `ASSERT(name, prop)
`define ASSERT_RESET_FIRST
// A parameter check, once at time zero: the design is not what it claims to be.
`define ASSERT_INIT(name, cond) \
  initial begin : name \
    assert (cond) else $fatal(1, "parameter check %m failed: %s", `"cond`"); \
  end
`endif
`endif
