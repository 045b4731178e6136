// Tests of the variadic Min and Max ops: 1..N inputs with numpy broadcasting, NaN
// propagation, float32/int32/int64, against a naive reference.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/op_registry.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

Shape NaiveBroadcastShape(const std::vector<Shape> &shapes) {
  size_t rank = 0;
  for (const Shape &s : shapes) rank = std::max(rank, s.size());
  Shape out(rank, 1);
  for (const Shape &s : shapes) {
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t &o = out[rank - s.size() + i];
      if (s[i] != 1) o = s[i];
    }
  }
  return out;
}

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

template <typename T>
bool IsNaN(T v) {
  if constexpr (std::is_floating_point<T>::value) {
    return std::isnan(v);
  } else {
    return false;
  }
}

// Naive Min/Max over inputs; NaN wins (numpy maximum/minimum).
template <typename T>
std::vector<T> NaiveMinMax(bool is_max, const std::vector<Shape> &shapes,
                           const std::vector<std::vector<T>> &values, Shape *out_shape) {
  *out_shape = NaiveBroadcastShape(shapes);
  std::vector<T> y(static_cast<size_t>(NumElements(*out_shape)));
  for (size_t i = 0; i < y.size(); ++i) {
    T r = values[0][NaiveIndex(*out_shape, shapes[0], i)];
    for (size_t k = 1; k < shapes.size(); ++k) {
      T v = values[k][NaiveIndex(*out_shape, shapes[k], i)];
      if (IsNaN(r)) continue;
      if (IsNaN(v) || (is_max ? v > r : v < r)) r = v;
    }
    y[i] = r;
  }
  return y;
}

const std::vector<std::vector<Shape>> kShapeSets = {
    {{2, 3, 4}},
    {{2, 3, 4}, {2, 3, 4}},
    {{3}, {2, 1, 3}},
    {{2, 3, 1}, {1, 5}, {}},
    {{1, 3, 1}, {2, 1, 5}, {5}, {2, 3, 5}},
    {{7}, {1}},
    {{1}, {13, 1}},
};

TEST(VariadicTest, FloatMinMaxWithBroadcasting) {
  for (const char *type : {"Min", "Max"}) {
    for (const auto &shapes : kShapeSets) {
      std::vector<std::vector<float>> values;
      OpTester t(type);
      for (size_t k = 0; k < shapes.size(); ++k) {
        values.push_back(RandomFloats(NumElements(shapes[k]), -5.f, 5.f, 20 + k));
        t.Input(shapes[k], values.back());
      }
      Shape out_shape;
      auto expected = NaiveMinMax<float>(std::string(type) == "Max", shapes, values, &out_shape);
      MaceStatus s = t.Run();
      ASSERT_TRUE(s.ok()) << s.information();
      EXPECT_EQ(t.Output().shape(), out_shape);
      ExpectAllClose(t.OutputFloats(), expected, 0, 0);
    }
  }
}

TEST(VariadicTest, NaNPropagates) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const char *type : {"Min", "Max"}) {
    OpTester t(type);
    t.Input({4}, {nan, 1.f, 2.f, 3.f}).Input({4}, {0.f, nan, 5.f, -1.f}).Input({}, {1.5f});
    ASSERT_TRUE(t.Run().ok());
    std::vector<float> y = t.OutputFloats();
    EXPECT_TRUE(std::isnan(y[0]));
    EXPECT_TRUE(std::isnan(y[1]));
    if (std::string(type) == "Max") {
      EXPECT_EQ(y[2], 5.f);
      EXPECT_EQ(y[3], 3.f);
    } else {
      EXPECT_EQ(y[2], 1.5f);
      EXPECT_EQ(y[3], -1.f);
    }
  }
}

