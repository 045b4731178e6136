#include "opencl/opencl_runtime.h"

#include <vector>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/crc32c.h"
#include "mace/public/mace.h"
#include "opencl/cl_sources.h"

namespace mace {
namespace opencl {

namespace {

template <typename Fn, typename Handle>
std::string InfoString(Fn fn, Handle handle, cl_uint param) {
  size_t size = 0;
  if (fn(handle, param, 0, nullptr, &size) != CL_SUCCESS || size == 0) return "";
  std::string value(size, '\0');
  if (fn(handle, param, size, &value[0], nullptr) != CL_SUCCESS) return "";
  while (!value.empty() && value.back() == '\0') value.pop_back();
  return value;
}

template <typename T>
T DeviceInfo(const OpenCLLibrary &cl, cl_device_id device, cl_uint param) {
  T value{};
  if (cl.clGetDeviceInfo(device, param, sizeof(value), &value, nullptr) != CL_SUCCESS) return T{};
  return value;
}

}  // namespace

MaceStatus OpenCLRuntime::Create(std::unique_ptr<OpenCLRuntime> *runtime, const OpenCLRuntimeOptions &options) {
  std::unique_ptr<OpenCLRuntime> r(new OpenCLRuntime);
  r->options_ = options;
  MACE_RETURN_IF_ERROR(r->Init());
  r->LoadFiles();
  *runtime = std::move(r);
  return MaceStatus();
}

void OpenCLRuntime::Log(const std::string &line) const {
  if (options_.log) {
    options_.log(line);
  } else {
    std::fprintf(stderr, "mace opencl: %s\n", line.c_str());
  }
}

void OpenCLRuntime::LoadFiles() {
  std::vector<std::string> binary_files = options_.binary_paths;
  if (!options_.storage_path.empty()) binary_files.push_back(options_.storage_path);
  for (const std::string &path : binary_files) {
    if (path.empty() || access(path.c_str(), F_OK) != 0) continue;  // nothing stored yet
    ProgramBinaries loaded;
    std::string why;
    if (!ReadProgramBinaries(path, fingerprint_, &loaded, &why)) {
      Log("ignoring compiled OpenCL programs: " + why + "; compiling kernels from source");
      continue;
    }
    binaries_.insert(loaded.begin(), loaded.end());
  }
  if (!options_.parameter_path.empty() && access(options_.parameter_path.c_str(), F_OK) == 0) {
    std::string why;
    if (!ReadTuningTable(options_.parameter_path, fingerprint_, &tuning_, &why))
      Log("ignoring tuned OpenCL parameters: " + why + "; using default work-group sizes (tune again)");
  } else if (!options_.parameter_path.empty() && !options_.tuning) {
    Log("no tuned OpenCL parameters at " + options_.parameter_path + "; using default work-group sizes");
  }
}

OpenCLRuntime::~OpenCLRuntime() {
  // Programs before the queue and context that they belong to.
  programs_.clear();
  queue_.reset();
  context_.reset();
}

MaceStatus OpenCLRuntime::Init() {
  std::string error;
  cl_ = OpenCLLibrary::Get(&error);
  if (!cl_) return Unsupported("OpenCL: ", error);
  cl_uint num_platforms = 0;
  if (cl_->clGetPlatformIDs(0, nullptr, &num_platforms) != CL_SUCCESS || num_platforms == 0)
    return Unsupported("OpenCL: ", cl_->path(),
                       " loaded, but it reports no OpenCL platform (is the driver or ICD installed?)");
  std::vector<cl_platform_id> platforms(num_platforms);
  MACE_CL_RETURN_IF_ERROR("clGetPlatformIDs", cl_->clGetPlatformIDs(num_platforms, platforms.data(), nullptr));

  // First GPU of any platform; else the first device at all.
  cl_platform_id platform = nullptr;
  for (cl_device_type type : {CL_DEVICE_TYPE_GPU, CL_DEVICE_TYPE_ALL}) {
    for (cl_platform_id p : platforms) {
      cl_device_id d = nullptr;
      cl_uint n = 0;
      if (cl_->clGetDeviceIDs(p, type, 1, &d, &n) == CL_SUCCESS && n > 0) {
        platform = p;
        device_ = d;
        break;
      }
    }
    if (device_) break;
  }
  if (!device_) return Unsupported("OpenCL: ", num_platforms, " platform(s) but no device");

  platform_name_ = InfoString(cl_->clGetPlatformInfo, platform, CL_PLATFORM_NAME);
  device_name_ = InfoString(cl_->clGetDeviceInfo, device_, CL_DEVICE_NAME);
  device_version_ = InfoString(cl_->clGetDeviceInfo, device_, CL_DEVICE_VERSION);
  driver_version_ = InfoString(cl_->clGetDeviceInfo, device_, CL_DRIVER_VERSION);
  extensions_ = InfoString(cl_->clGetDeviceInfo, device_, CL_DEVICE_EXTENSIONS);
  is_gpu_ = (DeviceInfo<cl_device_type>(*cl_, device_, CL_DEVICE_TYPE) & CL_DEVICE_TYPE_GPU) != 0;
  fp16_supported_ = (" " + extensions_ + " ").find(" cl_khr_fp16 ") != std::string::npos;
  image_supported_ = DeviceInfo<cl_bool>(*cl_, device_, CL_DEVICE_IMAGE_SUPPORT) == CL_TRUE;
  image2d_max_width_ = DeviceInfo<size_t>(*cl_, device_, CL_DEVICE_IMAGE2D_MAX_WIDTH);
  image2d_max_height_ = DeviceInfo<size_t>(*cl_, device_, CL_DEVICE_IMAGE2D_MAX_HEIGHT);
  max_work_group_size_ = DeviceInfo<size_t>(*cl_, device_, CL_DEVICE_MAX_WORK_GROUP_SIZE);
  // Binaries and tuned sizes depend on the kernel sources as much as on the driver.
  uint32_t sources = 0;
  for (const std::string &n : EmbeddedCLSourceNames()) {
    const char *text = EmbeddedCLSource(n);
    sources = Crc32c(n.data(), n.size(), sources);
    sources = Crc32c(text, std::strlen(text), sources);
  }
  char hash[16];
  std::snprintf(hash, sizeof(hash), "%08x", sources);
  fingerprint_ = {platform_name_, device_name_, driver_version_, std::string(MaceVersion()) + "+cl" + hash};

  cl_int err = CL_SUCCESS;
  context_ = CLObject<cl_context>(cl_->clCreateContext(nullptr, 1, &device_, nullptr, nullptr, &err),
                                  cl_->clReleaseContext);
  if (err != CL_SUCCESS) return CLError("clCreateContext", err, "device " + device_name_);
  // In order: kernels of one net run one after another without events between them.
  queue_ = CLObject<cl_command_queue>(
      cl_->clCreateCommandQueue(context_.get(), device_, CL_QUEUE_PROFILING_ENABLE, &err),
      cl_->clReleaseCommandQueue);
  if (err != CL_SUCCESS) return CLError("clCreateCommandQueue", err, "device " + device_name_);
  return MaceStatus();
}

MaceStatus OpenCLRuntime::BuildProgram(const std::string &name, const std::string &options,
                                       cl_program *program) {
  const char *source = EmbeddedCLSource(name);
  if (!source) {
    std::string known;
    for (const std::string &n : EmbeddedCLSourceNames()) known += (known.empty() ? "" : ", ") + n;
    return InvalidArgs("OpenCL: no embedded kernel source '", name, "' (embedded: ", known, ")");
  }
  // common.cl (types, sampler, activations) comes first in every program.
  const char *common = EmbeddedCLSource("common");
  return BuildProgramFromSource(name, std::string(common ? common : "") + "\n" + source, options, program);
}

MaceStatus OpenCLRuntime::BuildProgramFromSource(const std::string &name, const std::string &source,
                                                 const std::string &options, cl_program *program) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto key = std::make_pair(name, options);
  auto it = programs_.find(key);
  if (it != programs_.end()) {
    *program = it->second.get();
    return MaceStatus();
  }
  const std::string binary_key = name + "|" + options;
  if (cl_program stored = ProgramFromBinary(binary_key, name)) {
    *program = stored;
    programs_.emplace(key, CLObject<cl_program>(stored, cl_->clReleaseProgram));
    ++program_stats_.from_binary;
    return MaceStatus();
  }
  const char *text = source.c_str();
  size_t length = source.size();
  cl_int err = CL_SUCCESS;
  CLObject<cl_program> p(cl_->clCreateProgramWithSource(context_.get(), 1, &text, &length, &err),
                         cl_->clReleaseProgram);
  if (err != CL_SUCCESS) return CLError("clCreateProgramWithSource", err, "program " + name);
  err = cl_->clBuildProgram(p.get(), 1, &device_, options.c_str(), nullptr, nullptr);
  if (err != CL_SUCCESS) {
    std::string log = InfoString(
        [this](cl_program prog, cl_uint param, size_t size, void *value, size_t *ret) {
          return cl_->clGetProgramBuildInfo(prog, device_, param, size, value, ret);
        },
        p.get(), CL_PROGRAM_BUILD_LOG);
    return CLError("clBuildProgram", err,
                   StrCat("program '", name, "' options '", options, "' on ", device_name_,
                          "; build log:\n", log.empty() ? "(empty)" : log));
  }
  // Keep the device binary for the storage file (a driver that offers none is just not cached).
  size_t binary_size = 0;
  if (cl_->clGetProgramInfo(p.get(), CL_PROGRAM_BINARY_SIZES, sizeof(binary_size), &binary_size, nullptr) ==
          CL_SUCCESS &&
      binary_size > 0) {
    std::string binary(binary_size, '\0');
    unsigned char *ptr = reinterpret_cast<unsigned char *>(&binary[0]);
    if (cl_->clGetProgramInfo(p.get(), CL_PROGRAM_BINARIES, sizeof(ptr), &ptr, nullptr) == CL_SUCCESS) {
      binaries_[binary_key] = std::move(binary);
      unsaved_programs_ = true;
    }
  }
  ++program_stats_.from_source;
  *program = p.get();
  programs_.emplace(key, std::move(p));
  return MaceStatus();
}

cl_program OpenCLRuntime::ProgramFromBinary(const std::string &key, const std::string &name) {
  auto it = binaries_.find(key);
  if (it == binaries_.end()) return nullptr;
  const unsigned char *bytes = reinterpret_cast<const unsigned char *>(it->second.data());
  const size_t size = it->second.size();
  cl_int status = CL_SUCCESS, err = CL_SUCCESS;
  cl_program p = cl_->clCreateProgramWithBinary(context_.get(), 1, &device_, &size, &bytes, &status, &err);
  if (err == CL_SUCCESS && status == CL_SUCCESS)
    err = cl_->clBuildProgram(p, 1, &device_, nullptr, nullptr, nullptr);
  if (err == CL_SUCCESS && status == CL_SUCCESS) return p;
  if (p) cl_->clReleaseProgram(p);
  Log("the stored binary of program '" + name + "' was rejected by the driver (" +
      CLErrorName(err != CL_SUCCESS ? err : status) + "); compiling it from source");
  binaries_.erase(it);
  return nullptr;
}

OpenCLRuntime::ProgramStats OpenCLRuntime::program_stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return program_stats_;
}

