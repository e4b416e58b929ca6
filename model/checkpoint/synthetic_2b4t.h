// A deterministic stand-in for microsoft/bitnet-b1.58-2B-4T: the real layer dimensions and
// quantization, random weights, so full-size layers can be simulated without the 1.2 GB download.
#pragma once

#include <cstdint>

#include "checkpoint/bitnet_checkpoint.h"

namespace tasu::ckpt {

// The released model's dimensions (config.json of microsoft/bitnet-b1.58-2B-4T).
inline constexpr int64_t k2b4tHidden = 2560;
inline constexpr int64_t k2b4tIntermediate = 6912;
inline constexpr int64_t k2b4tLayers = 30;
inline constexpr int64_t k2b4tHeads = 20;
inline constexpr int64_t k2b4tKvHeads = 5;
inline constexpr int64_t k2b4tHeadDim = 128;
inline constexpr int64_t k2b4tVocab = 128256;
// The synthetic model's vocabulary. The real 128256 x 2560 embedding is 1.3 GB as float (and
// the tied lm_head reuses it); 32000 keeps a one-layer model near 0.4 GB. The lm_head keeps the
// real reduction length (hidden 2560) and only has fewer rows.
inline constexpr int64_t kSyntheticVocab = 32000;

// The synthetic model's config.json: n_layers (1..30) decoder layers of the 2B4T shape,
// relu2, rms_norm_eps 1e-5, rope_theta 500000, autobitlinear scales, tied embeddings, vocab
// kSyntheticVocab. Throws std::invalid_argument on n_layers outside 1..30.
BitNetConfig synthetic_2b4t_config(int64_t n_layers);

// Decoder layer `layer` (0..29): each projection is golden::absmean_ternarize of N(0, 1/in)
// latents with weight_scale = bf16(mean|W|) (the autobitlinear convention); norm weights are
// bf16(1 + 0.05 z), z ~ N(0, 1). Each tensor draws from its own stream of (seed, tensor), so a
// layer is the same whichever layers are generated with it, and can be made on its own when a
// run reaches it (bounded memory for the 30-layer model). Projections are drawn on the host's
// cores in parallel. Every float is bf16-representable, so the model can be written with
// save_bitnet_checkpoint unchanged.
BitNetLayer make_synthetic_2b4t_layer(int64_t layer, uint64_t seed);

// The embedding table ([kSyntheticVocab][hidden], bf16(z), also the tied lm_head) and the
// final norm: only needed for logits. Each row is drawn from its own stream, so the rows of a
// run's tokens (layer 0's input) come without the table: synthetic_2b4t_embedding_rows
// ([ids][hidden]; throws std::invalid_argument on an id outside the vocabulary).
std::vector<float> synthetic_2b4t_embeddings(uint64_t seed);
std::vector<float> synthetic_2b4t_embedding_rows(uint64_t seed, const std::vector<int64_t>& ids);
std::vector<float> synthetic_2b4t_final_norm(uint64_t seed);

// All of it at once: layers 0..n_layers-1, and the embeddings and final norm unless
// embeddings_and_head is false.
BitNetModel make_synthetic_2b4t(int64_t n_layers, uint64_t seed, bool embeddings_and_head = true);

}  // namespace tasu::ckpt
