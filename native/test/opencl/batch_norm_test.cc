// BatchNormalization (inference): the GPU kernel (scale and offset folded at load) against the
// CPU kernel on float and half images, odd channel counts, N = 2, H != W, ranks 1..4, epsilon.
#include <tuple>

#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {
namespace {

using mace::test::OpTester;

struct BnCase {
  std::string name;
  Shape x;
  float epsilon;  // 0: default
};
void PrintTo(const BnCase &c, std::ostream *os) { *os << c.name; }

const BnCase kCases[] = {
    {"nchw_c13", {2, 13, 5, 3}, 0},   {"nchw_c3_eps", {2, 3, 4, 7}, 1e-3f}, {"nchw_c8", {1, 8, 3, 3}, 0},
    {"nc_c7", {2, 7}, 0},             {"ncl_c5", {2, 5, 9}, 0},           {"vector", {6}, 0},
};

using BnTest = OpenCLParamTest<std::tuple<BnCase, ImageType>>;

TEST_P(BnTest, MatchesCpu) {
  const BnCase &c = std::get<0>(GetParam());
  const int64_t channels = c.x.size() >= 2 ? c.x[1] : 1;
  const std::vector<float> x = RandomData(mace::test::NumElements(c.x), 50, -3, 3);
  const std::vector<float> scale = RandomData(channels, 51, 0.5f, 1.5f), bias = RandomData(channels, 52, -1, 1),
                           mean = RandomData(channels, 53, -1, 1), var = RandomData(channels, 54, 0.1f, 2);
  EXPECT_TRUE(GpuMatchesCpu(runtime_, std::get<1>(GetParam()), "BatchNormalization", [&](OpTester &t) {
    t.Input(c.x, x);
    t.Input({channels}, scale).Const().Input({channels}, bias).Const();
    t.Input({channels}, mean).Const().Input({channels}, var).Const();
    if (c.epsilon != 0) t.Arg("epsilon", c.epsilon);
  }));
}

INSTANTIATE_TEST_SUITE_P(BatchNorm, BnTest,
                         ::testing::Combine(::testing::ValuesIn(kCases),
                                            ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
                         [](const ::testing::TestParamInfo<BnTest::ParamType> &info) {
                           return StrCat(std::get<0>(info.param).name, "_", ImageTypeName(std::get<1>(info.param)));
                         });

TEST_F(OpenCLTest, BatchNormNonConstantParamsRunOnCpu) {
  EXPECT_TRUE(GpuRefuses(runtime_, "BatchNormalization", [](OpTester &t) {
    t.Input({1, 3, 2, 2}, RandomData(12, 1, -1, 1));
    t.Input({3}, RandomData(3, 2, 0.5f, 1)).Input({3}, RandomData(3, 3, -1, 1)).Const();
    t.Input({3}, RandomData(3, 4, -1, 1)).Const().Input({3}, RandomData(3, 5, 0.5f, 1)).Const();
  }, "not a constant"));
}

}  // namespace
}  // namespace test
}  // namespace opencl
}  // namespace mace
