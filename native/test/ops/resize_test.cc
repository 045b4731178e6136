#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "any_type_op.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

using namespace any_type;  // NOLINT

// ---------------------------------------------------------------------------------------
// Naive reference: a line-by-line port of the ONNX reference implementation
// (onnx/reference/ops/op_resize.py): separable recursion over the axes, neighbours found by
// sorting the edge-padded line by distance, coefficients from the mode.
struct RefParams {
  std::string mode = "nearest";
  std::string ctm = "half_pixel";
  std::string nearest_mode = "round_prefer_floor";
  bool exclude_outside = false;
  double extrapolation = 0.0;
};

double Interp1D(const std::vector<double> &data, double scale, bool scale_f32, int64_t out_int, int64_t x,
                double roi0, double roi1, const RefParams &p) {
  const double in = static_cast<double>(data.size());
  double out_w = scale * in;
  if (scale_f32) out_w = static_cast<float>(out_w);  // numpy float32 * int stays float32
  double xo;
  const std::string &m = p.ctm;
  if (m == "align_corners") {
    xo = out_w == 1 ? 0 : x * (in - 1) / (out_w - 1);
  } else if (m == "asymmetric") {
    xo = x / scale;
  } else if (m == "tf_crop_and_resize") {
    xo = out_w == 1 ? (roi1 - roi0) * (in - 1) / 2 : x * (roi1 - roi0) * (in - 1) / (out_w - 1);
    xo += roi0 * (in - 1);
    if (xo < 0 || xo > in - 1) return p.extrapolation;
  } else if (m == "pytorch_half_pixel") {
    xo = out_w == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
  } else if (m == "half_pixel") {
    xo = (x + 0.5) / scale - 0.5;
  } else if (m == "half_pixel_symmetric") {
    const double adjustment = out_int / out_w, center = in / 2, offset = center * (1 - adjustment);
    xo = offset + (x + 0.5) / scale - 0.5;
  } else {  // tf_half_pixel_for_nn (opset 11)
    xo = (x + 0.5) / scale;
  }
  const double xo_int = std::floor(xo);
  const double ratio = xo == xo_int ? 1.0 : xo - xo_int;
  std::vector<double> coeffs;
  if (p.mode == "linear") {
    coeffs = {1 - ratio, ratio};
  } else if (ratio == 1.0) {
    coeffs = {0, 1};
  } else if (p.nearest_mode == "round_prefer_floor") {
    coeffs = {ratio <= 0.5 ? 1.0 : 0.0, ratio > 0.5 ? 1.0 : 0.0};
  } else if (p.nearest_mode == "round_prefer_ceil") {
    coeffs = {ratio < 0.5 ? 1.0 : 0.0, ratio >= 0.5 ? 1.0 : 0.0};
  } else if (p.nearest_mode == "floor") {
    coeffs = {1, 0};
  } else {
    coeffs = {0, 1};
  }
  // _get_neighbor: pad by ceil(n/2) = 1 in edge mode, take the 2 nearest indices (ties: smaller).
  std::vector<double> padded;
  padded.push_back(data.front());
  padded.insert(padded.end(), data.begin(), data.end());
  padded.push_back(data.back());
  const double xp = xo + 1;
  std::vector<int64_t> order(padded.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    const double da = std::fabs(xp - a), db = std::fabs(xp - b);
    return da != db ? da < db : a < b;
  });
  std::vector<int64_t> idx(order.begin(), order.begin() + 2);
  std::sort(idx.begin(), idx.end());
  if (p.exclude_outside) {
    double sum = 0;
    for (int i = 0; i < 2; ++i) {
      const int64_t orig = idx[i] - 1;
      if (orig < 0 || orig >= static_cast<int64_t>(data.size())) coeffs[i] = 0;
      sum += coeffs[i];
    }
    for (auto &c : coeffs) c /= sum;
  }
  return coeffs[0] * padded[idx[0]] + coeffs[1] * padded[idx[1]];
}

