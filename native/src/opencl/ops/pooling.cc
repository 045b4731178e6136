// GPU kernels of MaxPool, AveragePool (2-D: rank-4 input; kernel_shape, strides, pads or
// auto_pad, dilations, ceil_mode, count_include_pad; window arithmetic shared with the CPU
// kernel through conv::ForwardWindow) and GlobalAveragePool / GlobalMaxPool (rank 2..4).
// Refused: other ranks, MaxPool's Indices output, non-float inputs, invalid args (the CPU
// kernel reports them).
#include <algorithm>

#include "opencl/gpu_op.h"
#include "opencl/image_ops.h"
#include "ops/common/conv_util.h"

namespace mace {
namespace opencl {

namespace {

}  // namespace

class GpuPoolOp : public GpuOperation {
 public:
  GpuPoolOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : GpuOperation(def, std::move(inputs), std::move(outputs)), is_max_(def.type == "MaxPool") {}

  bool Supports(const OpContext *ctx, std::string *why) const override {
    if (!FloatInputs({0}, why)) return false;
    if (is_max_ && OutputSize() > 1 && outputs_[1] != nullptr && !def_.outputs[1].empty()) {
      *why = "MaxPool Indices output (GPU kernel: values only)";
      return false;
    }
    if (!is_max_ && GetInt("count_include_pad", 0) != 0 && GetInt("count_include_pad", 0) != 1) {
      *why = "invalid count_include_pad";
      return false;
    }
    if (ctx == nullptr) return true;
    if (!HasGpu(ctx, why)) return false;
    if (Input(0)->ndim() != 4) {
      *why = "input " + ShapeToString(Input(0)->shape()) + " (GPU kernel: 2-D pooling, rank 4)";
      return false;
    }
    conv::Window3 win;
    MaceStatus s = Window(&win);
    if (!s.ok()) {
      *why = s.information();
      return false;
    }
    const Shape out{Input(0)->dim(0), Input(0)->dim(1), win.out[1], win.out[2]};
    return Fits(ctx, Input(0)->shape(), why) && Fits(ctx, out, why);
  }

  MaceStatus Run(OpContext *ctx) override {
    conv::Window3 win;
    MACE_RETURN_IF_ERROR(Window(&win));
    const Tensor *x = Input(0);
    const Shape out_shape{x->dim(0), x->dim(1), win.out[1], win.out[2]};
    cl_mem in, out;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &in));
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, out_shape, &out));
    std::string options = is_max_ ? "-DPOOL_MAX" : "";
    if (!is_max_ && GetInt("count_include_pad", 0) == 1) options += " -DCOUNT_INCLUDE_PAD";
    cl_kernel kernel;
    MACE_RETURN_IF_ERROR(Kernel(ctx, "pooling", "pooling", options, &kernel));
    const NCHWShape iv = ImageViewOf(x->shape()), ov = ImageViewOf(out_shape);
    const int cbs = ChannelBlocks(iv.c);
    auto i2 = [](int64_t a, int64_t b) { return cl_int2{{cl_int(a), cl_int(b)}}; };
    MACE_RETURN_IF_ERROR(SetKernelArgs(
        Memory(ctx)->runtime()->cl(), kernel, in, cl_int(iv.h), cl_int(iv.w), cl_int(ov.h), cl_int(ov.w),
        cl_int(cbs), i2(win.stride[1], win.stride[2]), i2(win.pad_begin[1], win.pad_begin[2]),
        i2(win.dilation[1], win.dilation[2]), i2(win.kernel[1], win.kernel[2]),
        i2(win.in[1] + win.pad_end[1], win.in[2] + win.pad_end[2]), cl_int(ov.n * ov.h), out));
    return Enqueue(ctx, kernel, {size_t(cbs), size_t(ov.w), size_t(ov.n) * ov.h});
  }

 private:
  // The CPU kernel's window (pads, output size) for the current input.
  MaceStatus Window(conv::Window3 *win) const {
    conv::AutoPad auto_pad;
    MACE_RETURN_IF_ERROR(conv::ParseAutoPad(*this, &auto_pad));
    const int64_t ceil_mode = GetInt("ceil_mode", 0);
    MACE_ENSURE(ceil_mode == 0 || ceil_mode == 1, Where(), "ceil_mode must be 0 or 1");
    conv::SpatialArgs args;
    args.kernel = GetInts("kernel_shape");
    MACE_ENSURE(args.kernel.size() == 2, Where(), "kernel_shape must have 2 values");
    for (int64_t k : args.kernel) MACE_ENSURE(k >= 1, Where(), "kernel_shape values must be >= 1");
    MACE_RETURN_IF_ERROR(conv::ReadSpatialInts(*this, "strides", 2, 1, 1, &args.strides));
    MACE_RETURN_IF_ERROR(conv::ReadSpatialInts(*this, "dilations", 2, 1, 1, &args.dilations));
    MACE_RETURN_IF_ERROR(conv::ReadSpatialInts(*this, "pads", 4, 0, 0, &args.pads));
    const Tensor *x = Input(0);
    return conv::ForwardWindow(*this, auto_pad, {x->dim(2), x->dim(3)}, args, ceil_mode == 1, win);
  }

  const bool is_max_;
};

