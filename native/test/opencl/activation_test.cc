// Activation ops: the GPU kernel against the CPU kernel, on float and half images.
#include "opencl/opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {
namespace {

struct ActivationCase {
  std::string name, op;
  std::function<void(mace::test::OpTester &)> args;
};
void PrintTo(const ActivationCase &c, std::ostream *os) { *os << c.name; }

using ActivationTest = OpenCLParamTest<std::tuple<ActivationCase, ImageType>>;

TEST_P(ActivationTest, MatchesCpu) {
  const ActivationCase &c = std::get<0>(GetParam());
  const Shape shape{2, 7, 4, 3};  // C not a multiple of 4, N > 1
  // Crosses 0, the relu6 limit and the hard sigmoid / hard swish knees.
  const std::vector<float> input = RandomData(mace::test::NumElements(shape), 5, -8, 8);
  EXPECT_TRUE(GpuMatchesCpu(runtime_, std::get<1>(GetParam()), c.op, [&](mace::test::OpTester &t) {
    t.Input(shape, input);
    c.args(t);
  }));
}

auto none = [](mace::test::OpTester &) {};
auto bounds = [](float lo, float hi) {
  return [lo, hi](mace::test::OpTester &t) { t.Input({}, {lo}).Const().Input({}, {hi}).Const(); };
};

INSTANTIATE_TEST_SUITE_P(
    Ops, ActivationTest,
    ::testing::Combine(
        ::testing::Values(ActivationCase{"relu", "Relu", none}, ActivationCase{"relu6", "Clip", bounds(0, 6)},
                          ActivationCase{"clip_neg", "Clip", bounds(-1.5f, 2.5f)},
                          ActivationCase{"clip_max_only", "Clip",
                                         [](mace::test::OpTester &t) { t.NoInput().Input({}, {1.5f}).Const(); }},
                          ActivationCase{"tanh", "Tanh", none}, ActivationCase{"sigmoid", "Sigmoid", none},
                          ActivationCase{"leaky_relu", "LeakyRelu",
                                         [](mace::test::OpTester &t) { t.Arg("alpha", 0.1f); }},
                          ActivationCase{"hard_sigmoid", "HardSigmoid",
                                         [](mace::test::OpTester &t) { t.Arg("alpha", 0.25f).Arg("beta", 0.4f); }},
                          ActivationCase{"hard_swish", "HardSwish", none}),
        ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
    [](const ::testing::TestParamInfo<ActivationTest::ParamType> &info) {
      return StrCat(std::get<0>(info.param).name, "_", ImageTypeName(std::get<1>(info.param)));
    });

TEST_F(OpenCLTest, ClipWithComputedBoundsRunsOnCpu) {
  EXPECT_TRUE(GpuRefuses(runtime_, "Clip", [](mace::test::OpTester &t) {
    t.Input({4}, {1, 2, 3, 4}).Input({}, {0.f});  // a bound that is not a constant
  }, "constant float scalars"));
}

}  // namespace
}  // namespace test
}  // namespace opencl
}  // namespace mace
