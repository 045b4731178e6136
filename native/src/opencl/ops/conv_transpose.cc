// GPU kernel of ConvTranspose (deconvolution) 2-D, MACE's deconv_2d design: group 1, constant
// float weights [C_in, C_out, kH, kW] transformed once (on the first Run) into an image of the
// engine's storage type, optional constant bias, strides, pads (explicit, auto_pad or from
// output_shape), output_padding, fused activation. A work item computes 4 output channels at 4
// output columns of one residue modulo stride_w (ow0, ow0 + s, ow0 + 2s, ow0 + 3s): those share
// their kernel taps and read 4 consecutive input columns. Depthwise (group = C_in, weights
// [C, 1, kH, kW]) has its own kernel (MACE's depthwise_deconv2d): each output lane reads its own
// input lane. Refused: other groups, dilations > 1, non-constant weights or bias, ranks other
// than 4.
#include <algorithm>

#include "opencl/gpu_op.h"
#include "opencl/image_ops.h"
#include "ops/common/activation.h"
#include "ops/common/conv_util.h"

namespace mace {
namespace opencl {

namespace {

int64_t FloorDiv2(int64_t v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); }

struct Geometry {
  int n = 0, in_c = 0, in_h = 0, in_w = 0, out_c = 0, out_h = 0, out_w = 0;
  int k_h = 0, k_w = 0, s_h = 1, s_w = 1, p_h = 0, p_w = 0;
  bool depthwise = false;  // group = C_in = C_out, W [C, 1, kH, kW]
};

}  // namespace

class GpuConvTransposeOp : public GpuOperation {
 public:
  GpuConvTransposeOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : GpuOperation(def, std::move(inputs), std::move(outputs)) {
    MaceStatus s = Activation::FromOp(*this, &activation_);
    if (s.ok()) s = conv::ParseAutoPad(*this, &auto_pad_);
    if (!s.ok()) arg_error_ = s.information();
  }

  bool Supports(const OpContext *ctx, std::string *why) const override {
    if (!arg_error_.empty()) {
      *why = arg_error_;
      return false;
    }
    if (!FloatInputs({0, 1}, why) || !ConstInput(1, why)) return false;
    if (Input(2) != nullptr && (!Input(2)->is_const() || Input(2)->dtype() != DataType::DT_FLOAT)) {
      *why = "the bias is not a float constant (GPU kernel: constant bias)";
      return false;
    }
    if (ctx == nullptr) return true;
    if (!HasGpu(ctx, why)) return false;
    Geometry g;
    if (!MakeGeometry(&g, why)) return false;
    const ImageShape weight = WeightImageShape(g);
    const size_t weight_w = weight.width, weight_h = weight.height;
    const OpenCLRuntime *rt = Memory(ctx)->runtime();
    if (weight_w > rt->image2d_max_width() || weight_h > rt->image2d_max_height()) {
      *why = StrCat("weights ", ShapeToString(Input(1)->shape()), " need a ", weight_w, "x", weight_h,
                    " image, past the device's limits");
      return false;
    }
    return Fits(ctx, Input(0)->shape(), why) && Fits(ctx, Shape{g.n, g.out_c, g.out_h, g.out_w}, why);
  }

