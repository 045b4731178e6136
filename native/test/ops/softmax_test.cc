// Tests of Softmax and LogSoftmax (opset-13 single-axis semantics and the coerce_2d
// extension for opset < 13) against a naive double-precision reference.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

// Normalises x viewed as [outer, n, inner] over n.
std::vector<float> NaiveSoftmax(const std::vector<float> &x, int64_t outer, int64_t n, int64_t inner,
                                bool log) {
  std::vector<float> y(x.size());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < inner; ++j) {
      auto at = [&](int64_t k) { return (o * n + k) * inner + j; };
      double m = -INFINITY;
      for (int64_t k = 0; k < n; ++k) m = std::max(m, static_cast<double>(x[at(k)]));
      double sum = 0;
      for (int64_t k = 0; k < n; ++k) sum += std::exp(x[at(k)] - m);
      for (int64_t k = 0; k < n; ++k) {
        double v = x[at(k)] - m;
        y[at(k)] = static_cast<float>(log ? v - std::log(sum) : std::exp(v) / sum);
      }
    }
  }
  return y;
}

void Check(const std::string &type, const Shape &shape, int64_t axis, bool coerce_2d,
           float scale = 4.f) {
  const int rank = static_cast<int>(shape.size());
  const int a = static_cast<int>(axis < 0 ? axis + rank : axis);
  int64_t outer = 1, n = 1, inner = 1;
  for (int d = 0; d < a; ++d) outer *= shape[d];
  if (coerce_2d) {
    for (int d = a; d < rank; ++d) n *= shape[d];
  } else {
    n = shape[a];
    for (int d = a + 1; d < rank; ++d) inner *= shape[d];
  }
  std::vector<float> x = RandomFloats(NumElements(shape), -scale, scale, 9);
  OpTester t(type);
  t.Input(shape, x).Arg("axis", axis);
  if (coerce_2d) t.Arg("coerce_2d", 1);
  MaceStatus s = t.Run();
  ASSERT_TRUE(s.ok()) << s.information();
  EXPECT_EQ(t.Output().shape(), shape);
  ExpectAllClose(t.OutputFloats(), NaiveSoftmax(x, outer, n, inner, type == "LogSoftmax"), 1e-6f,
                 1e-5f);
}

TEST(SoftmaxTest, EveryAxisOpset13) {
  for (const char *type : {"Softmax", "LogSoftmax"}) {
    for (const Shape &shape : std::vector<Shape>{{3, 4, 5}, {1, 7}, {2, 3, 1, 13}, {5}, {2, 300, 3}}) {
      const int rank = static_cast<int>(shape.size());
      for (int64_t axis = -rank; axis < rank; ++axis) Check(type, shape, axis, false);
    }
  }
}

TEST(SoftmaxTest, DefaultAxisIsLast) {
  std::vector<float> x = RandomFloats(2 * 3 * 4, -2.f, 2.f, 3);
  OpTester t("Softmax");
  t.Input({2, 3, 4}, x);
  ASSERT_TRUE(t.Run().ok());
  ExpectAllClose(t.OutputFloats(), NaiveSoftmax(x, 6, 4, 1, false), 1e-6f, 1e-5f);
}

TEST(SoftmaxTest, Coerce2dOpsetBelow13) {
  for (const char *type : {"Softmax", "LogSoftmax"}) {
    for (const Shape &shape : std::vector<Shape>{{3, 4, 5}, {2, 3, 1, 7}, {5}}) {
      const int rank = static_cast<int>(shape.size());
      for (int64_t axis = -rank; axis <= rank; ++axis) Check(type, shape, axis, true);
    }
  }
  // Without `axis` the opset < 13 default is 1.
  std::vector<float> x = RandomFloats(2 * 3 * 4, -2.f, 2.f, 3);
  OpTester t("LogSoftmax");
  t.Input({2, 3, 4}, x).Arg("coerce_2d", 1);
  ASSERT_TRUE(t.Run().ok());
  ExpectAllClose(t.OutputFloats(), NaiveSoftmax(x, 2, 12, 1, true), 1e-6f, 1e-5f);
}

TEST(SoftmaxTest, LargeNumbersAreStable) {
  for (const char *type : {"Softmax", "LogSoftmax"}) {
    OpTester t(type);
    std::vector<float> x = {0.f, 1.f, 2.f, 3.f, 10000.f, 10001.f, 10002.f, 10003.f};
    t.Input({2, 4}, x);
    ASSERT_TRUE(t.Run().ok());
    ExpectAllClose(t.OutputFloats(), NaiveSoftmax(x, 2, 4, 1, std::string(type) == "LogSoftmax"),
                   1e-6f, 1e-5f);
    Check(type, {3, 5, 7}, 1, false, 1000.f);
  }
}

TEST(SoftmaxTest, ThreadCountDoesNotChangeResults) {
  for (int64_t axis : {0, 1, 2}) {
    const Shape shape = {4, 129, 67};
    std::vector<float> x = RandomFloats(NumElements(shape), -3.f, 3.f, 12);
    OpTester t("Softmax");
    t.Input(shape, x).Arg("axis", axis);
    ASSERT_TRUE(t.Run(1).ok());
    std::vector<float> one = t.OutputFloats();
    ASSERT_TRUE(t.Run(3).ok());
    ExpectAllClose(t.OutputFloats(), one, 0, 0);
  }
}

TEST(SoftmaxTest, EmptyInput) {
  OpTester t("Softmax");
  t.Input({2, 0, 3}, {}).Arg("axis", 1);
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.Output().shape(), (Shape{2, 0, 3}));
}

TEST(SoftmaxTest, Errors) {
  OpTester axis("Softmax");
  axis.Input({2, 3}, RandomFloats(6)).Arg("axis", 2);
  MaceStatus s = axis.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("axis 2 is out of range"), std::string::npos) << s.information();

  OpTester neg("LogSoftmax");
  neg.Input({2, 3}, RandomFloats(6)).Arg("axis", -3);
  EXPECT_FALSE(neg.Run().ok());

  OpTester type("Softmax");
  type.InputInt64({2}, {1, 2}).OutputType(0, DataType::DT_INT64);
  s = type.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("float32"), std::string::npos) << s.information();

  OpTester scalar("Softmax");
  scalar.Input({}, {1.f});
  EXPECT_FALSE(scalar.Run().ok());
}

}  // namespace
}  // namespace test
}  // namespace mace
