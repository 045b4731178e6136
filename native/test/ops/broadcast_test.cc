// Tests of the numpy-broadcasting helper (ops/common/broadcast.h) against a naive index map.
#include <gtest/gtest.h>

#include "ops/common/broadcast.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

// Flat index into `in` of the output element `flat` (numpy broadcasting, naive).
int64_t NaiveBroadcastIndex(const Shape &out, const Shape &in, int64_t flat) {
  std::vector<int64_t> idx(out.size());
  for (int d = static_cast<int>(out.size()) - 1; d >= 0; --d) {
    idx[d] = flat % out[d];
    flat /= out[d];
  }
  int64_t offset = 0;
  const size_t pad = out.size() - in.size();
  for (size_t d = 0; d < in.size(); ++d) {
    offset = offset * in[d] + (in[d] == 1 ? 0 : idx[d + pad]);
  }
  return offset;
}

void CheckPlan(const std::vector<Shape> &shapes, const Shape &expected_out) {
  BroadcastPlan plan;
  MaceStatus s = plan.Init(shapes);
  ASSERT_TRUE(s.ok()) << s.information();
  ASSERT_EQ(plan.out_shape(), expected_out);
  const int64_t n = NumElements(expected_out);
  ASSERT_EQ(plan.out_size(), n);
  // Walk several sub-ranges (chunk boundaries anywhere) and check every element.
  for (int64_t chunk : {n, int64_t{1}, int64_t{3}, int64_t{7}}) {
    if (chunk == 0) continue;
    std::vector<int> seen(static_cast<size_t>(n), 0);
    for (int64_t b = 0; b < n; b += chunk) {
      int64_t e = std::min(n, b + chunk);
      int64_t expect_pos = b;
      plan.ForEachSegment(b, e, [&](int64_t o, int64_t count, const int64_t *off) {
        EXPECT_EQ(o, expect_pos);
        expect_pos += count;
        for (int64_t i = 0; i < count; ++i) {
          seen[o + i]++;
          for (size_t k = 0; k < shapes.size(); ++k) {
            int64_t got = off[k] + i * plan.inner_stride(static_cast<int>(k));
            ASSERT_EQ(got, NaiveBroadcastIndex(expected_out, shapes[k], o + i))
                << "operand " << k << " element " << o + i;
          }
        }
      });
      EXPECT_EQ(expect_pos, e);
    }
    for (int64_t i = 0; i < n; ++i) ASSERT_EQ(seen[i], 1) << "element " << i;
  }
}

TEST(BroadcastTest, ShapesAndOffsets) {
  CheckPlan({{2, 3, 4}, {2, 3, 4}}, {2, 3, 4});
  CheckPlan({{2, 3, 4}, {}}, {2, 3, 4});
  CheckPlan({{}, {5}}, {5});
  CheckPlan({{2, 3, 4}, {4}}, {2, 3, 4});
  CheckPlan({{2, 3, 4}, {3, 1}}, {2, 3, 4});
  CheckPlan({{2, 1, 4}, {3, 1}}, {2, 3, 4});
  CheckPlan({{1, 3, 1}, {2, 1, 5}}, {2, 3, 5});
  CheckPlan({{5, 1, 1, 7}, {3, 1}}, {5, 1, 3, 7});
  CheckPlan({{2, 3, 5, 7}, {3, 1, 1}}, {2, 3, 5, 7});
  CheckPlan({{1, 1}, {1}}, {1, 1});
  CheckPlan({{13, 1, 3}, {1, 2, 1}, {2, 3}}, {13, 2, 3});
  CheckPlan({{2, 1, 3, 1, 2}, {1, 4, 1, 5, 1}}, {2, 4, 3, 5, 2});
  CheckPlan({{0, 3}, {3}}, {0, 3});
}

TEST(BroadcastTest, ReplansWhenShapesChange) {
  BroadcastPlan plan;
  ASSERT_TRUE(plan.Init(Shape{2, 3}, Shape{3}).ok());
  EXPECT_EQ(plan.out_shape(), (Shape{2, 3}));
  ASSERT_TRUE(plan.Init(Shape{2, 3}, Shape{3}).ok());  // unchanged: kept
  EXPECT_EQ(plan.out_shape(), (Shape{2, 3}));
  EXPECT_EQ(plan.inner_stride(1), 1);
  ASSERT_TRUE(plan.Init(Shape{4, 1}, Shape{5}).ok());
  EXPECT_EQ(plan.out_shape(), (Shape{4, 5}));
  EXPECT_EQ(plan.inner_stride(0), 0);
  EXPECT_FALSE(plan.Init(Shape{4}, Shape{5}).ok());
  ASSERT_TRUE(plan.Init(Shape{2, 3}, Shape{3}).ok());  // a failed plan is not reused
  EXPECT_EQ(plan.out_shape(), (Shape{2, 3}));
}

TEST(BroadcastTest, RejectsIncompatibleShapes) {
  Shape out;
  MaceStatus s = BroadcastShapes({{2, 3}, {4}}, &out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("cannot be broadcast"), std::string::npos) << s.information();
  EXPECT_FALSE(BroadcastShapes({{0}, {2}}, &out).ok());
  EXPECT_TRUE(BroadcastShapes({{0}, {1}}, &out).ok());
  EXPECT_EQ(out, (Shape{0}));
}

TEST(BroadcastTest, Unidirectional) {
  EXPECT_TRUE(BroadcastsTo({3, 1, 1}, {2, 3, 4, 5}));
  EXPECT_TRUE(BroadcastsTo({1}, {2, 3}));
  EXPECT_TRUE(BroadcastsTo({}, {2, 3}));
  EXPECT_TRUE(BroadcastsTo({2, 3}, {2, 3}));
  EXPECT_FALSE(BroadcastsTo({3}, {2, 3, 4}));
  EXPECT_FALSE(BroadcastsTo({1, 2, 3}, {2, 3}));
}

}  // namespace
}  // namespace test
}  // namespace mace
