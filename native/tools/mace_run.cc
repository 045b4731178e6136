// mace_run: loads a converted model, runs it `--round` times and writes the outputs.
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>
#include <string>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "common/flags.h"
#include "common/model_runner.h"
#include "common/npy.h"
#include "core/op_registry.h"
#ifdef MACE_ENABLE_OPENCL
#include "opencl/opencl_library.h"
#include "opencl/opencl_runtime.h"
#endif

using namespace mace;         // NOLINT
using namespace mace::tools;  // NOLINT

namespace {

const char *DtypeName(IDataType t) {
  switch (t) {
    case IDataType::IDT_INT32: return "int32";
    case IDataType::IDT_INT64: return "int64";
    case IDataType::IDT_UINT8: return "uint8";
    case IDataType::IDT_INT8: return "int8";
    case IDataType::IDT_BOOL: return "bool";
    default: return "float32";
  }
}
size_t DtypeSize(IDataType t) {
  if (t == IDataType::IDT_INT64) return 8;
  if (t == IDataType::IDT_UINT8 || t == IDataType::IDT_INT8 || t == IDataType::IDT_BOOL) return 1;
  return 4;
}

// --opencl_info: what a device agent records about the GPU driver. Exit 0 when a device exists.
int PrintOpenCLInfo() {
#ifdef MACE_ENABLE_OPENCL
  std::vector<opencl::OpenCLDeviceInfo> devices;
  std::string error;
  if (!opencl::ListOpenCLDevices(&devices, &error)) {
    std::printf("opencl: unavailable: %s\n", error.c_str());
    return 2;
  }
  std::printf("opencl: %s\n", opencl::OpenCLLibrary::Get(nullptr)->path().c_str());
  for (const auto &d : devices)
    std::printf("opencl device: %s | %s | %s | %s\n", d.platform.c_str(), d.platform_version.c_str(),
                d.device.c_str(), d.device_version.c_str());
  // The device GPU engines use, and what its compiled programs and tuned parameters depend on.
  std::unique_ptr<opencl::OpenCLRuntime> rt;
  if (!devices.empty() && opencl::OpenCLRuntime::Create(&rt).ok()) {
    const opencl::DeviceFingerprint &f = rt->fingerprint();
    std::printf("opencl engine device: %s\nopencl driver: %s\nopencl runtime: %s\n", f.device.c_str(),
                f.driver.c_str(), f.runtime.c_str());
  }
  return devices.empty() ? 2 : 0;
#else
  std::printf("opencl: not in this build (runtimes: cpu); build with runtime gpu or cpu+gpu\n");
  return 2;
#endif
}

// --list_ops: the op types this build has kernels for, one line per device ("cpu: Add Conv ...",
// "gpu: ..."), for the converter's coverage table to be checked against.
int PrintRegisteredOps() {
  std::set<std::string> by_device[2];
  for (const OpKey &k : OpRegistry::Global().Keys())
    if (k.device == kCpuDevice || k.device == kGpuDevice) by_device[k.device].insert(k.type);
  for (int d : {kCpuDevice, kGpuDevice}) {
    std::printf("%s:", d == kCpuDevice ? "cpu" : "gpu");
    for (const auto &t : by_device[d]) std::printf(" %s", t.c_str());
    std::printf("\n");
  }
  return 0;
}

// A file-name-safe SoC name for tuning outputs: the GPU engine's device name.
std::string DefaultSoc() {
  std::string name = "unknown";
#ifdef MACE_ENABLE_OPENCL
  std::unique_ptr<opencl::OpenCLRuntime> rt;
  if (opencl::OpenCLRuntime::Create(&rt).ok()) name = rt->device_name();
#endif
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? char(std::tolower(c)) : '_';
  return out;
}

// The stem of a path: "dir/mobilenet.mace" -> "mobilenet".
std::string Stem(const std::string &path) {
  std::string base = path.substr(path.find_last_of('/') + 1);
  return base.substr(0, base.find('.'));
}

// --tune: writes MACE's two tuning outputs into --tune_output_dir.
int WriteTuning(const Flags &flags, const MaceEngine &engine) {
  const std::string tag = flags.Get("model_tag").empty() ? Stem(flags.Get("model_file")) : flags.Get("model_tag");
  const std::string soc = flags.Get("soc").empty() ? DefaultSoc() : flags.Get("soc");
  const std::string dir = flags.Get("tune_output_dir"), lib = flags.Get("library_name");
  if (!dir.empty()) mkdir(dir.c_str(), 0755);
  const std::string prefix = (dir.empty() ? "" : dir + "/") + lib;
  const std::string binary = prefix + "_compiled_opencl_kernel." + tag + "." + soc + ".bin";
  const std::string params = prefix + "_tuned_opencl_parameter." + tag + "." + soc + ".bin";
  MaceStatus s = engine.WriteOpenCLTuning(binary, params);
  if (!s.ok()) {
    std::fprintf(stderr, "error: cannot write the tuning outputs: %s\n", s.information().c_str());
    return 1;
  }
  std::printf("tuned: wrote %s and %s\n", binary.c_str(), params.c_str());
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  std::vector<FlagSpec> specs = ModelFlags();
  specs.push_back({"round", "1", "number of runs"});
  specs.push_back({"output_dir", "", "write each output as <dir>/<output name>.npy ('/' and ':' become '_')"});
  specs.push_back({"output_file", "", "MACE raw outputs: write <prefix>_<output name> as little-endian floats"});
  specs.push_back({"json", "", "write {init_ms, run_ms: [...], peak_rss_kb} to this file"});
  specs.push_back({"opencl_info", "false", "print the OpenCL library and devices found, then exit (2: none)"});
  specs.push_back({"list_ops", "false", "print the op types this build has CPU and GPU kernels for, then exit"});
  specs.push_back({"tune", "false", "GPU: search the OpenCL local work size of every kernel launch, then write "
                                    "<library_name>_compiled_opencl_kernel.<model_tag>.<soc>.bin and "
                                    "<library_name>_tuned_opencl_parameter.<model_tag>.<soc>.bin"});
  specs.push_back({"limit_opencl_kernel_time", "0", "with --tune: split kernels slower than this many ms (1: "
                                                    "MACE's limit_opencl_kernel_time)"});
  specs.push_back({"tune_output_dir", ".", "with --tune: where the two files go"});
  specs.push_back({"library_name", "mace", "with --tune: the library name in the file names"});
  specs.push_back({"model_tag", "", "with --tune: the model tag in the file names (default: the model file's stem)"});
  specs.push_back({"soc", "", "with --tune: the SoC in the file names (default: the OpenCL device's name)"});
  Flags flags("mace_run", "Runs a converted model (.mace + .data) and writes its outputs.", specs);
  int code = 0;
  if (!flags.Parse(argc, argv, &code)) return code;
  if (flags.GetBool("opencl_info")) return PrintOpenCLInfo();
  if (flags.GetBool("list_ops")) return PrintRegisteredOps();

  const bool tune = flags.GetBool("tune");
  if (tune && flags.Get("device") != "GPU") {
    std::fprintf(stderr, "error: --tune tunes OpenCL kernels: use it with --device=GPU\n");
    return 1;
  }
  double time_limit_ms = 0;
  try {
    time_limit_ms = std::stod(flags.Get("limit_opencl_kernel_time"));
  } catch (...) {
    time_limit_ms = -1;
  }
  if (time_limit_ms < 0) {
    std::fprintf(stderr, "error: --limit_opencl_kernel_time must be a number of ms >= 0\n");
    return 1;
  }
  LoadedModel model;
  if (!LoadModel(flags, &model, tune, time_limit_ms)) return 1;
  std::printf("init: %.3f ms\n", model.init_ms);
  int rounds = std::max(1, flags.GetInt("round"));
  std::map<std::string, MaceTensor> outputs = MakeOutputs(model);
  std::vector<double> times;
  for (int r = 0; r < rounds; ++r) {
    double t0 = NowMs();
    MaceStatus s = model.engine->Run(model.inputs, &outputs);
    times.push_back(NowMs() - t0);
    if (!s.ok()) {
      std::fprintf(stderr, "error: run %d failed: %s\n", r, s.information().c_str());
      return 1;
    }
  }
  std::vector<double> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  std::printf("runs: %d, first %.3f ms, median %.3f ms, min %.3f ms\n", rounds, times[0], sorted[sorted.size() / 2],
              sorted[0]);
  // Which ops the GPU ran and which fell back to the CPU (and why), as of the last run.
  if (flags.Get("device") == "GPU") std::printf("%s\n", model.engine->DevicePlacement().c_str());
  if (tune && WriteTuning(flags, *model.engine) != 0) return 1;

  const std::string &dir = flags.Get("output_dir");
  if (!dir.empty()) mkdir(dir.c_str(), 0755);
  for (const auto &name : model.output_names) {
    const MaceTensor &t = outputs[name];
    int64_t count = 1;
    for (auto d : t.shape()) count *= d;
    const uint8_t *p = static_cast<const uint8_t *>(t.raw_data().get());
    size_t bytes = static_cast<size_t>(count) * DtypeSize(t.data_type());
    std::printf("output %s: shape [", name.c_str());
    for (size_t i = 0; i < t.shape().size(); ++i) std::printf("%s%lld", i ? "," : "", static_cast<long long>(t.shape()[i]));
    std::printf("] %s\n", DtypeName(t.data_type()));
    if (!dir.empty()) {
      NpyArray a{DtypeName(t.data_type()), t.shape(), std::vector<uint8_t>(p, p + bytes)};
      std::string err;
      if (!WriteNpy(dir + "/" + FileNameOf(name) + ".npy", a, &err)) {
        std::fprintf(stderr, "error: %s\n", err.c_str());
        return 1;
      }
    }
    if (!flags.Get("output_file").empty()) {
      std::ofstream f(flags.Get("output_file") + "_" + FileNameOf(name), std::ios::binary);
      f.write(reinterpret_cast<const char *>(p), static_cast<std::streamsize>(bytes));
      if (!f) {
        std::fprintf(stderr, "error: cannot write output file for '%s'\n", name.c_str());
        return 1;
      }
    }
  }
  if (!flags.Get("json").empty()) {
    std::ofstream f(flags.Get("json"));
    f << "{\"init_ms\": " << model.init_ms << ", \"run_ms\": [";
    for (size_t i = 0; i < times.size(); ++i) f << (i ? ", " : "") << times[i];
    f << "], \"peak_rss_kb\": " << PeakRssKb() << "}\n";
  }
  return 0;
}
