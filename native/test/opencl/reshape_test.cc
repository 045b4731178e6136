// Shape-only ops (Reshape, Flatten, Squeeze, Unsqueeze, Identity): on the GPU when input and
// output have the same image view, compared with the CPU kernels on float and half images;
// layout-changing reshapes are refused.
#include <functional>
#include <tuple>

#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {
namespace {

using mace::test::OpTester;

struct ShapeCase {
  std::string name, op;
  Shape x;
  std::function<void(OpTester &)> args;
};
void PrintTo(const ShapeCase &c, std::ostream *os) { *os << c.name; }

const ShapeCase kCases[] = {
    {"flatten_nc11", "Flatten", {2, 13, 1, 1}, [](OpTester &) {}},
    {"flatten_axis_neg3", "Flatten", {2, 7, 1, 1}, [](OpTester &t) { t.Arg("axis", -3); }},
    {"reshape_to_nc", "Reshape", {2, 5, 1, 1}, [](OpTester &t) { t.InputInt64({2}, {0, -1}).Const(); }},
    {"reshape_to_nc11", "Reshape", {2, 7}, [](OpTester &t) { t.InputInt64({4}, {2, 7, 1, 1}).Const(); }},
    {"reshape_nch_nch1", "Reshape", {2, 5, 3}, [](OpTester &t) { t.InputInt64({4}, {2, 5, 3, 1}).Const(); }},
    {"squeeze_axes", "Squeeze", {2, 13, 1, 1}, [](OpTester &t) { t.InputInt64({2}, {2, 3}).Const(); }},
    {"squeeze_all", "Squeeze", {2, 5, 1, 1}, [](OpTester &) {}},
    {"unsqueeze", "Unsqueeze", {2, 5}, [](OpTester &t) { t.InputInt64({2}, {-1, 2}).Const(); }},
    {"identity", "Identity", {2, 5, 3, 7}, [](OpTester &) {}},
};

using ShapeOpTest = OpenCLParamTest<std::tuple<ShapeCase, ImageType>>;

TEST_P(ShapeOpTest, MatchesCpu) {
  const ShapeCase &c = std::get<0>(GetParam());
  const std::vector<float> x = RandomData(mace::test::NumElements(c.x), 6, -2, 2);
  EXPECT_TRUE(GpuMatchesCpu(runtime_, std::get<1>(GetParam()), c.op, [&](OpTester &t) {
    t.Input(c.x, x);
    c.args(t);
  }));
}

INSTANTIATE_TEST_SUITE_P(Shape, ShapeOpTest,
                         ::testing::Combine(::testing::ValuesIn(kCases),
                                            ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
                         [](const ::testing::TestParamInfo<ShapeOpTest::ParamType> &info) {
                           return StrCat(std::get<0>(info.param).name, "_", ImageTypeName(std::get<1>(info.param)));
                         });

TEST_F(OpenCLTest, ReshapeChangingLayoutRunsOnCpu) {
  const std::pair<std::string, std::function<void(OpTester &)>> cases[] = {
      {"Flatten", [](OpTester &t) { t.Input({2, 3, 4, 5}, RandomData(120, 1, -1, 1)); }},
      {"Reshape",
       [](OpTester &t) { t.Input({2, 6}, RandomData(12, 1, -1, 1)).InputInt64({3}, {2, 3, 2}).Const(); }},
  };
  for (const auto &c : cases) {
    EXPECT_TRUE(GpuRefuses(runtime_, c.first, c.second, "reshape changes the image layout"));
  }
}

}  // namespace
}  // namespace test
}  // namespace opencl
}  // namespace mace