bool OpenCLRuntime::has_unsaved_programs() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return unsaved_programs_;
}

MaceStatus OpenCLRuntime::SaveProgramBinaries(const std::string &path) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string &file = path.empty() ? options_.storage_path : path;
  if (file.empty()) return MaceStatus();
  MACE_RETURN_IF_ERROR(WriteProgramBinaries(file, fingerprint_, binaries_));
  if (file == options_.storage_path) unsaved_programs_ = false;
  return MaceStatus();
}

MaceStatus OpenCLRuntime::SaveTuningTable(const std::string &path) {
  return WriteTuningTable(path, fingerprint_, tuning_);
}

MaceStatus OpenCLRuntime::CreateKernel(const std::string &program_name, const std::string &kernel_name,
                                       const std::string &options, CLObject<cl_kernel> *kernel) {
  cl_program program = nullptr;
  MACE_RETURN_IF_ERROR(BuildProgram(program_name, options, &program));
  cl_int err = CL_SUCCESS;
  *kernel = CLObject<cl_kernel>(cl_->clCreateKernel(program, kernel_name.c_str(), &err), cl_->clReleaseKernel);
  if (err != CL_SUCCESS)
    return CLError("clCreateKernel", err, "kernel '" + kernel_name + "' of program '" + program_name + "'");
  return MaceStatus();
}

