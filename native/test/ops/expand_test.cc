#include <gtest/gtest.h>

#include <algorithm>

#include "any_type_op.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

using namespace any_type;  // NOLINT

// Naive Expand: bidirectional broadcast of the input shape with the requested shape.
template <typename T>
std::vector<T> RefExpand(const Shape &shape, const std::vector<T> &x, const std::vector<int64_t> &req,
                         Shape *out_shape) {
  const size_t r = std::max(shape.size(), req.size());
  Shape a(r - shape.size(), 1), b(r - req.size(), 1);
  a.insert(a.end(), shape.begin(), shape.end());
  b.insert(b.end(), req.begin(), req.end());
  out_shape->resize(r);
  for (size_t d = 0; d < r; ++d) (*out_shape)[d] = a[d] == 1 ? b[d] : a[d];
  std::vector<T> out(NumElements(*out_shape));
  for (int64_t i = 0; i < static_cast<int64_t>(out.size()); ++i) {
    auto o = Unravel(i, *out_shape);
    for (size_t d = 0; d < r; ++d)
      if (a[d] == 1) o[d] = 0;
    out[i] = x[Ravel(o, a)];
  }
  return out;
}

struct ExpandCase {
  Shape shape;
  std::vector<int64_t> req;
};

const std::vector<ExpandCase> kCases = {
    {{3, 1}, {2, 1, 6}},        // test_expand_dim_changed
    {{3, 1}, {3, 4}},           // test_expand_dim_unchanged
    {{3, 1}, {1}},              // shape smaller than input
    {{1, 5}, {7, 1}},           // both sides broadcast
    {{1}, {2, 3, 5}},
    {{}, {3, 2}},               // scalar input
    {{2, 1, 3}, {2, 7, 3}},
    {{1, 13, 1, 1}, {3, 13, 5, 7}},
    {{4, 1}, {4, 0}},           // zero-size result
    {{2, 3}, {}},               // empty shape keeps the input
};

TEST(ExpandTest, FloatMatchesReference) {
  for (const auto &c : kCases) {
    OpTester t("Expand");
    auto x = RandomFloats(NumElements(c.shape));
    t.Input(c.shape, x).InputInt64({static_cast<int64_t>(c.req.size())}, c.req);
    ASSERT_TRUE(t.Run().ok()) << ShapeToString(c.shape) << " to " << ShapeToString(c.req);
    Shape ref_shape;
    auto ref = RefExpand(c.shape, x, c.req, &ref_shape);
    EXPECT_EQ(t.Output().shape(), ref_shape);
    ExpectAllClose(t.OutputFloats(), ref, 0, 0);
  }
}

TEST(ExpandTest, OtherTypesAndThreads) {
  for (const auto &c : kCases) {
    auto x = Iota<uint8_t>(NumElements(c.shape), 1);
    std::vector<RawTensor> out;
    ASSERT_TRUE(RunAnyType("Expand", {Raw(c.shape, x, DataType::DT_BOOL),
                                      Raw<int64_t>({static_cast<int64_t>(c.req.size())}, c.req)}, {}, 1, &out).ok());
    Shape ref_shape;
    EXPECT_EQ(out[0].As<uint8_t>(), RefExpand(c.shape, x, c.req, &ref_shape));
    EXPECT_EQ(out[0].dtype, DataType::DT_BOOL);
  }
  OpTester i64("Expand");
  i64.InputInt64({2, 1}, {5, -6}).InputInt64({2}, {2, 3}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(i64.Run().ok());
  EXPECT_EQ(i64.OutputInt64(), (std::vector<int64_t>{5, 5, 5, -6, -6, -6}));

  const Shape shape{1, 96, 1, 5};
  const std::vector<int64_t> req{4, 96, 61, 5};
  auto x = RandomFloats(NumElements(shape));
  Shape ref_shape;
  auto ref = RefExpand(shape, x, req, &ref_shape);
  for (int threads : {1, 3}) {
    OpTester t("Expand");
    t.Input(shape, x).InputInt64({4}, req);
    ASSERT_TRUE(t.Run(threads).ok());
    ExpectAllClose(t.OutputFloats(), ref, 0, 0);
  }
}

TEST(ExpandTest, Errors) {
  OpTester t("Expand");
  t.Input({3, 2}, RandomFloats(6)).InputInt64({2}, {3, 4});
  MaceStatus s = t.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasText(s, "cannot be broadcast")) << s.information();
  OpTester u("Expand");
  u.Input({3, 1}, RandomFloats(3)).InputInt64({2}, {3, -2});
  EXPECT_FALSE(u.Run().ok());
  OpTester v("Expand");
  v.Input({3, 1}, RandomFloats(3)).InputInt64({1, 2}, {3, 2});
  EXPECT_FALSE(v.Run().ok());
}

}  // namespace
}  // namespace test
}  // namespace mace
