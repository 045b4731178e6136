// ConvTranspose 2-D: the GPU kernel against the CPU kernel on float and half images: strides
// 1 to 3 (also kernels smaller than the stride), symmetric and asymmetric pads,
// output_padding, auto_pad and output_shape, with and without bias, fused activations, odd
// channel counts, N = 2, H != W, group 1 and depthwise; the cases it refuses run on the CPU.
#include <cstring>
#include <map>
#include <tuple>

#include "core/crc32c.h"
#include "core/model.h"
#include "mace/public/mace.h"
#include "mace_generated.h"
#include "util/model_builder.h"
#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {
namespace {

using mace::test::OpTester;

struct DeconvCase {
  std::string name;
  Shape x, w;  // w: [C_in, C_out, kH, kW]
  bool bias;
  std::function<void(OpTester &)> args;
  int64_t group = 1;
};
void PrintTo(const DeconvCase &c, std::ostream *os) { *os << c.name; }

using ConvTransposeTest = OpenCLParamTest<std::tuple<DeconvCase, ImageType>>;

void Build(const DeconvCase &c, OpTester &t) {
  t.Input(c.x, RandomData(mace::test::NumElements(c.x), 11, -1, 1));
  t.Input(c.w, RandomData(mace::test::NumElements(c.w), 12, -1, 1)).Const();
  if (c.bias) t.Input({c.w[1] * c.group}, RandomData(c.w[1] * c.group, 13, -1, 1)).Const();
  if (c.group != 1) t.Arg("group", c.group);
  if (c.args) c.args(t);
}

TEST_P(ConvTransposeTest, MatchesCpu) {
  const DeconvCase &c = std::get<0>(GetParam());
  const ImageType type = std::get<1>(GetParam());
  Tolerance tol = ToleranceFor(type);
  // Each output sums up to C_in * kH * kW products of values in [-1, 1], in another order than
  // the CPU's GEMM + col2im, and may cancel to near 0: absolute floors for float rounding and
  // (half images) for the rounding of every input and weight to 11 bits.
  tol.atol = type == ImageType::kHalf ? 2e-2f : 1e-4f;
  EXPECT_TRUE(GpuMatchesCpu(runtime_, type, "ConvTranspose", [&](OpTester &t) { Build(c, t); }, tol));
}

std::vector<DeconvCase> Cases() {
  return {
      {"s2_p1_op1_bias", {2, 5, 7, 6}, {5, 7, 3, 3}, true,
       [](OpTester &t) { t.Ints("strides", {2, 2}).Ints("pads", {1, 1, 1, 1}).Ints("output_padding", {1, 1}); }},
      {"s1_k3x2_c3_to_13", {2, 3, 5, 4}, {3, 13, 3, 2}, false, nullptr},
      {"s2x3_asym_pads", {1, 13, 4, 5}, {13, 5, 4, 5}, true,
       [](OpTester &t) {
         t.Ints("strides", {2, 3}).Ints("pads", {1, 0, 2, 1}).Ints("output_padding", {1, 2});
       }},
      {"s3_k2_gaps", {2, 8, 3, 4}, {8, 4, 2, 2}, true, [](OpTester &t) { t.Ints("strides", {3, 3}); }},
      {"s2_k4_p1", {1, 7, 6, 9}, {7, 3, 4, 4}, true,
       [](OpTester &t) { t.Ints("strides", {2, 2}).Ints("pads", {1, 1, 1, 1}); }},
      {"wide_row", {1, 4, 2, 23}, {4, 6, 3, 3}, false,
       [](OpTester &t) { t.Ints("strides", {1, 2}).Ints("pads", {0, 1, 0, 1}); }},
      {"same_upper", {2, 5, 5, 7}, {5, 6, 3, 3}, true,
       [](OpTester &t) { t.Ints("strides", {2, 2}).Arg("auto_pad", "SAME_UPPER"); }},
      {"same_lower", {1, 3, 4, 3}, {3, 5, 4, 3}, false,
       [](OpTester &t) { t.Ints("strides", {2, 2}).Arg("auto_pad", "SAME_LOWER"); }},
      {"valid", {1, 5, 3, 4}, {5, 3, 3, 3}, true,
       [](OpTester &t) { t.Ints("strides", {2, 1}).Arg("auto_pad", "VALID"); }},
      // Larger than the natural output: negative begin pads.
      {"output_shape", {1, 5, 3, 4}, {5, 7, 3, 3}, true,
       [](OpTester &t) { t.Ints("strides", {2, 2}).Ints("output_shape", {10, 11}); }},
      {"relu", {2, 5, 4, 3}, {5, 7, 3, 3}, true,
       [](OpTester &t) { t.Ints("strides", {2, 2}).Ints("pads", {1, 1, 1, 1}).Arg("activation", "RELU"); }},
      {"clip", {1, 6, 4, 5}, {6, 5, 2, 2}, true,
       [](OpTester &t) {
         t.Ints("strides", {2, 2}).Arg("activation", "CLIP").Arg("activation_alpha", -0.5f).Arg("activation_beta", 0.75f);
       }},
      {"leaky_relu", {1, 5, 3, 3}, {5, 3, 3, 3}, false,
       [](OpTester &t) { t.Arg("activation", "LEAKYRELU").Arg("activation_alpha", 0.1f); }},
      {"sigmoid", {1, 3, 4, 4}, {3, 9, 3, 3}, true,
       [](OpTester &t) { t.Ints("strides", {2, 2}).Ints("pads", {1, 1, 1, 1}).Arg("activation", "SIGMOID"); }},
      // Depthwise (group = C_in, W [C, 1, kH, kW]).
      {"depthwise_s2_p1_op1", {2, 5, 4, 3}, {5, 1, 3, 3}, true,
       [](OpTester &t) {
         t.Ints("strides", {2, 2}).Ints("pads", {1, 1, 1, 1}).Ints("output_padding", {1, 1});
       }, 5},
      {"depthwise_upsample_k4", {1, 13, 3, 5}, {13, 1, 4, 4}, false,
       [](OpTester &t) { t.Ints("strides", {2, 2}).Ints("pads", {1, 1, 1, 1}); }, 13},
      {"depthwise_s3x1_asym_relu", {2, 7, 3, 4}, {7, 1, 2, 3}, true,
       [](OpTester &t) {
         t.Ints("strides", {3, 1}).Ints("pads", {0, 1, 1, 0}).Arg("activation", "RELU");
       }, 7},
  };
}

INSTANTIATE_TEST_SUITE_P(Cases, ConvTransposeTest,
                         ::testing::Combine(::testing::ValuesIn(Cases()),
                                            ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
                         [](const ::testing::TestParamInfo<ConvTransposeTest::ParamType> &info) {
                           return StrCat(std::get<0>(info.param).name, "_", ImageTypeName(std::get<1>(info.param)));
                         });

// A second Run reuses the weight image built on the first.
TEST_F(OpenCLTest, ConvTransposeRunsTwice) {
  OpTester cpu("ConvTranspose"), gpu("ConvTranspose");
  const DeconvCase c = Cases()[0];
  Build(c, cpu);
  Build(c, gpu);
  ASSERT_MACE_OK(cpu.Run());
  GpuMemory memory(runtime_, ImageType::kFloat);
  gpu.OnDevice(&memory);
  ASSERT_MACE_OK(gpu.Run());
  ASSERT_MACE_OK(gpu.Run());
  EXPECT_TRUE(AllClose(gpu.OutputFloats(), cpu.OutputFloats(), Tolerance{1e-4f, 1e-4f}));
}

TEST_F(OpenCLTest, ConvTransposeRefusesGroups) {
  EXPECT_TRUE(GpuRefuses(runtime_, "ConvTranspose", [](OpTester &t) {
    t.Input({1, 4, 3, 3}, RandomData(36, 1, -1, 1)).Input({4, 2, 3, 3}, RandomData(72, 2, -1, 1)).Const().Arg("group", 2);
  }, "GPU kernel: group 1, or depthwise"));
}

TEST_F(OpenCLTest, ConvTransposeRefusesDilation) {
  EXPECT_TRUE(GpuRefuses(runtime_, "ConvTranspose", [](OpTester &t) {
    t.Input({1, 4, 3, 3}, RandomData(36, 1, -1, 1)).Input({4, 2, 3, 3}, RandomData(72, 2, -1, 1)).Const().Ints(
        "dilations", {2, 2});
  }, "dilations 1"));
}

TEST_F(OpenCLTest, ConvTransposeRefusesComputedWeights) {
  EXPECT_TRUE(GpuRefuses(runtime_, "ConvTranspose", [](OpTester &t) {
    t.Input({1, 4, 3, 3}, RandomData(36, 1, -1, 1)).Input({4, 2, 3, 3}, RandomData(72, 2, -1, 1));
  }, "constant weights"));
}

TEST_F(OpenCLTest, ConvTransposeRefuses1D) {
  EXPECT_TRUE(GpuRefuses(runtime_, "ConvTranspose", [](OpTester &t) {
    t.Input({1, 4, 5}, RandomData(20, 1, -1, 1)).Input({4, 2, 3}, RandomData(24, 2, -1, 1)).Const();
  }, "GPU kernel: 2-D"));
}

using mace::test::ModelBuilder;

struct EngineResult {
  MaceStatus status;
  std::map<std::string, std::vector<float>> outputs;
  std::string placement;
};

EngineResult RunModel(const ModelBuilder &mb, DeviceType device, const Shape &x_shape, const std::vector<float> &x,
                      const std::vector<std::string> &output_names) {
  EngineResult r;
  std::vector<uint8_t> graph, data;
  mb.Build(&graph, &data);
  MaceEngine engine{MaceEngineConfig(device)};
  r.status = engine.Init(graph.data(), graph.size(), {}, {}, data.data(), data.size());
  if (!r.status.ok()) return r;
  std::shared_ptr<void> buf(new float[x.size()], std::default_delete<float[]>());
  std::memcpy(buf.get(), x.data(), x.size() * 4);
  std::map<std::string, MaceTensor> in = {{"x", MaceTensor(x_shape, buf)}}, out;
  for (const auto &n : output_names) out[n] = MaceTensor();
  r.status = engine.Run(in, &out);
  if (!r.status.ok()) return r;
  for (auto &kv : out) {
    const float *p = kv.second.data().get();
    r.outputs[kv.first] = std::vector<float>(p, p + mace::test::NumElements(kv.second.shape()));
  }
  r.placement = engine.DevicePlacement();
  return r;
}

// Inside a GPU engine, a Div of 5-channel tensors leaves 0/0 = NaN in the padding lanes of its
// image; the kernels that read it (ConvTranspose sums over input lanes) must keep them out of
// real channels.
TEST_F(OpenCLTest, PaddingLanesNeverReachRealChannels) {
  const Shape shape{2, 5, 4, 3};
  const int64_t n = mace::test::NumElements(shape);
  ModelBuilder mb;
  mb.Input("x", shape)
      .Const("k", shape, RandomData(n, 21, 1, 2))
      .Const("w", {5, 6, 3, 3}, RandomData(270, 22, -1, 1))
      .Const("scales", {4}, {1, 1, 2, 1.5f})
      .Op("Div", {"x", "k"}, "d")
      .Op("ConvTranspose", {"d", "w"}, "y", {}, {{"strides", {2, 2}}, {"pads", {1, 1, 1, 1}}})
      .Op("ReduceMean", {"d"}, "m", {}, {{"axes", {2, 3}}})
      .Op("Resize", {"d", "", "scales"}, "r")
      .Output("y", {2, 6, 7, 5})
      .Output("m", {2, 5, 1, 1})
      .Output("r", {2, 5, 8, 4});
  const std::vector<float> x = RandomData(n, 23, -1, 1);
  const std::vector<std::string> outs = {"y", "m", "r"};
  EngineResult cpu = RunModel(mb, DeviceType::CPU, shape, x, outs);
  ASSERT_TRUE(cpu.status.ok()) << cpu.status.information();
  EngineResult gpu = RunModel(mb, DeviceType::GPU, shape, x, outs);
  ASSERT_TRUE(gpu.status.ok()) << gpu.status.information();
  EXPECT_EQ(gpu.placement.rfind("GPU: 4 ops (Div, ConvTranspose, ReduceMean, Resize); CPU fallback: 0 ops", 0), 0u)
      << gpu.placement;
  for (const auto &name : outs) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(AllClose(gpu.outputs[name], cpu.outputs[name], Tolerance{1e-4f, 1e-4f}));
  }
}

}  // namespace
}  // namespace test
}  // namespace opencl
}  // namespace mace
