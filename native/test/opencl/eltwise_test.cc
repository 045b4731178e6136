// Element-wise binary ops on images against a C++ reference.
#include <algorithm>
#include <tuple>

#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {

float Reference(EltwiseType type, float a, float b) {
  switch (type) {
    case EltwiseType::kAdd: return a + b;
    case EltwiseType::kSub: return a - b;
    case EltwiseType::kMul: return a * b;
    case EltwiseType::kDiv: return a / b;
    case EltwiseType::kMin: return std::min(a, b);
    case EltwiseType::kMax: return std::max(a, b);
  }
  return NAN;
}

using EltwiseTest = OpenCLParamTest<std::tuple<EltwiseType, ImageType>>;

TEST_P(EltwiseTest, MatchesReference) {
  const EltwiseType type = std::get<0>(GetParam());
  const ImageType image_type = std::get<1>(GetParam());
  const NCHWShape shape{2, 6, 3, 5};  // C not a multiple of 4, N > 1
  std::vector<float> a = RandomData(shape.size(), 1, -2, 2);
  std::vector<float> b = RandomData(shape.size(), 2, 0.5f, 2);  // |b| >= 0.5 keeps div well-conditioned
  std::vector<float> sign = RandomData(shape.size(), 3, -1, 1);
  for (size_t i = 0; i < b.size(); ++i) b[i] = sign[i] < 0 ? -b[i] : b[i];
  std::vector<float> expected(a.size());
  for (size_t i = 0; i < a.size(); ++i) expected[i] = Reference(type, a[i], b[i]);

  CLObject<cl_mem> ia, ib, out;
  ASSERT_MACE_OK(Upload(runtime_, a, shape, image_type, &ia));
  ASSERT_MACE_OK(Upload(runtime_, b, shape, image_type, &ib));
  ASSERT_MACE_OK(CreateImage(runtime_, ChannelImageShape(shape), image_type, &out));
  ASSERT_MACE_OK(Eltwise(runtime_, type, ia.get(), ib.get(), shape, out.get()));
  std::vector<float> actual;
  ASSERT_MACE_OK(Download(runtime_, out.get(), shape, &actual));
  EXPECT_TRUE(AllClose(actual, expected, ToleranceFor(image_type)));
}

INSTANTIATE_TEST_SUITE_P(
    Ops, EltwiseTest,
    ::testing::Combine(::testing::Values(EltwiseType::kAdd, EltwiseType::kSub, EltwiseType::kMul,
                                         EltwiseType::kDiv, EltwiseType::kMin, EltwiseType::kMax),
                       ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
    [](const ::testing::TestParamInfo<EltwiseTest::ParamType> &info) {
      return StrCat(EltwiseTypeName(std::get<0>(info.param)), "_", ImageTypeName(std::get<1>(info.param)));
    });

}  // namespace test
}  // namespace opencl
}  // namespace mace
