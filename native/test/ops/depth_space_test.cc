#include <gtest/gtest.h>

#include "any_type_op.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

using namespace any_type;  // NOLINT

// Naive DepthToSpace from the ONNX formulas (index arithmetic, no reshapes).
template <typename T>
std::vector<T> RefDepthToSpace(const Shape &s, const std::vector<T> &x, int64_t b, bool crd) {
  const int64_t n = s[0], c = s[1], h = s[2], w = s[3], oc = c / (b * b);
  std::vector<T> out(x.size());
  for (int64_t in = 0; in < n; ++in)
    for (int64_t co = 0; co < oc; ++co)
      for (int64_t y = 0; y < h * b; ++y)
        for (int64_t xx = 0; xx < w * b; ++xx) {
          const int64_t by = y % b, bx = xx % b;
          const int64_t ci = crd ? co * b * b + by * b + bx : (by * b + bx) * oc + co;
          out[((in * oc + co) * h * b + y) * w * b + xx] = x[((in * c + ci) * h + y / b) * w + xx / b];
        }
  return out;
}

// Naive SpaceToDepth: the inverse of DCR DepthToSpace.
template <typename T>
std::vector<T> RefSpaceToDepth(const Shape &s, const std::vector<T> &x, int64_t b) {
  const int64_t n = s[0], c = s[1], h = s[2], w = s[3], oh = h / b, ow = w / b;
  std::vector<T> out(x.size());
  for (int64_t in = 0; in < n; ++in)
    for (int64_t co = 0; co < c * b * b; ++co)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xx = 0; xx < ow; ++xx) {
          const int64_t blk = co / c, ci = co % c, by = blk / b, bx = blk % b;
          out[((in * c * b * b + co) * oh + y) * ow + xx] = x[((in * c + ci) * h + y * b + by) * w + xx * b + bx];
        }
  return out;
}

TEST(DepthToSpaceTest, ModesAndShapes) {
  struct Case { Shape shape; int64_t b; };
  const std::vector<Case> cases = {{{1, 8, 2, 3}, 2}, {{2, 9, 3, 1}, 3}, {{1, 4, 1, 1}, 2}, {{3, 12, 5, 7}, 2},
                                   {{1, 5, 2, 2}, 1}, {{1, 32, 3, 2}, 4}};
  for (const auto &c : cases) {
    for (const char *mode : {"DCR", "CRD", ""}) {
      OpTester t("DepthToSpace");
      auto x = RandomFloats(NumElements(c.shape));
      t.Input(c.shape, x).Arg("blocksize", c.b);
      if (*mode) t.Arg("mode", mode);
      ASSERT_TRUE(t.Run().ok()) << ShapeToString(c.shape) << " " << mode;
      EXPECT_EQ(t.Output().shape(), (Shape{c.shape[0], c.shape[1] / (c.b * c.b), c.shape[2] * c.b, c.shape[3] * c.b}));
      ExpectAllClose(t.OutputFloats(), RefDepthToSpace(c.shape, x, c.b, std::string(mode) == "CRD"), 0, 0);
    }
  }
}

TEST(DepthToSpaceTest, ExampleFromTheSpec) {
  // test_depthtospace_crd_mode_example: x = arange(16).reshape(1, 8, 1, 2)... here [1, 8, 2, 3].
  std::vector<float> x(48);
  for (int i = 0; i < 48; ++i) x[i] = static_cast<float>(i);
  OpTester t("DepthToSpace");
  t.Input({1, 8, 2, 3}, x).Arg("blocksize", 2).Arg("mode", "CRD");
  ASSERT_TRUE(t.Run().ok());
  const std::vector<float> first_row = {0, 6, 1, 7, 2, 8};  // ONNX doc example, CRD
  std::vector<float> out = t.OutputFloats();
  ExpectAllClose(std::vector<float>(out.begin(), out.begin() + 6), first_row, 0, 0);
  OpTester d("DepthToSpace");
  d.Input({1, 8, 2, 3}, x).Arg("blocksize", 2).Arg("mode", "DCR");
  ASSERT_TRUE(d.Run().ok());
  const std::vector<float> first_row_dcr = {0, 12, 1, 13, 2, 14};  // ONNX doc example, DCR
  out = d.OutputFloats();
  ExpectAllClose(std::vector<float>(out.begin(), out.begin() + 6), first_row_dcr, 0, 0);
}

