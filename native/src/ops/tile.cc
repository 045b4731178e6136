// Tile (ONNX Tile-13): repeats a tensor of any element type `repeats[d]` times along each
// dimension d (repeats: 1-D int64 input of length rank).
#include <vector>

#include "core/op_registry.h"
#include "ops/common/strided_copy.h"

namespace mace {
namespace {

class TileOp : public Operation {
 public:
  using Operation::Operation;
  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr && Input(1) != nullptr, Where(), "needs the data and repeats inputs");
    std::vector<int64_t> repeats;
    MACE_RETURN_IF_ERROR(ReadIntInput(1, &repeats));
    const int rank = x->ndim();
    MACE_ENSURE(static_cast<int>(repeats.size()) == rank, Where(), "repeats ", ShapeToString(repeats),
                " must have one value per dim of input ", ShapeToString(x->shape()));
    // Output dim d of size r*n is viewed as [r, n]: the repeat index reads with stride 0.
    const std::vector<int64_t> in_strides = dm::DenseStrides(x->shape());
    Shape out_shape(rank), view_shape;
    std::vector<int64_t> view_strides;
    for (int d = 0; d < rank; ++d) {
      MACE_ENSURE(repeats[d] >= 0, Where(), "repeats ", ShapeToString(repeats), " has a negative value");
      view_shape.push_back(repeats[d]);
      view_strides.push_back(0);
      view_shape.push_back(x->dim(d));
      view_strides.push_back(in_strides[d]);
    }
    int64_t count = 0;
    MaceStatus st = ElementCount(view_shape, &count);
    if (!st.ok()) return InvalidArgs(Where(), "repeats ", ShapeToString(repeats), ": ", st.information());
    for (int d = 0; d < rank; ++d) out_shape[d] = repeats[d] * x->dim(d);
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize(out_shape, x->dtype()));
    if (y->size() == 0) return MaceStatus::MACE_SUCCESS;
    dm::StridedCopy(ctx->thread_pool, DataTypeSize(x->dtype()), y->raw_mutable_data(), x->raw_data(),
                    view_shape, view_strides);
    return MaceStatus::MACE_SUCCESS;
  }
};

}  // namespace

MACE_OP_REGISTRAR(Tile) {
  MACE_REGISTER_CPU_OP(registry, "Tile", TileOp, DataType::DT_INVALID);
}

}  // namespace mace
