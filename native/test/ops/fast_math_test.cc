// fast_math: the vectorisable exp / sigmoid / tanh against the C library computed in double,
// over their whole useful ranges (dense grids plus the edges: tiny, huge, overflow, NaN).
#include "ops/common/fast_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace mace {
namespace {

constexpr double kUlp = 5.960464477539063e-08;  // 2^-24: half an ulp of 1.0f

std::vector<float> Grid(float lo, float hi, int n) {
  std::vector<float> v;
  for (int i = 0; i <= n; ++i) v.push_back(lo + (hi - lo) * static_cast<float>(i) / n);
  for (float t : {0.f, -0.f, 1e-30f, -1e-30f, 1e-7f, -3e-8f, 0.624f, 0.625f, 0.626f, -0.625f})
    v.push_back(t);
  return v;
}

TEST(FastMathTest, ExpWithinTwoUlpsWhereTheResultIsNormal) {
  for (float x : Grid(-87.3f, 88.7f, 200000)) {
    const double ref = std::exp(static_cast<double>(x));
    EXPECT_LE(std::fabs(fast_math::ExpApprox(x) - ref), 4 * kUlp * ref) << "x = " << x;
  }
}

TEST(FastMathTest, ExpEdges) {
  EXPECT_EQ(fast_math::ExpApprox(0.f), 1.f);
  EXPECT_EQ(fast_math::ExpApprox(100.f), std::numeric_limits<float>::infinity());
  EXPECT_EQ(fast_math::ExpApprox(std::numeric_limits<float>::infinity()),
            std::numeric_limits<float>::infinity());
  EXPECT_GE(fast_math::ExpApprox(-200.f), 0.f);
  EXPECT_LT(fast_math::ExpApprox(-200.f), 1e-37f);
  EXPECT_TRUE(std::isnan(fast_math::ExpApprox(std::nanf(""))));
}

TEST(FastMathTest, SigmoidAgainstDouble) {
  for (float x : Grid(-120.f, 120.f, 200000)) {
    const double ref = 1.0 / (1.0 + std::exp(-static_cast<double>(x)));
    const float got = fast_math::SigmoidApprox(x);
    EXPECT_LE(std::fabs(got - ref), 3e-7) << "x = " << x;
    if (ref > 1e-30) {
      EXPECT_LE(std::fabs(got - ref), 8 * kUlp * ref) << "x = " << x;
    }
    EXPECT_GE(got, 0.f);
    EXPECT_LE(got, 1.f);
  }
  EXPECT_TRUE(std::isnan(fast_math::SigmoidApprox(std::nanf(""))));
  EXPECT_EQ(fast_math::SigmoidApprox(-std::numeric_limits<float>::infinity()), 0.f);
  EXPECT_EQ(fast_math::SigmoidApprox(std::numeric_limits<float>::infinity()), 1.f);
}

TEST(FastMathTest, TanhAgainstDoubleRelativeNearZero) {
  for (float x : Grid(-12.f, 12.f, 200000)) {
    const double ref = std::tanh(static_cast<double>(x));
    const float got = fast_math::TanhApprox(x);
    EXPECT_LE(std::fabs(got - ref), 3e-7) << "x = " << x;
    EXPECT_LE(std::fabs(got - ref), 8 * kUlp * std::fabs(ref)) << "x = " << x;
    EXPECT_EQ(std::signbit(got), std::signbit(x)) << "x = " << x;
  }
  EXPECT_EQ(fast_math::TanhApprox(50.f), 1.f);
  EXPECT_EQ(fast_math::TanhApprox(-std::numeric_limits<float>::infinity()), -1.f);
  EXPECT_TRUE(std::isnan(fast_math::TanhApprox(std::nanf(""))));
}

}  // namespace
}  // namespace mace
