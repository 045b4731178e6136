// GPU kernels of Conv (ONNX Conv as ops/conv.cc computes it) on MACE's channel-major images:
//   group 1, 1x1 kernel, no padding, any stride  -> conv_2d_1x1 (4 out channels x 4 widths)
//   group 1, 3x3 kernel                          -> conv_2d built as conv_2d_3x3 (4 x 5)
//   group 1, any other kernel (or padded 1x1)    -> conv_2d (4 x 4)
//   depthwise (group = C_in = C_out)             -> depthwise_conv2d (4 channels x 4 widths)
// with strides, dilations, explicit pads or auto_pad, the optional bias and the fused activation.
// Weights (constant inputs) are transformed on the GPU into MACE's filter images on the first run.
// Refused (the CPU kernel runs): 1-D and 3-D convs, non-constant weights or bias, grouped convs
// that are not depthwise, depthwise with a channel multiplier > 1, shapes past the image limits.
#include <string>
#include <vector>

#include "opencl/gpu_op.h"
#include "opencl/image_ops.h"
#include "ops/common/activation.h"
#include "ops/common/conv_util.h"

namespace mace {
namespace opencl {

namespace {

enum class ConvKind { k1x1, k3x3, kGeneral, kDepthwise };

// What one run computes: the kernel, the 2-D window and the NCHW sizes.
struct ConvPlan {
  ConvKind kind = ConvKind::kGeneral;
  int n = 0, in_c = 0, in_h = 0, in_w = 0;
  int out_c = 0, out_h = 0, out_w = 0;
  int kh = 0, kw = 0, stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1, pad_top = 0, pad_left = 0;
};

bool FitsInt(int64_t v) { return v >= 0 && v <= (int64_t(1) << 30); }

}  // namespace

class GpuConvOp : public GpuOperation {
 public:
  GpuConvOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : GpuOperation(def, std::move(inputs), std::move(outputs)) {}

  MaceStatus Init() override {
    MACE_RETURN_IF_ERROR(Activation::FromOp(*this, &act_));
    MACE_RETURN_IF_ERROR(conv::ParseAutoPad(*this, &auto_pad_));
    group_ = GetInt("group", 1);
    return MaceStatus();
  }

  bool Supports(const OpContext *ctx, std::string *why) const override {
    if (InputSize() < 2 || InputSize() > 3) {
      *why = std::to_string(InputSize()) + " inputs (GPU kernel: X, W and optional B)";
      return false;
    }
    if (!FloatInputs({0, 1}, why) || !ConstInput(1, why)) return false;
    const Tensor *b = Input(2);
    if (b != nullptr && (!FloatInputs({2}, why) || !ConstInput(2, why))) return false;
    const Tensor *w = Input(1);
    if (w->ndim() != 4) {
      *why = std::to_string(w->ndim() - 2) + "-D conv (GPU kernel: 2-D)";
      return false;
    }
    if (ctx == nullptr) return true;
    if (!HasGpu(ctx, why)) return false;
    ConvPlan plan;
    return Plan(&plan, why) && FitsPlan(ctx, plan, why);
  }

