// Synthetic 2B4T-shaped model: its own PRNG (xoshiro256**) and polar Gaussian rather than
// <random>, whose distributions differ between standard libraries; only libm's logf remains.
#include "checkpoint/synthetic_2b4t.h"

#include <atomic>
#include <cmath>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "golden/bitlinear.h"

namespace tasu::ckpt {
namespace {

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Gaussian {
 public:
  // One independent stream per (seed, tensor id): tensors do not shift when others are added.
  Gaussian(uint64_t seed, uint64_t stream) {
    uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);
    for (uint64_t& v : s_) v = splitmix64(x);
  }

  // Marsaglia polar method in float: two N(0,1) samples per accepted pair, no trigonometry,
  // which is what keeps 150 M samples under a second.
  void fill(float* out, int64_t n, float mean, float stddev) {
    int64_t i = 0;
    while (i < n) {
      const uint64_t r = next();
      const float u = static_cast<float>(static_cast<int32_t>(r >> 32)) * (1.0f / 2147483648.0f);
      const float v = static_cast<float>(static_cast<int32_t>(static_cast<uint32_t>(r))) *
                      (1.0f / 2147483648.0f);
      const float s = u * u + v * v;
      if (s >= 1.0f || s == 0.0f) continue;
      const float f = std::sqrt(-2.0f * std::log(s) / s);
      out[i++] = mean + stddev * (u * f);
      if (i < n) out[i++] = mean + stddev * (v * f);
    }
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  uint64_t s_[4];
};

float round_bf16(float f) { return golden::bf16_to_float(golden::float_to_bf16_rne(f)); }

std::vector<float> bf16_gaussian(uint64_t seed, uint64_t stream, int64_t n, float mean, float stddev) {
  std::vector<float> v(static_cast<size_t>(n));
  Gaussian(seed, stream).fill(v.data(), n, mean, stddev);
  for (float& x : v) x = round_bf16(x);
  return v;
}

// Scratch for one projection's latent weights, kept between layers: a fresh 70 MB block costs
// page faults and zeroing comparable to drawing its numbers. Never more than the generating
// threads hold at once.
class LatentBuffer {
 public:
  LatentBuffer() {
    std::lock_guard<std::mutex> lock(mutex());
    if (!pool().empty()) {
      buf_ = std::move(pool().back());
      pool().pop_back();
    } else {
      buf_.reset(new float[static_cast<size_t>(k2b4tIntermediate * k2b4tHidden)]);
    }
  }
  ~LatentBuffer() {
    std::lock_guard<std::mutex> lock(mutex());
    pool().push_back(std::move(buf_));
  }
  LatentBuffer(const LatentBuffer&) = delete;
  LatentBuffer& operator=(const LatentBuffer&) = delete;
  float* get() { return buf_.get(); }

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::vector<std::unique_ptr<float[]>>& pool() {
    static std::vector<std::unique_ptr<float[]>> p;
    return p;
  }
  std::unique_ptr<float[]> buf_;
};

// Stream ids: 1 final norm, then 16 per layer (4 norms, 7 projections); 2^32 + r embedding row r.
uint64_t layer_stream(int64_t layer, int slot) { return 16 + static_cast<uint64_t>(layer) * 16 + slot; }

}  // namespace

BitNetConfig synthetic_2b4t_config(int64_t n_layers) {
  if (n_layers < 1 || n_layers > k2b4tLayers) {
    throw std::invalid_argument(
        fmt::format("the synthetic 2B4T model has layers 0..{}; {} layers asked for", k2b4tLayers - 1, n_layers));
  }
  BitNetConfig c;
  c.hidden = k2b4tHidden;
  c.intermediate = k2b4tIntermediate;
  c.layers = n_layers;
  c.heads = k2b4tHeads;
  c.kv_heads = k2b4tKvHeads;
  c.head_dim = k2b4tHeadDim;
  c.vocab = kSyntheticVocab;
  c.rms_norm_eps = 1e-5;
  c.rope_theta = 500000.0;
  c.linear_class = golden::WeightScaleConvention::AutoBitLinear;
  c.tie_word_embeddings = true;
  c.max_position_embeddings = 4096;
  return c;
}

BitNetLayer make_synthetic_2b4t_layer(int64_t layer, uint64_t seed) {
  if (layer < 0 || layer >= k2b4tLayers)
    throw std::invalid_argument(fmt::format("the synthetic 2B4T model has layers 0..{}, not {}", k2b4tLayers - 1, layer));
  const BitNetConfig c = synthetic_2b4t_config(k2b4tLayers);
  BitNetLayer L;
  L.input_layernorm = bf16_gaussian(seed, layer_stream(layer, 0), c.hidden, 1.0f, 0.05f);
  L.attn_sub_norm = bf16_gaussian(seed, layer_stream(layer, 1), c.hidden, 1.0f, 0.05f);
  L.post_attention_layernorm = bf16_gaussian(seed, layer_stream(layer, 2), c.hidden, 1.0f, 0.05f);
  L.ffn_sub_norm = bf16_gaussian(seed, layer_stream(layer, 3), c.intermediate, 1.0f, 0.05f);

  const int64_t q_out = c.heads * c.head_dim, kv_out = c.kv_heads * c.head_dim;
  const std::vector<std::pair<int64_t, int64_t>> dims = {
      {q_out, c.hidden}, {kv_out, c.hidden}, {kv_out, c.hidden}, {c.hidden, q_out},
      {c.intermediate, c.hidden}, {c.intermediate, c.hidden}, {c.hidden, c.intermediate}};
  const auto& projs = layer_projections();
  // Each projection has its own stream, so the host's cores can draw them concurrently and
  // the result does not depend on how they are shared out.
  auto make = [&](size_t p, float* latent) {
    TernaryProjection& w = L.*(projs[p].member);
    w.out = dims[p].first;
    w.in = dims[p].second;
    // Latent std 1/sqrt(in) (the usual init) keeps block outputs commensurate with the
    // residual stream; the ternary pattern itself is scale-invariant.
    Gaussian(seed, layer_stream(layer, 4 + static_cast<int>(p)))
        .fill(latent, w.out * w.in, 0.0f, 1.0f / std::sqrt(static_cast<float>(w.in)));
    const float mean = golden::absmean_ternarize(latent, w.out * w.in, w.weight);
    w.weight_scale = round_bf16(mean);  // autobitlinear stores mean|W| in bf16
  };
  std::atomic<size_t> next{0};
  auto worker = [&] {
    LatentBuffer latent;  // every element is drawn before it is read
    for (size_t p; (p = next++) < projs.size();) make(p, latent.get());
  };
  // The second core's share runs as a task, so an error there (out of memory) reaches the caller.
  std::future<void> other;
  if (std::thread::hardware_concurrency() > 1) other = std::async(std::launch::async, worker);
  worker();
  if (other.valid()) other.get();
  return L;
}

// Each embedding row has its own stream, so a run draws only the rows of its tokens.
uint64_t embedding_stream(int64_t row) { return (uint64_t{1} << 32) + static_cast<uint64_t>(row); }

std::vector<float> synthetic_2b4t_embeddings(uint64_t seed) {
  std::vector<float> table(static_cast<size_t>(kSyntheticVocab * k2b4tHidden));
  auto rows = [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      float* row = table.data() + r * k2b4tHidden;
      Gaussian(seed, embedding_stream(r)).fill(row, k2b4tHidden, 0.0f, 1.0f);
      for (int64_t i = 0; i < k2b4tHidden; ++i) row[i] = round_bf16(row[i]);
    }
  };
  auto other = std::async(std::launch::async, rows, kSyntheticVocab / 2, kSyntheticVocab);
  rows(0, kSyntheticVocab / 2);
  other.get();
  return table;
}

