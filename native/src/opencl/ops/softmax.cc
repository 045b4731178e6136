// GPU Softmax and LogSoftmax over the channel axis of the image view: axis 1 of ranks 2..4
// (e.g. [N, C] with axis 1 or -1, [N, C, H, W] with axis 1), axis 0 of rank 1; with coerce_2d
// (opset < 13) only where that is the same (no dims after the channels but 1s). Other axes are
// refused (they run over pixels, not channels).
#include "opencl/gpu_op.h"
#include "opencl/image_ops.h"

namespace mace {
namespace opencl {

class GpuSoftmaxOp : public GpuOperation {
 public:
  using GpuOperation::GpuOperation;

  bool Supports(const OpContext *ctx, std::string *why) const override {
    if (!FloatInputs({0}, why)) return false;
    if (ctx == nullptr) return true;
    if (!HasGpu(ctx, why)) return false;
    const Tensor *x = Input(0);
    const int rank = x->ndim();
    const bool coerce_2d = GetInt("coerce_2d", 0) != 0;
    int64_t axis = GetInt("axis", coerce_2d ? 1 : -1);
    if (rank < 1 || rank > 4 || axis < -rank || axis >= rank) {
      *why = "input " + ShapeToString(x->shape()) + " with axis " + std::to_string(axis) +
             " (GPU kernel: the channel axis of rank 1..4)";
      return false;
    }
    if (axis < 0) axis += rank;
    bool channels = axis == (rank == 1 ? 0 : 1);
    if (channels && coerce_2d)
      for (int d = int(axis) + 1; d < rank; ++d) channels = channels && x->dim(d) == 1;
    if (!channels) {
      *why = "axis " + std::to_string(GetInt("axis", coerce_2d ? 1 : -1)) + " of " + ShapeToString(x->shape()) +
             (coerce_2d ? " with coerce_2d" : "") + " (GPU kernel: the channel axis)";
      return false;
    }
    return Fits(ctx, x->shape(), why);
  }

  MaceStatus Run(OpContext *ctx) override {
    NCHWShape v;
    std::string why;
    if (!ImageView(Input(0)->shape(), &v, &why)) return InvalidArgs(Where(), why);
    cl_mem in, out;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &in));
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, Input(0)->shape(), &out));
    cl_kernel kernel;
    MACE_RETURN_IF_ERROR(Kernel(ctx, "softmax", "softmax", type() == "LogSoftmax" ? "-DLOG" : "", &kernel));
    const int cbs = ChannelBlocks(v.c);
    MACE_RETURN_IF_ERROR(
        SetKernelArgs(Memory(ctx)->runtime()->cl(), kernel, in, cl_int(v.c), cl_int(cbs), cl_int(v.w), cl_int(v.n * v.h), out));
    return Enqueue(ctx, kernel, {size_t(cbs), size_t(v.w), size_t(v.n) * v.h});
  }
};

}  // namespace opencl

MACE_OP_REGISTRAR(GpuSoftmax) {
  MACE_REGISTER_GPU_OP(registry, "Softmax", opencl::GpuSoftmaxOp, DataType::DT_INVALID);
  MACE_REGISTER_GPU_OP(registry, "LogSoftmax", opencl::GpuSoftmaxOp, DataType::DT_INVALID);
}

}  // namespace mace
