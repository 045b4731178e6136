// DepthToSpace (DCR, CRD) and SpaceToDepth: the GPU kernel against the CPU kernel on float and
// half images, blocksizes 1 to 3, channel counts not multiples of 4 and (whole-pixel path)
// multiples of 4, N = 2, H != W.
#include <tuple>

#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {
namespace {

using mace::test::OpTester;

struct DSCase {
  std::string name, op, mode;
  Shape in;
  int block;
};
void PrintTo(const DSCase &c, std::ostream *os) { *os << c.name; }

using DepthSpaceTest = OpenCLParamTest<std::tuple<DSCase, ImageType>>;

TEST_P(DepthSpaceTest, MatchesCpu) {
  const DSCase &c = std::get<0>(GetParam());
  EXPECT_TRUE(GpuMatchesCpu(runtime_, std::get<1>(GetParam()), c.op, [&](OpTester &t) {
    t.Input(c.in, RandomData(mace::test::NumElements(c.in), 9, -2, 2)).Arg("blocksize", c.block);
    if (!c.mode.empty()) t.Arg("mode", c.mode);
  }));
}

std::vector<DSCase> Cases() {
  std::vector<DSCase> cases;
  for (const char *mode : {"DCR", "CRD"}) {
    cases.push_back({StrCat("d2s_", mode, "_b2_c20"), "DepthToSpace", mode, {2, 20, 3, 5}, 2});  // out C 5
    cases.push_back({StrCat("d2s_", mode, "_b3_c27"), "DepthToSpace", mode, {2, 27, 4, 3}, 3});  // out C 3
    cases.push_back({StrCat("d2s_", mode, "_b2_c52"), "DepthToSpace", mode, {1, 52, 5, 2}, 2});  // out C 13
    cases.push_back({StrCat("d2s_", mode, "_b1"), "DepthToSpace", mode, {2, 7, 3, 4}, 1});
    // Output channels a multiple of 4 (DCR: one input pixel per output pixel).
    cases.push_back({StrCat("d2s_", mode, "_b2_c16"), "DepthToSpace", mode, {2, 16, 3, 5}, 2});
    cases.push_back({StrCat("d2s_", mode, "_b3_c72"), "DepthToSpace", mode, {1, 72, 2, 3}, 3});
  }
  cases.push_back({"d2s_default_mode", "DepthToSpace", "", {2, 28, 3, 2}, 2});  // out C 7
  cases.push_back({"s2d_b2_c3", "SpaceToDepth", "", {2, 3, 6, 10}, 2});
  cases.push_back({"s2d_b3_c5", "SpaceToDepth", "", {2, 5, 9, 6}, 3});
  cases.push_back({"s2d_b2_c13", "SpaceToDepth", "", {1, 13, 4, 8}, 2});
  cases.push_back({"s2d_b1", "SpaceToDepth", "", {2, 7, 3, 5}, 1});
  // Input channels a multiple of 4: one input pixel per output pixel.
  cases.push_back({"s2d_b2_c4", "SpaceToDepth", "", {2, 4, 6, 10}, 2});
  cases.push_back({"s2d_b3_c8", "SpaceToDepth", "", {1, 8, 9, 3}, 3});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Cases, DepthSpaceTest,
                         ::testing::Combine(::testing::ValuesIn(Cases()),
                                            ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
                         [](const ::testing::TestParamInfo<DepthSpaceTest::ParamType> &info) {
                           return StrCat(std::get<0>(info.param).name, "_", ImageTypeName(std::get<1>(info.param)));
                         });

// Channels not a multiple of blocksize^2: the CPU kernel's error, not a GPU case.
TEST_F(OpenCLTest, DepthToSpaceRefusesIndivisibleChannels) {
  EXPECT_TRUE(GpuRefuses(runtime_, "DepthToSpace", [](OpTester &t) {
    t.Input({1, 6, 2, 2}, RandomData(24, 1, -1, 1)).Arg("blocksize", 2);
  }, "multiple of blocksize^2"));
}

TEST_F(OpenCLTest, SpaceToDepthRefusesIndivisibleSize) {
  EXPECT_TRUE(GpuRefuses(runtime_, "SpaceToDepth", [](OpTester &t) {
    t.Input({1, 3, 4, 5}, RandomData(60, 1, -1, 1)).Arg("blocksize", 2);
  }, "multiple of blocksize"));
}

}  // namespace
}  // namespace test
}  // namespace opencl
}  // namespace mace
