// Tests of Reshape, Flatten, Squeeze and Unsqueeze: the data is copied unchanged, so the
// reference is "same values, expected shape"; the shapes come from the ONNX spec rules.
#include <gtest/gtest.h>

#include "any_type_op.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

using namespace any_type;  // NOLINT

void ExpectReshape(const Shape &in, const std::vector<int64_t> &req, const Shape &want, int allowzero = 0) {
  auto x = RandomFloats(NumElements(in));
  OpTester t("Reshape");
  t.Input(in, x).InputInt64({static_cast<int64_t>(req.size())}, req);
  if (allowzero) t.Arg("allowzero", allowzero);
  MaceStatus s = t.Run();
  ASSERT_TRUE(s.ok()) << s.information();
  EXPECT_EQ(t.Output().shape(), want) << ShapeToString(in) << " -> " << ShapeToString(req);
  ExpectAllClose(t.OutputFloats(), x, 0, 0);
}

TEST(ReshapeTest, ShapesFromTheSpec) {
  ExpectReshape({2, 3, 4}, {4, 2, 3}, {4, 2, 3});          // reordered_all_dims
  ExpectReshape({2, 3, 4}, {2, 4, 3}, {2, 4, 3});          // reordered_last_dims
  ExpectReshape({2, 3, 4}, {2, 12}, {2, 12});              // reduced_dims
  ExpectReshape({2, 3, 4}, {2, 3, 2, 2}, {2, 3, 2, 2});    // extended_dims
  ExpectReshape({2, 3, 4}, {24}, {24});                    // one_dim
  ExpectReshape({2, 3, 4}, {2, -1, 2}, {2, 6, 2});         // negative_dim
  ExpectReshape({2, 3, 4}, {-1, 2, 3, 4}, {1, 2, 3, 4});   // negative_extended_dims
  ExpectReshape({2, 3, 4}, {2, 0, 4, 1}, {2, 3, 4, 1});    // zero_dim
  ExpectReshape({2, 3, 4}, {2, 0, 1, -1}, {2, 3, 1, 4});   // zero_and_negative_dim
  ExpectReshape({0, 3, 4}, {3, 4, 0}, {3, 4, 0}, 1);       // allowzero_reordered
  ExpectReshape({0, 3}, {0, 3}, {0, 3});                   // 0 copies the zero-size dim
  ExpectReshape({1, 7}, {7}, {7}, 1);
}

TEST(ReshapeTest, ScalarAndTypes) {
  OpTester t("Reshape");
  t.InputInt64({1, 1}, {42}).InputInt64({0}, {}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.Output().shape(), Shape{});
  EXPECT_EQ(t.OutputInt64(), (std::vector<int64_t>{42}));

  std::vector<RawTensor> out;
  auto x = Iota<uint8_t>(12);
  ASSERT_TRUE(RunAnyType("Reshape", {Raw<uint8_t>({3, 4}, x, DataType::DT_BOOL), Raw<int64_t>({2}, {-1, 6})}, {}, 1,
                         &out).ok());
  EXPECT_EQ(out[0].dtype, DataType::DT_BOOL);
  EXPECT_EQ(out[0].shape, (Shape{2, 6}));
  EXPECT_EQ(out[0].As<uint8_t>(), x);
}

TEST(ReshapeTest, Errors) {
  auto run = [](const Shape &in, const std::vector<int64_t> &req, int allowzero = 0) {
    OpTester t("Reshape");
    t.Input(in, RandomFloats(NumElements(in))).InputInt64({static_cast<int64_t>(req.size())}, req);
    if (allowzero) t.Arg("allowzero", allowzero);
    return t.Run();
  };
  MaceStatus s = run({2, 3}, {4, 2});
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasText(s, "does not hold")) << s.information();
  s = run({2, 3}, {-1, -1});
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasText(s, "more than one -1")) << s.information();
  s = run({2, 3}, {4, -1});
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasText(s, "cannot reshape")) << s.information();
  EXPECT_FALSE(run({2, 3}, {-2, 3}).ok());
  s = run({6}, {6, 0});  // copies dim 1, which the input lacks
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(run({0, 3}, {0, -1}, 1).ok());  // -1 next to a zero-size dim is ambiguous
  EXPECT_FALSE(run({0, 3}, {0, -1}).ok());
  EXPECT_FALSE(run({7}, {}).ok());
  s = run({2, 3}, {int64_t{1} << 40, int64_t{1} << 40});
  EXPECT_FALSE(s.ok());
}

TEST(FlattenTest, AllAxes) {
  const Shape in{2, 3, 4, 5};
  auto x = RandomFloats(NumElements(in));
  const std::vector<std::pair<int, Shape>> cases = {
      {0, {1, 120}}, {1, {2, 60}}, {2, {6, 20}}, {3, {24, 5}}, {4, {120, 1}},
      {-1, {24, 5}}, {-2, {6, 20}}, {-3, {2, 60}}, {-4, {1, 120}}};
  for (const auto &c : cases) {
    OpTester t("Flatten");
    t.Input(in, x).Arg("axis", c.first);
    ASSERT_TRUE(t.Run().ok()) << c.first;
    EXPECT_EQ(t.Output().shape(), c.second) << "axis " << c.first;
    ExpectAllClose(t.OutputFloats(), x, 0, 0);
  }
  OpTester d("Flatten");  // default axis 1
  d.Input({3, 1, 7}, RandomFloats(21));
  ASSERT_TRUE(d.Run().ok());
  EXPECT_EQ(d.Output().shape(), (Shape{3, 7}));
  OpTester e("Flatten");
  e.Input(in, x).Arg("axis", 5);
  MaceStatus s = e.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasText(s, "out of range")) << s.information();
  OpTester f("Flatten");
  f.Input(in, x).Arg("axis", -5);
  EXPECT_FALSE(f.Run().ok());
}

