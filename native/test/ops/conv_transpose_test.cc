// ConvTranspose tests: the op against a naive scatter-add reference written from the ONNX spec,
// over 1-D/2-D/3-D shapes, groups, strides, dilations, pads, output_padding, output_shape and
// auto_pad, bias, fused activations, constant vs runtime weights, 1 vs 3 threads, and errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

struct DeconvSpec {
  Shape x, w;  // X [N, C, in...], W [C, M/group, k...]
  int64_t group = 1;
  std::vector<int64_t> strides, dilations, pads, output_padding, output_shape;  // empty: absent
  std::string auto_pad;
  bool bias = true;
  std::string activation;
  bool const_w = true;
};

int64_t PyFloorDiv2(int64_t v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); }

std::vector<float> RefConvTranspose(const DeconvSpec &s, const std::vector<float> &x,
                                    const std::vector<float> &w, const std::vector<float> &b,
                                    Shape *ys) {
  const size_t nsp = s.x.size() - 2;
  std::vector<int64_t> in(nsp), k(nsp), st(nsp, 1), dl(nsp, 1), op(nsp, 0), pb(nsp, 0),
      pe(nsp, 0), out(nsp);
  for (size_t i = 0; i < nsp; ++i) {
    in[i] = s.x[i + 2];
    k[i] = s.w[i + 2];
    if (!s.strides.empty()) st[i] = s.strides[i];
    if (!s.dilations.empty()) dl[i] = s.dilations[i];
    if (!s.output_padding.empty()) op[i] = s.output_padding[i];
    const int64_t full = st[i] * (in[i] - 1) + op[i] + (k[i] - 1) * dl[i] + 1;
    const bool same = s.auto_pad == "SAME_UPPER" || s.auto_pad == "SAME_LOWER";
    if (!s.output_shape.empty() || same) {
      out[i] = s.output_shape.empty() ? in[i] * st[i]
                                      : s.output_shape[s.output_shape.size() - nsp + i];
      const int64_t total = full - out[i];
      if (s.auto_pad == "SAME_UPPER") {
        pb[i] = PyFloorDiv2(total);
        pe[i] = total - pb[i];
      } else {
        pb[i] = total - PyFloorDiv2(total);
        pe[i] = PyFloorDiv2(total);
      }
    } else {
      if (!s.pads.empty() && s.auto_pad != "VALID") {
        pb[i] = s.pads[i];
        pe[i] = s.pads[i + nsp];
      }
      out[i] = full - pb[i] - pe[i];
    }
  }
  const int64_t batch = s.x[0], channels = s.x[1], mg = s.w[1], filters = mg * s.group;
  const int64_t cg = channels / s.group;
  *ys = {batch, filters};
  int64_t in_size = 1, out_size = 1, k_size = 1;
  for (size_t i = 0; i < nsp; ++i) {
    ys->push_back(out[i]);
    in_size *= in[i];
    out_size *= out[i];
    k_size *= k[i];
  }
  std::vector<double> acc(static_cast<size_t>(batch * filters * out_size), 0.0);
  std::vector<int64_t> ip(nsp), kk(nsp);
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t p = 0; p < in_size; ++p) {
        for (int64_t r = p, i = nsp - 1; i >= 0; --i) ip[i] = r % in[i], r /= in[i];
        const float xv = x[(n * channels + c) * in_size + p];
        const int64_t g = c / cg;
        for (int64_t m = 0; m < mg; ++m)
          for (int64_t kp = 0; kp < k_size; ++kp) {
            for (int64_t r = kp, i = nsp - 1; i >= 0; --i) kk[i] = r % k[i], r /= k[i];
            int64_t oi = 0;
            bool inside = true;
            for (size_t i = 0; i < nsp; ++i) {
              const int64_t pos = ip[i] * st[i] - pb[i] + kk[i] * dl[i];
              inside = inside && pos >= 0 && pos < out[i];
              oi = oi * out[i] + pos;
            }
            if (!inside) continue;
            acc[(n * filters + g * mg + m) * out_size + oi] +=
                static_cast<double>(xv) * w[(c * mg + m) * k_size + kp];
          }
      }
  std::vector<float> y(acc.size());
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t m = 0; m < filters; ++m)
      for (int64_t p = 0; p < out_size; ++p) {
        const size_t i = static_cast<size_t>((n * filters + m) * out_size + p);
        float v = static_cast<float>(acc[i] + (s.bias ? b[m] : 0.0));
        if (s.activation == "RELU") v = std::max(v, 0.f);
        y[i] = v;
      }
  return y;
}

