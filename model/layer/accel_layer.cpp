// The exact layer model of the decoder layer; see accel_layer.h. Every floating-point step is a vector-unit
// primitive (vec::add, vec::mul, ...) in the order the unit executes it; the ternary products
// are the engine's exact integers.
#include "layer/accel_layer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "golden/bitlinear.h"
#include "vector/vfunc.h"
#include "vector/vlane.h"

namespace tasu::layer {
namespace {

using namespace tasu::vec;

vf32 kf(float f) { return from_float(f); }

// MAX reduction in the vector unit's order, from `init`.
vf32 reduce_max(const vf32* x, int64_t n, vf32 init) {
  LaneReduce red(arch::VectorOp::MAX, init);
  red.elements(x, n);
  return red.finish();
}

// The most negative finite binary32: the start of a max over arbitrary scores.
constexpr vf32 kMinusMax = 0xff7fffffu;

vf32 dot(const vf32* a, const vf32* b, int64_t n) {
  std::vector<vf32> prod(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) prod[static_cast<size_t>(i)] = mul(a[i], b[i]);
  return reduce_sum(prod.data(), n);
}

// Rotate-half RoPE of one head vector in place at position pos, in the device's form:
// a' = a*c + b*(-s) (= a*c - b*s exactly), b' = b*c + a*s.
void rope(vf32* x, int64_t head_dim, int64_t pos, float theta) {
  const int64_t half = head_dim / 2;
  std::vector<vf32> c(static_cast<size_t>(half)), s(static_cast<size_t>(half));
  for (int64_t i = 0; i < half; ++i) {
    // inv_freq as Hugging Face computes it, in binary32, on the host (a model constant).
    const float inv_freq =
        1.0f / std::pow(theta, static_cast<float>(2 * i) / static_cast<float>(head_dim));
    const vf32 angle = mul(from_int(static_cast<int32_t>(pos)), kf(inv_freq));
    c[static_cast<size_t>(i)] = vec::cos(angle);
    s[static_cast<size_t>(i)] = vec::sin(angle);
  }
  for (int64_t i = 0; i < half; ++i) {
    const vf32 a = x[i], b = x[i + half];
    x[i] = add(mul(a, c[static_cast<size_t>(i)]), mul(b, neg(s[static_cast<size_t>(i)])));
    x[i + half] = add(mul(b, c[static_cast<size_t>(i)]), mul(a, s[static_cast<size_t>(i)]));
  }
}

void check_params(const LayerParams& p) {
  const LayerShape& sh = p.shape;
  if (sh.hidden <= 0 || sh.intermediate <= 0 || sh.heads <= 0 || sh.kv_heads <= 0 || sh.head_dim <= 0 ||
      sh.heads % sh.kv_heads != 0 || sh.head_dim % 2 != 0 || sh.heads * sh.head_dim != sh.hidden)
    throw std::invalid_argument("inconsistent decoder layer shape");
  auto need = [](const TernaryProjection& w, int64_t out, int64_t in, const char* name) {
    if (w.out != out || w.in != in || static_cast<int64_t>(w.w.size()) != out * in)
      throw std::invalid_argument(std::string("projection ") + name + " has the wrong shape");
  };
  const int64_t kv = sh.kv_heads * sh.head_dim;
  need(p.q, sh.hidden, sh.hidden, "q_proj");
  need(p.k, kv, sh.hidden, "k_proj");
  need(p.v, kv, sh.hidden, "v_proj");
  need(p.o, sh.hidden, sh.hidden, "o_proj");
  need(p.gate, sh.intermediate, sh.hidden, "gate_proj");
  need(p.up, sh.intermediate, sh.hidden, "up_proj");
  need(p.down, sh.hidden, sh.intermediate, "down_proj");
}

}  // namespace

vf32 reduce_sum(const vf32* x, int64_t n) {
  LaneReduce red(arch::VectorOp::ADD, 0);
  red.elements(x, n);
  return red.finish();
}

std::vector<vf32> rms_norm(const std::vector<vf32>& x, int64_t tokens, const std::vector<vf32>& gain, float eps) {
  const auto n = static_cast<int64_t>(gain.size());
  std::vector<vf32> y(x.size());
  std::vector<vf32> sq(static_cast<size_t>(n));
  const vf32 inv_n = kf(1.0f / static_cast<float>(n));
  for (int64_t t = 0; t < tokens; ++t) {
    const vf32* xt = x.data() + t * n;
    for (int64_t i = 0; i < n; ++i) sq[static_cast<size_t>(i)] = mul(xt[i], xt[i]);
    const vf32 mean = mul(reduce_sum(sq.data(), n), inv_n);
    const vf32 r = rsqrt(add(mean, kf(eps)));
    for (int64_t i = 0; i < n; ++i) y[static_cast<size_t>(t * n + i)] = mul(mul(xt[i], r), gain[static_cast<size_t>(i)]);
  }
  return y;
}

std::vector<vf32> quantize(const std::vector<vf32>& x, int64_t tokens, int64_t n, std::vector<int8_t>& q) {
  q.assign(static_cast<size_t>(tokens * n), 0);
  std::vector<vf32> deq(static_cast<size_t>(tokens));
  for (int64_t t = 0; t < tokens; ++t) {
    const vf32* xt = x.data() + t * n;
    std::vector<vf32> ax(xt, xt + n);
    for (auto& v : ax) v = abs(v);
    const vf32 amax = reduce_max(ax.data(), n, kf(1e-5f));
    const vf32 s = mul(kf(127.0f), recip(amax));
    for (int64_t i = 0; i < n; ++i)
      q[static_cast<size_t>(t * n + i)] = static_cast<int8_t>(std::clamp(to_int_rne(mul(xt[i], s)), -128, 127));
    deq[static_cast<size_t>(t)] = mul(amax, kf(1.0f / 127.0f));
  }
  return deq;
}

std::vector<vf32> project(const TernaryProjection& w, const std::vector<int8_t>& q, const std::vector<vf32>& deq,
                          int64_t tokens) {
  std::vector<int32_t> yi(static_cast<size_t>(tokens * w.out));
  golden::ternary_matmul(q.data(), w.w.data(), tokens, w.out, w.in, yi.data());
  std::vector<vf32> y(yi.size());
  for (int64_t t = 0; t < tokens; ++t)
    for (int64_t m = 0; m < w.out; ++m) {
      const size_t i = static_cast<size_t>(t * w.out + m);
      y[i] = mul(mul(from_int(yi[i]), deq[static_cast<size_t>(t)]), w.w_mul);
    }
  return y;
}

LayerOutputs accel_layer_forward(const LayerParams& p, std::vector<vf32>& x, int64_t tokens, KvCache& cache) {
  check_params(p);
  const LayerShape& sh = p.shape;
  const int64_t H = sh.hidden, hd = sh.head_dim, nkv = sh.kv_heads, group = sh.heads / sh.kv_heads;
  if (static_cast<int64_t>(x.size()) != tokens * H) throw std::invalid_argument("layer input has the wrong size");
  const int64_t pos0 = cache.positions;

  // Attention block.
  std::vector<int8_t> q8;
  const std::vector<vf32> xn = rms_norm(x, tokens, p.input_norm, sh.rms_norm_eps);
  const std::vector<vf32> deq = quantize(xn, tokens, H, q8);
  std::vector<vf32> q = project(p.q, q8, deq, tokens);
  std::vector<vf32> k = project(p.k, q8, deq, tokens);
  const std::vector<vf32> v = project(p.v, q8, deq, tokens);
  for (int64_t t = 0; t < tokens; ++t) {
    for (int64_t h = 0; h < sh.heads; ++h) rope(q.data() + (t * sh.heads + h) * hd, hd, pos0 + t, sh.rope_theta);
    for (int64_t h = 0; h < nkv; ++h) rope(k.data() + (t * nkv + h) * hd, hd, pos0 + t, sh.rope_theta);
  }
  cache.k.insert(cache.k.end(), k.begin(), k.end());
  cache.v.insert(cache.v.end(), v.begin(), v.end());
  cache.positions += tokens;

  const vf32 scale = kf(1.0f / std::sqrt(static_cast<float>(hd)));
  std::vector<vf32> attn(static_cast<size_t>(tokens * H), 0);
  for (int64_t t = 0; t < tokens; ++t) {
    const int64_t visible = pos0 + t + 1;  // causal: positions 0 .. pos0 + t
    std::vector<vf32> score(static_cast<size_t>(visible));
    for (int64_t h = 0; h < sh.heads; ++h) {
      const int64_t g = h / group;
      const vf32* qh = q.data() + (t * sh.heads + h) * hd;
      for (int64_t j = 0; j < visible; ++j)
        score[static_cast<size_t>(j)] = mul(dot(qh, cache.k.data() + (j * nkv + g) * hd, hd), scale);
      const vf32 m = reduce_max(score.data(), visible, kMinusMax);
      for (auto& s : score) s = exp_nonpos(sub(s, m));
      // The sum runs as a DOT with 1.0 (each term times 1.0 is itself).
      const std::vector<vf32> ones(score.size(), kf(1.0f));
      const vf32 rz = recip(dot(score.data(), ones.data(), visible));
      vf32* out = attn.data() + t * H + h * hd;
      for (int64_t j = 0; j < visible; ++j) {
        const vf32 pj = mul(score[static_cast<size_t>(j)], rz);
        const vf32* vj = cache.v.data() + (j * nkv + g) * hd;
        for (int64_t i = 0; i < hd; ++i) out[i] = add(out[i], mul(pj, vj[i]));
      }
    }
  }
  LayerOutputs r;
  std::vector<int8_t> a8;
  const std::vector<vf32> an = rms_norm(attn, tokens, p.attn_sub_norm, sh.rms_norm_eps);
  r.attn_out = project(p.o, a8, quantize(an, tokens, H, a8), tokens);
  for (size_t i = 0; i < x.size(); ++i) x[i] = add(x[i], r.attn_out[i]);

  // MLP block.
  std::vector<int8_t> h8;
  const std::vector<vf32> hn = rms_norm(x, tokens, p.post_attn_norm, sh.rms_norm_eps);
  const std::vector<vf32> hdq = quantize(hn, tokens, H, h8);
  const std::vector<vf32> gate = project(p.gate, h8, hdq, tokens);
  const std::vector<vf32> up = project(p.up, h8, hdq, tokens);
  std::vector<vf32> act(gate.size());
  for (size_t i = 0; i < act.size(); ++i) {
    const vf32 g = max(gate[i], 0);
    act[i] = mul(mul(g, g), up[i]);
  }
  std::vector<int8_t> m8;
  const std::vector<vf32> mn = rms_norm(act, tokens, p.ffn_sub_norm, sh.rms_norm_eps);
  r.mlp_out = project(p.down, m8, quantize(mn, tokens, sh.intermediate, m8), tokens);
  for (size_t i = 0; i < x.size(); ++i) x[i] = add(x[i], r.mlp_out[i]);
  return r;
}

}  // namespace tasu::layer
