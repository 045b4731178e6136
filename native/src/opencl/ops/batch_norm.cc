// GPU BatchNormalization (inference): constant scale, B, input_mean, input_var of C elements
// and epsilon, folded once (first Run, in double) into a per-channel scale a = scale /
// sqrt(var + eps) and offset B - mean * a, kept in images of the engine's storage type.
// X of rank 2..4 ([N, C], [N, C, L], [N, C, H, W]) or rank 1 (C = 1). Refused: training_mode,
// non-constant or non-float parameters, more than one output, other ranks.
#include <cmath>

#include "opencl/gpu_op.h"
#include "opencl/image_ops.h"

namespace mace {
namespace opencl {

class GpuBatchNormOp : public GpuOperation {
 public:
  using GpuOperation::GpuOperation;

  bool Supports(const OpContext *ctx, std::string *why) const override {
    if (GetInt("training_mode", 0) != 0) {
      *why = "training_mode (GPU kernel: inference)";
      return false;
    }
    if (OutputSize() > 1) {
      *why = "running mean/var outputs (GPU kernel: inference)";
      return false;
    }
    if (!FloatInputs({0, 1, 2, 3, 4}, why)) return false;
    for (int i = 1; i <= 4; ++i)
      if (!ConstInput(i, why)) return false;
    if (ctx == nullptr) return true;
    if (!HasGpu(ctx, why)) return false;
    const Tensor *x = Input(0);
    if (x->ndim() < 1 || x->ndim() > 4) {
      *why = "input " + ShapeToString(x->shape()) + " (GPU kernel: rank 1..4)";
      return false;
    }
    const int64_t channels = x->ndim() >= 2 ? x->dim(1) : 1;
    for (int i = 1; i <= 4; ++i)
      if (Input(i)->ndim() > 1 || Input(i)->size() != channels) {
        *why = "parameter shapes do not match C (the CPU kernel reports it)";
        return false;
      }
    return Fits(ctx, x->shape(), why);
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    NCHWShape v;
    std::string why;
    if (!ImageView(x->shape(), &v, &why)) return InvalidArgs(Where(), why);
    OpenCLRuntime *rt = Memory(ctx)->runtime();
    if (scale_.get() == nullptr || folded_channels_ != v.c) {
      // The view's channels: C, or for a rank-1 X (C = 1) its N elements, sharing one value.
      const bool one = x->ndim() < 2;
      const double eps = GetFloat("epsilon", 1e-5f);
      const float *s = Input(1)->data<float>(), *b = Input(2)->data<float>(), *m = Input(3)->data<float>(),
                  *var = Input(4)->data<float>();
      std::vector<float> scale(size_t(v.c)), offset(size_t(v.c));
      for (int c = 0; c < v.c; ++c) {
        const int p = one ? 0 : c;
        // As the CPU kernel: a = scale / sqrt(var + eps) rounded to float, then B - mean * a.
        const float a = float(double(s[p]) / std::sqrt(double(var[p]) + eps));
        scale[c] = a;
        offset[c] = float(double(b[p]) - double(m[p]) * double(a));
      }
      const ImageType storage = Memory(ctx)->image_type();
      MACE_RETURN_IF_ERROR(UploadImage(rt, scale, NCHWShape{1, v.c, 1, 1}, storage, &scale_));
      MACE_RETURN_IF_ERROR(UploadImage(rt, offset, NCHWShape{1, v.c, 1, 1}, storage, &offset_));
      folded_channels_ = v.c;
    }
    cl_mem in, out;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &in));
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, x->shape(), &out));
    cl_kernel kernel;
    MACE_RETURN_IF_ERROR(Kernel(ctx, "batch_norm", "batch_norm", "", &kernel));
    const int cbs = ChannelBlocks(v.c);
    MACE_RETURN_IF_ERROR(
        SetKernelArgs(rt->cl(), kernel, in, scale_.get(), offset_.get(), cl_int(cbs), cl_int(v.w), cl_int(v.n * v.h), out));
    return Enqueue(ctx, kernel, {size_t(cbs), size_t(v.w), size_t(v.n) * v.h});
  }

 private:
  CLObject<cl_mem> scale_, offset_;
  int folded_channels_ = -1;
};

}  // namespace opencl

MACE_OP_REGISTRAR(GpuBatchNorm) {
  MACE_REGISTER_GPU_OP(registry, "BatchNormalization", opencl::GpuBatchNormOp, DataType::DT_INVALID);
}

}  // namespace mace
