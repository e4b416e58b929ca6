// Gate-level simulation for switching activity: liberty cells as truth tables, a Yosys JSON
// netlist levelized once, zero-delay evaluation per cycle (see gate_sim.h).
#include "gate/gate_sim.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace tasu::gate {

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

// ---- Liberty: groups "name (args) { ... }" and attributes "name : value ;" ----------------
struct Group {
  std::string kind, arg;
  std::map<std::string, std::string> attrs;
  std::vector<std::unique_ptr<Group>> groups;
};

class LibLexer {
 public:
  explicit LibLexer(std::string text) : s_(std::move(text)) {}
  // Tokens: identifiers and numbers (one token), quoted strings (without quotes), punctuation.
  std::string next() {
    skip();
    if (p_ >= s_.size()) return {};
    const char c = s_[p_];
    if (c == '"') {
      const size_t e = s_.find('"', p_ + 1);
      if (e == std::string::npos) fail(fmt::format("liberty: unterminated string at line {}", line()));
      std::string v = s_.substr(p_ + 1, e - p_ - 1);
      p_ = e + 1;
      return "\"" + v;  // marked as a string
    }
    if (std::strchr("(){}:;,", c)) return std::string(1, s_[p_++]);
    const size_t b = p_;
    while (p_ < s_.size() && !std::isspace(static_cast<unsigned char>(s_[p_])) && !std::strchr("(){}:;,\"", s_[p_])) ++p_;
    return s_.substr(b, p_ - b);
  }
  std::string peek() {
    const size_t save = p_;
    std::string t = next();
    p_ = save;
    return t;
  }
  int line() const { return 1 + static_cast<int>(std::count(s_.begin(), s_.begin() + static_cast<long>(std::min(p_, s_.size())), '\n')); }

 private:
  void skip() {
    for (;;) {
      while (p_ < s_.size() && (std::isspace(static_cast<unsigned char>(s_[p_])) || s_[p_] == '\\')) ++p_;
      if (s_.compare(p_, 2, "/*") == 0) {
        const size_t e = s_.find("*/", p_ + 2);
        p_ = e == std::string::npos ? s_.size() : e + 2;
        continue;
      }
      return;
    }
  }
  std::string s_;
  size_t p_ = 0;
};

std::string unquote(const std::string& t) { return !t.empty() && t[0] == '"' ? t.substr(1) : t; }

// Parses the statements of one group up to its closing brace.
void parse_body(LibLexer& lx, Group& g) {
  for (;;) {
    const std::string name = lx.next();
    if (name.empty()) fail("liberty: unexpected end of file inside group " + g.kind);
    if (name == "}") return;
    const std::string t = lx.next();
    if (t == ":") {  // simple attribute
      std::string v;
      for (std::string x = lx.next(); x != ";"; x = lx.next()) {
        if (x.empty() || x == "}") fail(fmt::format("liberty: attribute {} not closed at line {}", name, lx.line()));
        v += unquote(x);
      }
      g.attrs[name] = v;
    } else if (t == "(") {  // group or complex attribute
      std::string arg;
      for (std::string x = lx.next(); x != ")"; x = lx.next()) {
        if (x.empty()) fail(fmt::format("liberty: unclosed ( after {} at line {}", name, lx.line()));
        arg += unquote(x);
      }
      if (lx.peek() == "{") {
        lx.next();
        auto sub = std::make_unique<Group>();
        sub->kind = name;
        sub->arg = arg;
        parse_body(lx, *sub);
        g.groups.push_back(std::move(sub));
      } else if (lx.peek() == ";") {
        lx.next();
      }
    } else {
      fail(fmt::format("liberty: expected ':' or '(' after {} at line {}", name, lx.line()));
    }
  }
}

// ---- Boolean functions of liberty: ! and ' (not), ^ (xor), space * & (and), + | (or) --------
class Expr {
 public:
  Expr(const std::string& text, const std::vector<std::string>& vars) : s_(text), vars_(vars) {}
  // The truth table over vars (bit m = value for the assignment m of the variables).
  uint64_t table() {
    p_ = 0;
    const size_t save = p_;
    uint64_t t = 0;
    for (uint64_t m = 0; m < (uint64_t{1} << vars_.size()); ++m) {
      p_ = save;
      m_ = m;
      if (eval_or()) t |= uint64_t{1} << m;
      skip();
      if (p_ != s_.size()) fail(fmt::format("liberty function '{}': unexpected '{}'", s_, s_.substr(p_)));
    }
    return t;
  }

