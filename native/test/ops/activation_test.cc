// Tests of the activation ops (Relu, Clip, LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish,
// Elu, Selu, Softplus) against naive references written from the ONNX definitions.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

#include "core/op_registry.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

using RefFn = std::function<double(double)>;

const std::vector<Shape> kShapes = {{1}, {7}, {2, 3, 5}, {1, 13, 1, 1}, {3, 7, 13}, {}};

// Runs `type` with `args` on random inputs of every shape and compares with ref.
void CheckUnary(const std::string &type, const RefFn &ref,
                const std::function<void(OpTester &)> &args = nullptr, float lo = -6.f,
                float hi = 6.f) {
  for (const Shape &shape : kShapes) {
    std::vector<float> x = RandomFloats(NumElements(shape), lo, hi, 7);
    OpTester t(type);
    t.Input(shape, x);
    if (args) args(t);
    MaceStatus s = t.Run();
    ASSERT_TRUE(s.ok()) << type << ": " << s.information();
    EXPECT_EQ(t.Output().shape(), shape);
    std::vector<float> expected(x.size());
    for (size_t i = 0; i < x.size(); ++i) expected[i] = static_cast<float>(ref(x[i]));
    ExpectAllClose(t.OutputFloats(), expected, 1e-6f, 1e-5f);
  }
}

TEST(ActivationTest, Relu) { CheckUnary("Relu", [](double v) { return v > 0 ? v : 0; }); }

TEST(ActivationTest, LeakyRelu) {
  CheckUnary("LeakyRelu", [](double v) { return v >= 0 ? v : 0.01 * v; });
  CheckUnary("LeakyRelu", [](double v) { return v >= 0 ? v : 0.3 * v; },
             [](OpTester &t) { t.Arg("alpha", 0.3f); });
}

TEST(ActivationTest, Sigmoid) {
  CheckUnary("Sigmoid", [](double v) { return 1 / (1 + std::exp(-v)); });
  CheckUnary("Sigmoid", [](double v) { return 1 / (1 + std::exp(-v)); }, nullptr, -100.f, 100.f);
}

TEST(ActivationTest, Tanh) { CheckUnary("Tanh", [](double v) { return std::tanh(v); }); }

TEST(ActivationTest, HardSigmoid) {
  CheckUnary("HardSigmoid", [](double v) { return std::max(0.0, std::min(1.0, 0.2 * v + 0.5)); });
  CheckUnary("HardSigmoid",
             [](double v) { return std::max(0.0, std::min(1.0, 0.5 * v + 0.6)); },
             [](OpTester &t) { t.Arg("alpha", 0.5f).Arg("beta", 0.6f); });
}

TEST(ActivationTest, HardSwish) {
  CheckUnary("HardSwish", [](double v) { return v * std::max(0.0, std::min(1.0, v / 6 + 0.5)); });
}

TEST(ActivationTest, Elu) {
  CheckUnary("Elu", [](double v) { return v < 0 ? std::exp(v) - 1 : v; });
  CheckUnary("Elu", [](double v) { return v < 0 ? 2.0 * (std::exp(v) - 1) : v; },
             [](OpTester &t) { t.Arg("alpha", 2.0f); });
}

TEST(ActivationTest, Selu) {
  const double alpha = 1.67326319217681884765625, gamma = 1.05070102214813232421875;
  CheckUnary("Selu", [=](double v) { return v > 0 ? gamma * v : gamma * (alpha * std::exp(v) - alpha); });
  CheckUnary("Selu", [](double v) { return v > 0 ? 3.0 * v : 3.0 * (2.0 * std::exp(v) - 2.0); },
             [](OpTester &t) { t.Arg("alpha", 2.0f).Arg("gamma", 3.0f); });
}

TEST(ActivationTest, Softplus) {
  CheckUnary("Softplus", [](double v) { return std::log(std::exp(v) + 1); });
  // Large magnitudes must neither overflow nor lose the linear part.
  CheckUnary("Softplus", [](double v) { return v > 30 ? v : std::log(std::exp(v) + 1); }, nullptr,
             -200.f, 200.f);
}

TEST(ActivationTest, ClipBoundsAsOptionalInputs) {
  auto clip = [](double lo, double hi) {
    return [=](double v) { return std::min(std::max(v, lo), hi); };
  };
  const double inf = std::numeric_limits<double>::infinity();
  CheckUnary("Clip", clip(-inf, inf));
  CheckUnary("Clip", clip(-1, 2), [](OpTester &t) { t.Input({}, {-1.f}).Input({}, {2.f}); });
  CheckUnary("Clip", clip(-1, inf), [](OpTester &t) { t.Input({1}, {-1.f}); });
  CheckUnary("Clip", clip(-inf, 0.5), [](OpTester &t) { t.NoInput().Input({}, {0.5f}); });
  // min > max: everything becomes max.
  CheckUnary("Clip", [](double) { return 1.0; }, [](OpTester &t) { t.Input({}, {3.f}).Input({}, {1.f}); });
}

TEST(ActivationTest, NaNPropagatesThroughReluAndClip) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  OpTester r("Relu");
  r.Input({3}, {nan, -1.f, 2.f});
  ASSERT_TRUE(r.Run().ok());
  ExpectAllClose(r.OutputFloats(), {nan, 0.f, 2.f});
  OpTester c("Clip");
  c.Input({3}, {nan, -5.f, 5.f}).Input({}, {-1.f}).Input({}, {1.f});
  ASSERT_TRUE(c.Run().ok());
  ExpectAllClose(c.OutputFloats(), {nan, -1.f, 1.f});
}

