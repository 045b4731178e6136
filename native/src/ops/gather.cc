// Gather (ONNX Gather-13): picks slices of `data` (any element type) along `axis` by int64 or
// int32 indices of any rank (a scalar index drops the axis). Negative indices count from the
// end; out-of-range indices are an error.
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/strided_copy.h"

namespace mace {
namespace {

template <typename T>
void GatherElements(T *dst, const T *src, const int64_t *idx, int64_t n, int64_t dim, int64_t o0,
                    int64_t o1) {
  for (int64_t o = o0; o < o1; ++o) {
    const T *s = src + o * dim;
    T *d = dst + o * n;
    for (int64_t k = 0; k < n; ++k) d[k] = s[idx[k]];
  }
}

class GatherOp : public Operation {
 public:
  using Operation::Operation;
  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    const Tensor *ind = Input(1);
    MACE_ENSURE(x != nullptr && ind != nullptr, Where(), "needs the data and indices inputs");
    const int rank = x->ndim();
    MACE_ENSURE(rank >= 1, Where(), "data must have rank >= 1");
    int64_t axis = 0;
    MACE_ENSURE(dm::NormalizeAxis(GetInt("axis", 0), rank, &axis), Where(), "axis ",
                GetInt("axis", 0), " is out of range for rank ", rank);
    std::vector<int64_t> idx;
    MACE_RETURN_IF_ERROR(ReadIntInput(1, &idx));
    const int64_t dim = x->dim(static_cast<int>(axis));
    for (auto &v : idx) {
      const int64_t orig = v;
      if (v < 0) v += dim;
      MACE_ENSURE(v >= 0 && v < dim, Where(), "index ", orig, " is out of range [", -dim, ", ", dim,
                  ") of axis ", axis, " of data ", ShapeToString(x->shape()));
    }
    Shape out_shape(x->shape().begin(), x->shape().begin() + axis);
    out_shape.insert(out_shape.end(), ind->shape().begin(), ind->shape().end());
    out_shape.insert(out_shape.end(), x->shape().begin() + axis + 1, x->shape().end());
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize(out_shape, x->dtype()));
    if (y->size() == 0) return MaceStatus::MACE_SUCCESS;

    const size_t es = DataTypeSize(x->dtype());
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    for (int d = static_cast<int>(axis) + 1; d < rank; ++d) inner *= x->dim(d);
    const int64_t n = static_cast<int64_t>(idx.size());
    const int64_t total = outer * n * inner;
    ThreadPool *pool = ctx->thread_pool;
    if (inner == 1 && (es == 1 || es == 2 || es == 4 || es == 8)) {
      auto fn = [&](int64_t a, int64_t b) {
        void *d = y->raw_mutable_data();
        const void *s = x->raw_data();
        switch (es) {
          case 1: GatherElements(static_cast<uint8_t *>(d), static_cast<const uint8_t *>(s), idx.data(), n, dim, a, b); break;
          case 2: GatherElements(static_cast<uint16_t *>(d), static_cast<const uint16_t *>(s), idx.data(), n, dim, a, b); break;
          case 4: GatherElements(static_cast<uint32_t *>(d), static_cast<const uint32_t *>(s), idx.data(), n, dim, a, b); break;
          default: GatherElements(static_cast<uint64_t *>(d), static_cast<const uint64_t *>(s), idx.data(), n, dim, a, b); break;
        }
      };
      dm::ParallelFor(pool, 0, outer, total >= (1 << 15) ? std::max<int64_t>(1, 8192 / n) : outer, fn);
      return MaceStatus::MACE_SUCCESS;
    }
    const int64_t row = inner * static_cast<int64_t>(es);
    auto fn = [&](int64_t a, int64_t b) {
      uint8_t *dst = static_cast<uint8_t *>(y->raw_mutable_data());
      const uint8_t *src = static_cast<const uint8_t *>(x->raw_data());
      for (int64_t w = a; w < b; ++w) {
        const int64_t o = w / n, k = w % n;
        std::memcpy(dst + w * row, src + (o * dim + idx[k]) * row, static_cast<size_t>(row));
      }
    };
    dm::ParallelFor(pool, 0, outer * n, total >= (1 << 15) ? std::max<int64_t>(1, 8192 / inner) : outer * n, fn);
    return MaceStatus::MACE_SUCCESS;
  }
};

}  // namespace

MACE_OP_REGISTRAR(Gather) {
  MACE_REGISTER_CPU_OP(registry, "Gather", GatherOp, DataType::DT_INVALID);
}

}  // namespace mace
