// Tests of InstanceNormalization on 3-D to 5-D inputs against a naive double reference.
#include <gtest/gtest.h>

#include <cmath>

#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

std::vector<float> NaiveInstanceNorm(const Shape &shape, const std::vector<float> &x,
                                     const std::vector<float> &scale, const std::vector<float> &bias,
                                     double eps) {
  const int64_t planes = shape[0] * shape[1];
  const int64_t spatial = NumElements(shape) / planes;
  std::vector<float> y(x.size());
  for (int64_t p = 0; p < planes; ++p) {
    const int64_t c = p % shape[1];
    double mean = 0, var = 0;
    for (int64_t i = 0; i < spatial; ++i) mean += x[p * spatial + i];
    mean /= spatial;
    for (int64_t i = 0; i < spatial; ++i) var += (x[p * spatial + i] - mean) * (x[p * spatial + i] - mean);
    var /= spatial;
    for (int64_t i = 0; i < spatial; ++i) {
      y[p * spatial + i] = static_cast<float>((x[p * spatial + i] - mean) / std::sqrt(var + eps) * scale[c] + bias[c]);
    }
  }
  return y;
}

TEST(InstanceNormTest, ShapesAndEpsilon) {
  for (const Shape &shape : std::vector<Shape>{{2, 3, 4, 5}, {1, 5, 7}, {2, 3, 1, 1}, {3, 2, 2, 3, 2}, {1, 13, 9, 9}}) {
    const int64_t c = shape[1];
    std::vector<float> x = RandomFloats(NumElements(shape), -3.f, 3.f, 4);
    std::vector<float> scale = RandomFloats(c, 0.5f, 1.5f, 5), bias = RandomFloats(c, -1.f, 1.f, 6);
    for (float eps : {1e-5f, 0.1f}) {
      OpTester t("InstanceNormalization");
      t.Input(shape, x).Input({c}, scale).Const().Input({c}, bias).Const();
      if (eps != 1e-5f) t.Arg("epsilon", eps);
      MaceStatus s = t.Run();
      ASSERT_TRUE(s.ok()) << s.information();
      EXPECT_EQ(t.Output().shape(), shape);
      ExpectAllClose(t.OutputFloats(), NaiveInstanceNorm(shape, x, scale, bias, eps), 1e-5f, 1e-4f);
    }
  }
}

TEST(InstanceNormTest, LargeMeanKeepsPrecision) {
  const Shape shape = {1, 2, 1000};
  std::vector<float> x = RandomFloats(2000, 499.f, 501.f, 7);
  std::vector<float> scale = {1.f, 0.5f}, bias = {0.f, 1.f};
  OpTester t("InstanceNormalization");
  t.Input(shape, x).Input({2}, scale).Input({2}, bias);
  ASSERT_TRUE(t.Run().ok());
  ExpectAllClose(t.OutputFloats(), NaiveInstanceNorm(shape, x, scale, bias, 1e-5), 1e-4f, 1e-4f);
}

TEST(InstanceNormTest, ThreadCountDoesNotChangeResults) {
  const Shape shape = {2, 17, 33, 35};
  std::vector<float> x = RandomFloats(NumElements(shape), -3.f, 3.f, 8);
  std::vector<float> scale = RandomFloats(17, 0.5f, 1.5f, 9), bias = RandomFloats(17, -1.f, 1.f, 10);
  OpTester t("InstanceNormalization");
  t.Input(shape, x).Input({17}, scale).Input({17}, bias);
  ASSERT_TRUE(t.Run(1).ok());
  std::vector<float> one = t.OutputFloats();
  ASSERT_TRUE(t.Run(3).ok());
  ExpectAllClose(t.OutputFloats(), one, 0, 0);
}

TEST(InstanceNormTest, Errors) {
  OpTester size("InstanceNormalization");
  size.Input({1, 3, 4}, RandomFloats(12)).Input({2}, {1.f, 1.f}).Input({3}, {0.f, 0.f, 0.f});
  MaceStatus s = size.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("scale must have shape [3]"), std::string::npos) << s.information();

  OpTester rank("InstanceNormalization");
  rank.Input({3}, RandomFloats(3)).Input({3}, RandomFloats(3)).Input({3}, RandomFloats(3));
  s = rank.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("[N,C,...]"), std::string::npos) << s.information();

  OpTester missing("InstanceNormalization");
  missing.Input({1, 3, 4}, RandomFloats(12)).Input({3}, RandomFloats(3));
  EXPECT_FALSE(missing.Run().ok());
}

}  // namespace
}  // namespace test
}  // namespace mace
