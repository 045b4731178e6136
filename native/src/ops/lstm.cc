// LSTM (ONNX LSTM-22, float32). Inputs: X, W, R, optional B, sequence_lens, initial_h,
// initial_c, P (peepholes). Args: direction (forward|reverse|bidirectional), hidden_size,
// activations (default Sigmoid, Tanh, Tanh per direction) with activation_alpha/beta, clip,
// input_forget, layout (0: [seq, batch, ...], 1: [batch, seq, ...]). Outputs Y, Y_h, Y_c, each
// optional. Gate order iofc. Steps past a batch entry's sequence length give zeros in Y, and
// Y_h / Y_c hold its last valid state. Clip bounds every gate pre-activation (as onnxruntime).
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/rnn_util.h"

namespace mace {
namespace {

class LstmOp : public Operation {
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
    MACE_RETURN_IF_ERROR(rnn::ValidateCommon(*this, 4, &d));
    MACE_RETURN_IF_ERROR(rnn::CheckStateShape(*this, 6, "initial_c", d));
    const int64_t H = d.hidden, G = 4 * H, S = d.seq, B = d.batch, I = d.input;
    const Tensor *peep = Input(7);
    if (peep != nullptr) {
      const Shape want{d.num_dirs, 3 * H};
      MACE_ENSURE(peep->dtype() == DataType::DT_FLOAT && peep->shape() == want, Where(), "P has shape ",
                  ShapeToString(peep->shape()), ", expected float32 ", ShapeToString(want));
    }
    std::vector<rnn::Act> acts;
    MACE_RETURN_IF_ERROR(rnn::ParseActivations(*this, {"Sigmoid", "Tanh", "Tanh"}, d.num_dirs, &acts));
    bool has_clip = false;
    float clip = 0.f;
    MACE_RETURN_IF_ERROR(rnn::ParseClip(*this, &has_clip, &clip));
    const bool input_forget = GetInt("input_forget", 0) != 0;
    if (!packed_const_) MACE_RETURN_IF_ERROR(Pack());

    Tensor *y = rnn::WantedOutput(this, 0), *y_h = rnn::WantedOutput(this, 1), *y_c = rnn::WantedOutput(this, 2);
    if (y) MACE_RETURN_IF_ERROR(y->Resize(rnn::OutputShape(d), DataType::DT_FLOAT));
    if (y_h) MACE_RETURN_IF_ERROR(y_h->Resize(rnn::StateShape(d), DataType::DT_FLOAT));
    if (y_c) MACE_RETURN_IF_ERROR(y_c->Resize(rnn::StateShape(d), DataType::DT_FLOAT));

    const float *x = Input(0)->data<float>();
    const Tensor *bias = Input(3), *h0 = Input(5), *c0 = Input(6);
    xp_.resize(static_cast<size_t>(S * B * G));
    gates_.resize(static_cast<size_t>(B * G));
    h_.resize(static_cast<size_t>(B * H));
    c_.resize(static_cast<size_t>(B * H));
    tmp_.resize(static_cast<size_t>(H));
    std::vector<float> b_sum(static_cast<size_t>(G), 0.f);

