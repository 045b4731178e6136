// LRN (ONNX opset 23), float32: local response normalisation across channels,
//   y = x / (bias + alpha / size * sum over the channel window of x^2) ^ beta,
// the window of channel c being [c - floor((size-1)/2), c + ceil((size-1)/2)] clipped to [0, C).
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/gemm.h"

namespace mace {

class LrnOp : public Operation {
 public:
  using Operation::Operation;

  MaceStatus Init() override {
    MACE_ENSURE(HasArg("size"), Where(), "size is required");
    size_ = GetInt("size", 0);
    MACE_ENSURE(size_ >= 1, Where(), "size must be >= 1, got ", size_);
    alpha_ = GetFloat("alpha", 1e-4f);
    beta_ = GetFloat("beta", 0.75f);
    bias_ = GetFloat("bias", 1.f);
    return MaceStatus::MACE_SUCCESS;
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "needs input X");
    MACE_ENSURE(x->dtype() == DataType::DT_FLOAT, Where(), "X must be float32, got ",
                DataTypeName(x->dtype()));
    MACE_ENSURE(x->ndim() >= 2, Where(), "X must have rank >= 2 (N, C, ...), got shape ",
                ShapeToString(x->shape()));
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize(x->shape()));
    if (y->size() == 0) return MaceStatus::MACE_SUCCESS;
    const int64_t channels = x->dim(1);
    const int64_t inner = x->size() / (x->dim(0) * channels);
    const int64_t before = (size_ - 1) / 2, after = size_ - 1 - before;
    const float scale = alpha_ / static_cast<float>(size_);
    const float bias = bias_, neg_beta = -beta_;
    const float *xd = x->data<float>();
    float *yd = y->mutable_data<float>();
    const int64_t planes = x->dim(0) * channels;
    const int64_t min_chunk = std::max<int64_t>(1, 8192 / std::max<int64_t>(1, inner * size_));
    gemm::RunParallel(ctx->thread_pool, 0, planes, min_chunk, [&](int64_t begin, int64_t end) {
      std::vector<float> sum(static_cast<size_t>(inner));
      for (int64_t p = begin; p < end; ++p) {
        const int64_t n = p / channels, c = p % channels;
        const int64_t lo = std::max<int64_t>(0, c - before);
        const int64_t hi = std::min<int64_t>(channels - 1, c + after);
        std::fill(sum.begin(), sum.end(), 0.f);
        for (int64_t i = lo; i <= hi; ++i) {
          const float *src = xd + (n * channels + i) * inner;
          for (int64_t s = 0; s < inner; ++s) sum[s] += src[s] * src[s];
        }
        const float *src = xd + p * inner;
        float *dst = yd + p * inner;
        for (int64_t s = 0; s < inner; ++s)
          dst[s] = src[s] * std::pow(bias + scale * sum[s], neg_beta);
      }
    });
    return MaceStatus::MACE_SUCCESS;
  }

 private:
  int64_t size_ = 1;
  float alpha_ = 1e-4f, beta_ = 0.75f, bias_ = 1.f;
};

MACE_OP_REGISTRAR(LRN) {
  MACE_REGISTER_CPU_OP(registry, "LRN", LrnOp, DataType::DT_FLOAT);
}

}  // namespace mace
