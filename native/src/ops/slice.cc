// Slice (ONNX Slice-13): takes a strided window of a tensor of any element type. Inputs: data,
// starts, ends, optional axes, optional steps (int64 or int32). Starts/ends are clamped as
// ONNX specifies (negative values count from the end; INT64_MAX/INT64_MIN mean "to the end");
// negative steps walk backwards.
#include <algorithm>
#include <limits>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/strided_copy.h"

namespace mace {
namespace {

class SliceOp : public Operation {
 public:
  using Operation::Operation;
  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "needs the data input");
    MACE_ENSURE(Input(1) != nullptr && Input(2) != nullptr, Where(), "needs the 'starts' and 'ends' inputs");
    const int rank = x->ndim();
    std::vector<int64_t> starts, ends, axes, steps;
    MACE_RETURN_IF_ERROR(ReadIntInput(1, &starts));
    MACE_RETURN_IF_ERROR(ReadIntInput(2, &ends));
    MACE_ENSURE(starts.size() == ends.size(), Where(), "'starts' has ", starts.size(),
                " values but 'ends' has ", ends.size());
    const size_t k = starts.size();
    if (Input(3) != nullptr) {
      MACE_RETURN_IF_ERROR(ReadIntInput(3, &axes));
      MACE_ENSURE(axes.size() == k, Where(), "'axes' has ", axes.size(), " values but 'starts' has ", k);
    } else {
      MACE_ENSURE(k <= static_cast<size_t>(rank), Where(), "'starts' has ", k,
                  " values but the input has rank ", rank);
      for (size_t i = 0; i < k; ++i) axes.push_back(static_cast<int64_t>(i));
    }
    if (Input(4) != nullptr) {
      MACE_RETURN_IF_ERROR(ReadIntInput(4, &steps));
      MACE_ENSURE(steps.size() == k, Where(), "'steps' has ", steps.size(), " values but 'starts' has ", k);
    } else {
      steps.assign(k, 1);
    }

    const std::vector<int64_t> in_strides = dm::DenseStrides(x->shape());
    Shape out_shape = x->shape();
    std::vector<int64_t> first(rank, 0), step_of(rank, 1);
    std::vector<bool> seen(rank, false);
    for (size_t i = 0; i < k; ++i) {
      int64_t axis = 0;
      MACE_ENSURE(dm::NormalizeAxis(axes[i], rank, &axis), Where(), "axis ", axes[i],
                  " is out of range for input of shape ", ShapeToString(x->shape()));
      MACE_ENSURE(!seen[axis], Where(), "axis ", axes[i], " is repeated in 'axes'");
      seen[axis] = true;
      int64_t step = steps[i];
      MACE_ENSURE(step != 0, Where(), "step for axis ", axes[i], " is 0");
      const int64_t dim = x->dim(static_cast<int>(axis));
      int64_t start = starts[i], end = ends[i], count = 0;
      if (start < 0) start += dim;
      if (end < 0) end += dim;
      if (dim == 0) {
        start = 0;
        count = 0;
      } else if (step > 0) {
        start = std::min(std::max<int64_t>(start, 0), dim);
        end = std::min(std::max<int64_t>(end, 0), dim);
        count = end > start ? (end - start - 1) / step + 1 : 0;
      } else {
        start = std::min(std::max<int64_t>(start, 0), dim - 1);
        end = std::min(std::max<int64_t>(end, -1), dim - 1);
        const int64_t mag = step == std::numeric_limits<int64_t>::min()
                                ? std::numeric_limits<int64_t>::max() : -step;
        count = start > end ? (start - end - 1) / mag + 1 : 0;
      }
      out_shape[axis] = count;
      first[axis] = count > 0 ? start : 0;
      step_of[axis] = count > 1 ? step : 1;
    }
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize(out_shape, x->dtype()));
    if (y->size() == 0) return MaceStatus::MACE_SUCCESS;
    const size_t es = DataTypeSize(x->dtype());
    int64_t offset = 0;
    std::vector<int64_t> strides(rank);
    for (int d = 0; d < rank; ++d) {
      offset += first[d] * in_strides[d];
      strides[d] = in_strides[d] * step_of[d];
    }
    dm::StridedCopy(ctx->thread_pool, es, y->raw_mutable_data(),
                    static_cast<const uint8_t *>(x->raw_data()) + offset * static_cast<int64_t>(es),
                    out_shape, strides);
    return MaceStatus::MACE_SUCCESS;
  }
};

}  // namespace

MACE_OP_REGISTRAR(Slice) {
  MACE_REGISTER_CPU_OP(registry, "Slice", SliceOp, DataType::DT_INVALID);
}

}  // namespace mace