// data: dense tensor of `shape`; roi: [starts..., ends...] for these dims.
double InterpND(const std::vector<double> &data, const Shape &shape, const std::vector<double> &scales, bool f32,
                const Shape &out, const std::vector<int64_t> &x, const std::vector<double> &roi, const RefParams &p) {
  const size_t n = shape.size();
  if (n == 1) return Interp1D(data, scales[0], f32, out[0], x[0], roi[0], roi[1], p);
  const int64_t inner = NumElements(Shape(shape.begin() + 1, shape.end()));
  std::vector<double> sub_roi(roi.begin() + 1, roi.begin() + n);
  sub_roi.insert(sub_roi.end(), roi.begin() + n + 1, roi.end());
  std::vector<double> res;
  for (int64_t i = 0; i < shape[0]; ++i) {
    std::vector<double> slice(data.begin() + i * inner, data.begin() + (i + 1) * inner);
    res.push_back(InterpND(slice, Shape(shape.begin() + 1, shape.end()), std::vector<double>(scales.begin() + 1, scales.end()),
                           f32, Shape(out.begin() + 1, out.end()), std::vector<int64_t>(x.begin() + 1, x.end()), sub_roi, p));
  }
  return Interp1D(res, scales[0], f32, out[0], x[0], roi[0], roi[n], p);
}

struct ResizeCase {
  std::string name;
  Shape shape;
  std::vector<float> scales;     // empty: sizes are used
  std::vector<int64_t> sizes;
  std::vector<int64_t> axes;     // empty: all
  std::vector<float> roi;        // empty: none
  RefParams p;
  std::string policy = "stretch";
};

// Output shape and values following `_interpolate_nd`.
std::vector<float> RefResize(const ResizeCase &c, const std::vector<float> &xf, Shape *out_shape) {
  const int r = static_cast<int>(c.shape.size());
  std::vector<int64_t> axes = c.axes;
  for (auto &a : axes)
    if (a < 0) a += r;
  if (axes.empty())
    for (int d = 0; d < r; ++d) axes.push_back(d);
  std::vector<double> scales(r, 1.0);
  *out_shape = c.shape;
  std::vector<double> roi(2 * r);
  for (int d = 0; d < r; ++d) {
    roi[d] = 0;
    roi[r + d] = 1;
  }
  if (!c.roi.empty())
    for (size_t i = 0; i < axes.size(); ++i) {
      roi[axes[i]] = c.roi[i];
      roi[r + axes[i]] = c.roi[axes.size() + i];
    }
  const bool f32 = !c.scales.empty();
  if (f32) {
    for (size_t i = 0; i < axes.size(); ++i) scales[axes[i]] = c.scales[i];
    for (int d = 0; d < r; ++d) (*out_shape)[d] = static_cast<int64_t>(scales[d] * static_cast<double>(c.shape[d]));
  } else {
    for (size_t i = 0; i < axes.size(); ++i) (*out_shape)[axes[i]] = c.sizes[i];
    for (int d = 0; d < r; ++d) scales[d] = static_cast<double>((*out_shape)[d]) / static_cast<double>(c.shape[d]);
    if (c.policy != "stretch") {
      double s = c.policy == "not_larger" ? 1e300 : -1e300;
      for (int64_t a : axes) s = c.policy == "not_larger" ? std::min(s, scales[a]) : std::max(s, scales[a]);
      for (int64_t a : axes) {
        scales[a] = s;
        (*out_shape)[a] = static_cast<int64_t>(s * static_cast<double>(c.shape[a]) + 0.5);
      }
    }
  }
  std::vector<double> data(xf.begin(), xf.end());
  std::vector<float> out(NumElements(*out_shape));
  for (int64_t i = 0; i < static_cast<int64_t>(out.size()); ++i)
    out[i] = static_cast<float>(InterpND(data, c.shape, scales, f32, *out_shape, Unravel(i, *out_shape), roi, c.p));
  return out;
}

// ---------------------------------------------------------------------------------------

RefParams P(const std::string &mode, const std::string &ctm = "half_pixel",
            const std::string &nearest_mode = "round_prefer_floor", bool exclude = false, double extrap = 0) {
  RefParams p;
  p.mode = mode;
  p.ctm = ctm;
  p.nearest_mode = nearest_mode;
  p.exclude_outside = exclude;
  p.extrapolation = extrap;
  return p;
}

