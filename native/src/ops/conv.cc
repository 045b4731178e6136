// Conv (ONNX opset 23), float32, 1-D to 3-D spatial: group (incl. depthwise with a channel
// multiplier), strides, dilations, pads, auto_pad, optional bias, fused activation.
// Per image and group the output is W_g [M/g, C/g*k] x im2col(X_g) [C/g*k, out], computed by the
// shared GEMM, whose B panels are packed straight from the image (implicit im2col); 1x1
// stride-1 unpadded convs use X directly as the B matrix [C/g, H*W] (no im2col at all).
// Depthwise convs (one input channel per group) and convs with a small depth Cin*kh*kw (the
// stems: 3 input channels) run direct loops. Constant weights are packed once in Init, for the
// GEMM kernel selected at run time (AVX-512 / AVX2 / NEON / generic) and the direct loop.
// With the `winograd` arg (2 or 4, from the deployment file) 3x3 stride-1 convs with constant
// weights run Winograd F(m x m, 3 x 3) instead (ops/common/winograd.h).
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/activation.h"
#include "ops/common/conv_direct.h"
#include "ops/common/conv_util.h"
#include "ops/common/depthwise.h"
#include "ops/common/gemm.h"
#include "ops/common/winograd.h"

namespace mace {

namespace {

// Virtual im2col matrix of one (image, group): row (c, kd, kh, kw), column (od, oh, ow).
struct Im2colSource {
  const float *x;  // first input channel of the group
  conv::Window3 w;
  int64_t in_plane;
  int64_t kernel_size;
};

void PackIm2col(const void *ctx, int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr,
                float *dst) {
  const Im2colSource &s = *static_cast<const Im2colSource *>(ctx);
  const conv::Window3 &w = s.w;
  const int64_t out_hw = w.out[1] * w.out[2];
  const int64_t od0 = j0 / out_hw, oh0 = (j0 / w.out[2]) % w.out[1], ow0 = j0 % w.out[2];
  const int64_t khw = w.kernel[1] * w.kernel[2];
  const int64_t panel_stride = kc * nr;
  for (int64_t r = 0; r < kc; ++r) {
    const int64_t row = k0 + r;
    const int64_t c = row / s.kernel_size, tap = row % s.kernel_size;
    const int64_t kd = tap / khw, kh = (tap / w.kernel[2]) % w.kernel[1], kw = tap % w.kernel[2];
    const float *xc = s.x + c * s.in_plane;
    const int64_t off_d = kd * w.dilation[0] - w.pad_begin[0];
    const int64_t off_h = kh * w.dilation[1] - w.pad_begin[1];
    const int64_t off_w = kw * w.dilation[2] - w.pad_begin[2];
    const int64_t sw = w.stride[2], in_w = w.in[2];
    // Output columns ow in [valid_lo, valid_hi) read inside the input row.
    int64_t valid_lo, valid_hi;
    conv::OutputRange(off_w, sw, in_w, w.out[2], &valid_lo, &valid_hi);
    float *panel = dst + r * nr;
    int64_t lane = 0;
    // Writes `count` values (src null: zeros; else src[0], src[step], ...) into consecutive
    // columns: a chunk at a time up to the end of the current panel row, then the next panel.
    auto put_run = [&](const float *src, int64_t step, int64_t count) {
      while (count > 0) {
        const int64_t n = std::min<int64_t>(nr - lane, count);
        float *out = panel + lane;
        if (src == nullptr) {
          std::memset(out, 0, sizeof(float) * n);
        } else if (step == 1) {
          std::memcpy(out, src, sizeof(float) * n);
          src += n;
        } else {
          for (int64_t i = 0; i < n; ++i) out[i] = src[i * step];
          src += n * step;
        }
        count -= n;
        lane += n;
        if (lane == nr) {
          lane = 0;
          panel += panel_stride;
        }
      }
    };
    int64_t od = od0, oh = oh0, ow = ow0;
    for (int64_t q = 0; q < nc;) {
      const int64_t run_end = ow + std::min(w.out[2] - ow, nc - q);  // exclusive ow
      const int64_t id = od * w.stride[0] + off_d, ih = oh * w.stride[1] + off_h;
      if (id < 0 || id >= w.in[0] || ih < 0 || ih >= w.in[1]) {
        put_run(nullptr, 0, run_end - ow);
      } else {
        const float *xrow = xc + (id * w.in[1] + ih) * in_w;
        const int64_t lo = std::min(std::max(ow, valid_lo), run_end);
        const int64_t hi = std::max(std::min(run_end, valid_hi), lo);
        put_run(nullptr, 0, lo - ow);
        if (hi > lo) put_run(xrow + lo * sw + off_w, sw, hi - lo);
        put_run(nullptr, 0, run_end - hi);
      }
      q += run_end - ow;
      ow = 0;
      if (++oh == w.out[1]) {
        oh = 0;
        ++od;
      }
    }
    if (lane != 0)
      for (; lane < nr; ++lane) panel[lane] = 0.f;
  }
}

// One output plane of a depthwise conv: y = bias + sum over taps of w * shifted x.
void DepthwisePlane(const float *x, const float *kernel, float bias, const conv::Window3 &w,
                    const std::vector<int64_t> &ow_ranges, const Activation &act, float *y) {
  const int64_t sw = w.stride[2];
  for (int64_t od = 0; od < w.out[0]; ++od) {
    for (int64_t oh = 0; oh < w.out[1]; ++oh) {
      float *yrow = y + (od * w.out[1] + oh) * w.out[2];
      for (int64_t ow = 0; ow < w.out[2]; ++ow) yrow[ow] = bias;
      for (int64_t kd = 0; kd < w.kernel[0]; ++kd) {
        const int64_t id = od * w.stride[0] - w.pad_begin[0] + kd * w.dilation[0];
        if (id < 0 || id >= w.in[0]) continue;
        for (int64_t kh = 0; kh < w.kernel[1]; ++kh) {
          const int64_t ih = oh * w.stride[1] - w.pad_begin[1] + kh * w.dilation[1];
          if (ih < 0 || ih >= w.in[1]) continue;
          const float *xrow = x + (id * w.in[1] + ih) * w.in[2];
          const float *krow = kernel + (kd * w.kernel[1] + kh) * w.kernel[2];
          for (int64_t kw = 0; kw < w.kernel[2]; ++kw) {
            const float wv = krow[kw];
            const int64_t lo = ow_ranges[2 * kw], hi = ow_ranges[2 * kw + 1];
            const int64_t off = kw * w.dilation[2] - w.pad_begin[2];
            if (sw == 1) {
              for (int64_t ow = lo; ow < hi; ++ow) yrow[ow] += wv * xrow[ow + off];
            } else {
              for (int64_t ow = lo; ow < hi; ++ow) yrow[ow] += wv * xrow[ow * sw + off];
            }
          }
        }
      }
      act.ApplyInPlace(yrow, w.out[2]);
    }
  }
}

}  // namespace

class ConvOp : public Operation {
 public:
  using Operation::Operation;

