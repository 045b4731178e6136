// Tests of ArgMax (axis, keepdims, select_last_index, ties, NaN) against a naive reference.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

template <typename T>
std::vector<int64_t> NaiveArgMax(const Shape &shape, const std::vector<T> &x, int64_t axis,
                                 bool keepdims, bool last, Shape *out_shape) {
  const int rank = static_cast<int>(shape.size());
  const int a = static_cast<int>(axis < 0 ? axis + rank : axis);
  int64_t outer = 1, inner = 1;
  out_shape->clear();
  for (int d = 0; d < rank; ++d) {
    if (d < a) outer *= shape[d];
    if (d > a) inner *= shape[d];
    if (d != a) out_shape->push_back(shape[d]);
    else if (keepdims) out_shape->push_back(1);
  }
  const int64_t n = shape[a];
  std::vector<int64_t> y;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < inner; ++j) {
      int64_t best = 0;
      for (int64_t k = 1; k < n; ++k) {
        T v = x[(o * n + k) * inner + j], b = x[(o * n + best) * inner + j];
        if (last ? v >= b : v > b) best = k;
      }
      y.push_back(best);
    }
  }
  return y;
}

TEST(ArgMaxTest, EveryAxisAndMode) {
  for (const Shape &shape : std::vector<Shape>{{3, 4, 5}, {7}, {2, 1, 13}, {1, 3, 1, 5}, {5, 300}}) {
    // Few distinct values so that ties are common.
    std::vector<float> x = RandomFloats(NumElements(shape), -2.f, 2.f, 21);
    for (auto &v : x) v = std::round(v);
    const int rank = static_cast<int>(shape.size());
    for (int64_t axis = -rank; axis < rank; ++axis) {
      for (bool keepdims : {true, false}) {
        for (bool last : {false, true}) {
          Shape expected_shape;
          auto expected = NaiveArgMax(shape, x, axis, keepdims, last, &expected_shape);
          OpTester t("ArgMax");
          t.Input(shape, x).Arg("axis", axis).Arg("keepdims", static_cast<int64_t>(keepdims));
          t.Arg("select_last_index", static_cast<int64_t>(last)).OutputType(0, DataType::DT_INT64);
          MaceStatus s = t.Run();
          ASSERT_TRUE(s.ok()) << s.information();
          EXPECT_EQ(t.Output().shape(), expected_shape);
          EXPECT_EQ(t.OutputInt64(), expected) << "axis " << axis << " last " << last;
        }
      }
    }
  }
}

TEST(ArgMaxTest, Defaults) {
  // axis 0, keepdims 1, first index (ONNX test_argmax_default_axis_example).
  OpTester t("ArgMax");
  t.Input({2, 2}, {2.f, 1.f, 3.f, 10.f}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.Output().shape(), (Shape{1, 2}));
  EXPECT_EQ(t.OutputInt64(), (std::vector<int64_t>{1, 1}));
}

TEST(ArgMaxTest, IntegersAndNaN) {
  OpTester t("ArgMax");
  t.InputInt64({2, 3}, {4, 9, 9, -1, -5, -1}).Arg("axis", 1).Arg("select_last_index", 1);
  t.OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.OutputInt64(), (std::vector<int64_t>{2, 2}));

  OpTester t32("ArgMax");
  t32.InputInt32({4}, {3, 8, 8, 1}).Arg("keepdims", 0).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(t32.Run().ok());
  EXPECT_EQ(t32.Output().shape(), (Shape{}));
  EXPECT_EQ(t32.OutputInt64(), (std::vector<int64_t>{1}));

  const float nan = std::numeric_limits<float>::quiet_NaN();
  OpTester n("ArgMax");
  n.Input({2, 4}, {1.f, nan, 5.f, nan, 2.f, 3.f, 1.f, 0.f}).Arg("axis", 1);
  n.OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(n.Run().ok());
  EXPECT_EQ(n.OutputInt64(), (std::vector<int64_t>{1, 1}));  // the first NaN wins, as numpy

  OpTester nl("ArgMax");
  nl.Input({4}, {1.f, nan, 5.f, nan}).Arg("select_last_index", 1).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(nl.Run().ok());
  EXPECT_EQ(nl.OutputInt64(), (std::vector<int64_t>{3}));
}

TEST(ArgMaxTest, ThreadCountDoesNotChangeResults) {
  const Shape shape = {8, 100, 97};
  std::vector<float> x = RandomFloats(NumElements(shape), -1.f, 1.f, 5);
  for (int64_t axis : {0, 1, 2}) {
    OpTester t("ArgMax");
    t.Input(shape, x).Arg("axis", axis).OutputType(0, DataType::DT_INT64);
    ASSERT_TRUE(t.Run(1).ok());
    std::vector<int64_t> one = t.OutputInt64();
    ASSERT_TRUE(t.Run(3).ok());
    EXPECT_EQ(t.OutputInt64(), one);
  }
}

TEST(ArgMaxTest, Errors) {
  OpTester axis("ArgMax");
  axis.Input({2, 3}, RandomFloats(6)).Arg("axis", -3).OutputType(0, DataType::DT_INT64);
  MaceStatus s = axis.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("axis -3 is out of range"), std::string::npos) << s.information();

  OpTester empty("ArgMax");
  empty.Input({2, 0}, {}).Arg("axis", 1).OutputType(0, DataType::DT_INT64);
  s = empty.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("size 0"), std::string::npos) << s.information();

  OpTester scalar("ArgMax");
  scalar.Input({}, {1.f}).OutputType(0, DataType::DT_INT64);
  EXPECT_FALSE(scalar.Run().ok());
}

}  // namespace
}  // namespace test
}  // namespace mace
