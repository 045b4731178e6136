// Concat: joins tensors of any element type along one axis (ONNX Concat-13; negative axis and
// zero-size inputs allowed).
#include <cstring>

#include "core/op_registry.h"
#include "ops/common/strided_copy.h"

namespace mace {
namespace {

class ConcatOp : public Operation {
 public:
  using Operation::Operation;
  MaceStatus Run(OpContext *ctx) override {
    const int n = InputSize();
    MACE_ENSURE(n >= 1, Where(), "needs at least one input");
    for (int i = 0; i < n; ++i) MACE_ENSURE(Input(i) != nullptr, Where(), "input ", i, " is missing");
    MACE_ENSURE(HasArg("axis"), Where(), "the 'axis' argument is required");
    const Tensor *x0 = Input(0);
    const int rank = x0->ndim();
    MACE_ENSURE(rank >= 1, Where(), "cannot concatenate scalars");
    int64_t axis = 0;
    MACE_ENSURE(dm::NormalizeAxis(GetInt("axis", 0), rank, &axis), Where(), "axis ",
                GetInt("axis", 0), " is out of range for rank ", rank);
    Shape out_shape = x0->shape();
    out_shape[axis] = 0;
    for (int i = 0; i < n; ++i) {
      const Tensor *x = Input(i);
      MACE_ENSURE(x->dtype() == x0->dtype(), Where(), "input ", i, " has type ",
                  DataTypeName(x->dtype()), " but input 0 has ", DataTypeName(x0->dtype()));
      MACE_ENSURE(x->ndim() == rank, Where(), "input ", i, " has shape ", ShapeToString(x->shape()),
                  " of another rank than input 0 ", ShapeToString(x0->shape()));
      for (int d = 0; d < rank; ++d)
        MACE_ENSURE(d == axis || x->dim(d) == x0->dim(d), Where(), "input ", i, " has shape ",
                    ShapeToString(x->shape()), " which differs from input 0 ",
                    ShapeToString(x0->shape()), " outside axis ", axis);
      out_shape[axis] += x->dim(static_cast<int>(axis));
    }
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize(out_shape, x0->dtype()));
    if (y->size() == 0) return MaceStatus::MACE_SUCCESS;
    const int64_t es = static_cast<int64_t>(DataTypeSize(x0->dtype()));
    int64_t outer = 1, inner = es;
    for (int d = 0; d < axis; ++d) outer *= out_shape[d];
    for (int d = static_cast<int>(axis) + 1; d < rank; ++d) inner *= out_shape[d];
    const int64_t out_pitch = out_shape[axis] * inner;
    uint8_t *dst = static_cast<uint8_t *>(y->raw_mutable_data());
    int64_t offset = 0;
    for (int i = 0; i < n; ++i) {
      const Tensor *x = Input(i);
      const int64_t pitch = x->dim(static_cast<int>(axis)) * inner;
      // An input the memory plan placed inside the output (in-place Concat) is there already.
      const bool in_place = outer == 1 && x->raw_data() == dst + offset;
      if (pitch > 0 && !in_place) dm::CopyBlocks(ctx->thread_pool, dst + offset, out_pitch, x->raw_data(), pitch, pitch, outer);
      offset += pitch;
    }
    return MaceStatus::MACE_SUCCESS;
  }
};

}  // namespace

MACE_OP_REGISTRAR(Concat) {
  MACE_REGISTER_CPU_OP(registry, "Concat", ConcatOp, DataType::DT_INVALID);
}

}  // namespace mace
