// Tests of LayerNormalization: every axis of 2-D to 4-D inputs, broadcast Scale/B forms,
// optional B, and the optional Mean/InvStdDev outputs, against a naive double reference.
#include <gtest/gtest.h>

#include <cmath>

#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

struct LnResult {
  std::vector<float> y, mean, inv_std;
};

// scale/bias given expanded to the normalised size (bias empty = none).
LnResult NaiveLayerNorm(const std::vector<float> &x, int64_t rows, int64_t d,
                        const std::vector<float> &scale, const std::vector<float> &bias, double eps) {
  LnResult r;
  r.y.resize(x.size());
  for (int64_t i = 0; i < rows; ++i) {
    double mean = 0, var = 0;
    for (int64_t j = 0; j < d; ++j) mean += x[i * d + j];
    mean /= d;
    for (int64_t j = 0; j < d; ++j) var += (x[i * d + j] - mean) * (x[i * d + j] - mean);
    var /= d;
    const double inv = 1 / std::sqrt(var + eps);
    for (int64_t j = 0; j < d; ++j) {
      r.y[i * d + j] = static_cast<float>((x[i * d + j] - mean) * inv * scale[j] + (bias.empty() ? 0 : bias[j]));
    }
    r.mean.push_back(static_cast<float>(mean));
    r.inv_std.push_back(static_cast<float>(inv));
  }
  return r;
}

TEST(LayerNormTest, EveryAxisWithStatistics) {
  for (const Shape &shape : std::vector<Shape>{{3, 4}, {2, 3, 5}, {2, 3, 4, 5}, {1, 7, 1, 13}, {5}}) {
    const int rank = static_cast<int>(shape.size());
    std::vector<float> x = RandomFloats(NumElements(shape), -3.f, 3.f, 1);
    for (int64_t axis = -rank; axis < rank; ++axis) {
      const int a = static_cast<int>(axis < 0 ? axis + rank : axis);
      Shape norm(shape.begin() + a, shape.end());
      const int64_t d = NumElements(norm), rows = NumElements(shape) / d;
      std::vector<float> scale = RandomFloats(d, 0.5f, 1.5f, 2), bias = RandomFloats(d, -1.f, 1.f, 3);
      for (float eps : {1e-5f, 1e-2f}) {
        OpTester t("LayerNormalization", 3);
        t.Input(shape, x).Input(norm, scale).Const().Input(norm, bias).Const().Arg("axis", axis);
        if (eps != 1e-5f) t.Arg("epsilon", eps);
        MaceStatus s = t.Run();
        ASSERT_TRUE(s.ok()) << s.information();
        LnResult ref = NaiveLayerNorm(x, rows, d, scale, bias, eps);
        EXPECT_EQ(t.Output(0).shape(), shape);
        ExpectAllClose(t.OutputFloats(0), ref.y, 1e-5f, 1e-4f);
        Shape stat_shape(shape.begin(), shape.begin() + a);
        stat_shape.resize(rank, 1);
        EXPECT_EQ(t.Output(1).shape(), stat_shape);
        EXPECT_EQ(t.Output(2).shape(), stat_shape);
        ExpectAllClose(t.OutputFloats(1), ref.mean, 1e-6f, 1e-5f);
        ExpectAllClose(t.OutputFloats(2), ref.inv_std, 1e-6f, 1e-5f);
      }
    }
  }
}

TEST(LayerNormTest, DefaultAxisNoBiasSingleOutput) {
  const Shape shape = {2, 3, 7};
  std::vector<float> x = RandomFloats(42, -2.f, 2.f, 4), scale = RandomFloats(7, 0.5f, 1.5f, 5);
  OpTester t("LayerNormalization");
  t.Input(shape, x).Input({7}, scale);
  ASSERT_TRUE(t.Run().ok());
  ExpectAllClose(t.OutputFloats(), NaiveLayerNorm(x, 6, 7, scale, {}, 1e-5).y, 1e-5f, 1e-4f);

  OpTester omitted_bias("LayerNormalization");
  omitted_bias.Input(shape, x).Input({7}, scale).NoInput();
  ASSERT_TRUE(omitted_bias.Run().ok());
  ExpectAllClose(omitted_bias.OutputFloats(), t.OutputFloats(), 0, 0);
}