MaceStatus OpenCLRuntime::Run2D(cl_kernel kernel, const size_t gws[2], const char *what,
                                cl_ulong *elapsed_ns) {
  return Enqueue(kernel, {gws[0], gws[1]}, {}, what, elapsed_ns);
}

namespace {

std::string Dims(const std::vector<size_t> &v) {
  std::string r;
  for (size_t d : v) r += (r.empty() ? "" : "x") + std::to_string(d);
  return r;
}

// Whether `lws` is a usable local size for `gws` (OpenCL 1.2: it must divide it).
bool Divides(const std::vector<size_t> &lws, const std::vector<size_t> &gws) {
  if (lws.empty()) return true;
  if (lws.size() != gws.size()) return false;
  for (size_t d = 0; d < gws.size(); ++d)
    if (lws[d] == 0 || gws[d] % lws[d] != 0) return false;
  return true;
}

// Local sizes worth timing for `gws`: per dimension the divisors of gws[d] (1, powers of two,
// and the largest few), combined while the group fits `max_group`.
std::vector<std::vector<size_t>> LocalSizeCandidates(const std::vector<size_t> &gws, size_t max_group) {
  std::vector<std::vector<size_t>> per_dim;
  for (size_t g : gws) {
    std::vector<size_t> divisors;
    for (size_t d = 1; d * d <= g; ++d) {
      if (g % d) continue;
      divisors.push_back(d);
      divisors.push_back(g / d);
    }
    std::sort(divisors.begin(), divisors.end());
    divisors.erase(std::unique(divisors.begin(), divisors.end()), divisors.end());
    std::vector<size_t> keep;
    for (size_t d : divisors)
      if (d <= max_group && ((d & (d - 1)) == 0 || d + 4 > std::min(g, max_group))) keep.push_back(d);
    // Largest divisors that fit, even when not powers of two (e.g. 7, 14, 28 for 28).
    for (auto it = divisors.rbegin(); it != divisors.rend() && keep.size() < 8; ++it)
      if (*it <= max_group && std::find(keep.begin(), keep.end(), *it) == keep.end()) keep.push_back(*it);
    per_dim.push_back(keep);
  }
  std::vector<std::vector<size_t>> out = {{}};
  for (const auto &choices : per_dim) {
    std::vector<std::vector<size_t>> next;
    for (const auto &prefix : out)
      for (size_t c : choices) {
        size_t product = c;
        for (size_t p : prefix) product *= p;
        if (product > max_group) continue;
        auto v = prefix;
        v.push_back(c);
        next.push_back(v);
      }
    out.swap(next);
  }
  // At most 48 candidates, spread over the list (larger groups first).
  std::sort(out.begin(), out.end(), [](const std::vector<size_t> &a, const std::vector<size_t> &b) {
    size_t pa = 1, pb = 1;
    for (size_t x : a) pa *= x;
    for (size_t x : b) pb *= x;
    return pa != pb ? pa > pb : a < b;
  });
  const size_t kMax = 48;
  if (out.size() > kMax) {
    std::vector<std::vector<size_t>> spread;
    for (size_t i = 0; i < kMax; ++i) spread.push_back(out[i * out.size() / kMax]);
    out.swap(spread);
  }
  // Timed in bit-reversed order (the middle, then the quarters, ...), so that a search cut
  // short by its time budget has still sampled every part of the range.
  size_t bits = 0;
  while ((size_t(1) << bits) < out.size()) ++bits;
  std::vector<std::vector<size_t>> ordered;
  for (size_t i = 0; i < (size_t(1) << bits); ++i) {
    size_t r = 0;
    for (size_t b = 0; b < bits; ++b) r |= ((i >> b) & 1) << (bits - 1 - b);
    if (r < out.size()) ordered.push_back(out[r]);
  }
  return ordered;
}

}  // namespace

