// Conv tests: the op against a naive N-D convolution written from the ONNX spec, over 1-D/2-D/
// 3-D shapes, groups, depthwise (with multiplier), strides, dilations, pads, auto_pad, bias,
// fused activations, constant vs runtime weights, 1 vs 3 threads, every GEMM kernel
// (instruction set) of this machine, input errors, and a pointwise conv fused into the
// depthwise conv after it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "core/op_registry.h"
#include "mace/public/mace.h"
#include "ops/common/conv_util.h"
#include "ops/common/gemm.h"
#include "util/model_builder.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

float RefActivation(const std::string &act, float v, float alpha, float beta) {
  if (act == "RELU") return std::max(v, 0.f);
  if (act == "CLIP") return std::min(std::max(v, alpha), beta);
  if (act == "LEAKYRELU") return v >= 0 ? v : alpha * v;
  if (act == "SIGMOID") return 1.f / (1.f + std::exp(-v));
  if (act == "TANH") return std::tanh(v);
  if (act == "HARDSIGMOID") return std::min(1.f, std::max(0.f, alpha * v + beta));
  if (act == "HARDSWISH") return v * std::min(1.f, std::max(0.f, v / 6.f + 0.5f));
  return v;
}

struct ConvSpec {
  Shape x, w;
  int64_t group = 1;
  std::vector<int64_t> strides, dilations, pads;  // empty: argument absent
  std::string auto_pad;                            // empty: argument absent
  bool bias = true;
  std::string activation;
  float act_alpha = 0.f, act_beta = 0.f;
  bool const_w = true;
};

// Naive convolution straight from the ONNX definition; fills the output shape.
std::vector<float> RefConv(const ConvSpec &s, const std::vector<float> &x,
                           const std::vector<float> &w, const std::vector<float> &b, Shape *ys) {
  const size_t nsp = s.x.size() - 2;
  std::vector<int64_t> in(nsp), k(nsp), st(nsp, 1), dl(nsp, 1), pb(nsp, 0), pe(nsp, 0), out(nsp);
  for (size_t i = 0; i < nsp; ++i) {
    in[i] = s.x[i + 2];
    k[i] = s.w[i + 2];
    if (!s.strides.empty()) st[i] = s.strides[i];
    if (!s.dilations.empty()) dl[i] = s.dilations[i];
    const int64_t eff = (k[i] - 1) * dl[i] + 1;
    if (s.auto_pad == "SAME_UPPER" || s.auto_pad == "SAME_LOWER") {
      out[i] = (in[i] + st[i] - 1) / st[i];
      const int64_t total = std::max<int64_t>(0, (out[i] - 1) * st[i] + eff - in[i]);
      pb[i] = s.auto_pad == "SAME_UPPER" ? total / 2 : (total + 1) / 2;
      pe[i] = total - pb[i];
    } else if (s.auto_pad == "VALID") {
      out[i] = (in[i] - eff) / st[i] + 1;
    } else {
      if (!s.pads.empty()) {
        pb[i] = s.pads[i];
        pe[i] = s.pads[i + nsp];
      }
      out[i] = (in[i] + pb[i] + pe[i] - eff) / st[i] + 1;
    }
  }
  const int64_t batch = s.x[0], channels = s.x[1], filters = s.w[0];
  const int64_t cg = channels / s.group, mg = filters / s.group;
  *ys = {batch, filters};
  int64_t out_size = 1, in_size = 1, k_size = 1;
  for (size_t i = 0; i < nsp; ++i) {
    ys->push_back(out[i]);
    out_size *= out[i];
    in_size *= in[i];
    k_size *= k[i];
  }
  std::vector<float> y(static_cast<size_t>(batch * filters * out_size));
  std::vector<int64_t> o(nsp), kk(nsp);
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t m = 0; m < filters; ++m)
      for (int64_t op = 0; op < out_size; ++op) {
        for (int64_t r = op, i = nsp - 1; i >= 0; --i) o[i] = r % out[i], r /= out[i];
        double sum = s.bias ? b[m] : 0.0;
        const int64_t g = m / mg;
        for (int64_t c = 0; c < cg; ++c)
          for (int64_t kp = 0; kp < k_size; ++kp) {
            for (int64_t r = kp, i = nsp - 1; i >= 0; --i) kk[i] = r % k[i], r /= k[i];
            int64_t xi = 0;
            bool inside = true;
            for (size_t i = 0; i < nsp; ++i) {
              const int64_t pos = o[i] * st[i] - pb[i] + kk[i] * dl[i];
              inside = inside && pos >= 0 && pos < in[i];
              xi = xi * in[i] + pos;
            }
            if (!inside) continue;
            sum += static_cast<double>(x[(n * channels + g * cg + c) * in_size + xi]) *
                   w[(m * cg + c) * k_size + kp];
          }
        y[(n * filters + m) * out_size + op] =
            RefActivation(s.activation, static_cast<float>(sum), s.act_alpha, s.act_beta);
      }
  return y;
}

