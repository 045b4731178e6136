// Resize (ONNX Resize-19) on CPU. Inputs: X, optional roi, optional scales (float32), optional
// sizes (int64); exactly one of scales/sizes. Modes: nearest (any element type; nearest_mode
// round_prefer_floor|round_prefer_ceil|floor|ceil) and linear (float32; N-linear over the
// resized axes). Coordinate modes: half_pixel, half_pixel_symmetric, pytorch_half_pixel,
// align_corners, asymmetric, tf_crop_and_resize (roi + extrapolation_value) and the opset-11
// tf_half_pixel_for_nn. Also axes, exclude_outside and keep_aspect_ratio_policy
// (stretch|not_larger|not_smaller). cubic and antialias=1 are refused as unsupported.
// Formulas follow the ONNX reference implementation: output sizes are floor(input * scale);
// the coordinate transform uses the given scales (or sizes / input when sizes are given) and
// the fractional output width scale * input.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/resize_util.h"
#include "ops/common/strided_copy.h"

namespace mace {
namespace {

using resize::AxisTable;
using resize::CoordMode;
using resize::NearestMode;

template <typename T>
void NearestRows(T *dst, const T *src, const Shape &out, const std::vector<AxisTable> &tabs, T extrap,
                 int64_t r0, int64_t r1) {
  const int nd = static_cast<int>(out.size());
  const int64_t inner = out[nd - 1];
  const AxisTable &it = tabs[nd - 1];
  std::vector<int64_t> idx(nd, 0);
  int64_t rem = r0;
  for (int d = nd - 2; d >= 0; --d) {
    idx[d] = rem % out[d];
    rem /= out[d];
  }
  for (int64_t r = r0; r < r1; ++r) {
    T *o = dst + r * inner;
    int64_t base = 0;
    bool valid = true;
    for (int d = 0; d < nd - 1; ++d) {
      base += tabs[d].pick[idx[d]];
      valid = valid && tabs[d].valid[idx[d]];
    }
    const T *s = src + base;
    if (!valid) {
      std::fill(o, o + inner, extrap);
    } else if (it.all_valid) {
      for (int64_t j = 0; j < inner; ++j) o[j] = s[it.pick[j]];
    } else {
      for (int64_t j = 0; j < inner; ++j) o[j] = it.valid[j] ? s[it.pick[j]] : extrap;
    }
    for (int d = nd - 2; d >= 0; --d) {
      if (++idx[d] < out[d]) break;
      idx[d] = 0;
    }
  }
}

void LinearRows(float *dst, const float *src, const Shape &out, const std::vector<AxisTable> &tabs,
                float extrap, int64_t r0, int64_t r1) {
  const int nd = static_cast<int>(out.size());
  const int64_t inner = out[nd - 1];
  const AxisTable &it = tabs[nd - 1];
  int corners_max = 1;
  for (int d = 0; d < nd - 1; ++d)
    if (tabs[d].interpolates) corners_max *= 2;
  std::vector<int64_t> coff(corners_max), noff(corners_max);
  std::vector<float> cw(corners_max), nw(corners_max);
  std::vector<int64_t> idx(nd, 0);
  int64_t rem = r0;
  for (int d = nd - 2; d >= 0; --d) {
    idx[d] = rem % out[d];
    rem /= out[d];
  }
  for (int64_t r = r0; r < r1; ++r) {
    float *o = dst + r * inner;
    int corners = 1;
    coff[0] = 0;
    cw[0] = 1.f;
    bool valid = true;
    for (int d = 0; d < nd - 1; ++d) {
      const AxisTable &t = tabs[d];
      const int64_t i = idx[d];
      valid = valid && t.valid[i];
      if (!t.interpolates) {
        for (int c = 0; c < corners; ++c) coff[c] += t.pick[i];
      } else {
        for (int c = 0; c < corners; ++c) {
          noff[2 * c] = coff[c] + t.lo[i];
          nw[2 * c] = cw[c] * t.w_lo[i];
          noff[2 * c + 1] = coff[c] + t.hi[i];
          nw[2 * c + 1] = cw[c] * t.w_hi[i];
        }
        corners *= 2;
        std::swap(coff, noff);
        std::swap(cw, nw);
      }
    }
    if (!valid) {
      std::fill(o, o + inner, extrap);
    } else if (it.interpolates) {
      for (int64_t j = 0; j < inner; ++j) o[j] = 0.f;
      for (int c = 0; c < corners; ++c) {
        const float *s = src + coff[c];
        const float w = cw[c];
        for (int64_t j = 0; j < inner; ++j) o[j] += w * (it.w_lo[j] * s[it.lo[j]] + it.w_hi[j] * s[it.hi[j]]);
      }
    } else if (corners == 1) {
      const float *s = src + coff[0];
      for (int64_t j = 0; j < inner; ++j) o[j] = s[it.pick[j]];
    } else {
      for (int64_t j = 0; j < inner; ++j) o[j] = 0.f;
      for (int c = 0; c < corners; ++c) {
        const float *s = src + coff[c];
        const float w = cw[c];
        for (int64_t j = 0; j < inner; ++j) o[j] += w * s[it.pick[j]];
      }
    }
    if (!it.all_valid && valid)
      for (int64_t j = 0; j < inner; ++j)
        if (!it.valid[j]) o[j] = extrap;
    for (int d = nd - 2; d >= 0; --d) {
      if (++idx[d] < out[d]) break;
      idx[d] = 0;
    }
  }
}

class ResizeOp : public Operation {
 public:
  using Operation::Operation;

