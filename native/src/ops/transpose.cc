// Transpose (ONNX Transpose-21): permutes the dimensions of a tensor of any element type by
// `perm` (default: reversed). An identity permutation is a plain copy; a permutation that moves
// the contiguous source dimension (e.g. swapping the last two dims) is copied in tiles.
#include <vector>

#include "core/op_registry.h"
#include "ops/common/strided_copy.h"

namespace mace {
namespace {

class TransposeOp : public Operation {
 public:
  using Operation::Operation;
  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "needs one input");
    const int rank = x->ndim();
    std::vector<int64_t> perm = GetInts("perm");
    if (!HasArg("perm")) {
      for (int d = rank - 1; d >= 0; --d) perm.push_back(d);
    }
    MACE_ENSURE(static_cast<int>(perm.size()) == rank, Where(), "perm ", ShapeToString(perm),
                " does not match input rank ", rank, " of ", ShapeToString(x->shape()));
    std::vector<bool> used(rank, false);
    bool identity = true;
    for (int d = 0; d < rank; ++d) {
      int64_t p = perm[d];
      MACE_ENSURE(p >= 0 && p < rank && !used[p], Where(), "perm ", ShapeToString(perm),
                  " is not a permutation of 0..", rank - 1);
      used[p] = true;
      identity = identity && p == d;
    }
    const std::vector<int64_t> in_strides = dm::DenseStrides(x->shape());
    Shape out_shape(rank);
    std::vector<int64_t> strides(rank);
    for (int d = 0; d < rank; ++d) {
      out_shape[d] = x->dim(static_cast<int>(perm[d]));
      strides[d] = in_strides[perm[d]];
    }
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize(out_shape, x->dtype()));
    if (identity) {
      dm::CopyBytes(ctx->thread_pool, y->raw_mutable_data(), x->raw_data(), static_cast<int64_t>(x->bytes()));
    } else {
      dm::StridedCopy(ctx->thread_pool, DataTypeSize(x->dtype()), y->raw_mutable_data(), x->raw_data(),
                      out_shape, strides);
    }
    return MaceStatus::MACE_SUCCESS;
  }
};

}  // namespace

MACE_OP_REGISTRAR(Transpose) {
  MACE_REGISTER_CPU_OP(registry, "Transpose", TransposeOp, DataType::DT_INVALID);
}

}  // namespace mace