void AddConvArgs(const ConvSpec &s, OpTester *t) {
  t->Arg("group", s.group);
  if (!s.strides.empty()) t->Ints("strides", s.strides);
  if (!s.dilations.empty()) t->Ints("dilations", s.dilations);
  if (!s.pads.empty()) t->Ints("pads", s.pads);
  if (!s.auto_pad.empty()) t->Arg("auto_pad", s.auto_pad);
  if (!s.activation.empty()) {
    t->Arg("activation", s.activation);
    t->Arg("activation_alpha", s.act_alpha);
    t->Arg("activation_beta", s.act_beta);
  }
}

// Runs the op on 1 and 3 threads, expects identical outputs matching the reference.
void CheckConv(const ConvSpec &s, uint32_t seed = 1) {
  SCOPED_TRACE("X " + ShapeToString(s.x) + " W " + ShapeToString(s.w) + " group " +
               std::to_string(s.group) + " auto_pad '" + s.auto_pad + "'");
  const std::vector<float> x = RandomFloats(NumElements(s.x), -1.f, 1.f, seed);
  const std::vector<float> w = RandomFloats(NumElements(s.w), -1.f, 1.f, seed + 1);
  const std::vector<float> b = RandomFloats(s.w[0], -1.f, 1.f, seed + 2);
  Shape ys;
  const std::vector<float> expected = RefConv(s, x, w, b, &ys);
  OpTester t("Conv");
  t.Input(s.x, x).Input(s.w, w);
  if (s.const_w) t.Const();
  if (s.bias) t.Input({s.w[0]}, b).Const();
  AddConvArgs(s, &t);
  MaceStatus st = t.Run(1);
  ASSERT_TRUE(st.ok()) << st.information();
  EXPECT_EQ(t.Output().shape(), ys);
  const std::vector<float> one = t.OutputFloats();
  ExpectAllClose(one, expected, 1e-4f, 1e-4f);
  st = t.Run(3);
  ASSERT_TRUE(st.ok()) << st.information();
  EXPECT_EQ(t.OutputFloats(), one) << "1 and 3 threads differ";
}

MaceStatus RunConvExpectingError(const ConvSpec &s) {
  OpTester t("Conv");
  t.Input(s.x, RandomFloats(NumElements(s.x))).Input(s.w, RandomFloats(NumElements(s.w))).Const();
  if (s.bias) t.Input({s.w[0]}, RandomFloats(s.w[0])).Const();
  AddConvArgs(s, &t);
  return t.Run();
}

TEST(ConvTest, Conv2dBasicShapes) {
  ConvSpec s;
  s.x = {1, 3, 7, 5};
  s.w = {4, 3, 3, 2};
  CheckConv(s);
  s.x = {2, 5, 13, 7};
  s.w = {7, 5, 3, 3};
  s.pads = {1, 1, 1, 1};
  CheckConv(s);
  s.bias = false;
  CheckConv(s);
  s.x = {1, 1, 1, 1};  // 1x1 spatial
  s.w = {3, 1, 1, 1};
  s.pads = {};
  CheckConv(s);
}

TEST(ConvTest, Conv2dStridesDilationsAsymmetricPads) {
  ConvSpec s;
  s.x = {2, 3, 11, 9};
  s.w = {5, 3, 3, 3};
  s.strides = {2, 3};
  s.pads = {1, 0, 2, 1};
  CheckConv(s);
  s.dilations = {2, 1};
  CheckConv(s);
  s.strides = {1, 1};
  s.dilations = {3, 2};
  s.pads = {3, 2, 3, 2};
  CheckConv(s);
  // Padding larger than the kernel reach leaves outputs that see only padding (bias only).
  s.w = {2, 3, 2, 2};
  s.dilations = {};
  s.pads = {4, 4, 4, 4};
  CheckConv(s);
}

