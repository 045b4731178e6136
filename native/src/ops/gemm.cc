// Gemm (ONNX opset 23), float32: Y = alpha * op(A) * op(B) + beta * C with transA/transB and
// an optional C broadcast to [M, N] (scalar, [N], [1, N], [M, 1], [M, N]), plus the fused
// activation. A constant B (or A) is packed once in Init.
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/activation.h"
#include "ops/common/gemm.h"

namespace mace {

class GemmOp : public Operation {
 public:
  using Operation::Operation;

  MaceStatus Init() override {
    MACE_RETURN_IF_ERROR(Activation::FromOp(*this, &activation_));
    const int64_t ta = GetInt("transA", 0), tb = GetInt("transB", 0);
    MACE_ENSURE((ta == 0 || ta == 1) && (tb == 0 || tb == 1), Where(),
                "transA/transB must be 0 or 1, got ", ta, "/", tb);
    trans_a_ = ta == 1;
    trans_b_ = tb == 1;
    alpha_ = GetFloat("alpha", 1.f);
    beta_ = GetFloat("beta", 1.f);
    const Tensor *a = Input(0), *b = Input(1);
    if (b != nullptr && b->is_const() && b->dtype() == DataType::DT_FLOAT && b->ndim() == 2) {
      const int64_t k = trans_b_ ? b->dim(1) : b->dim(0), n = trans_b_ ? b->dim(0) : b->dim(1);
      MACE_RETURN_IF_ERROR(packed_b_.PackB(b->data<float>(), b->dim(1), trans_b_, k, n));
    } else if (a != nullptr && a->is_const() && a->dtype() == DataType::DT_FLOAT &&
               a->ndim() == 2) {
      const int64_t m = trans_a_ ? a->dim(1) : a->dim(0), k = trans_a_ ? a->dim(0) : a->dim(1);
      MACE_RETURN_IF_ERROR(packed_a_.PackA(a->data<float>(), a->dim(1), trans_a_, m, k));
    }
    return MaceStatus::MACE_SUCCESS;
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *a = Input(0), *b = Input(1), *c = Input(2);
    MACE_ENSURE(a != nullptr && b != nullptr, Where(), "needs inputs A and B");
    MACE_ENSURE(a->dtype() == DataType::DT_FLOAT && b->dtype() == DataType::DT_FLOAT, Where(),
                "A and B must be float32");
    MACE_ENSURE(a->ndim() == 2 && b->ndim() == 2, Where(), "A ", ShapeToString(a->shape()),
                " and B ", ShapeToString(b->shape()), " must be 2-D");
    const int64_t m = trans_a_ ? a->dim(1) : a->dim(0), k = trans_a_ ? a->dim(0) : a->dim(1);
    const int64_t kb = trans_b_ ? b->dim(1) : b->dim(0), n = trans_b_ ? b->dim(0) : b->dim(1);
    MACE_ENSURE(k == kb, Where(), "inner dims differ: op(A) is ", m, "x", k, ", op(B) is ", kb,
                "x", n);
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize({m, n}));
    macs_ = m * n * k;
    if (y->size() == 0) return MaceStatus::MACE_SUCCESS;
    float *yd = y->mutable_data<float>();

    gemm::Epilogue ep;
    ep.activation = activation_;
    float beta = 0.f;
    if (c != nullptr && beta_ != 0.f) {
      MACE_ENSURE(c->dtype() == DataType::DT_FLOAT, Where(), "C must be float32");
      MACE_ENSURE(c->ndim() <= 2, Where(), "C ", ShapeToString(c->shape()), " must have rank <= 2");
      const int64_t cm = c->ndim() == 2 ? c->dim(0) : 1;
      const int64_t cn = c->ndim() >= 1 ? c->dim(-1) : 1;
      MACE_ENSURE((cm == 1 || cm == m) && (cn == 1 || cn == n), Where(), "C ",
                  ShapeToString(c->shape()), " cannot be broadcast to [", m, ", ", n, "]");
      const float *cd = c->data<float>();
      if (cm == m && cn == n && !(m == 1 && n == 1)) {
        if (m > 1 && n > 1) {
          std::memcpy(yd, cd, static_cast<size_t>(m * n) * sizeof(float));
          beta = beta_;
        } else {  // a [M, 1] or [1, N] C on a vector output: a bias per element
          SetBias(cd, m * n, &ep, m == 1 ? gemm::Epilogue::Bias::PER_COL
                                         : gemm::Epilogue::Bias::PER_ROW);
        }
      } else if (cm == m && cn == 1 && m > 1) {
        SetBias(cd, m, &ep, gemm::Epilogue::Bias::PER_ROW);
      } else if (cn == n && cm == 1 && n > 1) {
        SetBias(cd, n, &ep, gemm::Epilogue::Bias::PER_COL);
      } else {  // one value for all
        bias_.assign(static_cast<size_t>(n), beta_ * cd[0]);
        ep.bias_kind = gemm::Epilogue::Bias::PER_COL;
        ep.bias = bias_.data();
      }
    }

    gemm::Operand aop = !packed_a_.empty() && packed_a_.outer() == m && packed_a_.depth() == k
                            ? gemm::Operand::Packed(packed_a_)
                            : gemm::Operand::Dense(a->data<float>(), a->dim(1), trans_a_);
    gemm::Operand bop = !packed_b_.empty() && packed_b_.outer() == n && packed_b_.depth() == k
                            ? gemm::Operand::Packed(packed_b_)
                            : gemm::Operand::Dense(b->data<float>(), b->dim(1), trans_b_);
    return gemm::Sgemm(m, n, k, alpha_, aop, bop, beta, yd, n, ep, ctx->thread_pool);
  }

  int64_t Macs() const override { return macs_; }

 private:
  // Uses beta * C as the epilogue bias (C itself when beta is 1).
  void SetBias(const float *c, int64_t count, gemm::Epilogue *ep, gemm::Epilogue::Bias kind) {
    ep->bias_kind = kind;
    if (beta_ == 1.f) {
      ep->bias = c;
      return;
    }
    bias_.resize(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) bias_[i] = beta_ * c[i];
    ep->bias = bias_.data();
  }

  Activation activation_;
  bool trans_a_ = false, trans_b_ = false;
  float alpha_ = 1.f, beta_ = 1.f;
  gemm::PackedMatrix packed_a_, packed_b_;
  std::vector<float> bias_;
  int64_t macs_ = 0;
};

MACE_OP_REGISTRAR(Gemm) {
  MACE_REGISTER_CPU_OP(registry, "Gemm", GemmOp, DataType::DT_FLOAT);
}

}  // namespace mace