  MaceStatus Init() override {
    MACE_RETURN_IF_ERROR(Activation::FromOp(*this, &activation_));
    MACE_RETURN_IF_ERROR(conv::ParseAutoPad(*this, &auto_pad_));
    group_ = GetInt("group", 1);
    MACE_ENSURE(group_ >= 1, Where(), "group must be >= 1, got ", group_);
    const Tensor *w = Input(1);
    // Pack constant weights once for the GEMM path (not needed for depthwise).
    if (w != nullptr && w->is_const() && w->dtype() == DataType::DT_FLOAT && w->ndim() >= 3 &&
        w->dim(0) % group_ == 0 && !(group_ > 1 && w->dim(1) == 1) && w->size() > 0) {
      const int64_t mg = w->dim(0) / group_;
      const int64_t k = w->size() / w->dim(0);
      packed_.resize(static_cast<size_t>(group_));
      for (int64_t g = 0; g < group_; ++g)
        MACE_RETURN_IF_ERROR(packed_[g].PackA(w->data<float>() + g * mg * k, k, false, mg, k));
      packed_shape_ = w->shape();
    }
    // And for the direct loop of convs with few input channels (Run checks the window).
    if (w != nullptr && w->is_const() && w->dtype() == DataType::DT_FLOAT && w->ndim() == 4 &&
        group_ == 1 && w->size() > 0 && w->size() / w->dim(0) <= conv_direct::kMaxDepth) {
      conv_direct::PackWeights(w->data<float>(), w->dim(0), w->size() / w->dim(0), &direct_w_);
      direct_shape_ = w->shape();
    }
    const int64_t wino = GetInt("winograd", 0);
    if ((wino == 2 || wino == 4) && group_ == 1 && w != nullptr && w->is_const() &&
        w->dtype() == DataType::DT_FLOAT && w->ndim() == 4 && w->dim(2) == 3 && w->dim(3) == 3 &&
        w->size() > 0)
      MACE_RETURN_IF_ERROR(
          winograd_.Init(static_cast<int>(wino), w->data<float>(), w->dim(0), w->dim(1)));
    return MaceStatus::MACE_SUCCESS;
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0), *w = Input(1), *b = Input(2);
    MACE_RETURN_IF_ERROR(conv::CheckInputAndWeights(*this, x, w));
    const int rank = x->ndim();
    const size_t nsp = static_cast<size_t>(rank - 2);
    const int64_t batch = x->dim(0), channels = x->dim(1), filters = w->dim(0);
    // Divisions only: group comes from the model, and a hostile value must not overflow.
    MACE_ENSURE(channels % group_ == 0, Where(), "X has ", channels,
                " channels, not a multiple of group ", group_);
    MACE_ENSURE(w->dim(1) == channels / group_, Where(), "X has ", channels, " channels but W ",
                ShapeToString(w->shape()), " takes ", w->dim(1), " per group; with group ", group_,
                " it must take ", channels / group_);
    MACE_ENSURE(filters % group_ == 0, Where(), "W has ", filters,
                " output channels, not a multiple of group ", group_);
    const float *bias = nullptr;
    MACE_RETURN_IF_ERROR(conv::ReadBias(*this, b, filters, &bias));
    conv::SpatialArgs args;
    std::vector<int64_t> in_sizes(nsp);
    for (size_t i = 0; i < nsp; ++i) in_sizes[i] = x->dim(static_cast<int>(i) + 2);
    MACE_RETURN_IF_ERROR(conv::ReadKernelArgs(*this, w, nsp, &args));
    conv::Window3 win;
    MACE_RETURN_IF_ERROR(conv::ForwardWindow(*this, auto_pad_, in_sizes, args, false, &win));