// The GEMM-based paths (1x1 straight on the input, implicit im2col for the rest) on every
// GEMM kernel this machine runs, with odd channel counts that leave partial micro-tiles.
TEST(ConvTest, EveryGemmKernel) {
  std::vector<ConvSpec> specs;
  ConvSpec s;
  s.x = {1, 17, 9, 7};  // 1x1, odd channels and plane
  s.w = {13, 17, 1, 1};
  s.activation = "RELU";
  specs.push_back(s);
  s.x = {2, 37, 14, 14};  // 1x1 across several tiles, two images
  s.w = {29, 37, 1, 1};
  s.activation = "HARDSWISH";
  specs.push_back(s);
  s.x = {1, 33, 1, 1};  // 1x1 spatial
  s.w = {31, 33, 1, 1};
  s.activation = "";
  specs.push_back(s);
  s.x = {1, 5, 13, 11};  // 3x3 padded
  s.w = {11, 5, 3, 3};
  s.pads = {1, 1, 1, 1};
  s.activation = "CLIP";
  s.act_alpha = 0.f;
  s.act_beta = 6.f;
  specs.push_back(s);
  s.x = {1, 3, 15, 15};  // 3x3 stride 2 (the first conv of mobilenet)
  s.w = {7, 3, 3, 3};
  s.strides = {2, 2};
  specs.push_back(s);
  s.x = {1, 6, 12, 10};  // dilated, asymmetric pads
  s.w = {9, 6, 3, 3};
  s.strides = {};
  s.dilations = {2, 2};
  s.pads = {2, 1, 2, 3};
  s.activation = "LEAKYRELU";
  s.act_alpha = 0.1f;
  specs.push_back(s);
  s.x = {1, 19, 9, 9};  // 1x1 stride 2 (not pointwise: packed through im2col)
  s.w = {23, 19, 1, 1};
  s.dilations = {};
  s.pads = {};
  s.strides = {2, 2};
  s.activation = "";
  specs.push_back(s);
  s.x = {1, 10, 7, 7};  // two groups, runtime weights
  s.w = {14, 5, 3, 3};
  s.strides = {};
  s.pads = {1, 1, 1, 1};
  s.group = 2;
  s.const_w = false;
  specs.push_back(s);
  for (Isa isa : {Isa::kGeneric, Isa::kAvx2, Isa::kAvx512}) {
    if (static_cast<int>(isa) > static_cast<int>(CpuIsa())) break;
    SCOPED_TRACE(std::string("isa ") + IsaName(isa));
    const Isa previous = gemm::SetIsaCapForTesting(isa);
    for (const ConvSpec &spec : specs) CheckConv(spec);
    gemm::SetIsaCapForTesting(previous);
  }
}

TEST(ConvTest, Conv1dAnd3d) {
  ConvSpec s;
  s.x = {2, 3, 17};
  s.w = {5, 3, 3};
  s.strides = {2};
  s.pads = {1, 2};
  CheckConv(s);
  s.dilations = {3};
  CheckConv(s);
  ConvSpec v;
  v.x = {1, 2, 5, 7, 6};
  v.w = {3, 2, 2, 3, 2};
  v.pads = {1, 0, 1, 0, 1, 1};
  v.strides = {1, 2, 1};
  CheckConv(v);
  v.dilations = {2, 1, 2};
  v.strides = {2, 1, 2};
  CheckConv(v);
}

TEST(ConvTest, Groups) {
  ConvSpec s;
  s.x = {2, 6, 9, 7};
  s.w = {9, 2, 3, 3};
  s.group = 3;
  s.pads = {1, 1, 1, 1};
  CheckConv(s);
  s.x = {1, 4, 5, 5};
  s.w = {6, 2, 3, 1};
  s.group = 2;
  s.strides = {2, 1};
  s.pads = {};
  CheckConv(s);
  ConvSpec one_d;  // groups on 1-D, as test_Conv1d_groups
  one_d.x = {3, 4, 10};
  one_d.w = {4, 2, 3};
  one_d.group = 2;
  CheckConv(one_d);
}

