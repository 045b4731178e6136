// Tests of ReduceSum, ReduceMean, ReduceMax and ReduceMin (opset-18 form: axes as input 1)
// against a naive reference over every axis subset, keepdims, noop_with_empty_axes and the
// empty-set identities.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

// Naive reduction: for every input element, accumulate into its output slot.
template <typename T>
std::vector<T> NaiveReduce(const std::string &type, const Shape &shape, const std::vector<T> &x,
                           std::vector<int64_t> axes, bool keepdims, Shape *out_shape) {
  const int rank = static_cast<int>(shape.size());
  std::vector<bool> red(rank, axes.empty());
  for (int64_t a : axes) red[a < 0 ? a + rank : a] = true;
  out_shape->clear();
  Shape full_out;  // with reduced dims as 1
  int64_t count = 1;
  for (int d = 0; d < rank; ++d) {
    full_out.push_back(red[d] ? 1 : shape[d]);
    if (red[d]) count *= shape[d];
    if (!red[d] || keepdims) out_shape->push_back(red[d] ? 1 : shape[d]);
  }
  const int64_t out_n = NumElements(full_out);
  std::vector<double> acc(out_n);
  for (auto &a : acc) {
    a = type == "ReduceMax" ? -INFINITY : type == "ReduceMin" ? INFINITY : 0.0;
  }
  for (int64_t i = 0; i < static_cast<int64_t>(x.size()); ++i) {
    int64_t rem = i, o = 0, mul = 1;
    for (int d = rank - 1; d >= 0; --d) {
      int64_t idx = rem % shape[d];
      rem /= shape[d];
      if (!red[d]) o += idx * mul;
      mul *= full_out[d];
    }
    double v = static_cast<double>(x[i]);
    if (type == "ReduceMax") acc[o] = std::max(acc[o], v);
    else if (type == "ReduceMin") acc[o] = std::min(acc[o], v);
    else acc[o] += v;
  }
  std::vector<T> y(out_n);
  for (int64_t o = 0; o < out_n; ++o) {
    double v = type == "ReduceMean" ? acc[o] / static_cast<double>(count) : acc[o];
    y[o] = static_cast<T>(v);
  }
  return y;
}