std::vector<float> synthetic_2b4t_embedding_rows(uint64_t seed, const std::vector<int64_t>& ids) {
  std::vector<float> out(ids.size() * static_cast<size_t>(k2b4tHidden));
  for (size_t t = 0; t < ids.size(); ++t) {
    if (ids[t] < 0 || ids[t] >= kSyntheticVocab)
      throw std::invalid_argument(fmt::format("token id {} outside the synthetic vocabulary 0..{}", ids[t], kSyntheticVocab - 1));
    float* row = out.data() + t * k2b4tHidden;
    Gaussian(seed, embedding_stream(ids[t])).fill(row, k2b4tHidden, 0.0f, 1.0f);
    for (int64_t i = 0; i < k2b4tHidden; ++i) row[i] = round_bf16(row[i]);
  }
  return out;
}

std::vector<float> synthetic_2b4t_final_norm(uint64_t seed) { return bf16_gaussian(seed, 1, k2b4tHidden, 1.0f, 0.05f); }

BitNetModel make_synthetic_2b4t(int64_t n_layers, uint64_t seed, bool embeddings_and_head) {
  BitNetModel m;
  m.config = synthetic_2b4t_config(n_layers);
  for (int64_t i = 0; i < n_layers; ++i) m.layers.push_back(make_synthetic_2b4t_layer(i, seed));
  if (embeddings_and_head) {
    m.embed_tokens = synthetic_2b4t_embeddings(seed);
    m.final_norm = synthetic_2b4t_final_norm(seed);
  }
  return m;
}

}  // namespace tasu::ckpt