void AddArgs(const DeconvSpec &s, OpTester *t) {
  if (s.group != 1) t->Arg("group", s.group);
  if (!s.strides.empty()) t->Ints("strides", s.strides);
  if (!s.dilations.empty()) t->Ints("dilations", s.dilations);
  if (!s.pads.empty()) t->Ints("pads", s.pads);
  if (!s.output_padding.empty()) t->Ints("output_padding", s.output_padding);
  if (!s.output_shape.empty()) t->Ints("output_shape", s.output_shape);
  if (!s.auto_pad.empty()) t->Arg("auto_pad", s.auto_pad);
  if (!s.activation.empty()) t->Arg("activation", s.activation);
}

void CheckDeconv(const DeconvSpec &s, uint32_t seed = 3) {
  SCOPED_TRACE("X " + ShapeToString(s.x) + " W " + ShapeToString(s.w) + " group " +
               std::to_string(s.group) + " auto_pad '" + s.auto_pad + "'");
  const std::vector<float> x = RandomFloats(NumElements(s.x), -1.f, 1.f, seed);
  const std::vector<float> w = RandomFloats(NumElements(s.w), -1.f, 1.f, seed + 1);
  const std::vector<float> b = RandomFloats(s.w[1] * s.group, -1.f, 1.f, seed + 2);
  Shape ys;
  const std::vector<float> expected = RefConvTranspose(s, x, w, b, &ys);
  OpTester t("ConvTranspose");
  t.Input(s.x, x).Input(s.w, w);
  if (s.const_w) t.Const();
  if (s.bias) t.Input({s.w[1] * s.group}, b).Const();
  AddArgs(s, &t);
  MaceStatus st = t.Run(1);
  ASSERT_TRUE(st.ok()) << st.information();
  EXPECT_EQ(t.Output().shape(), ys);
  const std::vector<float> one = t.OutputFloats();
  ExpectAllClose(one, expected, 1e-4f, 1e-4f);
  st = t.Run(3);
  ASSERT_TRUE(st.ok()) << st.information();
  EXPECT_EQ(t.OutputFloats(), one) << "1 and 3 threads differ";
}

TEST(ConvTransposeTest, Basic2d) {
  DeconvSpec s;
  s.x = {1, 3, 5, 4};
  s.w = {3, 2, 3, 3};
  CheckDeconv(s);
  s.x = {2, 5, 3, 7};
  s.w = {5, 7, 2, 3};
  s.bias = false;
  CheckDeconv(s);
  s.x = {1, 2, 1, 1};  // 1x1 input
  s.w = {2, 3, 3, 3};
  CheckDeconv(s);
}

TEST(ConvTransposeTest, StridesPadsOutputPadding) {
  DeconvSpec s;
  s.x = {2, 3, 4, 5};
  s.w = {3, 4, 3, 3};
  s.strides = {3, 2};
  CheckDeconv(s);
  s.pads = {1, 2, 1, 2};
  CheckDeconv(s);
  s.pads = {0, 1, 2, 0};
  s.output_padding = {1, 1};
  CheckDeconv(s);
  s.dilations = {2, 3};
  CheckDeconv(s);
}

TEST(ConvTransposeTest, Groups) {
  DeconvSpec s;
  s.x = {2, 6, 4, 3};
  s.w = {6, 2, 3, 2};
  s.group = 3;
  s.strides = {2, 2};
  s.pads = {1, 0, 0, 1};
  CheckDeconv(s);
  s.x = {1, 4, 5, 5};  // depthwise-like: one input channel per group
  s.w = {4, 1, 3, 3};
  s.group = 4;
  CheckDeconv(s);
}

TEST(ConvTransposeTest, OneAndThreeSpatialDims) {
  DeconvSpec s;
  s.x = {2, 3, 7};
  s.w = {3, 5, 4};
  s.strides = {3};
  s.pads = {1, 2};
  s.output_padding = {2};
  CheckDeconv(s);
  DeconvSpec v;
  v.x = {1, 2, 3, 4, 2};
  v.w = {2, 3, 2, 3, 2};
  v.strides = {2, 1, 3};
  v.pads = {0, 1, 1, 1, 0, 0};
  v.dilations = {1, 2, 1};
  CheckDeconv(v);
}

TEST(ConvTransposeTest, OutputShapeAndAutoPad) {
  DeconvSpec s;
  s.x = {1, 2, 3, 4};
  s.w = {2, 3, 3, 3};
  s.strides = {3, 2};
  s.output_shape = {10, 8};  // larger than the natural 9x9: extra rows at the end
  CheckDeconv(s);
  s.output_shape = {7, 6};  // smaller: pads generated on both sides
  CheckDeconv(s);
  s.output_shape = {1, 2, 7, 6};  // N and C included
  CheckDeconv(s);
  for (const char *mode : {"SAME_UPPER", "SAME_LOWER", "VALID"}) {
    DeconvSpec a;
    a.x = {1, 2, 3, 5};
    a.w = {2, 2, 3, 4};
    a.strides = {2, 3};
    a.auto_pad = mode;
    CheckDeconv(a);
    a.output_shape = {6, 14};
    if (std::string(mode) != "VALID") CheckDeconv(a);
  }
}