  MaceStatus Run(OpContext *ctx) override {
    Geometry g;
    std::string why;
    if (!MakeGeometry(&g, &why)) return Unsupported(Where(), why);
    OpenCLRuntime *rt = Memory(ctx)->runtime();
    const int in_blocks = ChannelBlocks(g.in_c), out_blocks = ChannelBlocks(g.out_c);
    if (weights_.get() == nullptr) MACE_RETURN_IF_ERROR(TransformWeights(ctx, g));
    cl_mem in_image, out_image;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &in_image));
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, Shape{g.n, g.out_c, g.out_h, g.out_w}, &out_image));
    cl_kernel kernel;
    MACE_RETURN_IF_ERROR(Kernel(ctx, "deconv_2d", g.depthwise ? "depthwise_deconv_2d" : "deconv_2d",
                                ActivationOptions(activation_), &kernel));
    // Output columns of one residue modulo s_w in blocks of 4.
    const int per_residue = (g.out_w + g.s_w - 1) / g.s_w;
    const cl_int width_blocks = cl_int(g.s_w * ((per_residue + 3) / 4));
    const cl_int rows = g.n * g.out_h;
    if (g.depthwise) {
      MACE_RETURN_IF_ERROR(SetKernelArgs(rt->cl(), kernel, in_image, weights_.get(), bias_.get(), out_image,
                                         cl_int(g.in_h), cl_int(g.in_w), cl_int(g.out_h), cl_int(g.out_w),
                                         cl_int(g.s_h), cl_int(g.s_w), cl_int(g.p_h), cl_int(g.p_w), cl_int(g.k_h),
                                         cl_int(g.k_w), cl_int(out_blocks), width_blocks, rows, activation_.alpha,
                                         activation_.beta));
      return Enqueue(ctx, kernel, {size_t(out_blocks), size_t(width_blocks), size_t(rows)});
    }
    MACE_RETURN_IF_ERROR(SetKernelArgs(rt->cl(), kernel, in_image, weights_.get(), bias_.get(), out_image,
                                       cl_int(g.in_c), cl_int(in_blocks), cl_int(g.in_h), cl_int(g.in_w),
                                       cl_int(g.out_h), cl_int(g.out_w), cl_int(g.s_h), cl_int(g.s_w),
                                       cl_int(g.p_h), cl_int(g.p_w), cl_int(g.k_h), cl_int(g.k_w),
                                       cl_int(out_blocks), width_blocks, rows, activation_.alpha,
                                       activation_.beta));
    return Enqueue(ctx, kernel, {size_t(out_blocks), size_t(width_blocks), size_t(rows)});
  }

 private:
  static ImageShape WeightImageShape(const Geometry &g) {
    const size_t taps = size_t(g.k_h) * g.k_w;
    if (g.depthwise) return ImageShape{taps, size_t(ChannelBlocks(g.out_c))};
    return ImageShape{size_t(ChannelBlocks(g.in_c)) * 4, size_t(ChannelBlocks(g.out_c)) * taps};
  }

  // Weights [C_in, C_out, kH, kW] -> image [4 * ceil(C_in/4), ceil(C_out/4) * kH * kW]: pixel
  // (ci, (ocb * kH + kh) * kW + kw) holds W[ci, 4 ocb .. 4 ocb + 3, kh, kw] (0 past C_in and
  // C_out). Depthwise W [C, 1, kH, kW] -> image [kH * kW, ceil(C/4)]: pixel (kh * kW + kw, cb)
  // holds W[4 cb .. 4 cb + 3, 0, kh, kw]. The bias as a float buffer padded with 0 to whole
  // blocks of 4.
  MaceStatus TransformWeights(OpContext *ctx, const Geometry &g) {
    OpenCLRuntime *rt = Memory(ctx)->runtime();
    const Tensor *w = Input(1);
    const int out_blocks = ChannelBlocks(g.out_c);
    CLObject<cl_mem> buffer;
    MACE_RETURN_IF_ERROR(CreateBuffer(rt, size_t(w->size()) * sizeof(float), w->data<float>(), &buffer));
    const ImageShape shape = WeightImageShape(g);
    CLObject<cl_mem> image;
    MACE_RETURN_IF_ERROR(CreateImage(rt, shape, Memory(ctx)->image_type(), &image));
    cl_kernel kernel;
    MACE_RETURN_IF_ERROR(
        Kernel(ctx, "deconv_2d", g.depthwise ? "depthwise_deconv_weights" : "deconv_weights", "", &kernel));
    if (g.depthwise) {
      MACE_RETURN_IF_ERROR(
          SetKernelArgs(rt->cl(), kernel, buffer.get(), cl_int(g.out_c), cl_int(g.k_h * g.k_w), image.get()));
    } else {
      MACE_RETURN_IF_ERROR(SetKernelArgs(rt->cl(), kernel, buffer.get(), cl_int(g.in_c), cl_int(g.out_c),
                                         cl_int(g.k_h * g.k_w), image.get()));
    }
    MACE_RETURN_IF_ERROR(Enqueue(ctx, kernel, {shape.width, shape.height}, {}, /*tunable=*/false));  // once per op: not worth tuning
    std::vector<float> bias(size_t(out_blocks) * 4, 0.f);
    if (Input(2) != nullptr) std::copy(Input(2)->data<float>(), Input(2)->data<float>() + g.out_c, bias.begin());
    CLObject<cl_mem> bias_buffer;
    MACE_RETURN_IF_ERROR(CreateBuffer(rt, bias.size() * sizeof(float), bias.data(), &bias_buffer));
    MACE_RETURN_IF_ERROR(rt->Finish());  // the weight buffer is released on return
    weights_ = std::move(image);
    bias_ = std::move(bias_buffer);
    return MaceStatus();
  }

  // The CPU kernel's output geometry; false (with *why) for what the GPU kernel does not
  // compute, including every case the CPU kernel rejects.
  bool MakeGeometry(Geometry *g, std::string *why) const {
    const Tensor *x = Input(0), *w = Input(1), *b = Input(2);
    if (x->ndim() != 4 || w->ndim() != 4) {
      *why = StrCat("X ", ShapeToString(x->shape()), ", W ", ShapeToString(w->shape()), " (GPU kernel: 2-D)");
      return false;
    }
    if (w->dim(0) != x->dim(1) || x->size() == 0 || w->size() == 0) {
      *why = StrCat("W ", ShapeToString(w->shape()), " does not match X ", ShapeToString(x->shape()));
      return false;
    }
    const int64_t group = GetInt("group", 1);
    const bool depthwise = group > 1 && group == x->dim(1) && w->dim(1) == 1;
    if (group != 1 && !depthwise) {
      *why = StrCat("group ", group, " with W ", ShapeToString(w->shape()),
                    " (GPU kernel: group 1, or depthwise: group = C_in and W [C_in, 1, kH, kW])");
      return false;
    }
    const int64_t filters = w->dim(1) * group;
    if (b != nullptr && (b->ndim() != 1 || b->dim(0) != filters)) {
      *why = "invalid bias";
      return false;
    }
    conv::SpatialArgs args;
    std::vector<int64_t> output_padding;
    if (!conv::ReadKernelArgs(*this, w, 2, &args).ok() ||
        !conv::ReadSpatialInts(*this, "output_padding", 2, 0, 0, &output_padding).ok()) {
      *why = "invalid kernel_shape, strides, dilations, pads or output_padding";
      return false;
    }
    if (args.dilations[0] != 1 || args.dilations[1] != 1) {
      *why = StrCat("dilations ", ShapeToString(args.dilations), " (GPU kernel: dilations 1)");
      return false;
    }
    std::vector<int64_t> output_shape = GetInts("output_shape");
    if (output_shape.size() == 4) output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
    if (!output_shape.empty() && output_shape.size() != 2) {
      *why = "invalid output_shape";
      return false;
    }
    int64_t out[2], pb[2];
    for (int i = 0; i < 2; ++i) {
      const int64_t in = x->dim(i + 2);
      const int64_t full = args.strides[i] * (in - 1) + output_padding[i] + args.kernel[i];
      const bool same = auto_pad_ == conv::AutoPad::SAME_UPPER || auto_pad_ == conv::AutoPad::SAME_LOWER;
      if (!output_shape.empty() || same) {
        out[i] = output_shape.empty() ? in * args.strides[i] : output_shape[i];
        const int64_t total = full - out[i];
        if (auto_pad_ == conv::AutoPad::SAME_UPPER) {
          pb[i] = FloorDiv2(total);
        } else {
          pb[i] = total - FloorDiv2(total);
        }
      } else if (auto_pad_ == conv::AutoPad::VALID) {
        pb[i] = 0;
        out[i] = full;
      } else {
        pb[i] = args.pads[i];
        out[i] = full - args.pads[i] - args.pads[i + 2];
      }
      if (out[i] < 1 || out[i] >= (int64_t{1} << 24) || pb[i] <= -(int64_t{1} << 24) ||
          pb[i] >= (int64_t{1} << 24) || args.strides[i] >= (1 << 16) || args.kernel[i] >= (1 << 16)) {
        *why = StrCat("output spatial dim ", i, " would be ", out[i]);
        return false;
      }
    }
    g->n = int(x->dim(0));
    g->in_c = int(x->dim(1));
    g->in_h = int(x->dim(2));
    g->in_w = int(x->dim(3));
    g->out_c = int(filters);
    g->out_h = int(out[0]);
    g->out_w = int(out[1]);
    g->k_h = int(args.kernel[0]);
    g->k_w = int(args.kernel[1]);
    g->s_h = int(args.strides[0]);
    g->s_w = int(args.strides[1]);
    g->p_h = int(pb[0]);
    g->p_w = int(pb[1]);
    g->depthwise = depthwise;
    return true;
  }

  std::string arg_error_;
  Activation activation_;
  conv::AutoPad auto_pad_ = conv::AutoPad::NOTSET;
  CLObject<cl_mem> weights_, bias_;
};

}  // namespace opencl

MACE_OP_REGISTRAR(GpuConvTranspose) {
  MACE_REGISTER_GPU_OP(registry, "ConvTranspose", opencl::GpuConvTransposeOp, DataType::DT_INVALID);
}

}  // namespace mace