    Shape out_shape{batch, filters};
    const int base = conv::kMaxSpatialDims - static_cast<int>(nsp);
    for (size_t i = 0; i < nsp; ++i) out_shape.push_back(win.out[base + i]);
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize(out_shape));

    const int64_t cg = channels / group_, mg = filters / group_;
    const int64_t kernel_size = win.KernelSize(), in_plane = win.InPlane(),
                  out_plane = win.OutPlane();
    const int64_t depth = cg * kernel_size;
    macs_ = batch * filters * out_plane * depth;
    if (y->size() == 0) return MaceStatus::MACE_SUCCESS;

    const float *xd = x->data<float>(), *wd = w->data<float>();
    float *yd = y->mutable_data<float>();
    ThreadPool *pool = ctx->thread_pool;

    if (group_ == 1 && winograd_.Matches(filters, channels) && winograd::Supported(win))
      return winograd_.Run(xd, batch, win, bias, activation_, yd, pool);

    if (cg == 1 && group_ > 1) {  // depthwise (with channel multiplier mg)
      std::vector<int64_t> ow_ranges(2 * win.kernel[2]);
      for (int64_t kw = 0; kw < win.kernel[2]; ++kw)
        conv::OutputRange(kw * win.dilation[2] - win.pad_begin[2], win.stride[2], win.in[2],
                          win.out[2], &ow_ranges[2 * kw], &ow_ranges[2 * kw + 1]);
      const bool dw_fast = depthwise::Supported(win);
      const Isa isa = CpuIsa();
      const int64_t planes = batch * filters;
      if (mg == 1 && depthwise::ChannelBlocked(win)) {  // small planes: across channels
        constexpr int64_t kGroup = 16;  // channels per job: a whole AVX-512 vector
        const int64_t groups = (channels + kGroup - 1) / kGroup;
        const int64_t min_jobs = std::max<int64_t>(1, 4096 / (kGroup * out_plane * kernel_size));
        gemm::RunParallel(pool, 0, batch * groups, min_jobs, [&](int64_t begin, int64_t end) {
          while (begin < end) {  // the jobs' channels of one image per call
            const int64_t n = begin / groups, g1 = std::min(end, (n + 1) * groups);
            const int64_t c0 = begin % groups * kGroup;
            const int64_t c1 = std::min(channels, (g1 - n * groups) * kGroup);
            depthwise::Planes(isa, xd + (n * channels + c0) * in_plane, c1 - c0,
                              wd + c0 * kernel_size, bias ? bias + c0 : nullptr, win,
                              activation_, yd + (n * filters + c0) * out_plane);
            begin = g1;
          }
        });
        return MaceStatus::MACE_SUCCESS;
      }
      const int64_t min_chunk = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, out_plane * kernel_size));
      gemm::RunParallel(pool, 0, planes, min_chunk, [&](int64_t begin, int64_t end) {
        for (int64_t p = begin; p < end; ++p) {
          const int64_t n = p / filters, m = p % filters;
          const int64_t c = m / mg;
          const float *xp = xd + (n * channels + c) * in_plane, *kp = wd + m * kernel_size;
          const float bm = bias ? bias[m] : 0.f;
          if (dw_fast)  // 3x3/5x5, stride 1/2: vectorised kernels (ops/common/depthwise.h)
            depthwise::Plane(isa, xp, kp, bm, win, activation_, yd + p * out_plane);
          else
            DepthwisePlane(xp, kp, bm, win, ow_ranges, activation_, yd + p * out_plane);
        }
      });
      return MaceStatus::MACE_SUCCESS;
    }

    if (conv_direct::Supported(win, cg, group_)) {  // stem convs: ops/common/conv_direct.h
      std::vector<float> unpacked;  // weights not packed at Init (not constant)
      const bool have = !direct_w_.empty() && direct_shape_ == w->shape();
      if (!have) conv_direct::PackWeights(wd, filters, depth, &unpacked);
      conv_direct::Run(CpuIsa(), xd, batch, cg, have ? direct_w_.data() : unpacked.data(),
                       filters, bias, win, activation_, pool, yd);
      return MaceStatus::MACE_SUCCESS;
    }

    bool pointwise = true;
    for (int i = 0; i < conv::kMaxSpatialDims; ++i)
      pointwise = pointwise && win.kernel[i] == 1 && win.stride[i] == 1 && win.pad_begin[i] == 0 &&
                  win.pad_end[i] == 0;
    // A pointwise conv on a 1x1 plane (squeeze-excite blocks) is a matrix-vector product: with
    // the weights unpacked, the GEMM takes its no-packing path instead of padding one column
    // to a whole micro-tile.
    const bool gemv = pointwise && out_plane == 1;
    const bool use_packed = !packed_.empty() && packed_shape_ == w->shape() && !gemv;
    // With many more outputs than inputs (squeeze-excite expansions, 144 -> 576) a dot product
    // per output is too short to pay for summing its lanes: the transposed weights let the
    // product run as axpy updates of whole vectors of outputs instead (2.6x faster there,
    // slower where rows are long). Transposed on the first such run, as the plane size is
    // known only then; a conv on larger planes never makes the copy.
    const bool axpy = gemv && group_ == 1 && w->is_const() && mg >= 2 * depth &&
                      w->size() <= kMaxTransposedWeights;
    if (axpy && transposed_shape_ != w->shape()) {
      transposed_w_.resize(static_cast<size_t>(w->size()));
      for (int64_t i = 0; i < filters; ++i)
        for (int64_t t = 0; t < depth; ++t) transposed_w_[t * filters + i] = wd[i * depth + t];
      transposed_shape_ = w->shape();
    }

    auto run_group = [&](int64_t job, ThreadPool *gemm_pool) -> MaceStatus {
      const int64_t n = job / group_, g = job % group_;
      const float *xg = xd + (n * channels + g * cg) * in_plane;
      float *yg = yd + (n * filters + g * mg) * out_plane;
      gemm::Operand a = use_packed ? gemm::Operand::Packed(packed_[g])
                        : axpy       ? gemm::Operand::Dense(transposed_w_.data(), filters, true)
                                     : gemm::Operand::Dense(wd + g * mg * depth, depth, false);
      Im2colSource src{xg, win, in_plane, kernel_size};
      gemm::Operand bop = pointwise ? gemm::Operand::Dense(xg, in_plane, false)
                                    : gemm::Operand::Custom(PackIm2col, &src);
      gemm::Epilogue ep;
      ep.activation = activation_;
      if (bias) {
        ep.bias_kind = gemm::Epilogue::Bias::PER_ROW;
        ep.bias = bias + g * mg;
      }
      return gemm::Sgemm(mg, out_plane, depth, 1.f, a, bop, 0.f, yg, out_plane, ep, gemm_pool);
    };

    return gemm::RunJobs(pool, batch * group_, mg * out_plane * depth, run_group);
  }

  int64_t Macs() const override { return macs_; }

 private:
  Activation activation_;
  conv::AutoPad auto_pad_ = conv::AutoPad::NOTSET;
  int64_t group_ = 1;
  std::vector<gemm::PackedMatrix> packed_;  // per group, when W is constant
  Shape packed_shape_;
  std::vector<float> direct_w_;  // conv_direct::PackWeights layout, when W is constant
  Shape direct_shape_;
  // Weights transposed to [depth][filters] for matrix-vector products in axpy form (Run).
  static constexpr int64_t kMaxTransposedWeights = 1 << 20;
  std::vector<float> transposed_w_;
  Shape transposed_shape_;
  winograd::Conv3x3 winograd_;  // prepared when the `winograd` arg asks for it
  int64_t macs_ = 0;
};

MACE_OP_REGISTRAR(Conv) {
  MACE_REGISTER_CPU_OP(registry, "Conv", ConvOp, DataType::DT_FLOAT);
}

}  // namespace mace
