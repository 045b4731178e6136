// Softmax and LogSoftmax over channels: the GPU kernel against the CPU kernel on float and half
// images, odd channel counts, N = 2, H != W, large inputs (max subtraction), ranks 1..4, and
// coerce_2d; other axes are refused.
#include <tuple>

#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {
namespace {

using mace::test::OpTester;

struct SoftmaxCase {
  std::string name;
  Shape x;
  int axis;  // 99: default
  bool coerce_2d;
  float range;
};
void PrintTo(const SoftmaxCase &c, std::ostream *os) { *os << c.name; }

const SoftmaxCase kCases[] = {
    {"nc_1000", {1, 1000}, 99, false, 8},
    {"nc_13_n2", {2, 13}, 1, false, 4},
    {"nc_7_neg1", {2, 7}, -1, false, 4},
    {"large_values", {2, 5}, 1, false, 80},  // exp overflows without the max subtraction
    {"nchw_c13", {2, 13, 3, 5}, 1, false, 4},
    {"nchw_c3_neg3", {2, 3, 4, 2}, -3, false, 4},
    {"nchw_c8", {1, 8, 2, 3}, 1, false, 4},
    {"nch_c5", {2, 5, 3}, 1, false, 4},
    {"vector", {11}, 0, false, 4},
    {"coerce_2d_nc11", {2, 13, 1, 1}, 1, true, 4},
    {"coerce_2d_default_nc", {3, 6}, 99, true, 4},
};

using SoftmaxTest = OpenCLParamTest<std::tuple<std::string, SoftmaxCase, ImageType>>;

TEST_P(SoftmaxTest, MatchesCpu) {
  const std::string op = std::get<0>(GetParam());
  const SoftmaxCase &c = std::get<1>(GetParam());
  const ImageType type = std::get<2>(GetParam());
  // Half inputs of magnitude up to 80 round by up to 0.03: exp of that shifts outputs by 3%
  // (relative), so half compares the large-value case at rtol 5e-2. LogSoftmax outputs are
  // differences of such values: absolute error, atol 5e-2.
  Tolerance tol = ToleranceFor(type);
  if (type == ImageType::kHalf && c.range > 10) tol = {5e-2f, 5e-2f};
  const std::vector<float> x = RandomData(mace::test::NumElements(c.x), 40, -c.range, c.range);
  EXPECT_TRUE(GpuMatchesCpu(
      runtime_, type, op,
      [&](OpTester &t) {
        t.Input(c.x, x);
        if (c.axis != 99) t.Arg("axis", c.axis);
        if (c.coerce_2d) t.Arg("coerce_2d", 1);
      },
      tol));
}

INSTANTIATE_TEST_SUITE_P(Softmax, SoftmaxTest,
                         ::testing::Combine(::testing::Values("Softmax", "LogSoftmax"), ::testing::ValuesIn(kCases),
                                            ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
                         [](const ::testing::TestParamInfo<SoftmaxTest::ParamType> &info) {
                           return StrCat(std::get<0>(info.param), "_", std::get<1>(info.param).name, "_",
                                         ImageTypeName(std::get<2>(info.param)));
                         });

TEST_F(OpenCLTest, SoftmaxOtherAxesRunOnCpu) {
  const std::pair<Shape, std::pair<int, bool>> cases[] = {
      {{2, 3, 4, 5}, {-1, false}},  // over W
      {{2, 3, 4, 5}, {1, true}},    // coerce_2d over C*H*W
  };
  for (const auto &c : cases) {
    EXPECT_TRUE(GpuRefuses(runtime_, "Softmax", [&](OpTester &t) {
      t.Input(c.first, RandomData(mace::test::NumElements(c.first), 1, -1, 1)).Arg("axis", c.second.first);
      if (c.second.second) t.Arg("coerce_2d", 1);
    }, "the channel axis"));
  }
}

}  // namespace
}  // namespace test
}  // namespace opencl
}  // namespace mace
