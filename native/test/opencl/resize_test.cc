// Resize: the GPU kernel against the CPU kernel on float and half images, for every mode,
// coordinate transformation mode and nearest mode the GPU kernel takes, with scales and with
// sizes, upscaling, downscaling and non-integer scales; the cases it refuses run on the CPU.
#include <tuple>

#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {
namespace {

using mace::test::OpTester;

struct ResizeCase {
  std::string name;
  Shape in;
  std::string mode, ctm, nearest;
  std::vector<float> scales;    // or
  std::vector<int64_t> sizes;
  std::vector<int64_t> axes;    // empty: all
  std::function<void(OpTester &)> extra;  // more args / roi
};
void PrintTo(const ResizeCase &c, std::ostream *os) { *os << c.name; }

void Build(const ResizeCase &c, OpTester &t) {
  t.Input(c.in, RandomData(mace::test::NumElements(c.in), 7, -2, 2));
  t.Arg("mode", c.mode).Arg("coordinate_transformation_mode", c.ctm);
  if (!c.nearest.empty()) t.Arg("nearest_mode", c.nearest);
  if (!c.axes.empty()) t.Ints("axes", c.axes);
  if (c.extra) c.extra(t);
  else t.NoInput();  // roi
  const int64_t k = c.axes.empty() ? 4 : int64_t(c.axes.size());
  if (!c.scales.empty()) {
    t.Input({k}, c.scales).Const();
  } else {
    t.NoInput().InputInt64({k}, c.sizes).Const();
  }
}

using ResizeTest = OpenCLParamTest<std::tuple<ResizeCase, ImageType>>;

TEST_P(ResizeTest, MatchesCpu) {
  const ResizeCase &c = std::get<0>(GetParam());
  EXPECT_TRUE(GpuMatchesCpu(runtime_, std::get<1>(GetParam()), "Resize", [&](OpTester &t) { Build(c, t); }));
}

std::vector<ResizeCase> Cases() {
  std::vector<ResizeCase> cases;
  const Shape up{2, 5, 7, 5};    // -> 14x10
  const Shape down{2, 7, 9, 11}; // -> 4x6
  const Shape odd{1, 13, 5, 7};  // non-integer scales 1.7, 1.3
  for (const char *nm : {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"}) {
    for (const char *ctm : {"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel",
                            "half_pixel_symmetric", "tf_half_pixel_for_nn"}) {
      // tf_half_pixel_for_nn rounding up moves N and C as well on the CPU (refused below).
      if (std::string(ctm) == "tf_half_pixel_for_nn" && std::string(nm).find("ceil") != std::string::npos) continue;
      const std::string base = StrCat("nearest_", nm, "_", ctm);
      cases.push_back({base + "_up", up, "nearest", ctm, nm, {}, {2, 5, 14, 10}, {}, nullptr});
      cases.push_back({base + "_down", down, "nearest", ctm, nm, {1, 1, 4.f / 9, 6.f / 11}, {}, {}, nullptr});
      cases.push_back({base + "_frac", odd, "nearest", ctm, nm, {1, 1, 1.7f, 1.3f}, {}, {}, nullptr});
    }
  }
  for (const char *ctm : {"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel",
                          "half_pixel_symmetric"}) {
    const std::string base = StrCat("linear_", ctm);
    cases.push_back({base + "_up", up, "linear", ctm, "", {}, {2, 5, 14, 10}, {}, nullptr});
    cases.push_back({base + "_down", down, "linear", ctm, "", {}, {2, 7, 4, 6}, {}, nullptr});
    cases.push_back({base + "_frac", odd, "linear", ctm, "", {1, 1, 1.7f, 1.3f}, {}, {}, nullptr});
    // Only W resized: H does not interpolate; to one row: pytorch_half_pixel's out == 1 case.
    cases.push_back({base + "_w_only", down, "linear", ctm, "", {1, 1, 1, 1.5f}, {}, {}, nullptr});
    cases.push_back({base + "_one_row", down, "linear", ctm, "", {}, {2, 7, 1, 6}, {}, nullptr});
  }
  cases.push_back({"linear_axes_hw", down, "linear", "half_pixel", "", {2.5f, 0.5f}, {}, {2, 3}, nullptr});
  cases.push_back({"nearest_axes_neg", up, "nearest", "asymmetric", "floor", {}, {3, 11}, {-2, -1}, nullptr});
  cases.push_back({"linear_not_larger", down, "linear", "half_pixel", "", {}, {20, 30}, {2, 3},
                   [](OpTester &t) { t.Arg("keep_aspect_ratio_policy", "not_larger").NoInput(); }});
  cases.push_back({"linear_not_smaller", down, "linear", "align_corners", "", {}, {20, 30}, {2, 3},
                   [](OpTester &t) { t.Arg("keep_aspect_ratio_policy", "not_smaller").NoInput(); }});
  cases.push_back({"linear_exclude_outside", odd, "linear", "half_pixel", "", {1, 1, 1.7f, 0.6f}, {}, {},
                   [](OpTester &t) { t.Arg("exclude_outside", 1).NoInput(); }});
  cases.push_back({"nearest_exclude_outside", odd, "nearest", "pytorch_half_pixel", "round_prefer_ceil",
                   {1, 1, 1.7f, 0.6f}, {}, {}, [](OpTester &t) { t.Arg("exclude_outside", 1).NoInput(); }});
  // Edges: one input row (in - 1 = 0), one output pixel (align_corners' out == 1 case).
  for (const char *ctm : {"align_corners", "half_pixel", "pytorch_half_pixel"}) {
    cases.push_back({StrCat("linear_", ctm, "_from_one_row"), {2, 3, 1, 5}, "linear", ctm, "", {}, {2, 3, 4, 9}, {},
                     nullptr});
    cases.push_back({StrCat("linear_", ctm, "_to_one_pixel"), {1, 5, 6, 7}, "linear", ctm, "", {}, {1, 5, 1, 1}, {},
                     nullptr});
  }
  for (const char *mode : {"nearest", "linear"}) {
    // Part of the roi lies outside the input: extrapolated rows and columns.
    cases.push_back({StrCat(mode, "_tf_crop_and_resize"), down, mode, "tf_crop_and_resize", "", {}, {2, 7, 6, 8},
                     {}, [](OpTester &t) {
                       t.Arg("extrapolation_value", 3.5f)
                           .Input({8}, {0, 0, -0.2f, 0.1f, 1, 1, 0.9f, 1.3f})
                           .Const();
                     }});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Cases, ResizeTest,
                         ::testing::Combine(::testing::ValuesIn(Cases()),
                                            ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
                         [](const ::testing::TestParamInfo<ResizeTest::ParamType> &info) {
                           return StrCat(std::get<0>(info.param).name, "_", ImageTypeName(std::get<1>(info.param)));
                         });

TEST_F(OpenCLTest, ResizeRefusesCubic) {
  EXPECT_TRUE(GpuRefuses(runtime_, "Resize", [](OpTester &t) {
    t.Input({1, 3, 4, 4}, RandomData(48, 1, -1, 1)).Arg("mode", "cubic").NoInput().Input({4}, {1, 1, 2, 2}).Const();
  }, "mode 'cubic'"));
}

TEST_F(OpenCLTest, ResizeRefusesChannelScaling) {
  EXPECT_TRUE(GpuRefuses(runtime_, "Resize", [](OpTester &t) {
    t.Input({1, 3, 4, 4}, RandomData(48, 1, -1, 1)).Arg("mode", "linear").NoInput().Input({4}, {1, 2, 2, 2}).Const();
  }, "resizes C"));
}

// The CPU kernel maps n to n + 0.5 rounded up (the next image) on unscaled axes.
TEST_F(OpenCLTest, ResizeRefusesShiftedBatch) {
  EXPECT_TRUE(GpuRefuses(runtime_, "Resize", [](OpTester &t) {
    t.Input({2, 3, 4, 4}, RandomData(96, 1, -1, 1))
        .Arg("coordinate_transformation_mode", "tf_half_pixel_for_nn")
        .Arg("nearest_mode", "ceil")
        .NoInput()
        .Input({4}, {1, 1, 2, 2})
        .Const();
  }, "resizes N"));
}

TEST_F(OpenCLTest, ResizeRefusesComputedScales) {
  EXPECT_TRUE(GpuRefuses(runtime_, "Resize", [](OpTester &t) {
    t.Input({1, 3, 4, 4}, RandomData(48, 1, -1, 1)).NoInput().Input({4}, {1, 1, 2, 2});
  }, "scales is not a constant"));
}

TEST_F(OpenCLTest, ResizeRefusesRank3) {
  EXPECT_TRUE(GpuRefuses(runtime_, "Resize", [](OpTester &t) {
    t.Input({3, 4, 4}, RandomData(48, 1, -1, 1)).NoInput().Input({3}, {1, 2, 2}).Const();
  }, "rank 4"));
}

}  // namespace
}  // namespace test
}  // namespace opencl
}  // namespace mace
