#include <gtest/gtest.h>

#include "any_type_op.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

using namespace any_type;  // NOLINT

// Naive Pad: crop by the negative pads, then for each output index map every coordinate
// into the cropped input by the mode's rule (numpy.pad semantics).
template <typename T>
std::vector<T> RefPad(const Shape &shape, const std::vector<T> &x, std::vector<int64_t> pads,
                      const std::vector<int64_t> &axes_in, const std::string &mode, T value, Shape *out_shape) {
  const int r = static_cast<int>(shape.size());
  std::vector<int64_t> begin(r, 0), end(r, 0);
  std::vector<int64_t> axes = axes_in;
  if (axes.empty())
    for (int d = 0; d < r; ++d) axes.push_back(d);
  const size_t n = axes.size();
  for (size_t i = 0; i < n; ++i) {
    const int64_t a = axes[i] < 0 ? axes[i] + r : axes[i];
    begin[a] = pads[i];
    end[a] = pads[i + n];
  }
  std::vector<int64_t> crop(r), kept(r), lead(r);
  out_shape->resize(r);
  for (int d = 0; d < r; ++d) {
    crop[d] = begin[d] < 0 ? -begin[d] : 0;
    kept[d] = shape[d] - crop[d] - (end[d] < 0 ? -end[d] : 0);
    lead[d] = begin[d] > 0 ? begin[d] : 0;
    (*out_shape)[d] = kept[d] + lead[d] + (end[d] > 0 ? end[d] : 0);
  }
  std::vector<T> out(NumElements(*out_shape));
  for (int64_t i = 0; i < static_cast<int64_t>(out.size()); ++i) {
    auto o = Unravel(i, *out_shape);
    bool outside = false;
    for (int d = 0; d < r; ++d) {
      int64_t c = o[d] - lead[d];
      const int64_t k = kept[d];
      if (c < 0 || c >= k) {
        if (mode == "constant") {
          outside = true;
        } else if (mode == "edge") {
          c = c < 0 ? 0 : k - 1;
        } else if (mode == "wrap") {
          while (c < 0) c += k;
          while (c >= k) c -= k;
        } else {  // reflect, bouncing off both ends as often as needed
          while (c < 0 || c >= k) {
            if (k == 1) { c = 0; break; }
            if (c < 0) c = -c;
            if (c >= k) c = 2 * (k - 1) - c;
          }
        }
      }
      o[d] = c + crop[d];
    }
    out[i] = outside ? value : x[Ravel(o, shape)];
  }
  return out;
}

struct PadCase {
  Shape shape;
  std::vector<int64_t> pads;
  std::vector<int64_t> axes;  // empty: all axes
};

const std::vector<PadCase> kCases = {
    {{1, 3, 4, 5}, {0, 0, 1, 3, 0, 0, 2, 4}, {}},      // test_constant_pad / edge / reflect / wrap
    {{1, 3, 4, 5}, {1, 3, 2, 4}, {2, 3}},              // constant_pad_axes
    {{1, 3, 4, 5}, {1, 3, 2, 4}, {-2, -1}},            // negative axes
    {{1, 3, 4, 5}, {0, 3, 0, 4}, {1, 3}},              // test_constant_pad_axes
    {{1, 3, 4, 5}, {0, 3, 0, 4}, {-3, -1}},            // test_constant_pad_negative_axes
    {{1, 3, 4, 5}, {0, 0, 1, 1, 0, 0, 1, 1}, {}},      // test_wrap_pad
    {{3, 7}, {2, 0, 1, 3}, {}},
    {{3, 7}, {-1, 2, 0, -3}, {}},                      // negative pads crop
    {{5}, {4, 4}, {}},                                 // pads as large as the dim - 1
    {{2, 3}, {0, 5, 0, 6}, {}},                        // larger than the dim (repeated reflection / wrap)
    {{1, 1, 1}, {1, 1, 1, 1, 1, 1}, {}},               // single-element dims
    {{4, 5}, {0, 0, 0, 0}, {}},
    {{2, 13, 3}, {0, -2, 1, 1, -3, 0}, {}},
};

TEST(PadTest, AllModesMatchReference) {
  for (const std::string mode : {"constant", "reflect", "edge", "wrap"}) {
    for (const auto &c : kCases) {
      OpTester t("Pad");
      auto x = RandomFloats(NumElements(c.shape));
      t.Input(c.shape, x).InputInt64({static_cast<int64_t>(c.pads.size())}, c.pads);
      const float value = mode == "constant" ? 1.5f : 0.f;
      if (mode == "constant") t.Input({}, {value});
      else t.NoInput();
      if (!c.axes.empty()) t.InputInt64({static_cast<int64_t>(c.axes.size())}, c.axes);
      t.Arg("mode", mode);
      MaceStatus s = t.Run();
      ASSERT_TRUE(s.ok()) << mode << " " << ShapeToString(c.shape) << " " << ShapeToString(c.pads) << ": "
                          << s.information();
      Shape ref_shape;
      auto ref = RefPad(c.shape, x, c.pads, c.axes, mode, value, &ref_shape);
      EXPECT_EQ(t.Output().shape(), ref_shape) << mode;
      ExpectAllClose(t.OutputFloats(), ref, 0, 0);
    }
  }
}