TEST(ConvTransposeTest, OnnxExamples) {
  std::vector<float> x(9);
  for (int i = 0; i < 9; ++i) x[i] = static_cast<float>(i);
  const std::vector<float> ones(18, 1.f);
  // test_convtranspose_output_shape equals test_convtranspose_pad (output_padding [1, 1]).
  OpTester by_shape("ConvTranspose");
  by_shape.Input({1, 1, 3, 3}, x).Input({1, 2, 3, 3}, ones).Const();
  by_shape.Ints("strides", {3, 2}).Ints("output_shape", {10, 8});
  ASSERT_TRUE(by_shape.Run().ok());
  OpTester by_padding("ConvTranspose");
  by_padding.Input({1, 1, 3, 3}, x).Input({1, 2, 3, 3}, ones).Const();
  by_padding.Ints("strides", {3, 2}).Ints("output_padding", {1, 1});
  ASSERT_TRUE(by_padding.Run().ok());
  EXPECT_EQ(by_shape.Output().shape(), (Shape{1, 2, 10, 8}));
  EXPECT_EQ(by_shape.OutputFloats(), by_padding.OutputFloats());
  // First row of test_convtranspose_pad: x row 0 spread with stride 2 over kernel width 3.
  const std::vector<float> y = by_padding.OutputFloats();
  EXPECT_EQ(std::vector<float>(y.begin(), y.begin() + 8),
            (std::vector<float>{0, 0, 1, 1, 3, 2, 2, 0}));
  // test_convtranspose_autopad_same: SAME_UPPER, strides 2 -> 6x6, first row 0 0 1 1 3 2.
  OpTester same("ConvTranspose");
  same.Input({1, 1, 3, 3}, x).Input({1, 2, 3, 3}, ones).Const();
  same.Ints("strides", {2, 2}).Arg("auto_pad", "SAME_UPPER");
  ASSERT_TRUE(same.Run().ok());
  EXPECT_EQ(same.Output().shape(), (Shape{1, 2, 6, 6}));
  const std::vector<float> z = same.OutputFloats();
  EXPECT_EQ(std::vector<float>(z.begin(), z.begin() + 12),
            (std::vector<float>{0, 0, 1, 1, 3, 2, 0, 0, 1, 1, 3, 2}));
}

TEST(ConvTransposeTest, RuntimeWeightsBiasAndActivation) {
  DeconvSpec s;
  s.x = {2, 4, 5, 3};
  s.w = {4, 3, 2, 2};
  s.group = 2;
  s.strides = {2, 2};
  s.const_w = false;
  s.activation = "RELU";
  CheckDeconv(s);
  s.const_w = true;
  CheckDeconv(s);
}

TEST(ConvTransposeTest, LargeCrossesGemmBlocks) {
  DeconvSpec s;
  s.x = {1, 300, 9, 13};  // depth 300 > one block
  s.w = {300, 3, 2, 2};
  s.strides = {2, 2};
  CheckDeconv(s, 11);
}

TEST(ConvTransposeTest, InvalidInputs) {
  auto run = [](const DeconvSpec &s) {
    OpTester t("ConvTranspose");
    t.Input(s.x, RandomFloats(NumElements(s.x))).Input(s.w, RandomFloats(NumElements(s.w))).Const();
    if (s.bias) t.Input({s.w[1] * s.group}, RandomFloats(s.w[1] * s.group)).Const();
    AddArgs(s, &t);
    return t.Run();
  };
  DeconvSpec base;
  base.x = {1, 4, 3, 3};
  base.w = {4, 2, 3, 3};
  DeconvSpec s = base;
  s.w = {3, 2, 3, 3};
  MaceStatus st = run(s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.information().find("input channels"), std::string::npos) << st.information();
  s = base;
  s.group = 3;
  st = run(s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.information().find("group"), std::string::npos) << st.information();
  s = base;
  s.pads = {2, 2, 2, 2};
  s.w = {4, 2, 1, 1};
  st = run(s);  // 3 + 1 - 1 - 4 = -1 rows
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.information().find("output spatial dim"), std::string::npos) << st.information();
  s = base;
  s.output_shape = {5};
  st = run(s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.information().find("output_shape"), std::string::npos) << st.information();
  s = base;
  s.output_padding = {1, -1};
  st = run(s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.information().find("output_padding"), std::string::npos) << st.information();
  s = base;
  s.w = {4, 2, 3};
  st = run(s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.information().find("rank"), std::string::npos) << st.information();
  OpTester bias("ConvTranspose");
  bias.Input({1, 2, 3, 3}, RandomFloats(18)).Input({2, 3, 1, 1}, RandomFloats(6)).Const();
  bias.Input({2}, RandomFloats(2)).Const();
  st = bias.Run();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.information().find("B must be"), std::string::npos) << st.information();
}

}  // namespace
}  // namespace test
}  // namespace mace