TEST(SpaceToDepthTest, MatchesReference) {
  struct Case { Shape shape; int64_t b; };
  const std::vector<Case> cases = {{{1, 2, 4, 6}, 2}, {{2, 3, 6, 3}, 3}, {{1, 1, 2, 2}, 2}, {{3, 5, 4, 8}, 4},
                                   {{1, 7, 3, 5}, 1}};
  for (const auto &c : cases) {
    OpTester t("SpaceToDepth");
    auto x = RandomFloats(NumElements(c.shape));
    t.Input(c.shape, x).Arg("blocksize", c.b);
    ASSERT_TRUE(t.Run().ok());
    EXPECT_EQ(t.Output().shape(), (Shape{c.shape[0], c.shape[1] * c.b * c.b, c.shape[2] / c.b, c.shape[3] / c.b}));
    ExpectAllClose(t.OutputFloats(), RefSpaceToDepth(c.shape, x, c.b), 0, 0);
  }
}

TEST(DepthSpaceTest, RoundTripOtherTypesAndThreads) {
  const Shape shape{2, 36, 31, 23};
  auto x = Iota<int32_t>(NumElements(shape));
  std::vector<RawTensor> out, back;
  for (int threads : {1, 3}) {
    ASSERT_TRUE(RunAnyType("DepthToSpace", {Raw(shape, x)}, {{"blocksize", IntArg(3)}}, 1, &out, threads).ok());
    EXPECT_EQ(out[0].As<int32_t>(), RefDepthToSpace(shape, x, 3, false));
    ASSERT_TRUE(RunAnyType("SpaceToDepth", {out[0]}, {{"blocksize", IntArg(3)}}, 1, &back, threads).ok());
    EXPECT_EQ(back[0].As<int32_t>(), x);
    EXPECT_EQ(back[0].shape, shape);
  }
  auto x8 = Iota<uint8_t>(2 * 8 * 3 * 2);
  ASSERT_TRUE(RunAnyType("DepthToSpace", {Raw<uint8_t>({2, 8, 3, 2}, x8)},
                         {{"blocksize", IntArg(2)}, {"mode", StrArg("CRD")}}, 1, &out).ok());
  EXPECT_EQ(out[0].As<uint8_t>(), RefDepthToSpace<uint8_t>({2, 8, 3, 2}, x8, 2, true));
}

TEST(DepthSpaceTest, Errors) {
  {
    OpTester t("DepthToSpace");
    t.Input({1, 6, 2, 2}, RandomFloats(24)).Arg("blocksize", 2);
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "multiple of blocksize")) << s.information();
  }
  {
    OpTester t("DepthToSpace");
    t.Input({1, 8, 2, 2}, RandomFloats(32)).Arg("blocksize", 2).Arg("mode", "XYZ");
    EXPECT_FALSE(t.Run().ok());
  }
  {
    OpTester t("DepthToSpace");
    t.Input({8, 2, 2}, RandomFloats(32)).Arg("blocksize", 2);
    EXPECT_FALSE(t.Run().ok());
  }
  {
    OpTester t("SpaceToDepth");
    t.Input({1, 1, 3, 4}, RandomFloats(12)).Arg("blocksize", 2);
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "multiples of blocksize")) << s.information();
  }
  {
    OpTester t("SpaceToDepth");
    t.Input({1, 1, 4, 4}, RandomFloats(16)).Arg("blocksize", 0);
    EXPECT_FALSE(t.Run().ok());
  }
}

}  // namespace
}  // namespace test
}  // namespace mace