  MaceStatus Init() override {
    const std::string mode = GetString("mode", "nearest");
    if (mode == "nearest") linear_ = false;
    else if (mode == "linear") linear_ = true;
    else if (mode == "cubic") return Unsupported(Where(), "mode 'cubic' is not supported (nearest, linear)");
    else return InvalidArgs(Where(), "unknown mode '", mode, "'");
    const std::string ctm = GetString("coordinate_transformation_mode", "half_pixel");
    if (!resize::ParseCoordMode(ctm, &coord_))
      return Unsupported(Where(), "coordinate_transformation_mode '", ctm, "' is not supported");
    const std::string nm = GetString("nearest_mode", "round_prefer_floor");
    if (!resize::ParseNearestMode(nm, &nearest_))
      return Unsupported(Where(), "nearest_mode '", nm, "' is not supported");
    policy_ = GetString("keep_aspect_ratio_policy", "stretch");
    if (!resize::IsKeepAspectRatioPolicy(policy_))
      return Unsupported(Where(), "keep_aspect_ratio_policy '", policy_, "' is not supported");
    if (GetInt("antialias", 0) != 0)
      return Unsupported(Where(), "antialias=", GetInt("antialias", 0), " is not supported (only 0)");
    exclude_outside_ = GetInt("exclude_outside", 0) != 0;
    extrapolation_ = GetFloat("extrapolation_value", 0.f);
    return MaceStatus::MACE_SUCCESS;
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "needs the X input");
    const int rank = x->ndim();
    MACE_ENSURE(rank >= 1, Where(), "X must have rank >= 1");
    MACE_ENSURE(!linear_ || x->dtype() == DataType::DT_FLOAT, Where(), "linear mode needs float32 X, got ",
                DataTypeName(x->dtype()));
    // Resized axes.
    std::vector<int64_t> axes;
    int64_t bad_axis = 0;
    bool repeated = false;
    if (!resize::ResolveAxes(HasArg("axes"), GetInts("axes"), rank, &axes, &bad_axis, &repeated)) {
      MACE_ENSURE(repeated, Where(), "axis ", bad_axis, " is out of range for X ", ShapeToString(x->shape()));
      return InvalidArgs(Where(), "axis ", bad_axis, " is repeated");
    }
    const size_t k = axes.size();
    const Tensor *scales_t = Input(2), *sizes_t = Input(3);
    const bool has_scales = scales_t != nullptr && scales_t->size() > 0;
    const bool has_sizes = sizes_t != nullptr && sizes_t->size() > 0;
    MACE_ENSURE(has_scales != has_sizes, Where(), "exactly one of 'scales' and 'sizes' must be given");

