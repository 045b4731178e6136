#include <gtest/gtest.h>

#include "any_type_op.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

using namespace any_type;  // NOLINT

// Naive Tile: out[i] = x[i mod shape].
template <typename T>
std::vector<T> RefTile(const Shape &shape, const std::vector<T> &x, const std::vector<int64_t> &rep,
                       Shape *out_shape) {
  out_shape->resize(shape.size());
  for (size_t d = 0; d < shape.size(); ++d) (*out_shape)[d] = shape[d] * rep[d];
  std::vector<T> out(NumElements(*out_shape));
  for (int64_t i = 0; i < static_cast<int64_t>(out.size()); ++i) {
    auto o = Unravel(i, *out_shape);
    for (size_t d = 0; d < shape.size(); ++d) o[d] %= shape[d];
    out[i] = x[Ravel(o, shape)];
  }
  return out;
}

TEST(TileTest, MatchesReference) {
  struct Case { Shape shape; std::vector<int64_t> rep; };
  const std::vector<Case> cases = {
      {{2, 2}, {2, 2}},            // test_tile_precomputed
      {{2, 3, 4, 5}, {7, 6, 4, 2}},
      {{5}, {3}},
      {{3, 1, 7}, {1, 5, 1}},
      {{1, 1}, {13, 3}},
      {{2, 3}, {1, 1}},
      {{2, 3}, {0, 2}},            // zero repeats
      {{}, {}},                    // scalar
  };
  for (const auto &c : cases) {
    OpTester t("Tile");
    auto x = RandomFloats(NumElements(c.shape));
    t.Input(c.shape, x).InputInt64({static_cast<int64_t>(c.rep.size())}, c.rep);
    ASSERT_TRUE(t.Run().ok()) << ShapeToString(c.shape);
    Shape ref_shape;
    auto ref = RefTile(c.shape, x, c.rep, &ref_shape);
    EXPECT_EQ(t.Output().shape(), ref_shape);
    ExpectAllClose(t.OutputFloats(), ref, 0, 0);

    auto xi = Iota<uint8_t>(NumElements(c.shape));
    std::vector<RawTensor> out;
    ASSERT_TRUE(RunAnyType("Tile", {Raw(c.shape, xi), Raw<int64_t>({static_cast<int64_t>(c.rep.size())}, c.rep)}, {}, 1,
                           &out).ok());
    EXPECT_EQ(out[0].As<uint8_t>(), RefTile(c.shape, xi, c.rep, &ref_shape));
  }
}

TEST(TileTest, Int64AndThreads) {
  OpTester t("Tile");
  t.InputInt64({2}, {1, -2}).InputInt64({1}, {3}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.OutputInt64(), (std::vector<int64_t>{1, -2, 1, -2, 1, -2}));

  const Shape shape{3, 41, 29};
  const std::vector<int64_t> rep{2, 3, 5};
  auto x = RandomFloats(NumElements(shape));
  Shape ref_shape;
  auto ref = RefTile(shape, x, rep, &ref_shape);
  for (int threads : {1, 3}) {
    OpTester u("Tile");
    u.Input(shape, x).InputInt64({3}, rep);
    ASSERT_TRUE(u.Run(threads).ok());
    ExpectAllClose(u.OutputFloats(), ref, 0, 0);
  }
}

TEST(TileTest, Errors) {
  OpTester t("Tile");
  t.Input({2, 3}, RandomFloats(6)).InputInt64({1}, {2});
  MaceStatus s = t.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasText(s, "one value per dim")) << s.information();
  OpTester u("Tile");
  u.Input({2, 3}, RandomFloats(6)).InputInt64({2}, {2, -1});
  s = u.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasText(s, "negative")) << s.information();
  OpTester v("Tile");
  v.Input({2, 3}, RandomFloats(6)).InputInt64({2}, {int64_t{1} << 40, int64_t{1} << 40});
  EXPECT_FALSE(v.Run().ok());
}

}  // namespace
}  // namespace test
}  // namespace mace