TEST(VariadicTest, IntegerMinMax) {
  const std::vector<Shape> shapes = {{2, 3}, {3}, {2, 1}};
  const std::vector<std::vector<int64_t>> values = {{5, -3, 9, 0, 7, -8}, {1, 2, 3}, {-4, 6}};
  for (const char *type : {"Min", "Max"}) {
    OpTester t(type);
    for (size_t k = 0; k < shapes.size(); ++k) t.InputInt64(shapes[k], values[k]);
    t.OutputType(0, DataType::DT_INT64);
    ASSERT_TRUE(t.Run().ok());
    Shape out_shape;
    auto expected = NaiveMinMax<int64_t>(std::string(type) == "Max", shapes, values, &out_shape);
    EXPECT_EQ(t.Output().shape(), out_shape);
    EXPECT_EQ(t.OutputInt64(), expected) << type;
  }
  OpTester t32("Max");
  t32.InputInt32({3}, {1, 5, -2}).InputInt32({3}, {4, 2, -9}).OutputType(0, DataType::DT_INT32);
  ASSERT_TRUE(t32.Run().ok());
  ASSERT_EQ(t32.Output().dtype(), DataType::DT_INT32);
  const int32_t *p = t32.Output().data<int32_t>();
  EXPECT_EQ(std::vector<int32_t>(p, p + 3), (std::vector<int32_t>{4, 5, -2}));
}

TEST(VariadicTest, EightBitIntegers) {
  OpTester mx("Max"), mn("Min");
  for (OpTester *t : {&mx, &mn})
    t->InputOf<uint8_t>({2, 2}, {1, 200, 30, 4}).InputOf<uint8_t>({2}, {100, 5}).OutputType(0, DataType::DT_UINT8);
  ASSERT_TRUE(mx.Run().ok());
  ASSERT_TRUE(mn.Run().ok());
  EXPECT_EQ(mx.OutputValues<uint8_t>(), (std::vector<uint8_t>{100, 200, 100, 5}));
  EXPECT_EQ(mn.OutputValues<uint8_t>(), (std::vector<uint8_t>{1, 5, 30, 4}));
  OpTester y("Max");
  y.InputOf<int8_t>({3}, {-128, 0, 127}).InputOf<int8_t>({1}, {-5}).OutputType(0, DataType::DT_INT8);
  ASSERT_TRUE(y.Run().ok());
  EXPECT_EQ(y.OutputValues<int8_t>(), (std::vector<int8_t>{-5, 0, 127}));
}

TEST(VariadicTest, ThreadCountDoesNotChangeResults) {
  const Shape sa = {4, 1, 60, 61}, sb = {7, 1, 61}, sc = {60, 1};
  std::vector<float> a = RandomFloats(NumElements(sa), -1.f, 1.f, 1);
  std::vector<float> b = RandomFloats(NumElements(sb), -1.f, 1.f, 2);
  std::vector<float> c = RandomFloats(NumElements(sc), -1.f, 1.f, 3);
  OpTester t("Max");
  t.Input(sa, a).Input(sb, b).Input(sc, c);
  ASSERT_TRUE(t.Run(1).ok());
  std::vector<float> one = t.OutputFloats();
  ASSERT_TRUE(t.Run(3).ok());
  ExpectAllClose(t.OutputFloats(), one, 0, 0);
  Shape out_shape;
  auto expected = NaiveMinMax<float>(true, {sa, sb, sc}, {a, b, c}, &out_shape);
  EXPECT_EQ(t.Output().shape(), out_shape);
  ExpectAllClose(one, expected, 0, 0);
}

TEST(VariadicTest, Errors) {
  OpTester shapes("Max");
  shapes.Input({2, 3}, RandomFloats(6)).Input({2}, RandomFloats(2));
  MaceStatus s = shapes.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("cannot be broadcast"), std::string::npos) << s.information();

  OpTester types("Min");
  types.Input({2}, {1.f, 2.f}).InputInt64({2}, {1, 2});
  s = types.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("one type"), std::string::npos) << s.information();

  OpTester none("Min");
  s = none.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("at least one input"), std::string::npos) << s.information();
}

}  // namespace
}  // namespace test
}  // namespace mace
