#include <gtest/gtest.h>

#include "any_type_op.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

using namespace any_type;  // NOLINT

// Naive Concat: walks every output index and finds the input it comes from.
template <typename T>
std::vector<T> RefConcat(const std::vector<Shape> &shapes, const std::vector<std::vector<T>> &data, int axis,
                         Shape *out_shape) {
  const int rank = static_cast<int>(shapes[0].size());
  if (axis < 0) axis += rank;
  *out_shape = shapes[0];
  (*out_shape)[axis] = 0;
  for (auto &s : shapes) (*out_shape)[axis] += s[axis];
  std::vector<T> out(NumElements(*out_shape));
  for (int64_t i = 0; i < static_cast<int64_t>(out.size()); ++i) {
    std::vector<int64_t> idx = Unravel(i, *out_shape);
    int64_t a = idx[axis];
    size_t k = 0;
    while (a >= shapes[k][axis]) a -= shapes[k++][axis];
    idx[axis] = a;
    out[i] = data[k][Ravel(idx, shapes[k])];
  }
  return out;
}

struct ConcatCase {
  std::vector<Shape> shapes;
  int axis;
};

const std::vector<ConcatCase> kCases = {
    {{{5}, {3}}, 0},
    {{{5}, {3}, {1}}, -1},
    {{{2, 3}, {4, 3}}, 0},
    {{{2, 3}, {2, 7}}, 1},
    {{{2, 3}, {2, 5}}, -1},
    {{{2, 3}, {1, 3}}, -2},
    {{{1, 3, 5, 7}, {1, 13, 5, 7}, {1, 1, 5, 7}}, 1},
    {{{2, 3, 5}, {2, 3, 1}, {2, 3, 2}}, 2},
    {{{3, 1, 1}, {3, 2, 1}}, -2},
    {{{2, 0, 3}, {2, 4, 3}, {2, 0, 3}}, 1},   // zero-size inputs
    {{{0, 3}, {0, 3}}, 0},
    {{{4, 5}}, 1},                            // a single input
};

TEST(ConcatTest, FloatMatchesReference) {
  for (const auto &c : kCases) {
    OpTester t("Concat");
    std::vector<std::vector<float>> data;
    for (size_t i = 0; i < c.shapes.size(); ++i) {
      data.push_back(RandomFloats(NumElements(c.shapes[i]), -1, 1, 7 + i));
      t.Input(c.shapes[i], data.back());
    }
    t.Arg("axis", c.axis);
    ASSERT_TRUE(t.Run().ok()) << ShapeToString(c.shapes[0]) << " axis " << c.axis;
    Shape ref_shape;
    auto ref = RefConcat(c.shapes, data, c.axis, &ref_shape);
    EXPECT_EQ(t.Output().shape(), ref_shape);
    ExpectAllClose(t.OutputFloats(), ref, 0, 0);
  }
}

TEST(ConcatTest, Int64AndInt32KeepTheirType) {
  OpTester t("Concat");
  t.InputInt64({2, 2}, {1, 2, 3, 4}).InputInt64({2, 1}, {-5, 6}).Arg("axis", 1).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.Output().shape(), (Shape{2, 3}));
  EXPECT_EQ(t.OutputInt64(), (std::vector<int64_t>{1, 2, -5, 3, 4, 6}));

  std::vector<RawTensor> out;
  ASSERT_TRUE(RunAnyType("Concat", {Raw<int32_t>({3}, {1, 2, 3}), Raw<int32_t>({1}, {9})}, {{"axis", IntArg(0)}}, 1,
                         &out).ok());
  EXPECT_EQ(out[0].dtype, DataType::DT_INT32);
  EXPECT_EQ(out[0].As<int32_t>(), (std::vector<int32_t>{1, 2, 3, 9}));
}

TEST(ConcatTest, Uint8AndBool) {
  for (const auto &c : kCases) {
    std::vector<RawTensor> ins;
    std::vector<std::vector<uint8_t>> data;
    for (size_t i = 0; i < c.shapes.size(); ++i) {
      data.push_back(Iota<uint8_t>(NumElements(c.shapes[i]), static_cast<uint8_t>(40 * i)));
      ins.push_back(Raw(c.shapes[i], data.back()));
    }
    std::vector<RawTensor> out;
    ASSERT_TRUE(RunAnyType("Concat", ins, {{"axis", IntArg(c.axis)}}, 1, &out).ok());
    Shape ref_shape;
    EXPECT_EQ(out[0].As<uint8_t>(), RefConcat(c.shapes, data, c.axis, &ref_shape));
    EXPECT_EQ(out[0].shape, ref_shape);
    EXPECT_EQ(out[0].dtype, DataType::DT_UINT8);
  }
  std::vector<RawTensor> out;
  ASSERT_TRUE(RunAnyType("Concat", {Raw<uint8_t>({2}, {1, 0}, DataType::DT_BOOL), Raw<uint8_t>({1}, {1}, DataType::DT_BOOL)},
                         {{"axis", IntArg(0)}}, 1, &out).ok());
  EXPECT_EQ(out[0].dtype, DataType::DT_BOOL);
  EXPECT_EQ(out[0].As<uint8_t>(), (std::vector<uint8_t>{1, 0, 1}));
}

TEST(ConcatTest, OneAndThreeThreadsAgree) {
  const std::vector<Shape> shapes = {{3, 70, 129}, {3, 33, 129}, {3, 1, 129}};
  std::vector<std::vector<float>> data;
  OpTester t1("Concat"), t3("Concat");
  for (size_t i = 0; i < shapes.size(); ++i) {
    data.push_back(RandomFloats(NumElements(shapes[i]), -1, 1, 3 + i));
    t1.Input(shapes[i], data.back());
    t3.Input(shapes[i], data.back());
  }
  t1.Arg("axis", 1);
  t3.Arg("axis", 1);
  ASSERT_TRUE(t1.Run(1).ok());
  ASSERT_TRUE(t3.Run(3).ok());
  Shape s;
  ExpectAllClose(t1.OutputFloats(), RefConcat(shapes, data, 1, &s), 0, 0);
  ExpectAllClose(t3.OutputFloats(), t1.OutputFloats(), 0, 0);
}

TEST(ConcatTest, Errors) {
  {
    OpTester t("Concat");
    t.Input({2, 3}, RandomFloats(6)).Input({3, 3}, RandomFloats(9)).Arg("axis", 1);
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "differs from input 0")) << s.information();
  }
  {
    OpTester t("Concat");
    t.Input({2, 3}, RandomFloats(6)).Input({2, 3}, RandomFloats(6)).Arg("axis", 2);
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "out of range")) << s.information();
  }
  {
    OpTester t("Concat");
    t.Input({2, 3}, RandomFloats(6)).Input({2, 3, 1}, RandomFloats(6)).Arg("axis", 0);
    EXPECT_FALSE(t.Run().ok());
  }
  {
    OpTester t("Concat");
    t.Input({2}, RandomFloats(2)).InputInt64({2}, {1, 2}).Arg("axis", 0);
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "type")) << s.information();
  }
  {
    OpTester t("Concat");
    t.Input({2}, RandomFloats(2)).Input({2}, RandomFloats(2));
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "'axis'")) << s.information();
  }
  {
    OpTester t("Concat");
    t.Input({2}, RandomFloats(2)).NoInput().Arg("axis", 0);
    EXPECT_FALSE(t.Run().ok());
  }
}

}  // namespace
}  // namespace test
}  // namespace mace
