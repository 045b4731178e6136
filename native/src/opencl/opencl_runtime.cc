#include "opencl/opencl_runtime.h"

#include <vector>

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

MaceStatus OpenCLRuntime::Create(std::unique_ptr<OpenCLRuntime> *runtime) {
  std::unique_ptr<OpenCLRuntime> r(new OpenCLRuntime);
  MACE_RETURN_IF_ERROR(r->Init());
  *runtime = std::move(r);
  return MaceStatus();
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
  *program = p.get();
  programs_.emplace(key, std::move(p));
  return MaceStatus();
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

MaceStatus OpenCLRuntime::Enqueue(cl_kernel kernel, const std::vector<size_t> &gws,
                                  const std::vector<size_t> &lws, const std::string &what,
                                  cl_ulong *elapsed_ns) {
  if (gws.empty() || gws.size() > 3 || (!lws.empty() && lws.size() != gws.size()))
    return InvalidArgs("OpenCL: ", what, ": ", gws.size(), "-D global size with ", lws.size(), "-D local size");
  auto dims = [](const std::vector<size_t> &v) {
    std::string r;
    for (size_t d : v) r += (r.empty() ? "" : "x") + std::to_string(d);
    return r;
  };
  cl_event raw_event = nullptr;
  MACE_CL_RETURN_IF_ERROR("clEnqueueNDRangeKernel",
                          cl_->clEnqueueNDRangeKernel(queue_.get(), kernel, cl_uint(gws.size()), nullptr, gws.data(),
                                                      lws.empty() ? nullptr : lws.data(), 0, nullptr,
                                                      elapsed_ns ? &raw_event : nullptr),
                          StrCat(what, " over ", dims(gws), lws.empty() ? "" : " local " + dims(lws)));
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
