// Window arithmetic shared by Conv, ConvTranspose and the pooling ops: reading and checking
// the spatial attributes (kernel_shape, strides, dilations, pads, auto_pad), computing pads and
// output sizes as ONNX specifies, and normalising 1-D/2-D/3-D windows to 3-D (leading unit
// dims) so each kernel has one loop nest.
#ifndef MACE_OPS_COMMON_CONV_UTIL_H_
#define MACE_OPS_COMMON_CONV_UTIL_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/op.h"

namespace mace {
namespace conv {

constexpr int kMaxSpatialDims = 3;

enum class AutoPad { NOTSET, SAME_UPPER, SAME_LOWER, VALID };

inline MaceStatus ParseAutoPad(const Operation &op, AutoPad *out) {
  const std::string s = op.GetString("auto_pad", "NOTSET");
  if (s == "NOTSET" || s.empty()) *out = AutoPad::NOTSET;
  else if (s == "SAME_UPPER") *out = AutoPad::SAME_UPPER;
  else if (s == "SAME_LOWER") *out = AutoPad::SAME_LOWER;
  else if (s == "VALID") *out = AutoPad::VALID;
  else return Unsupported(op.Where(), "auto_pad '", s, "' is not supported");
  return MaceStatus::MACE_SUCCESS;
}

// Reads an ints argument that has one value per spatial dim (or two per dim for pads,
// count = 2*n); fills `dflt` when the argument is absent. Values must be >= min_value.
inline MaceStatus ReadSpatialInts(const Operation &op, const std::string &name, size_t count,
                                  int64_t dflt, int64_t min_value, std::vector<int64_t> *out) {
  if (!op.HasArg(name)) {
    out->assign(count, dflt);
    return MaceStatus::MACE_SUCCESS;
  }
  *out = op.GetInts(name);
  if (out->size() != count)
    return InvalidArgs(op.Where(), name, " has ", out->size(), " values, expected ", count);
  for (int64_t v : *out)
    if (v < min_value)
      return InvalidArgs(op.Where(), name, " value ", v, " is out of range (must be >= ",
                         min_value, ")");
  return MaceStatus::MACE_SUCCESS;
}

// A sliding window over up to 3 spatial dims, stored as exactly 3 (unused leading dims are
// size 1 with unit kernel/stride/dilation and no padding). Pads may be negative only for
// ConvTranspose with an explicit output_shape.
struct Window3 {
  int64_t in[3] = {1, 1, 1};
  int64_t out[3] = {1, 1, 1};
  int64_t kernel[3] = {1, 1, 1};
  int64_t stride[3] = {1, 1, 1};
  int64_t dilation[3] = {1, 1, 1};
  int64_t pad_begin[3] = {0, 0, 0};
  int64_t pad_end[3] = {0, 0, 0};

