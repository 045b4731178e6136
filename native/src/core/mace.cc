// Implementation of the public API (include/mace/public/mace.h) on top of the core.
#include "mace/public/mace.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/model.h"
#include "core/net.h"
#include "core/status.h"
#include "core/thread_pool.h"
#ifdef MACE_ENABLE_OPENCL
#include "opencl/opencl_library.h"
#include "opencl/gpu_memory.h"
#include "opencl/opencl_runtime.h"
#endif

#ifndef MACE_VERSION_STRING
#define MACE_VERSION_STRING "0.1.0"
#endif

namespace mace {

const char *MaceVersion() { return MACE_VERSION_STRING; }

// ---- MaceStatus ----
class MaceStatus::Impl {
 public:
  Code code = MACE_SUCCESS;
  std::string information;
};
MaceStatus::MaceStatus() : impl_(new Impl) {}
MaceStatus::MaceStatus(const Code code) : impl_(new Impl) { impl_->code = code; }
MaceStatus::MaceStatus(const Code code, const std::string &information) : impl_(new Impl) {
  impl_->code = code;
  impl_->information = information;
}
MaceStatus::MaceStatus(const MaceStatus &o) : impl_(new Impl(*o.impl_)) {}
MaceStatus::MaceStatus(MaceStatus &&o) : impl_(new Impl(*o.impl_)) {}
MaceStatus &MaceStatus::operator=(const MaceStatus &o) { *impl_ = *o.impl_; return *this; }
MaceStatus &MaceStatus::operator=(const MaceStatus &&o) { *impl_ = *o.impl_; return *this; }
MaceStatus::~MaceStatus() = default;
MaceStatus::Code MaceStatus::code() const { return impl_->code; }
std::string MaceStatus::information() const {
  if (!impl_->information.empty() || impl_->code == MACE_SUCCESS) return impl_->information;
  switch (impl_->code) {
    case MACE_INVALID_ARGS: return "invalid arguments";
    case MACE_OUT_OF_RESOURCES: return "out of resources";
    case MACE_UNSUPPORTED: return "unsupported";
    default: return "runtime error";
  }
}
bool MaceStatus::operator==(const MaceStatus &o) const { return code() == o.code(); }
bool MaceStatus::operator!=(const MaceStatus &o) const { return code() != o.code(); }

// ---- GPU context (settings are kept; the OpenCL backend consumes them) ----
class GPUContext {
 public:
  std::string storage_path;
  std::vector<std::string> binary_paths;
  std::string parameter_path;
  bool tuning = false;
  double kernel_time_limit_ms = 0;
};
class GPUContextBuilder::Impl {
 public:
  GPUContext ctx;
};
GPUContextBuilder::GPUContextBuilder() : impl_(new Impl) {}
GPUContextBuilder::~GPUContextBuilder() = default;
GPUContextBuilder &GPUContextBuilder::SetStoragePath(const std::string &p) { impl_->ctx.storage_path = p; return *this; }
GPUContextBuilder &GPUContextBuilder::SetOpenCLBinaryPaths(const std::vector<std::string> &p) { impl_->ctx.binary_paths = p; return *this; }
GPUContextBuilder &GPUContextBuilder::SetOpenCLParameterPath(const std::string &p) { impl_->ctx.parameter_path = p; return *this; }
GPUContextBuilder &GPUContextBuilder::SetOpenCLTuning(bool tuning, double kernel_time_limit_ms) {
  impl_->ctx.tuning = tuning;
  impl_->ctx.kernel_time_limit_ms = kernel_time_limit_ms;
  return *this;
}
std::shared_ptr<GPUContext> GPUContextBuilder::Finalize() { return std::make_shared<GPUContext>(impl_->ctx); }

// ---- MaceEngineConfig ----
class MaceEngineConfig::Impl {
 public:
  DeviceType device = DeviceType::CPU;
  int num_threads = -1;
  CPUAffinityPolicy policy = AFFINITY_NONE;
  std::shared_ptr<GPUContext> gpu_context;
  GPUPerfHint perf = PERF_DEFAULT;
  GPUPriorityHint priority = PRIORITY_DEFAULT;
};
MaceEngineConfig::MaceEngineConfig(const DeviceType d) : impl_(new Impl) { impl_->device = d; }
MaceEngineConfig::~MaceEngineConfig() = default;
MaceEngineConfig::MaceEngineConfig(const MaceEngineConfig &o) : impl_(new Impl(*o.impl_)) {}
MaceEngineConfig &MaceEngineConfig::operator=(const MaceEngineConfig &o) { *impl_ = *o.impl_; return *this; }
void MaceEngineConfig::SetGPUContext(std::shared_ptr<GPUContext> c) { impl_->gpu_context = std::move(c); }
MaceStatus MaceEngineConfig::SetGPUHints(GPUPerfHint p, GPUPriorityHint q) {
  impl_->perf = p;
  impl_->priority = q;
  return MaceStatus::MACE_SUCCESS;
}
MaceStatus MaceEngineConfig::SetCPUThreadPolicy(int n, CPUAffinityPolicy policy) {
  if (policy < AFFINITY_NONE || policy > AFFINITY_LITTLE_ONLY)
    return InvalidArgs("cpu affinity policy must be 0 (none), 1 (big) or 2 (little), got ", static_cast<int>(policy));
  impl_->num_threads = n;
  impl_->policy = policy;
  return MaceStatus::MACE_SUCCESS;
}

// ---- MaceTensor ----
class MaceTensor::Impl {
 public:
  std::vector<int64_t> shape;
  std::shared_ptr<void> data;
  DataFormat format = DataFormat::NCHW;
  IDataType dtype = IDataType::IDT_FLOAT;
  size_t buffer_size = 0;
};
MaceTensor::MaceTensor(const std::vector<int64_t> &shape, std::shared_ptr<void> data, const DataFormat f,
                       const IDataType t, const size_t buffer_size)
    : impl_(new Impl) {
  impl_->shape = shape;
  impl_->data = std::move(data);
  impl_->format = f;
  impl_->dtype = t;
  impl_->buffer_size = buffer_size;
}
MaceTensor::MaceTensor() : impl_(new Impl) {}
MaceTensor::MaceTensor(const MaceTensor &o) : impl_(new Impl(*o.impl_)) {}
MaceTensor::MaceTensor(const MaceTensor &&o) : impl_(new Impl(*o.impl_)) {}
MaceTensor &MaceTensor::operator=(const MaceTensor &o) { *impl_ = *o.impl_; return *this; }
MaceTensor &MaceTensor::operator=(const MaceTensor &&o) { *impl_ = *o.impl_; return *this; }
MaceTensor::~MaceTensor() = default;
const std::vector<int64_t> &MaceTensor::shape() const { return impl_->shape; }
const std::shared_ptr<float> MaceTensor::data() { return std::static_pointer_cast<float>(impl_->data); }
const std::shared_ptr<const float> MaceTensor::data() const { return std::static_pointer_cast<const float>(impl_->data); }
std::shared_ptr<void> MaceTensor::raw_data() const { return impl_->data; }
DataFormat MaceTensor::data_format() const { return impl_->format; }
IDataType MaceTensor::data_type() const { return impl_->dtype; }
size_t MaceTensor::buffer_size() const { return impl_->buffer_size; }

// ---- MaceEngine ----
namespace {

DataType FromIDataType(IDataType t) {
  switch (t) {
    case IDataType::IDT_INT32: return DataType::DT_INT32;
    case IDataType::IDT_INT64: return DataType::DT_INT64;
    case IDataType::IDT_UINT8: return DataType::DT_UINT8;
    case IDataType::IDT_INT8: return DataType::DT_INT8;
    case IDataType::IDT_BOOL: return DataType::DT_BOOL;
    default: return DataType::DT_FLOAT;
  }
}
IDataType ToIDataType(DataType t) {
  switch (t) {
    case DataType::DT_INT32: return IDataType::IDT_INT32;
    case DataType::DT_INT64: return IDataType::IDT_INT64;
    case DataType::DT_UINT8: return IDataType::IDT_UINT8;
    case DataType::DT_INT8: return IDataType::IDT_INT8;
    case DataType::DT_BOOL: return IDataType::IDT_BOOL;
    default: return IDataType::IDT_FLOAT;
  }
}

// A read-only memory mapping of a whole file.
class MappedFile {
 public:
  ~MappedFile() {
    if (addr_ != nullptr && size_ > 0) munmap(addr_, size_);
  }
  MaceStatus Open(const std::string &path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return InvalidArgs("cannot open '", path, "': ", std::strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      close(fd);
      return InvalidArgs("'", path, "' is not a regular file");
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      addr_ = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (addr_ == MAP_FAILED) {
        addr_ = nullptr;
        close(fd);
        return InvalidArgs("cannot map '", path, "': ", std::strerror(errno));
      }
    }
    close(fd);
    return MaceStatus::MACE_SUCCESS;
  }
  const uint8_t *data() const { return static_cast<const uint8_t *>(addr_); }
  size_t size() const { return size_; }

