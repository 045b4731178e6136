// Shape (ONNX Shape-21): the input's dims as a 1-D int64 tensor, optionally only dims
// [start, end) (negative values count from the end; both are clamped to [0, rank]).
#include <algorithm>

#include "core/op_registry.h"

namespace mace {
namespace {

class ShapeOp : public Operation {
 public:
  using Operation::Operation;
  MaceStatus Run(OpContext *) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "needs one input");
    const int64_t rank = x->ndim();
    int64_t start = GetInt("start", 0), end = GetInt("end", rank);
    if (start < 0) start += rank;
    if (end < 0) end += rank;
    start = std::min(std::max<int64_t>(start, 0), rank);
    end = std::min(std::max<int64_t>(end, 0), rank);
    const int64_t n = std::max<int64_t>(end - start, 0);
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize({n}, DataType::DT_INT64));
    int64_t *out = y->mutable_data<int64_t>();
    for (int64_t i = 0; i < n; ++i) out[i] = x->dim(static_cast<int>(start + i));
    return MaceStatus::MACE_SUCCESS;
  }
};

}  // namespace

MACE_OP_REGISTRAR(Shape) {
  MACE_REGISTER_CPU_OP(registry, "Shape", ShapeOp, DataType::DT_INVALID);
}

}  // namespace mace
