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

// Builds a BitNetModel with n_layers (1..30) decoder layers of the 2B4T shape: relu2,
// rms_norm_eps 1e-5, rope_theta 500000, autobitlinear scales, tied embeddings, vocab
// kSyntheticVocab. Each projection is golden::absmean_ternarize of N(0, 1/in) latents with
// weight_scale = bf16(mean|W|) (the autobitlinear convention); norm weights are bf16(1 + 0.05 z)
// and embeddings bf16(z), z ~ N(0, 1). Every float is bf16-representable, so the model can be
// written with save_bitnet_checkpoint unchanged. Each tensor draws from its own stream of
// (seed, tensor), so layer i and the embeddings do not depend on n_layers. Cost on the 2-core
// development VM: 1.8 s and 0.33 GB for the embeddings, 0.85 s and 70 MB per layer (so under
// 1 GB up to 8 layers). Throws std::invalid_argument on n_layers outside 1..30.
BitNetModel make_synthetic_2b4t(int64_t n_layers, uint64_t seed);

}  // namespace tasu::ckpt
