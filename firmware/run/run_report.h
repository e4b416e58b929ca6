// What a run reports: the text a user reads, the JSON a script reads (complete enough to merge
// the reports of layer shards), the comparison with a reference file, and the merge itself.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "energy/energy_model.h"
#include "reference/float_reference.h"
#include "run/model_run.h"

namespace tasu::run {

// The default tolerance of the reference check (--tolerance), and the top-1 agreement required.
// A layer output is judged by its relative L2 error, ||run - ref|| / ||ref||. A delta added to
// the residual stream (attn_out, mlp_out) is judged relative to that stream,
// ||run - ref|| / ||stream||: its error matters only as much as it moves the stream, and its own
// norm can be small beside it (docs/verification.md, "The reference check").
inline constexpr double kDefaultTolerance = 2e-2;
inline constexpr double kTop1Limit = 0.95;

// One compared key: its error, and the key whose norm it is relative to (itself for layer
// outputs and unjudged keys; the stream for deltas).
struct JudgedKey {
  std::string key, relative_to;
  double error = 0, rel_l2 = 0, max_abs_diff = 0;
  bool judged = false;  // a layer key, held to the tolerance
  bool above = false;
};

struct RefCheck {
  std::string file;
  double tolerance = kDefaultTolerance;
  std::vector<JudgedKey> keys;       // every key present in both, in key order
  int64_t top1_agree = 0, logits_rows = 0;
  std::vector<std::string> missing;  // keys the run produced that the reference lacks
  bool within = true;
};

// Throws std::invalid_argument naming the file and the first keys when the reference lacks any
// of `keys` (output_keys of the run): a run must not pass on keys it was never compared on.
void require_reference_keys(const reference::ReferenceFile& ref, const std::string& file,
                            const std::vector<std::string>& keys);

// Compares a run's outputs with a reference file: every layer key within `tolerance` (outputs
// by relative L2, deltas relative to their stream), the top-1 agreement of the logits at least
// kTop1Limit, no key of the run missing from the reference.
RefCheck check_against_reference(const reference::ReferenceFile& ref, const std::string& file,
                                 const reference::TensorMap& outputs, double tolerance = kDefaultTolerance);

struct ReportOptions {
  double clock_mhz = 1000;  // converts cycles into seconds for tokens per second
  std::string dump;         // where the outputs were written ("" none)
  int64_t model_layers = 0; // layers of the whole model
  int64_t hidden = 0, intermediate = 0, heads = 0, kv_heads = 0, head_dim = 0;
  const energy::EnergyTable* energy = nullptr;  // price the run (tasu run --energy)
};

void print_report(const RunResult& r, const ReportOptions& o, const RefCheck* ref);

// The run's timeline in the Chrome trace-event format (Perfetto, chrome://tracing): a track per
// unit, each instruction an interval named by its opcode with its disassembly as argument,
// timestamps in microseconds at clock_mhz.
void write_timeline(const std::string& path, const RunResult& r, double clock_mhz);
nlohmann::json report_json(const RunResult& r, const ReportOptions& o, const RefCheck* ref);

// The inverse of report_json for what a merge needs (outputs are not in the JSON: they come
// from the report's dump). Throws std::invalid_argument naming the file on a malformed report.
RunResult result_from_json(const nlohmann::json& j, const std::string& source, ReportOptions& o);

// Joins shard results into one: same model, configuration, backend, tokens; layer ranges
// that do not overlap and leave no gap. Throws std::invalid_argument naming the shard otherwise.
RunResult merge_results(std::vector<RunResult> shards);

}  // namespace tasu::run
