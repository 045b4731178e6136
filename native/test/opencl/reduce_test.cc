// ReduceSum/Mean/Max/Min over H and W: the GPU kernel against the CPU kernel on float and half
// images, keepdims 0 and 1, axes as an input and as an argument (negative too), planes from
// 1x1 to larger than one work group's share; other axes run on the CPU.
#include <tuple>

#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {
namespace {

using mace::test::OpTester;

using ReduceTest = OpenCLParamTest<std::tuple<std::string, Shape, int, ImageType>>;

// Variants: 0 axes input {2, 3} keepdims 1, 1 axes input {-1, -2} keepdims 0,
// 2 axes argument {3, 2} keepdims 1.
void Build(const Shape &shape, int variant, OpTester &t) {
  t.Input(shape, RandomData(mace::test::NumElements(shape), 5, -2, 2));
  if (variant == 0) t.InputInt64({2}, {2, 3}).Const();
  if (variant == 1) t.InputInt64({2}, {-1, -2}).Const().Arg("keepdims", 0);
  if (variant == 2) t.Ints("axes", {3, 2});
}

TEST_P(ReduceTest, MatchesCpu) {
  const std::string op = std::get<0>(GetParam());
  const ImageType type = std::get<3>(GetParam());
  Tolerance tol = ToleranceFor(type);
  // Sums of up to a few hundred values in [-2, 2] accumulate in float on the GPU (double on
  // the CPU) and may cancel to near 0: an absolute floor for the rounding of the partial sums;
  // half images round every input by up to 1e-3, which adds up over the plane.
  if (op == "ReduceSum") tol.atol = type == ImageType::kHalf ? 5e-2f : 1e-4f;
  EXPECT_TRUE(GpuMatchesCpu(runtime_, type, op,
                            [&](OpTester &t) { Build(std::get<1>(GetParam()), std::get<2>(GetParam()), t); }, tol));
}

INSTANTIATE_TEST_SUITE_P(
    Ops, ReduceTest,
    ::testing::Combine(::testing::Values("ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin"),
                       ::testing::Values(Shape{2, 5, 7, 9}, Shape{1, 13, 3, 11}, Shape{2, 3, 1, 1},
                                         Shape{1, 7, 20, 17}),
                       ::testing::Values(0, 1, 2), ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
    [](const ::testing::TestParamInfo<ReduceTest::ParamType> &info) {
      const Shape &s = std::get<1>(info.param);
      return StrCat(std::get<0>(info.param), "_", s[0], "x", s[1], "x", s[2], "x", s[3], "_v",
                    std::get<2>(info.param), "_", ImageTypeName(std::get<3>(info.param)));
    });

TEST_F(OpenCLTest, ReduceRefusesChannelAxis) {
  EXPECT_TRUE(GpuRefuses(runtime_, "ReduceMean", [](OpTester &t) {
    t.Input({1, 3, 4, 4}, RandomData(48, 1, -1, 1)).InputInt64({1}, {1}).Const();
  }, "axes {2, 3}"));
}

TEST_F(OpenCLTest, ReduceRefusesOneSpatialAxis) {
  EXPECT_TRUE(GpuRefuses(runtime_, "ReduceMax", [](OpTester &t) {
    t.Input({1, 3, 4, 4}, RandomData(48, 1, -1, 1)).Ints("axes", {3});
  }, "axes {2, 3}"));
}

TEST_F(OpenCLTest, ReduceRefusesAllAxes) {
  EXPECT_TRUE(GpuRefuses(runtime_, "ReduceSum", [](OpTester &t) { t.Input({1, 3, 4, 4}, RandomData(48, 1, -1, 1)); },
                         "axes {2, 3}"));
}

}  // namespace
}  // namespace test
}  // namespace opencl
}  // namespace mace