TEST(ConvTest, Depthwise) {
  ConvSpec s;
  s.x = {2, 5, 11, 13};
  s.w = {5, 1, 3, 3};
  s.group = 5;
  s.pads = {1, 1, 1, 1};
  CheckConv(s);
  s.strides = {2, 2};
  CheckConv(s);
  s.dilations = {2, 3};
  s.pads = {2, 3, 1, 0};
  CheckConv(s);
  // Channel multiplier 3.
  ConvSpec m;
  m.x = {1, 4, 7, 6};
  m.w = {12, 1, 3, 3};
  m.group = 4;
  m.pads = {0, 1, 2, 1};
  m.strides = {1, 2};
  CheckConv(m);
  m.bias = false;
  m.activation = "RELU";
  CheckConv(m);
  // Depthwise 1-D and 3-D, and a kernel wider than the input with padding.
  ConvSpec d1;
  d1.x = {1, 3, 9};
  d1.w = {3, 1, 5};
  d1.group = 3;
  d1.pads = {2, 2};
  CheckConv(d1);
  ConvSpec d3;
  d3.x = {1, 2, 3, 4, 5};
  d3.w = {4, 1, 2, 3, 2};
  d3.group = 2;
  d3.pads = {1, 1, 0, 0, 1, 1};
  CheckConv(d3);
  ConvSpec wide;
  wide.x = {1, 2, 3, 3};
  wide.w = {2, 1, 5, 5};
  wide.group = 2;
  wide.pads = {2, 2, 2, 2};
  CheckConv(wide);
}

TEST(ConvTest, AutoPad) {
  for (const char *mode : {"SAME_UPPER", "SAME_LOWER", "VALID"}) {
    ConvSpec s;
    s.x = {1, 3, 7, 8};
    s.w = {4, 3, 3, 4};
    s.auto_pad = mode;
    CheckConv(s);
    s.strides = {2, 3};
    CheckConv(s);
    s.dilations = {2, 1};
    CheckConv(s);
    ConvSpec dw;  // depthwise path
    dw.x = {1, 3, 6, 5};
    dw.w = {3, 1, 2, 3};
    dw.group = 3;
    dw.strides = {2, 2};
    dw.auto_pad = mode;
    CheckConv(dw);
  }
}

TEST(ConvTest, OnnxExampleAutoPadSameLower) {
  // test_conv_with_autopad_same: x = 0..24 (5x5), W = ones 3x3, SAME_LOWER, strides 2.
  std::vector<float> x(25);
  for (int i = 0; i < 25; ++i) x[i] = static_cast<float>(i);
  OpTester t("Conv");
  t.Input({1, 1, 5, 5}, x).Input({1, 1, 3, 3}, std::vector<float>(9, 1.f)).Const();
  t.Arg("auto_pad", "SAME_LOWER").Ints("kernel_shape", {3, 3}).Ints("strides", {2, 2});
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.Output().shape(), (Shape{1, 1, 3, 3}));
  ExpectAllClose(t.OutputFloats(), {12, 27, 24, 63, 108, 81, 72, 117, 84});
}

TEST(ConvTest, PointwiseUsesInputDirectly) {
  ConvSpec s;
  s.x = {3, 13, 5, 7};
  s.w = {9, 13, 1, 1};
  CheckConv(s);
  s.group = 13;  // 1x1 depthwise
  s.w = {13, 1, 1, 1};
  CheckConv(s);
  s.group = 1;
  s.w = {9, 13, 1, 1};
  s.strides = {2, 2};  // strided 1x1 goes through im2col
  CheckConv(s);
}

// Pointwise convs on 1x1 planes are matrix-vector products: dot products per output, or with
// many more outputs than inputs (squeeze-excite expansions) axpy updates over transposed weights.
TEST(ConvTest, PointwiseOnOnePixelPlanes) {
  ConvSpec s;
  s.activation = "HARDSIGMOID";
  s.act_alpha = 0.2f;
  s.act_beta = 0.5f;
  // Batch 1 splits the outputs across threads in blocks (checked against 1 thread bit for bit).
  for (int64_t batch : {2, 1})
    for (const Shape &w : {Shape{37, 13, 1, 1}, Shape{50, 40, 1, 1}, Shape{577, 144, 1, 1},
                           Shape{145, 577, 1, 1}}) {
      s.x = {batch, w[1], 1, 1};
      s.w = w;
      CheckConv(s);
    }
}

