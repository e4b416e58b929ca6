// Gate-level simulation of a mapped netlist for switching activity (issue #11, item 2): the
// cells' logic is read from the liberty library the netlist was mapped to, the netlist from
// Yosys' JSON of the flattened design; one zero-delay evaluation per clock cycle, counting for
// every net its transitions between sampled cycles and its time at 1. scripts/ppa.sh prices each
// cell's activity with OpenSTA's power of that cell (docs/ppa.md), so that the power of every
// cell follows the real data, zero weights and zero activations included, instead of OpenSTA's
// probabilistic propagation from the ports. Zero delay: glitches are not counted (OpenSTA's
// propagation does not count them either).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tasu::gate {

// A cell of the library: a truth table per output over its inputs and, for a flip-flop, its
// state (variable index = inputs.size()). At most 6 variables: one 64-bit table each.
struct CellType {
  std::string name;
  std::vector<std::string> inputs;
  struct Output {
    std::string pin;
    uint64_t table = 0;
  };
  std::vector<Output> outputs;
  bool flop = false;
  int clock = -1;                            // input index of clocked_on (positive edge)
  uint64_t next = 0, clear = 0, preset = 0;  // tables of next_state, clear, preset (0: none)
  bool has_clear = false, has_preset = false;
};

// The combinational and flip-flop cells of a liberty file (latches and tri-states refused when used).
class Library {
 public:
  static Library read(const std::string& path);
  const CellType* find(const std::string& name) const;

 private:
  std::map<std::string, CellType> cells_;
  std::map<std::string, std::string> refused_;  // cell -> why it cannot be simulated
  friend struct LibraryParser;
};

// Per-net statistics over the sampled cycles.
struct NetStats {
  uint64_t toggles = 0, ones = 0;
};

// One flattened module of a Yosys JSON netlist, simulated cycle by cycle with one clock.
class Simulator {
 public:
  Simulator(const Library& lib, const std::string& json_path, const std::string& top, const std::string& clock_port);

  int port_bits(const std::string& port) const;  // throws for an unknown port
  // Drives an input port, bit i of the port from bits[i] (least significant first).
  void set(const std::string& port, const std::vector<uint8_t>& bits);
  void set(const std::string& port, uint64_t value);  // any width: bits past 64 are 0
  // Evaluates the cycle (inputs as set), samples it when asked, then clocks the flip-flops.
  void cycle(bool sample);
  // The value of an output port as evaluated in the last cycle (up to 64 bits).
  uint64_t get(const std::string& port) const;

  uint64_t samples() const { return samples_; }
  size_t cells() const { return cells_.size(); }
  // For every cell (OpenSTA's instance path "inst/.../cell"): activity = transitions per sampled
  // cycle of its outputs (their mean for a cell of two, as a full adder), duty = share of
  // sampled cycles at 1 (mean likewise).
  struct CellActivity {
    std::string path;
    double activity, duty;
  };
  std::vector<CellActivity> activities() const;

 private:
  struct Cell {
    const CellType* type;
    std::string path;
    std::vector<int> in;   // net of each input
    std::vector<int> out;  // net of each output (-1: unconnected)
    uint8_t state = 0;
  };
  std::vector<Cell> cells_;
  std::vector<int> order_;  // combinational cells in evaluation order
  std::vector<int> flops_;
  std::vector<uint8_t> value_, last_, next_;  // next_: the flip-flops' next states (scratch)
  std::vector<NetStats> stats_;
  std::map<std::string, std::vector<int>> inputs_, outputs_;
  uint64_t samples_ = 0;
  int clock_net_ = -1;

  uint64_t index(const Cell& c) const;
};

}  // namespace tasu::gate
