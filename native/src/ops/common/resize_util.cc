#include "ops/common/resize_util.h"

#include <algorithm>
#include <cmath>

#include "ops/common/strided_copy.h"

namespace mace {
namespace resize {

bool ParseCoordMode(const std::string &name, CoordMode *mode) {
  if (name == "half_pixel") *mode = CoordMode::kHalfPixel;
  else if (name == "half_pixel_symmetric") *mode = CoordMode::kHalfPixelSymmetric;
  else if (name == "pytorch_half_pixel") *mode = CoordMode::kPytorchHalfPixel;
  else if (name == "align_corners") *mode = CoordMode::kAlignCorners;
  else if (name == "asymmetric") *mode = CoordMode::kAsymmetric;
  else if (name == "tf_crop_and_resize") *mode = CoordMode::kTfCropAndResize;
  else if (name == "tf_half_pixel_for_nn") *mode = CoordMode::kTfHalfPixelForNN;
  else return false;
  return true;
}

bool ParseNearestMode(const std::string &name, NearestMode *mode) {
  if (name == "round_prefer_floor") *mode = NearestMode::kRoundPreferFloor;
  else if (name == "round_prefer_ceil") *mode = NearestMode::kRoundPreferCeil;
  else if (name == "floor") *mode = NearestMode::kFloor;
  else if (name == "ceil") *mode = NearestMode::kCeil;
  else return false;
  return true;
}

bool IsKeepAspectRatioPolicy(const std::string &policy) {
  return policy == "stretch" || policy == "not_larger" || policy == "not_smaller";
}

bool ResolveAxes(bool has_axes, const std::vector<int64_t> &given, int rank, std::vector<int64_t> *axes,
                 int64_t *bad, bool *repeated) {
  axes->clear();
  if (!has_axes) {
    for (int d = 0; d < rank; ++d) axes->push_back(d);
    return true;
  }
  std::vector<bool> seen(rank, false);
  for (int64_t a : given) {
    int64_t axis = 0;
    const bool in_range = dm::NormalizeAxis(a, rank, &axis);
    if (!in_range || seen[axis]) {
      *bad = a;
      *repeated = in_range;
      return false;
    }
    seen[axis] = true;
    axes->push_back(axis);
  }
  return true;
}

double SourceCoordinate(CoordMode mode, double x, double scale, bool scale_is_f32, int64_t in,
                        int64_t out_int, double roi_start, double roi_end) {
  double out_w = scale * static_cast<double>(in);
  if (scale_is_f32) out_w = static_cast<float>(out_w);
  switch (mode) {
    case CoordMode::kAlignCorners:
      return out_w == 1 ? 0.0 : x * static_cast<double>(in - 1) / (out_w - 1);
    case CoordMode::kAsymmetric:
      return x / scale;
    case CoordMode::kTfCropAndResize: {
      double v = out_w == 1 ? (roi_end - roi_start) * static_cast<double>(in - 1) / 2
                            : x * (roi_end - roi_start) * static_cast<double>(in - 1) / (out_w - 1);
      return v + roi_start * static_cast<double>(in - 1);
    }
    case CoordMode::kPytorchHalfPixel:
      return out_w == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    case CoordMode::kHalfPixel:
      return (x + 0.5) / scale - 0.5;
    case CoordMode::kHalfPixelSymmetric: {
      const double adjustment = static_cast<double>(out_int) / out_w;
      const double center = static_cast<double>(in) / 2;
      const double offset = center * (1 - adjustment);
      return offset + (x + 0.5) / scale - 0.5;
    }
    case CoordMode::kTfHalfPixelForNN:
      return (x + 0.5) / scale;
  }
  return 0;
}

void BuildAxisTable(bool linear, CoordMode mode, NearestMode nearest, bool exclude_outside, double scale,
                    bool scale_is_f32, int64_t in, int64_t out, int64_t stride, double roi_start, double roi_end, AxisTable *t) {
  t->lo.resize(out);
  t->hi.resize(out);
  t->w_lo.resize(out);
  t->w_hi.resize(out);
  t->pick.resize(out);
  t->valid.assign(out, 1);
  for (int64_t o = 0; o < out; ++o) {
    const double xo = SourceCoordinate(mode, static_cast<double>(o), scale, scale_is_f32, in, out, roi_start,
                                       roi_end);
    if (mode == CoordMode::kTfCropAndResize && (xo < 0 || xo > static_cast<double>(in - 1))) {
      t->valid[o] = 0;
      t->all_valid = false;
      t->lo[o] = t->hi[o] = t->pick[o] = 0;
      t->w_lo[o] = 1;
      t->w_hi[o] = 0;
      continue;
    }
    const double fl = std::floor(xo);
    const bool integral = xo == fl;
    const double ratio = integral ? 1.0 : xo - fl;
    // The two nearest indices of the input padded by one edge element on each side
    // (ties prefer the smaller), as ONNX's `_get_neighbor`; padded index p is input p - 1.
    const double limit = static_cast<double>(in + 2);
    double lo_p = integral ? fl : fl + 1;  // (xo + 1) - 1 or floor(xo + 1)
    if (lo_p < 0) lo_p = 0;
    if (lo_p > limit - 2) lo_p = limit - 2;
    const int64_t lo_in = static_cast<int64_t>(lo_p) - 1, hi_in = lo_in + 1;
    const int64_t lo_c = std::min(std::max<int64_t>(lo_in, 0), in - 1);
    const int64_t hi_c = std::min(std::max<int64_t>(hi_in, 0), in - 1);
    double w_lo = 1 - ratio, w_hi = ratio;
    if (!linear) {
      bool take_hi;
      if (integral) {
        take_hi = true;
      } else {
        switch (nearest) {
          case NearestMode::kRoundPreferFloor: take_hi = ratio > 0.5; break;
          case NearestMode::kRoundPreferCeil: take_hi = ratio >= 0.5; break;
          case NearestMode::kFloor: take_hi = false; break;
          default: take_hi = true; break;
        }
      }
      w_lo = take_hi ? 0 : 1;
      w_hi = take_hi ? 1 : 0;
    }
    if (exclude_outside) {
      if (lo_in < 0 || lo_in >= in) w_lo = 0;
      if (hi_in < 0 || hi_in >= in) w_hi = 0;
      const double sum = w_lo + w_hi;
      if (sum != 0) {
        w_lo /= sum;
        w_hi /= sum;
      }
    }
    t->lo[o] = lo_c * stride;
    t->hi[o] = hi_c * stride;
    t->w_lo[o] = static_cast<float>(w_lo);
    t->w_hi[o] = static_cast<float>(w_hi);
    t->pick[o] = (w_hi != 0 ? hi_c : lo_c) * stride;
    if (w_lo != 0 && w_hi != 0 && lo_c != hi_c) t->interpolates = true;
  }
}

void ApplyKeepAspectRatio(const std::string &policy, const std::vector<int64_t> &axes, const Shape &in_shape,
                          std::vector<double> *scale, Shape *out_shape) {
  const size_t k = axes.size();
  if (policy == "stretch" || k == 0) return;
  double s = (*scale)[axes[0]];
  for (size_t i = 1; i < k; ++i)
    s = policy == "not_larger" ? std::min(s, (*scale)[axes[i]]) : std::max(s, (*scale)[axes[i]]);
  for (size_t i = 0; i < k; ++i) {
    (*scale)[axes[i]] = s;
    (*out_shape)[axes[i]] = static_cast<int64_t>(s * static_cast<double>(in_shape[axes[i]]) + 0.5);
  }
}

}  // namespace resize
}  // namespace mace