    std::vector<double> scale(rank, 1.0);
    Shape out_shape = x->shape();
    if (has_scales) {
      MACE_ENSURE(scales_t->dtype() == DataType::DT_FLOAT, Where(), "scales must be float32, got ",
                  DataTypeName(scales_t->dtype()));
      MACE_ENSURE(static_cast<size_t>(scales_t->size()) == k, Where(), "scales has ", scales_t->size(),
                  " values for ", k, " resized axes");
      const float *s = scales_t->data<float>();
      for (size_t i = 0; i < k; ++i) {
        MACE_ENSURE(std::isfinite(s[i]) && s[i] > 0, Where(), "scale ", s[i], " is not positive");
        scale[axes[i]] = static_cast<double>(s[i]);
        const double o = std::floor(scale[axes[i]] * static_cast<double>(x->dim(static_cast<int>(axes[i]))));
        MACE_ENSURE(o < static_cast<double>(int64_t{1} << 40), Where(), "scale ", s[i], " is too large");
        out_shape[axes[i]] = static_cast<int64_t>(o);
      }
    } else {
      std::vector<int64_t> sizes;
      MACE_RETURN_IF_ERROR(ReadIntInput(3, &sizes));
      MACE_ENSURE(sizes.size() == k, Where(), "sizes has ", sizes.size(), " values for ", k, " resized axes");
      for (size_t i = 0; i < k; ++i) {
        const int64_t in = x->dim(static_cast<int>(axes[i]));
        MACE_ENSURE(sizes[i] > 0 && sizes[i] < (int64_t{1} << 40), Where(), "size ", sizes[i], " is invalid");
        MACE_ENSURE(in > 0, Where(), "cannot resize empty axis ", axes[i], " of X ", ShapeToString(x->shape()));
        scale[axes[i]] = static_cast<double>(sizes[i]) / static_cast<double>(in);
        out_shape[axes[i]] = sizes[i];
      }
      resize::ApplyKeepAspectRatio(policy_, axes, x->shape(), &scale, &out_shape);
    }
    // Region of interest, only used by tf_crop_and_resize: [starts..., ends...] over `axes`.
    std::vector<double> roi_start(rank, 0.0), roi_end(rank, 1.0);
    if (coord_ == CoordMode::kTfCropAndResize) {
      const Tensor *roi = Input(1);
      MACE_ENSURE(roi != nullptr && roi->size() > 0, Where(), "tf_crop_and_resize needs the 'roi' input");
      MACE_ENSURE(roi->dtype() == DataType::DT_FLOAT, Where(), "roi must be float32, got ",
                  DataTypeName(roi->dtype()));
      MACE_ENSURE(static_cast<size_t>(roi->size()) == 2 * k, Where(), "roi has ", roi->size(), " values, expected ",
                  2 * k);
      const float *r = roi->data<float>();
      for (size_t i = 0; i < k; ++i) {
        roi_start[axes[i]] = r[i];
        roi_end[axes[i]] = r[k + i];
      }
    }

    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize(out_shape, x->dtype()));
    if (y->size() == 0) return MaceStatus::MACE_SUCCESS;
    for (int d = 0; d < rank; ++d)
      MACE_ENSURE(x->dim(d) > 0, Where(), "cannot resize X ", ShapeToString(x->shape()), " with an empty axis");

    const std::vector<int64_t> in_strides = dm::DenseStrides(x->shape());
    std::vector<AxisTable> tabs(rank);
    for (int d = 0; d < rank; ++d)
      resize::BuildAxisTable(linear_, coord_, nearest_, exclude_outside_, scale[d], has_scales, x->dim(d),
                             out_shape[d], in_strides[d], roi_start[d], roi_end[d], &tabs[d]);