const std::vector<std::string> kTypes = {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin"};

std::vector<std::vector<int64_t>> AxisSubsets(int rank) {
  std::vector<std::vector<int64_t>> subsets;
  for (int mask = 1; mask < (1 << rank); ++mask) {
    std::vector<int64_t> axes;
    for (int d = 0; d < rank; ++d) {
      if (mask & (1 << d)) axes.push_back((d + mask) % 2 ? d - rank : d);  // mix negative axes
    }
    subsets.push_back(axes);
  }
  return subsets;
}

TEST(ReduceTest, FloatEveryAxisSubset) {
  for (const Shape &shape : std::vector<Shape>{{2, 3, 4}, {3, 1, 5, 2}, {7}, {1, 13}, {2, 5, 1, 3}}) {
    std::vector<float> x = RandomFloats(NumElements(shape), -5.f, 5.f, 17);
    for (const std::string &type : kTypes) {
      for (const auto &axes : AxisSubsets(static_cast<int>(shape.size()))) {
        for (bool keepdims : {true, false}) {
          Shape expected_shape;
          auto expected = NaiveReduce<float>(type, shape, x, axes, keepdims, &expected_shape);
          OpTester t(type);
          t.Input(shape, x).InputInt64({static_cast<int64_t>(axes.size())}, axes).Const();
          t.Arg("keepdims", static_cast<int64_t>(keepdims));
          MaceStatus s = t.Run();
          ASSERT_TRUE(s.ok()) << s.information();
          EXPECT_EQ(t.Output().shape(), expected_shape) << type;
          ExpectAllClose(t.OutputFloats(), expected, 1e-5f, 1e-5f);
        }
      }
    }
  }
}

TEST(ReduceTest, DefaultAxesReduceEverything) {
  const Shape shape = {3, 2, 2};
  std::vector<float> x = RandomFloats(12, -1.f, 1.f, 2);
  for (const std::string &type : kTypes) {
    Shape expected_shape;
    auto expected = NaiveReduce<float>(type, shape, x, {}, true, &expected_shape);
    OpTester absent(type);
    absent.Input(shape, x);
    ASSERT_TRUE(absent.Run().ok());
    EXPECT_EQ(absent.Output().shape(), (Shape{1, 1, 1}));
    ExpectAllClose(absent.OutputFloats(), expected, 1e-6f, 1e-6f);

    OpTester empty(type);  // an empty axes tensor also means every axis
    empty.Input(shape, x).InputInt64({0}, {}).Arg("keepdims", 0);
    ASSERT_TRUE(empty.Run().ok());
    EXPECT_EQ(empty.Output().shape(), (Shape{}));
    ExpectAllClose(empty.OutputFloats(), expected, 1e-6f, 1e-6f);
  }
}

TEST(ReduceTest, NoopWithEmptyAxes) {
  std::vector<float> x = RandomFloats(12, -1.f, 1.f, 2);
  for (const std::string &type : kTypes) {
    OpTester t(type);
    t.Input({3, 2, 2}, x).InputInt64({0}, {}).Arg("noop_with_empty_axes", 1);
    ASSERT_TRUE(t.Run().ok());
    EXPECT_EQ(t.Output().shape(), (Shape{3, 2, 2}));
    ExpectAllClose(t.OutputFloats(), x, 0, 0);
  }
}

TEST(ReduceTest, AxesFromArgumentWhenInputAbsent) {
  std::vector<float> x = RandomFloats(24, -1.f, 1.f, 2);
  Shape expected_shape;
  auto expected = NaiveReduce<float>("ReduceSum", {2, 3, 4}, x, {1}, false, &expected_shape);
  OpTester t("ReduceSum");
  t.Input({2, 3, 4}, x).Ints("axes", {1}).Arg("keepdims", 0);
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.Output().shape(), expected_shape);
  ExpectAllClose(t.OutputFloats(), expected, 1e-6f, 1e-6f);
}

TEST(ReduceTest, EmptySetIdentities) {
  // ONNX test_reduce_*_empty_set: shape [2,0,4] reduced over axis 1 -> [2,1,4].
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<std::pair<std::string, float>> cases = {
      {"ReduceSum", 0.f}, {"ReduceMax", -inf}, {"ReduceMin", inf},
      {"ReduceMean", std::numeric_limits<float>::quiet_NaN()}};
  for (const auto &c : cases) {
    OpTester t(c.first);
    t.Input({2, 0, 4}, {}).InputInt64({1}, {1});
    ASSERT_TRUE(t.Run().ok());
    EXPECT_EQ(t.Output().shape(), (Shape{2, 1, 4}));
    ExpectAllClose(t.OutputFloats(), std::vector<float>(8, c.second), 0, 0);
  }
  // A zero-sized kept axis gives an empty output (test_reduce_sum_empty_set_non_reduced_axis_zero).
  OpTester z("ReduceSum");
  z.Input({2, 0, 4}, {}).InputInt64({1}, {2});
  ASSERT_TRUE(z.Run().ok());
  EXPECT_EQ(z.Output().shape(), (Shape{2, 0, 1}));
}

TEST(ReduceTest, NaNPropagatesThroughMaxMin) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const char *type : {"ReduceMax", "ReduceMin"}) {
    OpTester t(type);
    t.Input({2, 3}, {1.f, nan, 3.f, 4.f, 5.f, 6.f}).InputInt64({1}, {1});
    ASSERT_TRUE(t.Run().ok());
    std::vector<float> y = t.OutputFloats();
    EXPECT_TRUE(std::isnan(y[0]));
    EXPECT_EQ(y[1], std::string(type) == "ReduceMax" ? 6.f : 4.f);
  }
}

