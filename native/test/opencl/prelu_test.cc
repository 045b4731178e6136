// PRelu: the GPU kernel against the CPU kernel on float and half images with per-channel and
// scalar slopes in every shape the kernel takes, odd channel counts, N = 2, H != W; slopes that
// vary along other axes are refused.
#include <tuple>

#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {
namespace {

using mace::test::OpTester;

struct PReluCase {
  std::string name;
  Shape x, slope;
};
void PrintTo(const PReluCase &c, std::ostream *os) { *os << c.name; }

const PReluCase kCases[] = {
    {"c13_c11", {2, 13, 3, 5}, {13, 1, 1}},
    {"c7_1c11", {2, 7, 4, 3}, {1, 7, 1, 1}},
    {"c5_scalar", {2, 5, 3, 3}, {}},
    {"c5_one", {2, 5, 3, 3}, {1}},
    {"c3_one_rank4", {1, 3, 2, 5}, {1, 1, 1, 1}},
    {"nc_c", {2, 9}, {9}},
    {"nc_1c", {2, 6}, {1, 6}},
    {"ncl_c1", {2, 5, 7}, {5, 1}},
    {"vector", {10}, {10}},
};

using PReluTest = OpenCLParamTest<std::tuple<PReluCase, ImageType>>;

TEST_P(PReluTest, MatchesCpu) {
  const PReluCase &c = std::get<0>(GetParam());
  const std::vector<float> x = RandomData(mace::test::NumElements(c.x), 60, -2, 2);
  const std::vector<float> slope = RandomData(mace::test::NumElements(c.slope), 61, -0.5f, 1);
  EXPECT_TRUE(GpuMatchesCpu(runtime_, std::get<1>(GetParam()), "PRelu",
                            [&](OpTester &t) { t.Input(c.x, x).Input(c.slope, slope).Const(); }));
}

INSTANTIATE_TEST_SUITE_P(PRelu, PReluTest,
                         ::testing::Combine(::testing::ValuesIn(kCases),
                                            ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
                         [](const ::testing::TestParamInfo<PReluTest::ParamType> &info) {
                           return StrCat(std::get<0>(info.param).name, "_", ImageTypeName(std::get<1>(info.param)));
                         });

TEST_F(OpenCLTest, PReluOtherSlopesRunOnCpu) {
  // [W]-shaped slope on [N, C, H, W] (numpy aligns it with W), and a non-constant slope.
  {
    EXPECT_TRUE(GpuRefuses(runtime_, "PRelu", [](OpTester &t) {
      t.Input({1, 3, 2, 4}, RandomData(24, 1, -1, 1)).Input({4}, RandomData(4, 2, 0, 1)).Const();
    }, "per-channel slope"));
  }
  {
    EXPECT_TRUE(GpuRefuses(runtime_, "PRelu", [](OpTester &t) {
      t.Input({1, 3, 2, 4}, RandomData(24, 1, -1, 1)).Input({3, 1, 1}, RandomData(3, 2, 0, 1));
    }, "not a constant"));
  }
}

}  // namespace
}  // namespace test
}  // namespace opencl
}  // namespace mace
