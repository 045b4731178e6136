// GPU PRelu with a constant slope that varies at most along the channel axis of the image view:
// a scalar / one-element slope, or C values ([C], [C, 1, 1], [1, C, 1, 1] for [N, C, H, W];
// [C] or [1, C] for [N, C]; [C, 1] for [N, C, L]). The slope is expanded once into a
// [ceil(C/4), 1] image of the engine's storage type. Refused: non-constant slopes, slopes that
// vary along other axes (e.g. [W]), non-float data.
#include "opencl/gpu_op.h"
#include "opencl/image_ops.h"

namespace mace {
namespace opencl {

class GpuPReluOp : public GpuOperation {
 public:
  using GpuOperation::GpuOperation;

  bool Supports(const OpContext *ctx, std::string *why) const override {
    if (!FloatInputs({0, 1}, why)) return false;
    if (!ConstInput(1, why)) return false;
    if (ctx == nullptr) return true;
    if (!HasGpu(ctx, why)) return false;
    const Tensor *x = Input(0), *slope = Input(1);
    if (x->ndim() < 1 || x->ndim() > 4) {
      *why = "input " + ShapeToString(x->shape()) + " (GPU kernel: rank 1..4)";
      return false;
    }
    if (slope->size() != 1 && !PerChannel(x->shape(), slope->shape())) {
      *why = "slope " + ShapeToString(slope->shape()) + " for X " + ShapeToString(x->shape()) +
             " (GPU kernel: a scalar or per-channel slope)";
      return false;
    }
    return Fits(ctx, x->shape(), why);
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0), *slope = Input(1);
    NCHWShape v;
    std::string why;
    if (!ImageView(x->shape(), &v, &why)) return InvalidArgs(Where(), why);
    OpenCLRuntime *rt = Memory(ctx)->runtime();
    if (slope_.get() == nullptr || slope_channels_ != v.c) {
      std::vector<float> values(size_t(v.c));
      for (int c = 0; c < v.c; ++c) values[c] = slope->data<float>()[slope->size() == 1 ? 0 : c];
      MACE_RETURN_IF_ERROR(UploadImage(rt, values, NCHWShape{1, v.c, 1, 1}, Memory(ctx)->image_type(), &slope_));
      slope_channels_ = v.c;
    }
    cl_mem in, out;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &in));
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, x->shape(), &out));
    cl_kernel kernel;
    MACE_RETURN_IF_ERROR(Kernel(ctx, "prelu", "prelu", "", &kernel));
    const int cbs = ChannelBlocks(v.c);
    MACE_RETURN_IF_ERROR(SetKernelArgs(rt->cl(), kernel, in, slope_.get(), cl_int(cbs), cl_int(v.w), cl_int(v.n * v.h), out));
    return Enqueue(ctx, kernel, {size_t(cbs), size_t(v.w), size_t(v.n) * v.h});
  }

 private:
  // Whether `slope`, aligned to the right of `x` (numpy), has C values along X's channel axis
  // (1 for ranks 2..4, 0 for rank 1) and 1 elsewhere.
  static bool PerChannel(const Shape &x, const Shape &slope) {
    if (slope.size() > x.size()) return false;
    const size_t channel_axis = x.size() == 1 ? 0 : 1;
    for (size_t i = 0; i < slope.size(); ++i) {
      const size_t axis = x.size() - slope.size() + i;
      const int64_t want = axis == channel_axis ? x[axis] : 1;
      if (slope[i] != want) return false;
    }
    // The slope must reach the channel axis.
    return x.size() - slope.size() <= channel_axis;
  }

  CLObject<cl_mem> slope_;
  int slope_channels_ = -1;
};

}  // namespace opencl

MACE_OP_REGISTRAR(GpuPRelu) {
  MACE_REGISTER_GPU_OP(registry, "PRelu", opencl::GpuPReluOp, DataType::DT_INVALID);
}

}  // namespace mace
