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
#include <atomic>
#include <cstring>
#include <mutex>
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

namespace conv {
// Fusion applies from 4 MiB between the ops, more than stays in a shared last-level cache:
// mobilenet_v2's 96 x 112 x 112 expansion and its stride-2 depthwise conv, 1.02 -> 0.69 ms on
// Zen 4 (0.57 -> 0.40 at 2 threads). Below that the unfused ops read the tensor from L3, and
// fused ones lost: a band writes short runs of every output plane, which a cold output takes
// slowly (56 x 56 x 144: 0.40 -> 0.51 ms). Bands of 384 KiB did best (192: 0.94, 768: 0.75).
FusionLimits g_fusion{4 << 20, 384 << 10};

FusionLimits SetFusionLimitsForTesting(FusionLimits limits) {
  const FusionLimits before = g_fusion;
  g_fusion = limits;
  return before;
}
}  // namespace conv
using conv::g_fusion;

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

  // A pointwise conv whose output only this depthwise conv reads (the expansion before the
  // depthwise conv of an inverted residual block): this op then computes it too (RunFused).
  // Not when the model's shapes say the tensor between them is too small to fuse: the two ops
  // then stay apart in per-op statistics.
  bool Absorb(Operation *producer, const Shape &between) override {
    auto *p = dynamic_cast<ConvOp *>(producer);
    const Tensor *w = Input(1);
    if (p == nullptr || p->group_ != 1 || p->packed_.size() != 1 || group_ == 1 || w == nullptr ||
        !w->is_const())
      return false;
    int64_t bytes = between.empty() ? -1 : static_cast<int64_t>(sizeof(float));
    for (int64_t d : between) bytes = d < 0 || bytes < 0 ? -1 : bytes * d;
    if (bytes >= 0 && bytes < g_fusion.min_bytes) return false;
    producer_ = p;
    return true;
  }

  MaceStatus Run(OpContext *ctx) override {
    ThreadPool *pool = ctx->thread_pool;
    ConvPlan p;
    if (producer_ != nullptr) {
      ConvPlan pp;
      MACE_RETURN_IF_ERROR(producer_->Plan(&pp));  // gives the producer's output its shape
      MACE_RETURN_IF_ERROR(Plan(&p));
      if (Fusable(pp, p)) return RunFused(pp, p, pool);
      MACE_RETURN_IF_ERROR(producer_->Execute(pp, pool));
      return Execute(p, pool);
    }
    MACE_RETURN_IF_ERROR(Plan(&p));
    return Execute(p, pool);
  }

  int64_t Macs() const override { return macs_ + (producer_ != nullptr ? producer_->Macs() : 0); }

 private:
  // What a run computes for the current input shapes.
  struct ConvPlan {
    const float *x, *w, *bias;
    float *y;
    conv::Window3 win;
    int64_t batch, channels, filters, cg, mg, kernel_size, in_plane, out_plane, depth;
  };

  // Checks the inputs, resizes Y and plans the run. With constant weights the plan depends
  // on X's shape only, so a run with the shape of the last one reuses it: the checks and
  // argument lookups cost ~0.5 us per conv, 2.5% of mobilenet_v3_small.
  MaceStatus Plan(ConvPlan *p) {
    const Tensor *x = Input(0), *w = Input(1), *b = Input(2);
    if (planned_ && x->dtype() == DataType::DT_FLOAT && x->shape() == planned_.in_shape) {
      *p = planned_.plan;
      Tensor *y = Output(0);
      MACE_RETURN_IF_ERROR(y->Resize(planned_.out_shape));
      p->x = x->data<float>();
      p->y = y->size() == 0 ? nullptr : y->mutable_data<float>();
      return MaceStatus::MACE_SUCCESS;
    }
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
    MACE_RETURN_IF_ERROR(conv::ReadBias(*this, b, filters, &p->bias));
    conv::SpatialArgs args;
    std::vector<int64_t> in_sizes(nsp);
    for (size_t i = 0; i < nsp; ++i) in_sizes[i] = x->dim(static_cast<int>(i) + 2);
    MACE_RETURN_IF_ERROR(conv::ReadKernelArgs(*this, w, nsp, &args));
    conv::Window3 &win = p->win;
    MACE_RETURN_IF_ERROR(conv::ForwardWindow(*this, auto_pad_, in_sizes, args, false, &win));

    Shape out_shape{batch, filters};
    const int base = conv::kMaxSpatialDims - static_cast<int>(nsp);
    for (size_t i = 0; i < nsp; ++i) out_shape.push_back(win.out[base + i]);
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize(out_shape));

    p->batch = batch;
    p->channels = channels;
    p->filters = filters;
    p->cg = channels / group_;
    p->mg = filters / group_;
    p->kernel_size = win.KernelSize();
    p->in_plane = win.InPlane();
    p->out_plane = win.OutPlane();
    p->depth = p->cg * p->kernel_size;
    macs_ = batch * filters * p->out_plane * p->depth;
    p->x = x->data<float>();
    p->w = w->data<float>();
    p->y = y->size() == 0 ? nullptr : y->mutable_data<float>();
    if (w->is_const() && (b == nullptr || b->is_const())) {
      planned_.plan = *p;
      planned_.in_shape = x->shape();
      planned_.out_shape = out_shape;
      planned_.valid = true;
    }
    return MaceStatus::MACE_SUCCESS;
  }

  static bool Pointwise(const conv::Window3 &win) {
    bool pointwise = true;
    for (int i = 0; i < conv::kMaxSpatialDims; ++i)
      pointwise = pointwise && win.kernel[i] == 1 && win.stride[i] == 1 && win.pad_begin[i] == 0 &&
                  win.pad_end[i] == 0;
    return pointwise;
  }

  MaceStatus Execute(const ConvPlan &p, ThreadPool *pool) {
    if (p.y == nullptr) return MaceStatus::MACE_SUCCESS;  // empty output
    const conv::Window3 &win = p.win;
    const int64_t batch = p.batch, channels = p.channels, filters = p.filters, cg = p.cg,
                  mg = p.mg, kernel_size = p.kernel_size, in_plane = p.in_plane,
                  out_plane = p.out_plane, depth = p.depth;
    const float *xd = p.x, *wd = p.w, *bias = p.bias;
    float *yd = p.y;
    const Tensor *w = Input(1);

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

    const bool pointwise = Pointwise(win);
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

    if (gemv && batch * group_ == 1 && pool && pool->num_threads() > 1 &&
        mg * depth >= kMinSplitGemvMacs)
      return SplitGemv(p, axpy ? transposed_w_.data() : nullptr, pool);
    return gemm::RunJobs(pool, batch * group_, mg * out_plane * depth, run_group);
  }

  // One squeeze-excite FC (Execute: a pointwise conv on a 1x1 plane, batch 1, with at least
  // kMinSplitGemvMacs): its weights come cold from memory, so it is split across the threads by
  // outputs even when small (two cores pull twice the bandwidth; mobilenet_v3_small, 2 threads:
  // 3% faster). Sgemm's own split waits for more work, which hot weights need. `transposed`:
  // the weights as [depth][filters] (axpy form), else null. A function of its own, so that
  // Execute's code stays as it was (inlined into it, ppocr_cls ran 4% slower at 1 thread).
  __attribute__((noinline)) MaceStatus SplitGemv(const ConvPlan &p, const float *transposed,
                                                 ThreadPool *pool) {
    const int64_t outputs = p.filters, depth = p.depth;
    std::mutex mu;
    MaceStatus status = MaceStatus::MACE_SUCCESS;
    // Whole blocks of outputs per thread, aligned with the kernel's own grouping (4 outputs in
    // dot form, 64 in axpy form), so every output's sum is the same at any thread count.
    const int64_t block = transposed ? 64 : 16;
    pool->ParallelFor(0, (outputs + block - 1) / block, 1, [&](int64_t b0, int64_t b1) {
      const int64_t begin = b0 * block, end = std::min(outputs, b1 * block);
      gemm::Operand a = transposed ? gemm::Operand::Dense(transposed + begin, outputs, true)
                                   : gemm::Operand::Dense(p.w + begin * depth, depth, false);
      gemm::Epilogue ep;
      ep.activation = activation_;
      if (p.bias) {
        ep.bias_kind = gemm::Epilogue::Bias::PER_ROW;
        ep.bias = p.bias + begin;
      }
      const MaceStatus st = gemm::Sgemm(end - begin, 1, depth, 1.f, a,
                                        gemm::Operand::Dense(p.x, p.in_plane, false), 0.f,
                                        p.y + begin, 1, ep, nullptr);
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (status.ok()) status = st;
      }
    });
    return status;
  }

  // Whether RunFused computes producer plan `pp` and this op's plan `p` together: a pointwise
  // group-1 conv with packed weights into a depthwise conv on planes wide enough for Plane(),
  // when the tensor between them is large enough to fall out of the caches.
  bool Fusable(const ConvPlan &pp, const ConvPlan &p) const {
    const conv::Window3 &w = p.win;
    return pp.y != nullptr && p.y != nullptr && Pointwise(pp.win) && pp.out_plane > 1 &&
           producer_->packed_shape_ == producer_->Input(1)->shape() && p.cg == 1 && p.mg == 1 &&
           depthwise::Supported(w) && !depthwise::ChannelBlocked(w) &&
           w.pad_begin[1] < w.kernel[1] && w.pad_end[1] < w.kernel[1] &&
           pp.batch * pp.filters * pp.out_plane * static_cast<int64_t>(sizeof(float)) >=
               g_fusion.min_bytes;
  }

  // The producer's output in bands of rows that stay in the cache: per band of this op's output
  // rows, the producer computes the input rows it needs (those the band before left in the
  // buffer are kept, not recomputed) with the GEMM, then the depthwise kernel runs on them.
  // Threads take equal parts of the output rows, each with its own band buffer.
  MaceStatus RunFused(const ConvPlan &pp, const ConvPlan &p, ThreadPool *pool) {
    const conv::Window3 &w = p.win;
    const int64_t k = w.kernel[1], s = w.stride[1], pad_t = w.pad_begin[1];
    const int64_t in_h = w.in[1], in_w = w.in[2], out_h = w.out[1], out_w = w.out[2];
    const int64_t mid = p.channels, cin = pp.channels;
    const int64_t row_bytes = mid * in_w * static_cast<int64_t>(sizeof(float));
    const int64_t cap = std::min(std::max(k, g_fusion.band_bytes / row_bytes), in_h + 2 * k);
    // Output rows per band: a multiple of the depthwise kernel's 4-row passes where it can be.
    const int64_t fit = (cap - k) / s + 1;
    const int64_t band_rows = fit >= 4 ? fit / 4 * 4 : fit;
    const int threads = pool != nullptr ? pool->num_threads() : 1;
    const int64_t parts = std::min<int64_t>(threads, out_h);
    const int64_t part_rows = (out_h + parts - 1) / parts;
    const Isa isa = CpuIsa();
    gemm::Epilogue ep;
    ep.activation = producer_->activation_;
    if (pp.bias) {
      ep.bias_kind = gemm::Epilogue::Bias::PER_ROW;
      ep.bias = pp.bias;
    }
    const gemm::Operand a = gemm::Operand::Packed(producer_->packed_[0]);
    std::atomic<bool> failed{false};
    gemm::RunParallel(pool, 0, p.batch * parts, 1, [&](int64_t begin, int64_t end) {
      thread_local gemm::AlignedFloats band;
      if (!band.Reserve(mid * cap * in_w)) {
        failed.store(true);
        return;
      }
      float *buf = band.data();
      for (int64_t job = begin; job < end; ++job) {
        const int64_t n = job / parts, part = job % parts;
        const float *x = pp.x + n * cin * pp.in_plane;
        float *y = p.y + n * mid * p.out_plane;
        int64_t held_lo = 0, held_hi = 0;  // input rows in the buffer
        for (int64_t r0 = part * part_rows, r_end = std::min(out_h, r0 + part_rows); r0 < r_end;
             r0 += band_rows) {
          const int64_t r1 = std::min(r_end, r0 + band_rows);
          const int64_t top = r0 * s - pad_t;  // first input row of the band's window
          const int64_t lo = std::max<int64_t>(0, top);
          const int64_t hi = std::min(in_h, (r1 - 1) * s - pad_t + k);
          const int64_t keep = held_lo <= lo && lo < held_hi ? held_hi - lo : 0;
          if (keep > 0 && lo > held_lo)
            for (int64_t c = 0; c < mid; ++c)
              std::memmove(buf + c * cap * in_w, buf + (c * cap + lo - held_lo) * in_w,
                           sizeof(float) * keep * in_w);
          if (hi > lo + keep &&
              !gemm::Sgemm(mid, (hi - lo - keep) * in_w, cin, 1.f, a,
                           gemm::Operand::Dense(x + (lo + keep) * in_w, pp.in_plane, false), 0.f,
                           buf + keep * in_w, cap * in_w, ep, nullptr)
                   .ok()) {
            failed.store(true);
            return;
          }
          held_lo = lo;
          held_hi = std::max(hi, lo);
          conv::Window3 bw = w;
          bw.in[1] = held_hi - lo;
          bw.out[1] = r1 - r0;
          bw.pad_begin[1] = lo - top;
          bw.pad_end[1] = (bw.out[1] - 1) * s + k - bw.pad_begin[1] - bw.in[1];
          for (int64_t c = 0; c < mid; ++c)
            depthwise::Plane(isa, buf + c * cap * in_w, p.w + c * p.kernel_size,
                             p.bias ? p.bias[c] : 0.f, bw, activation_,
                             y + c * p.out_plane + r0 * out_w);
        }
      }
    });
    if (failed.load()) return OutOfResources(Where(), "cannot allocate the fused band buffer");
    return MaceStatus::MACE_SUCCESS;
  }


  Activation activation_;
  conv::AutoPad auto_pad_ = conv::AutoPad::NOTSET;
  int64_t group_ = 1;
  std::vector<gemm::PackedMatrix> packed_;  // per group, when W is constant
  Shape packed_shape_;
  std::vector<float> direct_w_;  // conv_direct::PackWeights layout, when W is constant
  Shape direct_shape_;
  // Weights transposed to [depth][filters] for matrix-vector products in axpy form (Run).
  static constexpr int64_t kMaxTransposedWeights = 1 << 20;
  // Matrix-vector products at least this large split their outputs across the threads (Run).
  static constexpr int64_t kMinSplitGemvMacs = 16384;
  std::vector<float> transposed_w_;
  Shape transposed_shape_;
  winograd::Conv3x3 winograd_;  // prepared when the `winograd` arg asks for it
  ConvOp *producer_ = nullptr;   // the pointwise conv this op absorbed (Absorb)
  int64_t macs_ = 0;
  // The last plan (see Plan), valid with constant weights and bias.
  struct {
    bool valid = false;
    explicit operator bool() const { return valid; }
    ConvPlan plan;
    Shape in_shape, out_shape;
  } planned_;
};

MACE_OP_REGISTRAR(Conv) {
  MACE_REGISTER_CPU_OP(registry, "Conv", ConvOp, DataType::DT_FLOAT);
}

}  // namespace mace