TEST(LayerNormTest, BroadcastScaleAndBias) {
  // Normalised shape [3, 4]: scale [4] / [1, 4] / [3, 1] / [1] / [1, 3, 4] broadcast over it.
  const Shape shape = {2, 3, 4};
  std::vector<float> x = RandomFloats(24, -2.f, 2.f, 6);
  struct Case {
    Shape scale_shape, bias_shape;
  };
  for (const Case &c : std::vector<Case>{{{4}, {4}}, {{1, 4}, {3, 1}}, {{3, 1}, {1}}, {{1}, {3, 4}},
                                          {{1, 3, 4}, {}}}) {
    std::vector<float> s = RandomFloats(NumElements(c.scale_shape), 0.5f, 1.5f, 7);
    std::vector<float> b = RandomFloats(NumElements(c.bias_shape), -1.f, 1.f, 8);
    std::vector<float> s_full(12), b_full(12);
    for (int64_t i = 0; i < 3; ++i) {
      for (int64_t j = 0; j < 4; ++j) {
        auto pick = [&](const Shape &sh, const std::vector<float> &v) {
          Shape full = sh;
          while (full.size() > 2) full.erase(full.begin());
          while (full.size() < 2) full.insert(full.begin(), 1);
          return v[(full[0] == 1 ? 0 : i) * full[1] + (full[1] == 1 ? 0 : j)];
        };
        s_full[i * 4 + j] = pick(c.scale_shape, s);
        b_full[i * 4 + j] = pick(c.bias_shape, b);
      }
    }
    OpTester t("LayerNormalization");
    t.Input(shape, x).Input(c.scale_shape, s).Input(c.bias_shape, b).Arg("axis", 1);
    MaceStatus st = t.Run();
    ASSERT_TRUE(st.ok()) << st.information();
    ExpectAllClose(t.OutputFloats(), NaiveLayerNorm(x, 2, 12, s_full, b_full, 1e-5).y, 1e-5f, 1e-4f);
  }
}

TEST(LayerNormTest, LargeMeanKeepsPrecision) {
  std::vector<float> x = RandomFloats(4 * 512, 999.f, 1001.f, 9), scale(512, 1.f);
  OpTester t("LayerNormalization");
  t.Input({4, 512}, x).Input({512}, scale);
  ASSERT_TRUE(t.Run().ok());
  ExpectAllClose(t.OutputFloats(), NaiveLayerNorm(x, 4, 512, scale, {}, 1e-5).y, 1e-4f, 1e-4f);
}

TEST(LayerNormTest, ThreadCountDoesNotChangeResults) {
  const Shape shape = {64, 37, 41};
  std::vector<float> x = RandomFloats(NumElements(shape), -3.f, 3.f, 10);
  std::vector<float> scale = RandomFloats(41, 0.5f, 1.5f, 11), bias = RandomFloats(41, -1.f, 1.f, 12);
  OpTester t("LayerNormalization");
  t.Input(shape, x).Input({41}, scale).Input({41}, bias);
  ASSERT_TRUE(t.Run(1).ok());
  std::vector<float> one = t.OutputFloats();
  ASSERT_TRUE(t.Run(3).ok());
  ExpectAllClose(t.OutputFloats(), one, 0, 0);
}

TEST(LayerNormTest, Errors) {
  OpTester axis("LayerNormalization");
  axis.Input({2, 3}, RandomFloats(6)).Input({3}, RandomFloats(3)).Arg("axis", 2);
  MaceStatus s = axis.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("axis 2 is out of range"), std::string::npos) << s.information();

  OpTester scale("LayerNormalization");
  scale.Input({2, 3}, RandomFloats(6)).Input({2}, RandomFloats(2));
  s = scale.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("does not broadcast"), std::string::npos) << s.information();

  OpTester stash("LayerNormalization");
  stash.Input({2, 3}, RandomFloats(6)).Input({3}, RandomFloats(3)).Arg("stash_type", 11);
  s = stash.Run();
  EXPECT_EQ(s.code(), MaceStatus::MACE_UNSUPPORTED);
  EXPECT_NE(s.information().find("stash_type=11"), std::string::npos) << s.information();

  OpTester missing("LayerNormalization");
  missing.Input({2, 3}, RandomFloats(6));
  EXPECT_FALSE(missing.Run().ok());
}

}  // namespace
}  // namespace test
}  // namespace mace