MaceStatus OpenCLRuntime::Enqueue(cl_kernel kernel, const std::vector<size_t> &gws,
                                  const std::vector<size_t> &lws, const std::string &what,
                                  cl_ulong *elapsed_ns, const std::vector<size_t> &offset) {
  if (gws.empty() || gws.size() > 3 || (!lws.empty() && lws.size() != gws.size()) ||
      (!offset.empty() && offset.size() != gws.size()))
    return InvalidArgs("OpenCL: ", what, ": ", gws.size(), "-D global size with ", lws.size(), "-D local size");
  cl_event raw_event = nullptr;
  MACE_CL_RETURN_IF_ERROR("clEnqueueNDRangeKernel",
                          cl_->clEnqueueNDRangeKernel(queue_.get(), kernel, cl_uint(gws.size()),
                                                      offset.empty() ? nullptr : offset.data(), gws.data(),
                                                      lws.empty() ? nullptr : lws.data(), 0, nullptr,
                                                      elapsed_ns ? &raw_event : nullptr),
                          StrCat(what, " over ", Dims(gws), lws.empty() ? "" : " local " + Dims(lws)));
  if (!elapsed_ns) return MaceStatus();
  CLObject<cl_event> event(raw_event, cl_->clReleaseEvent);
  MACE_CL_RETURN_IF_ERROR("clWaitForEvents", cl_->clWaitForEvents(1, &raw_event), what);
  cl_ulong start = 0, end = 0;
  MACE_CL_RETURN_IF_ERROR("clGetEventProfilingInfo",
                          cl_->clGetEventProfilingInfo(raw_event, CL_PROFILING_COMMAND_START,
                                                       sizeof(start), &start, nullptr), what);
  MACE_CL_RETURN_IF_ERROR("clGetEventProfilingInfo",
                          cl_->clGetEventProfilingInfo(raw_event, CL_PROFILING_COMMAND_END,
                                                       sizeof(end), &end, nullptr), what);
  *elapsed_ns = end - start;
  return MaceStatus();
}

