// Tests of the element-wise math ops (Erf, Sqrt, Exp, Log, Reciprocal, Abs, Neg) against
// naive references, including integer Abs/Neg and IEEE special values.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

void CheckUnary(const std::string &type, const std::function<double(double)> &ref, float lo,
                float hi) {
  for (const Shape &shape : std::vector<Shape>{{}, {1}, {5}, {2, 3, 7}, {1, 1, 13}}) {
    std::vector<float> x = RandomFloats(NumElements(shape), lo, hi, 11);
    OpTester t(type);
    t.Input(shape, x);
    MaceStatus s = t.Run();
    ASSERT_TRUE(s.ok()) << type << ": " << s.information();
    EXPECT_EQ(t.Output().shape(), shape);
    std::vector<float> expected(x.size());
    for (size_t i = 0; i < x.size(); ++i) expected[i] = static_cast<float>(ref(x[i]));
    ExpectAllClose(t.OutputFloats(), expected, 1e-6f, 1e-5f);
  }
}

TEST(MathUnaryTest, FloatOps) {
  CheckUnary("Erf", [](double v) { return std::erf(v); }, -3.f, 3.f);
  CheckUnary("Sqrt", [](double v) { return std::sqrt(v); }, 0.f, 100.f);
  CheckUnary("Exp", [](double v) { return std::exp(v); }, -20.f, 20.f);
  CheckUnary("Log", [](double v) { return std::log(v); }, 1e-3f, 1e3f);
  CheckUnary("Reciprocal", [](double v) { return 1.0 / v; }, 0.1f, 10.f);
  CheckUnary("Reciprocal", [](double v) { return 1.0 / v; }, -10.f, -0.1f);
  CheckUnary("Abs", [](double v) { return std::fabs(v); }, -5.f, 5.f);
  CheckUnary("Neg", [](double v) { return -v; }, -5.f, 5.f);
}

TEST(MathUnaryTest, SpecialValues) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  struct Case {
    const char *type;
    std::vector<float> x, y;
  };
  for (const Case &c : std::vector<Case>{
           {"Sqrt", {-1.f, 0.f, inf}, {nan, 0.f, inf}},
           {"Log", {0.f, -1.f, inf}, {-inf, nan, inf}},
           {"Exp", {-inf, 100.f, nan}, {0.f, inf, nan}},
           {"Reciprocal", {0.f, inf, -inf}, {inf, 0.f, -0.f}},
           {"Erf", {-inf, inf, 0.f}, {-1.f, 1.f, 0.f}},
           {"Abs", {-inf, nan, -0.f}, {inf, nan, 0.f}},
           {"Neg", {inf, nan, 0.f}, {-inf, nan, -0.f}}}) {
    OpTester t(c.type);
    t.Input({3}, c.x);
    ASSERT_TRUE(t.Run().ok()) << c.type;
    ExpectAllClose(t.OutputFloats(), c.y, 0, 0);
  }
}

TEST(MathUnaryTest, AbsAndNegOnIntegers) {
  const int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  OpTester a("Abs");
  a.InputInt64({2, 3}, {-5, 0, 7, lo, hi, -hi}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(a.Run().ok());
  EXPECT_EQ(a.Output().shape(), (Shape{2, 3}));
  EXPECT_EQ(a.OutputInt64(), (std::vector<int64_t>{5, 0, 7, lo, hi, hi}));  // |min| wraps to min

  OpTester n("Neg");
  n.InputInt64({4}, {-5, 0, 7, lo}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(n.Run().ok());
  EXPECT_EQ(n.OutputInt64(), (std::vector<int64_t>{5, 0, -7, lo}));

  OpTester a32("Abs");
  a32.InputInt32({3}, {-3, 3, 0}).OutputType(0, DataType::DT_INT32);
  ASSERT_TRUE(a32.Run().ok());
  ASSERT_EQ(a32.Output().dtype(), DataType::DT_INT32);
  const int32_t *p = a32.Output().data<int32_t>();
  EXPECT_EQ(std::vector<int32_t>(p, p + 3), (std::vector<int32_t>{3, 3, 0}));

  OpTester n32("Neg");
  n32.InputInt32({2}, {-3, 4}).OutputType(0, DataType::DT_INT32);
  ASSERT_TRUE(n32.Run().ok());
  const int32_t *q = n32.Output().data<int32_t>();
  EXPECT_EQ(std::vector<int32_t>(q, q + 2), (std::vector<int32_t>{3, -4}));
}

TEST(MathUnaryTest, ThreadCountDoesNotChangeResults) {
  const int64_t n = 70001;
  std::vector<float> x = RandomFloats(n, 0.5f, 4.f, 5);
  for (const char *type : {"Erf", "Sqrt", "Exp", "Log", "Reciprocal", "Abs", "Neg"}) {
    OpTester t(type);
    t.Input({n}, x);
    ASSERT_TRUE(t.Run(1).ok());
    std::vector<float> one = t.OutputFloats();
    ASSERT_TRUE(t.Run(3).ok());
    ExpectAllClose(t.OutputFloats(), one, 0, 0);
  }
}

TEST(MathUnaryTest, Errors) {
  OpTester int_exp("Exp");
  int_exp.InputInt64({2}, {1, 2}).OutputType(0, DataType::DT_INT64);
  MaceStatus s = int_exp.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("supported: float32"), std::string::npos) << s.information();

  OpTester missing("Sqrt");
  missing.NoInput();
  s = missing.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("input X is required"), std::string::npos) << s.information();
}

}  // namespace
}  // namespace test
}  // namespace mace