std::vector<ResizeCase> Cases() {
  std::vector<ResizeCase> v = {
      // The ONNX node tests.
      {"downsample_scales_linear", {1, 1, 2, 4}, {1, 1, 0.6f, 0.6f}, {}, {}, {}, P("linear")},
      {"downsample_scales_linear_align_corners", {1, 1, 2, 4}, {1, 1, 0.6f, 0.6f}, {}, {}, {}, P("linear", "align_corners")},
      {"downsample_scales_linear_half_pixel_symmetric", {1, 1, 1, 4}, {1, 1, 1, 0.6f}, {}, {}, {},
       P("linear", "half_pixel_symmetric")},
      {"upsample_scales_linear_half_pixel_symmetric", {1, 1, 2, 2}, {1, 1, 2.3f, 2.94f}, {}, {}, {},
       P("linear", "half_pixel_symmetric")},
      {"downsample_scales_nearest", {1, 1, 2, 4}, {1, 1, 0.6f, 0.6f}, {}, {}, {}, P("nearest")},
      {"downsample_sizes_linear_pytorch_half_pixel", {1, 1, 4, 4}, {}, {1, 1, 3, 1}, {}, {}, P("linear", "pytorch_half_pixel")},
      {"downsample_sizes_nearest", {1, 1, 2, 4}, {}, {1, 1, 1, 3}, {}, {}, P("nearest")},
      {"downsample_sizes_nearest_not_larger", {1, 1, 2, 4}, {}, {1, 3}, {2, 3}, {}, P("nearest"), "not_larger"},
      {"downsample_sizes_nearest_not_smaller", {1, 1, 2, 4}, {}, {1, 3}, {2, 3}, {}, P("nearest"), "not_smaller"},
      {"tf_crop_and_resize", {1, 1, 4, 4}, {}, {1, 1, 3, 3}, {}, {0, 0, 0.4f, 0.6f, 1, 1, 0.6f, 0.8f},
       P("linear", "tf_crop_and_resize")},
      {"tf_crop_and_resize_axes_2_3", {1, 1, 4, 4}, {}, {3, 3}, {2, 3}, {0.4f, 0.6f, 0.6f, 0.8f},
       P("linear", "tf_crop_and_resize")},
      {"tf_crop_and_resize_axes_3_2", {1, 1, 4, 4}, {}, {3, 3}, {3, 2}, {0.6f, 0.4f, 0.8f, 0.6f},
       P("linear", "tf_crop_and_resize")},
      {"tf_crop_and_resize_extrapolation_value", {1, 1, 4, 4}, {}, {1, 1, 3, 3}, {}, {0, 0, 0.4f, 0.6f, 1, 1, 1.2f, 1.7f},
       P("linear", "tf_crop_and_resize", "round_prefer_floor", false, 10.0)},
      {"upsample_scales_linear", {1, 1, 2, 2}, {1, 1, 2, 2}, {}, {}, {}, P("linear")},
      {"upsample_scales_linear_align_corners", {1, 1, 2, 2}, {1, 1, 2, 2}, {}, {}, {}, P("linear", "align_corners")},
      {"upsample_scales_nearest", {1, 1, 2, 2}, {1, 1, 2, 3}, {}, {}, {}, P("nearest")},
      {"upsample_scales_nearest_axes_3_2", {1, 1, 2, 2}, {3, 2}, {}, {3, 2}, {}, P("nearest")},
      {"upsample_sizes_nearest", {1, 1, 2, 2}, {}, {1, 1, 7, 8}, {}, {}, P("nearest")},
      {"upsample_sizes_nearest_ceil_half_pixel", {1, 1, 4, 4}, {}, {1, 1, 8, 8}, {}, {}, P("nearest", "half_pixel", "ceil")},
      {"upsample_sizes_nearest_floor_align_corners", {1, 1, 4, 4}, {}, {1, 1, 8, 8}, {}, {},
       P("nearest", "align_corners", "floor")},
      {"upsample_sizes_nearest_round_prefer_ceil_asymmetric", {1, 1, 4, 4}, {}, {1, 1, 8, 8}, {}, {},
       P("nearest", "asymmetric", "round_prefer_ceil")},
      {"upsample_sizes_nearest_not_larger", {1, 1, 2, 2}, {}, {7, 8}, {2, 3}, {}, P("nearest"), "not_larger"},
      {"upsample_sizes_nearest_not_smaller", {1, 1, 2, 2}, {}, {7, 8}, {2, 3}, {}, P("nearest"), "not_smaller"},
      {"downsample_sizes_nearest_tf_half_pixel_for_nn", {1, 1, 4, 4}, {}, {1, 1, 3, 2}, {}, {},
       P("nearest", "tf_half_pixel_for_nn")},
      // Other shapes and combinations.
      {"trilinear", {1, 2, 3, 4, 5}, {1, 1, 1.7f, 0.5f, 2.2f}, {}, {}, {}, P("linear")},
      {"trilinear_align_sizes", {2, 3, 5, 4}, {}, {7, 1, 6}, {1, 2, 3}, {}, P("linear", "align_corners")},
      {"linear_1d", {7}, {}, {13}, {}, {}, P("linear", "asymmetric")},
      {"linear_2d_last_axis", {3, 5}, {1.5f}, {}, {-1}, {}, P("linear", "pytorch_half_pixel")},
      {"linear_to_one_pixel", {1, 1, 5, 5}, {}, {1, 1, 1, 1}, {}, {}, P("linear", "pytorch_half_pixel")},
      {"linear_align_to_one", {1, 1, 5, 5}, {}, {1, 1, 1, 2}, {}, {}, P("linear", "align_corners")},
      {"linear_exclude_outside", {1, 2, 3, 5}, {1, 1, 2.5f, 0.7f}, {}, {}, {},
       P("linear", "half_pixel", "round_prefer_floor", true)},
      {"linear_exclude_outside_asym", {1, 1, 4, 3}, {1, 1, 0.5f, 3.1f}, {}, {}, {},
       P("linear", "asymmetric", "round_prefer_floor", true)},
      {"nearest_1x1", {1, 3, 1, 1}, {1, 1, 4, 3}, {}, {}, {}, P("nearest", "asymmetric", "floor")},
      {"nearest_round_prefer_ceil", {2, 3, 5, 7}, {1, 1, 1.6f, 0.4f}, {}, {}, {}, P("nearest", "half_pixel", "round_prefer_ceil")},
      {"nearest_ceil_align", {1, 2, 5, 7}, {}, {1, 2, 3, 11}, {}, {}, P("nearest", "align_corners", "ceil")},
      {"nearest_pytorch", {1, 2, 5, 7}, {}, {1, 2, 9, 4}, {}, {}, P("nearest", "pytorch_half_pixel", "round_prefer_floor")},
      {"nearest_symmetric", {1, 2, 5, 7}, {1, 1, 1.3f, 2.9f}, {}, {}, {}, P("nearest", "half_pixel_symmetric", "floor")},
      {"nearest_tf_crop", {1, 2, 5, 7}, {}, {4, 6}, {2, 3}, {0.1f, -0.3f, 1.3f, 0.9f},
       P("nearest", "tf_crop_and_resize", "round_prefer_floor", false, -3.0)},
      {"tf_crop_3d", {2, 4, 5, 3}, {}, {3, 6, 2}, {1, 2, 3}, {0.2f, -0.1f, 0.0f, 0.9f, 1.1f, 1.0f},
       P("linear", "tf_crop_and_resize", "round_prefer_floor", false, 0.5)},
      {"tf_crop_scales", {1, 1, 6, 6}, {1.5f, 0.5f}, {}, {2, 3}, {0.1f, 0.2f, 0.7f, 0.9f}, P("linear", "tf_crop_and_resize")},
      {"not_smaller_linear", {1, 3, 4, 6}, {}, {5, 5}, {2, 3}, {}, P("linear", "half_pixel"), "not_smaller"},
      {"not_larger_linear", {1, 3, 4, 6}, {}, {5, 5}, {2, 3}, {}, P("linear", "half_pixel_symmetric"), "not_larger"},
  };
  return v;
}