MaceStatus OpenCLRuntime::Launch(cl_kernel kernel, const std::string &tuning_name, const std::vector<size_t> &gws,
                                 const std::vector<size_t> &lws, const std::string &what) {
  const std::string key = tuning_name + ":" + Dims(gws);
  TunedLaunch chosen;
  auto it = tuning_.find(key);
  if (it != tuning_.end() && Divides(it->second.lws, gws)) {
    chosen = it->second;
  } else if (options_.tuning) {
    MACE_RETURN_IF_ERROR(Tune(kernel, gws, what, &chosen));
    tuning_[key] = chosen;
  } else {
    return Enqueue(kernel, gws, lws, what);
  }
  if (chosen.chunks <= 1) return Enqueue(kernel, gws, chosen.lws, what);
  // Split the last dimension into `chunks` parts (multiples of the local size) run in turn.
  const size_t last = gws.size() - 1;
  const size_t unit = chosen.lws.empty() ? 1 : chosen.lws[last];
  const size_t blocks = gws[last] / unit;
  const size_t per = (blocks + size_t(chosen.chunks) - 1) / size_t(chosen.chunks) * unit;
  for (size_t start = 0; start < gws[last]; start += per) {
    std::vector<size_t> part = gws, offset(gws.size(), 0);
    part[last] = std::min(per, gws[last] - start);
    offset[last] = start;
    MACE_RETURN_IF_ERROR(Enqueue(kernel, part, chosen.lws, what, nullptr, offset));
  }
  return MaceStatus();
}

