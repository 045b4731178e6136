// BatchNormalization in inference mode (ONNX opset-15 form): inputs X [N,C,D1..Dn] (a 1-D X
// of size N has C = 1), scale, B, input_mean, input_var (each of C elements), `epsilon`
// (default 1e-5): y = (x - mean) / sqrt(var + epsilon) * scale + B, float32.
// training_mode = 1 is refused.
#include <algorithm>
#include <cmath>

#include "core/op_registry.h"
#include "ops/common/elementwise.h"

namespace mace {

class BatchNormOp : public Operation {
 public:
  BatchNormOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : Operation(def, std::move(inputs), std::move(outputs)) {
    epsilon_ = GetFloat("epsilon", 1e-5f);
    training_mode_ = GetInt("training_mode", 0);
  }

  MaceStatus Run(OpContext *ctx) override {
    if (training_mode_ != 0) {
      return Unsupported(Where(), "training_mode=", training_mode_,
                         " is not supported (inference only)");
    }
    MACE_ENSURE(OutputSize() <= 1, Where(), "has ", OutputSize(),
                " outputs; running_mean/running_var exist only in training mode");
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "input X is required");
    Tensor *y = Output(0);
    MACE_ENSURE(y != nullptr, Where(), "output Y is required");
    MACE_ENSURE(x->dtype() == DataType::DT_FLOAT, Where(), "X must be float32, got ",
                DataTypeName(x->dtype()));
    MACE_ENSURE(x->ndim() >= 1, Where(), "X must have rank >= 1, got a scalar");
    const int64_t batch = x->dim(0);
    const int64_t channels = x->ndim() >= 2 ? x->dim(1) : 1;
    int64_t spatial = 1;
    for (int d = 2; d < x->ndim(); ++d) spatial *= x->dim(d);

    static const char *const kNames[] = {"X", "scale", "B", "input_mean", "input_var"};
    const float *params[5] = {nullptr};
    for (int i = 1; i <= 4; ++i) {
      const Tensor *p = Input(i);
      MACE_ENSURE(p != nullptr, Where(), "input ", kNames[i], " is required");
      MACE_ENSURE(p->dtype() == DataType::DT_FLOAT, Where(), kNames[i], " must be float32, got ",
                  DataTypeName(p->dtype()));
      MACE_ENSURE(p->ndim() <= 1 && p->size() == channels, Where(), kNames[i], " must have shape [",
                  channels, "] (C of X ", ShapeToString(x->shape()), "), got ",
                  ShapeToString(p->shape()));
      params[i] = p->data<float>();
    }
    // Per channel: y = (x - mean) * a + B with a = scale / sqrt(var + eps); subtracting the
    // mean first avoids cancellation when it dwarfs the spread.
    mul_.resize(channels);
    for (int64_t c = 0; c < channels; ++c) {
      double a = static_cast<double>(params[1][c]) /
                 std::sqrt(static_cast<double>(params[4][c]) + static_cast<double>(epsilon_));
      mul_[c] = static_cast<float>(a);
    }

    MACE_RETURN_IF_ERROR(y->Resize(x->shape(), DataType::DT_FLOAT));
    const float *in = x->data<float>();
    float *out = y->mutable_data<float>();
    const float *mul = mul_.data(), *bias = params[2], *mean = params[3];
    const int64_t planes = batch * channels;
    ParallelRange(ctx, 0, planes, std::max<int64_t>(1, kCheapOpChunk / std::max<int64_t>(1, spatial)),
                  [=](int64_t begin, int64_t end) {
                    for (int64_t p = begin; p < end; ++p) {
                      const int64_t c = p % channels;
                      const float a = mul[c], b = bias[c], m = mean[c];
                      const float *xs = in + p * spatial;
                      float *ys = out + p * spatial;
                      for (int64_t i = 0; i < spatial; ++i) ys[i] = (xs[i] - m) * a + b;
                    }
                  });
    return MaceStatus::MACE_SUCCESS;
  }

 private:
  float epsilon_;
  int64_t training_mode_;
  std::vector<float> mul_;
};

MACE_OP_REGISTRAR(BatchNormalization) {
  MACE_REGISTER_CPU_OP(registry, "BatchNormalization", BatchNormOp, DataType::DT_INVALID);
}

}  // namespace mace
