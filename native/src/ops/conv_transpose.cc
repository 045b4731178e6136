// ConvTranspose (ONNX opset 23), float32, 1-D to 3-D spatial: group, strides, dilations, pads,
// output_padding, output_shape / auto_pad (pads computed as the ONNX spec says), optional
// bias, fused activation. Per image and group: cols [M/g*k, in] = W_g^T x X_g by the shared
// GEMM (constant weights packed once in Init), then col2im scatters cols into the output.
#include <algorithm>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/activation.h"
#include "ops/common/conv_util.h"
#include "ops/common/gemm.h"

namespace mace {

namespace {

int64_t FloorDiv2(int64_t v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); }

// Adds the columns of one output channel (kernel_size rows, one value per input position)
// into its output plane y (already holding the bias). `w` is the forward window: w.out are
// this op's input sizes, w.in its output sizes.
void Col2imPlane(const float *cols, const conv::Window3 &w, const std::vector<int64_t> &iw_ranges,
                 float *y) {
  const int64_t src_plane = w.OutPlane();
  const int64_t sw = w.stride[2];
  for (int64_t kd = 0; kd < w.kernel[0]; ++kd) {
    for (int64_t kh = 0; kh < w.kernel[1]; ++kh) {
      for (int64_t kw = 0; kw < w.kernel[2]; ++kw) {
        const float *col = cols + ((kd * w.kernel[1] + kh) * w.kernel[2] + kw) * src_plane;
        const int64_t lo = iw_ranges[2 * kw], hi = iw_ranges[2 * kw + 1];
        const int64_t off_w = kw * w.dilation[2] - w.pad_begin[2];
        for (int64_t id = 0; id < w.out[0]; ++id) {
          const int64_t od = id * w.stride[0] - w.pad_begin[0] + kd * w.dilation[0];
          if (od < 0 || od >= w.in[0]) continue;
          for (int64_t ih = 0; ih < w.out[1]; ++ih) {
            const int64_t oh = ih * w.stride[1] - w.pad_begin[1] + kh * w.dilation[1];
            if (oh < 0 || oh >= w.in[1]) continue;
            const float *src = col + (id * w.out[1] + ih) * w.out[2];
            float *dst = y + (od * w.in[1] + oh) * w.in[2];
            if (sw == 1) {
              for (int64_t iw = lo; iw < hi; ++iw) dst[iw + off_w] += src[iw];
            } else {
              for (int64_t iw = lo; iw < hi; ++iw) dst[iw * sw + off_w] += src[iw];
            }
          }
        }
      }
    }
  }
}

}  // namespace

class ConvTransposeOp : public Operation {
 public:
  using Operation::Operation;

  MaceStatus Init() override {
    MACE_RETURN_IF_ERROR(Activation::FromOp(*this, &activation_));
    MACE_RETURN_IF_ERROR(conv::ParseAutoPad(*this, &auto_pad_));
    group_ = GetInt("group", 1);
    MACE_ENSURE(group_ >= 1, Where(), "group must be >= 1, got ", group_);
    const Tensor *w = Input(1);
    if (w != nullptr && w->is_const() && w->dtype() == DataType::DT_FLOAT && w->ndim() >= 3 &&
        w->dim(0) % group_ == 0 && w->size() > 0) {
      const int64_t cg = w->dim(0) / group_;
      const int64_t rows = w->size() / w->dim(0);  // M/g * kernel_size
      packed_.resize(static_cast<size_t>(group_));
      for (int64_t g = 0; g < group_; ++g)
        MACE_RETURN_IF_ERROR(
            packed_[g].PackA(w->data<float>() + g * cg * rows, rows, true, rows, cg));
      packed_shape_ = w->shape();
    }
    return MaceStatus::MACE_SUCCESS;
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0), *w = Input(1), *b = Input(2);
    MACE_RETURN_IF_ERROR(conv::CheckInputAndWeights(*this, x, w));
    const int rank = x->ndim();
    const size_t nsp = static_cast<size_t>(rank - 2);
    if (nsp > static_cast<size_t>(conv::kMaxSpatialDims))
      return Unsupported(Where(), nsp, " spatial dims are not supported (1 to ",
                         conv::kMaxSpatialDims, ")");
    const int64_t batch = x->dim(0), channels = x->dim(1);
    MACE_ENSURE(w->dim(0) == channels, Where(), "W ", ShapeToString(w->shape()),
                " must have X's ", channels, " input channels in dim 0");
    MACE_ENSURE(channels % group_ == 0, Where(), "X's ", channels,
                " channels are not a multiple of group ", group_);
    const int64_t cg = channels / group_, mg = w->dim(1), filters = mg * group_;
    const float *bias = nullptr;
    MACE_RETURN_IF_ERROR(conv::ReadBias(*this, b, filters, &bias));

    conv::SpatialArgs args;
    MACE_RETURN_IF_ERROR(conv::ReadKernelArgs(*this, w, nsp, &args));
    const std::vector<int64_t> &kernel = args.kernel, &strides = args.strides,
                               &dilations = args.dilations, &pads = args.pads;
    std::vector<int64_t> output_padding;
    MACE_RETURN_IF_ERROR(
        conv::ReadSpatialInts(*this, "output_padding", nsp, 0, 0, &output_padding));
    std::vector<int64_t> output_shape = GetInts("output_shape");
    if (!output_shape.empty()) {
      if (output_shape.size() == nsp + 2)
        output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
      MACE_ENSURE(output_shape.size() == nsp, Where(), "output_shape has ",
                  GetInts("output_shape").size(), " values, expected ", nsp);
    }