    for (int dir = 0; dir < d.num_dirs; ++dir) {
      const bool reverse = d.reverse_only || dir == 1;
      const rnn::Act &f = acts[dir * 3], &g = acts[dir * 3 + 1], &hact = acts[dir * 3 + 2];
      const float *wt = w_packed_.data() + dir * I * G;
      const float *rt = r_packed_.data() + dir * H * G;
      if (bias != nullptr) {
        const float *bb = bias->data<float>() + dir * 2 * G;
        for (int64_t j = 0; j < G; ++j) b_sum[j] = bb[j] + bb[G + j];
      }
      const float *pi = peep ? peep->data<float>() + dir * 3 * H : nullptr;
      const float *po = pi ? pi + H : nullptr, *pf = pi ? pi + 2 * H : nullptr;
      // Input projections of every step at once: xp = X W^T + Wb + Rb.
      MACE_RETURN_IF_ERROR(rnn::Gemm(ctx->thread_pool, x, I, wt, G, xp_.data(), G, S * B, I, G, false));
      if (bias != nullptr)
        for (int64_t row = 0; row < S * B; ++row)
          for (int64_t j = 0; j < G; ++j) xp_[row * G + j] += b_sum[j];
      for (int64_t b = 0; b < B; ++b) {
        const int64_t off = rnn::StateOffset(d, dir, b);
        if (h0) std::memcpy(&h_[b * H], h0->data<float>() + off, H * sizeof(float));
        else std::fill_n(&h_[b * H], H, 0.f);
        if (c0) std::memcpy(&c_[b * H], c0->data<float>() + off, H * sizeof(float));
        else std::fill_n(&c_[b * H], H, 0.f);
      }
      for (int64_t s = 0; s < S; ++s) {
        rnn::LoadStepInputs(d, xp_.data(), s, reverse, G, gates_.data());
        MACE_RETURN_IF_ERROR(rnn::Gemm(ctx->thread_pool, h_.data(), H, rt, G, gates_.data(), G, B, H, G, true));
        for (int64_t b = 0; b < B; ++b) {
          const int64_t len = d.lens[b];
          if (s >= len) continue;
          const int64_t t = reverse ? len - 1 - s : s;
          float *gi = &gates_[b * G], *go = gi + H, *gf = gi + 2 * H, *gc = gi + 3 * H;
          float *c = &c_[b * H], *h = &h_[b * H];
          if (pi) {
            for (int64_t j = 0; j < H; ++j) {
              gi[j] += pi[j] * c[j];
              gf[j] += pf[j] * c[j];
            }
          }
          if (has_clip) {
            for (int64_t j = 0; j < H; ++j) {
              gi[j] = std::min(clip, std::max(-clip, gi[j]));
              gf[j] = std::min(clip, std::max(-clip, gf[j]));
              gc[j] = std::min(clip, std::max(-clip, gc[j]));
            }
          }
          f.Apply(gi, H);
          if (input_forget) {
            for (int64_t j = 0; j < H; ++j) gf[j] = 1.f - gi[j];
          } else {
            f.Apply(gf, H);
          }
          g.Apply(gc, H);
          for (int64_t j = 0; j < H; ++j) c[j] = gf[j] * c[j] + gi[j] * gc[j];
          if (po)
            for (int64_t j = 0; j < H; ++j) go[j] += po[j] * c[j];
          if (has_clip)
            for (int64_t j = 0; j < H; ++j) go[j] = std::min(clip, std::max(-clip, go[j]));
          f.Apply(go, H);
          std::memcpy(tmp_.data(), c, H * sizeof(float));
          hact.Apply(tmp_.data(), H);
          for (int64_t j = 0; j < H; ++j) h[j] = go[j] * tmp_[j];
          if (y) std::memcpy(y->mutable_data<float>() + rnn::OutputOffset(d, t, dir, b), h, H * sizeof(float));
        }
      }
      for (int64_t b = 0; b < B; ++b) {
        if (y)
          for (int64_t t = d.lens[b]; t < S; ++t)
            std::fill_n(y->mutable_data<float>() + rnn::OutputOffset(d, t, dir, b), H, 0.f);
        const int64_t off = rnn::StateOffset(d, dir, b);
        if (y_h) std::memcpy(y_h->mutable_data<float>() + off, &h_[b * H], H * sizeof(float));
        if (y_c) std::memcpy(y_c->mutable_data<float>() + off, &c_[b * H], H * sizeof(float));
      }
    }
    return MaceStatus::MACE_SUCCESS;
  }

 private:
  MaceStatus Pack() { return rnn::PackWeights(*this, 4, &w_packed_, &r_packed_); }

  bool packed_const_ = false;
  std::vector<float> w_packed_, r_packed_, xp_, gates_, h_, c_, tmp_;
};

}  // namespace

MACE_OP_REGISTRAR(LSTM) {
  MACE_REGISTER_CPU_OP(registry, "LSTM", LstmOp, DataType::DT_FLOAT);
}

}  // namespace mace
