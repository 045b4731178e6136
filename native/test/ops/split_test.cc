#include <gtest/gtest.h>

#include "any_type_op.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

using namespace any_type;  // NOLINT

// Naive Split: output k holds input indices [offset_k, offset_k + sizes[k]) along axis.
template <typename T>
std::vector<std::vector<T>> RefSplit(const Shape &shape, const std::vector<T> &x, int axis,
                                     const std::vector<int64_t> &sizes, std::vector<Shape> *shapes) {
  if (axis < 0) axis += static_cast<int>(shape.size());
  std::vector<std::vector<T>> outs;
  shapes->clear();
  int64_t offset = 0;
  for (int64_t sz : sizes) {
    Shape s = shape;
    s[axis] = sz;
    std::vector<T> o(NumElements(s));
    for (int64_t i = 0; i < static_cast<int64_t>(o.size()); ++i) {
      auto idx = Unravel(i, s);
      idx[axis] += offset;
      o[i] = x[Ravel(idx, shape)];
    }
    outs.push_back(o);
    shapes->push_back(s);
    offset += sz;
  }
  return outs;
}

TEST(SplitTest, ExplicitSizes) {
  struct Case { Shape shape; int axis; std::vector<int64_t> sizes; };
  const std::vector<Case> cases = {
      {{6}, 0, {2, 4}},
      {{2, 6}, 1, {2, 4}},
      {{2, 6}, -1, {1, 1, 4}},
      {{7, 3, 5}, 0, {3, 0, 4}},   // zero-size piece
      {{3, 13, 5}, 1, {5, 7, 1}},
      {{3, 5, 13}, -2, {2, 3}},
  };
  for (const auto &c : cases) {
    const int n = static_cast<int>(c.sizes.size());
    OpTester t("Split", n);
    auto x = RandomFloats(NumElements(c.shape));
    t.Input(c.shape, x).InputInt64({n}, c.sizes).Arg("axis", c.axis);
    ASSERT_TRUE(t.Run().ok()) << ShapeToString(c.shape);
    std::vector<Shape> shapes;
    auto ref = RefSplit(c.shape, x, c.axis, c.sizes, &shapes);
    for (int k = 0; k < n; ++k) {
      EXPECT_EQ(t.Output(k).shape(), shapes[k]);
      ExpectAllClose(t.OutputFloats(k), ref[k], 0, 0);
    }
  }
}

TEST(SplitTest, EqualAndUnevenChunks) {
  // ONNX 18: chunks of ceil(dim / n); the last one is smaller.
  struct Case { Shape shape; int axis; int n; bool use_num_outputs; std::vector<int64_t> expect; };
  const std::vector<Case> cases = {
      {{6}, 0, 3, false, {2, 2, 2}},
      {{2, 6}, 1, 2, true, {3, 3}},
      {{7}, 0, 3, true, {3, 3, 1}},
      {{7}, 0, 4, true, {2, 2, 2, 1}},  // test_split_1d_uneven_split_opset18
      {{2, 8}, 1, 3, true, {3, 3, 2}},  // test_split_2d_uneven_split_opset18
      {{5, 2}, 0, 2, false, {3, 2}},
      {{3, 1}, -1, 1, true, {1}},
      {{0, 4}, 0, 2, true, {0, 0}},
  };
  for (const auto &c : cases) {
    OpTester t("Split", c.n);
    auto x = RandomFloats(NumElements(c.shape));
    t.Input(c.shape, x).Arg("axis", c.axis);
    if (c.use_num_outputs) t.Arg("num_outputs", c.n);
    ASSERT_TRUE(t.Run().ok()) << ShapeToString(c.shape) << " into " << c.n;
    std::vector<Shape> shapes;
    auto ref = RefSplit(c.shape, x, c.axis, c.expect, &shapes);
    for (int k = 0; k < c.n; ++k) {
      EXPECT_EQ(t.Output(k).shape(), shapes[k]);
      ExpectAllClose(t.OutputFloats(k), ref[k], 0, 0);
    }
  }
}

TEST(SplitTest, OtherTypesAndThreads) {
  OpTester t("Split", 2);
  t.InputInt64({2, 3}, {1, 2, 3, 4, 5, 6}).InputInt64({2}, {2, 1}).Arg("axis", 1);
  t.OutputType(0, DataType::DT_INT64).OutputType(1, DataType::DT_INT64);
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.OutputInt64(0), (std::vector<int64_t>{1, 2, 4, 5}));
  EXPECT_EQ(t.OutputInt64(1), (std::vector<int64_t>{3, 6}));

  std::vector<RawTensor> out;
  auto x = Iota<uint8_t>(3 * 7);
  ASSERT_TRUE(RunAnyType("Split", {Raw<uint8_t>({3, 7}, x)}, {{"axis", IntArg(1)}, {"num_outputs", IntArg(2)}}, 2,
                         &out).ok());
  std::vector<Shape> shapes;
  auto ref = RefSplit<uint8_t>({3, 7}, x, 1, {4, 3}, &shapes);
  EXPECT_EQ(out[0].As<uint8_t>(), ref[0]);
  EXPECT_EQ(out[1].As<uint8_t>(), ref[1]);
  EXPECT_EQ(out[1].shape, (Shape{3, 3}));

  const Shape big{64, 300, 3};
  auto xb = RandomFloats(NumElements(big));
  OpTester t1("Split", 3), t3("Split", 3);
  t1.Input(big, xb).InputInt64({3}, {100, 1, 199}).Arg("axis", 1);
  t3.Input(big, xb).InputInt64({3}, {100, 1, 199}).Arg("axis", 1);
  ASSERT_TRUE(t1.Run(1).ok());
  ASSERT_TRUE(t3.Run(3).ok());
  auto refb = RefSplit(big, xb, 1, {100, 1, 199}, &shapes);
  for (int k = 0; k < 3; ++k) {
    ExpectAllClose(t1.OutputFloats(k), refb[k], 0, 0);
    ExpectAllClose(t3.OutputFloats(k), refb[k], 0, 0);
  }
}

TEST(SplitTest, Errors) {
  {
    OpTester t("Split", 2);
    t.Input({6}, RandomFloats(6)).InputInt64({2}, {2, 3});
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "add up to 5")) << s.information();
  }
  {
    OpTester t("Split", 2);
    t.Input({6}, RandomFloats(6)).InputInt64({3}, {2, 2, 2});
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "3 entries")) << s.information();
  }
  {
    OpTester t("Split", 2);
    t.Input({6}, RandomFloats(6)).Arg("num_outputs", 3);
    EXPECT_FALSE(t.Run().ok());
  }
  {
    OpTester t("Split", 4);  // 5 into 4 chunks of 2 leaves nothing for the last
    t.Input({5}, RandomFloats(5)).Arg("num_outputs", 4);
    EXPECT_FALSE(t.Run().ok());
  }
  {
    OpTester t("Split", 2);
    t.Input({6}, RandomFloats(6)).Arg("axis", 1);
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "out of range")) << s.information();
  }
  {
    OpTester t("Split", 2);
    t.Input({6}, RandomFloats(6)).InputInt64({2}, {7, -1});
    EXPECT_FALSE(t.Run().ok());
  }
}

}  // namespace
}  // namespace test
}  // namespace mace