TEST(ActivationTest, ReluAndClipOnIntegers) {
  const int64_t big = std::numeric_limits<int64_t>::max(), small = std::numeric_limits<int64_t>::min();
  OpTester r("Relu");
  r.InputInt64({5}, {-3, 0, 4, big, small}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(r.Run().ok());
  EXPECT_EQ(r.OutputInt64(), (std::vector<int64_t>{0, 0, 4, big, 0}));

  OpTester c("Clip");
  c.InputInt64({2, 3}, {-9, -2, 0, 3, 7, big}).InputInt64({}, {-2}).InputInt64({}, {5});
  c.OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(c.Run().ok());
  EXPECT_EQ(c.Output().shape(), (Shape{2, 3}));
  EXPECT_EQ(c.OutputInt64(), (std::vector<int64_t>{-2, -2, 0, 3, 5, 5}));

  OpTester c_nomax("Clip");
  c_nomax.InputInt64({3}, {small, 1, big}).InputInt64({}, {0}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(c_nomax.Run().ok());
  EXPECT_EQ(c_nomax.OutputInt64(), (std::vector<int64_t>{0, 1, big}));

  OpTester c32("Clip");
  c32.InputInt32({4}, {-100, -1, 1, 100}).NoInput().InputInt32({}, {10});
  c32.OutputType(0, DataType::DT_INT32);
  ASSERT_TRUE(c32.Run().ok());
  ASSERT_EQ(c32.Output().dtype(), DataType::DT_INT32);
  const int32_t *p = c32.Output().data<int32_t>();
  EXPECT_EQ(std::vector<int32_t>(p, p + 4), (std::vector<int32_t>{-100, -1, 1, 10}));

  OpTester r32("Relu");
  r32.InputInt32({3}, {-7, 0, 7}).OutputType(0, DataType::DT_INT32);
  ASSERT_TRUE(r32.Run().ok());
  const int32_t *q = r32.Output().data<int32_t>();
  EXPECT_EQ(std::vector<int32_t>(q, q + 3), (std::vector<int32_t>{0, 0, 7}));
}

TEST(ActivationTest, ReluAndClipOnEightBitIntegers) {
  const std::vector<int8_t> x{-128, -3, 0, 4, 127};
  OpTester r("Relu");
  r.InputOf<int8_t>({5}, x).OutputType(0, DataType::DT_INT8);
  ASSERT_TRUE(r.Run().ok());
  EXPECT_EQ(r.OutputValues<int8_t>(), (std::vector<int8_t>{0, 0, 0, 4, 127}));
  OpTester c("Clip");
  c.InputOf<int8_t>({5}, x).InputOf<int8_t>({}, {-2}).InputOf<int8_t>({}, {100}).OutputType(0, DataType::DT_INT8);
  ASSERT_TRUE(c.Run().ok());
  EXPECT_EQ(c.OutputValues<int8_t>(), (std::vector<int8_t>{-2, -2, 0, 4, 100}));
  OpTester cmax("Clip");
  cmax.InputOf<int8_t>({5}, x).NoInput().InputOf<int8_t>({}, {100}).OutputType(0, DataType::DT_INT8);
  ASSERT_TRUE(cmax.Run().ok());
  EXPECT_EQ(cmax.OutputValues<int8_t>(), (std::vector<int8_t>{-128, -3, 0, 4, 100}));
  OpTester uc("Clip");
  uc.InputOf<uint8_t>({3}, {0, 9, 255}).InputOf<uint8_t>({1}, {5}).OutputType(0, DataType::DT_UINT8);
  ASSERT_TRUE(uc.Run().ok());
  EXPECT_EQ(uc.OutputValues<uint8_t>(), (std::vector<uint8_t>{5, 9, 255}));
}

TEST(ActivationTest, ThreadCountDoesNotChangeResults) {
  const int64_t n = 70001;
  std::vector<float> x = RandomFloats(n, -8.f, 8.f, 3);
  for (const char *type : {"Relu", "Sigmoid", "Tanh", "HardSwish", "Elu", "Softplus", "Clip"}) {
    OpTester t(type);
    t.Input({n}, x);
    if (std::string(type) == "Clip") t.Input({}, {-1.f}).Input({}, {1.f});
    ASSERT_TRUE(t.Run(1).ok());
    std::vector<float> one = t.OutputFloats();
    ASSERT_TRUE(t.Run(3).ok());
    ExpectAllClose(t.OutputFloats(), one, 0, 0);
  }
}

TEST(ActivationTest, Errors) {
  OpTester no_input("Relu");
  no_input.NoInput();
  MaceStatus s = no_input.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("input X is required"), std::string::npos) << s.information();

  OpTester int_sigmoid("Sigmoid");
  int_sigmoid.InputInt64({2}, {1, 2}).OutputType(0, DataType::DT_INT64);
  s = int_sigmoid.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("int64"), std::string::npos) << s.information();

  OpTester bound_type("Clip");
  bound_type.Input({2}, {1.f, 2.f}).InputInt64({}, {0});
  s = bound_type.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("min (input 1)"), std::string::npos) << s.information();

  OpTester bound_shape("Clip");
  bound_shape.Input({2}, {1.f, 2.f}).Input({}, {0.f}).Input({2}, {1.f, 2.f});
  s = bound_shape.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("must be a scalar"), std::string::npos) << s.information();
}

}  // namespace
}  // namespace test
}  // namespace mace
