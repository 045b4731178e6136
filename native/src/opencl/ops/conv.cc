// GPU kernels of Conv (ONNX Conv as ops/conv.cc computes it) on MACE's channel-major images:
//   group 1, 1x1 kernel, no padding, any stride  -> conv_2d_1x1 (4 out channels x 4 widths)
//   group 1, 3x3 kernel                          -> conv_2d built as conv_2d_3x3 (4 x 5)
//   group 1, any other kernel (or padded 1x1)    -> conv_2d (4 x 4)
//   depthwise (group = C_in = C_out)             -> depthwise_conv2d (4 channels x 4 widths)
//   depthwise, C_out = C_in * multiplier (> 1)   -> depthwise_conv2d_multiplier (4 x 4, gathers)
//   group 1, 3x3, stride 1, dilation 1, arg winograd = 2 or 4 -> Winograd F(2x2,3x3) / F(4x4,3x3)
//     (winograd_transform.cl: input transform, batched GEMM, output transform), when its
//     intermediate images fit the device (else conv_2d_3x3)
// with strides, dilations, explicit pads or auto_pad, the optional bias and the fused activation.
// Weights (constant inputs) are transformed on the GPU into MACE's filter images on the first run.
// Refused (the CPU kernel runs): 1-D and 3-D convs, non-constant weights or bias, grouped convs
// that are not depthwise, shapes past the image limits.
#include <algorithm>
#include <string>
#include <vector>

#include "opencl/gpu_op.h"
#include "opencl/image_ops.h"
#include "ops/common/activation.h"
#include "ops/common/conv_util.h"

namespace mace {
namespace opencl {

namespace {

enum class ConvKind { k1x1, k3x3, kGeneral, kDepthwise, kWinograd };

// What one run computes: the kernel, the 2-D window and the NCHW sizes.
struct ConvPlan {
  ConvKind kind = ConvKind::kGeneral;
  int n = 0, in_c = 0, in_h = 0, in_w = 0;
  int out_c = 0, out_h = 0, out_w = 0;
  int kh = 0, kw = 0, stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1, pad_top = 0, pad_left = 0;
  int multiplier = 1;  // kDepthwise: C_out / C_in
  int wino_m = 0;      // kWinograd: F(wino_m x wino_m, 3x3)
  int tiles_h = 0, tiles_w = 0;

  int Tiles() const { return n * tiles_h * tiles_w; }
  int WinoPositions() const { return (wino_m + 2) * (wino_m + 2); }
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
    if (p.kind == ConvKind::kWinograd && !WinogradFits(rt, p, &why)) p.kind = ConvKind::k3x3;
    if (p.kind == ConvKind::kWinograd) return RunWinograd(ctx, p);
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
      case ConvKind::kGeneral:
      case ConvKind::kWinograd: {
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
        if (p.multiplier > 1) {
          MACE_RETURN_IF_ERROR(
              Kernel(ctx, "depthwise_conv2d", "depthwise_conv2d_multiplier", options, &kernel));
          MACE_RETURN_IF_ERROR(SetKernelArgs(
              rt->cl(), kernel, in_image, filter_.get(), bias_image, out_image, act_.alpha, act_.beta,
              cl_int(p.in_h), cl_int(p.in_w), cl_int(p.multiplier), out_ch_blks, cl_int(p.out_h), cl_int(p.out_w),
              out_w_blks, out_hb, cl_int(p.stride_h), cl_int(p.stride_w), cl_int(p.pad_top), cl_int(p.pad_left),
              cl_int(p.dil_h), cl_int(p.dil_w)));
          return Enqueue(ctx, kernel, {size_t(out_ch_blks), size_t(out_w_blks), size_t(out_hb)});
        }
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
    } else if (w->dim(1) == 1 && group_ == channels) {
      p->kind = ConvKind::kDepthwise;
      p->multiplier = int(filters / channels);
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
      const int64_t wino = GetInt("winograd", 0);
      if (p->kind == ConvKind::k3x3 && (wino == 2 || wino == 4) && p->stride_h == 1 && p->stride_w == 1 &&
          p->dil_h == 1 && p->dil_w == 1) {
        p->kind = ConvKind::kWinograd;
        p->wino_m = int(wino);
        p->tiles_h = (p->out_h + p->wino_m - 1) / p->wino_m;
        p->tiles_w = (p->out_w + p->wino_m - 1) / p->wino_m;
      }
    }
    return true;
  }

