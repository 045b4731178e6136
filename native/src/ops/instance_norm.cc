// InstanceNormalization: X [N,C,D1..Dn], scale [C], B [C], `epsilon` (default 1e-5); each
// (n, c) plane is normalised by its own mean and (biased) variance, computed in double:
// y = (x - mean) / sqrt(var + epsilon) * scale[c] + B[c]. float32.
#include <algorithm>
#include <cmath>

#include "core/op_registry.h"
#include "ops/common/elementwise.h"

namespace mace {

class InstanceNormOp : public Operation {
 public:
  InstanceNormOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : Operation(def, std::move(inputs), std::move(outputs)) {
    epsilon_ = GetFloat("epsilon", 1e-5f);
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    const Tensor *scale = Input(1);
    const Tensor *bias = Input(2);
    MACE_ENSURE(x != nullptr && scale != nullptr && bias != nullptr, Where(),
                "needs inputs input, scale and B");
    Tensor *y = Output(0);
    MACE_ENSURE(y != nullptr, Where(), "output is required");
    MACE_ENSURE(x->dtype() == DataType::DT_FLOAT && scale->dtype() == DataType::DT_FLOAT &&
                    bias->dtype() == DataType::DT_FLOAT,
                Where(), "input, scale and B must be float32");
    MACE_ENSURE(x->ndim() >= 2, Where(), "input must have shape [N,C,...], got ",
                ShapeToString(x->shape()));
    const int64_t channels = x->dim(1);
    MACE_ENSURE(scale->ndim() == 1 && scale->size() == channels, Where(), "scale must have shape [",
                channels, "], got ", ShapeToString(scale->shape()));
    MACE_ENSURE(bias->ndim() == 1 && bias->size() == channels, Where(), "B must have shape [",
                channels, "], got ", ShapeToString(bias->shape()));
    int64_t spatial = 1;
    for (int d = 2; d < x->ndim(); ++d) spatial *= x->dim(d);
    MACE_RETURN_IF_ERROR(y->Resize(x->shape(), DataType::DT_FLOAT));
    if (spatial == 0 || x->size() == 0) return MaceStatus::MACE_SUCCESS;

    const float *in = x->data<float>();
    const float *gamma = scale->data<float>(), *beta = bias->data<float>();
    float *out = y->mutable_data<float>();
    const double eps = epsilon_;
    const int64_t planes = x->dim(0) * channels;
    ParallelRange(ctx, 0, planes, std::max<int64_t>(1, kCheapOpChunk / spatial),
                  [=](int64_t begin, int64_t end) {
                    for (int64_t p = begin; p < end; ++p) {
                      const int64_t c = p % channels;
                      const float *xs = in + p * spatial;
                      float *ys = out + p * spatial;
                      double sum = 0;
                      for (int64_t i = 0; i < spatial; ++i) sum += xs[i];
                      const double mean = sum / static_cast<double>(spatial);
                      double sq = 0;
                      for (int64_t i = 0; i < spatial; ++i) {
                        double d = xs[i] - mean;
                        sq += d * d;
                      }
                      const double inv_std = 1.0 / std::sqrt(sq / static_cast<double>(spatial) + eps);
                      // (x - mean) first: no cancellation when the mean dwarfs the spread.
                      const float m = static_cast<float>(mean);
                      const float a = static_cast<float>(gamma[c] * inv_std);
                      const float b = beta[c];
                      for (int64_t i = 0; i < spatial; ++i) ys[i] = (xs[i] - m) * a + b;
                    }
                  });
    return MaceStatus::MACE_SUCCESS;
  }

 private:
  float epsilon_;
};

MACE_OP_REGISTRAR(InstanceNormalization) {
  MACE_REGISTER_CPU_OP(registry, "InstanceNormalization", InstanceNormOp, DataType::DT_INVALID);
}

}  // namespace mace