// The op keeps its last plan while X's shape stays; a new shape (batch, channels kept, or
// planes) must replan, and the old shape again too.
TEST(ConvTest, ReplansWhenInputShapeChanges) {
  for (const Shape &w_shape : {Shape{6, 4, 3, 3}, Shape{6, 4, 1, 1}}) {
    ConvSpec s;
    s.w = w_shape;
    s.pads = w_shape[2] == 3 ? std::vector<int64_t>{1, 1, 1, 1} : std::vector<int64_t>{};
    const std::vector<float> w = RandomFloats(NumElements(s.w), -1.f, 1.f, 7);
    const std::vector<float> b = RandomFloats(s.w[0], -1.f, 1.f, 8);
    OpTester t("Conv");
    s.x = {1, 4, 9, 7};
    t.Input(s.x, RandomFloats(NumElements(s.x))).Input(s.w, w).Const().Input({s.w[0]}, b).Const();
    AddConvArgs(s, &t);
    uint32_t seed = 20;
    for (const Shape &x_shape : {Shape{1, 4, 9, 7}, Shape{2, 4, 5, 11}, Shape{1, 4, 9, 7}}) {
      s.x = x_shape;
      SCOPED_TRACE("W " + ShapeToString(s.w) + " X " + ShapeToString(s.x));
      const std::vector<float> x = RandomFloats(NumElements(s.x), -1.f, 1.f, ++seed);
      t.ReplaceInput(0, s.x, x);
      Shape ys;
      const std::vector<float> expected = RefConv(s, x, w, b, &ys);
      MaceStatus st = t.Run(1);
      ASSERT_TRUE(st.ok()) << st.information();
      EXPECT_EQ(t.Output().shape(), ys);
      ExpectAllClose(t.OutputFloats(), expected, 1e-4f, 1e-4f);
    }
  }
}

TEST(ConvTest, LargeCrossesGemmBlocks) {
  // Depth 37*9 = 333 > one depth block; 41*41 = 1681 columns > one column block.
  ConvSpec s;
  s.x = {1, 37, 41, 41};
  s.w = {11, 37, 3, 3};
  s.pads = {1, 1, 1, 1};
  CheckConv(s, 7);
}

TEST(ConvTest, RuntimeWeightsMatchConstantWeights) {
  ConvSpec s;
  s.x = {2, 6, 8, 9};
  s.w = {10, 3, 3, 2};
  s.group = 2;
  s.pads = {1, 0, 1, 1};
  s.const_w = false;
  CheckConv(s);
  s.const_w = true;
  CheckConv(s);
}

TEST(ConvTest, FusedActivations) {
  ConvSpec s;
  s.x = {1, 4, 6, 6};
  s.w = {5, 4, 3, 3};
  s.pads = {1, 1, 1, 1};
  const struct {
    const char *name;
    float alpha, beta;
  } acts[] = {{"RELU", 0, 0},        {"CLIP", -0.5f, 0.5f}, {"LEAKYRELU", 0.1f, 0},
              {"SIGMOID", 0, 0},     {"TANH", 0, 0},        {"HARDSIGMOID", 0.2f, 0.5f},
              {"HARDSWISH", 0, 0}};
  // The 3x3 conv of 4 channels runs the direct loop; a pointwise conv of 24 channels the
  // GEMM, whose epilogue applies them (with and without bias).
  ConvSpec pw;
  pw.x = {1, 24, 9, 11};
  pw.w = {37, 24, 1, 1};
  for (const auto &a : acts) {
    for (ConvSpec *spec : {&s, &pw}) {
      spec->activation = a.name;
      spec->act_alpha = a.alpha;
      spec->act_beta = a.beta;
      CheckConv(*spec);
    }
    pw.bias = false;
    CheckConv(pw);
    pw.bias = true;
  }
}

