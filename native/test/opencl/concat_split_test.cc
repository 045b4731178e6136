// Concat and Split on the channel axis: the GPU kernels against the CPU kernels on float and
// half images, channel counts that are not multiples of 4 (lane shifting, blocks shared by
// several inputs), N = 2, H != W, ranks 2..4; other axes are refused.
#include <tuple>

#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {
namespace {

using mace::test::OpTester;

struct ConcatCase {
  std::string name;
  std::vector<Shape> inputs;
  int axis;
};
void PrintTo(const ConcatCase &c, std::ostream *os) { *os << c.name; }

const ConcatCase kConcatCases[] = {
    {"c3_5_6", {{2, 3, 5, 3}, {2, 5, 5, 3}, {2, 6, 5, 3}}, 1},
    {"c64_64", {{1, 64, 3, 5}, {1, 64, 3, 5}}, 1},  // squeezenet's fire modules
    {"c1_1_1_1_2", {{2, 1, 3, 2}, {2, 1, 3, 2}, {2, 1, 3, 2}, {2, 1, 3, 2}, {2, 2, 3, 2}}, 1},
    {"c7_13_neg_axis", {{2, 7, 4, 3}, {2, 13, 4, 3}}, -3},
    {"c2_9_4_1", {{1, 2, 3, 4}, {1, 9, 3, 4}, {1, 4, 3, 4}, {1, 1, 3, 4}}, 1},
    {"rank2", {{2, 5}, {2, 7}, {2, 3}}, 1},
    {"rank2_neg", {{2, 6}, {2, 7}}, -1},
    {"rank3", {{2, 3, 5}, {2, 6, 5}}, 1},
    {"rank1", {{3}, {6}}, 0},
    {"one_input", {{2, 5, 3, 4}}, 1},
};

using ConcatTest = OpenCLParamTest<std::tuple<ConcatCase, ImageType>>;

TEST_P(ConcatTest, MatchesCpu) {
  const ConcatCase &c = std::get<0>(GetParam());
  std::vector<std::vector<float>> data;
  for (size_t i = 0; i < c.inputs.size(); ++i)
    data.push_back(RandomData(mace::test::NumElements(c.inputs[i]), 20 + uint32_t(i), -2, 2));
  EXPECT_TRUE(GpuMatchesCpu(runtime_, std::get<1>(GetParam()), "Concat", [&](OpTester &t) {
    for (size_t i = 0; i < c.inputs.size(); ++i) t.Input(c.inputs[i], data[i]);
    t.Arg("axis", c.axis);
  }));
}

INSTANTIATE_TEST_SUITE_P(Concat, ConcatTest,
                         ::testing::Combine(::testing::ValuesIn(kConcatCases),
                                            ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
                         [](const ::testing::TestParamInfo<ConcatTest::ParamType> &info) {
                           return StrCat(std::get<0>(info.param).name, "_", ImageTypeName(std::get<1>(info.param)));
                         });

struct SplitCase {
  std::string name;
  Shape x;
  int axis;
  std::vector<int64_t> sizes;  // empty: equal parts (num_outputs)
  int outputs;
};
void PrintTo(const SplitCase &c, std::ostream *os) { *os << c.name; }

const SplitCase kSplitCases[] = {
    {"c14_3_5_6", {2, 14, 5, 3}, 1, {3, 5, 6}, 3},
    {"c13_equal3", {2, 13, 3, 4}, 1, {}, 3},  // 5 + 5 + 3
    {"c8_4_4", {1, 8, 3, 5}, 1, {4, 4}, 2},
    {"c7_1_1_2_3", {2, 7, 2, 3}, -3, {1, 1, 2, 3}, 4},
    {"rank2", {2, 15}, 1, {6, 9}, 2},
    {"rank3", {2, 9, 5}, 1, {2, 7}, 2},
    {"rank1", {10}, 0, {3, 7}, 2},
};

using SplitTest = OpenCLParamTest<std::tuple<SplitCase, ImageType>>;

TEST_P(SplitTest, MatchesCpu) {
  const SplitCase &c = std::get<0>(GetParam());
  const std::vector<float> x = RandomData(mace::test::NumElements(c.x), 30, -2, 2);
  EXPECT_TRUE(GpuMatchesCpu(
      runtime_, std::get<1>(GetParam()), "Split",
      [&](OpTester &t) {
        t.Input(c.x, x);
        if (!c.sizes.empty()) t.InputInt64({int64_t(c.sizes.size())}, c.sizes).Const();
        else t.Arg("num_outputs", c.outputs);
        t.Arg("axis", c.axis);
      },
      ToleranceFor(std::get<1>(GetParam())), c.outputs));
}

INSTANTIATE_TEST_SUITE_P(Split, SplitTest,
                         ::testing::Combine(::testing::ValuesIn(kSplitCases),
                                            ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
                         [](const ::testing::TestParamInfo<SplitTest::ParamType> &info) {
                           return StrCat(std::get<0>(info.param).name, "_", ImageTypeName(std::get<1>(info.param)));
                         });

TEST_F(OpenCLTest, ConcatSplitOtherAxesRunOnCpu) {
  {
    EXPECT_TRUE(GpuRefuses(runtime_, "Concat", [](OpTester &t) {
      t.Input({2, 3, 4, 5}, RandomData(120, 1, -1, 1)).Input({2, 3, 4, 5}, RandomData(120, 2, -1, 1)).Arg("axis", 3);
    }, "the channel axis"));
  }
  {
    EXPECT_TRUE(GpuRefuses(runtime_, "Split", [](OpTester &t) {
      t.Input({2, 3, 4, 6}, RandomData(144, 1, -1, 1)).Arg("axis", 0);
    }, "the channel axis", 2));
  }
}

}  // namespace
}  // namespace test
}  // namespace opencl
}  // namespace mace