TEST(SqueezeTest, AxesAndDefault) {
  auto x = RandomFloats(3 * 4 * 5);
  struct Case { Shape in; std::vector<int64_t> axes; bool has_axes; Shape want; };
  const std::vector<Case> cases = {
      {{1, 3, 4, 5}, {0}, true, {3, 4, 5}},
      {{1, 3, 1, 5, 4}, {-3}, true, {1, 3, 5, 4}},   // squeeze_negative_axes
      {{1, 3, 1, 4, 5, 1}, {}, false, {3, 4, 5}},    // absent: every size-1 dim
      {{1, 3, 1, 4, 5, 1}, {5, 0}, true, {3, 1, 4, 5}},
      {{3, 4, 5}, {}, true, {3, 4, 5}},              // empty axes input squeezes nothing
  };
  for (const auto &c : cases) {
    OpTester t("Squeeze");
    t.Input(c.in, x);
    if (c.has_axes) t.InputInt64({static_cast<int64_t>(c.axes.size())}, c.axes);
    ASSERT_TRUE(t.Run().ok()) << ShapeToString(c.in);
    EXPECT_EQ(t.Output().shape(), c.want) << ShapeToString(c.in);
    ExpectAllClose(t.OutputFloats(), x, 0, 0);
  }
  OpTester s1("Squeeze");
  s1.InputInt64({1, 1}, {5}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(s1.Run().ok());
  EXPECT_EQ(s1.Output().shape(), Shape{});
  EXPECT_EQ(s1.OutputInt64(), (std::vector<int64_t>{5}));
}

TEST(SqueezeTest, Errors) {
  OpTester t("Squeeze");
  t.Input({1, 3}, RandomFloats(3)).InputInt64({1}, {1});
  MaceStatus s = t.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasText(s, "size is not 1")) << s.information();
  OpTester u("Squeeze");
  u.Input({1, 3}, RandomFloats(3)).InputInt64({1}, {2});
  EXPECT_FALSE(u.Run().ok());
  OpTester v("Squeeze");
  v.Input({1, 3}, RandomFloats(3)).InputInt64({2}, {0, -2});
  s = v.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasText(s, "repeated")) << s.information();
}

TEST(UnsqueezeTest, Axes) {
  auto x = RandomFloats(3 * 4 * 5);
  struct Case { std::vector<int64_t> axes; Shape want; };
  const std::vector<Case> cases = {
      {{0}, {1, 3, 4, 5}}, {{1}, {3, 1, 4, 5}}, {{2}, {3, 4, 1, 5}}, {{3}, {3, 4, 5, 1}},
      {{-2}, {3, 4, 1, 5}},                                                  // negative axis of the output rank
      {{1, 4}, {3, 1, 4, 5, 1}},                                             // two_axes
      {{2, 4, 5}, {3, 4, 1, 5, 1, 1}},                                       // three_axes
      {{5, 4, 2}, {3, 4, 1, 5, 1, 1}},                                       // unsorted_axes
      {{-1, 0}, {1, 3, 4, 5, 1}},
  };
  for (const auto &c : cases) {
    OpTester t("Unsqueeze");
    t.Input({3, 4, 5}, x).InputInt64({static_cast<int64_t>(c.axes.size())}, c.axes);
    ASSERT_TRUE(t.Run().ok()) << ShapeToString(c.axes);
    EXPECT_EQ(t.Output().shape(), c.want) << ShapeToString(c.axes);
    ExpectAllClose(t.OutputFloats(), x, 0, 0);
  }
  OpTester s("Unsqueeze");
  s.InputInt64({}, {9}).InputInt64({1}, {0}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(s.Run().ok());
  EXPECT_EQ(s.Output().shape(), Shape{1});
  EXPECT_EQ(s.OutputInt64(), (std::vector<int64_t>{9}));
}

TEST(UnsqueezeTest, Errors) {
  OpTester t("Unsqueeze");
  t.Input({3}, RandomFloats(3)).InputInt64({1}, {2});
  MaceStatus s = t.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasText(s, "out of range")) << s.information();
  OpTester u("Unsqueeze");
  u.Input({3}, RandomFloats(3)).InputInt64({2}, {0, -3});
  s = u.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasText(s, "repeated")) << s.information();
  OpTester v("Unsqueeze");
  v.Input({3}, RandomFloats(3));
  EXPECT_FALSE(v.Run().ok());
}

TEST(ReshapeFamilyTest, LargeCopyWithThreads) {
  const Shape in{16, 64, 130};
  auto x = RandomFloats(NumElements(in));
  for (int threads : {1, 3}) {
    OpTester t("Reshape");
    t.Input(in, x).InputInt64({2}, {-1, 130});
    ASSERT_TRUE(t.Run(threads).ok());
    ExpectAllClose(t.OutputFloats(), x, 0, 0);
  }
}

}  // namespace
}  // namespace test
}  // namespace mace
