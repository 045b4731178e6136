// DeviceType::GPU end to end: small models built here run through the public MaceEngine on the
// CPU and on the GPU (PoCL on hosts); the outputs must agree, and the engine's placement must
// say which ops ran on the GPU and which fell back to the CPU, and why.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/crc32c.h"
#include "core/model.h"
#include "mace/public/mace.h"
#include "mace_generated.h"
#include "util/model_builder.h"
#include "opencl/opencl_test_util.h"
#include "util/op_tester.h"

namespace mace {
namespace {

using mace::test::ModelBuilder;

struct RunResult {
  MaceStatus status;
  std::map<std::string, std::vector<float>> outputs;
  std::string placement_before, placement;
};

RunResult RunModel(const ModelBuilder &mb, DeviceType device,
                   const std::map<std::string, std::pair<Shape, std::vector<float>>> &inputs,
                   const std::vector<std::string> &output_names) {
  RunResult r;
  std::vector<uint8_t> graph, data;
  mb.Build(&graph, &data);
  MaceEngineConfig config(device);
  MaceEngine engine(config);
  r.status = engine.Init(graph.data(), graph.size(), {}, {}, data.data(), data.size());
  if (!r.status.ok()) return r;
  r.placement_before = engine.DevicePlacement();
  std::map<std::string, MaceTensor> in, out;
  for (const auto &kv : inputs) {
    const auto &values = kv.second.second;
    std::shared_ptr<void> buf(new float[values.size()], std::default_delete<float[]>());
    std::memcpy(buf.get(), values.data(), values.size() * 4);
    in[kv.first] = MaceTensor(kv.second.first, buf);
  }
  for (const auto &n : output_names) out[n] = MaceTensor();
  r.status = engine.Run(in, &out);
  if (!r.status.ok()) return r;
  for (auto &kv : out) {
    const float *p = kv.second.data().get();
    int64_t n = test::NumElements(kv.second.shape());
    r.outputs[kv.first] = std::vector<float>(p, p + n);
  }
  r.placement = engine.DevicePlacement();
  return r;
}

// OpenCLTest: fails without an OpenCL device unless MACE_OPENCL_OPTIONAL=1.
using GpuEngineTest = opencl::test::OpenCLTest;

// x -> Add(k) -> Relu -> Erf (no GPU kernel: CPU) -> Sigmoid -> Mul by a scalar -> Clip [0, 0.3]:
// images stay on the GPU between GPU ops; Erf's input is downloaded and its output uploaded.
ModelBuilder MixedModel() {
  ModelBuilder mb;
  mb.Input("x", {1, 3, 4, 5})
      .Const("k", {1, 3, 4, 5}, test::RandomFloats(60, -1.f, 1.f, 7))
      .Const("half", {1}, {0.5f})
      .Const("lo", {1}, {0.f})
      .Const("hi", {1}, {0.3f})
      .Op("Add", {"x", "k"}, "a")
      .Op("Relu", {"a"}, "r")
      .Op("Erf", {"r"}, "c")
      .Op("Sigmoid", {"c"}, "s")
      .Op("Mul", {"s", "half"}, "m")
      .Op("Clip", {"m", "lo", "hi"}, "y")
      .Output("y", {1, 3, 4, 5})
      .Output("s", {1, 3, 4, 5});
  return mb;
}

TEST_F(GpuEngineTest, MixedModelMatchesCpuAndReportsPlacement) {
  ModelBuilder mb = MixedModel();
  std::map<std::string, std::pair<Shape, std::vector<float>>> in = {
      {"x", {{1, 3, 4, 5}, test::RandomFloats(60, -2.f, 2.f, 3)}}};
  RunResult cpu = RunModel(mb, DeviceType::CPU, in, {"y", "s"});
  ASSERT_TRUE(cpu.status.ok()) << cpu.status.information();
  RunResult gpu = RunModel(mb, DeviceType::GPU, in, {"y", "s"});
  ASSERT_TRUE(gpu.status.ok()) << gpu.status.information();
  for (const char *name : {"y", "s"}) {
    SCOPED_TRACE(name);
    ASSERT_EQ(gpu.outputs[name].size(), 60u);
    test::ExpectAllClose(gpu.outputs[name], cpu.outputs[name], 1e-6f, 1e-4f);
  }
  // The Clip output is not trivially clipped everywhere (the test can tell a wrong kernel).
  int inside = 0;
  for (float v : cpu.outputs["y"]) inside += v > 0.f && v < 0.3f;
  EXPECT_GT(inside, 0);

  EXPECT_EQ(cpu.placement, "CPU: 6 ops");
  // Uploads: x, k and the scalar (constants once per engine), and Erf's output; downloads: Erf's
  // input and the two outputs.
  EXPECT_EQ(gpu.placement,
            "GPU: 5 ops (Add, Relu, Sigmoid, Mul, Clip); CPU fallback: 1 op (Erf: no GPU kernel); "
            "transfers: 4 uploads (1 KB), 3 downloads (1 KB)");
  EXPECT_EQ(gpu.placement_before, "GPU: 5 ops (Add, Relu, Sigmoid, Mul, Clip); CPU fallback: 1 op (Erf: no GPU kernel)");
}

// Every GPU kernel once, on a shape whose channels are not a multiple of 4 (padded image
// channels) and a batch above 1.
TEST_F(GpuEngineTest, EveryGpuKernelMatchesCpu) {
  const Shape shape = {2, 5, 3, 7};
  const int64_t n = test::NumElements(shape);
  ModelBuilder mb;
  mb.Input("x", shape)
      .Input("y", shape)
      .Const("one", {1}, {0.f})
      .Const("six", {1}, {6.f})
      .Op("Sub", {"x", "y"}, "t1")
      .Op("Div", {"t1", "y"}, "t2")  // y in [1, 3]: no division by ~0
      .Op("Min", {"t2", "x"}, "t3")
      .Op("Max", {"t3", "t1"}, "t4")
      .Op("Mul", {"t4", "x"}, "t5")
      .Op("Add", {"t5", "y"}, "t6")
      .Op("Tanh", {"t6"}, "t7")
      .Op("LeakyRelu", {"t6"}, "t8", {{"alpha", 0.2f}})
      .Op("Clip", {"t8", "one", "six"}, "t9")
      .Op("Relu", {"t5"}, "t10")
      .Op("Sigmoid", {"t6"}, "t11")
      .Op("HardSigmoid", {"t6"}, "t12", {{"alpha", 0.3f}, {"beta", 0.4f}})
      .Op("HardSwish", {"t6"}, "t13")
      .Output("t12", shape)
      .Output("t13", shape)
      .Output("t7", shape)
      .Output("t8", shape)
      .Output("t9", shape)
      .Output("t10", shape)
      .Output("t11", shape);
  std::map<std::string, std::pair<Shape, std::vector<float>>> in = {
      {"x", {shape, test::RandomFloats(n, -4.f, 4.f, 11)}}, {"y", {shape, test::RandomFloats(n, 1.f, 3.f, 12)}}};
  const std::vector<std::string> outs = {"t7", "t8", "t9", "t10", "t11", "t12", "t13"};
  RunResult cpu = RunModel(mb, DeviceType::CPU, in, outs);
  ASSERT_TRUE(cpu.status.ok()) << cpu.status.information();
  RunResult gpu = RunModel(mb, DeviceType::GPU, in, outs);
  ASSERT_TRUE(gpu.status.ok()) << gpu.status.information();
  for (const auto &name : outs) {
    SCOPED_TRACE(name);
    ASSERT_EQ(gpu.outputs[name].size(), static_cast<size_t>(n));
    test::ExpectAllClose(gpu.outputs[name], cpu.outputs[name], 1e-5f, 1e-4f);
  }
  EXPECT_EQ(gpu.placement,
            "GPU: 13 ops (Sub, Div, Min, Max, Mul, Add, Tanh, LeakyRelu, Clip, Relu, Sigmoid, HardSigmoid, "
            "HardSwish); CPU fallback: 0 ops; transfers: 2 uploads (2 KB), 7 downloads (6 KB)");
}

// Cases the kernels do not take exactly run on the CPU, each with its reason.
TEST_F(GpuEngineTest, UnsupportedCasesFallBackWithReasons) {
  const Shape shape = {1, 2, 2, 3};
  ModelBuilder mb;
  mb.Input("x", shape)
      .Const("row", {3}, {1.f, 2.f, 3.f})
      .Op("Add", {"x", "row"}, "a")          // broadcast of ranks 4 and 1
      .Op("Max", {"a", "x", "a"}, "m")       // three inputs
      .Op("Erf", {"m"}, "y")                 // no GPU kernel
      .Output("y", shape);
  std::map<std::string, std::pair<Shape, std::vector<float>>> in = {
      {"x", {shape, test::RandomFloats(12, -2.f, 2.f, 5)}}};
  RunResult cpu = RunModel(mb, DeviceType::CPU, in, {"y"});
  ASSERT_TRUE(cpu.status.ok()) << cpu.status.information();
  RunResult gpu = RunModel(mb, DeviceType::GPU, in, {"y"});
  ASSERT_TRUE(gpu.status.ok()) << gpu.status.information();
  EXPECT_EQ(gpu.outputs["y"], cpu.outputs["y"]);  // all on the CPU: bit-identical
  EXPECT_EQ(gpu.placement,
            "GPU: 0 ops; CPU fallback: 3 ops (Add: broadcast [1,2,2,3] with [3] (GPU kernel: inputs of one rank, "
            "or a one-element input), Max: 3 inputs (GPU kernel: 2), Erf: no GPU kernel); "
            "transfers: 0 uploads (0 KB), 0 downloads (0 KB)");
}

}  // namespace
}  // namespace mace