TEST(ConvTest, KernelShapeArgument) {
  OpTester t("Conv");
  t.Input({1, 2, 5, 5}, RandomFloats(50)).Input({3, 2, 3, 3}, RandomFloats(54)).Const();
  t.Ints("kernel_shape", {3, 3});
  ASSERT_TRUE(t.Run().ok());
  OpTester bad("Conv");
  bad.Input({1, 2, 5, 5}, RandomFloats(50)).Input({3, 2, 3, 3}, RandomFloats(54)).Const();
  bad.Ints("kernel_shape", {3, 2});
  MaceStatus s = bad.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("kernel_shape"), std::string::npos) << s.information();
}

TEST(ConvTest, EmptyBatch) {
  OpTester e("Conv");
  e.Input({0, 2, 5, 5}, {}).Input({3, 2, 3, 3}, RandomFloats(54)).Const();
  ASSERT_TRUE(e.Run().ok());
  EXPECT_EQ(e.Output().shape(), (Shape{0, 3, 3, 3}));
}

// Builds an op through the registry with float inputs (all constant but the first) and
// returns its Macs() after one run.
int64_t MacsAfterRun(const std::string &type, const std::vector<Shape> &shapes,
                     const std::map<std::string, OpArg> &args) {
  OpDef def;
  def.name = "macs";
  def.type = type;
  def.args = args;
  def.outputs = {"y"};
  def.output_types = {DataType::DT_FLOAT};
  std::vector<std::unique_ptr<Tensor>> tensors;
  std::vector<Tensor *> inputs;
  for (size_t i = 0; i < shapes.size(); ++i) {
    auto buffer = std::make_shared<Buffer>();
    EXPECT_TRUE(buffer->Reserve(static_cast<size_t>(NumElements(shapes[i])) * 4 + 4).ok());
    std::vector<float> v = RandomFloats(NumElements(shapes[i]));
    std::copy(v.begin(), v.end(), static_cast<float *>(buffer->data()));
    tensors.push_back(std::make_unique<Tensor>("in" + std::to_string(i), DataType::DT_FLOAT,
                                               buffer, i > 0));
    tensors.back()->SetShapeUnchecked(shapes[i]);
    def.inputs.push_back(tensors.back()->name());
    inputs.push_back(tensors.back().get());
  }
  Tensor y("y", DataType::DT_FLOAT);
  const OpCreator *creator = OpRegistry::Global().Find(type, 0, DataType::DT_FLOAT);
  EXPECT_NE(creator, nullptr);
  if (creator == nullptr) return -1;
  std::unique_ptr<Operation> op = (*creator)(def, inputs, {&y});
  EXPECT_TRUE(op->Init().ok());
  ThreadPool pool(1, AFFINITY_NONE);
  OpContext ctx{&pool};
  EXPECT_TRUE(op->Run(&ctx).ok());
  return op->Macs();
}

TEST(ConvTest, ReportsMacs) {
  OpArg group;
  group.has_i = true;
  group.i = 2;
  // N * M * out_plane * (C/group) * kernel = 2 * 6 * 16 * 2 * 9.
  EXPECT_EQ(MacsAfterRun("Conv", {{2, 4, 6, 6}, {6, 2, 3, 3}}, {{"group", group}}),
            int64_t{2 * 6 * 16 * 2 * 9});
  group.i = 4;  // depthwise: 1 * 4 * 25 * 1 * 4
  EXPECT_EQ(MacsAfterRun("Conv", {{1, 4, 6, 6}, {4, 1, 2, 2}}, {{"group", group}}),
            int64_t{4 * 25 * 4});
}

