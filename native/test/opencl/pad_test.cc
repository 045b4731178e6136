// Pad: the GPU kernel against the CPU kernel on float and half images, for every mode, with
// asymmetric and negative (cropping) pads along H and W, along C (channel gather) and N, pads
// given for all axes or for `axes`; the cases it refuses run on the CPU.
#include <tuple>

#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {
namespace {

using mace::test::OpTester;

struct PadCase {
  std::string name;
  Shape in;
  std::vector<int64_t> pads, axes;  // axes empty: pads for all four axes
};
void PrintTo(const PadCase &c, std::ostream *os) { *os << c.name; }

using PadTest = OpenCLParamTest<std::tuple<std::string, PadCase, ImageType>>;

TEST_P(PadTest, MatchesCpu) {
  const std::string mode = std::get<0>(GetParam());
  const PadCase &c = std::get<1>(GetParam());
  EXPECT_TRUE(GpuMatchesCpu(runtime_, std::get<2>(GetParam()), "Pad", [&](OpTester &t) {
    t.Input(c.in, RandomData(mace::test::NumElements(c.in), 3, -2, 2)).Arg("mode", mode);
    t.InputInt64({int64_t(c.pads.size())}, c.pads).Const();
    if (mode == "constant") t.Input({}, {1.25f}).Const();
    else t.NoInput();
    if (!c.axes.empty()) t.InputInt64({int64_t(c.axes.size())}, c.axes).Const();
  }));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PadTest,
    ::testing::Combine(
        ::testing::Values("constant", "reflect", "edge", "wrap"),
        ::testing::Values(PadCase{"asymmetric", {2, 5, 7, 6}, {0, 0, 1, 3, 0, 0, 2, 0}, {}},
                          PadCase{"wide", {1, 3, 4, 5}, {0, 0, 3, 4, 0, 0, 5, 2}, {}},  // reflect past one period
                          PadCase{"crop", {2, 7, 9, 8}, {0, 0, -2, 1, 0, 0, 1, -3}, {}},
                          PadCase{"axes_hw", {2, 13, 5, 3}, {2, 1, 0, 2}, {2, 3}},
                          PadCase{"axes_neg", {1, 5, 6, 4}, {1, 2, 3, 0}, {-1, -2}},
                          PadCase{"channels", {2, 5, 3, 4}, {0, 2, 1, 0, 0, 3, 0, 2}, {}},  // C 5 -> 10
                          PadCase{"channels_crop", {1, 13, 3, 2}, {0, -3, 0, 0, 0, 1, 0, 0}, {}},
                          PadCase{"batch", {2, 3, 4, 3}, {1, 0, 0, 1, 2, 0, 1, 0}, {}},
                          PadCase{"axes_c", {2, 7, 2, 3}, {1, 2}, {1}}),
        ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
    [](const ::testing::TestParamInfo<PadTest::ParamType> &info) {
      return StrCat(std::get<0>(info.param), "_", std::get<1>(info.param).name, "_",
                    ImageTypeName(std::get<2>(info.param)));
    });

// No constant_value: zeros.
TEST_F(OpenCLTest, PadDefaultValueIsZero) {
  for (ImageType type : {ImageType::kFloat, ImageType::kHalf}) {
    EXPECT_TRUE(GpuMatchesCpu(runtime_, type, "Pad", [&](OpTester &t) {
      t.Input({2, 5, 3, 4}, RandomData(120, 3, -2, 2)).InputInt64({8}, {0, 0, 2, 1, 0, 0, 1, 3}).Const();
    })) << ImageTypeName(type);
  }
}

// The CPU kernel's error (nothing left to reflect), not a GPU case.
TEST_F(OpenCLTest, PadRefusesCroppingEverything) {
  EXPECT_TRUE(GpuRefuses(runtime_, "Pad", [](OpTester &t) {
    t.Input({1, 3, 4, 4}, RandomData(48, 1, -1, 1)).Arg("mode", "reflect").InputInt64({8}, {0, 0, -2, 0, 0, 0, -2, 0}).Const();
  }, "leave nothing"));
}

TEST_F(OpenCLTest, PadRefusesComputedPads) {
  EXPECT_TRUE(GpuRefuses(runtime_, "Pad", [](OpTester &t) {
    t.Input({1, 3, 4, 4}, RandomData(48, 1, -1, 1)).InputInt64({8}, {0, 0, 1, 1, 0, 0, 1, 1});
  }, "pads is not a constant"));
}

}  // namespace
}  // namespace test
}  // namespace opencl
}  // namespace mace