 private:
  void skip() {
    while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_]))) ++p_;
  }
  bool at(char c) {
    skip();
    return p_ < s_.size() && s_[p_] == c;
  }
  bool starts_primary() {
    skip();
    return p_ < s_.size() && (s_[p_] == '(' || s_[p_] == '!' || std::isalnum(static_cast<unsigned char>(s_[p_])) || s_[p_] == '_');
  }
  bool eval_or() {
    bool v = eval_and();
    while (at('+') || at('|')) {
      ++p_;
      v = eval_and() || v;
    }
    return v;
  }
  bool eval_and() {
    bool v = eval_xor();
    for (;;) {
      if (at('*') || at('&')) ++p_;
      else if (!starts_primary()) return v;
      v = eval_xor() && v;
    }
  }
  bool eval_xor() {
    bool v = eval_not();
    while (at('^')) {
      ++p_;
      v = eval_not() != v;
    }
    return v;
  }
  bool eval_not() {
    if (at('!')) {
      ++p_;
      return !eval_not();
    }
    bool v = primary();
    while (at('\'')) {
      ++p_;
      v = !v;
    }
    return v;
  }
  bool primary() {
    skip();
    if (at('(')) {
      ++p_;
      const bool v = eval_or();
      if (!at(')')) fail(fmt::format("liberty function '{}': missing ')'", s_));
      ++p_;
      return v;
    }
    const size_t b = p_;
    while (p_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[p_])) || s_[p_] == '_')) ++p_;
    const std::string id = s_.substr(b, p_ - b);
    if (id == "0" || id == "1") return id == "1";
    const auto it = std::find(vars_.begin(), vars_.end(), id);
    if (id.empty() || it == vars_.end()) fail(fmt::format("liberty function '{}': unknown name '{}'", s_, id));
    return (m_ >> (it - vars_.begin())) & 1;
  }
  std::string s_;
  std::vector<std::string> vars_;
  size_t p_ = 0;
  uint64_t m_ = 0;
};

}  // namespace

struct LibraryParser {
  static void add_cell(Library& lib, const Group& g) {
    CellType c;
    c.name = g.arg;
    std::vector<std::string> vars;
    std::string iq, iqn, why;
    const Group* ff = nullptr;
    for (const auto& sub : g.groups) {
      if (sub->kind == "ff") ff = sub.get();
      if (sub->kind == "latch" || sub->kind == "ff_bank" || sub->kind == "statetable") why = "a " + sub->kind;
      if (sub->kind == "pin" && sub->attrs.count("direction") && sub->attrs.at("direction") == "input") c.inputs.push_back(sub->arg);
      if (sub->kind == "pin" && sub->attrs.count("three_state")) why = "a three-state output";
    }
    if (!why.empty()) {
      lib.refused_[c.name] = why;
      return;
    }
    vars = c.inputs;
    if (ff) {
      const auto comma = ff->arg.find(',');
      iq = ff->arg.substr(0, comma);
      iqn = comma == std::string::npos ? std::string() : ff->arg.substr(comma + 1);
      if (c.inputs.size() >= 6) {
        lib.refused_[c.name] = "more than 5 inputs beside its state";
        return;
      }
      vars.push_back(iq);
      c.flop = true;
      const auto attr = [&](const char* a) { return ff->attrs.count(a) ? ff->attrs.at(a) : std::string(); };
      const std::string clk = attr("clocked_on");
      const auto ci = std::find(c.inputs.begin(), c.inputs.end(), clk);
      if (ci == c.inputs.end()) {
        lib.refused_[c.name] = "a clock other than a positive edge of an input (" + clk + ")";
        return;
      }
      c.clock = static_cast<int>(ci - c.inputs.begin());
      c.next = Expr(attr("next_state"), vars).table();
      if (!attr("clear").empty()) c.has_clear = true, c.clear = Expr(attr("clear"), vars).table();
      if (!attr("preset").empty()) c.has_preset = true, c.preset = Expr(attr("preset"), vars).table();
    }
    if (vars.size() > 6) {
      lib.refused_[c.name] = "more than 6 inputs";
      return;
    }
    for (const auto& sub : g.groups) {
      if (sub->kind != "pin" || !sub->attrs.count("direction") || sub->attrs.at("direction") != "output") continue;
      if (!sub->attrs.count("function")) fail("liberty: output " + c.name + "/" + sub->arg + " has no function");
      std::string f = sub->attrs.at("function");
      if (!iqn.empty()) {  // IQN is the complement of the state
        std::string rep;
        size_t at = 0;
        for (size_t pos; (pos = f.find(iqn, at)) != std::string::npos; at = pos + iqn.size()) rep += f.substr(at, pos - at) + "(!" + iq + ")";
        f = rep + f.substr(at);
      }
      c.outputs.push_back({sub->arg, Expr(f, vars).table()});
    }
    lib.cells_[c.name] = std::move(c);
  }
};