 private:
  void *addr_ = nullptr;
  size_t size_ = 0;
};

}  // namespace

class MaceEngine::Impl {
 public:
  MaceEngineConfig config;
  std::unique_ptr<ThreadPool> pool;
#ifdef MACE_ENABLE_OPENCL
  std::unique_ptr<opencl::OpenCLRuntime> opencl_runtime;  // DeviceType::GPU; outlives the net
  std::unique_ptr<opencl::GpuMemory> gpu_memory;          // the GPU ops' images
#endif
  std::unique_ptr<Net> net;
  MappedFile graph_file, data_file;
  std::vector<std::string> input_names, output_names;

  explicit Impl(const MaceEngineConfig &c) : config(c) {}

  // DeviceType::GPU: opens the OpenCL device the GPU ops run on, with images of the model's
  // gpu_data_type. Fails when this build has no OpenCL runtime or this device has no OpenCL
  // driver (or it cannot be opened).
  MaceStatus OpenGpu(const ModelGraph &graph, NetOptions *options) {
#ifdef MACE_ENABLE_OPENCL
    std::string error;
    const opencl::OpenCLLibrary *cl = opencl::OpenCLLibrary::Get(&error);
    if (!cl) return Unsupported("DeviceType::GPU: ", error);
    opencl::OpenCLRuntimeOptions runtime_options;
    if (const GPUContext *gpu = config.impl()->gpu_context.get()) {
      runtime_options.storage_path = gpu->storage_path;
      runtime_options.binary_paths = gpu->binary_paths;
      runtime_options.parameter_path = gpu->parameter_path;
      runtime_options.tuning = gpu->tuning;
      runtime_options.kernel_time_limit_ms = gpu->kernel_time_limit_ms;
    }
    MaceStatus s = opencl::OpenCLRuntime::Create(&opencl_runtime, runtime_options);
    if (!s.ok()) return MaceStatus(s.code(), "DeviceType::GPU: " + s.information());
    const auto type = graph.gpu_data_type == DataType::DT_HALF ? opencl::ImageType::kHalf : opencl::ImageType::kFloat;
    gpu_memory.reset(new opencl::GpuMemory(opencl_runtime.get(), type));
    options->device_memory = gpu_memory.get();
    return MaceStatus::MACE_SUCCESS;
#else
    return Unsupported("this build of the runtime has no GPU backend (runtimes: cpu); "
                       "build with runtime gpu or cpu+gpu, or use DeviceType::CPU");
#endif
  }

