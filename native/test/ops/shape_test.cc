#include <gtest/gtest.h>

#include "any_type_op.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

using namespace any_type;  // NOLINT

// Naive Shape: dims[start:end] with Python-slice clamping.
std::vector<int64_t> RefShape(const Shape &shape, bool has_start, int64_t start, bool has_end, int64_t end) {
  const int64_t r = static_cast<int64_t>(shape.size());
  if (!has_start) start = 0;
  if (!has_end) end = r;
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = std::min(std::max<int64_t>(start, 0), r);
  end = std::min(std::max<int64_t>(end, 0), r);
  std::vector<int64_t> out;
  for (int64_t i = start; i < end; ++i) out.push_back(shape[i]);
  return out;
}

TEST(ShapeTest, StartEndVariants) {
  const Shape shape{3, 4, 5};
  struct Case { bool hs; int64_t s; bool he; int64_t e; };
  const std::vector<Case> cases = {
      {false, 0, false, 0},  // test_shape
      {false, 0, true, 10},  // clip_end
      {true, -10, false, 0}, // clip_start
      {false, 0, true, 1},   // end_1
      {false, 0, true, -1},  // end_negative_1
      {true, 1, false, 0},   // start_1
      {true, 1, true, 2},    // start_1_end_2
      {true, 1, true, -1},   // start_1_end_negative_1
      {true, -1, false, 0},  // start_negative_1
      {true, 2, true, 1},    // empty
  };
  for (const auto &c : cases) {
    OpTester t("Shape");
    t.Input(shape, RandomFloats(60)).OutputType(0, DataType::DT_INT64);
    if (c.hs) t.Arg("start", c.s);
    if (c.he) t.Arg("end", c.e);
    ASSERT_TRUE(t.Run().ok());
    auto ref = RefShape(shape, c.hs, c.s, c.he, c.e);
    EXPECT_EQ(t.OutputInt64(), ref) << c.s << " " << c.e;
    EXPECT_EQ(t.Output().shape(), (Shape{static_cast<int64_t>(ref.size())}));
  }
}

TEST(ShapeTest, AnyInputTypeAndScalar) {
  std::vector<RawTensor> out;
  ASSERT_TRUE(RunAnyType("Shape", {Raw<uint8_t>({2, 0, 7}, {}, DataType::DT_BOOL)}, {}, 1, &out).ok());
  EXPECT_EQ(out[0].dtype, DataType::DT_INT64);
  EXPECT_EQ(out[0].As<int64_t>(), (std::vector<int64_t>{2, 0, 7}));
  OpTester t("Shape");
  t.InputInt64({}, {3}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.Output().shape(), Shape{0});
  OpTester u("Shape");  // registered for any output type key
  u.Input({4, 1}, RandomFloats(4));
  ASSERT_TRUE(u.Run().ok());
  EXPECT_EQ(u.OutputInt64(), (std::vector<int64_t>{4, 1}));
}

TEST(ShapeTest, MissingInput) {
  OpTester t("Shape");
  t.NoInput();
  EXPECT_FALSE(t.Run().ok());
}

}  // namespace
}  // namespace test
}  // namespace mace
