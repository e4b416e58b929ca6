// What a run reports: the text a user reads, the JSON a script reads (complete enough to merge
// the reports of layer shards), the comparison with a reference file, and the merge itself.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reference/float_reference.h"
#include "run/model_run.h"

namespace tasu::run {

// Relative L2 limit of a layer key against a reference, and the top-1 agreement required.
inline constexpr double kLayerRelL2Limit = 2e-2;
inline constexpr double kTop1Limit = 0.95;

struct RefCheck {
  std::string file;
  reference::Comparison cmp;
  std::vector<std::string> missing;  // layer keys of the run's layers the reference lacks
  bool within = true;
};

// Compares a run's outputs with a reference file: every layer key within kLayerRelL2Limit, the
// top-1 agreement of the logits at least kTop1Limit, and no layer key of layers [A, B) missing.
RefCheck check_against_reference(const reference::ReferenceFile& ref, const std::string& file,
                                 const reference::TensorMap& outputs, int64_t first_layer, int64_t end_layer);

struct ReportOptions {
  double clock_mhz = 1000;  // converts cycles into seconds for tokens per second
  std::string dump;         // where the outputs were written ("" none)
  int64_t model_layers = 0; // layers of the whole model
  int64_t hidden = 0, intermediate = 0, heads = 0, kv_heads = 0, head_dim = 0;
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