  // Winograd's intermediate images ([tiles, T*T * channel blocks]) fit the device.
  static bool WinogradFits(const OpenCLRuntime *rt, const ConvPlan &p, std::string *why) {
    const int64_t tiles = int64_t(p.n) * p.tiles_h * p.tiles_w;
    const int64_t rows = int64_t(p.WinoPositions()) * std::max(ChannelBlocks(p.in_c), ChannelBlocks(p.out_c));
    if (tiles <= int64_t(rt->image2d_max_width()) && rows <= int64_t(rt->image2d_max_height()) &&
        int64_t(p.in_c) <= int64_t(rt->image2d_max_width()) &&
        int64_t(ChannelBlocks(p.out_c)) * p.WinoPositions() <= int64_t(rt->image2d_max_height()))
      return true;
    *why = "Winograd images exceed the device's image limits";
    return false;
  }

  // Winograd F(m x m, 3x3): U = input transform, M = V x U per position, output transform.
  MaceStatus RunWinograd(OpContext *ctx, const ConvPlan &p) {
    GpuMemory *memory = Memory(ctx);
    OpenCLRuntime *rt = memory->runtime();
    MACE_RETURN_IF_ERROR(PrepareWinogradWeights(ctx, p));
    const size_t tiles = size_t(p.Tiles()), positions = size_t(p.WinoPositions());
    const cl_int in_ch_blks = ChannelBlocks(p.in_c), out_ch_blks = ChannelBlocks(p.out_c);
    MACE_RETURN_IF_ERROR(Scratch(memory, {tiles, positions * size_t(in_ch_blks)}, &u_, &u_shape_));
    MACE_RETURN_IF_ERROR(Scratch(memory, {tiles, positions * size_t(out_ch_blks)}, &m_, &m_shape_));
    cl_mem in_image, out_image;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &in_image));
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, Shape{p.n, p.out_c, p.out_h, p.out_w}, &out_image));
    const std::string wino = StrCat("-DWINO_M=", p.wino_m);
    const cl_int tiles_hb = p.n * p.tiles_h;

    cl_kernel kernel;
    MACE_RETURN_IF_ERROR(Kernel(ctx, "winograd_transform", "winograd_input_transform", wino, &kernel));
    MACE_RETURN_IF_ERROR(SetKernelArgs(rt->cl(), kernel, in_image, u_.get(), cl_int(p.in_h), cl_int(p.in_w),
                                       in_ch_blks, cl_int(p.tiles_h), cl_int(p.tiles_w), tiles_hb,
                                       cl_int(p.pad_top), cl_int(p.pad_left)));
    MACE_RETURN_IF_ERROR(Enqueue(ctx, kernel, {size_t(in_ch_blks), size_t(p.tiles_w), size_t(tiles_hb)}));

    const cl_int tile_blks = cl_int((tiles + 3) / 4);
    MACE_RETURN_IF_ERROR(Kernel(ctx, "winograd_transform", "winograd_gemm", wino, &kernel));
    MACE_RETURN_IF_ERROR(SetKernelArgs(rt->cl(), kernel, u_.get(), wino_filter_.get(), m_.get(), cl_int(p.in_c / 4),
                                       cl_int(p.in_c % 4), in_ch_blks, out_ch_blks, cl_int(tiles), tile_blks));
    MACE_RETURN_IF_ERROR(Enqueue(ctx, kernel, {size_t(out_ch_blks), size_t(tile_blks), positions}));

    const bool bias = bias_.get() != nullptr;
    const std::string options = wino + " " + ActivationOptions(act_) + (bias ? " -DBIAS" : "");
    MACE_RETURN_IF_ERROR(Kernel(ctx, "winograd_transform", "winograd_output_transform", options, &kernel));
    MACE_RETURN_IF_ERROR(SetKernelArgs(rt->cl(), kernel, m_.get(), bias ? bias_.get() : m_.get(), out_image,
                                       act_.alpha, act_.beta, cl_int(p.out_h), cl_int(p.out_w), out_ch_blks,
                                       cl_int(p.tiles_h), cl_int(p.tiles_w), tiles_hb));
    return Enqueue(ctx, kernel, {size_t(out_ch_blks), size_t(p.tiles_w), size_t(tiles_hb)});
  }

  // A float scratch image of at least `shape` (kept, grown when needed). Float whatever the
  // engine's storage: Winograd's transformed domain loses too much precision in half
  // (winograd_transform.cl).
  static MaceStatus Scratch(GpuMemory *memory, const ImageShape &shape, CLObject<cl_mem> *image,
                            ImageShape *held) {
    if (image->get() != nullptr && held->width >= shape.width && held->height >= shape.height)
      return MaceStatus();
    const ImageShape grown{std::max(shape.width, held->width), std::max(shape.height, held->height)};
    CLObject<cl_mem> fresh;
    MACE_RETURN_IF_ERROR(CreateImage(memory->runtime(), grown, ImageType::kFloat, &fresh));
    *image = std::move(fresh);
    *held = grown;
    return MaceStatus();
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
    if (p.kind == ConvKind::kDepthwise && p.multiplier == 1) return {taps, size_t(ChannelBlocks(p.in_c))};
    // Depthwise with a multiplier: the conv layout with one input channel.
    if (p.kind == ConvKind::kDepthwise) return {1, size_t(ChannelBlocks(p.out_c)) * taps};
    return {size_t(p.in_c), size_t(ChannelBlocks(p.out_c)) * taps};
  }

  // Transforms W into this op's filter image (and B into its bias image) once: weights are
  // constants. The upload buffers are released on return, so this waits for the transforms.
  MaceStatus PrepareWeights(OpContext *ctx, const ConvPlan &p) {
    if (filter_.get() != nullptr) return MaceStatus();
    OpenCLRuntime *rt = Memory(ctx)->runtime();
    const ImageShape fshape = FilterImageShape(p);
    CLObject<cl_mem> wbuf, filter;
    MACE_RETURN_IF_ERROR(UploadWeights(ctx, fshape, Memory(ctx)->image_type(), &wbuf, &filter));
    cl_kernel kernel;
    const cl_int taps = p.kh * p.kw;
    if (p.kind == ConvKind::kDepthwise && p.multiplier > 1) {
      MACE_RETURN_IF_ERROR(Kernel(ctx, "filter_transform", "conv_filter_to_image", "", &kernel));
      MACE_RETURN_IF_ERROR(SetKernelArgs(rt->cl(), kernel, wbuf.get(), cl_int(p.out_c), cl_int(1), taps, filter.get()));
    } else if (p.kind == ConvKind::kDepthwise) {
      MACE_RETURN_IF_ERROR(Kernel(ctx, "filter_transform", "dw_filter_to_image", "", &kernel));
      MACE_RETURN_IF_ERROR(
          SetKernelArgs(rt->cl(), kernel, wbuf.get(), cl_int(p.in_c), cl_int(p.out_c / p.in_c), taps, filter.get()));
    } else {
      MACE_RETURN_IF_ERROR(Kernel(ctx, "filter_transform", "conv_filter_to_image", "", &kernel));
      MACE_RETURN_IF_ERROR(
          SetKernelArgs(rt->cl(), kernel, wbuf.get(), cl_int(p.out_c), cl_int(p.in_c), taps, filter.get()));
    }
    MACE_RETURN_IF_ERROR(Enqueue(ctx, kernel, {fshape.width, fshape.height}, {}, /*tunable=*/false));  // once per op: not worth tuning
    MACE_RETURN_IF_ERROR(PrepareBias(ctx, p));
    MACE_RETURN_IF_ERROR(rt->Finish());
    bias_upload_ = CLObject<cl_mem>();
    filter_ = std::move(filter);
    return MaceStatus();
  }

  // The Winograd filter V = G g G^T: image [C, ceil(O/4) * T*T], float whatever the engine's
  // storage: rounding V to half costs F(4x4) outputs up to 5% of their scale
  // (winograd_transform.cl).
  MaceStatus PrepareWinogradWeights(OpContext *ctx, const ConvPlan &p) {
    if (wino_filter_.get() != nullptr && wino_m_ == p.wino_m) return MaceStatus();
    OpenCLRuntime *rt = Memory(ctx)->runtime();
    const ImageShape fshape{size_t(p.in_c), size_t(ChannelBlocks(p.out_c)) * size_t(p.WinoPositions())};
    CLObject<cl_mem> wbuf, filter;
    MACE_RETURN_IF_ERROR(UploadWeights(ctx, fshape, ImageType::kFloat, &wbuf, &filter));
    cl_kernel kernel;
    MACE_RETURN_IF_ERROR(Kernel(ctx, "filter_transform", "winograd_filter_to_image", "", &kernel));
    MACE_RETURN_IF_ERROR(
        SetKernelArgs(rt->cl(), kernel, wbuf.get(), cl_int(p.out_c), cl_int(p.in_c), cl_int(p.wino_m), filter.get()));
    MACE_RETURN_IF_ERROR(Enqueue(ctx, kernel, {size_t(p.in_c), size_t(ChannelBlocks(p.out_c))}, {}, /*tunable=*/false));  // once per op: not worth tuning
    MACE_RETURN_IF_ERROR(PrepareBias(ctx, p));
    MACE_RETURN_IF_ERROR(rt->Finish());
    bias_upload_ = CLObject<cl_mem>();
    wino_filter_ = std::move(filter);
    wino_m_ = p.wino_m;
    return MaceStatus();
  }

  // W as a float buffer and an empty weight image of `shape` and `type`.
  MaceStatus UploadWeights(OpContext *ctx, const ImageShape &shape, ImageType type, CLObject<cl_mem> *buffer,
                           CLObject<cl_mem> *image) {
    GpuMemory *memory = Memory(ctx);
    const Tensor *w = Input(1);
    MACE_RETURN_IF_ERROR(CreateBuffer(memory->runtime(), w->size() * sizeof(float), w->data<float>(), buffer));
    return CreateImage(memory->runtime(), shape, type, image);
  }

  // B -> bias image [ceil(O/4), 1], once (the caller waits before the buffer goes).
  MaceStatus PrepareBias(OpContext *ctx, const ConvPlan &p) {
    const Tensor *b = Input(2);
    if (b == nullptr || bias_.get() != nullptr) return MaceStatus();
    GpuMemory *memory = Memory(ctx);
    OpenCLRuntime *rt = memory->runtime();
    const size_t blocks = size_t(ChannelBlocks(p.out_c));
    MACE_RETURN_IF_ERROR(CreateBuffer(rt, b->size() * sizeof(float), b->data<float>(), &bias_upload_));
    CLObject<cl_mem> bias;
    MACE_RETURN_IF_ERROR(CreateImage(rt, ImageShape{blocks, 1}, memory->image_type(), &bias));
    cl_kernel kernel;
    MACE_RETURN_IF_ERROR(Kernel(ctx, "filter_transform", "bias_to_image", "", &kernel));
    MACE_RETURN_IF_ERROR(SetKernelArgs(rt->cl(), kernel, bias_upload_.get(), cl_int(p.out_c), bias.get()));
    MACE_RETURN_IF_ERROR(Enqueue(ctx, kernel, {blocks, 1}, {}, /*tunable=*/false));  // once per op: not worth tuning
    bias_ = std::move(bias);
    return MaceStatus();
  }

  Activation act_;
  conv::AutoPad auto_pad_ = conv::AutoPad::NOTSET;
  int64_t group_ = 1;
  // MACE's filter image and bias image, in the engine's storage type.
  CLObject<cl_mem> filter_, bias_;
  CLObject<cl_mem> bias_upload_;  // B's float buffer while its transform runs
  // Winograd: the transformed filter (for F(wino_m_)) and the scratch images U and M.
  CLObject<cl_mem> wino_filter_, u_, m_;
  int wino_m_ = 0;
  ImageShape u_shape_, m_shape_;
};

}  // namespace opencl

MACE_OP_REGISTRAR(GpuConv) {
  MACE_REGISTER_GPU_OP(registry, "Conv", opencl::GpuConvOp, DataType::DT_INVALID);
}

}  // namespace mace