void AddInputs(OpTester *t, const ResizeCase &c, const std::vector<float> &x) {
  t->Input(c.shape, x);
  if (c.roi.empty()) t->NoInput();
  else t->Input({static_cast<int64_t>(c.roi.size())}, c.roi);
  if (c.scales.empty()) t->NoInput().InputInt64({static_cast<int64_t>(c.sizes.size())}, c.sizes);
  else t->Input({static_cast<int64_t>(c.scales.size())}, c.scales);
  t->Arg("mode", c.p.mode).Arg("coordinate_transformation_mode", c.p.ctm).Arg("nearest_mode", c.p.nearest_mode);
  if (c.p.exclude_outside) t->Arg("exclude_outside", 1);
  if (c.p.extrapolation != 0) t->Arg("extrapolation_value", static_cast<float>(c.p.extrapolation));
  if (!c.axes.empty()) t->Ints("axes", c.axes);
  if (c.policy != "stretch") t->Arg("keep_aspect_ratio_policy", c.policy);
}

TEST(ResizeTest, MatchesOnnxReference) {
  for (const auto &c : Cases()) {
    SCOPED_TRACE(c.name);
    auto x = RandomFloats(NumElements(c.shape), -2, 2, 11);
    OpTester t("Resize");
    AddInputs(&t, c, x);
    MaceStatus s = t.Run();
    ASSERT_TRUE(s.ok()) << s.information();
    Shape ref_shape;
    auto ref = RefResize(c, x, &ref_shape);
    EXPECT_EQ(t.Output().shape(), ref_shape);
    ExpectAllClose(t.OutputFloats(), ref, 1e-5f, 1e-5f);
  }
}

