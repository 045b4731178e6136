// Split (ONNX Split-18): cuts a tensor of any element type into pieces along `axis`, sized by
// the optional int64 `split` input, else into `num_outputs` (or as many as the op has outputs)
// chunks of ceil(dim / n) with a smaller last chunk.
#include <cstring>

#include "core/op_registry.h"
#include "ops/common/strided_copy.h"

namespace mace {
namespace {

class SplitOp : public Operation {
 public:
  using Operation::Operation;
  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "needs the input tensor");
    const int rank = x->ndim();
    MACE_ENSURE(rank >= 1, Where(), "cannot split a scalar");
    int64_t axis = 0;
    MACE_ENSURE(dm::NormalizeAxis(GetInt("axis", 0), rank, &axis), Where(), "axis ",
                GetInt("axis", 0), " is out of range for rank ", rank);
    const int n = OutputSize();
    MACE_ENSURE(n >= 1, Where(), "needs at least one output");
    const int64_t dim = x->dim(static_cast<int>(axis));
    std::vector<int64_t> sizes;
    const Tensor *split = Input(1);
    if (split != nullptr && split->size() > 0) {
      MACE_ENSURE(!HasArg("num_outputs"), Where(), "give either the 'split' input or 'num_outputs', not both");
      MACE_RETURN_IF_ERROR(ReadIntInput(1, &sizes));
      MACE_ENSURE(static_cast<int>(sizes.size()) == n, Where(), "'split' has ", sizes.size(),
                  " entries but the op has ", n, " outputs");
      int64_t sum = 0;
      for (int64_t s : sizes) {
        MACE_ENSURE(s >= 0, Where(), "'split' has a negative size ", s);
        sum += s;
      }
      MACE_ENSURE(sum == dim, Where(), "'split' sizes add up to ", sum, " but axis ", axis,
                  " of input ", ShapeToString(x->shape()), " has ", dim);
    } else {
      const int64_t parts = GetInt("num_outputs", n);
      MACE_ENSURE(parts == n, Where(), "num_outputs is ", parts, " but the op has ", n, " outputs");
      const int64_t chunk = (dim + parts - 1) / parts;
      sizes.assign(static_cast<size_t>(n), chunk);
      sizes.back() = dim - chunk * (parts - 1);
      MACE_ENSURE(sizes.back() >= 0, Where(), "cannot split dimension ", dim, " into ", parts,
                  " chunks of ", chunk);
    }
    const int64_t es = static_cast<int64_t>(DataTypeSize(x->dtype()));
    int64_t outer = 1, inner = es;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    for (int d = static_cast<int>(axis) + 1; d < rank; ++d) inner *= x->dim(d);
    const int64_t in_pitch = dim * inner;
    const uint8_t *src = static_cast<const uint8_t *>(x->raw_data());
    int64_t offset = 0;
    for (int i = 0; i < n; ++i) {
      Shape shape = x->shape();
      shape[axis] = sizes[i];
      Tensor *y = Output(i);
      MACE_RETURN_IF_ERROR(y->Resize(shape, x->dtype()));
      const int64_t pitch = sizes[i] * inner;
      if (pitch > 0) dm::CopyBlocks(ctx->thread_pool, y->raw_mutable_data(), pitch, src + offset, in_pitch, pitch, outer);
      offset += pitch;
    }
    return MaceStatus::MACE_SUCCESS;
  }
};

}  // namespace

MACE_OP_REGISTRAR(Split) {
  MACE_REGISTER_CPU_OP(registry, "Split", SplitOp, DataType::DT_INVALID);
}

}  // namespace mace
