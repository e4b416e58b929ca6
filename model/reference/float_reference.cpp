// The float reference decoder, written step by step after transformers' modeling_bitnet.py and
// integrations/bitnet.py; the float32 islands of Numerics::HuggingFace are explicit casts here.
#include "reference/float_reference.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "golden/bitlinear.h"

#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "the float32 steps below need FLT_EVAL_METHOD == 0 to round like torch's float32 kernels"
#endif

namespace tasu::reference {
namespace {

using ckpt::BitNetConfig;
using ckpt::BitNetLayer;
using ckpt::TernaryProjection;
using golden::WeightScaleConvention;

[[noreturn]] void bad(const std::string& what) {
  throw std::invalid_argument("run_float_reference: " + what);
}

// BitNetRMSNorm. HF: x.to(float32); variance = x.pow(2).mean(-1) (float32 tensor ops);
// x * rsqrt(variance + eps) in float32; .to(input dtype); weight * that in the input dtype.
// The float32 sum is formed here from the float32 squares summed in double and rounded once;
// torch's vectorized float32 cascade sum can land an ulp away, which moves a whole row by
// ~6e-8 relative: the main part of this reference's ~1e-7 distance from HF's own output.
Matrix rms_norm(const Matrix& x, const std::vector<float>& weight, double eps, Numerics num) {
  Matrix y(x.rows, x.cols);
  const int64_t n = x.cols;
  for (int64_t t = 0; t < x.rows; ++t) {
    const double* xr = x.row(t);
    double* yr = y.row(t);
    if (num == Numerics::HuggingFace) {
      double sum = 0.0;
      for (int64_t j = 0; j < n; ++j) {
        const float xf = static_cast<float>(xr[j]);
        sum += static_cast<double>(xf * xf);  // pow(2) yields a float32 tensor
      }
      // sum(...).div_(n), both float32 (mean on CPU is a sum and a division).
      const float mean = static_cast<float>(sum) / static_cast<float>(n);
      const float r = 1.0f / std::sqrt(mean + static_cast<float>(eps));
      for (int64_t j = 0; j < n; ++j) {
        const float normed = static_cast<float>(xr[j]) * r;
        yr[j] = static_cast<double>(weight[static_cast<size_t>(j)]) * static_cast<double>(normed);
      }
    } else {
      double sum = 0.0;
      for (int64_t j = 0; j < n; ++j) sum += xr[j] * xr[j];
      const double r = 1.0 / std::sqrt(sum / static_cast<double>(n) + eps);
      for (int64_t j = 0; j < n; ++j) yr[j] = static_cast<double>(weight[static_cast<size_t>(j)]) * (xr[j] * r);
    }
  }
  return y;
}

// ActQuant's s_x = 127 / clamp(absmax, 1e-5) in float32 as PyTorch evaluates it: Python's
// `Qp / tensor` is tensor.reciprocal() * Qp, two roundings. golden::activation_scale is one
// float32 division and differs from this by an ulp for some absmax.
float torch_act_scale(float absmax) { return (1.0f / std::max(absmax, golden::kScaleFloor)) * golden::kActQuantMax; }

// y_int[o] = sum_j w[o][j] * q[j], exact in int32 (|y| <= 128 * in, in < 2^24).
void int_matvec(const TernaryProjection& p, const int8_t* q, double* y_int) {
  for (int64_t o = 0; o < p.out; ++o) {
    const int8_t* w = p.weight.data() + o * p.in;
    int32_t acc = 0;
    for (int64_t j = 0; j < p.in; ++j) acc += static_cast<int32_t>(w[j]) * static_cast<int32_t>(q[j]);
    y_int[o] = acc;
  }
}

// One BitLinear / AutoBitLinear projection of every row of x.
Matrix project(const Matrix& x, const TernaryProjection& p, WeightScaleConvention conv, Numerics num) {
  if (x.cols != p.in) bad(fmt::format("projection input has {} features, weight expects {}", x.cols, p.in));
  Matrix y(x.rows, p.out);
  std::vector<int8_t> q(static_cast<size_t>(p.in));
  std::vector<double> y_int(static_cast<size_t>(p.out));
  const double ws = p.weight_scale;
  for (int64_t t = 0; t < x.rows; ++t) {
    const double* xr = x.row(t);
    double* yr = y.row(t);
    if (num == Numerics::HuggingFace && conv == WeightScaleConvention::AutoBitLinear) {
      // ActQuant on x.float(): float32 scale and rounding, x_q / s_x in float32, then the
      // float64 F.linear with the unpacked weights and the float64 weight_scale product.
      float absmax = 0.0f;
      for (int64_t j = 0; j < p.in; ++j) absmax = std::max(absmax, std::fabs(static_cast<float>(xr[j])));
      const float s = torch_act_scale(absmax);
      std::vector<double> fake(static_cast<size_t>(p.in));
      for (int64_t j = 0; j < p.in; ++j) {
        const int8_t qj = golden::quantize_value(static_cast<float>(xr[j]), s);
        fake[static_cast<size_t>(j)] = static_cast<double>(static_cast<float>(qj) / s);
      }
      for (int64_t o = 0; o < p.out; ++o) {
        const int8_t* w = p.weight.data() + o * p.in;
        double acc = 0.0;
        for (int64_t j = 0; j < p.in; ++j) acc += static_cast<double>(w[j]) * fake[static_cast<size_t>(j)];
        yr[o] = acc * ws;
      }
      continue;
    }
    // BitLinear.activation_quant in the input dtype (float64): s = 127 / clamp(absmax, 1e-5),
    // round half to even, clamp to int8; the product with the ternary weights is an integer.
    double absmax = 0.0;
    for (int64_t j = 0; j < p.in; ++j) absmax = std::max(absmax, std::fabs(xr[j]));
    // Python's Qp / tensor is tensor.reciprocal() * Qp in PyTorch, so the scale is rounded twice.
    const double s = num == Numerics::HuggingFace ? (1.0 / std::max(absmax, 1e-5)) * 127.0
                                                  : 127.0 / std::max(absmax, 1e-5);
    for (int64_t j = 0; j < p.in; ++j) {
      const double r = std::nearbyint(xr[j] * s);
      if (std::isnan(r)) bad("NaN activation");
      q[static_cast<size_t>(j)] = static_cast<int8_t>(std::clamp(r, -128.0, 127.0));
    }
    int_matvec(p, q.data(), y_int.data());
    if (conv == WeightScaleConvention::BitLinear) {
      const double denom = ws * s;  // post_quant_process: y / (weight_scale * input_scale)
      for (int64_t o = 0; o < p.out; ++o) yr[o] = y_int[static_cast<size_t>(o)] / denom;
    } else {
      for (int64_t o = 0; o < p.out; ++o) yr[o] = y_int[static_cast<size_t>(o)] / s * ws;
    }
  }
  return y;
}

// cos/sin of one position, [head_dim] each, duplicated halves as HF's cat((freqs, freqs)).
// HF (default rope): inv_freq = 1 / theta ** (arange(0, d, 2).float() / d) in float32, angle
// = inv_freq * float(pos) in float32 (autocast disabled), cos/sin in float32, then cast.
void rope_row(int64_t pos, int64_t head_dim, double theta, Numerics num, std::vector<double>& cos_v,
              std::vector<double>& sin_v) {
  const int64_t half = head_dim / 2;
  cos_v.resize(static_cast<size_t>(head_dim));
  sin_v.resize(static_cast<size_t>(head_dim));
  for (int64_t i = 0; i < half; ++i) {
    double c, s;
    if (num == Numerics::HuggingFace) {
      const float expo = static_cast<float>(2 * i) / static_cast<float>(head_dim);
      const float inv_freq = 1.0f / std::pow(static_cast<float>(theta), expo);
      const float angle = inv_freq * static_cast<float>(pos);
      c = std::cos(angle);  // float overloads: float32 cos/sin
      s = std::sin(angle);
    } else {
      const double inv_freq = 1.0 / std::pow(theta, static_cast<double>(2 * i) / static_cast<double>(head_dim));
      const double angle = inv_freq * static_cast<double>(pos);
      c = std::cos(angle);
      s = std::sin(angle);
    }
    cos_v[static_cast<size_t>(i)] = cos_v[static_cast<size_t>(i + half)] = c;
    sin_v[static_cast<size_t>(i)] = sin_v[static_cast<size_t>(i + half)] = s;
  }
}

// q * cos + rotate_half(q) * sin on one head vector, rotate_half(q) = cat(-q2, q1).
void apply_rope(double* v, int64_t head_dim, const std::vector<double>& cos_v,
                const std::vector<double>& sin_v) {
  const int64_t half = head_dim / 2;
  std::vector<double> out(static_cast<size_t>(head_dim));
  for (int64_t j = 0; j < head_dim; ++j) {
    const double rot = j < half ? -v[j + half] : v[j - half];
    out[static_cast<size_t>(j)] = v[j] * cos_v[static_cast<size_t>(j)] + rot * sin_v[static_cast<size_t>(j)];
  }
  std::copy(out.begin(), out.end(), v);
}

// Post-RoPE keys and values of every position seen so far, [pos][kv_heads * head_dim].
struct KvCache {
  std::vector<double> k, v;
  int64_t len = 0;
};

struct LayerOutputs {
  Matrix attn_out, mlp_out, out;
};

// BitNetDecoderLayer on the rows of x, which sit at positions cache.len, cache.len + 1, ...
LayerOutputs decoder_layer(const Matrix& x, const BitNetLayer& L, const BitNetConfig& c, Numerics num,
                           KvCache& cache) {
  const WeightScaleConvention conv = c.linear_class;
  const int64_t n = x.rows, hd = c.head_dim, kvw = c.kv_heads * hd;
  const int64_t first_pos = cache.len;

  const Matrix xn = rms_norm(x, L.input_layernorm, c.rms_norm_eps, num);
  Matrix q = project(xn, L.q_proj, conv, num);
  Matrix k = project(xn, L.k_proj, conv, num);
  const Matrix v = project(xn, L.v_proj, conv, num);

  std::vector<double> cos_v, sin_v;
  for (int64_t t = 0; t < n; ++t) {
    rope_row(first_pos + t, hd, c.rope_theta, num, cos_v, sin_v);
    for (int64_t h = 0; h < c.heads; ++h) apply_rope(q.row(t) + h * hd, hd, cos_v, sin_v);
    for (int64_t h = 0; h < c.kv_heads; ++h) apply_rope(k.row(t) + h * hd, hd, cos_v, sin_v);
  }
  cache.k.insert(cache.k.end(), k.data.begin(), k.data.end());
  cache.v.insert(cache.v.end(), v.data.begin(), v.data.end());
  cache.len += n;

  // Eager attention: (q . k) * head_dim^-0.5, causal, softmax, times v; GQA repeat_kv gives
  // query head h the kv head h / (heads / kv_heads).
  const double scaling = std::pow(static_cast<double>(hd), -0.5);
  const int64_t n_rep = c.heads / c.kv_heads;
  Matrix attn(n, c.heads * hd);
  std::vector<double> scores, probs;
  for (int64_t t = 0; t < n; ++t) {
    const int64_t visible = first_pos + t + 1;
    scores.resize(static_cast<size_t>(visible));
    probs.resize(static_cast<size_t>(visible));
    for (int64_t h = 0; h < c.heads; ++h) {
      const double* qh = q.row(t) + h * hd;
      const int64_t g = h / n_rep;
      for (int64_t s = 0; s < visible; ++s) {
        const double* ks = cache.k.data() + s * kvw + g * hd;
        double dot = 0.0;
        for (int64_t d = 0; d < hd; ++d) dot += qh[d] * ks[d];
        scores[static_cast<size_t>(s)] = dot * scaling;
      }
      if (num == Numerics::HuggingFace) {  // softmax(..., dtype=torch.float32).to(float64)
        float mx = -std::numeric_limits<float>::infinity();
        for (double sc : scores) mx = std::max(mx, static_cast<float>(sc));
        float sum = 0.0f;
        std::vector<float> e(scores.size());
        for (size_t s = 0; s < scores.size(); ++s) {
          e[s] = std::exp(static_cast<float>(scores[s]) - mx);
          sum += e[s];
        }
        const float inv = 1.0f / sum;  // torch's kernel multiplies by the reciprocal of the sum
        for (size_t s = 0; s < scores.size(); ++s) probs[s] = static_cast<double>(e[s] * inv);
      } else {
        const double mx = *std::max_element(scores.begin(), scores.end());
        double sum = 0.0;
        for (size_t s = 0; s < scores.size(); ++s) sum += (probs[s] = std::exp(scores[s] - mx));
        for (double& p : probs) p /= sum;
      }
      double* oh = attn.row(t) + h * hd;
      for (int64_t s = 0; s < visible; ++s) {
        const double* vs = cache.v.data() + s * kvw + g * hd;
        const double p = probs[static_cast<size_t>(s)];
        for (int64_t d = 0; d < hd; ++d) oh[d] += p * vs[d];
      }
    }
  }

  LayerOutputs r;
  r.attn_out = project(rms_norm(attn, L.attn_sub_norm, c.rms_norm_eps, num), L.o_proj, conv, num);
  Matrix h = x;
  for (size_t i = 0; i < h.data.size(); ++i) h.data[i] += r.attn_out.data[i];

  const Matrix hn = rms_norm(h, L.post_attention_layernorm, c.rms_norm_eps, num);
  Matrix gate = project(hn, L.gate_proj, conv, num);
  const Matrix up = project(hn, L.up_proj, conv, num);
  for (size_t i = 0; i < gate.data.size(); ++i) {
    const double relu = std::max(gate.data[i], 0.0);
    gate.data[i] = relu * relu * up.data[i];  // relu2(gate) * up
  }
  r.mlp_out = project(rms_norm(gate, L.ffn_sub_norm, c.rms_norm_eps, num), L.down_proj, conv, num);
  r.out = std::move(h);
  for (size_t i = 0; i < r.out.data.size(); ++i) r.out.data[i] += r.mlp_out.data[i];
  return r;
}

Matrix rows_of(const Matrix& m, int64_t first, int64_t count) {
  Matrix r(count, m.cols);
  std::copy(m.row(first), m.row(first) + count * m.cols, r.data.begin());
  return r;
}

}  // namespace

TensorMap run_float_reference(const ckpt::BitNetModel& model, const std::vector<int64_t>& input_ids,
                              const ReferenceOptions& o) {
  const BitNetConfig& c = model.config;
  const int64_t P = o.prefill_tokens, D = o.decode_steps, total = P + D;
  if (P < 1 || D < 0) bad(fmt::format("need prefill_tokens >= 1 and decode_steps >= 0, got {} and {}", P, D));
  const int64_t begin = o.layer_begin, end = o.layer_end < 0 ? c.layers : o.layer_end;
  if (begin < 0 || begin >= end || end > c.layers) {
    bad(fmt::format("layer range [{}, {}) is not inside the model's {} layers", begin, end, c.layers));
  }
  for (int64_t i = begin; i < end; ++i) {
    if (!model.has_layer(i)) {
      bad(fmt::format("layer {} is not loaded (model holds [{}, {}))", i, model.first_layer, model.end_layer()));
    }
  }
  const bool from_embeddings = o.input_hidden.rows == 0;
  const bool with_head = end == c.layers && model.has_embeddings_and_head();

  Matrix input;
  if (from_embeddings) {
    if (begin != 0) bad(fmt::format("layer_begin = {} needs input_hidden (the hidden state entering it)", begin));
    if (!model.has_embeddings_and_head()) bad("the model was loaded without embeddings; pass input_hidden");
    if (static_cast<int64_t>(input_ids.size()) < total) {
      bad(fmt::format("{} input ids for {} prefill + {} decode tokens", input_ids.size(), P, D));
    }
    input = embed(model, input_ids, total);
  } else {
    if (o.input_hidden.rows != total || o.input_hidden.cols != c.hidden) {
      bad(fmt::format("input_hidden is [{}, {}], expected [{}, {}]", o.input_hidden.rows,
                      o.input_hidden.cols, total, c.hidden));
    }
    input = o.input_hidden;
  }

  TensorMap out;
  std::vector<KvCache> caches(static_cast<size_t>(end - begin));
  for (int64_t step = -1; step < D; ++step) {  // -1: the prefill
    const std::string prefix = step < 0 ? "prefill." : fmt::format("decode.{}.", step);
    Matrix x = step < 0 ? rows_of(input, 0, P) : rows_of(input, P + step, 1);
    if (from_embeddings) out[prefix + "embeddings"] = x;
    for (int64_t i = begin; i < end; ++i) {
      LayerOutputs r = decoder_layer(x, model.layer(i), c, o.numerics, caches[static_cast<size_t>(i - begin)]);
      out[fmt::format("{}layer.{}.attn_out", prefix, i)] = std::move(r.attn_out);
      out[fmt::format("{}layer.{}.mlp_out", prefix, i)] = std::move(r.mlp_out);
      x = std::move(r.out);
      out[fmt::format("{}layer.{}.out", prefix, i)] = x;
    }
    if (with_head) head(model, x, prefix, out, o.numerics);
  }
  return out;
}

Matrix embed(const ckpt::BitNetModel& model, const std::vector<int64_t>& input_ids, int64_t count) {
  const auto& c = model.config;
  if (!model.has_embeddings_and_head()) throw std::invalid_argument("the model was loaded without embeddings");
  if (static_cast<int64_t>(input_ids.size()) < count)
    throw std::invalid_argument(fmt::format("{} input ids for {} tokens", input_ids.size(), count));
  Matrix input(count, c.hidden);
  for (int64_t t = 0; t < count; ++t) {
    const int64_t id = input_ids[static_cast<size_t>(t)];
    if (id < 0 || id >= c.vocab)
      throw std::invalid_argument(fmt::format("input id {} at position {} is outside [0, {})", id, t, c.vocab));
    const float* e = model.embed_tokens.data() + id * c.hidden;
    std::copy(e, e + c.hidden, input.row(t));
  }
  return input;
}

void head(const ckpt::BitNetModel& model, const Matrix& x, const std::string& prefix, TensorMap& out, Numerics numerics) {
  const auto& c = model.config;
  Matrix fn = rms_norm(x, model.final_norm, c.rms_norm_eps, numerics);
  Matrix logits(fn.rows, c.vocab);  // lm_head is a plain nn.Linear in the model dtype
  for (int64_t t = 0; t < fn.rows; ++t) {
    const double* hr = fn.row(t);
    for (int64_t v = 0; v < c.vocab; ++v) {
      const float* w = model.lm_head_weight().data() + v * c.hidden;
      double acc = 0.0;
      for (int64_t j = 0; j < c.hidden; ++j) acc += static_cast<double>(w[j]) * hr[j];
      logits.row(t)[v] = acc;
    }
  }
  out[prefix + "final_norm"] = std::move(fn);
  out[prefix + "logits"] = std::move(logits);
}

ReferenceFile load_reference_file(const std::string& path) {
  const ckpt::SafetensorsFile f(path);
  const auto fail = [&](const std::string& key, const std::string& what) {
    throw ckpt::CheckpointError(fmt::format("{}: tensor \"{}\": {}", path, key, what));
  };
  ReferenceFile r;
  r.metadata = f.metadata();
  if (!f.contains("input_ids")) fail("input_ids", "missing");
  r.input_ids = f.to_int64("input_ids");
  std::set<int64_t> steps;
  for (const std::string& key : f.names()) {
    if (key == "input_ids") continue;
    const ckpt::TensorInfo& t = f.info(key);
    if (t.shape.size() != 2) fail(key, fmt::format("has {} dimensions, expected [tokens, features]", t.shape.size()));
    // A layer key's number is read again by whoever compares it; a bad one fails here, at load.
    if (const size_t at = key.find("layer."); at != std::string::npos && (at == 0 || key[at - 1] == '.')) {
      size_t end = at + 6, n = 0;
      while (end < key.size() && key[end] >= '0' && key[end] <= '9') ++end, ++n;
      if (n == 0 || n > 9 || end >= key.size() || key[end] != '.')
        fail(key, "a layer key needs a layer number below 10^9 (\"<phase>.layer.<n>.<output>\")");
    }
    Matrix m(t.shape[0], t.shape[1]);
    m.data = f.to_double(key);
    if (key.rfind("prefill.", 0) == 0) {
      if (r.prefill_tokens != 0 && r.prefill_tokens != m.rows) {
        fail(key, fmt::format("has {} rows, other prefill tensors {}", m.rows, r.prefill_tokens));
      }
      r.prefill_tokens = m.rows;
    } else if (key.rfind("decode.", 0) == 0) {
      const size_t dot = key.find('.', 7);
      int64_t step = -1;
      try {
        step = dot == std::string::npos ? -1 : std::stoll(key.substr(7, dot - 7));
      } catch (const std::exception&) {
        step = -1;
      }
      if (step < 0) fail(key, "decode key without a step number");
      if (m.rows != 1) fail(key, fmt::format("a decode step has {} rows, expected 1", m.rows));
      steps.insert(step);
    }
    r.tensors.emplace(key, std::move(m));
  }
  r.decode_steps = static_cast<int64_t>(steps.size());
  if (!steps.empty() && *steps.rbegin() != r.decode_steps - 1) {
    throw ckpt::CheckpointError(fmt::format("{}: decode steps are not numbered 0..{}", path, r.decode_steps - 1));
  }
  if (static_cast<int64_t>(r.input_ids.size()) < r.prefill_tokens + r.decode_steps) {
    fail("input_ids", fmt::format("{} ids for {} prefill + {} decode tokens", r.input_ids.size(),
                                  r.prefill_tokens, r.decode_steps));
  }
  return r;
}

void write_reference_file(const std::string& path, const std::vector<int64_t>& input_ids,
                          const TensorMap& tensors, ckpt::DType dtype,
                          const std::map<std::string, std::string>& metadata) {
  if (dtype != ckpt::DType::F64 && dtype != ckpt::DType::F32) {
    throw ckpt::CheckpointError(fmt::format("{}: reference tensors are F64 or F32, not {}", path, ckpt::dtype_name(dtype)));
  }
  std::map<std::string, ckpt::TensorData> out;
  out["input_ids"] = ckpt::make_tensor_i64(input_ids, {1, static_cast<int64_t>(input_ids.size())});
  for (const auto& [key, m] : tensors) {
    if (dtype == ckpt::DType::F64) {
      out[key] = ckpt::make_tensor_f64(m.data, {m.rows, m.cols});
    } else {
      out[key] = ckpt::make_tensor_f32(std::vector<float>(m.data.begin(), m.data.end()), {m.rows, m.cols});
    }
  }
  ckpt::write_safetensors(path, out, metadata);
}

Matrix hidden_entering_layer(const ReferenceFile& ref, int64_t layer) {
  const std::string suffix = layer == 0 ? "embeddings" : fmt::format("layer.{}.out", layer - 1);
  const auto get = [&](const std::string& key) -> const Matrix& {
    const auto it = ref.tensors.find(key);
    if (it == ref.tensors.end()) {
      throw std::invalid_argument(fmt::format("hidden_entering_layer({}): reference has no \"{}\"", layer, key));
    }
    return it->second;
  };
  const Matrix& pre = get("prefill." + suffix);
  Matrix m(ref.prefill_tokens + ref.decode_steps, pre.cols);
  std::copy(pre.data.begin(), pre.data.end(), m.data.begin());
  for (int64_t s = 0; s < ref.decode_steps; ++s) {
    const Matrix& d = get(fmt::format("decode.{}.{}", s, suffix));
    if (d.cols != m.cols) throw std::invalid_argument("hidden_entering_layer: feature counts differ");
    std::copy(d.data.begin(), d.data.end(), m.row(ref.prefill_tokens + s));
  }
  return m;
}

double relative_l2(const Matrix& e, const Matrix& a) {
  if (e.rows != a.rows || e.cols != a.cols) {
    throw std::invalid_argument(fmt::format("relative_l2: shapes [{}, {}] and [{}, {}] differ", e.rows,
                                            e.cols, a.rows, a.cols));
  }
  double num = 0.0, den = 0.0;
  for (size_t i = 0; i < e.data.size(); ++i) {
    const double d = a.data[i] - e.data[i];
    num += d * d;
    den += e.data[i] * e.data[i];
  }
  if (den == 0.0) return num == 0.0 ? 0.0 : std::numeric_limits<double>::infinity();
  return std::sqrt(num / den);
}

Comparison compare_outputs(const TensorMap& expected, const TensorMap& actual) {
  Comparison c;
  for (const auto& [key, e] : expected) {
    const auto it = actual.find(key);
    if (it == actual.end()) {
      c.only_in_expected.push_back(key);
      continue;
    }
    const Matrix& a = it->second;
    KeyComparison k;
    k.key = key;
    try {
      k.rel_l2 = relative_l2(e, a);
    } catch (const std::invalid_argument& ex) {
      throw std::invalid_argument(fmt::format("compare_outputs: key \"{}\": {}", key, ex.what()));
    }
    for (size_t i = 0; i < e.data.size(); ++i) k.max_abs_diff = std::max(k.max_abs_diff, std::fabs(a.data[i] - e.data[i]));
    if (c.worst.key.empty() || !(k.rel_l2 <= c.worst.rel_l2)) c.worst = k;  // NaN counts as worst
    c.keys.push_back(k);
    if (key.size() >= 6 && key.compare(key.size() - 6, 6, "logits") == 0) {
      for (int64_t r = 0; r < e.rows; ++r) {
        const auto argmax = [&](const Matrix& m) {
          return std::max_element(m.row(r), m.row(r) + m.cols) - m.row(r);  // first maximum
        };
        ++c.logits_rows;
        if (argmax(e) == argmax(a)) ++c.top1_agree;
      }
    }
  }
  for (const auto& kv : actual) {
    if (!expected.count(kv.first)) c.only_in_actual.push_back(kv.first);
  }
  return c;
}

}  // namespace tasu::reference
