// Activations on images against a C++ reference.
#include <algorithm>
#include <tuple>

#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {

float Reference(const Activation &act, float v) {
  switch (act.type) {
    case ActivationType::kRelu: return std::max(v, 0.0f);
    case ActivationType::kReluX: return std::min(std::max(v, 0.0f), act.max_limit);
    case ActivationType::kTanh: return std::tanh(v);
    case ActivationType::kSigmoid: return 1.0f / (1.0f + std::exp(-v));
    case ActivationType::kLeakyRelu: return v >= 0 ? v : act.alpha * v;
  }
  return NAN;
}

struct ActivationCase {
  const char *name;
  Activation act;
};

void PrintTo(const ActivationCase &c, std::ostream *os) { *os << c.name; }

using ActivationTest = OpenCLParamTest<std::tuple<ActivationCase, ImageType>>;

TEST_P(ActivationTest, MatchesReference) {
  const Activation act = std::get<0>(GetParam()).act;
  const ImageType image_type = std::get<1>(GetParam());
  const NCHWShape shape{2, 7, 4, 3};  // C not a multiple of 4, N > 1
  std::vector<float> input = RandomData(shape.size(), 5, -8, 8);  // crosses 0 and the relu6 limit
  std::vector<float> expected(input.size());
  for (size_t i = 0; i < input.size(); ++i) expected[i] = Reference(act, input[i]);

  CLObject<cl_mem> in, out;
  ASSERT_MACE_OK(Upload(runtime_, input, shape, image_type, &in));
  ASSERT_MACE_OK(CreateImage(runtime_, ChannelImageShape(shape), image_type, &out));
  ASSERT_MACE_OK(Activate(runtime_, act, in.get(), shape, out.get()));
  std::vector<float> actual;
  ASSERT_MACE_OK(Download(runtime_, out.get(), shape, &actual));
  EXPECT_TRUE(AllClose(actual, expected, ToleranceFor(image_type)));
}

INSTANTIATE_TEST_SUITE_P(
    Ops, ActivationTest,
    ::testing::Combine(::testing::Values(ActivationCase{"relu", {ActivationType::kRelu, 0, 0}},
                                         ActivationCase{"relu6", {ActivationType::kReluX, 6, 0}},
                                         ActivationCase{"clip1_5", {ActivationType::kReluX, 1.5f, 0}},
                                         ActivationCase{"tanh", {ActivationType::kTanh, 0, 0}},
                                         ActivationCase{"sigmoid", {ActivationType::kSigmoid, 0, 0}},
                                         ActivationCase{"leaky_relu", {ActivationType::kLeakyRelu, 0, 0.1f}}),
                       ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
    [](const ::testing::TestParamInfo<ActivationTest::ParamType> &info) {
      return StrCat(std::get<0>(info.param).name, "_", ImageTypeName(std::get<1>(info.param)));
    });

}  // namespace test
}  // namespace opencl
}  // namespace mace
