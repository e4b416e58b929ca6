// `tasu run`: BitNet decoder layers on the accelerator from a checkpoint (or the embedded
// synthetic 2B4T-sized model), checked bit for bit against the exact layer model and, with a reference
// file, against the float reference's keys. `tasu merge`: the shards of one run joined.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "run/run_report.h"  // kDefaultTolerance

namespace tasu::cli {

struct RunArgs {
  std::string model_dir;       // empty: the embedded synthetic model
  std::string layers;          // "A:B"; empty: all layers of a checkpoint, 0:1 for the synthetic model
  int64_t prefill = 32, decode = 4;
  int64_t batch = 1;           // sequences decoded together (sequence 0 takes the reference's tokens)
  bool prefill_given = false, decode_given = false, model_given = false;
  std::string reference, dump, backend = "rtl", config = "default", trace, json;
  std::string input;           // a dump of an earlier run: tokens and the hidden state entering layer A
  std::string timeline;        // Chrome trace-event JSON of every instruction's interval
  std::string energy;          // energy table (scripts/ppa.sh's energy.json): price the run
  double clock_mhz = 1000;
  double tolerance = run::kDefaultTolerance;  // of the reference check
  uint64_t seed = 1;
};

struct MergeArgs {
  std::vector<std::string> reports;  // the shards' --json reports (each names its --dump)
  std::string reference, dump, json, energy;
  double clock_mhz = 1000;
  double tolerance = run::kDefaultTolerance;
};

// Throws std::invalid_argument unless `path` can be created: its directory exists and is
// writable (so that a bad output path fails before the simulation, not after it).
void check_writable(const std::string& path, const char* flag);

// Returns the process exit code: 0 bit-exact (and within tolerance when a reference is given),
// 1 otherwise; throws on bad input (the caller prints it and exits 2).
int run_layers(const RunArgs& args);

// `tasu merge`: joins the reports and dumps of layer shards into one report (and dump), checked
// against a reference over the whole model when given. Same exit codes.
int merge_reports(const MergeArgs& args);

}  // namespace tasu::cli
