#include <gtest/gtest.h>

#include <algorithm>

#include "any_type_op.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

using namespace any_type;  // NOLINT

// Naive Transpose: out[i_0..i_n] = x[j] with j[perm[d]] = i[d].
template <typename T>
std::vector<T> RefTranspose(const Shape &shape, const std::vector<T> &x, const std::vector<int64_t> &perm,
                            Shape *out_shape) {
  out_shape->clear();
  for (int64_t p : perm) out_shape->push_back(shape[p]);
  std::vector<T> out(x.size());
  for (int64_t i = 0; i < static_cast<int64_t>(out.size()); ++i) {
    auto o = Unravel(i, *out_shape);
    std::vector<int64_t> in(shape.size());
    for (size_t d = 0; d < perm.size(); ++d) in[perm[d]] = o[d];
    out[i] = x[Ravel(in, shape)];
  }
  return out;
}

TEST(TransposeTest, AllPermutationsOfRank3And4) {
  for (const Shape &shape : {Shape{2, 3, 4}, Shape{5, 1, 7}, Shape{3, 5, 2, 7}, Shape{1, 13, 1, 6}}) {
    std::vector<int64_t> perm(shape.size());
    for (size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<int64_t>(i);
    auto x = RandomFloats(NumElements(shape));
    do {
      OpTester t("Transpose");
      t.Input(shape, x).Ints("perm", perm);
      ASSERT_TRUE(t.Run().ok());
      Shape ref_shape;
      auto ref = RefTranspose(shape, x, perm, &ref_shape);
      EXPECT_EQ(t.Output().shape(), ref_shape);
      ExpectAllClose(t.OutputFloats(), ref, 0, 0);
    } while (std::next_permutation(perm.begin(), perm.end()));
  }
}

TEST(TransposeTest, DefaultReversesAndLargeTiles) {
  const std::vector<Shape> shapes = {{2, 3, 4}, {37, 53}, {3, 67, 45}, {2, 18, 33, 3}, {1}, {}};
  for (const Shape &shape : shapes) {
    auto x = RandomFloats(NumElements(shape));
    std::vector<int64_t> perm;
    for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) perm.push_back(d);
    OpTester t("Transpose");
    t.Input(shape, x);
    ASSERT_TRUE(t.Run().ok());
    Shape ref_shape;
    ExpectAllClose(t.OutputFloats(), RefTranspose(shape, x, perm, &ref_shape), 0, 0);
    EXPECT_EQ(t.Output().shape(), ref_shape);
  }
}

TEST(TransposeTest, IdentityLastTwoSwapAndThreads) {
  const Shape shape{2, 3, 97, 131};
  auto x = RandomFloats(NumElements(shape));
  for (const std::vector<int64_t> &perm : {std::vector<int64_t>{0, 1, 2, 3}, std::vector<int64_t>{0, 1, 3, 2},
                                           std::vector<int64_t>{0, 2, 3, 1}, std::vector<int64_t>{0, 3, 1, 2},
                                           std::vector<int64_t>{3, 2, 1, 0}}) {
    Shape ref_shape;
    auto ref = RefTranspose(shape, x, perm, &ref_shape);
    for (int threads : {1, 3}) {
      OpTester t("Transpose");
      t.Input(shape, x).Ints("perm", perm);
      ASSERT_TRUE(t.Run(threads).ok());
      EXPECT_EQ(t.Output().shape(), ref_shape);
      ExpectAllClose(t.OutputFloats(), ref, 0, 0);
    }
  }
}

TEST(TransposeTest, OtherTypes) {
  const Shape shape{3, 17, 5};
  const std::vector<int64_t> perm{2, 0, 1};
  Shape ref_shape;
  auto x8 = Iota<uint8_t>(NumElements(shape));
  auto x64 = Iota<int64_t>(NumElements(shape), -100);
  auto x32 = Iota<int32_t>(NumElements(shape), 7);
  std::vector<RawTensor> out;
  ASSERT_TRUE(RunAnyType("Transpose", {Raw(shape, x8)}, {{"perm", IntsArg(perm)}}, 1, &out).ok());
  EXPECT_EQ(out[0].As<uint8_t>(), RefTranspose(shape, x8, perm, &ref_shape));
  ASSERT_TRUE(RunAnyType("Transpose", {Raw(shape, x64)}, {{"perm", IntsArg(perm)}}, 1, &out).ok());
  EXPECT_EQ(out[0].As<int64_t>(), RefTranspose(shape, x64, perm, &ref_shape));
  EXPECT_EQ(out[0].dtype, DataType::DT_INT64);
  ASSERT_TRUE(RunAnyType("Transpose", {Raw(shape, x32)}, {{"perm", IntsArg({0, 2, 1})}}, 1, &out).ok());
  EXPECT_EQ(out[0].As<int32_t>(), RefTranspose(shape, x32, {0, 2, 1}, &ref_shape));
}

TEST(TransposeTest, Errors) {
  for (const std::vector<int64_t> &perm : {std::vector<int64_t>{0, 1}, std::vector<int64_t>{0, 0, 1},
                                           std::vector<int64_t>{0, 1, 3}, std::vector<int64_t>{-1, 0, 1}}) {
    OpTester t("Transpose");
    t.Input({2, 3, 4}, RandomFloats(24)).Ints("perm", perm);
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok()) << ShapeToString(perm);
    EXPECT_TRUE(HasText(s, "perm")) << s.information();
  }
}

}  // namespace
}  // namespace test
}  // namespace mace