TEST(ReduceTest, Integers) {
  const Shape shape = {2, 3, 2};
  std::vector<int64_t> x = {5, -3, 9, 0, 7, -8, 1, 2, 3, 4, -6, 11};
  for (const std::string &type : kTypes) {
    for (const auto &axes : AxisSubsets(3)) {
      Shape expected_shape;
      std::vector<double> xd(x.begin(), x.end());
      // Integer mean truncates toward zero.
      auto expected_d = NaiveReduce<double>(type, shape, xd, axes, false, &expected_shape);
      std::vector<int64_t> expected;
      for (double v : expected_d) expected.push_back(static_cast<int64_t>(std::trunc(v)));
      OpTester t(type);
      t.InputInt64(shape, x).InputInt64({static_cast<int64_t>(axes.size())}, axes);
      t.Arg("keepdims", 0).OutputType(0, DataType::DT_INT64);
      ASSERT_TRUE(t.Run().ok());
      EXPECT_EQ(t.Output().shape(), expected_shape);
      EXPECT_EQ(t.OutputInt64(), expected) << type;
    }
  }
  OpTester t32("ReduceSum");
  t32.InputInt32({2, 2}, {1, 2, 3, 4}).InputInt64({1}, {0}).OutputType(0, DataType::DT_INT32);
  ASSERT_TRUE(t32.Run().ok());
  ASSERT_EQ(t32.Output().dtype(), DataType::DT_INT32);
  const int32_t *p = t32.Output().data<int32_t>();
  EXPECT_EQ(std::vector<int32_t>(p, p + 2), (std::vector<int32_t>{4, 6}));
}

TEST(ReduceTest, LongSumIsAccurate) {
  // 2^20 values of 0.1: float accumulation would drift well beyond 1e-5 relative.
  const int64_t n = 1 << 20;
  OpTester t("ReduceMean");
  t.Input({n}, std::vector<float>(n, 0.1f)).Arg("keepdims", 0);
  ASSERT_TRUE(t.Run().ok());
  ExpectAllClose(t.OutputFloats(), {0.1f}, 0, 1e-6f);
}

TEST(ReduceTest, ThreadCountDoesNotChangeResults) {
  const Shape shape = {6, 30, 5, 40};
  std::vector<float> x = RandomFloats(NumElements(shape), -1.f, 1.f, 4);
  for (const std::vector<int64_t> &axes : std::vector<std::vector<int64_t>>{{0}, {3}, {1, 3}, {0, 2}, {}}) {
    for (const std::string &type : kTypes) {
      OpTester t(type);
      t.Input(shape, x).InputInt64({static_cast<int64_t>(axes.size())}, axes);
      ASSERT_TRUE(t.Run(1).ok());
      std::vector<float> one = t.OutputFloats();
      ASSERT_TRUE(t.Run(3).ok());
      ExpectAllClose(t.OutputFloats(), one, 0, 0);
      if (type == "ReduceMean") {
        Shape expected_shape;
        ExpectAllClose(one, NaiveReduce<float>(type, shape, x, axes, true, &expected_shape), 1e-5f,
                       1e-5f);
      }
    }
  }
}

TEST(ReduceTest, Errors) {
  OpTester range("ReduceSum");
  range.Input({2, 3}, RandomFloats(6)).InputInt64({1}, {2});
  MaceStatus s = range.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("axis 2 is out of range"), std::string::npos) << s.information();

  OpTester dup("ReduceMean");
  dup.Input({2, 3}, RandomFloats(6)).InputInt64({2}, {1, -1});
  s = dup.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("given twice"), std::string::npos) << s.information();

  OpTester axes_type("ReduceMax");
  axes_type.Input({2, 3}, RandomFloats(6)).Input({1}, {1.f});
  s = axes_type.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("int32 or int64"), std::string::npos) << s.information();
}

}  // namespace
}  // namespace test
}  // namespace mace
