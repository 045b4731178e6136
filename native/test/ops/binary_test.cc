// Tests of Add, Sub, Mul, Div, Pow with numpy broadcasting, for float32, int32 and int64,
// against a naive reference that maps every output index to its operands.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

#include "core/op_registry.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

Shape NaiveBroadcastShape(const Shape &a, const Shape &b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    out[i] = da == 1 ? db : da;
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

template <typename TA, typename TB, typename TY>
std::vector<TY> NaiveBinary(const Shape &sa, const std::vector<TA> &a, const Shape &sb,
                            const std::vector<TB> &b, const std::function<TY(TA, TB)> &f,
                            Shape *out_shape) {
  *out_shape = NaiveBroadcastShape(sa, sb);
  std::vector<TY> y(static_cast<size_t>(NumElements(*out_shape)));
  for (size_t i = 0; i < y.size(); ++i) {
    y[i] = f(a[NaiveIndex(*out_shape, sa, i)], b[NaiveIndex(*out_shape, sb, i)]);
  }
  return y;
}

const std::vector<std::pair<Shape, Shape>> kShapePairs = {
    {{2, 3, 4}, {2, 3, 4}}, {{2, 3, 4}, {}},        {{}, {2, 3, 4}},         {{2, 3, 4}, {4}},
    {{4}, {2, 3, 4}},       {{2, 3, 4}, {3, 1}},    {{2, 1, 4}, {3, 1}},     {{1, 3, 1}, {2, 1, 5}},
    {{5, 1, 1, 7}, {3, 1}}, {{2, 3, 5, 7}, {3, 1, 1}}, {{1}, {1}},          {{}, {}},
    {{13, 1}, {1, 13}},     {{0, 3}, {3}},          {{2, 1, 3, 1, 2}, {1, 4, 1, 5, 1}}};

std::vector<float> NonZeroFloats(int64_t n, uint32_t seed) {
  std::vector<float> v = RandomFloats(n, 0.5f, 3.f, seed);
  for (size_t i = 0; i < v.size(); i += 2) v[i] = -v[i];
  return v;
}

void CheckFloat(const std::string &type, const std::function<float(float, float)> &f) {
  for (const auto &p : kShapePairs) {
    std::vector<float> a = RandomFloats(NumElements(p.first), -3.f, 3.f, 1);
    std::vector<float> b = NonZeroFloats(NumElements(p.second), 2);
    Shape out_shape;
    std::vector<float> expected = NaiveBinary<float, float, float>(p.first, a, p.second, b, f, &out_shape);
    OpTester t(type);
    t.Input(p.first, a).Input(p.second, b);
    MaceStatus s = t.Run();
    ASSERT_TRUE(s.ok()) << type << " " << ShapeToString(p.first) << " " << ShapeToString(p.second)
                        << ": " << s.information();
    EXPECT_EQ(t.Output().shape(), out_shape);
    ExpectAllClose(t.OutputFloats(), expected, 1e-6f, 1e-6f);
  }
}

TEST(BinaryTest, FloatArithmeticWithBroadcasting) {
  CheckFloat("Add", [](float u, float v) { return u + v; });
  CheckFloat("Sub", [](float u, float v) { return u - v; });
  CheckFloat("Mul", [](float u, float v) { return u * v; });
  CheckFloat("Div", [](float u, float v) { return u / v; });
}

TEST(BinaryTest, FloatPow) {
  for (const auto &p : kShapePairs) {
    std::vector<float> a = RandomFloats(NumElements(p.first), 0.1f, 3.f, 3);
    std::vector<float> b = RandomFloats(NumElements(p.second), -2.f, 3.f, 4);
    Shape out_shape;
    auto expected = NaiveBinary<float, float, float>(
        p.first, a, p.second, b, [](float u, float v) { return std::pow(u, v); }, &out_shape);
    OpTester t("Pow");
    t.Input(p.first, a).Input(p.second, b);
    ASSERT_TRUE(t.Run().ok());
    EXPECT_EQ(t.Output().shape(), out_shape);
    ExpectAllClose(t.OutputFloats(), expected, 1e-6f, 1e-5f);
  }
  // Scalar exponents 2 and 1 take exact shortcuts; a negative base must still work.
  std::vector<float> x = {-3.f, -0.5f, 0.f, 2.f, 7.f};
  for (float e : {2.f, 1.f, 3.f, 0.f}) {
    OpTester t("Pow");
    t.Input({5}, x).Input({}, {e});
    ASSERT_TRUE(t.Run().ok());
    std::vector<float> expected;
    for (float v : x) expected.push_back(std::pow(v, e));
    ExpectAllClose(t.OutputFloats(), expected, 0, 1e-6f);
  }
  OpTester sqrt_of_negative("Pow");
  sqrt_of_negative.Input({2}, {-4.f, 4.f}).Input({1}, {0.5f});
  ASSERT_TRUE(sqrt_of_negative.Run().ok());
  std::vector<float> r = sqrt_of_negative.OutputFloats();
  EXPECT_TRUE(std::isnan(r[0]));
  EXPECT_FLOAT_EQ(r[1], 2.f);
}

TEST(BinaryTest, Int64ArithmeticWithBroadcasting) {
  for (const auto &p : kShapePairs) {
    std::vector<int64_t> a, b;
    for (int64_t i = 0; i < NumElements(p.first); ++i) a.push_back((i * 7919) % 41 - 20);
    for (int64_t i = 0; i < NumElements(p.second); ++i) {
      int64_t v = (i * 104729) % 9 - 4;
      b.push_back(v == 0 ? 3 : v);
    }
    const std::vector<std::pair<std::string, std::function<int64_t(int64_t, int64_t)>>> ops = {
        {"Add", [](int64_t u, int64_t v) { return u + v; }},
        {"Sub", [](int64_t u, int64_t v) { return u - v; }},
        {"Mul", [](int64_t u, int64_t v) { return u * v; }},
        {"Div", [](int64_t u, int64_t v) { return u / v; }}};  // C truncation toward zero
    for (const auto &op : ops) {
      Shape out_shape;
      auto expected = NaiveBinary<int64_t, int64_t, int64_t>(p.first, a, p.second, b, op.second, &out_shape);
      OpTester t(op.first);
      t.InputInt64(p.first, a).InputInt64(p.second, b).OutputType(0, DataType::DT_INT64);
      ASSERT_TRUE(t.Run().ok()) << op.first;
      EXPECT_EQ(t.Output().shape(), out_shape);
      EXPECT_EQ(t.OutputInt64(), expected) << op.first << " " << ShapeToString(p.first) << " "
                                           << ShapeToString(p.second);
    }
  }
}

TEST(BinaryTest, IntegerDivisionTruncatesAndWraps) {
  const int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  OpTester t("Div");
  t.InputInt64({6}, {7, -7, 7, -7, lo, lo}).InputInt64({6}, {2, 2, -2, -2, -1, 1});
  t.OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.OutputInt64(), (std::vector<int64_t>{3, -3, -3, 3, lo, lo}));

  OpTester add("Add");
  add.InputInt64({1}, {hi}).InputInt64({1}, {1}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(add.Run().ok());
  EXPECT_EQ(add.OutputInt64(), (std::vector<int64_t>{lo}));

  OpTester d32("Div");
  d32.InputInt32({4}, {7, -7, 9, -1}).InputInt32({}, {-2}).OutputType(0, DataType::DT_INT32);
  ASSERT_TRUE(d32.Run().ok());
  ASSERT_EQ(d32.Output().dtype(), DataType::DT_INT32);
  const int32_t *p = d32.Output().data<int32_t>();
  EXPECT_EQ(std::vector<int32_t>(p, p + 4), (std::vector<int32_t>{-3, 3, -4, 0}));

  OpTester m32("Mul");
  m32.InputInt32({2, 1}, {3, -4}).InputInt32({3}, {1, 2, 5}).OutputType(0, DataType::DT_INT32);
  ASSERT_TRUE(m32.Run().ok());
  EXPECT_EQ(m32.Output().shape(), (Shape{2, 3}));
  const int32_t *q = m32.Output().data<int32_t>();
  EXPECT_EQ(std::vector<int32_t>(q, q + 6), (std::vector<int32_t>{3, 6, 15, -4, -8, -20}));
}

TEST(BinaryTest, PowMixedTypes) {
  // ONNX test_pow_types_*: the output has the base's type.
  OpTester f_i64("Pow");
  f_i64.Input({3}, {1.f, 2.f, 3.f}).InputInt64({3}, {4, 5, 6});
  ASSERT_TRUE(f_i64.Run().ok());
  ExpectAllClose(f_i64.OutputFloats(), {1.f, 32.f, 729.f}, 0, 0);

  OpTester f_i32("Pow");
  f_i32.Input({3}, {1.5f, 2.f, -3.f}).InputInt32({3}, {2, -1, 3});
  ASSERT_TRUE(f_i32.Run().ok());
  ExpectAllClose(f_i32.OutputFloats(), {2.25f, 0.5f, -27.f}, 0, 1e-7f);

  OpTester i64_f("Pow");
  i64_f.InputInt64({3}, {1, 2, 3}).Input({3}, {4.f, 5.f, 6.f}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(i64_f.Run().ok());
  EXPECT_EQ(i64_f.OutputInt64(), (std::vector<int64_t>{1, 32, 729}));

  OpTester i64_i64("Pow");
  i64_i64.InputInt64({2, 3}, {1, 2, 3, -2, 10, 3}).InputInt64({3}, {4, 5, 0});
  i64_i64.OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(i64_i64.Run().ok());
  EXPECT_EQ(i64_i64.OutputInt64(), (std::vector<int64_t>{1, 32, 1, 16, 100000, 1}));

  OpTester neg_exp("Pow");
  neg_exp.InputInt64({4}, {1, -1, -1, 2}).InputInt64({4}, {-3, -3, -2, -1});
  neg_exp.OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(neg_exp.Run().ok());
  EXPECT_EQ(neg_exp.OutputInt64(), (std::vector<int64_t>{1, -1, 1, 0}));

  OpTester i32_f("Pow");
  i32_f.InputInt32({3}, {1, 2, 3}).Input({3}, {4.f, 0.5f, 2.f}).OutputType(0, DataType::DT_INT32);
  ASSERT_TRUE(i32_f.Run().ok());
  const int32_t *p = i32_f.Output().data<int32_t>();
  EXPECT_EQ(std::vector<int32_t>(p, p + 3), (std::vector<int32_t>{1, 1, 9}));

  OpTester i32_i32("Pow");
  i32_i32.InputInt32({3}, {1, 2, 3}).InputInt32({3}, {4, 5, 6}).OutputType(0, DataType::DT_INT32);
  ASSERT_TRUE(i32_i32.Run().ok());
  const int32_t *q = i32_i32.Output().data<int32_t>();
  EXPECT_EQ(std::vector<int32_t>(q, q + 3), (std::vector<int32_t>{1, 32, 729}));
}

TEST(BinaryTest, ThreadCountDoesNotChangeResults) {
  const Shape sa = {3, 20, 1, 300}, sb = {5, 1};
  std::vector<float> a = RandomFloats(NumElements(sa), -2.f, 2.f, 8);
  std::vector<float> b = RandomFloats(NumElements(sb), 0.5f, 2.f, 9);
  for (const char *type : {"Add", "Sub", "Mul", "Div", "Pow"}) {
    OpTester t(type);
    t.Input(sa, a).Input(sb, b);
    ASSERT_TRUE(t.Run(1).ok());
    EXPECT_EQ(t.Output().shape(), (Shape{3, 20, 5, 300}));
    std::vector<float> one = t.OutputFloats();
    ASSERT_TRUE(t.Run(3).ok());
    ExpectAllClose(t.OutputFloats(), one, 0, 0);
  }
  const int64_t n = 100000;
  std::vector<float> x = RandomFloats(n, -2.f, 2.f, 10), y = RandomFloats(n, 0.5f, 2.f, 11);
  OpTester same("Mul");
  same.Input({n}, x).Input({n}, y);
  ASSERT_TRUE(same.Run(3).ok());
  std::vector<float> expected(n);
  for (int64_t i = 0; i < n; ++i) expected[i] = x[i] * y[i];
  ExpectAllClose(same.OutputFloats(), expected, 0, 0);
}

TEST(BinaryTest, EightBitIntegers) {
  const std::vector<int8_t> a{100, -128, 7, -7, 127, 0}, b{100, -1, 2};
  const std::vector<std::pair<std::string, std::vector<int8_t>>> cases = {
      {"Add", {-56, 127, 9, 93, 126, 2}},     // wraps
      {"Sub", {0, -127, 5, -107, -128, -2}},  // wraps
      {"Mul", {16, -128, 14, 68, -127, 0}},
      {"Div", {1, -128, 3, 0, -127, 0}}};     // -128 / -1 wraps, truncation toward zero
  for (const auto &c : cases) {
    OpTester t(c.first);
    t.InputOf<int8_t>({2, 3}, a).InputOf<int8_t>({3}, b).OutputType(0, DataType::DT_INT8);
    MaceStatus s = t.Run();
    ASSERT_TRUE(s.ok()) << s.information();
    EXPECT_EQ(t.Output().shape(), (Shape{2, 3}));
    EXPECT_EQ(t.OutputValues<int8_t>(), c.second) << c.first;
  }
  const std::vector<uint8_t> ua{250, 3, 7, 0};
  const std::vector<std::pair<std::string, std::vector<uint8_t>>> ucases = {
      {"Add", {4, 13, 17, 10}}, {"Sub", {240, 249, 253, 246}}, {"Mul", {196, 30, 70, 0}},
      {"Div", {25, 0, 0, 0}}};
  for (const auto &c : ucases) {
    OpTester t(c.first);
    t.InputOf<uint8_t>({4}, ua).InputOf<uint8_t>({}, {10}).OutputType(0, DataType::DT_UINT8);
    ASSERT_TRUE(t.Run().ok());
    EXPECT_EQ(t.OutputValues<uint8_t>(), c.second) << c.first;
  }
  OpTester div("Div");
  div.InputOf<uint8_t>({4}, ua).InputOf<uint8_t>({1}, {0}).OutputType(0, DataType::DT_UINT8);
  EXPECT_FALSE(div.Run().ok());
}

TEST(BinaryTest, Errors) {
  OpTester shapes("Add");
  shapes.Input({2, 3}, RandomFloats(6)).Input({4}, RandomFloats(4));
  MaceStatus s = shapes.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("cannot be broadcast"), std::string::npos) << s.information();

  OpTester types("Mul");
  types.Input({2}, {1.f, 2.f}).InputInt64({2}, {1, 2});
  s = types.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("one type"), std::string::npos) << s.information();

  OpTester zero("Div");
  zero.InputInt64({3}, {1, 2, 3}).InputInt64({3}, {1, 0, 1}).OutputType(0, DataType::DT_INT64);
  s = zero.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("division by zero"), std::string::npos) << s.information();

  OpTester missing("Sub");
  missing.Input({1}, {1.f}).NoInput();
  s = missing.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("needs two inputs"), std::string::npos) << s.information();
}

}  // namespace
}  // namespace test
}  // namespace mace
