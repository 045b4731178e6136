#include <gtest/gtest.h>

#include "any_type_op.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

using namespace any_type;  // NOLINT

// Naive Gather: out[a..., i..., b...] = data[a..., idx[i...], b...].
template <typename T>
std::vector<T> RefGather(const Shape &shape, const std::vector<T> &x, const Shape &ishape,
                         const std::vector<int64_t> &idx, int axis, Shape *out_shape) {
  const int rank = static_cast<int>(shape.size());
  if (axis < 0) axis += rank;
  out_shape->assign(shape.begin(), shape.begin() + axis);
  out_shape->insert(out_shape->end(), ishape.begin(), ishape.end());
  out_shape->insert(out_shape->end(), shape.begin() + axis + 1, shape.end());
  std::vector<T> out(NumElements(*out_shape));
  const int q = static_cast<int>(ishape.size());
  for (int64_t i = 0; i < static_cast<int64_t>(out.size()); ++i) {
    auto o = Unravel(i, *out_shape);
    std::vector<int64_t> in_idx(o.begin(), o.begin() + axis);
    std::vector<int64_t> ii(o.begin() + axis, o.begin() + axis + q);
    int64_t v = idx[Ravel(ii, ishape)];
    if (v < 0) v += shape[axis];
    in_idx.push_back(v);
    in_idx.insert(in_idx.end(), o.begin() + axis + q, o.end());
    out[i] = x[Ravel(in_idx, shape)];
  }
  return out;
}

struct GatherCase {
  Shape shape;
  Shape ishape;
  std::vector<int64_t> idx;
  int axis;
};

const std::vector<GatherCase> kCases = {
    {{5, 4, 3, 2}, {3}, {0, 1, 3}, 0},            // test_gather_0
    {{5, 4, 3, 2}, {3}, {0, 1, 2}, 1},            // test_gather_1
    {{3, 3}, {1, 2}, {0, 2}, 1},                  // test_gather_2d_indices
    {{10}, {3}, {0, -9, -10}, 0},                 // test_gather_negative_indices
    {{7, 5}, {}, {-2}, 0},                        // scalar index drops the axis
    {{7, 5}, {}, {4}, -1},
    {{2, 13, 3}, {2, 2}, {12, 0, -1, 5}, -2},
    {{11, 1}, {4, 1}, {3, 3, 10, 0}, 0},          // embedding-like
    {{3, 5}, {0}, {}, 1},                         // empty indices
    {{1}, {2, 3}, {0, 0, -1, 0, -1, 0}, 0},
};

TEST(GatherTest, FloatMatchesReference) {
  for (const auto &c : kCases) {
    for (bool int32 : {false, true}) {
      OpTester t("Gather");
      auto x = RandomFloats(NumElements(c.shape));
      t.Input(c.shape, x);
      if (int32) t.InputInt32(c.ishape, std::vector<int32_t>(c.idx.begin(), c.idx.end()));
      else t.InputInt64(c.ishape, c.idx);
      t.Arg("axis", c.axis);
      ASSERT_TRUE(t.Run().ok()) << ShapeToString(c.shape) << " axis " << c.axis;
      Shape ref_shape;
      auto ref = RefGather(c.shape, x, c.ishape, c.idx, c.axis, &ref_shape);
      EXPECT_EQ(t.Output().shape(), ref_shape);
      ExpectAllClose(t.OutputFloats(), ref, 0, 0);
    }
  }
}

TEST(GatherTest, DefaultAxisAndOtherTypes) {
  OpTester t("Gather");
  t.InputInt64({3, 2}, {1, 2, 3, 4, 5, 6}).InputInt64({2}, {2, 0}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.OutputInt64(), (std::vector<int64_t>{5, 6, 1, 2}));

  for (const auto &c : kCases) {
    auto x = Iota<uint8_t>(NumElements(c.shape));
    std::vector<RawTensor> out;
    ASSERT_TRUE(RunAnyType("Gather", {Raw(c.shape, x), Raw<int64_t>(c.ishape, c.idx)}, {{"axis", IntArg(c.axis)}}, 1,
                           &out).ok());
    Shape ref_shape;
    EXPECT_EQ(out[0].As<uint8_t>(), RefGather(c.shape, x, c.ishape, c.idx, c.axis, &ref_shape));
    EXPECT_EQ(out[0].shape, ref_shape);
    auto xi = Iota<int32_t>(NumElements(c.shape), -5);
    ASSERT_TRUE(RunAnyType("Gather", {Raw(c.shape, xi), Raw<int64_t>(c.ishape, c.idx)}, {{"axis", IntArg(c.axis)}}, 1,
                           &out).ok());
    EXPECT_EQ(out[0].As<int32_t>(), RefGather(c.shape, xi, c.ishape, c.idx, c.axis, &ref_shape));
  }
}

TEST(GatherTest, OneAndThreeThreadsAgree) {
  const Shape shape{8, 300, 17};
  auto x = RandomFloats(NumElements(shape));
  std::vector<int64_t> idx;
  for (int i = 0; i < 250; ++i) idx.push_back((i * 37) % 300 - 150);
  for (int axis : {1, 2}) {
    std::vector<int64_t> ax_idx = idx;
    if (axis == 2)
      for (auto &v : ax_idx) v = v % 17;
    // Reference for rank-3 data: out[o, k, i] = x[o, idx[k], i].
    const int64_t outer = axis == 1 ? 8 : 8 * 300, dim = shape[axis], inner = axis == 1 ? 17 : 1, n = 250;
    std::vector<float> ref(outer * n * inner);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k = 0; k < n; ++k) {
        const int64_t j = ax_idx[k] < 0 ? ax_idx[k] + dim : ax_idx[k];
        for (int64_t i = 0; i < inner; ++i) ref[(o * n + k) * inner + i] = x[(o * dim + j) * inner + i];
      }
    for (int threads : {1, 3}) {
      OpTester t("Gather");
      t.Input(shape, x).InputInt64({10, 25}, ax_idx).Arg("axis", axis);
      ASSERT_TRUE(t.Run(threads).ok());
      ExpectAllClose(t.OutputFloats(), ref, 0, 0);
    }
  }
}

TEST(GatherTest, Errors) {
  {
    OpTester t("Gather");
    t.Input({3, 2}, RandomFloats(6)).InputInt64({2}, {0, 3});
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "index 3 is out of range")) << s.information();
  }
  {
    OpTester t("Gather");
    t.Input({3, 2}, RandomFloats(6)).InputInt64({1}, {-4});
    EXPECT_FALSE(t.Run().ok());
  }
  {
    OpTester t("Gather");
    t.Input({3, 2}, RandomFloats(6)).InputInt64({1}, {0}).Arg("axis", 2);
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "axis")) << s.information();
  }
  {
    OpTester t("Gather");
    t.Input({3, 2}, RandomFloats(6)).Input({1}, {0.f});
    EXPECT_FALSE(t.Run().ok());
  }
  {
    OpTester t("Gather");
    t.Input({3, 0}, {}).InputInt64({1}, {3});  // indices are checked even when the result is empty
    EXPECT_FALSE(t.Run().ok());
  }
}

}  // namespace
}  // namespace test
}  // namespace mace
