#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "any_type_op.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

using namespace any_type;  // NOLINT

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

// Naive Slice straight from the ONNX spec: per axis, clamp start/end, then list the indices.
template <typename T>
std::vector<T> RefSlice(const Shape &shape, const std::vector<T> &x, const std::vector<int64_t> &starts,
                        const std::vector<int64_t> &ends, std::vector<int64_t> axes, std::vector<int64_t> steps,
                        Shape *out_shape) {
  const int rank = static_cast<int>(shape.size());
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  std::vector<std::vector<int64_t>> picks(rank);
  for (int d = 0; d < rank; ++d)
    for (int64_t i = 0; i < shape[d]; ++i) picks[d].push_back(i);
  for (size_t i = 0; i < starts.size(); ++i) {
    const int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
    const int64_t dim = shape[axis], step = steps[i];
    int64_t start = starts[i], end = ends[i];
    if (start < 0) start += dim;
    if (end < 0) end += dim;
    picks[axis].clear();
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      for (int64_t k = start; k < end; k += step) {
        picks[axis].push_back(k);
        if (step > dim) break;
      }
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      for (int64_t k = start; k > end; k += step) {
        picks[axis].push_back(k);
        if (step < -dim) break;
      }
    }
  }
  out_shape->clear();
  for (auto &p : picks) out_shape->push_back(static_cast<int64_t>(p.size()));
  std::vector<T> out(NumElements(*out_shape));
  for (int64_t i = 0; i < static_cast<int64_t>(out.size()); ++i) {
    auto idx = Unravel(i, *out_shape);
    for (int d = 0; d < rank; ++d) idx[d] = picks[d][idx[d]];
    out[i] = x[Ravel(idx, shape)];
  }
  return out;
}

struct SliceCase {
  Shape shape;
  std::vector<int64_t> starts, ends, axes, steps;  // empty axes/steps = input omitted
};

const std::vector<SliceCase> kCases = {
    {{20, 10, 5}, {0, 0}, {3, 10}, {0, 1}, {1, 1}},                  // test_slice
    {{20, 10, 5}, {0, 0, 3}, {20, 10, 4}, {}, {}},                  // default axes
    {{20, 10, 5}, {0, 0, 3}, {20, 10, 4}, {0, 1, 2}, {}},           // default steps
    {{20, 10, 5}, {1}, {1000}, {1}, {1}},                           // end out of bounds
    {{20, 10, 5}, {1000}, {1000}, {1}, {1}},                        // start out of bounds
    {{20, 10}, {0, -7}, {-1, 10000}, {0, 1}, {1, 1}},               // negative starts/ends
    {{20, 10, 5}, {20, 10, 4}, {0, 0, 1}, {0, 1, 2}, {-1, -3, -2}}, // negative steps
    {{20, 10, 5}, {0, 0, 3}, {20, 10, 4}, {0, -2, -1}, {}},         // negative axes
    {{7}, {-1}, {kMin}, {0}, {-1}},                                 // reverse all
    {{7}, {kMax}, {kMin}, {0}, {-2}},
    {{7}, {0}, {kMax}, {0}, {3}},
    {{7}, {kMin}, {kMax}, {0}, {kMax}},
    {{7}, {6}, {kMin}, {0}, {kMin}},
    {{5, 3}, {3}, {1}, {0}, {1}},                                   // empty result
    {{5, 3}, {1}, {3}, {0}, {-1}},                                  // empty result backwards
    {{1, 1, 13}, {2}, {11}, {2}, {4}},
    {{3, 4, 5, 6}, {1, 5, -1}, {3, 0, 0}, {1, 3, 2}, {1, -2, -1}},
    {{0, 4}, {0, 1}, {5, 3}, {0, 1}, {1, 1}},                        // zero-size input
    {{0, 4}, {-1}, {kMin}, {0}, {-1}},
};