    const int64_t inner = out_shape[rank - 1];
    const int64_t rows = y->size() / inner;
    const int64_t chunk = y->size() >= (1 << 14) ? std::max<int64_t>(1, 4096 / inner) : rows;
    if (linear_) {
      const float *src = x->data<float>();
      float *dst = y->mutable_data<float>();
      dm::ParallelFor(ctx->thread_pool, 0, rows, chunk, [&](int64_t a, int64_t b) {
        LinearRows(dst, src, out_shape, tabs, extrapolation_, a, b);
      });
      return MaceStatus::MACE_SUCCESS;
    }
    switch (DataTypeSize(x->dtype())) {
      case 1: return Nearest<uint8_t>(ctx, x, y, out_shape, tabs, rows, chunk);
      case 2: return Nearest<uint16_t>(ctx, x, y, out_shape, tabs, rows, chunk);
      case 4: return Nearest<uint32_t>(ctx, x, y, out_shape, tabs, rows, chunk);
      case 8: return Nearest<uint64_t>(ctx, x, y, out_shape, tabs, rows, chunk);
      default: return Unsupported(Where(), "element type ", DataTypeName(x->dtype()), " is not supported");
    }
  }

 private:
  // The extrapolation value converted to X's element type, as raw bits of size sizeof(T).
  template <typename T>
  T ExtrapolationBits(DataType dt) const {
    unsigned char buf[8] = {0};
    double v = extrapolation_;
    if (dt != DataType::DT_FLOAT) v = std::isfinite(v) ? std::min(std::max(v, -9.2e18), 9.2e18) : 0.0;
    switch (dt) {
      case DataType::DT_FLOAT: { float f = static_cast<float>(v); std::memcpy(buf, &f, sizeof(f)); break; }
      case DataType::DT_INT64: { int64_t i = static_cast<int64_t>(v); std::memcpy(buf, &i, sizeof(i)); break; }
      case DataType::DT_INT32: { int32_t i = static_cast<int32_t>(std::min(std::max(v, -2147483648.0), 2147483647.0)); std::memcpy(buf, &i, sizeof(i)); break; }
      case DataType::DT_INT8: { int8_t i = static_cast<int8_t>(std::min(std::max(v, -128.0), 127.0)); std::memcpy(buf, &i, sizeof(i)); break; }
      case DataType::DT_BOOL: buf[0] = v != 0; break;
      case DataType::DT_UINT8: buf[0] = static_cast<uint8_t>(std::min(std::max(v, 0.0), 255.0)); break;
      default: break;
    }
    T bits;
    std::memcpy(&bits, buf, sizeof(T));
    return bits;
  }

  template <typename T>
  MaceStatus Nearest(OpContext *ctx, const Tensor *x, Tensor *y, const Shape &out_shape,
                     const std::vector<AxisTable> &tabs, int64_t rows, int64_t chunk) {
    const T extrap = ExtrapolationBits<T>(x->dtype());
    const T *src = static_cast<const T *>(x->raw_data());
    T *dst = static_cast<T *>(y->raw_mutable_data());
    dm::ParallelFor(ctx->thread_pool, 0, rows, chunk, [&](int64_t a, int64_t b) {
      NearestRows<T>(dst, src, out_shape, tabs, extrap, a, b);
    });
    return MaceStatus::MACE_SUCCESS;
  }

  bool linear_ = false;
  CoordMode coord_ = CoordMode::kHalfPixel;
  NearestMode nearest_ = NearestMode::kRoundPreferFloor;
  std::string policy_ = "stretch";
  bool exclude_outside_ = false;
  float extrapolation_ = 0.f;
};

}  // namespace

MACE_OP_REGISTRAR(Resize) {
  MACE_REGISTER_CPU_OP(registry, "Resize", ResizeOp, DataType::DT_INVALID);
}

}  // namespace mace
