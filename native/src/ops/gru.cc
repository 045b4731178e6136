// GRU (ONNX GRU-22, float32). Inputs: X, W, R, optional B, sequence_lens, initial_h. Args:
// direction (forward|reverse|bidirectional), hidden_size, activations (default Sigmoid, Tanh
// per direction) with activation_alpha/beta, clip, linear_before_reset, layout. Outputs Y and
// Y_h, each optional. Gate order zrh. Steps past a batch entry's sequence length give zeros in
// Y, and Y_h holds its last valid state. Clip bounds every gate pre-activation.
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/rnn_util.h"

namespace mace {
namespace {

class GruOp : public Operation {
 public:
  using Operation::Operation;

  MaceStatus Init() override {
    const Tensor *w = Input(1), *r = Input(2);
    if (w != nullptr && r != nullptr && w->is_const() && r->is_const()) {
      MACE_RETURN_IF_ERROR(Pack());
      packed_const_ = true;
    }
    return MaceStatus::MACE_SUCCESS;
  }

  MaceStatus Run(OpContext *ctx) override {
    rnn::Dims d;
    MACE_RETURN_IF_ERROR(rnn::ValidateCommon(*this, 3, &d));
    const int64_t H = d.hidden, G = 3 * H, S = d.seq, B = d.batch, I = d.input;
    std::vector<rnn::Act> acts;
    MACE_RETURN_IF_ERROR(rnn::ParseActivations(*this, {"Sigmoid", "Tanh"}, d.num_dirs, &acts));
    bool has_clip = false;
    float clip = 0.f;
    MACE_RETURN_IF_ERROR(rnn::ParseClip(*this, &has_clip, &clip));
    const bool linear_before_reset = GetInt("linear_before_reset", 0) != 0;
    if (!packed_const_) MACE_RETURN_IF_ERROR(Pack());

    Tensor *y = rnn::WantedOutput(this, 0), *y_h = rnn::WantedOutput(this, 1);
    if (y) MACE_RETURN_IF_ERROR(y->Resize(rnn::OutputShape(d), DataType::DT_FLOAT));
    if (y_h) MACE_RETURN_IF_ERROR(y_h->Resize(rnn::StateShape(d), DataType::DT_FLOAT));

    const float *x = Input(0)->data<float>();
    const Tensor *bias = Input(3), *h0 = Input(5);
    xp_.resize(static_cast<size_t>(S * B * G));
    gates_.resize(static_cast<size_t>(B * G));
    hr_.resize(static_cast<size_t>(B * G));
    h_.resize(static_cast<size_t>(B * H));
    rh_.resize(static_cast<size_t>(B * H));
    std::vector<float> xb(static_cast<size_t>(G), 0.f), rbh(static_cast<size_t>(H), 0.f);
    auto clip_to = [&](float *v, int64_t n) {
      if (has_clip)
        for (int64_t j = 0; j < n; ++j) v[j] = std::min(clip, std::max(-clip, v[j]));
    };

    for (int dir = 0; dir < d.num_dirs; ++dir) {
      const bool reverse = d.reverse_only || dir == 1;
      const rnn::Act &f = acts[dir * 2], &g = acts[dir * 2 + 1];
      const float *wt = w_packed_.data() + dir * I * G;
      const float *rt = r_packed_.data() + dir * H * G;
      // Bias folded into the input projection: Wb for every gate, plus Rb for z and r.
      if (bias != nullptr) {
        const float *bb = bias->data<float>() + dir * 2 * G;
        for (int64_t j = 0; j < G; ++j) xb[j] = bb[j] + (j < 2 * H ? bb[G + j] : 0.f);
        for (int64_t j = 0; j < H; ++j) rbh[j] = bb[G + 2 * H + j];
      }
      MACE_RETURN_IF_ERROR(rnn::Gemm(ctx->thread_pool, x, I, wt, G, xp_.data(), G, S * B, I, G, false));
      if (bias != nullptr)
        for (int64_t row = 0; row < S * B; ++row)
          for (int64_t j = 0; j < G; ++j) xp_[row * G + j] += xb[j];
      for (int64_t b = 0; b < B; ++b) {
        if (h0) std::memcpy(&h_[b * H], h0->data<float>() + rnn::StateOffset(d, dir, b), H * sizeof(float));
        else std::fill_n(&h_[b * H], H, 0.f);
      }
      for (int64_t s = 0; s < S; ++s) {
        rnn::LoadStepInputs(d, xp_.data(), s, reverse, G, gates_.data());
        if (linear_before_reset) {
          // hr = H R^T for all three gates; h~ = g(xh + r * (hr_h + Rbh)).
          MACE_RETURN_IF_ERROR(rnn::Gemm(ctx->thread_pool, h_.data(), H, rt, G, hr_.data(), G, B, H, G, false));
          for (int64_t b = 0; b < B; ++b) {
            if (s >= d.lens[b]) continue;
            float *z = &gates_[b * G], *r = z + H, *hh = z + 2 * H;
            const float *hrz = &hr_[b * G], *hrr = hrz + H, *hrh = hrz + 2 * H;
            for (int64_t j = 0; j < H; ++j) {
              z[j] += hrz[j];
              r[j] += hrr[j];
            }
            clip_to(z, 2 * H);
            f.Apply(z, 2 * H);
            for (int64_t j = 0; j < H; ++j) hh[j] += r[j] * (hrh[j] + rbh[j]);
            clip_to(hh, H);
            g.Apply(hh, H);
          }
        } else {
          // z, r from H R_zr^T; then h~ = g(xh + (r * H) R_h^T + Rbh).
          MACE_RETURN_IF_ERROR(rnn::Gemm(ctx->thread_pool, h_.data(), H, rt, G, gates_.data(), G, B, H, 2 * H, true));
          for (int64_t b = 0; b < B; ++b) {
            float *z = &gates_[b * G], *r = z + H;
            if (s >= d.lens[b]) {
              std::fill_n(&rh_[b * H], H, 0.f);
              continue;
            }
            clip_to(z, 2 * H);
            f.Apply(z, 2 * H);
            for (int64_t j = 0; j < H; ++j) rh_[b * H + j] = r[j] * h_[b * H + j];
          }
          MACE_RETURN_IF_ERROR(rnn::Gemm(ctx->thread_pool, rh_.data(), H, rt + 2 * H, G, gates_.data() + 2 * H, G, B, H, H, true));
          for (int64_t b = 0; b < B; ++b) {
            if (s >= d.lens[b]) continue;
            float *hh = &gates_[b * G + 2 * H];
            for (int64_t j = 0; j < H; ++j) hh[j] += rbh[j];
            clip_to(hh, H);
            g.Apply(hh, H);
          }
        }
        for (int64_t b = 0; b < B; ++b) {
          const int64_t len = d.lens[b];
          if (s >= len) continue;
          const int64_t t = reverse ? len - 1 - s : s;
          const float *z = &gates_[b * G], *hh = z + 2 * H;
          float *h = &h_[b * H];
          for (int64_t j = 0; j < H; ++j) h[j] = (1.f - z[j]) * hh[j] + z[j] * h[j];
          if (y) std::memcpy(y->mutable_data<float>() + rnn::OutputOffset(d, t, dir, b), h, H * sizeof(float));
        }
      }
      for (int64_t b = 0; b < B; ++b) {
        if (y)
          for (int64_t t = d.lens[b]; t < S; ++t)
            std::fill_n(y->mutable_data<float>() + rnn::OutputOffset(d, t, dir, b), H, 0.f);
        if (y_h) std::memcpy(y_h->mutable_data<float>() + rnn::StateOffset(d, dir, b), &h_[b * H], H * sizeof(float));
      }
    }
    return MaceStatus::MACE_SUCCESS;
  }

 private:
  MaceStatus Pack() { return rnn::PackWeights(*this, 3, &w_packed_, &r_packed_); }

  bool packed_const_ = false;
  std::vector<float> w_packed_, r_packed_, xp_, gates_, hr_, h_, rh_;
};

}  // namespace

MACE_OP_REGISTRAR(GRU) {
  MACE_REGISTER_CPU_OP(registry, "GRU", GruOp, DataType::DT_FLOAT);
}

}  // namespace mace