TEST(SliceTest, FloatMatchesReference) {
  for (const auto &c : kCases) {
    const int k = static_cast<int>(c.starts.size());
    OpTester t("Slice");
    auto x = RandomFloats(NumElements(c.shape));
    t.Input(c.shape, x).InputInt64({k}, c.starts).InputInt64({k}, c.ends);
    if (!c.axes.empty()) t.InputInt64({k}, c.axes);
    else if (!c.steps.empty()) t.NoInput();
    if (!c.steps.empty()) t.InputInt64({k}, c.steps);
    ASSERT_TRUE(t.Run().ok()) << ShapeToString(c.shape) << " starts " << ShapeToString(c.starts);
    Shape ref_shape;
    auto ref = RefSlice(c.shape, x, c.starts, c.ends, c.axes, c.steps, &ref_shape);
    EXPECT_EQ(t.Output().shape(), ref_shape) << ShapeToString(c.starts) << " " << ShapeToString(c.ends);
    ExpectAllClose(t.OutputFloats(), ref, 0, 0);
  }
}

TEST(SliceTest, Int32IndicesAndAnyDataType) {
  OpTester t("Slice");
  t.InputInt64({6}, {10, 11, 12, 13, 14, 15}).InputInt32({1}, {-2}).InputInt32({1}, {0}).InputInt32({1}, {0});
  t.InputInt32({1}, {-2}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.OutputInt64(), (std::vector<int64_t>{14, 12}));

  for (const auto &c : kCases) {
    if (c.starts[0] == kMin || c.ends[0] == kMin || c.starts[0] == kMax) continue;
    const int k = static_cast<int>(c.starts.size());
    auto x = Iota<uint8_t>(NumElements(c.shape));
    std::vector<RawTensor> ins = {Raw(c.shape, x), Raw<int64_t>({k}, c.starts), Raw<int64_t>({k}, c.ends)};
    ins.push_back(c.axes.empty() ? Absent() : Raw<int64_t>({k}, c.axes));
    ins.push_back(c.steps.empty() ? Absent() : Raw<int64_t>({k}, c.steps));
    std::vector<RawTensor> out;
    ASSERT_TRUE(RunAnyType("Slice", ins, {}, 1, &out).ok());
    Shape ref_shape;
    EXPECT_EQ(out[0].As<uint8_t>(), RefSlice(c.shape, x, c.starts, c.ends, c.axes, c.steps, &ref_shape));
    EXPECT_EQ(out[0].shape, ref_shape);
  }
}

TEST(SliceTest, OneAndThreeThreadsAgree) {
  const Shape shape{8, 61, 67};
  auto x = RandomFloats(NumElements(shape));
  for (int threads : {1, 3}) {
    OpTester t("Slice");
    t.Input(shape, x).InputInt64({3}, {7, 1, -1}).InputInt64({3}, {kMin, 60, kMin}).InputInt64({3}, {0, 1, 2});
    t.InputInt64({3}, {-1, 1, -1});
    ASSERT_TRUE(t.Run(threads).ok());
    Shape ref_shape;
    ExpectAllClose(t.OutputFloats(), RefSlice(shape, x, {7, 1, -1}, {kMin, 60, kMin}, {0, 1, 2}, {-1, 1, -1}, &ref_shape),
                   0, 0);
  }
}

TEST(SliceTest, Errors) {
  auto run = [](const std::vector<int64_t> &starts, const std::vector<int64_t> &ends, const std::vector<int64_t> &axes,
                const std::vector<int64_t> &steps) {
    OpTester t("Slice");
    t.Input({4, 5}, RandomFloats(20)).InputInt64({static_cast<int64_t>(starts.size())}, starts);
    t.InputInt64({static_cast<int64_t>(ends.size())}, ends).InputInt64({static_cast<int64_t>(axes.size())}, axes);
    t.InputInt64({static_cast<int64_t>(steps.size())}, steps);
    return t.Run();
  };
  MaceStatus s = run({0}, {1}, {0}, {0});
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasText(s, "step")) << s.information();
  s = run({0}, {1}, {2}, {1});
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasText(s, "out of range")) << s.information();
  s = run({0, 0}, {1, 1}, {1, -1}, {1, 1});
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasText(s, "repeated")) << s.information();
  s = run({0, 0}, {1}, {0}, {1});
  EXPECT_FALSE(s.ok());
  OpTester t("Slice");
  t.Input({4}, RandomFloats(4)).Input({1}, {0.f}).Input({1}, {2.f});
  s = t.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasText(s, "int32 or int64")) << s.information();
}

}  // namespace
}  // namespace test
}  // namespace mace
