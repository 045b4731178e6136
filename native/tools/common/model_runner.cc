#include "common/model_runner.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

#include "common/npy.h"

namespace mace {
namespace tools {

std::vector<FlagSpec> ModelFlags() {
  return {
      {"model_file", "", "the model graph (.mace)"},
      {"model_data_file", "", "the model weights (.data)"},
      {"input_node", "", "input tensor names, comma-separated (default: the model's)"},
      {"input_shape", "", "input shapes, ':'-separated, each comma-separated (default: the model's)"},
      {"output_node", "", "output tensor names, comma-separated (default: the model's)"},
      {"input_file", "", "inputs: comma-separated .npy files in input order, or a MACE raw-file prefix "
                         "(<prefix>_<input name>); random values when empty"},
      {"input_ranges", "-1,1", "range of random inputs, 'lo,hi' (':'-separated per input)"},
      {"input_seed", "1234", "seed of random inputs"},
      {"omp_num_threads", "-1", "CPU threads; -1 = one per core"},
      {"cpu_affinity_policy", "0", "0 none, 1 big cores only, 2 little cores only"},
      {"device", "CPU", "CPU or GPU"},
      {"opencl_storage_path", "", "GPU: a file of compiled OpenCL programs, read at start and updated "
                                  "after runs that compiled new ones"},
      {"opencl_binary_file", "", "GPU: precompiled OpenCL programs (mace_run --tune output), comma-separated"},
      {"opencl_parameter_file", "", "GPU: tuned OpenCL local work sizes (mace_run --tune output)"},
  };
}

double NowMs() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

long PeakRssKb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  // Without /proc (a chroot, a locked-down device), the kernel's own count: ru_maxrss, in KiB on Linux.
  struct rusage usage;
  return getrusage(RUSAGE_SELF, &usage) == 0 ? usage.ru_maxrss : 0;
}

namespace {

bool EndsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::shared_ptr<void> Alloc(size_t bytes) {
  return std::shared_ptr<void>(new uint8_t[bytes ? bytes : 1](), std::default_delete<uint8_t[]>());
}

size_t ItemSize(IDataType t) {
  switch (t) {
    case IDataType::IDT_INT64: return 8;
    case IDataType::IDT_UINT8: case IDataType::IDT_INT8: case IDataType::IDT_BOOL: return 1;
    default: return 4;
  }
}

const char *NpyName(IDataType t) {
  switch (t) {
    case IDataType::IDT_INT32: return "int32";
    case IDataType::IDT_INT64: return "int64";
    case IDataType::IDT_UINT8: return "uint8";
    case IDataType::IDT_INT8: return "int8";
    case IDataType::IDT_BOOL: return "bool";
    default: return "float32";
  }
}

bool LoadInput(const std::string &path, const std::string &name, const std::vector<int64_t> &shape,
               bool is_raw, IDataType dtype, MaceTensor *out) {
  int64_t count = 1;
  for (auto d : shape) count *= d;
  const size_t item = ItemSize(dtype);
  auto data = Alloc(static_cast<size_t>(count) * item);
  if (is_raw) {  // MACE raw file: little-endian values of the input's type, exactly the shape's size
    std::ifstream f(path, std::ios::binary);
    if (!f) {
      std::fprintf(stderr, "error: cannot open input file '%s' for input '%s'\n", path.c_str(), name.c_str());
      return false;
    }
    f.read(static_cast<char *>(data.get()), count * static_cast<int64_t>(item));
    if (f.gcount() != count * static_cast<int64_t>(item)) {
      std::fprintf(stderr, "error: input file '%s' holds fewer than the %lld values of input '%s'\n", path.c_str(),
                   static_cast<long long>(count), name.c_str());
      return false;
    }
    *out = MaceTensor(shape, data, DataFormat::NONE, dtype);
    return true;
  }
  NpyArray a;
  std::string err;
  if (!ReadNpy(path, &a, &err)) {
    std::fprintf(stderr, "error: %s\n", err.c_str());
    return false;
  }
  if (a.dtype == NpyName(dtype)) {  // same type: take the bytes as they are
    if (a.bytes.size() != static_cast<size_t>(count) * item) {
      std::fprintf(stderr, "error: '%s' holds %zu values, input '%s' needs %lld\n", path.c_str(), a.bytes.size() / item,
                   name.c_str(), static_cast<long long>(count));
      return false;
    }
    std::memcpy(data.get(), a.bytes.data(), a.bytes.size());
    *out = MaceTensor(shape, data, DataFormat::NONE, dtype);
    return true;
  }
  // Otherwise convert numerically (e.g. float64 or int32 files for a float32 input).
  std::vector<float> f;
  std::vector<int64_t> i;
  bool is_float = dtype == IDataType::IDT_FLOAT;
  if (!(is_float ? NpyToFloats(a, &f, &err) : NpyToInt64(a, &i, &err))) {
    std::fprintf(stderr, "error: %s\n", err.c_str());
    return false;
  }
  size_t n = is_float ? f.size() : i.size();
  if (static_cast<int64_t>(n) != count) {
    std::fprintf(stderr, "error: '%s' holds %zu values, input '%s' needs %lld\n", path.c_str(), n, name.c_str(),
                 static_cast<long long>(count));
    return false;
  }
  uint8_t *p = static_cast<uint8_t *>(data.get());
  for (size_t k = 0; k < n; ++k) {
    switch (dtype) {
      case IDataType::IDT_FLOAT: std::memcpy(p + 4 * k, &f[k], 4); break;
      case IDataType::IDT_INT32: { int32_t v = static_cast<int32_t>(i[k]); std::memcpy(p + 4 * k, &v, 4); break; }
      case IDataType::IDT_INT64: std::memcpy(p + 8 * k, &i[k], 8); break;
      case IDataType::IDT_BOOL: p[k] = i[k] != 0; break;
      default: p[k] = static_cast<uint8_t>(i[k]); break;
    }
  }
  *out = MaceTensor(shape, data, DataFormat::NONE, dtype);
  return true;
}

}  // namespace

bool LoadModel(const Flags &flags, LoadedModel *model, bool tune, double kernel_time_limit_ms) {
  if (flags.Get("model_file").empty()) {
    std::fprintf(stderr, "error: --model_file is required (see --help)\n");
    return false;
  }
  const std::string &device = flags.Get("device");
  if (device != "CPU" && device != "GPU") {
    std::fprintf(stderr, "error: --device must be CPU or GPU, not '%s'\n", device.c_str());
    return false;
  }
  MaceEngineConfig config(device == "GPU" ? DeviceType::GPU : DeviceType::CPU);
  MaceStatus s = config.SetCPUThreadPolicy(flags.GetInt("omp_num_threads"),
                                           static_cast<CPUAffinityPolicy>(flags.GetInt("cpu_affinity_policy")));
  if (!s.ok()) {
    std::fprintf(stderr, "error: %s\n", s.information().c_str());
    return false;
  }
  if (device == "GPU") {
    GPUContextBuilder gpu;
    gpu.SetStoragePath(flags.Get("opencl_storage_path"))
        .SetOpenCLBinaryPaths(Split(flags.Get("opencl_binary_file"), ','))
        .SetOpenCLParameterPath(flags.Get("opencl_parameter_file"))
        .SetOpenCLTuning(tune, kernel_time_limit_ms);
    config.SetGPUContext(gpu.Finalize());
  }
  std::vector<std::string> in_names = Split(flags.Get("input_node"), ',');
  std::vector<std::string> out_names = Split(flags.Get("output_node"), ',');
  double t0 = NowMs();
  s = CreateMaceEngineFromFiles(flags.Get("model_file"), flags.Get("model_data_file"), in_names, out_names, config,
                                &model->engine);
  model->init_ms = NowMs() - t0;
  if (!s.ok()) {
    std::fprintf(stderr, "error: cannot load model '%s': %s\n", flags.Get("model_file").c_str(),
                 s.information().c_str());
    return false;
  }
  model->input_names = model->engine->InputNames();
  model->output_names = model->engine->OutputNames();

  std::vector<std::string> shapes = Split(flags.Get("input_shape"), ':');
  std::vector<std::string> files = Split(flags.Get("input_file"), ',');
  std::vector<std::string> ranges = Split(flags.Get("input_ranges"), ':');
  std::mt19937 rng(static_cast<uint32_t>(flags.GetInt("input_seed")));
  bool prefix_mode = files.size() == 1 && !EndsWith(files[0], ".npy");
  if (!files.empty() && !prefix_mode && files.size() != model->input_names.size()) {
    std::fprintf(stderr, "error: --input_file names %zu .npy files but the model has %zu inputs\n", files.size(),
                 model->input_names.size());
    return false;
  }
  for (size_t i = 0; i < model->input_names.size(); ++i) {
    const std::string &name = model->input_names[i];
    std::vector<int64_t> shape = model->engine->InputShape(name);
    if (i < shapes.size() && !shapes[i].empty() && !ParseShape(shapes[i], &shape)) {
      std::fprintf(stderr, "error: --input_shape '%s' is not a comma-separated list of integers\n", shapes[i].c_str());
      return false;
    }
    for (auto d : shape)
      if (d < 0) {
        std::fprintf(stderr, "error: input '%s' has an open dimension; give --input_shape\n", name.c_str());
        return false;
      }
    MaceTensor t;
    if (!files.empty()) {
      std::string path = prefix_mode ? files[0] + "_" + FileNameOf(name) : files[i];
      if (!LoadInput(path, name, shape, prefix_mode, model->engine->InputDataType(name), &t)) return false;
    } else {
      std::vector<std::string> r = Split(ranges.empty() ? "-1,1" : ranges[std::min(i, ranges.size() - 1)], ',');
      float lo = r.size() == 2 ? std::stof(r[0]) : -1.f, hi = r.size() == 2 ? std::stof(r[1]) : 1.f;
      std::uniform_real_distribution<float> dist(lo, hi);
      int64_t count = 1;
      for (auto d : shape) count *= d;
      auto data = Alloc(static_cast<size_t>(count) * 4);
      float *p = static_cast<float *>(data.get());
      for (int64_t k = 0; k < count; ++k) p[k] = dist(rng);
      t = MaceTensor(shape, data);
    }
    model->inputs[name] = t;
  }
  return true;
}

std::map<std::string, MaceTensor> MakeOutputs(const LoadedModel &model) {
  std::map<std::string, MaceTensor> outputs;
  for (const auto &n : model.output_names) outputs[n] = MaceTensor();
  return outputs;
}

}  // namespace tools
}  // namespace mace