TEST(ConvTest, InvalidInputs) {
  struct Bad {
    ConvSpec spec;
    const char *message;
  };
  std::vector<Bad> cases;
  ConvSpec base;
  base.x = {1, 4, 6, 6};
  base.w = {3, 4, 3, 3};
  {
    Bad b{base, "channels"};
    b.spec.w = {3, 3, 3, 3};
    cases.push_back(b);
  }
  {
    Bad b{base, "group"};
    b.spec.group = 3;
    b.spec.w = {3, 1, 3, 3};  // 4 channels not divisible by 3
    cases.push_back(b);
  }
  {
    Bad b{base, "rank"};
    b.spec.w = {3, 4, 3};
    cases.push_back(b);
  }
  {
    Bad b{base, "group"};  // a hostile group from a model file: refused without overflow
    b.spec.group = (int64_t{1} << 58) + 1;
    b.spec.w = {3, 512, 3, 3};
    cases.push_back(b);
  }
  {
    Bad b{base, "pads"};
    b.spec.pads = {1, 1};
    cases.push_back(b);
  }
  {
    Bad b{base, "pads"};
    b.spec.pads = {-1, 0, 0, 0};
    cases.push_back(b);
  }
  {
    Bad b{base, "strides"};
    b.spec.strides = {0, 1};
    cases.push_back(b);
  }
  {
    Bad b{base, "does not fit"};
    b.spec.w = {3, 4, 7, 3};
    cases.push_back(b);
  }
  {
    Bad b{base, "auto_pad"};
    b.spec.auto_pad = "SAME";
    cases.push_back(b);
  }
  {
    Bad b{base, "activation"};
    b.spec.activation = "GELU";
    cases.push_back(b);
  }
  {
    Bad b{base, "spatial dims"};
    b.spec.x = {1, 4, 3, 3, 3, 3};
    b.spec.w = {3, 4, 1, 1, 1, 1};
    cases.push_back(b);
  }
  for (const Bad &b : cases) {
    MaceStatus s = RunConvExpectingError(b.spec);
    EXPECT_FALSE(s.ok()) << b.message;
    EXPECT_NE(s.information().find(b.message), std::string::npos) << s.information();
  }
  OpTester missing("Conv");
  missing.Input({1, 1, 3, 3}, RandomFloats(9));
  EXPECT_FALSE(missing.Run().ok());
  OpTester bias("Conv");
  bias.Input({1, 2, 3, 3}, RandomFloats(18)).Input({3, 2, 1, 1}, RandomFloats(6)).Const();
  bias.Input({2}, RandomFloats(2)).Const();
  MaceStatus s = bias.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("B must be"), std::string::npos) << s.information();
  OpTester ints("Conv");
  ints.InputInt64({1, 1, 2, 2}, {1, 2, 3, 4}).Input({1, 1, 1, 1}, {1.f});
  EXPECT_FALSE(ints.Run().ok());
}


// A pointwise conv into a depthwise conv, run by a CPU engine: the depthwise conv absorbs the
// pointwise one (Net::AbsorbProducers) and, with the fusion limits lowered, computes both in
// bands of rows per thread (one output row per band, a few, or all). Checked against the
// reference convs, and against the engine with fusion off (the same kernels; only the GEMM's
// tiling of the last columns of a band may round differently).
struct PointwiseDepthwise {
  Shape x;  // N, Cin, H, W
  int64_t mid, k, stride;
  std::vector<int64_t> pads;  // top, left, bottom, right
  std::string act1, act2;     // activations of the pointwise and the depthwise conv
};

struct EngineRun {
  std::vector<float> y;
  std::string placement;
};

EngineRun RunPointwiseDepthwise(const PointwiseDepthwise &c, const Shape &ys,
                                const std::vector<std::vector<float>> &v, int threads) {
  ModelBuilder mb;
  mb.Input("x", c.x)
      .Const("w1", {c.mid, c.x[1], 1, 1}, v[1])
      .Const("b1", {c.mid}, v[2])
      .Const("w2", {c.mid, 1, c.k, c.k}, v[3])
      .Const("b2", {c.mid}, v[4]);
  // CLIP's bounds; the other activations here take none.
  const std::map<std::string, float> bounds = {{"activation_alpha", 0.f}, {"activation_beta", 0.5f}};
  std::map<std::string, float> dw_args = bounds;
  dw_args["group"] = static_cast<float>(c.mid);
  mb.Op("Conv", {"x", "w1", "b1"}, "m", bounds, {}, {{"activation", c.act1}})
      .Op("Conv", {"m", "w2", "b2"}, "y", dw_args, {{"strides", {c.stride, c.stride}}, {"pads", c.pads}},
          {{"activation", c.act2}})
      .Output("y", ys);
  std::vector<uint8_t> graph, data;
  mb.Build(&graph, &data);
  MaceEngineConfig config(DeviceType::CPU);
  EXPECT_TRUE(config.SetCPUThreadPolicy(threads, AFFINITY_NONE).ok());
  MaceEngine engine(config);
  EngineRun r;
  MaceStatus st = engine.Init(graph.data(), graph.size(), {}, {}, data.data(), data.size());
  EXPECT_TRUE(st.ok()) << st.information();
  if (!st.ok()) return r;
  std::shared_ptr<void> buf(new float[v[0].size()], std::default_delete<float[]>());
  std::copy(v[0].begin(), v[0].end(), static_cast<float *>(buf.get()));
  std::map<std::string, MaceTensor> in{{"x", MaceTensor(c.x, buf)}}, out{{"y", MaceTensor()}};
  st = engine.Run(in, &out);
  EXPECT_TRUE(st.ok()) << st.information();
  if (!st.ok()) return r;
  EXPECT_EQ(out["y"].shape(), ys);
  const float *y = out["y"].data().get();
  r.y.assign(y, y + NumElements(ys));
  r.placement = engine.DevicePlacement();
  return r;
}