MaceStatus OpenCLRuntime::Tune(cl_kernel kernel, const std::vector<size_t> &gws, const std::string &what,
                               TunedLaunch *best) {
  size_t kernel_group = 0;
  if (cl_->clGetKernelWorkGroupInfo(kernel, device_, CL_KERNEL_WORK_GROUP_SIZE, sizeof(kernel_group), &kernel_group,
                                    nullptr) != CL_SUCCESS ||
      kernel_group == 0)
    kernel_group = max_work_group_size_;
  const size_t max_group = std::max<size_t>(1, std::min(max_work_group_size_ ? max_work_group_size_ : kernel_group,
                                                        kernel_group));
  std::vector<std::vector<size_t>> candidates = LocalSizeCandidates(gws, max_group);
  candidates.insert(candidates.begin(), std::vector<size_t>());  // the driver's choice
  std::vector<std::pair<cl_ulong, std::vector<size_t>>> timed;   // (best time, local size)
  cl_ulong best_ns = ~cl_ulong(0);
  const auto start = std::chrono::steady_clock::now();
  for (const auto &lws : candidates) {
    // A wall-clock budget per launch: drivers that compile a kernel per local size (PoCL) or slow
    // kernels would otherwise make tuning a model take many minutes.
    const double spent_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!timed.empty() && spent_ms > options_.tuning_budget_ms) break;
    cl_ulong ns = 0, fastest = ~cl_ulong(0);
    MaceStatus s = Enqueue(kernel, gws, lws, what, &ns);  // warm-up
    if (!s.ok()) continue;  // e.g. CL_OUT_OF_RESOURCES for this size: not a candidate
    if (best_ns != ~cl_ulong(0) && ns > 3 * best_ns) continue;  // clearly slower: not worth timing
    for (int run = 0; run < 3; ++run) {
      MACE_RETURN_IF_ERROR(Enqueue(kernel, gws, lws, what, &ns));
      fastest = std::min(fastest, ns);
    }
    timed.emplace_back(fastest, lws);
    best_ns = std::min(best_ns, fastest);
  }
  if (timed.empty()) return RuntimeError("OpenCL: ", what, ": no local size could run over ", Dims(gws));
  std::sort(timed.begin(), timed.end());
  best->lws = timed[0].second;
  best->chunks = 1;
  const double ms = double(best_ns) / 1e6;
  if (options_.kernel_time_limit_ms > 0 && ms > options_.kernel_time_limit_ms) {
    // The fastest local size that leaves enough groups along the last dimension to split into
    // parts of about the limit (the driver's choice leaves every row).
    const size_t last = gws.size() - 1;
    const size_t wanted = size_t(std::ceil(ms / options_.kernel_time_limit_ms));
    size_t most = 0;
    for (const auto &t : timed) {
      const size_t blocks = gws[last] / (t.second.empty() ? 1 : t.second[last]);
      if (blocks > most) {
        most = blocks;
        best->lws = t.second;
      }
      if (blocks >= wanted) {
        best->lws = t.second;
        most = blocks;
        break;
      }
    }
    best->chunks = int(std::min(most, wanted));
  }
  return MaceStatus();
}

MaceStatus OpenCLRuntime::Finish() {
  MACE_CL_RETURN_IF_ERROR("clFinish", cl_->clFinish(queue_.get()));
  return MaceStatus();
}

size_t OpenCLRuntime::program_cache_size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return programs_.size();
}

}  // namespace opencl
}  // namespace mace
