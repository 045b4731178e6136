// Shape-only ops that keep the element order: Reshape (ONNX Reshape-21: 0 copies the input dim
// unless allowzero=1, one -1 is inferred), Flatten (axis in [-r, r]), Squeeze (optional axes
// input; absent = every size-1 dim) and Unsqueeze (axes input, relative to the output rank).
// They work for any element type: the output is a copy of the input bytes with a new shape.
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/strided_copy.h"

namespace mace {
namespace {

MaceStatus CopyWithShape(OpContext *ctx, const Tensor *x, const Shape &shape, Tensor *y) {
  int64_t count = 0;
  MACE_RETURN_IF_ERROR(ElementCount(shape, &count));
  if (count != x->size())
    return InvalidArgs("output shape ", ShapeToString(shape), " does not hold the ", x->size(),
                       " elements of input ", ShapeToString(x->shape()));
  MACE_RETURN_IF_ERROR(y->Resize(shape, x->dtype()));
  dm::CopyBytes(ctx->thread_pool, y->raw_mutable_data(), x->raw_data(), static_cast<int64_t>(x->bytes()));
  return MaceStatus::MACE_SUCCESS;
}

class ReshapeOp : public Operation {
 public:
  using Operation::Operation;
  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr && Input(1) != nullptr, Where(), "needs the data and shape inputs");
    std::vector<int64_t> req;
    MACE_RETURN_IF_ERROR(ReadIntInput(1, &req));
    MACE_ENSURE(Input(1)->ndim() == 1, Where(), "shape input must be 1-D, got ",
                ShapeToString(Input(1)->shape()));
    const bool allowzero = GetInt("allowzero", 0) != 0;
    Shape shape(req.size());
    int infer = -1;
    int64_t known = 1;
    bool has_zero = false;
    for (size_t i = 0; i < req.size(); ++i) {
      int64_t v = req[i];
      if (v == 0 && !allowzero) {
        MACE_ENSURE(static_cast<int>(i) < x->ndim(), Where(), "shape ", ShapeToString(req), " copies dim ", i,
                    " (0) but the input ", ShapeToString(x->shape()), " has rank ", x->ndim());
        v = x->dim(static_cast<int>(i));
      }
      if (v == -1) {
        MACE_ENSURE(infer < 0, Where(), "shape ", ShapeToString(req), " has more than one -1");
        infer = static_cast<int>(i);
        continue;
      }
      MACE_ENSURE(v >= 0, Where(), "shape ", ShapeToString(req), " has invalid dim ", req[i]);
      if (v == 0) has_zero = true;
      shape[i] = v;
      if (v != 0) {
        MACE_ENSURE(known <= (int64_t{1} << 40) / v, Where(), "shape ", ShapeToString(req), " is too large");
        known *= v;
      }
    }
    if (infer >= 0) {
      MACE_ENSURE(!has_zero, Where(), "shape ", ShapeToString(req),
                  " has both -1 and a zero-size dim, so -1 cannot be inferred");
      MACE_ENSURE(x->size() % known == 0, Where(), "cannot reshape input ", ShapeToString(x->shape()),
                  " (", x->size(), " elements) to ", ShapeToString(req));
      shape[infer] = x->size() / known;
    }
    MaceStatus s = CopyWithShape(ctx, x, shape, Output(0));
    if (!s.ok()) return InvalidArgs(Where(), "requested shape ", ShapeToString(req), ": ", s.information());
    return s;
  }
};

class FlattenOp : public Operation {
 public:
  using Operation::Operation;
  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "needs one input");
    const int64_t rank = x->ndim();
    int64_t axis = GetInt("axis", 1);
    MACE_ENSURE(axis >= -rank && axis <= rank, Where(), "axis ", axis, " is out of range [", -rank,
                ", ", rank, "] for input ", ShapeToString(x->shape()));
    if (axis < 0) axis += rank;
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < rank; ++d) (d < axis ? outer : inner) *= x->dim(d);
    MaceStatus s = CopyWithShape(ctx, x, {outer, inner}, Output(0));
    if (!s.ok()) return InvalidArgs(Where(), s.information());
    return s;
  }
};

class SqueezeOp : public Operation {
 public:
  using Operation::Operation;
  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "needs the data input");
    const int rank = x->ndim();
    std::vector<bool> drop(rank, false);
    if (Input(1) != nullptr) {
      std::vector<int64_t> axes;
      MACE_RETURN_IF_ERROR(ReadIntInput(1, &axes));
      for (int64_t a : axes) {
        int64_t axis = 0;
        MACE_ENSURE(dm::NormalizeAxis(a, rank, &axis), Where(), "axis ", a,
                    " is out of range for input ", ShapeToString(x->shape()));
        MACE_ENSURE(!drop[axis], Where(), "axis ", a, " is repeated");
        MACE_ENSURE(x->dim(static_cast<int>(axis)) == 1, Where(), "cannot squeeze axis ", a, " of input ",
                    ShapeToString(x->shape()), ": its size is not 1");
        drop[axis] = true;
      }
    } else {
      for (int d = 0; d < rank; ++d) drop[d] = x->dim(d) == 1;
    }
    Shape shape;
    for (int d = 0; d < rank; ++d)
      if (!drop[d]) shape.push_back(x->dim(d));
    MaceStatus s = CopyWithShape(ctx, x, shape, Output(0));
    if (!s.ok()) return InvalidArgs(Where(), s.information());
    return s;
  }
};

class UnsqueezeOp : public Operation {
 public:
  using Operation::Operation;
  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr && Input(1) != nullptr, Where(), "needs the data and axes inputs");
    std::vector<int64_t> axes;
    MACE_RETURN_IF_ERROR(ReadIntInput(1, &axes));
    const int64_t out_rank = x->ndim() + static_cast<int64_t>(axes.size());
    std::vector<bool> added(out_rank, false);
    for (int64_t a : axes) {
      int64_t axis = 0;
      MACE_ENSURE(dm::NormalizeAxis(a, out_rank, &axis), Where(), "axis ", a,
                  " is out of range for output rank ", out_rank);
      MACE_ENSURE(!added[axis], Where(), "axis ", a, " is repeated");
      added[axis] = true;
    }
    Shape shape(out_rank, 1);
    int next = 0;
    for (int64_t d = 0; d < out_rank; ++d)
      if (!added[d]) shape[d] = x->dim(next++);
    MaceStatus s = CopyWithShape(ctx, x, shape, Output(0));
    if (!s.ok()) return InvalidArgs(Where(), s.information());
    return s;
  }
};

}  // namespace

MACE_OP_REGISTRAR(Reshape) {
  MACE_REGISTER_CPU_OP(registry, "Reshape", ReshapeOp, DataType::DT_INVALID);
  MACE_REGISTER_CPU_OP(registry, "Flatten", FlattenOp, DataType::DT_INVALID);
  MACE_REGISTER_CPU_OP(registry, "Squeeze", SqueezeOp, DataType::DT_INVALID);
  MACE_REGISTER_CPU_OP(registry, "Unsqueeze", UnsqueezeOp, DataType::DT_INVALID);
}

}  // namespace mace