TEST(PadTest, DefaultsToZeroConstant) {
  OpTester t("Pad");
  t.Input({2}, {1.f, 2.f}).InputInt64({2}, {1, 2});
  ASSERT_TRUE(t.Run().ok());
  ExpectAllClose(t.OutputFloats(), {0, 1, 2, 0, 0}, 0, 0);
}

TEST(PadTest, OtherTypes) {
  for (const std::string mode : {"constant", "reflect", "edge", "wrap"}) {
    for (const auto &c : kCases) {
      auto x = Iota<uint8_t>(NumElements(c.shape), 1);
      std::vector<RawTensor> ins = {Raw(c.shape, x), Raw<int64_t>({static_cast<int64_t>(c.pads.size())}, c.pads)};
      ins.push_back(mode == "constant" ? Raw<uint8_t>({1}, {200}) : Absent());
      if (!c.axes.empty()) ins.push_back(Raw<int64_t>({static_cast<int64_t>(c.axes.size())}, c.axes));
      std::vector<RawTensor> out;
      ASSERT_TRUE(RunAnyType("Pad", ins, {{"mode", StrArg(mode)}}, 1, &out).ok());
      Shape ref_shape;
      EXPECT_EQ(out[0].As<uint8_t>(), RefPad<uint8_t>(c.shape, x, c.pads, c.axes, mode, 200, &ref_shape));
      EXPECT_EQ(out[0].shape, ref_shape);
    }
  }
  OpTester t("Pad");
  t.InputInt64({3}, {4, 5, 6}).InputInt64({2}, {1, 1}).InputInt64({}, {-7}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.OutputInt64(), (std::vector<int64_t>{-7, 4, 5, 6, -7}));
  std::vector<RawTensor> out;
  ASSERT_TRUE(RunAnyType("Pad", {Raw<int32_t>({2, 2}, {1, 2, 3, 4}), Raw<int64_t>({4}, {0, 1, 0, 1})},
                         {{"mode", StrArg("reflect")}}, 1, &out).ok());
  EXPECT_EQ(out[0].As<int32_t>(), (std::vector<int32_t>{2, 1, 2, 1, 4, 3, 4, 3}));
}

TEST(PadTest, OneAndThreeThreadsAgree) {
  const Shape shape{2, 5, 61, 67};
  const std::vector<int64_t> pads{0, 0, 3, 2, 0, 0, 4, 1};
  auto x = RandomFloats(NumElements(shape));
  for (const std::string mode : {"constant", "reflect"}) {
    Shape ref_shape;
    auto ref = RefPad(shape, x, pads, {}, mode, 0.f, &ref_shape);
    for (int threads : {1, 3}) {
      OpTester t("Pad");
      t.Input(shape, x).InputInt64({8}, pads).Arg("mode", mode);
      ASSERT_TRUE(t.Run(threads).ok());
      ExpectAllClose(t.OutputFloats(), ref, 0, 0);
    }
  }
}

TEST(PadTest, Errors) {
  {
    OpTester t("Pad");
    t.Input({2, 3}, RandomFloats(6)).InputInt64({2}, {1, 1});
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "must have 4 values")) << s.information();
  }
  {
    OpTester t("Pad");
    t.Input({2, 3}, RandomFloats(6)).InputInt64({4}, {0, 1, 0, 1}).Arg("mode", "symmetric");
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.code(), MaceStatus::MACE_UNSUPPORTED);
    EXPECT_TRUE(HasText(s, "symmetric")) << s.information();
  }
  {
    OpTester t("Pad");
    t.Input({2, 3}, RandomFloats(6)).InputInt64({4}, {0, -2, 0, -2});
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "crop more")) << s.information();
  }
  {
    OpTester t("Pad");
    t.Input({2, 3}, RandomFloats(6)).InputInt64({4}, {0, 0, 0, 0}).InputInt64({}, {1});
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "constant_value")) << s.information();
  }
  {
    OpTester t("Pad");
    t.Input({2, 3}, RandomFloats(6)).InputInt64({2}, {1, 1}).NoInput().InputInt64({1}, {2});
    EXPECT_FALSE(t.Run().ok());
  }
  {
    OpTester t("Pad");  // nothing left to reflect from
    t.Input({2, 3}, RandomFloats(6)).InputInt64({4}, {0, -3, 0, 1}).Arg("mode", "reflect");
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "nothing is left")) << s.information();
  }
  {
    OpTester t("Pad");
    t.Input({2, 3}, RandomFloats(6)).InputInt64({4}, {0, 0, 0, 0}).NoInput().InputInt64({2}, {1, -1});
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(HasText(s, "repeated")) << s.information();
  }
}

}  // namespace
}  // namespace test
}  // namespace mace