Library Library::read(const std::string& path) {
  std::ifstream f(path);
  if (!f) fail("cannot read liberty file " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  LibLexer lx(ss.str());
  if (lx.next() != "library" || lx.next() != "(") fail(path + ": not a liberty library");
  for (std::string t = lx.next(); t != ")"; t = lx.next())
    if (t.empty()) fail(path + ": not a liberty library (unterminated header)");
  if (lx.next() != "{") fail(path + ": not a liberty library");
  Group top;
  top.kind = "library";
  parse_body(lx, top);
  Library lib;
  for (const auto& g : top.groups)
    if (g->kind == "cell") LibraryParser::add_cell(lib, *g);
  if (lib.cells_.empty()) fail(path + ": no cell with a function");
  return lib;
}

const CellType* Library::find(const std::string& name) const {
  const auto it = cells_.find(name);
  if (it != cells_.end()) return &it->second;
  const auto r = refused_.find(name);
  if (r != refused_.end()) fail("cell " + name + " cannot be simulated: it has " + r->second);
  fail("cell " + name + " is not in the liberty library");
}

// ---- The netlist ---------------------------------------------------------------------------
Simulator::Simulator(const Library& lib, const std::string& json_path, const std::string& top, const std::string& clock_port) {
  std::ifstream f(json_path);
  if (!f) fail("cannot read netlist " + json_path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(f);
  } catch (const std::exception& e) {
    fail(json_path + ": " + e.what());
  }
  if (!j.contains("modules") || !j["modules"].contains(top)) fail(json_path + ": no module " + top);
  const auto& m = j["modules"][top];
  // Nets: Yosys bit numbers (>= 2) map to dense indexes; constants 0 and 1 are nets 0 and 1.
  std::map<int64_t, int> dense;
  const auto net = [&](const nlohmann::json& b) -> int {
    if (b.is_string()) {
      const std::string s = b.get<std::string>();
      if (s == "0") return 0;
      if (s == "1") return 1;
      return 0;  // x and z read as 0 (only constant undriven bits)
    }
    const auto [it, fresh] = dense.emplace(b.get<int64_t>(), static_cast<int>(dense.size()) + 2);
    return it->second;
  };
  // Ports split into bits by name ("act_i[3]", as splitnets -ports writes them) are put together.
  for (const auto& [name, p] : m["ports"].items()) {
    auto& ports = p["direction"] == "input" ? inputs_ : outputs_;
    const size_t open = name.rfind('[');
    if (p["bits"].size() == 1 && open != std::string::npos && open > 0 && name.back() == ']' &&
        name.find_first_not_of("0123456789", open + 1) == name.size() - 1) {
      auto& bits = ports[name.substr(0, open)];
      const size_t i = std::stoul(name.substr(open + 1));
      if (bits.size() <= i) bits.resize(i + 1, -1);
      bits[i] = net(p["bits"][0]);
      continue;
    }
    std::vector<int> bits;
    for (const auto& b : p["bits"]) bits.push_back(net(b));
    ports[name] = bits;
  }
  for (const auto* ports : {&inputs_, &outputs_})
    for (const auto& [name, bits] : *ports)
      if (std::count(bits.begin(), bits.end(), -1)) fail(json_path + ": port " + name + " misses bits");
  if (!inputs_.count(clock_port) || inputs_[clock_port].size() != 1) fail(json_path + ": no 1-bit clock input " + clock_port);
  clock_net_ = inputs_[clock_port][0];
  for (const auto& [name, c] : m["cells"].items()) {
    Cell cell;
    cell.type = lib.find(c["type"].get<std::string>());
    // OpenSTA's hierarchical path: Yosys' flatten keeps the instance path in hdlname.
    std::string path = name;
    if (c.contains("attributes") && c["attributes"].contains("hdlname")) {
      path = c["attributes"]["hdlname"].get<std::string>();
      std::replace(path.begin(), path.end(), ' ', '/');
    }
    cell.path = path;
    const auto& con = c["connections"];
    for (const auto& pin : cell.type->inputs) {
      if (!con.contains(pin) || con[pin].size() != 1) fail(fmt::format("{}: cell {} ({}) has input {} unconnected", json_path, name, cell.type->name, pin));
      cell.in.push_back(net(con[pin][0]));
    }
    for (const auto& o : cell.type->outputs) cell.out.push_back(con.contains(o.pin) && con[o.pin].size() == 1 ? net(con[o.pin][0]) : -1);
    cells_.push_back(std::move(cell));
  }
  const size_t nets = dense.size() + 2;
  // Levelize: a combinational cell is ready once every input is a port, a constant, a flip-flop
  // output or the output of a cell already ordered.
  std::vector<int> driver(nets, -1);  // -1: source
  for (size_t i = 0; i < cells_.size(); ++i)
    if (!cells_[i].type->flop)
      for (int o : cells_[i].out)
        if (o >= 0) {
          if (o < 2 || driver[static_cast<size_t>(o)] >= 0) fail(fmt::format("{}: net driven twice (cell {})", json_path, cells_[i].path));
          driver[static_cast<size_t>(o)] = static_cast<int>(i);
        }
  std::vector<std::vector<int>> fanout(nets);
  std::vector<int> pending(cells_.size(), 0);
  for (size_t i = 0; i < cells_.size(); ++i) {
    if (cells_[i].type->flop) {
      flops_.push_back(static_cast<int>(i));
      continue;
    }
    for (int n : cells_[i].in)
      if (driver[static_cast<size_t>(n)] >= 0) {
        fanout[static_cast<size_t>(n)].push_back(static_cast<int>(i));
        ++pending[i];
      }
  }
  std::vector<int> ready;
  for (size_t i = 0; i < cells_.size(); ++i)
    if (!cells_[i].type->flop && pending[i] == 0) ready.push_back(static_cast<int>(i));
  while (!ready.empty()) {
    const int c = ready.back();
    ready.pop_back();
    order_.push_back(c);
    for (int o : cells_[static_cast<size_t>(c)].out)
      if (o >= 0)
        for (int d : fanout[static_cast<size_t>(o)])
          if (--pending[static_cast<size_t>(d)] == 0) ready.push_back(d);
  }
  if (order_.size() + flops_.size() != cells_.size()) fail(json_path + ": combinational loop in the netlist");
  // One clock: every flip-flop on the clock port. Asynchronous clear and preset are applied
  // before the cycle's combinational evaluation, so they must come from ports or constants.
  const auto depends = [](uint64_t table, size_t var, size_t vars) {
    for (uint64_t m = 0; m < (uint64_t{1} << vars); ++m)
      if (((table >> m) & 1) != ((table >> (m ^ (uint64_t{1} << var))) & 1)) return true;
    return false;
  };
  std::vector<bool> port_net(dense.size() + 2, false);
  port_net[0] = port_net[1] = true;
  for (const auto& [name, bits] : inputs_)
    for (int b : bits) port_net[static_cast<size_t>(b)] = true;
  for (int fi : flops_) {
    const Cell& c = cells_[static_cast<size_t>(fi)];
    const CellType& t = *c.type;
    if (c.in[static_cast<size_t>(t.clock)] != clock_net_)
      fail(fmt::format("{}: flip-flop {} is not clocked by {} (one clock only)", json_path, c.path, clock_port));
    for (size_t i = 0; i < c.in.size(); ++i) {
      const bool async = (t.has_clear && depends(t.clear, i, c.in.size() + 1)) || (t.has_preset && depends(t.preset, i, c.in.size() + 1));
      if (async && !port_net[static_cast<size_t>(c.in[i])])
        fail(fmt::format("{}: flip-flop {} has its asynchronous {} from logic, not from a port", json_path, c.path, t.inputs[i]));
    }
  }
  value_.assign(nets, 0);
  value_[1] = 1;
  last_ = value_;
  stats_.resize(nets);
}

int Simulator::port_bits(const std::string& port) const {
  const auto it = inputs_.find(port);
  if (it != inputs_.end()) return static_cast<int>(it->second.size());
  const auto ot = outputs_.find(port);
  if (ot != outputs_.end()) return static_cast<int>(ot->second.size());
  fail("netlist has no port " + port);
}

void Simulator::set(const std::string& port, const std::vector<uint8_t>& bits) {
  const auto it = inputs_.find(port);
  if (it == inputs_.end()) fail("netlist has no input port " + port);
  if (bits.size() != it->second.size()) fail(fmt::format("input {} has {} bits, {} given", port, it->second.size(), bits.size()));
  for (size_t i = 0; i < bits.size(); ++i) value_[static_cast<size_t>(it->second[i])] = bits[i] & 1;
}

void Simulator::set(const std::string& port, uint64_t value) {
  const int n = port_bits(port);
  std::vector<uint8_t> b(static_cast<size_t>(n));  // bits past 64 are 0
  for (int i = 0; i < std::min(n, 64); ++i) b[static_cast<size_t>(i)] = (value >> i) & 1;
  set(port, b);
}

uint64_t Simulator::get(const std::string& port) const {
  const auto it = outputs_.find(port);
  if (it == outputs_.end()) fail("netlist has no output port " + port);
  if (it->second.size() > 64) fail("output " + port + " is wider than 64 bits");
  uint64_t v = 0;
  for (size_t i = 0; i < it->second.size(); ++i) v |= uint64_t{value_[static_cast<size_t>(it->second[i])]} << i;
  return v;
}

uint64_t Simulator::index(const Cell& c) const {
  uint64_t m = 0;
  for (size_t i = 0; i < c.in.size(); ++i) m |= uint64_t{value_[static_cast<size_t>(c.in[i])]} << i;
  if (c.type->flop) m |= uint64_t{c.state} << c.in.size();
  return m;
}

void Simulator::cycle(bool sample) {
  // The clock is high during the evaluation; flip-flops are clocked at its rising edge below.
  value_[static_cast<size_t>(clock_net_)] = 1;
  const auto drive = [&](const Cell& c) {
    const uint64_t m = index(c);
    for (size_t o = 0; o < c.out.size(); ++o)
      if (c.out[o] >= 0) value_[static_cast<size_t>(c.out[o])] = (c.type->outputs[o].table >> m) & 1;
  };
  // Asynchronous clear and preset act on the inputs of this cycle (here: the reset port).
  for (int fi : flops_) {
    Cell& c = cells_[static_cast<size_t>(fi)];
    const uint64_t m = index(c);
    if (c.type->has_clear && ((c.type->clear >> m) & 1)) c.state = 0;
    else if (c.type->has_preset && ((c.type->preset >> m) & 1)) c.state = 1;
    drive(c);
  }
  for (int ci : order_) drive(cells_[static_cast<size_t>(ci)]);
  if (sample) {
    const bool first = samples_ == 0;
    for (size_t n = 2; n < value_.size(); ++n) {
      stats_[n].ones += value_[n];
      if (!first) stats_[n].toggles += value_[n] != last_[n];
    }
    last_ = value_;
    ++samples_;
  }
  // Rising edge: every flip-flop takes its next state from this cycle's values at once.
  std::vector<uint8_t>& next = next_;
  next.resize(flops_.size());
  for (size_t k = 0; k < flops_.size(); ++k) {
    const Cell& c = cells_[static_cast<size_t>(flops_[k])];
    const uint64_t m = index(c);
    next[k] = (c.type->next >> m) & 1;
    if (c.type->has_clear && ((c.type->clear >> m) & 1)) next[k] = 0;
    else if (c.type->has_preset && ((c.type->preset >> m) & 1)) next[k] = 1;
  }
  // The nets keep this cycle's values (get() reads them); the next cycle drives the new state.
  for (size_t k = 0; k < flops_.size(); ++k) cells_[static_cast<size_t>(flops_[k])].state = next[k];
}

std::vector<Simulator::CellActivity> Simulator::activities() const {
  if (samples_ < 2) fail("gate activity needs at least two sampled cycles");
  std::vector<CellActivity> r;
  for (const Cell& c : cells_) {
    double toggles = 0, ones = 0;
    int outs = 0;
    for (int o : c.out)
      if (o >= 2) {
        toggles += static_cast<double>(stats_[static_cast<size_t>(o)].toggles);
        ones += static_cast<double>(stats_[static_cast<size_t>(o)].ones);
        ++outs;
      }
    if (outs == 0) outs = 1;  // outputs unconnected or constant: no activity
    r.push_back({c.path, toggles / outs / static_cast<double>(samples_ - 1), ones / outs / static_cast<double>(samples_)});
  }
  return r;
}

}  // namespace tasu::gate