  MaceStatus Init(const uint8_t *graph, size_t graph_size, const std::vector<std::string> &inputs,
                  const std::vector<std::string> &outputs, const uint8_t *data, size_t data_size) {
    const auto *cfg = config.impl();
    ModelGraph g;
    MACE_RETURN_IF_ERROR(LoadModelGraph(graph, graph_size, data, data_size, &g));
    NetOptions options;
    if (cfg->device != DeviceType::CPU) MACE_RETURN_IF_ERROR(OpenGpu(g, &options));
    input_names = inputs.empty() ? Names(g.inputs) : inputs;
    output_names = outputs.empty() ? Names(g.outputs) : outputs;
    for (const auto &n : input_names)
      if (!Find(g.inputs, n)) return InvalidArgs("the model has no input named '", n, "' (inputs: ", Join(Names(g.inputs)), ")");
    for (const auto &n : output_names)
      if (!Find(g.outputs, n)) return InvalidArgs("the model has no output named '", n, "' (outputs: ", Join(Names(g.outputs)), ")");
    pool.reset(new ThreadPool(cfg->num_threads, cfg->policy));
    return Net::Create(g, data, pool.get(), &net, options);
  }

  MaceStatus Run(const std::map<std::string, MaceTensor> &inputs, std::map<std::string, MaceTensor> *outputs,
                 RunMetadata *md) {
    if (!net) return RuntimeError("engine is not initialised: call Init first");
    // Inputs the net reads from the caller's memory give their own buffers back however the
    // run ends, so no tensor keeps a pointer into memory the caller may free.
    struct Lent {
      std::vector<Tensor *> tensors;
      ~Lent() {
        for (Tensor *t : tensors) t->Unborrow();
      }
    } lent;
    for (const auto &io : net->graph().inputs) {
      auto it = inputs.find(io.name);
      if (it == inputs.end()) return InvalidArgs("input '", io.name, "' is missing");
      const MaceTensor &src = it->second;
      Tensor *dst = net->GetTensor(io.name);
      if (src.shape().size() != io.dims.size())
        return InvalidArgs("input '", io.name, "' has rank ", src.shape().size(), ", the model expects ",
                           ShapeToString(io.dims));
      for (size_t d = 0; d < io.dims.size(); ++d)
        if (io.dims[d] >= 0 && io.dims[d] != src.shape()[d])
          return InvalidArgs("input '", io.name, "' has shape ", ShapeToString(src.shape()), ", the model expects ",
                             ShapeToString(io.dims));
      if (FromIDataType(src.data_type()) != io.dtype)
        return InvalidArgs("input '", io.name, "' must be ", DataTypeName(io.dtype));
      if (!src.raw_data()) return InvalidArgs("input '", io.name, "' has no data");
      if (ReadInPlace(src, DataTypeSize(io.dtype))) {
        dst->Borrow(src.shape(), src.raw_data().get());
        lent.tensors.push_back(dst);
        continue;
      }
      MACE_RETURN_IF_ERROR(dst->Resize(src.shape()));
      std::memcpy(dst->raw_mutable_data(), src.raw_data().get(), dst->bytes());
    }
    MACE_RETURN_IF_ERROR(net->Run(md));
    SaveCompiledPrograms();
    for (auto &kv : *outputs) {
      Tensor *t = net->GetTensor(kv.first);
      if (t == nullptr || !Find(net->graph().outputs, kv.first))
        return InvalidArgs("the model has no output named '", kv.first, "'");
      MaceTensor &dst = kv.second;
      size_t capacity = dst.buffer_size();
      if (capacity == 0 && dst.raw_data()) {
        int64_t n = 0;
        if (ElementCount(dst.shape(), &n).ok()) capacity = static_cast<size_t>(n) * DataTypeSize(t->dtype());
      }
      std::shared_ptr<void> data = dst.raw_data();
      if (!data || capacity < t->bytes()) {  // allocate for the caller when it gave no room
        size_t n = t->bytes() == 0 ? 1 : t->bytes();
        data = std::shared_ptr<void>(new uint8_t[n], std::default_delete<uint8_t[]>());
        capacity = n;
      }
      std::memcpy(data.get(), t->raw_data(), t->bytes());
      dst = MaceTensor(t->shape(), data, dst.data_format(), ToIDataType(t->dtype()), capacity);
    }
    return MaceStatus::MACE_SUCCESS;
  }