TEST(ResizeTest, KnownValuesFromOnnxTests) {
  std::vector<float> x8(8);
  std::iota(x8.begin(), x8.end(), 1.f);
  {
    OpTester t("Resize");  // test_resize_downsample_scales_linear
    t.Input({1, 1, 2, 4}, x8).NoInput().Input({4}, {1, 1, 0.6f, 0.6f}).Arg("mode", "linear");
    ASSERT_TRUE(t.Run().ok());
    ExpectAllClose(t.OutputFloats(), {2.6666665f, 4.3333331f});
  }
  {
    OpTester t("Resize");  // test_resize_downsample_scales_linear_align_corners
    t.Input({1, 1, 2, 4}, x8).NoInput().Input({4}, {1, 1, 0.6f, 0.6f}).Arg("mode", "linear");
    t.Arg("coordinate_transformation_mode", "align_corners");
    ASSERT_TRUE(t.Run().ok());
    ExpectAllClose(t.OutputFloats(), {1.f, 3.142857f});
  }
  {
    OpTester t("Resize");  // test_resize_upsample_scales_linear
    t.Input({1, 1, 2, 2}, {1, 2, 3, 4}).NoInput().Input({4}, {1, 1, 2, 2}).Arg("mode", "linear");
    ASSERT_TRUE(t.Run().ok());
    ExpectAllClose(t.OutputFloats(), {1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f,
                                      3.75f, 4});
  }
  {
    OpTester t("Resize");  // test_resize_downsample_sizes_nearest
    t.Input({1, 1, 2, 4}, x8).NoInput().NoInput().InputInt64({4}, {1, 1, 1, 3});
    ASSERT_TRUE(t.Run().ok());
    EXPECT_EQ(t.Output().shape(), (Shape{1, 1, 1, 3}));
    ExpectAllClose(t.OutputFloats(), {1, 2, 4}, 0, 0);
  }
}

TEST(ResizeTest, NearestOnOtherTypes) {
  const Shape shape{1, 2, 3, 5};
  auto x8 = Iota<uint8_t>(NumElements(shape));
  std::vector<float> xf(x8.begin(), x8.end());
  ResizeCase c{"", shape, {1, 1, 2.5f, 0.7f}, {}, {}, {}, P("nearest", "asymmetric", "round_prefer_ceil")};
  Shape ref_shape;
  auto ref = RefResize(c, xf, &ref_shape);
  std::map<std::string, OpArg> args = {{"mode", StrArg("nearest")},
                                       {"coordinate_transformation_mode", StrArg("asymmetric")},
                                       {"nearest_mode", StrArg("round_prefer_ceil")}};
  std::vector<RawTensor> out;
  ASSERT_TRUE(RunAnyType("Resize", {Raw(shape, x8), Absent(), Raw<float>({4}, c.scales)}, args, 1, &out).ok());
  EXPECT_EQ(out[0].shape, ref_shape);
  EXPECT_EQ(out[0].dtype, DataType::DT_UINT8);
  EXPECT_EQ(out[0].As<uint8_t>(), std::vector<uint8_t>(ref.begin(), ref.end()));
  auto x64 = Iota<int64_t>(NumElements(shape), -9);
  xf.assign(x64.begin(), x64.end());
  ref = RefResize(c, xf, &ref_shape);
  ASSERT_TRUE(RunAnyType("Resize", {Raw(shape, x64), Absent(), Raw<float>({4}, c.scales)}, args, 1, &out).ok());
  EXPECT_EQ(out[0].As<int64_t>(), std::vector<int64_t>(ref.begin(), ref.end()));
}

