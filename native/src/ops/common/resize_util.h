// Coordinate code of Resize (ONNX Resize-19) shared by the CPU kernel (ops/resize.cc) and the
// GPU kernel (opencl/ops/resize.cc). The GPU kernel samples exactly the inputs, with exactly the
// weights, that the CPU kernel does because both build their per-axis tables here.
#ifndef MACE_OPS_COMMON_RESIZE_UTIL_H_
#define MACE_OPS_COMMON_RESIZE_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace mace {
namespace resize {

enum class CoordMode { kHalfPixel, kHalfPixelSymmetric, kPytorchHalfPixel, kAlignCorners, kAsymmetric,
                       kTfCropAndResize, kTfHalfPixelForNN };
enum class NearestMode { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil };

// The ONNX attribute value `name` of coordinate_transformation_mode / nearest_mode; false for an
// unknown name (*mode unchanged).
bool ParseCoordMode(const std::string &name, CoordMode *mode);
bool ParseNearestMode(const std::string &name, NearestMode *mode);
// Whether `policy` is a keep_aspect_ratio_policy (stretch, not_larger, not_smaller).
bool IsKeepAspectRatioPolicy(const std::string &policy);

// The resized axes of a rank-`rank` input: the `axes` attribute `given`, normalised, where
// `has_axes`, else every axis in order. False for an invalid attribute, with *bad the offending
// value and *repeated telling a repeated axis (true) from one out of range (false).
bool ResolveAxes(bool has_axes, const std::vector<int64_t> &given, int rank, std::vector<int64_t> *axes,
                 int64_t *bad, bool *repeated);

// How one output index along one axis reads the input: two neighbours with weights (linear),
// or one of them (nearest); `valid` is false where tf_crop_and_resize extrapolates (there
// lo = hi = pick = 0, w_lo = 1, w_hi = 0).
struct AxisTable {
  std::vector<int64_t> lo, hi;  // element offsets (index * stride) of the two neighbours
  std::vector<float> w_lo, w_hi;
  std::vector<int64_t> pick;    // nearest: offset of the chosen neighbour; linear: of the one
                                // with weight when the axis does not interpolate
  std::vector<uint8_t> valid;
  bool interpolates = false;    // some output index mixes two distinct inputs
  bool all_valid = true;
};

// Input coordinate of output index x (ONNX reference `_interpolate_1d_with_x`).
// `scale_is_f32`: the scale came from the float32 scales input, and as in the reference
// (numpy float32 * int) the fractional output width is rounded to float32.
double SourceCoordinate(CoordMode mode, double x, double scale, bool scale_is_f32, int64_t in,
                        int64_t out_int, double roi_start, double roi_end);

// Fills *t for one axis of `in` input and `out` output elements; offsets are index * stride
// (stride 1 gives input indices).
void BuildAxisTable(bool linear, CoordMode mode, NearestMode nearest, bool exclude_outside, double scale,
                    bool scale_is_f32, int64_t in, int64_t out, int64_t stride, double roi_start,
                    double roi_end, AxisTable *t);

// keep_aspect_ratio_policy not_larger / not_smaller (sizes given): every resized axis in `axes`
// gets the smallest / largest of their scales, and the output size round(scale * input).
// stretch leaves scale and out_shape as they are.
void ApplyKeepAspectRatio(const std::string &policy, const std::vector<int64_t> &axes, const Shape &in_shape,
                          std::vector<double> *scale, Shape *out_shape);

}  // namespace resize
}  // namespace mace

#endif  // MACE_OPS_COMMON_RESIZE_UTIL_H_