  // Whether a CPU engine can read input `src` where it is, with no copy: a copy of
  // mobilenet_v3_small's 600 KB input cost 1.5% of its run. No op writes a graph input, but
  // kernels may load a vector past a tensor's end (Buffer::Reserve pads for them), so the
  // caller's memory must stay readable for that long: the caller allocated that much more,
  // or the end is not within kTensorAlignment bytes of a page boundary (4 KiB, the smallest
  // page size). GPU engines copy, as their inputs go through the device memory's host copies.
  bool ReadInPlace(const MaceTensor &src, size_t item) const {
#ifdef MACE_ENABLE_OPENCL
    if (gpu_memory) return false;
#endif
    int64_t n = 0;
    if (!ElementCount(src.shape(), &n).ok() || n == 0) return false;
    const auto begin = reinterpret_cast<uintptr_t>(src.raw_data().get());
    const uintptr_t end = begin + static_cast<uintptr_t>(n) * item;
    constexpr uintptr_t kPage = 4096;
    return begin % item == 0 &&
           (src.buffer_size() >= end - begin + kTensorAlignment ||
            (end - 1) / kPage == (end + kTensorAlignment - 1) / kPage);
  }

  // The GPU context's storage file gets the programs this run compiled; a cache that cannot be
  // written costs the next start a compile, so it is reported, not an error of the run.
  void SaveCompiledPrograms() {
#ifdef MACE_ENABLE_OPENCL
    if (!opencl_runtime || !opencl_runtime->has_unsaved_programs()) return;
    MaceStatus s = opencl_runtime->SaveProgramBinaries();
    if (!s.ok()) std::fprintf(stderr, "mace opencl: cannot save compiled programs: %s\n", s.information().c_str());
#endif
  }

