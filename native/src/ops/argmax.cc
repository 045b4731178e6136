// ArgMax: int64 indices of the maxima along `axis` (default 0, negative allowed), with
// `keepdims` (default 1) and `select_last_index` (default 0: first of equal maxima).
// Input float32, int32 or int64. A NaN counts as larger than any number (numpy's rule).
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "core/op_registry.h"
#include "ops/common/elementwise.h"

namespace mace {

namespace {

template <typename T>
inline bool IsNanValue(T v) {
  if constexpr (std::is_floating_point<T>::value) {
    return std::isnan(v);
  } else {
    return false;
  }
}

// Whether v replaces the current best value.
template <typename T, bool kLast>
inline bool Better(T v, T best) {
  if (IsNanValue(v)) return kLast || !IsNanValue(best);
  return kLast ? v >= best : v > best;
}

}  // namespace

class ArgMaxOp : public Operation {
 public:
  ArgMaxOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : Operation(def, std::move(inputs), std::move(outputs)) {
    axis_ = GetInt("axis", 0);
    keepdims_ = GetInt("keepdims", 1) != 0;
    select_last_ = GetInt("select_last_index", 0) != 0;
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "input data is required");
    Tensor *y = Output(0);
    MACE_ENSURE(y != nullptr, Where(), "output is required");
    const int rank = x->ndim();
    MACE_ENSURE(rank >= 1, Where(), "input must have rank >= 1, got a scalar");
    MACE_ENSURE(axis_ >= -rank && axis_ < rank, Where(), "axis ", axis_,
                " is out of range for input of rank ", rank);
    const int axis = static_cast<int>(axis_ < 0 ? axis_ + rank : axis_);
    const int64_t n = x->dim(axis);
    MACE_ENSURE(n > 0, Where(), "cannot take ArgMax over axis ", axis_, " of size 0 (shape ",
                ShapeToString(x->shape()), ")");
    Shape out_shape;
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < rank; ++d) {
      if (d == axis) {
        if (keepdims_) out_shape.push_back(1);
        continue;
      }
      out_shape.push_back(x->dim(d));
      (d < axis ? outer : inner) *= x->dim(d);
    }
    const DataType dt = x->dtype();
    MACE_ENSURE(dt == DataType::DT_FLOAT || dt == DataType::DT_INT64 || dt == DataType::DT_INT32,
                Where(), "input has type ", DataTypeName(dt), "; supported: float32, int32, int64");
    MACE_RETURN_IF_ERROR(y->Resize(out_shape, DataType::DT_INT64));
    if (y->size() == 0) return MaceStatus::MACE_SUCCESS;
    int64_t *out = y->mutable_data<int64_t>();
    switch (dt) {
      case DataType::DT_FLOAT: Dispatch<float>(ctx, x->data<float>(), out, outer, n, inner); break;
      case DataType::DT_INT64: Dispatch<int64_t>(ctx, x->data<int64_t>(), out, outer, n, inner); break;
      default: Dispatch<int32_t>(ctx, x->data<int32_t>(), out, outer, n, inner); break;
    }
    return MaceStatus::MACE_SUCCESS;
  }

 private:
  template <typename T>
  void Dispatch(OpContext *ctx, const T *in, int64_t *out, int64_t outer, int64_t n, int64_t inner) {
    if (select_last_) {
      Compute<T, true>(ctx, in, out, outer, n, inner);
    } else {
      Compute<T, false>(ctx, in, out, outer, n, inner);
    }
  }

  // Work items are (outer index, block of up to kBlock inner columns); each scans the axis
  // row by row over contiguous columns.
  template <typename T, bool kLast>
  void Compute(OpContext *ctx, const T *in, int64_t *out, int64_t outer, int64_t n, int64_t inner) {
    constexpr int64_t kBlock = 128;
    const int64_t blocks = (inner + kBlock - 1) / kBlock;
    const int64_t items = outer * blocks;
    const int64_t min_items = std::max<int64_t>(1, kCheapOpChunk / (n * std::min(inner, kBlock)));
    ParallelRange(ctx, 0, items, min_items, [=](int64_t begin, int64_t end) {
      T best[kBlock];
      int64_t best_idx[kBlock];
      for (int64_t item = begin; item < end; ++item) {
        const int64_t o = item / blocks;
        const int64_t j0 = (item % blocks) * kBlock;
        const int64_t w = std::min(kBlock, inner - j0);
        const T *x = in + o * n * inner + j0;
        for (int64_t j = 0; j < w; ++j) {
          best[j] = x[j];
          best_idx[j] = 0;
        }
        for (int64_t k = 1; k < n; ++k) {
          const T *row = x + k * inner;
          for (int64_t j = 0; j < w; ++j) {
            if (Better<T, kLast>(row[j], best[j])) {
              best[j] = row[j];
              best_idx[j] = k;
            }
          }
        }
        int64_t *y = out + o * inner + j0;
        for (int64_t j = 0; j < w; ++j) y[j] = best_idx[j];
      }
    });
  }

  int64_t axis_ = 0;
  bool keepdims_ = true;
  bool select_last_ = false;
};

MACE_OP_REGISTRAR(ArgMax) {
  MACE_REGISTER_CPU_OP(registry, "ArgMax", ArgMaxOp, DataType::DT_INVALID);
}

}  // namespace mace
