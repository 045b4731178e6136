// Tests of PRelu with the slope broadcast unidirectionally to X, against a naive reference.
#include <gtest/gtest.h>

#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

int64_t NaiveIndex(const Shape &out, const Shape &in, int64_t flat) {
  std::vector<int64_t> idx(out.size());
  for (int d = static_cast<int>(out.size()) - 1; d >= 0; --d) {
    idx[d] = flat % out[d];
    flat /= out[d];
  }
  int64_t offset = 0;
  const size_t pad = out.size() - in.size();
  for (size_t d = 0; d < in.size(); ++d) offset = offset * in[d] + (in[d] == 1 ? 0 : idx[d + pad]);
  return offset;
}

TEST(PReluTest, SlopeBroadcastForms) {
  const std::vector<std::pair<Shape, Shape>> cases = {
      {{2, 3, 4, 5}, {3, 1, 1}}, {{2, 3, 4, 5}, {1}},    {{2, 3, 4, 5}, {5}},
      {{2, 3, 4, 5}, {2, 3, 4, 5}}, {{1, 7, 1, 1}, {7, 1, 1}}, {{3, 5}, {5}},
      {{2, 13, 3}, {13, 1}},     {{4}, {}},             {{2, 3, 4, 5}, {1, 3, 1, 1}},
      {{2, 5, 3, 3}, {3}}};
  for (const auto &c : cases) {
    std::vector<float> x = RandomFloats(NumElements(c.first), -2.f, 2.f, 4);
    std::vector<float> slope = RandomFloats(NumElements(c.second), -0.5f, 0.5f, 5);
    OpTester t("PRelu");
    t.Input(c.first, x).Input(c.second, slope).Const();
    MaceStatus s = t.Run();
    ASSERT_TRUE(s.ok()) << s.information();
    EXPECT_EQ(t.Output().shape(), c.first);
    std::vector<float> expected(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      float a = slope[NaiveIndex(c.first, c.second, i)];
      expected[i] = x[i] < 0 ? a * x[i] : x[i];
    }
    ExpectAllClose(t.OutputFloats(), expected, 0, 0);
  }
}

TEST(PReluTest, ThreadCountDoesNotChangeResults) {
  const Shape sx = {2, 17, 50, 50}, ss = {17, 1, 1};
  std::vector<float> x = RandomFloats(NumElements(sx), -1.f, 1.f, 6);
  std::vector<float> slope = RandomFloats(17, 0.f, 0.3f, 7);
  OpTester t("PRelu");
  t.Input(sx, x).Input(ss, slope);
  ASSERT_TRUE(t.Run(1).ok());
  std::vector<float> one = t.OutputFloats();
  ASSERT_TRUE(t.Run(3).ok());
  ExpectAllClose(t.OutputFloats(), one, 0, 0);
}

TEST(PReluTest, Errors) {
  OpTester wrong("PRelu");
  wrong.Input({2, 3, 5, 5}, RandomFloats(150)).Input({3}, RandomFloats(3));
  MaceStatus s = wrong.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("does not broadcast"), std::string::npos) << s.information();

  OpTester bigger("PRelu");  // the slope may not enlarge X
  bigger.Input({3}, RandomFloats(3)).Input({2, 3}, RandomFloats(6));
  s = bigger.Run();
  EXPECT_FALSE(s.ok());

  OpTester missing("PRelu");
  missing.Input({3}, RandomFloats(3));
  s = missing.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("needs inputs X and slope"), std::string::npos) << s.information();
}

}  // namespace
}  // namespace test
}  // namespace mace
