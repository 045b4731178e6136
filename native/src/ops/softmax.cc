// Softmax and LogSoftmax over one axis (ONNX opset 13: `axis`, default -1, negative allowed),
// float32, numerically stable (the maximum is subtracted first; sums accumulate in double).
// Extension `coerce_2d` = 1 gives opset < 13 semantics: the input is viewed as 2-D
// [prod(dims[:axis]), prod(dims[axis:])] and normalised over the second dim (axis default 1).
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/op_registry.h"
#include "ops/common/elementwise.h"

namespace mace {

class SoftmaxOp : public Operation {
 public:
  SoftmaxOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : Operation(def, std::move(inputs), std::move(outputs)), log_(def.type == "LogSoftmax") {
    coerce_2d_ = GetInt("coerce_2d", 0) != 0;
    axis_ = GetInt("axis", coerce_2d_ ? 1 : -1);
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "input is required");
    Tensor *y = Output(0);
    MACE_ENSURE(y != nullptr, Where(), "output is required");
    MACE_ENSURE(x->dtype() == DataType::DT_FLOAT, Where(), "input must be float32, got ",
                DataTypeName(x->dtype()));
    const int rank = x->ndim();
    MACE_ENSURE(rank >= 1, Where(), "input must have rank >= 1, got a scalar");
    // opset < 13 also allows axis == rank (every row of one element).
    const int64_t max_axis = coerce_2d_ ? rank : rank - 1;
    MACE_ENSURE(axis_ >= -rank && axis_ <= max_axis, Where(), "axis ", axis_,
                " is out of range for input of rank ", rank);
    const int axis = static_cast<int>(axis_ < 0 ? axis_ + rank : axis_);
    int64_t outer = 1, n = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    if (coerce_2d_) {
      for (int d = axis; d < rank; ++d) n *= x->dim(d);
    } else {
      n = x->dim(axis);
      for (int d = axis + 1; d < rank; ++d) inner *= x->dim(d);
    }
    MACE_RETURN_IF_ERROR(y->Resize(x->shape(), DataType::DT_FLOAT));
    if (x->size() == 0) return MaceStatus::MACE_SUCCESS;
    const float *in = x->data<float>();
    float *out = y->mutable_data<float>();
    if (inner == 1) {
      RunRows(ctx, in, out, outer, n);
    } else {
      RunStrided(ctx, in, out, outer, n, inner);
    }
    return MaceStatus::MACE_SUCCESS;
  }

 private:
  // Contiguous rows of length n.
  void RunRows(OpContext *ctx, const float *in, float *out, int64_t rows, int64_t n) const {
    const bool log = log_;
    const int64_t min_rows = std::max<int64_t>(1, kCostlyOpChunk / n);
    ParallelRange(ctx, 0, rows, min_rows, [=](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const float *x = in + r * n;
        float *y = out + r * n;
        float m = -std::numeric_limits<float>::infinity();
        for (int64_t i = 0; i < n; ++i) m = x[i] > m ? x[i] : m;
        double sum = 0;
        if (log) {
          for (int64_t i = 0; i < n; ++i) sum += std::exp(x[i] - m);
          const float log_sum = static_cast<float>(std::log(sum));
          for (int64_t i = 0; i < n; ++i) y[i] = (x[i] - m) - log_sum;
        } else {
          for (int64_t i = 0; i < n; ++i) {
            float e = std::exp(x[i] - m);
            y[i] = e;
            sum += e;
          }
          const float scale = static_cast<float>(1.0 / sum);
          for (int64_t i = 0; i < n; ++i) y[i] *= scale;
        }
      }
    });
  }

  // Axis of length n with stride `inner`: columns are processed in blocks so that every
  // inner loop runs over contiguous memory.
  void RunStrided(OpContext *ctx, const float *in, float *out, int64_t outer, int64_t n,
                  int64_t inner) const {
    constexpr int64_t kBlock = 128;
    const bool log = log_;
    const int64_t blocks_per_outer = (inner + kBlock - 1) / kBlock;
    const int64_t items = outer * blocks_per_outer;
    const int64_t min_items = std::max<int64_t>(1, kCostlyOpChunk / (n * kBlock));
    ParallelRange(ctx, 0, items, min_items, [=](int64_t begin, int64_t end) {
      float maxv[kBlock], scale[kBlock];  // scale: 1/sum, or log(sum) for LogSoftmax
      double sum[kBlock];
      for (int64_t item = begin; item < end; ++item) {
        const int64_t o = item / blocks_per_outer;
        const int64_t j0 = (item % blocks_per_outer) * kBlock;
        const int64_t w = std::min(kBlock, inner - j0);
        const float *x = in + o * n * inner + j0;
        float *y = out + o * n * inner + j0;
        for (int64_t j = 0; j < w; ++j) {
          maxv[j] = -std::numeric_limits<float>::infinity();
          sum[j] = 0;
        }
        for (int64_t k = 0; k < n; ++k) {
          const float *xr = x + k * inner;
          for (int64_t j = 0; j < w; ++j) maxv[j] = xr[j] > maxv[j] ? xr[j] : maxv[j];
        }
        for (int64_t k = 0; k < n; ++k) {
          const float *xr = x + k * inner;
          float *yr = y + k * inner;
          for (int64_t j = 0; j < w; ++j) {
            float e = std::exp(xr[j] - maxv[j]);
            if (!log) yr[j] = e;
            sum[j] += e;
          }
        }
        if (log) {
          for (int64_t j = 0; j < w; ++j) scale[j] = static_cast<float>(std::log(sum[j]));
          for (int64_t k = 0; k < n; ++k) {
            const float *xr = x + k * inner;
            float *yr = y + k * inner;
            for (int64_t j = 0; j < w; ++j) yr[j] = (xr[j] - maxv[j]) - scale[j];
          }
        } else {
          for (int64_t j = 0; j < w; ++j) scale[j] = static_cast<float>(1.0 / sum[j]);
          for (int64_t k = 0; k < n; ++k) {
            float *yr = y + k * inner;
            for (int64_t j = 0; j < w; ++j) yr[j] *= scale[j];
          }
        }
      }
    });
  }

  bool log_;
  bool coerce_2d_ = false;
  int64_t axis_ = -1;
};

MACE_OP_REGISTRAR(Softmax) {
  MACE_REGISTER_CPU_OP(registry, "Softmax", SoftmaxOp, DataType::DT_INVALID);
  MACE_REGISTER_CPU_OP(registry, "LogSoftmax", SoftmaxOp, DataType::DT_INVALID);
}

}  // namespace mace
