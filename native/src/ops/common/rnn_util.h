// Shared pieces of the recurrent ops (LSTM, GRU): ONNX RNN activation functions, argument and
// input validation, weight packing and a small row-major matrix multiply.
#ifndef MACE_OPS_COMMON_RNN_UTIL_H_
#define MACE_OPS_COMMON_RNN_UTIL_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/op.h"
#include "core/thread_pool.h"
#include "ops/common/fast_math.h"

namespace mace {
namespace rnn {

enum class ActKind { kSigmoid, kTanh, kRelu, kAffine, kLeakyRelu, kThresholdedRelu, kScaledTanh,
                     kHardSigmoid, kElu, kSoftsign, kSoftplus };

// One activation of the ONNX RNN family with its alpha/beta.
struct Act {
  ActKind kind = ActKind::kSigmoid;
  float alpha = 0.f, beta = 0.f;

  inline float operator()(float x) const {
    switch (kind) {
      case ActKind::kSigmoid: return fast_math::SigmoidApprox(x);
      case ActKind::kTanh: return fast_math::TanhApprox(x);
      case ActKind::kRelu: return x > 0.f ? x : 0.f;
      case ActKind::kAffine: return alpha * x + beta;
      case ActKind::kLeakyRelu: return x >= 0.f ? x : alpha * x;
      case ActKind::kThresholdedRelu: return x > alpha ? x : 0.f;
      case ActKind::kScaledTanh: return alpha * std::tanh(beta * x);
      case ActKind::kHardSigmoid: return std::min(1.f, std::max(0.f, alpha * x + beta));
      case ActKind::kElu: return x >= 0.f ? x : alpha * (std::exp(x) - 1.f);
      case ActKind::kSoftsign: return x / (1.f + std::fabs(x));
      case ActKind::kSoftplus: return x > 20.f ? x : std::log1p(std::exp(x));
    }
    return x;
  }
  // In place over n values; the switch is outside the loop for the common cases.
  void Apply(float *x, int64_t n) const;
};

// Reads `activations`, `activation_alpha`, `activation_beta`. `defaults` are the per-direction
// defaults (e.g. Sigmoid, Tanh, Tanh); the result has defaults.size() * num_dirs entries.
// Alphas/betas are consumed in order by the activations that take them; missing ones get
// onnxruntime's defaults.
MaceStatus ParseActivations(const Operation &op, const std::vector<std::string> &defaults, int num_dirs,
                            std::vector<Act> *acts);

// Problem sizes of an RNN op after validating its common inputs.
struct Dims {
  int num_dirs = 1;
  bool reverse_only = false;  // direction == reverse
  int64_t seq = 0, batch = 0, input = 0, hidden = 0;
  int layout = 0;
  std::vector<int64_t> lens;  // per batch entry, in [0, seq]
};

// Validates X (0), W (1), R (2), B (3), sequence_lens (4), initial_h (5) for an op with `gates`
// gates per direction, plus the direction, hidden_size and layout args.
MaceStatus ValidateCommon(const Operation &op, int gates, Dims *dims);

// Checks an optional per-direction tensor such as initial_h/initial_c: shape
// [num_dirs, batch, hidden] (layout 0) or [batch, num_dirs, hidden] (layout 1).
MaceStatus CheckStateShape(const Operation &op, int index, const char *what, const Dims &d);

// out[c * rows + r] = w[r * cols + c]: packs a [rows, cols] weight as its transpose.
void PackTransposed(const float *w, int64_t rows, int64_t cols, float *out);

// Validates W (1) [dirs, gates*H, I] and R (2) [dirs, gates*H, H] (float32) and packs them as
// per-direction transposes [I, gates*H] and [H, gates*H].
MaceStatus PackWeights(const Operation &op, int gates, std::vector<float> *w_packed, std::vector<float> *r_packed);

// Reads the optional `clip` arg (which must be positive when given).
MaceStatus ParseClip(const Operation &op, bool *has_clip, float *clip);

// C[m*ldc + n] (+)= sum_k A[m*lda + k] * Bt[k*ldb + n] for m < M, n < N, by the shared GEMM
// (ops/common/gemm.h); fails only when its packing scratch cannot be allocated.
MaceStatus Gemm(ThreadPool *pool, const float *a, int64_t lda, const float *bt, int64_t ldb, float *c,
                int64_t ldc, int64_t m, int64_t k, int64_t n, bool accumulate);

// Element offset of state (dir, b) in a [num_dirs, batch, hidden] / [batch, num_dirs, hidden] tensor.
inline int64_t StateOffset(const Dims &d, int dir, int64_t b) {
  return d.layout == 0 ? (dir * d.batch + b) * d.hidden : (b * d.num_dirs + dir) * d.hidden;
}
// Element offset of Y[t, dir, b] ([seq, dirs, batch, hidden] / [batch, seq, dirs, hidden]).
inline int64_t OutputOffset(const Dims &d, int64_t t, int dir, int64_t b) {
  return d.layout == 0 ? ((t * d.num_dirs + dir) * d.batch + b) * d.hidden
                       : ((b * d.seq + t) * d.num_dirs + dir) * d.hidden;
}
// Row of X[t, b] in the [seq*batch, input] / [batch*seq, input] view of X.
inline int64_t InputRow(const Dims &d, int64_t t, int64_t b) {
  return d.layout == 0 ? t * d.batch + b : b * d.seq + t;
}

// Shape of Y ([seq, dirs, batch, hidden] / [batch, seq, dirs, hidden]) and of a state output
// ([dirs, batch, hidden] / [batch, dirs, hidden]).
inline Shape OutputShape(const Dims &d) {
  return d.layout == 0 ? Shape{d.seq, d.num_dirs, d.batch, d.hidden} : Shape{d.batch, d.seq, d.num_dirs, d.hidden};
}
inline Shape StateShape(const Dims &d) {
  return d.layout == 0 ? Shape{d.num_dirs, d.batch, d.hidden} : Shape{d.batch, d.num_dirs, d.hidden};
}

// Copies each batch entry's input projection for step s (rows of xp, `g` wide) into gates,
// walking the entry's sequence backwards when `reverse`; entries past their length get zeros.
inline void LoadStepInputs(const Dims &d, const float *xp, int64_t s, bool reverse, int64_t g, float *gates) {
  for (int64_t b = 0; b < d.batch; ++b) {
    const int64_t len = d.lens[b];
    if (s < len) {
      const int64_t t = reverse ? len - 1 - s : s;
      std::memcpy(&gates[b * g], &xp[InputRow(d, t, b) * g], g * sizeof(float));
    } else {
      std::fill_n(&gates[b * g], g, 0.f);
    }
  }
}

// Output i of the op when it is wanted (present and named), else nullptr.
inline Tensor *WantedOutput(Operation *op, int i) {
  if (i >= op->OutputSize() || op->def().outputs[i].empty()) return nullptr;
  return op->Output(i);
}

}  // namespace rnn
}  // namespace mace

#endif  // MACE_OPS_COMMON_RNN_UTIL_H_