    conv::Window3 win;  // the forward window: "in" is this op's output, "out" its input
    const size_t base = conv::kMaxSpatialDims - nsp;
    for (size_t i = 0; i < nsp; ++i) {
      const int64_t in = x->dim(static_cast<int>(i) + 2);
      const int64_t eff = (kernel[i] - 1) * dilations[i] + 1;
      const int64_t full = strides[i] * (in - 1) + output_padding[i] + eff;
      int64_t pb, pe, out;
      const bool same = auto_pad_ == conv::AutoPad::SAME_UPPER ||
                        auto_pad_ == conv::AutoPad::SAME_LOWER;
      if (!output_shape.empty() || same) {
        out = output_shape.empty() ? in * strides[i] : output_shape[i];
        const int64_t total = full - out;
        if (auto_pad_ == conv::AutoPad::SAME_UPPER) {
          pb = FloorDiv2(total);
          pe = total - pb;
        } else {
          pe = FloorDiv2(total);
          pb = total - pe;
        }
      } else if (auto_pad_ == conv::AutoPad::VALID) {
        pb = pe = 0;
        out = full;
      } else {
        pb = pads[i];
        pe = pads[i + nsp];
        out = full - pb - pe;
      }
      MACE_ENSURE(out >= 1, Where(), "output spatial dim ", i, " would be ", out,
                  " (input ", in, ", kernel ", kernel[i], ", stride ", strides[i], ", pads ", pb,
                  "+", pe, ")");
      win.in[base + i] = out;
      win.out[base + i] = in;
      win.kernel[base + i] = kernel[i];
      win.stride[base + i] = strides[i];
      win.dilation[base + i] = dilations[i];
      win.pad_begin[base + i] = pb;
      win.pad_end[base + i] = pe;
    }

    Shape out_shape{batch, filters};
    for (size_t i = 0; i < nsp; ++i) out_shape.push_back(win.in[base + i]);
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize(out_shape));
    const int64_t kernel_size = win.KernelSize();
    const int64_t in_plane = win.OutPlane();   // this op's input spatial size
    const int64_t out_plane = win.InPlane();   // this op's output spatial size
    const int64_t rows = mg * kernel_size;
    macs_ = batch * channels * in_plane * rows;
    if (y->size() == 0) return MaceStatus::MACE_SUCCESS;

    // Output positions iw*stride + off_w that land inside the output, per kernel column.
    std::vector<int64_t> iw_ranges(2 * win.kernel[2]);
    for (int64_t kw = 0; kw < win.kernel[2]; ++kw)
      conv::OutputRange(kw * win.dilation[2] - win.pad_begin[2], win.stride[2], win.in[2],
                        win.out[2], &iw_ranges[2 * kw], &iw_ranges[2 * kw + 1]);

    const float *xd = x->data<float>(), *wd = w->data<float>();
    float *yd = y->mutable_data<float>();
    ThreadPool *pool = ctx->thread_pool;
    const bool use_packed = !packed_.empty() && packed_shape_ == w->shape();
    cols_.resize(static_cast<size_t>(std::max<int64_t>(1, rows * in_plane)));
    float *cols = cols_.data();

    for (int64_t n = 0; n < batch; ++n) {
      for (int64_t g = 0; g < group_; ++g) {
        const float *xg = xd + (n * channels + g * cg) * in_plane;
        gemm::Operand a = use_packed ? gemm::Operand::Packed(packed_[g])
                                     : gemm::Operand::Dense(wd + g * cg * rows, rows, true);
        gemm::Epilogue none;
        MACE_RETURN_IF_ERROR(gemm::Sgemm(rows, in_plane, cg, 1.f, a,
                                         gemm::Operand::Dense(xg, in_plane, false), 0.f, cols,
                                         in_plane, none, pool));
        float *yg = yd + (n * filters + g * mg) * out_plane;
        const int64_t min_chunk =
            std::max<int64_t>(1, 16384 / std::max<int64_t>(1, kernel_size * in_plane));
        gemm::RunParallel(pool, 0, mg, min_chunk, [&](int64_t begin, int64_t end) {
          for (int64_t co = begin; co < end; ++co) {
            float *plane = yg + co * out_plane;
            const float bv = bias ? bias[g * mg + co] : 0.f;
            std::fill(plane, plane + out_plane, bv);
            Col2imPlane(cols + co * kernel_size * in_plane, win, iw_ranges, plane);
            activation_.ApplyInPlace(plane, out_plane);
          }
        });
      }
    }
    return MaceStatus::MACE_SUCCESS;
  }

  int64_t Macs() const override { return macs_; }

 private:
  Activation activation_;
  conv::AutoPad auto_pad_ = conv::AutoPad::NOTSET;
  int64_t group_ = 1;
  std::vector<gemm::PackedMatrix> packed_;  // per group: W_g^T, when W is constant
  Shape packed_shape_;
  std::vector<float> cols_;
  int64_t macs_ = 0;
};

MACE_OP_REGISTRAR(ConvTranspose) {
  MACE_REGISTER_CPU_OP(registry, "ConvTranspose", ConvTransposeOp, DataType::DT_FLOAT);
}

}  // namespace mace
