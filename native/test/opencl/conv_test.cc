// Conv: the GPU kernels (1x1, 3x3, general, depthwise) against the CPU kernel (ops/conv.cc), on
// float and half images, over odd shapes (channels not a multiple of 4, N = 2, H != W, odd sizes,
// stride 2, asymmetric pads, auto_pad, dilation), with and without bias and every fused
// activation; the shapes of mobilenet_v2, mobilenet_v3_small and squeezenet are among them. The
// cases the GPU kernels refuse run on the CPU, with their reasons.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "core/op_registry.h"
#include "core/thread_pool.h"
#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {
namespace {

struct ConvCase {
  std::string name;
  int n, c, h, w;  // X [n, c, h, w]
  int o;           // output channels
  int kh, kw;
  int group = 1;
  std::vector<int64_t> strides = {1, 1}, dilations = {1, 1}, pads = {0, 0, 0, 0};
  std::string auto_pad;  // empty: explicit pads
  bool bias = true;
  std::string act;  // empty: none
  float alpha = 0.f, beta = 0.f;
  int winograd = 0;  // arg winograd: 2 or 4 asks for Winograd F(2x2,3x3) / F(4x4,3x3)
};
void PrintTo(const ConvCase &c, std::ostream *os) { *os << c.name; }

ConvCase Case(std::string name, int n, int c, int h, int w, int o, int kh, int kw) {
  ConvCase k;
  k.name = std::move(name);
  k.n = n, k.c = c, k.h = h, k.w = w, k.o = o, k.kh = kh, k.kw = kw;
  return k;
}
ConvCase Strides(ConvCase k, int64_t sh, int64_t sw) { k.strides = {sh, sw}; return k; }
ConvCase Pads(ConvCase k, int64_t t, int64_t l, int64_t b, int64_t r) { k.pads = {t, l, b, r}; return k; }
ConvCase Dilations(ConvCase k, int64_t dh, int64_t dw) { k.dilations = {dh, dw}; return k; }
ConvCase AutoPad(ConvCase k, const std::string &a) { k.auto_pad = a; return k; }
ConvCase Depthwise(ConvCase k) { k.group = k.c; return k; }
ConvCase NoBias(ConvCase k) { k.bias = false; return k; }
ConvCase Winograd(ConvCase k, int m) { k.winograd = m; return k; }
ConvCase Act(ConvCase k, const std::string &act, float alpha = 0.f, float beta = 0.f) {
  k.act = act, k.alpha = alpha, k.beta = beta;
  return k;
}

// Builds the op: X in [-1, 1], W and B in [-1, 1] (constants), args as the converter writes them.
void Build(const ConvCase &k, mace::test::OpTester &t) {
  const int cg = k.c / k.group;
  const Shape x{k.n, k.c, k.h, k.w}, w{k.o, cg, k.kh, k.kw};
  t.Input(x, RandomData(mace::test::NumElements(x), 1, -1, 1));
  t.Input(w, RandomData(mace::test::NumElements(w), 2, -1, 1)).Const();
  if (k.bias) t.Input({k.o}, RandomData(k.o, 3, -1, 1)).Const();
  t.Ints("kernel_shape", {k.kh, k.kw}).Ints("strides", k.strides).Ints("dilations", k.dilations);
  if (k.auto_pad.empty()) t.Ints("pads", k.pads);
  else t.Arg("auto_pad", k.auto_pad);
  if (k.group != 1) t.Arg("group", k.group);
  if (k.winograd != 0) t.Arg("winograd", k.winograd);
  if (!k.act.empty()) t.Arg("activation", k.act).Arg("activation_alpha", k.alpha).Arg("activation_beta", k.beta);
}

// Half storage rounds X, W and B to 11 significant bits (relative error <= 2^-11 each), so each
// product x*w is off by up to ~2^-10 |x w| and an output summing K = C/group * KH * KW products
// of independent signs is off by about 2^-10 sqrt(K) rms(x w) (a random walk), i.e. in proportion
// to the output's own scale rms(y) ~ sqrt(K) rms(x) rms(w) = sqrt(K) / 3 here, not to each output:
// outputs near 0 of a deep reduction get absolute errors of that size. atol = 1e-2 * rms(y)
// (at least 1e-2) leaves ~5x margin over the largest error of a few thousand outputs, while an
// indexing bug (a wrong tap or channel) moves outputs by ~rms(y), 100x the tolerance.
//
// Winograd on float images: the transforms scale values up (B^T rows sum |b| to 10 and A^T rows
// to 19 with F(4x4), per dimension) before they cancel, so float rounding too gives absolute
// errors in proportion to the output scale rather than to each output (measured: ~3.5e-6 rms(y)
// with F(4x4), C = 64): atol = 1e-5 * rms(y) (at least 1e-5). Its half tolerance is the direct
// conv's (the transformed domain is kept in float, winograd_transform.cl).
Tolerance ToleranceOf(const ConvCase &k, ImageType type) {
  Tolerance tol = ToleranceFor(type);
  const float rms_y = std::sqrt(float(k.c / k.group) * k.kh * k.kw) / 3.f;
  if (type == ImageType::kHalf) tol.atol = std::max(tol.atol, 1e-2f * rms_y);
  else if (k.winograd != 0) tol.atol = std::max(tol.atol, 1e-5f * rms_y);
  return tol;
}

using ConvTest = OpenCLParamTest<std::tuple<ConvCase, ImageType>>;

TEST_P(ConvTest, MatchesCpu) {
  const ConvCase &k = std::get<0>(GetParam());
  const ImageType type = std::get<1>(GetParam());
  EXPECT_TRUE(GpuMatchesCpu(runtime_, type, "Conv", [&](mace::test::OpTester &t) { Build(k, t); },
                            ToleranceOf(k, type)));
}

const ConvCase kCases[] = {
    // 1x1 (conv_2d_1x1)
    Act(Case("mnv2_1x1_clip6", 1, 16, 14, 14, 96, 1, 1), "CLIP", 0.f, 6.f),
    Act(Case("mnv3_1x1_hardsigmoid", 1, 24, 1, 1, 96, 1, 1), "HARDSIGMOID", 1.f / 6, 0.5f),
    Act(Case("squeezenet_1x1_relu", 1, 64, 13, 13, 16, 1, 1), "RELU"),
    Case("1x1_c5_o13_n2", 2, 5, 7, 9, 13, 1, 1),
    NoBias(Case("1x1_c3_o5_nobias", 2, 3, 6, 11, 5, 1, 1)),
    Strides(Case("1x1_s2_odd", 2, 7, 9, 11, 13, 1, 1), 2, 2),
    Strides(Case("1x1_s2x3", 1, 13, 10, 17, 6, 1, 1), 2, 3),
    Pads(Case("1x1_padded", 1, 5, 5, 6, 7, 1, 1), 1, 0, 0, 2),  // padded 1x1: general kernel
    // 3x3 (conv_2d built as conv_2d_3x3)
    Act(Strides(Pads(Case("mnv2_first_3x3_s2", 1, 3, 33, 31, 32, 3, 3), 1, 1, 1, 1), 2, 2), "CLIP", 0.f, 6.f),
    Act(Pads(Case("squeezenet_3x3_relu", 1, 16, 13, 13, 64, 3, 3), 1, 1, 1, 1), "RELU"),
    Case("3x3_valid_c5_o13_n2", 2, 5, 9, 7, 13, 3, 3),
    NoBias(Pads(Case("3x3_asym_pads", 2, 7, 8, 11, 5, 3, 3), 0, 2, 1, 0)),
    Strides(Pads(Case("3x3_s2_odd", 2, 7, 11, 9, 13, 3, 3), 1, 1, 1, 1), 2, 2),
    Dilations(Pads(Case("3x3_dilation2", 1, 5, 12, 13, 7, 3, 3), 2, 2, 2, 2), 2, 2),
    Dilations(Strides(Case("3x3_s2_d2x1", 1, 6, 13, 10, 9, 3, 3), 2, 1), 2, 1),
    AutoPad(Strides(Case("3x3_same_upper_s2", 1, 5, 10, 9, 6, 3, 3), 2, 2), "SAME_UPPER"),
    AutoPad(Case("3x3_same_lower", 1, 3, 7, 8, 5, 3, 3), "SAME_LOWER"),
    Pads(Case("3x3_big_pads", 1, 3, 2, 3, 5, 3, 3), 3, 2, 2, 3),  // rows and columns of pure padding
    Act(Pads(Case("3x3_deep_c64", 1, 64, 9, 10, 13, 3, 3), 1, 1, 1, 1), "TANH"),
    // General kernel sizes (conv_2d)
    Pads(Case("5x5_c7_o5", 2, 7, 11, 9, 5, 5, 5), 2, 2, 2, 2),
    Strides(Pads(Case("7x7_s2", 1, 3, 15, 17, 13, 7, 7), 3, 3, 3, 3), 2, 2),
    Dilations(Pads(Case("1x3_d2", 1, 5, 6, 9, 7, 1, 3), 0, 2, 0, 1), 1, 2),
    Strides(Case("3x1_s3x1", 2, 13, 10, 5, 6, 3, 1), 3, 1),
    NoBias(AutoPad(Strides(Case("5x3_valid_s2", 1, 5, 12, 9, 7, 5, 3), 2, 2), "VALID")),
    Case("2x2_c1", 2, 1, 5, 6, 3, 2, 2),
    // Depthwise (depthwise_conv2d)
    Act(Pads(Depthwise(Case("mnv2_dw3x3_s1_clip6", 1, 32, 14, 14, 32, 3, 3)), 1, 1, 1, 1), "CLIP", 0.f, 6.f),
    Act(Strides(Pads(Depthwise(Case("mnv2_dw3x3_s2_clip6", 1, 24, 15, 15, 24, 3, 3)), 1, 1, 1, 1), 2, 2), "CLIP",
        0.f, 6.f),
    Pads(Depthwise(Case("mnv3_dw5x5_s1", 1, 40, 7, 7, 40, 5, 5)), 2, 2, 2, 2),
    Strides(Pads(Depthwise(Case("mnv3_dw5x5_s2", 1, 72, 14, 14, 72, 5, 5)), 1, 1, 2, 2), 2, 2),
    Pads(Depthwise(Case("dw3x3_c5_n2", 2, 5, 9, 11, 5, 3, 3)), 1, 1, 1, 1),
    NoBias(Pads(Depthwise(Case("dw3x3_c7_asym", 2, 7, 10, 7, 7, 3, 3)), 0, 2, 1, 0)),
    Strides(Pads(Depthwise(Case("dw3x3_s2_odd", 2, 13, 9, 11, 13, 3, 3)), 1, 1, 1, 1), 2, 2),
    Dilations(Pads(Depthwise(Case("dw3x3_d2", 1, 6, 11, 13, 6, 3, 3)), 2, 2, 2, 2), 2, 2),
    Dilations(Strides(Pads(Depthwise(Case("dw5x5_s2_d2", 1, 5, 17, 16, 5, 5, 5)), 4, 3, 4, 4), 2, 2), 2, 2),
    Strides(Depthwise(Case("dw3x3_s1x2_valid", 1, 3, 8, 13, 3, 3, 3)), 1, 2),
    Dilations(Pads(Depthwise(Case("dw3x3_d2x1_s1", 2, 5, 11, 9, 5, 3, 3)), 2, 1, 2, 1), 2, 1),
    Strides(Depthwise(Case("dw3x3_s2x1_valid", 1, 3, 8, 13, 3, 3, 3)), 2, 1),
    AutoPad(Depthwise(Case("dw7x7_same", 1, 9, 10, 6, 9, 7, 7)), "SAME_UPPER"),
    Pads(Depthwise(Case("dw3x3_big_pads", 1, 5, 2, 3, 5, 3, 3)), 3, 3, 2, 4),
    // Depthwise with a channel multiplier (depthwise_conv2d_multiplier)
    Pads(Depthwise(Case("dw_m2_c3", 1, 3, 7, 9, 6, 3, 3)), 1, 1, 1, 1),
    NoBias(Strides(Pads(Depthwise(Case("dw_m3_c5_s2_n2", 2, 5, 9, 11, 15, 3, 3)), 1, 1, 1, 1), 2, 2)),
    Act(Dilations(Pads(Depthwise(Case("dw_m4_c3_5x5_d2", 1, 3, 12, 10, 12, 5, 5)), 4, 4, 4, 4), 2, 2), "RELU"),
    Act(Pads(Depthwise(Case("dw_m2_c7_asym", 2, 7, 8, 11, 14, 3, 3)), 0, 2, 1, 0), "CLIP", 0.f, 6.f),
    Strides(Depthwise(Case("dw_m5_c2", 1, 2, 9, 8, 10, 3, 3)), 1, 2),
    // Winograd (3x3, stride 1, dilation 1; partial tiles at the bottom and right edges)
    Winograd(Pads(Case("wino2_c5_o13_n2", 2, 5, 9, 11, 13, 3, 3), 1, 1, 1, 1), 2),
    Winograd(Pads(Case("wino4_c5_o13_n2", 2, 5, 9, 11, 13, 3, 3), 1, 1, 1, 1), 4),
    Winograd(NoBias(Case("wino2_valid_c3_o5", 1, 3, 8, 7, 5, 3, 3)), 2),
    Winograd(NoBias(Case("wino4_valid_c3_o5", 1, 3, 8, 7, 5, 3, 3)), 4),
    Winograd(Pads(Case("wino2_asym_c7", 2, 7, 10, 13, 6, 3, 3), 0, 2, 1, 0), 2),
    Winograd(Pads(Case("wino4_asym_c7", 2, 7, 10, 13, 6, 3, 3), 0, 2, 1, 0), 4),
    Winograd(Act(AutoPad(Case("wino2_same_relu", 1, 13, 7, 6, 7, 3, 3), "SAME_UPPER"), "RELU"), 2),
    Winograd(Act(AutoPad(Case("wino4_same_clip6", 1, 13, 7, 6, 7, 3, 3), "SAME_LOWER"), "CLIP", 0.f, 6.f), 4),
    Winograd(Act(Pads(Case("wino2_squeezenet_relu", 1, 16, 13, 13, 64, 3, 3), 1, 1, 1, 1), "RELU"), 2),
    Winograd(Act(Pads(Case("wino4_squeezenet_relu", 1, 16, 13, 13, 64, 3, 3), 1, 1, 1, 1), "RELU"), 4),
    Winograd(Pads(Case("wino2_deep_c64", 1, 64, 9, 10, 13, 3, 3), 1, 1, 1, 1), 2),
    Winograd(Pads(Case("wino4_deep_c64", 1, 64, 9, 10, 13, 3, 3), 1, 1, 1, 1), 4),
    Winograd(Pads(Case("wino4_big_pads", 1, 3, 2, 3, 5, 3, 3), 3, 2, 2, 3), 4),
    // winograd on a case it does not cover: the direct kernels run
    Winograd(Strides(Pads(Case("wino2_stride2_direct", 1, 5, 9, 11, 6, 3, 3), 1, 1, 1, 1), 2, 2), 2),
};

INSTANTIATE_TEST_SUITE_P(Shapes, ConvTest,
                         ::testing::Combine(::testing::ValuesIn(kCases),
                                            ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
                         [](const ::testing::TestParamInfo<ConvTest::ParamType> &info) {
                           return StrCat(std::get<0>(info.param).name, "_",
                                         ImageTypeName(std::get<1>(info.param)));
                         });

// Every fused activation in every kernel (1x1, 3x3, general, depthwise).
struct ActCase {
  std::string name, act;
  float alpha, beta;
};
void PrintTo(const ActCase &c, std::ostream *os) { *os << c.name; }

using ConvActivationTest = OpenCLParamTest<std::tuple<ConvCase, ActCase, ImageType>>;

TEST_P(ConvActivationTest, MatchesCpu) {
  const ActCase &a = std::get<1>(GetParam());
  const ConvCase k = Act(std::get<0>(GetParam()), a.act, a.alpha, a.beta);
  const ImageType type = std::get<2>(GetParam());
  EXPECT_TRUE(GpuMatchesCpu(runtime_, type, "Conv", [&](mace::test::OpTester &t) { Build(k, t); },
                            ToleranceOf(k, type)));
}

INSTANTIATE_TEST_SUITE_P(
    Activations, ConvActivationTest,
    ::testing::Combine(
        ::testing::Values(Case("1x1", 2, 5, 3, 7, 6, 1, 1),
                          Pads(Case("3x3", 2, 5, 5, 7, 6, 3, 3), 1, 1, 1, 1),
                          Pads(Case("5x5", 1, 3, 6, 7, 5, 5, 5), 2, 2, 2, 2),
                          Pads(Depthwise(Case("dw3x3", 2, 6, 5, 7, 6, 3, 3)), 1, 1, 1, 1)),
        ::testing::Values(ActCase{"none", "NONE", 0.f, 0.f}, ActCase{"relu", "RELU", 0.f, 0.f},
                          ActCase{"clip", "CLIP", -0.5f, 1.5f}, ActCase{"leakyrelu", "LEAKYRELU", 0.1f, 0.f},
                          ActCase{"sigmoid", "SIGMOID", 0.f, 0.f}, ActCase{"tanh", "TANH", 0.f, 0.f},
                          ActCase{"hardsigmoid", "HARDSIGMOID", 1.f / 6, 0.5f},
                          ActCase{"hardswish", "HARDSWISH", 0.f, 0.f}),
        ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
    [](const ::testing::TestParamInfo<ConvActivationTest::ParamType> &info) {
      return StrCat(std::get<0>(info.param).name, "_", std::get<1>(info.param).name, "_",
                    ImageTypeName(std::get<2>(info.param)));
    });

// A second run of the same op (its weight images transformed on the first run and kept) matches too.
TEST_F(OpenCLTest, ConvRerunMatchesCpu) {
  const ConvCase k = Act(Pads(Case("rerun", 2, 5, 7, 6, 7, 3, 3), 1, 1, 1, 1), "RELU");
  mace::test::OpTester cpu("Conv"), gpu("Conv");
  Build(k, cpu);
  Build(k, gpu);
  ASSERT_MACE_OK(cpu.Run());
  GpuMemory memory(runtime_, ImageType::kFloat);
  gpu.OnDevice(&memory);
  ASSERT_MACE_OK(gpu.Run());
  ASSERT_MACE_OK(gpu.Run());
  EXPECT_TRUE(AllClose(gpu.OutputFloats(), cpu.OutputFloats(), ToleranceFor(ImageType::kFloat)));
}

// Padding channels of the input image may hold anything (a GPU op upstream leaves 0/0 = NaN or
// sigmoid(0) there), and the image may be larger than the tensor (shared with a larger tensor of
// its memory block): the kernels must neither let padding lanes reach real channels nor read
// past the tensor. The input image here is larger than X and NaN everywhere but X's real
// channels, then the GPU kernel runs on it.
::testing::AssertionResult PoisonedPaddingMatchesCpu(OpenCLRuntime *rt, const ConvCase &k, ImageType type) {
  mace::test::OpTester cpu("Conv");
  Build(k, cpu);
  MaceStatus s = cpu.Run();
  if (!s.ok()) return ::testing::AssertionFailure() << "CPU kernel: " << s.information();

  const int cg = k.c / k.group;
  const Shape xs{k.n, k.c, k.h, k.w}, ws{k.o, cg, k.kh, k.kw};
  const std::vector<float> xv = RandomData(mace::test::NumElements(xs), 1, -1, 1);
  auto constant = [](const std::string &name, const Shape &shape, const std::vector<float> &v) {
    Tensor staging(name, DataType::DT_FLOAT);
    EXPECT_TRUE(staging.Resize(shape).ok());
    std::copy(v.begin(), v.end(), staging.mutable_data<float>());
    auto t = std::make_unique<Tensor>(name, DataType::DT_FLOAT, staging.buffer(), true);
    t->SetShapeUnchecked(shape);
    return t;
  };
  auto w = constant("w", ws, RandomData(mace::test::NumElements(ws), 2, -1, 1));
  std::unique_ptr<Tensor> b = k.bias ? constant("b", {k.o}, RandomData(k.o, 3, -1, 1)) : nullptr;
  Tensor x("x", DataType::DT_FLOAT), y("y", DataType::DT_FLOAT);
  if (!x.Resize(xs).ok()) return ::testing::AssertionFailure() << "resize";

  OpDef def;
  def.name = "conv";
  def.type = "Conv";
  def.inputs = {"x", "w"};
  if (k.bias) def.inputs.push_back("b");
  def.outputs = {"y"};
  def.output_types = {DataType::DT_FLOAT};
  auto ints = [&](const std::string &name, const std::vector<int64_t> &v) { def.args[name].ints = v; };
  ints("kernel_shape", {k.kh, k.kw});
  ints("strides", k.strides);
  ints("dilations", k.dilations);
  if (k.auto_pad.empty()) ints("pads", k.pads);
  else def.args["auto_pad"].has_s = true, def.args["auto_pad"].s = k.auto_pad;
  def.args["group"].has_i = true, def.args["group"].i = k.group;
  if (k.winograd != 0) def.args["winograd"].has_i = true, def.args["winograd"].i = k.winograd;
  if (!k.act.empty()) {
    def.args["activation"].has_s = true, def.args["activation"].s = k.act;
    def.args["activation_alpha"].has_f = true, def.args["activation_alpha"].f = k.alpha;
    def.args["activation_beta"].has_f = true, def.args["activation_beta"].f = k.beta;
  }
  std::vector<Tensor *> inputs{&x, w.get()};
  if (b) inputs.push_back(b.get());
  const OpCreator *creator = OpRegistry::Global().Find("Conv", kGpuDevice, DataType::DT_FLOAT);
  if (creator == nullptr) return ::testing::AssertionFailure() << "no GPU Conv";
  std::unique_ptr<Operation> op = (*creator)(def, inputs, {&y});
  s = op->Init();
  if (!s.ok()) return ::testing::AssertionFailure() << "Init: " << s.information();

  GpuMemory memory(rt, type);
  ThreadPool pool(1, AFFINITY_NONE);
  OpContext ctx{&pool, &memory};
  std::string why;
  if (!op->Supports(nullptr, &why) || !op->Supports(&ctx, &why)) return ::testing::AssertionFailure() << why;
  // X's image: its real channels, and NaN in the padding lanes of the last channel block.
  const int padded_c = 4 * ChannelBlocks(k.c);
  std::vector<float> padded(size_t(k.n) * padded_c * k.h * k.w, NAN);
  const size_t plane = size_t(k.h) * k.w;
  for (int n = 0; n < k.n; ++n)
    std::copy(xv.begin() + n * k.c * plane, xv.begin() + (n + 1) * k.c * plane,
              padded.begin() + n * padded_c * plane);
  cl_mem image;
  CLObject<cl_mem> buffer, big_buffer;
  // First a larger tensor of the same block fills a larger image with NaN.
  const NCHWShape big{k.n + 1, padded_c + 4, k.h + 3, k.w + 5};
  const std::vector<float> nans(size_t(big.size()), NAN);
  s = x.Resize({big.n, big.c, big.h, big.w});
  if (s.ok()) s = memory.Write(&x, &image);
  if (s.ok()) s = CreateBuffer(rt, nans.size() * sizeof(float), nans.data(), &big_buffer);
  if (s.ok()) s = BufferToImage(rt, big_buffer.get(), big, image);
  if (s.ok()) s = x.Resize(xs);
  cl_mem big_image = image;
  if (s.ok()) s = memory.Write(&x, &image);
  if (s.ok() && image != big_image) return ::testing::AssertionFailure() << "X did not keep its block's image";
  if (s.ok()) s = CreateBuffer(rt, padded.size() * sizeof(float), padded.data(), &buffer);
  if (s.ok()) s = BufferToImage(rt, buffer.get(), NCHWShape{k.n, padded_c, k.h, k.w}, image);
  if (s.ok()) s = rt->Finish();
  if (s.ok()) s = op->Run(&ctx);
  if (s.ok()) s = memory.Sync(&y);
  if (!s.ok()) return ::testing::AssertionFailure() << s.information();
  if (y.shape() != cpu.Output().shape()) return ::testing::AssertionFailure() << "shape " << ShapeToString(y.shape());
  return AllClose(std::vector<float>(y.data<float>(), y.data<float>() + y.size()), cpu.OutputFloats(),
                  ToleranceOf(k, type));
}

TEST_F(OpenCLTest, ConvIgnoresInputPaddingChannels) {
  const ConvCase cases[] = {
      Case("1x1_c5", 2, 5, 5, 7, 6, 1, 1),
      Act(Strides(Case("1x1_c7_s2", 1, 7, 5, 7, 13, 1, 1), 2, 2), "RELU"),
      Pads(Case("3x3_c6", 2, 6, 5, 7, 5, 3, 3), 1, 1, 1, 1),
      NoBias(Pads(Case("5x5_c3", 1, 3, 6, 7, 5, 5, 5), 2, 2, 2, 2)),
      Pads(Case("1x1_padded_c13", 1, 13, 4, 5, 7, 1, 1), 1, 1, 0, 0),
      Pads(Depthwise(Case("dw3x3_c5", 2, 5, 5, 7, 5, 3, 3)), 1, 1, 1, 1),
      Strides(Pads(Depthwise(Case("dw5x5_c7_s2", 1, 7, 9, 8, 7, 5, 5)), 2, 2, 2, 2), 2, 2),
      Pads(Depthwise(Case("dw_m2_c5", 1, 5, 6, 7, 10, 3, 3)), 1, 1, 1, 1),
      Winograd(Pads(Case("wino2_c5", 2, 5, 5, 7, 6, 3, 3), 1, 1, 1, 1), 2),
      Winograd(Pads(Case("wino4_c7", 1, 7, 9, 6, 5, 3, 3), 1, 1, 1, 1), 4),
  };
  for (const ConvCase &k : cases)
    for (ImageType type : {ImageType::kFloat, ImageType::kHalf})
      EXPECT_TRUE(PoisonedPaddingMatchesCpu(runtime_, k, type)) << k.name << " " << ImageTypeName(type);
}

// Refusals: Supports() says why, and a GPU engine runs the CPU kernel.
TEST_F(OpenCLTest, ConvRefuses3D) {
  EXPECT_TRUE(GpuRefuses(runtime_, "Conv", [](mace::test::OpTester &t) {
    t.Input({1, 3, 4, 5, 6}, RandomData(360, 1, -1, 1)).Input({2, 3, 1, 1, 1}, RandomData(6, 2, -1, 1)).Const();
  }, "3-D conv (GPU kernel: 2-D)"));
}

TEST_F(OpenCLTest, ConvRefuses1D) {
  EXPECT_TRUE(GpuRefuses(runtime_, "Conv", [](mace::test::OpTester &t) {
    t.Input({1, 3, 7}, RandomData(21, 1, -1, 1)).Input({2, 3, 3}, RandomData(18, 2, -1, 1)).Const();
  }, "1-D conv (GPU kernel: 2-D)"));
}

TEST_F(OpenCLTest, ConvRefusesNonConstantWeights) {
  EXPECT_TRUE(GpuRefuses(runtime_, "Conv", [](mace::test::OpTester &t) {
    t.Input({1, 3, 5, 5}, RandomData(75, 1, -1, 1)).Input({2, 3, 1, 1}, RandomData(6, 2, -1, 1));
  }, "input 1 is not a constant"));
}

TEST_F(OpenCLTest, ConvRefusesNonConstantBias) {
  EXPECT_TRUE(GpuRefuses(runtime_, "Conv", [](mace::test::OpTester &t) {
    t.Input({1, 3, 5, 5}, RandomData(75, 1, -1, 1)).Input({2, 3, 1, 1}, RandomData(6, 2, -1, 1)).Const();
    t.Input({2}, RandomData(2, 3, -1, 1));
  }, "input 2 is not a constant"));
}

TEST_F(OpenCLTest, ConvRefusesGroupedConv) {
  EXPECT_TRUE(GpuRefuses(runtime_, "Conv", [](mace::test::OpTester &t) {
    t.Input({1, 8, 5, 5}, RandomData(200, 1, -1, 1)).Input({6, 4, 3, 3}, RandomData(216, 2, -1, 1)).Const();
    t.Arg("group", 2);
  }, "group 2 of 8 input channels (GPU kernel: group 1 or depthwise)"));
}

}  // namespace
}  // namespace test
}  // namespace opencl
}  // namespace mace
