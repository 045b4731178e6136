// Expand (ONNX Expand-13): broadcasts a tensor of any element type to the bidirectional
// broadcast of its shape and the int64 `shape` input.
#include <algorithm>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/strided_copy.h"

namespace mace {
namespace {

class ExpandOp : public Operation {
 public:
  using Operation::Operation;
  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr && Input(1) != nullptr, Where(), "needs the data and shape inputs");
    MACE_ENSURE(Input(1)->ndim() == 1, Where(), "shape input must be 1-D, got ",
                ShapeToString(Input(1)->shape()));
    std::vector<int64_t> req;
    MACE_RETURN_IF_ERROR(ReadIntInput(1, &req));
    const int in_rank = x->ndim();
    const int out_rank = std::max<int>(in_rank, static_cast<int>(req.size()));
    Shape out_shape(out_rank);
    std::vector<int64_t> strides(out_rank, 0);
    const std::vector<int64_t> in_strides = dm::DenseStrides(x->shape());
    for (int d = 0; d < out_rank; ++d) {
      const int di = d - (out_rank - in_rank);
      const int dr = d - (out_rank - static_cast<int>(req.size()));
      const int64_t a = di >= 0 ? x->dim(di) : 1;
      const int64_t b = dr >= 0 ? req[dr] : 1;
      MACE_ENSURE(b >= 0, Where(), "shape ", ShapeToString(req), " has a negative dim");
      MACE_ENSURE(a == b || a == 1 || b == 1, Where(), "input ", ShapeToString(x->shape()),
                  " cannot be broadcast to shape ", ShapeToString(req));
      out_shape[d] = a == 1 ? b : a;
      strides[d] = (di >= 0 && a != 1) ? in_strides[di] : 0;
    }
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize(out_shape, x->dtype()));
    if (y->size() == 0) return MaceStatus::MACE_SUCCESS;
    dm::StridedCopy(ctx->thread_pool, DataTypeSize(x->dtype()), y->raw_mutable_data(), x->raw_data(),
                    out_shape, strides);
    return MaceStatus::MACE_SUCCESS;
  }
};

}  // namespace

MACE_OP_REGISTRAR(Expand) {
  MACE_REGISTER_CPU_OP(registry, "Expand", ExpandOp, DataType::DT_INVALID);
}

}  // namespace mace