TEST(ConvTest, PointwiseFusedIntoDepthwise) {
  const PointwiseDepthwise cases[] = {
      {{1, 5, 23, 21}, 19, 3, 1, {1, 1, 1, 1}, "CLIP", "CLIP"},
      {{2, 7, 20, 17}, 21, 3, 2, {1, 1, 1, 1}, "RELU", "RELU"},
      {{1, 3, 19, 26}, 17, 5, 2, {2, 2, 2, 2}, "HARDSWISH", ""},
      {{1, 4, 22, 18}, 16, 5, 1, {2, 1, 1, 2}, "", "HARDSWISH"},
      {{1, 6, 17, 15}, 33, 3, 2, {0, 0, 1, 1}, "SIGMOID", "TANH"},  // TF-style SAME pads
  };
  const conv::FusionLimits before = conv::SetFusionLimitsForTesting({0, 0});
  for (const auto &c : cases) {
    SCOPED_TRACE("X " + ShapeToString(c.x) + " mid " + std::to_string(c.mid) + " k " +
                 std::to_string(c.k) + " stride " + std::to_string(c.stride));
    ConvSpec pw, dw;
    pw.x = c.x;
    pw.w = {c.mid, c.x[1], 1, 1};
    pw.activation = c.act1;
    Shape ms, ys;
    dw.w = {c.mid, 1, c.k, c.k};
    dw.group = c.mid;
    dw.strides = {c.stride, c.stride};
    dw.pads = c.pads;
    dw.activation = c.act2;
    pw.act_beta = dw.act_beta = 0.5f;
    const std::vector<std::vector<float>> v = {
        RandomFloats(NumElements(c.x), -1.f, 1.f, 1), RandomFloats(NumElements(pw.w), -1.f, 1.f, 2),
        RandomFloats(c.mid, -1.f, 1.f, 3), RandomFloats(NumElements(dw.w), -1.f, 1.f, 4),
        RandomFloats(c.mid, -1.f, 1.f, 5)};
    const std::vector<float> m = RefConv(pw, v[0], v[1], v[2], &ms);
    dw.x = ms;
    const std::vector<float> expected = RefConv(dw, m, v[3], v[4], &ys);

    conv::SetFusionLimitsForTesting({INT64_MAX, 0});  // absorbed, but run one op after the other
    const EngineRun unfused = RunPointwiseDepthwise(c, ys, v, 1);
    ExpectAllClose(unfused.y, expected, 1e-4f, 1e-4f);
    EXPECT_NE(unfused.placement.find("CPU: 2 ops, 1 run by the next op"), std::string::npos)
        << unfused.placement;
    // Band buffers of k rows (one output row per band), about 4 rows, and the whole plane.
    for (int64_t band_rows : {int64_t{0}, int64_t{4}, c.x[2] + c.k}) {
      conv::SetFusionLimitsForTesting({0, band_rows * c.mid * c.x[3] * 4});
      for (int threads : {1, 3}) {
        SCOPED_TRACE("band rows " + std::to_string(band_rows) + ", " + std::to_string(threads) +
                     " threads");
        ExpectAllClose(RunPointwiseDepthwise(c, ys, v, threads).y, unfused.y, 1e-6f, 1e-6f);
      }
    }
  }
  conv::SetFusionLimitsForTesting(before);
}

}  // namespace
}  // namespace test
}  // namespace mace