  int64_t InPlane() const { return in[0] * in[1] * in[2]; }
  int64_t OutPlane() const { return out[0] * out[1] * out[2]; }
  int64_t KernelSize() const { return kernel[0] * kernel[1] * kernel[2]; }
};

// The spatial attributes of one op, as given (n spatial dims).
struct SpatialArgs {
  std::vector<int64_t> kernel, strides, dilations, pads;  // pads: n begins then n ends
};

// Computes pads and output sizes of a forward window (Conv, MaxPool, AveragePool) over
// input sizes `in` and fills `w`. ceil_mode applies to explicit pads only; an output window
// that would start in the right padding is dropped (ONNX / PyTorch rule).
inline MaceStatus ForwardWindow(const Operation &op, AutoPad auto_pad, const std::vector<int64_t> &in,
                                const SpatialArgs &args, bool ceil_mode, Window3 *w) {
  const size_t n = in.size();
  if (n == 0 || n > static_cast<size_t>(kMaxSpatialDims))
    return Unsupported(op.Where(), n, " spatial dims are not supported (1 to ", kMaxSpatialDims,
                       ")");
  *w = Window3();
  const size_t base = kMaxSpatialDims - n;
  for (size_t i = 0; i < n; ++i) {
    const int64_t k = args.kernel[i], s = args.strides[i], d = args.dilations[i];
    const int64_t eff = (k - 1) * d + 1;
    int64_t pb = 0, pe = 0, out = 0;
    switch (auto_pad) {
      case AutoPad::NOTSET: {
        pb = args.pads[i];
        pe = args.pads[i + n];
        const int64_t span = in[i] + pb + pe - eff;
        if (span < 0)
          return InvalidArgs(op.Where(), "window of extent ", eff, " does not fit spatial dim ", i,
                             " of size ", in[i], " with pads ", pb, "+", pe);
        out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
        if (ceil_mode && (out - 1) * s >= in[i] + pb) --out;
        break;
      }
      case AutoPad::VALID: {
        if (in[i] < eff)
          return InvalidArgs(op.Where(), "window of extent ", eff, " does not fit spatial dim ", i,
                             " of size ", in[i]);
        out = (in[i] - eff) / s + 1;
        break;
      }
      case AutoPad::SAME_UPPER:
      case AutoPad::SAME_LOWER: {
        out = (in[i] + s - 1) / s;
        const int64_t total = std::max<int64_t>(0, (out - 1) * s + eff - in[i]);
        pb = auto_pad == AutoPad::SAME_UPPER ? total / 2 : total - total / 2;
        pe = total - pb;
        break;
      }
    }
    w->in[base + i] = in[i];
    w->out[base + i] = out;
    w->kernel[base + i] = k;
    w->stride[base + i] = s;
    w->dilation[base + i] = d;
    w->pad_begin[base + i] = pb;
    w->pad_end[base + i] = pe;
  }
  return MaceStatus::MACE_SUCCESS;
}

// For each output index o along one dim, the kernel taps [first, last) whose input index
// o*stride - pad + tap*dilation lies inside [lo, hi).
inline void TapRange(int64_t o, int64_t stride, int64_t pad, int64_t dilation, int64_t kernel,
                     int64_t lo, int64_t hi, int64_t *first, int64_t *last) {
  const int64_t start = o * stride - pad;  // input index of tap 0
  // tap >= ceil((lo - start) / dilation), tap < ceil((hi - start) / dilation)
  auto ceil_div = [](int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); };
  int64_t f = std::max<int64_t>(0, ceil_div(lo - start, dilation));
  int64_t l = std::min<int64_t>(kernel, ceil_div(hi - start, dilation));
  if (l < f) l = f;
  *first = f;
  *last = l;
}

// Checks the X (N, C, spatial...) and W inputs shared by Conv and ConvTranspose: both present,
// float32, of the same rank >= 3.
inline MaceStatus CheckInputAndWeights(const Operation &op, const Tensor *x, const Tensor *w) {
  MACE_ENSURE(x != nullptr && w != nullptr, op.Where(), "needs inputs X and W");
  MACE_ENSURE(x->dtype() == DataType::DT_FLOAT && w->dtype() == DataType::DT_FLOAT, op.Where(),
              "X and W must be float32");
  const int rank = x->ndim();
  MACE_ENSURE(rank >= 3, op.Where(), "X must have rank >= 3 (N, C, spatial...), got shape ",
              ShapeToString(x->shape()));
  MACE_ENSURE(w->ndim() == rank, op.Where(), "W ", ShapeToString(w->shape()),
              " must have the rank of X ", ShapeToString(x->shape()));
  return MaceStatus::MACE_SUCCESS;
}

// The optional bias B (may be nullptr): float32 [filters]. Sets *bias to its data or nullptr.
inline MaceStatus ReadBias(const Operation &op, const Tensor *b, int64_t filters, const float **bias) {
  *bias = nullptr;
  if (b != nullptr) {
    MACE_ENSURE(b->dtype() == DataType::DT_FLOAT && b->ndim() == 1 && b->dim(0) == filters,
                op.Where(), "B must be float32 of shape [", filters, "], got ",
                ShapeToString(b->shape()));
    *bias = b->data<float>();
  }
  return MaceStatus::MACE_SUCCESS;
}

// Reads the kernel sizes from W's spatial dims (checked against kernel_shape when given) and
// the strides, dilations and pads args, for `nsp` spatial dims.
inline MaceStatus ReadKernelArgs(const Operation &op, const Tensor *w, size_t nsp, SpatialArgs *args) {
  args->kernel.resize(nsp);
  for (size_t i = 0; i < nsp; ++i) {
    args->kernel[i] = w->dim(static_cast<int>(i) + 2);
    MACE_ENSURE(args->kernel[i] >= 1, op.Where(), "W has an empty kernel dim: ",
                ShapeToString(w->shape()));
  }
  if (op.HasArg("kernel_shape")) {
    MACE_ENSURE(op.GetInts("kernel_shape") == args->kernel, op.Where(),
                "kernel_shape does not match W ", ShapeToString(w->shape()));
  }
  MACE_RETURN_IF_ERROR(ReadSpatialInts(op, "strides", nsp, 1, 1, &args->strides));
  MACE_RETURN_IF_ERROR(ReadSpatialInts(op, "dilations", nsp, 1, 1, &args->dilations));
  MACE_RETURN_IF_ERROR(ReadSpatialInts(op, "pads", 2 * nsp, 0, 0, &args->pads));
  return MaceStatus::MACE_SUCCESS;
}

// The output indices o in [0, out) with 0 <= o*stride + offset < in, as [first, last).
inline void OutputRange(int64_t offset, int64_t stride, int64_t in, int64_t out, int64_t *first,
                        int64_t *last) {
  auto ceil_div = [](int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); };
  int64_t f = std::max<int64_t>(0, ceil_div(-offset, stride));
  int64_t l = std::min<int64_t>(out, ceil_div(in - offset, stride));
  if (l < f) l = f;
  *first = f;
  *last = l;
}

// When a Conv computes the pointwise conv before it (ConvOp::Absorb): the least bytes of the
// tensor between them for fusing, and the bytes of its band buffer per thread.
struct FusionLimits {
  int64_t min_bytes, band_bytes;
};
extern FusionLimits g_fusion;
// Sets the limits for this process (tests fuse small shapes in several bands); returns the
// previous ones. Not for concurrent use with running ops.
FusionLimits SetFusionLimitsForTesting(FusionLimits limits);

}  // namespace conv
}  // namespace mace

#endif  // MACE_OPS_COMMON_CONV_UTIL_H_
