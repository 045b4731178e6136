// Pooling: the GPU kernels against the CPU kernels on float and half images — odd channel
// counts, N = 2, H != W, explicit pads, auto_pad, ceil_mode, dilations, count_include_pad, and
// global pooling over small (one launch) and large (two-stage) planes.
#include <tuple>

#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {
namespace {

using mace::test::OpTester;

struct PoolCase {
  std::string name;
  Shape x;
  std::vector<int64_t> kernel, strides, pads, dilations;
  std::string auto_pad;
  int ceil_mode = 0, count_include_pad = 0;
};
void PrintTo(const PoolCase &c, std::ostream *os) { *os << c.name; }

const PoolCase kPoolCases[] = {
    {"k3s2_c13", {2, 13, 11, 9}, {3, 3}, {2, 2}, {}, {}, ""},
    {"k3s2_ceil", {1, 7, 12, 10}, {3, 3}, {2, 2}, {}, {}, "", 1},  // squeezenet's MaxPool
    {"k3s1_pads", {2, 5, 6, 9}, {3, 3}, {1, 1}, {1, 1, 1, 1}, {}, ""},
    {"k3x2_asym_pads_ceil", {2, 3, 7, 8}, {3, 2}, {2, 3}, {1, 0, 2, 1}, {}, "", 1},
    {"k3x2_asym_pads_ceil_cip", {2, 3, 7, 8}, {3, 2}, {2, 3}, {1, 0, 2, 1}, {}, "", 1, 1},
    {"k3_pads_cip", {2, 5, 6, 9}, {3, 3}, {2, 2}, {1, 1, 1, 1}, {}, "", 0, 1},
    {"dilated", {2, 6, 11, 10}, {3, 2}, {1, 2}, {2, 1, 1, 2}, {2, 3}, ""},
    {"same_upper", {1, 9, 7, 10}, {3, 3}, {2, 2}, {}, {}, "SAME_UPPER"},
    {"same_lower_cip", {1, 9, 7, 10}, {2, 4}, {3, 2}, {}, {}, "SAME_LOWER", 0, 1},
    {"valid", {2, 4, 9, 5}, {2, 2}, {2, 1}, {}, {}, "VALID"},
    {"pad_only_window", {1, 3, 3, 3}, {2, 2}, {2, 2}, {1, 1, 1, 1}, {}, "", 1},
};

using PoolTest = OpenCLParamTest<std::tuple<std::string, PoolCase, ImageType>>;

TEST_P(PoolTest, MatchesCpu) {
  const std::string op = std::get<0>(GetParam());
  const PoolCase &c = std::get<1>(GetParam());
  const std::vector<float> x = RandomData(mace::test::NumElements(c.x), 3, -2, 2);
  EXPECT_TRUE(GpuMatchesCpu(runtime_, std::get<2>(GetParam()), op, [&](OpTester &t) {
    t.Input(c.x, x).Ints("kernel_shape", c.kernel);
    if (!c.strides.empty()) t.Ints("strides", c.strides);
    if (!c.pads.empty()) t.Ints("pads", c.pads);
    if (!c.dilations.empty()) t.Ints("dilations", c.dilations);
    if (!c.auto_pad.empty()) t.Arg("auto_pad", c.auto_pad);
    if (c.ceil_mode) t.Arg("ceil_mode", c.ceil_mode);
    if (op == "AveragePool" && c.count_include_pad) t.Arg("count_include_pad", c.count_include_pad);
  }));
}

INSTANTIATE_TEST_SUITE_P(Pool, PoolTest,
                         ::testing::Combine(::testing::Values("MaxPool", "AveragePool"),
                                            ::testing::ValuesIn(kPoolCases),
                                            ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
                         [](const ::testing::TestParamInfo<PoolTest::ParamType> &info) {
                           return StrCat(std::get<0>(info.param), "_", std::get<1>(info.param).name, "_",
                                         ImageTypeName(std::get<2>(info.param)));
                         });

struct GlobalCase {
  std::string name;
  Shape x;
};
void PrintTo(const GlobalCase &c, std::ostream *os) { *os << c.name; }

using GlobalPoolTest = OpenCLParamTest<std::tuple<std::string, GlobalCase, ImageType>>;

TEST_P(GlobalPoolTest, MatchesCpu) {
  const std::string op = std::get<0>(GetParam());
  const GlobalCase &c = std::get<1>(GetParam());
  const ImageType type = std::get<2>(GetParam());
  const std::vector<float> x = RandomData(mace::test::NumElements(c.x), 4, -2, 2);
  // A mean of up to 3136 half-rounded values in [-2, 2] is near 0, so its error is absolute
  // (each value rounds by up to ~1e-3; the mean's error stays below that): half relies on the
  // default atol 1e-2 of ToleranceFor, float on rtol 1e-4 (sums accumulate in float).
  const Tolerance tol = ToleranceFor(type);
  EXPECT_TRUE(GpuMatchesCpu(runtime_, type, op, [&](OpTester &t) { t.Input(c.x, x); }, tol));
}

INSTANTIATE_TEST_SUITE_P(
    Global, GlobalPoolTest,
    ::testing::Combine(::testing::Values("GlobalAveragePool", "GlobalMaxPool"),
                       ::testing::Values(GlobalCase{"7x7_c13_n2", {2, 13, 7, 7}},
                                         GlobalCase{"56x56_c24", {1, 24, 56, 56}},  // two stages
                                         GlobalCase{"odd_hw_two_stage", {2, 7, 37, 9}},
                                         GlobalCase{"rank3", {2, 5, 300}},
                                         GlobalCase{"1x1", {2, 5, 1, 1}},
                                         GlobalCase{"rank2", {2, 7}},
                                         GlobalCase{"7x7_c1280", {1, 1280, 7, 7}}),
                       ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
    [](const ::testing::TestParamInfo<GlobalPoolTest::ParamType> &info) {
      return StrCat(std::get<0>(info.param), "_", std::get<1>(info.param).name, "_",
                    ImageTypeName(std::get<2>(info.param)));
    });

// Running the same op again (kernels and the stage-1 image are kept) gives the same result.
// Not bitwise: mad() may or may not be fused, and a driver (PoCL) may run another compiled
// variant of the kernel on the second launch.
TEST_F(OpenCLTest, GlobalPoolReruns) {
  OpTester t("GlobalAveragePool");
  t.Input({1, 6, 40, 40}, RandomData(9600, 5, -1, 1));
  GpuMemory memory(runtime_, ImageType::kFloat);
  t.OnDevice(&memory);
  ASSERT_MACE_OK(t.Run());
  std::vector<float> first = t.OutputFloats();
  ASSERT_MACE_OK(t.Run());
  EXPECT_TRUE(AllClose(t.OutputFloats(), first, ToleranceFor(ImageType::kFloat)));
}

TEST_F(OpenCLTest, PoolRefusesIndicesAndOtherRanks) {
  {
    EXPECT_TRUE(GpuRefuses(runtime_, "MaxPool", [](OpTester &t) {
      t.Input({1, 3, 4, 4}, RandomData(48, 1, -1, 1)).Ints("kernel_shape", {2, 2});
    }, "Indices", 2));
  }
  {
    EXPECT_TRUE(GpuRefuses(runtime_, "AveragePool", [](OpTester &t) {
      t.Input({1, 3, 8}, RandomData(24, 1, -1, 1)).Ints("kernel_shape", {2});
    }, "rank 4"));
  }
}

}  // namespace
}  // namespace test
}  // namespace opencl
}  // namespace mace