  MaceStatus Run(OpContext *ctx) override {
    ConvPlan p;
    std::string why;
    if (!Plan(&p, &why)) return Unsupported(Where(), why);
    OpenCLRuntime *rt = Memory(ctx)->runtime();
    MACE_RETURN_IF_ERROR(PrepareWeights(ctx, p));

    cl_mem in_image, out_image;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &in_image));
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, Shape{p.n, p.out_c, p.out_h, p.out_w}, &out_image));
    const bool bias = bias_.get() != nullptr;
    std::string options = ActivationOptions(act_) + (bias ? " -DBIAS" : "");
    // Without bias the kernel does not read its bias argument; any image does.
    cl_mem bias_image = bias ? bias_.get() : filter_.get();
    const cl_int out_ch_blks = ChannelBlocks(p.out_c), out_hb = p.n * p.out_h;
    cl_kernel kernel;
    switch (p.kind) {
      case ConvKind::k1x1: {
        const cl_int out_w_blks = (p.out_w + 3) / 4;
        MACE_RETURN_IF_ERROR(Kernel(ctx, "conv_2d_1x1", "conv_2d_1x1", options, &kernel));
        MACE_RETURN_IF_ERROR(SetKernelArgs(rt->cl(), kernel, in_image, filter_.get(), bias_image, out_image,
                                           act_.alpha, act_.beta, cl_int(p.in_h), cl_int(p.in_w),
                                           cl_int(p.in_c / 4), cl_int(p.in_c % 4), out_ch_blks, cl_int(p.out_h),
                                           cl_int(p.out_w), out_w_blks, out_hb, cl_int(p.stride_h),
                                           cl_int(p.stride_w)));
        return Enqueue(ctx, kernel, {size_t(out_ch_blks), size_t(out_w_blks), size_t(out_hb)});
      }
      case ConvKind::k3x3:
      case ConvKind::kGeneral: {
        const int widths = p.kind == ConvKind::k3x3 ? 5 : 4;
        if (p.kind == ConvKind::k3x3) options += " -DFILTER_H=3 -DFILTER_W=3 -DOUT_W_BLK=5";
        const cl_int out_w_blks = (p.out_w + widths - 1) / widths;
        MACE_RETURN_IF_ERROR(Kernel(ctx, "conv_2d", "conv_2d", options, &kernel));
        MACE_RETURN_IF_ERROR(SetKernelArgs(
            rt->cl(), kernel, in_image, filter_.get(), bias_image, out_image, act_.alpha, act_.beta,
            cl_int(p.in_h), cl_int(p.in_w), cl_int(p.in_c / 4), cl_int(p.in_c % 4), out_ch_blks, cl_int(p.out_h),
            cl_int(p.out_w), out_w_blks, out_hb, cl_int(p.kh), cl_int(p.kw), cl_int(p.stride_h), cl_int(p.stride_w),
            cl_int(p.pad_top), cl_int(p.pad_left), cl_int(p.dil_h), cl_int(p.dil_w)));
        return Enqueue(ctx, kernel, {size_t(out_ch_blks), size_t(out_w_blks), size_t(out_hb)});
      }
      case ConvKind::kDepthwise: {
        const cl_int out_w_blks = (p.out_w + 3) / 4;
        options += StrCat(" -DFILTER_H=", p.kh, " -DFILTER_W=", p.kw);
        if (p.stride_w == 1 && p.dil_w == 1) options += " -DSTRIDE1";
        MACE_RETURN_IF_ERROR(Kernel(ctx, "depthwise_conv2d", "depthwise_conv2d", options, &kernel));
        MACE_RETURN_IF_ERROR(SetKernelArgs(rt->cl(), kernel, in_image, filter_.get(), bias_image, out_image,
                                           act_.alpha, act_.beta, cl_int(p.in_h), cl_int(p.in_w), out_ch_blks,
                                           cl_int(p.out_h), cl_int(p.out_w), out_w_blks, out_hb,
                                           cl_int(p.stride_h), cl_int(p.stride_w), cl_int(p.pad_top),
                                           cl_int(p.pad_left), cl_int(p.dil_h), cl_int(p.dil_w)));
        return Enqueue(ctx, kernel, {size_t(out_ch_blks), size_t(out_w_blks), size_t(out_hb)});
      }
    }
    return Unsupported(Where(), "unknown conv kind");
  }

 private:
  // The case for the current shapes; false (and *why) when the GPU kernels do not compute it.
  bool Plan(ConvPlan *p, std::string *why) const {
    const Tensor *x = Input(0), *w = Input(1), *b = Input(2);
    if (x->ndim() != 4 || w->ndim() != 4) {
      *why = "X " + ShapeToString(x->shape()) + " (GPU kernel: 2-D conv, X of rank 4)";
      return false;
    }
    const int64_t channels = x->dim(1), filters = w->dim(0);
    if (group_ < 1 || channels % group_ != 0 || w->dim(1) * group_ != channels || filters % group_ != 0) {
      *why = "X " + ShapeToString(x->shape()) + " and W " + ShapeToString(w->shape()) + " do not match group " +
             std::to_string(group_);
      return false;
    }
    if (b != nullptr && (b->ndim() != 1 || b->dim(0) != filters)) {
      *why = "B " + ShapeToString(b->shape()) + " is not [" + std::to_string(filters) + "]";
      return false;
    }
    if (group_ == 1) {
      p->kind = ConvKind::kGeneral;
    } else if (w->dim(1) == 1 && filters == channels) {
      p->kind = ConvKind::kDepthwise;
    } else if (w->dim(1) == 1) {
      *why = "depthwise conv with channel multiplier " + std::to_string(filters / channels) +
             " (GPU kernel: multiplier 1)";
      return false;
    } else {
      *why = "group " + std::to_string(group_) + " of " + std::to_string(channels) +
             " input channels (GPU kernel: group 1 or depthwise)";
      return false;
    }
    conv::SpatialArgs args;
    conv::Window3 win;
    MaceStatus s = conv::ReadKernelArgs(*this, w, 2, &args);
    if (s.ok()) s = conv::ForwardWindow(*this, auto_pad_, {x->dim(2), x->dim(3)}, args, false, &win);
    if (!s.ok()) {
      *why = s.information();
      return false;
    }
    const int64_t dims[] = {x->dim(0), channels, win.in[1], win.in[2], filters, win.out[1], win.out[2],
                            win.kernel[1], win.kernel[2], win.stride[1], win.stride[2], win.dilation[1],
                            win.dilation[2], win.pad_begin[1], win.pad_begin[2],
                            (win.kernel[1] - 1) * win.dilation[1] + 1, (win.kernel[2] - 1) * win.dilation[2] + 1};
    for (int64_t d : dims)
      if (!FitsInt(d)) {
        *why = "sizes past the GPU kernel's int range";
        return false;
      }
    p->n = int(x->dim(0));
    p->in_c = int(channels);
    p->in_h = int(win.in[1]);
    p->in_w = int(win.in[2]);
    p->out_c = int(filters);
    p->out_h = int(win.out[1]);
    p->out_w = int(win.out[2]);
    p->kh = int(win.kernel[1]);
    p->kw = int(win.kernel[2]);
    p->stride_h = int(win.stride[1]);
    p->stride_w = int(win.stride[2]);
    p->dil_h = int(win.dilation[1]);
    p->dil_w = int(win.dilation[2]);
    p->pad_top = int(win.pad_begin[1]);
    p->pad_left = int(win.pad_begin[2]);
    if (p->kind == ConvKind::kGeneral) {
      const bool unpadded = win.pad_begin[1] == 0 && win.pad_begin[2] == 0 && win.pad_end[1] == 0 &&
                            win.pad_end[2] == 0;
      if (p->kh == 1 && p->kw == 1 && unpadded) p->kind = ConvKind::k1x1;
      else if (p->kh == 3 && p->kw == 3) p->kind = ConvKind::k3x3;
    }
    return true;
  }

  // The activation images and this op's weight images fit the device.
  bool FitsPlan(const OpContext *ctx, const ConvPlan &p, std::string *why) const {
    if (!Fits(ctx, Input(0)->shape(), why) || !Fits(ctx, Shape{p.n, p.out_c, p.out_h, p.out_w}, why)) return false;
    const OpenCLRuntime *rt = Memory(ctx)->runtime();
    const ImageShape f = FilterImageShape(p);
    if (f.width > rt->image2d_max_width() || f.height > rt->image2d_max_height()) {
      *why = StrCat("filter image ", f.width, "x", f.height, " exceeds the device's image limits ",
                    rt->image2d_max_width(), "x", rt->image2d_max_height());
      return false;
    }
    if (size_t(ChannelBlocks(p.out_c)) > rt->image2d_max_width()) {
      *why = "bias image exceeds the device's image width";
      return false;
    }
    return true;
  }

  static ImageShape FilterImageShape(const ConvPlan &p) {
    const size_t taps = size_t(p.kh) * size_t(p.kw);
    if (p.kind == ConvKind::kDepthwise) return {taps, size_t(ChannelBlocks(p.in_c))};
    return {size_t(p.in_c), size_t(ChannelBlocks(p.out_c)) * taps};
  }

  // Transforms W (and B) into this op's images once: weights are constants.
  MaceStatus PrepareWeights(OpContext *ctx, const ConvPlan &p) {
    if (filter_.get() != nullptr) return MaceStatus();
    GpuMemory *memory = Memory(ctx);
    OpenCLRuntime *rt = memory->runtime();
    const Tensor *w = Input(1), *b = Input(2);
    const ImageShape fshape = FilterImageShape(p);
    CLObject<cl_mem> wbuf, bbuf, filter, bias;
    MACE_RETURN_IF_ERROR(CreateBuffer(rt, w->size() * sizeof(float), w->data<float>(), &wbuf));
    MACE_RETURN_IF_ERROR(CreateImage(rt, fshape, memory->image_type(), &filter));
    cl_kernel kernel;
    const cl_int taps = p.kh * p.kw;
    if (p.kind == ConvKind::kDepthwise) {
      MACE_RETURN_IF_ERROR(Kernel(ctx, "filter_transform", "dw_filter_to_image", "", &kernel));
      MACE_RETURN_IF_ERROR(
          SetKernelArgs(rt->cl(), kernel, wbuf.get(), cl_int(p.in_c), cl_int(p.out_c / p.in_c), taps, filter.get()));
    } else {
      MACE_RETURN_IF_ERROR(Kernel(ctx, "filter_transform", "conv_filter_to_image", "", &kernel));
      MACE_RETURN_IF_ERROR(
          SetKernelArgs(rt->cl(), kernel, wbuf.get(), cl_int(p.out_c), cl_int(p.in_c), taps, filter.get()));
    }
    MACE_RETURN_IF_ERROR(Enqueue(ctx, kernel, {fshape.width, fshape.height}));
    if (b != nullptr) {
      const size_t blocks = size_t(ChannelBlocks(p.out_c));
      MACE_RETURN_IF_ERROR(CreateBuffer(rt, b->size() * sizeof(float), b->data<float>(), &bbuf));
      MACE_RETURN_IF_ERROR(CreateImage(rt, ImageShape{blocks, 1}, memory->image_type(), &bias));
      MACE_RETURN_IF_ERROR(Kernel(ctx, "filter_transform", "bias_to_image", "", &kernel));
      MACE_RETURN_IF_ERROR(SetKernelArgs(rt->cl(), kernel, bbuf.get(), cl_int(p.out_c), bias.get()));
      MACE_RETURN_IF_ERROR(Enqueue(ctx, kernel, {blocks, 1}));
    }
    // The upload buffers are released on return: wait for the transforms (once per op).
    MACE_RETURN_IF_ERROR(rt->Finish());
    filter_ = std::move(filter);
    bias_ = std::move(bias);
    return MaceStatus();
  }

  Activation act_;
  conv::AutoPad auto_pad_ = conv::AutoPad::NOTSET;
  int64_t group_ = 1;
  CLObject<cl_mem> filter_, bias_;  // MACE's filter image and bias image, in the engine's storage type
};

}  // namespace opencl

MACE_OP_REGISTRAR(GpuConv) {
  MACE_REGISTER_GPU_OP(registry, "Conv", opencl::GpuConvOp, DataType::DT_INVALID);
}

}  // namespace mace
