// The run pipeline of BitNet decoder layers on a device, as a library: weights from a checkpoint
// or the embedded synthetic model, one layer at a time (bounded memory); every layer's prefill
// and decode steps on the device, each checked bit for bit against the exact layer model; per-layer and
// per-phase counters; outputs under the reference key names. `tasu run`, its layer shards and
// `tasu merge` all go through here, so the CLI only parses and prints.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "checkpoint/bitnet_checkpoint.h"
#include "codegen/layer_runner.h"
#include "layer/accel_layer.h"
#include "reference/float_reference.h"
#include "device/device.h"

namespace tasu::run {

// Where the weights come from: a Hugging Face checkpoint directory, read one layer at a time
// (the loader maps the file and reads only that layer's tensors), or the embedded synthetic
// model with the dimensions of bitnet-b1.58-2B-4T (30 layers), generated one layer at a time.
class ModelSource {
 public:
  // dir empty: the synthetic model with this seed.
  ModelSource(std::string dir, uint64_t seed);
  const ckpt::BitNetConfig& config() const { return config_; }
  bool synthetic() const { return dir_.empty(); }
  const std::string& dir() const { return dir_; }
  uint64_t seed() const { return seed_; }
  std::string name() const;  // the directory, or "synthetic-2b4t"
  // Layer i as the exact layer model and the device take it.
  layer::LayerParams layer(int64_t i) const;
  // The embeddings, final norm and lm_head (no decoder layer); loaded on first use and kept.
  const ckpt::BitNetModel& head_model() const;
  // The embeddings of these tokens ([ids][hidden]); the synthetic model draws only their rows.
  reference::Matrix embed(const std::vector<int64_t>& ids) const;

 private:
  std::string dir_;
  uint64_t seed_;
  ckpt::BitNetConfig config_;
  mutable std::unique_ptr<ckpt::BitNetModel> head_;
};

// One phase of one layer: the prefill (all P tokens) or one decode step.
struct PhaseResult {
  std::string name;  // "prefill", "decode.0", ...
  int64_t tokens = 0;  // over all sequences of a batch
  rt::Counters counters;
  uint64_t programs = 0, insns = 0;
  double device_seconds = 0;  // host time simulating it (cycles per second of the simulator)
  codegen::Roofline roofline;  // its programs' bounds (docs/performance.md)
  energy::Events events;       // what its programs did (docs/energy.md)
  codegen::Traffic traffic;    // its programs' DRAM bytes by what they move
};

struct LayerResult {
  int64_t layer = 0;
  std::vector<PhaseResult> phases;  // prefill, then decode.0 .. decode.D-1
  int64_t mismatches = 0;           // values that differ from the exact layer model, over all sequences
  std::string first_mismatch;
  uint64_t kv_cache_bytes = 0;
  rt::Counters total() const;
};

struct RunSpec {
  int64_t first_layer = 0, end_layer = 1;  // [A, B)
  std::vector<int64_t> ids;                // P + D token ids (sequence 0)
  int64_t prefill = 0, decode = 0;
  // Batched decode: `batch` sequences, each with its own prompt and KV cache; sequence q > 0
  // takes batch_ids[q - 1] (P + D ids). Each sequence's prefill runs on its own; every decode
  // step runs one token of each sequence in one program per layer (one weight stream for all).
  int64_t batch = 1;
  std::vector<std::vector<int64_t>> batch_ids;
  // Hidden state entering layer A for all P + D tokens (prefill rows, then one row per decode
  // step). Empty: the embeddings of ids, which needs A == 0.
  reference::Matrix input;
  std::string backend = "rtl", config = "default";
  rt::DeviceOptions device;                // dram_bytes is sized by the run
  bool head = false;                       // final norm and logits, when B is the model's last layer
  bool timeline = false;                   // record every instruction's interval (RunResult::timeline)
};

// One interval of a run's timeline, in cycles from the run's first program.
struct TimelineEvent {
  std::string track;  // "programs", "load DMA", "engine", "vector unit", "store DMA"
  std::string name;   // opcode (and vector kind), or "layer L prefill" on the programs track
  std::string args;   // the instruction's disassembly
  uint32_t pc = 0;
  uint64_t start = 0, end = 0;
};

struct RunResult {
  std::string model, backend, config;
  uint64_t seed = 0;                       // of the synthetic model (0 for a checkpoint)
  int64_t shards = 1;                      // > 1: merged; the times are then sums over shards
  int64_t first_layer = 0, end_layer = 0, prefill = 0, decode = 0, batch = 1;
  int64_t ops_per_token = 0;               // useful ternary operations of one token in one layer
  uint64_t peak_ops_per_cycle = 0;
  uint32_t dram_bytes_per_cycle = 0;
  std::vector<LayerResult> layers;
  reference::TensorMap outputs;            // the keys of a reference file (sequence 0)
  std::vector<int64_t> ids;
  // Wall time; the part simulating the device; the rest (host work the device did not hide:
  // weights made or read while the device runs are hidden, so are the exact layer model's checks).
  double wall_seconds = 0, device_seconds = 0, host_seconds = 0;
  int64_t peak_rss_bytes = 0;
  std::vector<TimelineEvent> timeline;     // with RunSpec::timeline
  uint64_t timeline_end = 0;               // its last program's end

  rt::Counters total() const;
  int64_t mismatches() const;
  std::string first_mismatch() const;
};

// The most sequences one run batches (each has a KV cache per layer in device DRAM).
constexpr int64_t kMaxBatch = 256;

// The prompts of sequences 1 .. batch - 1 of a batch whose sequence 0 takes `ids`: each id
// moved by a different multiple of a prime, so that every sequence attends over other values.
std::vector<std::vector<int64_t>> batch_prompts(const std::vector<int64_t>& ids, int64_t batch, int64_t vocab);

// Called with a line of progress (which layer and phase, cycles so far).
using ProgressFn = std::function<void(const std::string&)>;

// Useful ternary operations of one token in one decoder layer (its seven projections' weights).
int64_t ops_per_token(const ckpt::BitNetConfig& cfg);

// Device DRAM a run needs (one layer's weights at a time, every sequence's KV cache, room for
// activations and programs).
uint64_t run_dram_bytes(const ckpt::BitNetConfig& cfg, const RunSpec& spec);

// Checks the spec against the model (layer range, ids, input shape, positions) and throws
// std::invalid_argument naming the problem, before any work.
void check_spec(const ModelSource& model, const RunSpec& spec);

// The keys (reference names) of the outputs run_model will produce for this spec, in no order:
// the embeddings when A == 0, every layer's attn_out, mlp_out and out, and the final norm and
// logits when the spec asks for the head and B is the last layer. Lets a reference file be
// checked for every key before the run.
std::vector<std::string> output_keys(const ModelSource& model, const RunSpec& spec);

// Runs layers A..B-1 in order, each over all P + D tokens (prefill, then the decode steps on
// its KV cache), on a device opened for the run. A layer's input is the device's output of the
// layer before, and the exact layer model runs on the same input, so each layer is checked on its own.
RunResult run_model(const ModelSource& model, const RunSpec& spec, const ProgressFn& progress = {});

// The process's peak resident set (VmHWM), 0 where unknown.
int64_t peak_rss_bytes();

}  // namespace tasu::run
