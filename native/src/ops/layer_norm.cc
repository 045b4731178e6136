// LayerNormalization: normalises X over its dims [axis, rank) (`axis` default -1, negative
// allowed; `epsilon` default 1e-5) with statistics computed in double, then applies Scale and
// the optional B, each broadcast over the normalised dims. Optional outputs Mean and
// InvStdDev (shape X.shape[:axis] + [1]*(rank-axis)) are written when the op has them.
// float32; stash_type must be 1 (float).
#include <algorithm>
#include <cmath>

#include "core/op_registry.h"
#include "ops/common/broadcast.h"
#include "ops/common/elementwise.h"

namespace mace {

class LayerNormOp : public Operation {
 public:
  LayerNormOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : Operation(def, std::move(inputs), std::move(outputs)) {
    axis_ = GetInt("axis", -1);
    epsilon_ = GetFloat("epsilon", 1e-5f);
    stash_type_ = GetInt("stash_type", 1);
  }

  MaceStatus Run(OpContext *ctx) override {
    if (stash_type_ != 1) {
      return Unsupported(Where(), "stash_type=", stash_type_, " is not supported; only 1 (float)");
    }
    const Tensor *x = Input(0);
    const Tensor *scale = Input(1);
    const Tensor *bias = Input(2);
    MACE_ENSURE(x != nullptr && scale != nullptr, Where(), "needs inputs X and Scale");
    Tensor *y = Output(0);
    MACE_ENSURE(y != nullptr, Where(), "output Y is required");
    MACE_ENSURE(x->dtype() == DataType::DT_FLOAT, Where(), "X must be float32, got ",
                DataTypeName(x->dtype()));
    const int rank = x->ndim();
    MACE_ENSURE(axis_ >= -rank && axis_ < rank, Where(), "axis ", axis_,
                " is out of range for X of rank ", rank);
    const int axis = static_cast<int>(axis_ < 0 ? axis_ + rank : axis_);
    const Shape norm_shape(x->shape().begin() + axis, x->shape().end());
    int64_t rows = 1, row_size = 1;
    for (int d = 0; d < axis; ++d) rows *= x->dim(d);
    for (int64_t d : norm_shape) row_size *= d;

    const float *gamma = nullptr, *beta = nullptr;
    MACE_RETURN_IF_ERROR(PrepareAffine(scale, "Scale", norm_shape, row_size, &scale_full_, &gamma));
    if (bias != nullptr) {
      MACE_RETURN_IF_ERROR(PrepareAffine(bias, "B", norm_shape, row_size, &bias_full_, &beta));
    }

    MACE_RETURN_IF_ERROR(y->Resize(x->shape(), DataType::DT_FLOAT));
    Shape stat_shape(x->shape().begin(), x->shape().begin() + axis);
    stat_shape.resize(rank, 1);
    float *mean_out = nullptr, *inv_std_out = nullptr;
    if (HasOutput(1)) {
      MACE_RETURN_IF_ERROR(Output(1)->Resize(stat_shape, DataType::DT_FLOAT));
      mean_out = Output(1)->mutable_data<float>();
    }
    if (HasOutput(2)) {
      MACE_RETURN_IF_ERROR(Output(2)->Resize(stat_shape, DataType::DT_FLOAT));
      inv_std_out = Output(2)->mutable_data<float>();
    }

    const float *in = x->data<float>();
    float *out = y->mutable_data<float>();
    const double eps = epsilon_;
    ParallelRange(ctx, 0, rows, std::max<int64_t>(1, kCheapOpChunk / std::max<int64_t>(1, row_size)),
                  [=](int64_t begin, int64_t end) {
                    for (int64_t r = begin; r < end; ++r) {
                      const float *xr = in + r * row_size;
                      float *yr = out + r * row_size;
                      double sum = 0;
                      for (int64_t i = 0; i < row_size; ++i) sum += xr[i];
                      const double mean = sum / static_cast<double>(row_size);
                      double sq = 0;
                      for (int64_t i = 0; i < row_size; ++i) {
                        double d = xr[i] - mean;
                        sq += d * d;
                      }
                      const double inv_std = 1.0 / std::sqrt(sq / static_cast<double>(row_size) + eps);
                      const float m = static_cast<float>(mean), s = static_cast<float>(inv_std);
                      if (beta != nullptr) {
                        for (int64_t i = 0; i < row_size; ++i) yr[i] = (xr[i] - m) * s * gamma[i] + beta[i];
                      } else {
                        for (int64_t i = 0; i < row_size; ++i) yr[i] = (xr[i] - m) * s * gamma[i];
                      }
                      if (mean_out) mean_out[r] = m;
                      if (inv_std_out) inv_std_out[r] = s;
                    }
                  });
    return MaceStatus::MACE_SUCCESS;
  }

 private:
  bool HasOutput(int i) const {
    return i < OutputSize() && outputs_[i] != nullptr && !def().outputs[i].empty();
  }

  // Checks that `t` broadcasts over the normalised dims and gives a pointer to row_size
  // values: the tensor's own data when it already has them all, else an expanded copy.
  MaceStatus PrepareAffine(const Tensor *t, const char *what, const Shape &norm_shape,
                           int64_t row_size, std::vector<float> *expanded, const float **values) {
    MACE_ENSURE(t->dtype() == DataType::DT_FLOAT, Where(), what, " must be float32, got ",
                DataTypeName(t->dtype()));
    Shape shape = t->shape();
    while (shape.size() > norm_shape.size() && shape.front() == 1) shape.erase(shape.begin());
    MACE_ENSURE(BroadcastsTo(shape, norm_shape), Where(), what, " shape ",
                ShapeToString(t->shape()), " does not broadcast to the normalised shape ",
                ShapeToString(norm_shape));
    if (t->size() == row_size) {
      *values = t->data<float>();
      return MaceStatus::MACE_SUCCESS;
    }
    BroadcastPlan plan;
    MACE_RETURN_IF_ERROR(plan.Init(norm_shape, shape));
    expanded->resize(static_cast<size_t>(row_size));
    BroadcastBinary(nullptr, plan, expanded->data(), t->data<float>(), expanded->data(),
                    kCheapOpChunk, [](float, float v) { return v; });
    *values = expanded->data();
    return MaceStatus::MACE_SUCCESS;
  }

  int64_t axis_;
  float epsilon_;
  int64_t stash_type_;
  std::vector<float> scale_full_, bias_full_;
};

MACE_OP_REGISTRAR(LayerNormalization) {
  MACE_REGISTER_CPU_OP(registry, "LayerNormalization", LayerNormOp, DataType::DT_INVALID);
}

}  // namespace mace
