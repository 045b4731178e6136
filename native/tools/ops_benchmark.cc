// ops_benchmark: times single op kernels on the convolution shapes of the corpus models
// (mobilenet_v2's 1x1 convs with their real channels and planes, its 3x3 stem and depthwise
// convs, mobilenet_v3's 5x5 depthwise convs, squeezenet1_1's 1x1/3x3 fire convs) and prints
// MACE's op benchmark table:
//   Benchmark | Time (ns) | Iterations | Input (MB/s) | GMACPS [| % of peak]
// Each benchmark builds the CPU op once (constant weights, so Init packs them as a model load
// does), runs it once to warm up, then repeats it until --min_time seconds have passed.
// `% of peak` (with --peak_gflops X, X in GFLOP/s) counts 2 flops per multiply-accumulate.
// Winograd cases (name ...S1W2_... / ...S1W4_...: the op's `winograd` arg set to 2 or 4) report
// *effective* GMACPS: the direct convolution's MACs over the time, so they compare directly
// with the plain case of the same shape (and % of peak may exceed 100).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "common/flags.h"
#include "core/cpu_features.h"
#include "core/op_registry.h"
#include "core/thread_pool.h"
#include "ops/common/gemm.h"

using namespace mace;         // NOLINT
using namespace mace::tools;  // NOLINT

