// Tests of BatchNormalization (inference mode) on 1-D to 5-D inputs against the ONNX formula.
#include <gtest/gtest.h>

#include <cmath>

#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

struct BnParams {
  std::vector<float> scale, bias, mean, var;
};

BnParams RandomParams(int64_t c, uint32_t seed) {
  return {RandomFloats(c, 0.5f, 1.5f, seed), RandomFloats(c, -1.f, 1.f, seed + 1),
          RandomFloats(c, -2.f, 2.f, seed + 2), RandomFloats(c, 0.1f, 3.f, seed + 3)};
}

std::vector<float> NaiveBatchNorm(const Shape &shape, const std::vector<float> &x, const BnParams &p,
                                  double eps) {
  const int64_t channels = shape.size() >= 2 ? shape[1] : 1;
  int64_t spatial = 1;
  for (size_t d = 2; d < shape.size(); ++d) spatial *= shape[d];
  std::vector<float> y(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    int64_t c = (static_cast<int64_t>(i) / spatial) % channels;
    y[i] = static_cast<float>((x[i] - p.mean[c]) / std::sqrt(p.var[c] + eps) * p.scale[c] + p.bias[c]);
  }
  return y;
}

TEST(BatchNormTest, ShapesAndEpsilon) {
  for (const Shape &shape : std::vector<Shape>{
           {2, 3, 4, 5}, {1, 7, 1, 1}, {2, 5, 7}, {3, 13}, {6}, {1, 3, 2, 3, 4}, {2, 1, 3, 3}}) {
    const int64_t channels = shape.size() >= 2 ? shape[1] : 1;
    std::vector<float> x = RandomFloats(NumElements(shape), -3.f, 3.f, 1);
    BnParams p = RandomParams(channels, 10);
    for (float eps : {1e-5f, 1e-2f}) {
      OpTester t("BatchNormalization");
      t.Input(shape, x).Input({channels}, p.scale).Const().Input({channels}, p.bias).Const();
      t.Input({channels}, p.mean).Const().Input({channels}, p.var).Const();
      if (eps != 1e-5f) t.Arg("epsilon", eps);
      MaceStatus s = t.Run();
      ASSERT_TRUE(s.ok()) << s.information();
      EXPECT_EQ(t.Output().shape(), shape);
      ExpectAllClose(t.OutputFloats(), NaiveBatchNorm(shape, x, p, eps), 1e-5f, 1e-5f);
    }
  }
}

TEST(BatchNormTest, LargeMeanKeepsPrecision) {
  const Shape shape = {1, 2, 64};
  std::vector<float> x = RandomFloats(128, 999.9f, 1000.1f, 2);
  BnParams p{{1.f, 2.f}, {0.f, 0.5f}, {1000.f, 1000.f}, {0.003f, 0.003f}};
  OpTester t("BatchNormalization");
  t.Input(shape, x).Input({2}, p.scale).Input({2}, p.bias).Input({2}, p.mean).Input({2}, p.var);
  ASSERT_TRUE(t.Run().ok());
  ExpectAllClose(t.OutputFloats(), NaiveBatchNorm(shape, x, p, 1e-5), 1e-4f, 1e-4f);
}

TEST(BatchNormTest, ThreadCountDoesNotChangeResults) {
  const Shape shape = {2, 19, 40, 41};
  std::vector<float> x = RandomFloats(NumElements(shape), -3.f, 3.f, 3);
  BnParams p = RandomParams(19, 20);
  OpTester t("BatchNormalization");
  t.Input(shape, x).Input({19}, p.scale).Input({19}, p.bias).Input({19}, p.mean).Input({19}, p.var);
  ASSERT_TRUE(t.Run(1).ok());
  std::vector<float> one = t.OutputFloats();
  ASSERT_TRUE(t.Run(3).ok());
  ExpectAllClose(t.OutputFloats(), one, 0, 0);
  ExpectAllClose(one, NaiveBatchNorm(shape, x, p, 1e-5), 1e-5f, 1e-5f);
}

TEST(BatchNormTest, Errors) {
  BnParams p = RandomParams(3, 1);
  OpTester training("BatchNormalization");
  training.Input({2, 3}, RandomFloats(6)).Input({3}, p.scale).Input({3}, p.bias).Input({3}, p.mean);
  training.Input({3}, p.var).Arg("training_mode", 1);
  MaceStatus s = training.Run();
  EXPECT_EQ(s.code(), MaceStatus::MACE_UNSUPPORTED);
  EXPECT_NE(s.information().find("training_mode=1"), std::string::npos) << s.information();

  OpTester size("BatchNormalization");
  size.Input({2, 4}, RandomFloats(8)).Input({3}, p.scale).Input({3}, p.bias).Input({3}, p.mean);
  size.Input({3}, p.var);
  s = size.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("scale must have shape [4]"), std::string::npos) << s.information();

  OpTester missing("BatchNormalization");
  missing.Input({2, 3}, RandomFloats(6)).Input({3}, p.scale).Input({3}, p.bias).Input({3}, p.mean);
  s = missing.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("input_var is required"), std::string::npos) << s.information();
}

}  // namespace
}  // namespace test
}  // namespace mace