TEST(ResizeTest, OneAndThreeThreadsAgree) {
  for (const std::string mode : {"linear", "nearest"}) {
    const Shape shape{3, 5, 13, 31};
    auto x = RandomFloats(NumElements(shape));
    std::vector<float> out1;
    for (int threads : {1, 3}) {
      OpTester t("Resize");
      t.Input(shape, x).NoInput().Input({4}, {1, 1, 2.f, 1.5f}).Arg("mode", mode);
      ASSERT_TRUE(t.Run(threads).ok());
      EXPECT_EQ(t.Output().shape(), (Shape{3, 5, 26, 46}));
      if (threads == 1) out1 = t.OutputFloats();
      else ExpectAllClose(t.OutputFloats(), out1, 0, 0);
    }
    // Spot-check against the reference on a slice of the same configuration.
    ResizeCase c{"", {1, 1, 13, 31}, {1, 1, 2.f, 1.5f}, {}, {}, {}, P(mode)};
    Shape ref_shape;
    auto ref = RefResize(c, std::vector<float>(x.begin(), x.begin() + 13 * 31), &ref_shape);
    ExpectAllClose(std::vector<float>(out1.begin(), out1.begin() + 26 * 46), ref, 1e-5f, 1e-5f);
  }
}

TEST(ResizeTest, UnsupportedAndInvalid) {
  auto base = [](OpTester *t) { t->Input({1, 1, 2, 2}, {1, 2, 3, 4}).NoInput().Input({4}, {1, 1, 2, 2}); };
  {
    OpTester t("Resize");
    base(&t);
    t.Arg("mode", "cubic");
    MaceStatus s = t.Run();
    EXPECT_EQ(s.code(), MaceStatus::MACE_UNSUPPORTED);
    EXPECT_TRUE(HasText(s, "cubic")) << s.information();
  }
  {
    OpTester t("Resize");
    base(&t);
    t.Arg("mode", "linear").Arg("antialias", 1);
    MaceStatus s = t.Run();
    EXPECT_EQ(s.code(), MaceStatus::MACE_UNSUPPORTED);
    EXPECT_TRUE(HasText(s, "antialias")) << s.information();
  }
  {
    OpTester t("Resize");
    base(&t);
    t.Arg("coordinate_transformation_mode", "bogus");
    EXPECT_EQ(t.Run().code(), MaceStatus::MACE_UNSUPPORTED);
  }
  {
    OpTester t("Resize");
    base(&t);
    t.Arg("nearest_mode", "bogus");
    EXPECT_FALSE(t.Run().ok());
  }
  {
    OpTester t("Resize");  // both scales and sizes
    base(&t);
    t.InputInt64({4}, {1, 1, 4, 4});
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "exactly one")) << s.information();
  }
  {
    OpTester t("Resize");  // neither
    t.Input({1, 1, 2, 2}, {1, 2, 3, 4});
    EXPECT_FALSE(t.Run().ok());
  }
  {
    OpTester t("Resize");
    t.Input({1, 1, 2, 2}, {1, 2, 3, 4}).NoInput().Input({2}, {2, 2});
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "resized axes")) << s.information();
  }
  {
    OpTester t("Resize");
    t.Input({1, 1, 2, 2}, {1, 2, 3, 4}).NoInput().Input({4}, {1, 1, -2, 2});
    EXPECT_FALSE(t.Run().ok());
  }
  {
    OpTester t("Resize");
    t.Input({1, 1, 2, 2}, {1, 2, 3, 4}).NoInput().NoInput().InputInt64({4}, {1, 1, 0, 3});
    EXPECT_FALSE(t.Run().ok());
  }
  {
    OpTester t("Resize");  // tf_crop_and_resize without roi
    t.Input({1, 1, 2, 2}, {1, 2, 3, 4}).NoInput().Input({4}, {1, 1, 2, 2});
    t.Arg("coordinate_transformation_mode", "tf_crop_and_resize");
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "roi")) << s.information();
  }
  {
    OpTester t("Resize");
    base(&t);
    t.Ints("axes", {2, -2});
    EXPECT_FALSE(t.Run().ok());
  }
  {
    std::vector<RawTensor> out;  // linear on integers
    MaceStatus s = RunAnyType("Resize", {Raw<int32_t>({1, 4}, {1, 2, 3, 4}), Absent(), Raw<float>({2}, {1, 2})},
                              {{"mode", StrArg("linear")}}, 1, &out);
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "float32")) << s.information();
  }
}

}  // namespace
}  // namespace test
}  // namespace mace
