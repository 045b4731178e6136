// Element-wise binary ops: the GPU kernel against the CPU kernel, on float and half images,
// for same shapes and every broadcast the GPU kernel takes; the cases it refuses run on the CPU.
#include <tuple>

#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {
namespace {

struct BroadcastCase {
  std::string name;
  Shape a, b;
};
void PrintTo(const BroadcastCase &c, std::ostream *os) { *os << c.name; }

using EltwiseTest = OpenCLParamTest<std::tuple<std::string, BroadcastCase, ImageType>>;

// |values| >= 0.5 with random signs: keeps division well-conditioned.
std::vector<float> AwayFromZero(int64_t n, uint32_t seed) {
  std::vector<float> v = RandomData(n, seed, 0.5f, 2), sign = RandomData(n, seed + 1, -1, 1);
  for (size_t i = 0; i < v.size(); ++i) v[i] = sign[i] < 0 ? -v[i] : v[i];
  return v;
}

TEST_P(EltwiseTest, MatchesCpu) {
  const std::string op = std::get<0>(GetParam());
  const BroadcastCase &c = std::get<1>(GetParam());
  const std::vector<float> a = RandomData(mace::test::NumElements(c.a), 1, -2, 2), b = AwayFromZero(mace::test::NumElements(c.b), 2);
  EXPECT_TRUE(GpuMatchesCpu(runtime_, std::get<2>(GetParam()), op,
                            [&](mace::test::OpTester &t) { t.Input(c.a, a).Input(c.b, b); }));
}

INSTANTIATE_TEST_SUITE_P(
    Ops, EltwiseTest,
    ::testing::Combine(
        ::testing::Values("Add", "Sub", "Mul", "Div", "Min", "Max"),
        ::testing::Values(BroadcastCase{"same", {2, 6, 3, 5}, {2, 6, 3, 5}},        // C % 4 != 0, N > 1
                          BroadcastCase{"per_channel", {2, 6, 3, 5}, {2, 6, 1, 1}},  // squeeze-excite
                          BroadcastCase{"lhs_small", {1, 6, 1, 1}, {2, 6, 3, 5}},
                          BroadcastCase{"one_channel", {2, 6, 3, 5}, {2, 1, 3, 5}},
                          BroadcastCase{"rows", {2, 6, 3, 5}, {1, 1, 3, 1}},
                          BroadcastCase{"scalar", {2, 6, 3, 5}, {}},
                          BroadcastCase{"rank2", {3, 10}, {3, 1}}),
        ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
    [](const ::testing::TestParamInfo<EltwiseTest::ParamType> &info) {
      return StrCat(std::get<0>(info.param), "_", std::get<1>(info.param).name, "_",
                    ImageTypeName(std::get<2>(info.param)));
    });

// numpy aligns [C] with W, images with C: ranks that differ run on the CPU.
TEST_F(OpenCLTest, RankMismatchRunsOnCpu) {
  EXPECT_TRUE(GpuRefuses(runtime_, "Add", [](mace::test::OpTester &t) {
    t.Input({1, 3, 2, 4}, RandomData(24, 1, -1, 1)).Input({4}, RandomData(4, 2, -1, 1));
  }, "inputs of one rank"));
}

}  // namespace
}  // namespace test
}  // namespace opencl
}  // namespace mace
