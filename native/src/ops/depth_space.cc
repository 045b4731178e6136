// DepthToSpace (ONNX DepthToSpace-13, modes DCR and CRD) and SpaceToDepth (ONNX
// SpaceToDepth-13) on NCHW tensors of any element type. Both are a reshape to 6-D, a
// transpose and a reshape back, done here as one strided copy.
#include <string>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/strided_copy.h"

namespace mace {
namespace {

// Copies x viewed as `view` (6-D, dense) permuted by `perm` into y of shape `out_shape`.
MaceStatus PermutedCopy(OpContext *ctx, const Tensor *x, const Shape &view, const std::vector<int> &perm,
                        const Shape &out_shape, Tensor *y) {
  MACE_RETURN_IF_ERROR(y->Resize(out_shape, x->dtype()));
  if (y->size() == 0) return MaceStatus::MACE_SUCCESS;
  const std::vector<int64_t> vs = dm::DenseStrides(view);
  Shape shape(perm.size());
  std::vector<int64_t> strides(perm.size());
  for (size_t d = 0; d < perm.size(); ++d) {
    shape[d] = view[perm[d]];
    strides[d] = vs[perm[d]];
  }
  dm::StridedCopy(ctx->thread_pool, DataTypeSize(x->dtype()), y->raw_mutable_data(), x->raw_data(), shape,
                  strides);
  return MaceStatus::MACE_SUCCESS;
}

class DepthToSpaceOp : public Operation {
 public:
  using Operation::Operation;
  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "needs one input");
    MACE_ENSURE(x->ndim() == 4, Where(), "input must be 4-D NCHW, got ", ShapeToString(x->shape()));
    MACE_ENSURE(HasArg("blocksize"), Where(), "the 'blocksize' argument is required");
    const int64_t b = GetInt("blocksize", 0);
    MACE_ENSURE(b >= 1 && b <= 4096, Where(), "blocksize ", b, " is invalid");
    const std::string mode = GetString("mode", "DCR");
    MACE_ENSURE(mode == "DCR" || mode == "CRD", Where(), "mode '", mode, "' is not DCR or CRD");
    const int64_t n = x->dim(0), c = x->dim(1), h = x->dim(2), w = x->dim(3);
    MACE_ENSURE(c % (b * b) == 0, Where(), "channels ", c, " of input ", ShapeToString(x->shape()),
                " are not a multiple of blocksize^2 = ", b * b);
    const int64_t oc = c / (b * b);
    const Shape out_shape{n, oc, h * b, w * b};
    if (mode == "DCR")
      return PermutedCopy(ctx, x, {n, b, b, oc, h, w}, {0, 3, 4, 1, 5, 2}, out_shape, Output(0));
    return PermutedCopy(ctx, x, {n, oc, b, b, h, w}, {0, 1, 4, 2, 5, 3}, out_shape, Output(0));
  }
};

class SpaceToDepthOp : public Operation {
 public:
  using Operation::Operation;
  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "needs one input");
    MACE_ENSURE(x->ndim() == 4, Where(), "input must be 4-D NCHW, got ", ShapeToString(x->shape()));
    MACE_ENSURE(HasArg("blocksize"), Where(), "the 'blocksize' argument is required");
    const int64_t b = GetInt("blocksize", 0);
    MACE_ENSURE(b >= 1 && b <= 4096, Where(), "blocksize ", b, " is invalid");
    const int64_t n = x->dim(0), c = x->dim(1), h = x->dim(2), w = x->dim(3);
    MACE_ENSURE(h % b == 0 && w % b == 0, Where(), "height and width of input ", ShapeToString(x->shape()),
                " are not multiples of blocksize ", b);
    return PermutedCopy(ctx, x, {n, c, h / b, b, w / b, b}, {0, 3, 5, 1, 2, 4},
                        {n, c * b * b, h / b, w / b}, Output(0));
  }
};

}  // namespace

MACE_OP_REGISTRAR(DepthSpace) {
  MACE_REGISTER_CPU_OP(registry, "DepthToSpace", DepthToSpaceOp, DataType::DT_INVALID);
  MACE_REGISTER_CPU_OP(registry, "SpaceToDepth", SpaceToDepthOp, DataType::DT_INVALID);
}

}  // namespace mace