namespace {

struct ConvCase {
  std::string model;
  int64_t c_in, c_out, h, w;  // input channels/plane, output channels
  int64_t kernel, stride, pad;
  bool depthwise;
  const char *activation = "RELU";  // the fused activation
  int winograd = 0;  // the Conv's `winograd` arg (2 or 4), 0: absent
};

// The benchmark name, MACE style: CONV_<k>x<k>S<s>[W<m>]_<model>_<Cin>x<H>x<W>_<Cout>
// (W<m>: Winograd F(m x m, 3 x 3)).
std::string NameOf(const ConvCase &c) {
  char buf[160];
  const std::string wino = c.winograd ? "W" + std::to_string(c.winograd) : "";
  std::snprintf(buf, sizeof(buf), "%s%lldx%lldS%lld%s_%s_%lldx%lldx%lld_%lld",
                c.depthwise ? "DWCONV_" : "CONV_", static_cast<long long>(c.kernel),
                static_cast<long long>(c.kernel), static_cast<long long>(c.stride),
                wino.c_str(), c.model.c_str(), static_cast<long long>(c.c_in),
                static_cast<long long>(c.h), static_cast<long long>(c.w),
                static_cast<long long>(c.c_out));
  return buf;
}

std::vector<ConvCase> Cases() {
  std::vector<ConvCase> v;
  auto pw = [&](const char *model, int64_t ci, int64_t co, int64_t hw) {
    v.push_back({model, ci, co, hw, hw, 1, 1, 0, false});
  };
  // mobilenet_v2 (224x224): stem, then every distinct 1x1 conv of the inverted residuals.
  v.push_back({"mobilenet_v2", 3, 32, 224, 224, 3, 2, 1, false});
  pw("mobilenet_v2", 32, 16, 112);
  pw("mobilenet_v2", 16, 96, 112);
  pw("mobilenet_v2", 96, 24, 56);
  pw("mobilenet_v2", 24, 144, 56);
  pw("mobilenet_v2", 144, 24, 56);
  pw("mobilenet_v2", 144, 32, 28);
  pw("mobilenet_v2", 32, 192, 28);
  pw("mobilenet_v2", 192, 32, 28);
  pw("mobilenet_v2", 192, 64, 14);
  pw("mobilenet_v2", 64, 384, 14);
  pw("mobilenet_v2", 384, 64, 14);
  pw("mobilenet_v2", 384, 96, 14);
  pw("mobilenet_v2", 96, 576, 14);
  pw("mobilenet_v2", 576, 96, 14);
  pw("mobilenet_v2", 576, 160, 7);
  pw("mobilenet_v2", 160, 960, 7);
  pw("mobilenet_v2", 960, 160, 7);
  pw("mobilenet_v2", 960, 320, 7);
  pw("mobilenet_v2", 320, 1280, 7);
  // mobilenet_v2 depthwise 3x3 convs.
  v.push_back({"mobilenet_v2", 32, 32, 112, 112, 3, 1, 1, true});
  v.push_back({"mobilenet_v2", 96, 96, 112, 112, 3, 2, 1, true});
  v.push_back({"mobilenet_v2", 144, 144, 56, 56, 3, 2, 1, true});
  v.push_back({"mobilenet_v2", 192, 192, 28, 28, 3, 2, 1, true});
  v.push_back({"mobilenet_v2", 576, 576, 14, 14, 3, 2, 1, true});
  v.push_back({"mobilenet_v2", 144, 144, 56, 56, 3, 1, 1, true});
  v.push_back({"mobilenet_v2", 384, 384, 14, 14, 3, 1, 1, true});
  v.push_back({"mobilenet_v2", 960, 960, 7, 7, 3, 1, 1, true});
  // mobilenet_v3_small (224x224): stem, with its fused HardSwish.
  v.push_back({"mobilenet_v3_small", 3, 16, 224, 224, 3, 2, 1, false, "HARDSWISH"});
  // mobilenet_v3_small's squeeze-excite FCs and classifier, and mobilenet_v2's classifier, as 1x1
  // convs on a 1x1 plane: matrix-vector products bound by reading the weights.
  pw("mobilenet_v3_small", 576, 144, 1);
  pw("mobilenet_v3_small", 144, 576, 1);
  pw("mobilenet_v3_small", 576, 1024, 1);
  pw("mobilenet_v3_small", 1024, 1000, 1);
  pw("mobilenet_v2", 1280, 1000, 1);
  // mobilenet_v3_small's depthwise 5x5 convs on 14x14 outputs (stride 1 and 2), and its
  // other stride-2 ones.
  v.push_back({"mobilenet_v3_small", 240, 240, 14, 14, 5, 1, 2, true});
  v.push_back({"mobilenet_v3_small", 96, 96, 28, 28, 5, 2, 2, true});
  v.push_back({"mobilenet_v3_small", 16, 16, 112, 112, 3, 2, 1, true});
  v.push_back({"mobilenet_v3_small", 72, 72, 56, 56, 3, 2, 1, true});
  v.push_back({"mobilenet_v3_small", 288, 288, 14, 14, 5, 2, 2, true});
  // mobilenet_v3 (large) depthwise 5x5 convs.
  v.push_back({"mobilenet_v3", 72, 72, 56, 56, 5, 2, 2, true});
  v.push_back({"mobilenet_v3", 120, 120, 28, 28, 5, 1, 2, true});
  v.push_back({"mobilenet_v3", 672, 672, 14, 14, 5, 2, 2, true});
  v.push_back({"mobilenet_v3", 960, 960, 7, 7, 5, 1, 2, true});
  // squeezenet1_1 (224x224): stem and the fire modules' squeeze 1x1 / expand 1x1 and 3x3.
  v.push_back({"squeezenet1_1", 3, 64, 224, 224, 3, 2, 0, false});
  pw("squeezenet1_1", 64, 16, 55);
  pw("squeezenet1_1", 16, 64, 55);
  v.push_back({"squeezenet1_1", 16, 64, 55, 55, 3, 1, 1, false});
  pw("squeezenet1_1", 128, 32, 27);
  v.push_back({"squeezenet1_1", 32, 128, 27, 27, 3, 1, 1, false});
  pw("squeezenet1_1", 256, 48, 13);
  v.push_back({"squeezenet1_1", 48, 192, 13, 13, 3, 1, 1, false});
  pw("squeezenet1_1", 384, 64, 13);
  v.push_back({"squeezenet1_1", 64, 256, 13, 13, 3, 1, 1, false});
  pw("squeezenet1_1", 512, 1000, 13);
  // squeezenet1_1's expand 3x3 convs again through Winograd F(2,3) and F(4,3).
  for (int m : {2, 4}) {
    const int64_t shapes[][3] = {{16, 64, 55}, {32, 128, 27}, {48, 192, 13}, {64, 256, 13}};
    for (const auto &s : shapes)
      v.push_back({"squeezenet1_1", s[0], s[1], s[2], s[2], 3, 1, 1, false, "RELU", m});
  }
  return v;
}

OpArg IntArg(int64_t i) {
  OpArg a;
  a.has_i = true;
  a.i = i;
  return a;
}
OpArg IntsArg(std::vector<int64_t> ints) {
  OpArg a;
  a.ints = std::move(ints);
  return a;
}

struct Result {
  double ns_per_run = 0;
  int64_t iterations = 0;
  int64_t macs = 0;
};

// Builds and times one Conv; false (after printing why) when the op fails.
// Seconds of CPU time this process has used (all threads).
double ProcessCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

bool RunConv(const ConvCase &c, ThreadPool *pool, double min_time, bool cpu_time, Result *out) {
  OpDef def;
  def.name = "conv";
  def.type = "Conv";
  def.inputs = {"x", "w", "b"};
  def.outputs = {"y"};
  def.output_types = {DataType::DT_FLOAT};
  def.args["group"] = IntArg(c.depthwise ? c.c_in : 1);
  def.args["strides"] = IntsArg({c.stride, c.stride});
  def.args["pads"] = IntsArg({c.pad, c.pad, c.pad, c.pad});
  def.args["activation"].s = c.activation;
  def.args["activation"].has_s = true;
  if (c.winograd) def.args["winograd"] = IntArg(c.winograd);
  const int64_t w_in = c.depthwise ? 1 : c.c_in;
  Tensor x("x", DataType::DT_FLOAT), y("y", DataType::DT_FLOAT);
  Tensor wsrc("w", DataType::DT_FLOAT), bsrc("b", DataType::DT_FLOAT);
  if (!x.Resize({1, c.c_in, c.h, c.w}).ok() ||
      !wsrc.Resize({c.c_out, w_in, c.kernel, c.kernel}).ok() || !bsrc.Resize({c.c_out}).ok()) {
    std::fprintf(stderr, "%s: out of memory\n", NameOf(c).c_str());
    return false;
  }
  auto fill = [](Tensor *t, float scale) {
    float *p = t->mutable_data<float>();
    for (int64_t i = 0; i < t->size(); ++i) p[i] = scale * static_cast<float>((i * 7919) % 17 - 8);
  };
  fill(&x, 0.1f);
  fill(&wsrc, 0.01f);
  fill(&bsrc, 0.1f);
  // Weights and bias are constants, as in a loaded model (Init packs them).
  Tensor w("w", DataType::DT_FLOAT, wsrc.buffer(), true), b("b", DataType::DT_FLOAT, bsrc.buffer(), true);
  w.SetShapeUnchecked(wsrc.shape());
  b.SetShapeUnchecked(bsrc.shape());
  const OpCreator *creator = OpRegistry::Global().Find("Conv", kCpuDevice, DataType::DT_FLOAT);
  if (creator == nullptr) {
    std::fprintf(stderr, "no CPU Conv kernel\n");
    return false;
  }
  std::unique_ptr<Operation> op = (*creator)(def, {&x, &w, &b}, {&y});
  MaceStatus st = op->Init();
  OpContext ctx{pool};
  if (st.ok()) st = op->Run(&ctx);  // warm-up (sizes the output and the scratch)
  if (!st.ok()) {
    std::fprintf(stderr, "%s: %s\n", NameOf(c).c_str(), st.information().c_str());
    return false;
  }
  using Clock = std::chrono::steady_clock;
  int64_t iters = 0;
  double elapsed = 0;
  const Clock::time_point start = Clock::now();
  const double cpu_start = ProcessCpuSeconds();
  while (elapsed < min_time) {
    // Time batches that grow, so clock reads stay negligible for tiny ops.
    const int64_t batch = std::max<int64_t>(1, iters);
    for (int64_t i = 0; i < batch; ++i) op->Run(&ctx);
    iters += batch;
    elapsed = cpu_time ? ProcessCpuSeconds() - cpu_start
                       : std::chrono::duration<double>(Clock::now() - start).count();
  }
  out->ns_per_run = elapsed * 1e9 / static_cast<double>(iters);
  out->iterations = iters;
  out->macs = op->Macs();
  return true;
}

}  // namespace