  static std::vector<std::string> Names(const std::vector<IoInfo> &v) {
    std::vector<std::string> r;
    for (const auto &i : v) r.push_back(i.name);
    return r;
  }
  static const IoInfo *Find(const std::vector<IoInfo> &v, const std::string &n) {
    for (const auto &i : v)
      if (i.name == n) return &i;
    return nullptr;
  }
  static std::string Join(const std::vector<std::string> &v) {
    std::string r;
    for (const auto &s : v) r += (r.empty() ? "" : ", ") + s;
    return r;
  }
};

MaceEngine::MaceEngine(const MaceEngineConfig &config) : impl_(new Impl(config)) {}
MaceEngine::~MaceEngine() = default;

MaceStatus MaceEngine::Init(const unsigned char *graph, size_t graph_size, const std::vector<std::string> &inputs,
                            const std::vector<std::string> &outputs, const unsigned char *data, size_t data_size) {
  return impl_->Init(graph, graph_size, inputs, outputs, data, data_size);
}

MaceStatus MaceEngine::Init(const std::string &graph_file, const std::vector<std::string> &inputs,
                            const std::vector<std::string> &outputs, const std::string &data_file) {
  MACE_RETURN_IF_ERROR(impl_->graph_file.Open(graph_file));
  MACE_RETURN_IF_ERROR(impl_->data_file.Open(data_file));
  return impl_->Init(impl_->graph_file.data(), impl_->graph_file.size(), inputs, outputs, impl_->data_file.data(),
                     impl_->data_file.size());
}

MaceStatus MaceEngine::Run(const std::map<std::string, MaceTensor> &inputs, std::map<std::string, MaceTensor> *outputs) {
  return impl_->Run(inputs, outputs, nullptr);
}
MaceStatus MaceEngine::Run(const std::map<std::string, MaceTensor> &inputs, std::map<std::string, MaceTensor> *outputs,
                           RunMetadata *md) {
  return impl_->Run(inputs, outputs, md);
}

MaceStatus MaceEngine::WriteOpenCLTuning(const std::string &binary_file, const std::string &parameter_file) const {
#ifdef MACE_ENABLE_OPENCL
  opencl::OpenCLRuntime *rt = impl_->opencl_runtime.get();
  if (rt == nullptr) return InvalidArgs("WriteOpenCLTuning: this engine does not run on the GPU");
  if (!binary_file.empty()) MACE_RETURN_IF_ERROR(rt->SaveProgramBinaries(binary_file));
  if (!parameter_file.empty()) MACE_RETURN_IF_ERROR(rt->SaveTuningTable(parameter_file));
  return MaceStatus::MACE_SUCCESS;
#else
  (void)binary_file;
  (void)parameter_file;
  return Unsupported("WriteOpenCLTuning: this build of the runtime has no GPU backend");
#endif
}

std::string MaceEngine::DevicePlacement() const {
  return impl_->net ? impl_->net->Placement() : std::string();
}

std::vector<std::string> MaceEngine::InputNames() const { return impl_->input_names; }
std::vector<std::string> MaceEngine::OutputNames() const { return impl_->output_names; }
std::vector<int64_t> MaceEngine::InputShape(const std::string &name) const {
  const IoInfo *i = impl_->net ? Impl::Find(impl_->net->graph().inputs, name) : nullptr;
  return i ? i->dims : std::vector<int64_t>{};
}
std::vector<int64_t> MaceEngine::OutputShape(const std::string &name) const {
  const IoInfo *i = impl_->net ? Impl::Find(impl_->net->graph().outputs, name) : nullptr;
  return i ? i->dims : std::vector<int64_t>{};
}

IDataType MaceEngine::InputDataType(const std::string &name) const {
  const IoInfo *i = impl_->net ? Impl::Find(impl_->net->graph().inputs, name) : nullptr;
  return i ? ToIDataType(i->dtype) : IDataType::IDT_FLOAT;
}

MaceStatus CreateMaceEngineFromProto(const unsigned char *graph, const size_t graph_size, const unsigned char *data,
                                     const size_t data_size, const std::vector<std::string> &inputs,
                                     const std::vector<std::string> &outputs, const MaceEngineConfig &config,
                                     std::shared_ptr<MaceEngine> *engine) {
  auto e = std::make_shared<MaceEngine>(config);
  MACE_RETURN_IF_ERROR(e->Init(graph, graph_size, inputs, outputs, data, data_size));
  *engine = e;
  return MaceStatus::MACE_SUCCESS;
}

MaceStatus CreateMaceEngineFromFiles(const std::string &graph_file, const std::string &data_file,
                                     const std::vector<std::string> &inputs, const std::vector<std::string> &outputs,
                                     const MaceEngineConfig &config, std::shared_ptr<MaceEngine> *engine) {
  auto e = std::make_shared<MaceEngine>(config);
  MACE_RETURN_IF_ERROR(e->Init(graph_file, inputs, outputs, data_file));
  *engine = e;
  return MaceStatus::MACE_SUCCESS;
}

}  // namespace mace
