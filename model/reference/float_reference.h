// Double-precision BitNet b1.58 decoder with Hugging Face transformers semantics (prefill, then
// decode steps on a KV cache): the float oracle the accelerator's decoder layer is judged against.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "checkpoint/bitnet_checkpoint.h"
#include "checkpoint/safetensors.h"

namespace tasu::reference {

// Row-major [rows][cols] doubles: one row per token, as every key of a reference file is
// [tokens, features].
struct Matrix {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<double> data;

  Matrix() = default;
  Matrix(int64_t r, int64_t c) : rows(r), cols(c), data(static_cast<size_t>(r * c), 0.0) {}
  double* row(int64_t r) { return data.data() + r * cols; }
  const double* row(int64_t r) const { return data.data() + r * cols; }
  double at(int64_t r, int64_t c) const { return data[static_cast<size_t>(r * cols + c)]; }
};

// Keyed like the reference files: "prefill.embeddings", "prefill.layer.I.attn_out",
// "prefill.layer.I.mlp_out", "prefill.layer.I.out", "prefill.final_norm", "prefill.logits",
// and the same under "decode.T." for each decode step T.
using TensorMap = std::map<std::string, Matrix>;

enum class Numerics {
  // What transformers computes in a float64 run: it still drops to float32 where its code
  // casts explicitly: RMSNorm's normalization (x.to(float32) ... .to(input_dtype), then the
  // weight product in float64), the RoPE cos/sin table (inv_freq, angle, cos and sin in
  // float32), eager attention's softmax (dtype=torch.float32), and AutoBitLinear's ActQuant
  // (x.float(): scale, rounding and the x_q / s_x fake-quantization in float32, then the matmul
  // and the weight_scale product in float64). BitLinear quantizes in the input dtype (float64)
  // and its x_q . w_q is an exact integer. Both scales are PyTorch's reciprocal(absmax) * 127
  // (what `127 / tensor` evaluates to), not one division. Not emulated: the order of torch's
  // vectorized float32 sums and its SIMD exp/sin/cos, which differ by an ulp here and there;
  // on the shared tiny checkpoints that leaves ~1e-7 relative L2 against transformers' float64
  // run, with about half the rows bit-identical.
  HuggingFace,
  // Every step in double, BitLinear and AutoBitLinear both as y_int / s_x rescaled in double:
  // the ideal real-number decoder, for measuring how far HF's float32 islands move the result.
  Float64,
};

struct ReferenceOptions {
  int64_t prefill_tokens = 0;  // P >= 1: tokens processed together, causally
  int64_t decode_steps = 0;    // D >= 0: further tokens, one at a time, on the KV cache
  int64_t layer_begin = 0;     // run decoder layers [layer_begin, layer_end)
  int64_t layer_end = -1;      // -1 = config.layers
  // Hidden state entering layer_begin for all P + D tokens ([P + D][hidden], prefill rows then
  // decode rows), e.g. hidden_entering_layer() of a reference file. Empty: the embeddings of
  // input_ids, which requires layer_begin == 0.
  Matrix input_hidden;
  Numerics numerics = Numerics::HuggingFace;
};

// Runs the decoder. Emits "*.embeddings" when the input comes from the embedding table, the
// three keys of every layer run, and "*.final_norm" / "*.logits" when layer_end is the last
// layer and the model has its embeddings and head. input_ids needs P + D ids in [0, vocab)
// unless input_hidden is given. Throws std::invalid_argument on inconsistent options (layer
// range not loaded, wrong input_hidden shape, bad ids).
TensorMap run_float_reference(const ckpt::BitNetModel& model, const std::vector<int64_t>& input_ids,
                              const ReferenceOptions& options);

// The token embeddings of the first `count` ids ([count][hidden]); throws std::invalid_argument on
// an id outside the vocabulary or a model loaded without embeddings.
Matrix embed(const ckpt::BitNetModel& model, const std::vector<int64_t>& input_ids, int64_t count);

// The model's final norm and lm_head on hidden states x: adds prefix + "final_norm" and
// prefix + "logits" to out.
void head(const ckpt::BitNetModel& model, const Matrix& x, const std::string& prefix, TensorMap& out,
          Numerics numerics = Numerics::HuggingFace);

// A reference file (reference.safetensors / reference-fp64.safetensors layout, or a tasu dump).
struct ReferenceFile {
  std::vector<int64_t> input_ids;  // flattened [1, P + D]
  int64_t prefill_tokens = 0;      // rows of the prefill.* tensors
  int64_t decode_steps = 0;        // number of distinct decode.T prefixes (T = 0..D-1)
  TensorMap tensors;               // every key but input_ids, converted to double
  std::map<std::string, std::string> metadata;
};

// Throws ckpt::CheckpointError (naming the file and key) on a malformed file: no input_ids,
// a tensor that is not 2-D, decode steps that are not 0..D-1, row counts that disagree.
ReferenceFile load_reference_file(const std::string& path);

// Writes tensors in the reference layout, as F64 or F32 (anything else throws).
void write_reference_file(const std::string& path, const std::vector<int64_t>& input_ids,
                          const TensorMap& tensors, ckpt::DType dtype = ckpt::DType::F64,
                          const std::map<std::string, std::string>& metadata = {});

// The hidden state entering `layer` for all P + D tokens: the embeddings for layer 0, else
// layer (layer-1)'s out; prefill rows then each decode step's row. Throws
// std::invalid_argument when the file lacks those keys.
Matrix hidden_entering_layer(const ReferenceFile& ref, int64_t layer);

// ||actual - expected||_2 / ||expected||_2 over all elements (0 if both are zero, +inf if only
// expected is). Throws std::invalid_argument on a shape mismatch.
double relative_l2(const Matrix& expected, const Matrix& actual);

struct KeyComparison {
  std::string key;
  double rel_l2 = 0.0;
  double max_abs_diff = 0.0;
};

struct Comparison {
  std::vector<KeyComparison> keys;           // every key present in both, in key order
  std::vector<std::string> only_in_expected;
  std::vector<std::string> only_in_actual;
  KeyComparison worst;                       // largest rel_l2; key empty when keys is empty
  int64_t logits_rows = 0;                   // rows of every compared "*logits" key
  int64_t top1_agree = 0;                    // rows whose argmax (first maximum) agrees
};

// Compares every common key (shape mismatches throw std::invalid_argument) and the top-1
// token of every logits row.
Comparison compare_outputs(const TensorMap& expected, const TensorMap& actual);

}  // namespace tasu::reference