int main(int argc, char **argv) {
  Flags flags("ops_benchmark",
              "Times CPU op kernels on the conv shapes of the corpus models (MACE's op benchmark table).",
              {{"filter", ".*", "ECMAScript regex: run the benchmarks whose name it finds"},
               {"min_time", "0.5", "seconds each benchmark runs for"},
               {"threads", "1", "CPU threads"},
               {"peak_gflops", "0", "when > 0: also print % of this peak (GFLOP/s, 2 flops per MAC)"},
               {"cpu_time", "false",
                "time with the process's CPU time instead of the wall clock (1 thread on a loaded machine)"},
               {"list", "false", "only list the benchmark names"}});
  int code = 0;
  if (!flags.Parse(argc, argv, &code)) return code;
  std::regex filter;
  try {
    filter = std::regex(flags.Get("filter"));
  } catch (const std::regex_error &e) {
    std::fprintf(stderr, "bad --filter: %s\n", e.what());
    return 2;
  }
  const double min_time = std::atof(flags.Get("min_time").c_str());
  const double peak = std::atof(flags.Get("peak_gflops").c_str());
  const int threads = flags.GetInt("threads");
  ThreadPool pool(threads, AFFINITY_NONE);
  std::printf("ops_benchmark: %d thread(s), GEMM kernel %s"
              " (on x86-64, MACE_CPU_ISA=generic|avx2 selects a lower one)\n",
              threads,
              gemm::DefaultKernel().name);
  std::printf("%-44s %14s %11s %14s %9s%s\n", "Benchmark", "Time (ns)", "Iterations",
              "Input (MB/s)", "GMACPS", peak > 0 ? "  % of peak" : "");
  int failures = 0;
  for (const ConvCase &c : Cases()) {
    const std::string name = NameOf(c);
    if (!std::regex_search(name, filter)) continue;
    if (flags.GetBool("list")) {
      std::printf("%s\n", name.c_str());
      continue;
    }
    Result r;
    if (!RunConv(c, &pool, min_time, flags.GetBool("cpu_time"), &r)) {
      ++failures;
      continue;
    }
    const double input_mb = static_cast<double>(c.c_in * c.h * c.w * 4) / 1e6;
    const double gmacps = static_cast<double>(r.macs) / r.ns_per_run;
    std::printf("%-44s %14.0f %11lld %14.1f %9.2f", name.c_str(), r.ns_per_run,
                static_cast<long long>(r.iterations), input_mb * 1e9 / r.ns_per_run, gmacps);
    if (peak > 0) std::printf("  %9.1f", 100.0 * 2.0 * gmacps / peak);
    std::printf("\n");
    std::fflush(stdout);
  }
  return failures == 0 ? 0 : 1;
}