class GpuGlobalPoolOp : public GpuOperation {
 public:
  GpuGlobalPoolOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : GpuOperation(def, std::move(inputs), std::move(outputs)), is_max_(def.type == "GlobalMaxPool") {}

  bool Supports(const OpContext *ctx, std::string *why) const override {
    if (!FloatInputs({0}, why)) return false;
    if (ctx == nullptr) return true;
    if (!HasGpu(ctx, why)) return false;
    const int rank = Input(0)->ndim();
    if (rank < 2 || rank > 4) {
      *why = "input " + ShapeToString(Input(0)->shape()) + " (GPU kernel: rank 2..4)";
      return false;
    }
    return Fits(ctx, Input(0)->shape(), why);
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    Shape out_shape = x->shape();
    for (size_t i = 2; i < out_shape.size(); ++i) out_shape[i] = 1;
    const NCHWShape iv = ImageViewOf(x->shape());
    const int cbs = ChannelBlocks(iv.c);
    cl_mem in, out;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &in));
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, out_shape, &out));
    const std::string type = is_max_ ? "-DPOOL_MAX" : "";
    const float count = float(int64_t(iv.h) * iv.w);
    const OpenCLLibrary &cl = Memory(ctx)->runtime()->cl();
    // Rows per work item: about kPixels pixels each. Small planes (7x7) take one launch.
    constexpr int kPixels = 128;
    const int rows = std::max(1, std::min(iv.h, kPixels / iv.w));
    const int parts = (iv.h + rows - 1) / rows;
    cl_kernel kernel;
    if (parts <= 2) {
      MACE_RETURN_IF_ERROR(Kernel(ctx, "pooling", "global_pool", type, &kernel));
      MACE_RETURN_IF_ERROR(SetKernelArgs(cl, kernel, in, cl_int(iv.h), cl_int(iv.w), cl_int(iv.h), cl_int(1),
                                         cl_int(cbs), count, cl_int(iv.n), out));
      return Enqueue(ctx, kernel, {size_t(cbs), size_t(iv.n)});
    }
    // Stage 1: partial results of `rows` rows each, into a float image [cbs, N * parts].
    const ImageShape partial_shape{size_t(cbs), size_t(iv.n) * parts};
    if (partial_.get() == nullptr || partial_shape.width > partial_shape_.width ||
        partial_shape.height > partial_shape_.height) {
      partial_shape_ = {std::max(partial_shape.width, partial_shape_.width),
                        std::max(partial_shape.height, partial_shape_.height)};
      MACE_RETURN_IF_ERROR(CreateImage(Memory(ctx)->runtime(), partial_shape_, ImageType::kFloat, &partial_));
    }
    MACE_RETURN_IF_ERROR(Kernel(ctx, "pooling", "global_pool", type + " -DPARTIAL_OUT", &kernel));
    MACE_RETURN_IF_ERROR(SetKernelArgs(cl, kernel, in, cl_int(iv.h), cl_int(iv.w), cl_int(rows), cl_int(parts),
                                       cl_int(cbs), count, cl_int(iv.n * parts), partial_.get()));
    MACE_RETURN_IF_ERROR(Enqueue(ctx, kernel, {size_t(cbs), size_t(iv.n) * parts}));
    // Stage 2: reduce the parts of each (channel block, n).
    MACE_RETURN_IF_ERROR(Kernel(ctx, "pooling", "global_pool", type + " -DFLOAT_IN", &kernel));
    MACE_RETURN_IF_ERROR(SetKernelArgs(cl, kernel, partial_.get(), cl_int(parts), cl_int(1), cl_int(parts),
                                       cl_int(1), cl_int(cbs), count, cl_int(iv.n), out));
    return Enqueue(ctx, kernel, {size_t(cbs), size_t(iv.n)});
  }

 private:
  const bool is_max_;
  CLObject<cl_mem> partial_;  // stage-1 results (float: sums keep their precision)
  ImageShape partial_shape_;
};

}  // namespace opencl

MACE_OP_REGISTRAR(GpuPooling) {
  MACE_REGISTER_GPU_OP(registry, "MaxPool", opencl::GpuPoolOp, DataType::DT_INVALID);
  MACE_REGISTER_GPU_OP(registry, "AveragePool", opencl::GpuPoolOp, DataType::DT_INVALID);
  MACE_REGISTER_GPU_OP(registry, "GlobalMaxPool", opencl::GpuGlobalPoolOp, DataType::DT_INVALID);
  MACE_REGISTER_GPU_OP(registry, "GlobalAveragePool", opencl::GpuGlobalPoolOp, DataType::DT_INVALID);
}

}  // namespace mace
