#include "opencl/opencl_library.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <type_traits>

namespace mace {
namespace opencl {

std::vector<std::string> OpenCLLibrary::Candidates() {
  std::vector<std::string> paths;
  if (const char *env = std::getenv("MACE_OPENCL_LIBRARY_PATH")) paths.push_back(env);
  // The dynamic loader's own search (LD_LIBRARY_PATH, ld.so.cache) first, then the places
  // Android vendors install their drivers (MACE's list: Qualcomm, ARM Mali, PowerVR).
  for (const char *p : {"libOpenCL.so", "libOpenCL.so.1",
#if defined(__aarch64__)
                        "/system/vendor/lib64/libOpenCL.so", "/system/lib64/libOpenCL.so",
                        "/vendor/lib64/libOpenCL.so", "/system/vendor/lib64/egl/libGLES_mali.so",
                        "/system/lib64/egl/libGLES_mali.so", "/vendor/lib64/libPVROCL.so",
                        "/usr/lib/aarch64-linux-gnu/libOpenCL.so.1",
#else
                        "/system/vendor/lib/libOpenCL.so", "/system/lib/libOpenCL.so",
                        "/vendor/lib/libOpenCL.so", "/system/vendor/lib/egl/libGLES_mali.so",
                        "/system/lib/egl/libGLES_mali.so", "/vendor/lib/libPVROCL.so",
#endif
                        "/usr/local/lib/libOpenCL.so"})
    paths.push_back(p);
  return paths;
}

std::string OpenCLLibrary::Resolve(void *handle) {
  std::string missing;
  auto resolve = [&](auto &fn, const char *name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(handle, name));
    if (!fn) missing += (missing.empty() ? "" : ", ") + std::string(name);
  };
#define MACE_CL_RESOLVE(name) resolve(name, #name)
  MACE_CL_RESOLVE(clGetPlatformIDs);
  MACE_CL_RESOLVE(clGetPlatformInfo);
  MACE_CL_RESOLVE(clGetDeviceIDs);
  MACE_CL_RESOLVE(clGetDeviceInfo);
  MACE_CL_RESOLVE(clCreateContext);
  MACE_CL_RESOLVE(clCreateCommandQueue);
  MACE_CL_RESOLVE(clCreateBuffer);
  MACE_CL_RESOLVE(clCreateImage);
  MACE_CL_RESOLVE(clCreateProgramWithSource);
  MACE_CL_RESOLVE(clBuildProgram);
  MACE_CL_RESOLVE(clGetProgramBuildInfo);
  MACE_CL_RESOLVE(clCreateProgramWithBinary);
  MACE_CL_RESOLVE(clGetProgramInfo);
  MACE_CL_RESOLVE(clGetKernelWorkGroupInfo);
  MACE_CL_RESOLVE(clCreateKernel);
  MACE_CL_RESOLVE(clSetKernelArg);
  MACE_CL_RESOLVE(clEnqueueNDRangeKernel);
  MACE_CL_RESOLVE(clEnqueueReadBuffer);
  MACE_CL_RESOLVE(clEnqueueWriteBuffer);
  MACE_CL_RESOLVE(clEnqueueReadImage);
  MACE_CL_RESOLVE(clFinish);
  MACE_CL_RESOLVE(clWaitForEvents);
  MACE_CL_RESOLVE(clGetEventProfilingInfo);
  MACE_CL_RESOLVE(clReleaseContext);
  MACE_CL_RESOLVE(clReleaseCommandQueue);
  MACE_CL_RESOLVE(clReleaseMemObject);
  MACE_CL_RESOLVE(clReleaseProgram);
  MACE_CL_RESOLVE(clReleaseKernel);
  MACE_CL_RESOLVE(clReleaseEvent);
#undef MACE_CL_RESOLVE
  return missing;
}

const OpenCLLibrary *OpenCLLibrary::Get(std::string *error) {
  static OpenCLLibrary *library = nullptr;
  static std::string load_error;
  static std::once_flag once;
  std::call_once(once, [] {
    std::string tried;
    for (const std::string &path : Candidates()) {
      void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!handle) {
        tried += "\n  " + path;
        continue;
      }
      auto *lib = new OpenCLLibrary;  // lives as long as the process, like the handle
      lib->path_ = path;
      std::string missing = lib->Resolve(handle);
      if (missing.empty()) {
        library = lib;
        return;
      }
      tried += "\n  " + path + " (lacks " + missing + ")";
      delete lib;
      dlclose(handle);
    }
    load_error = "no OpenCL library found; tried:" + tried +
                 "\nset MACE_OPENCL_LIBRARY_PATH to the driver's libOpenCL.so";
  });
  if (!library && error) *error = load_error;
  return library;
}

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

}  // namespace

bool ListOpenCLDevices(std::vector<OpenCLDeviceInfo> *devices, std::string *error) {
  const OpenCLLibrary *cl = OpenCLLibrary::Get(error);
  if (!cl) return false;
  cl_uint num_platforms = 0;
  if (cl->clGetPlatformIDs(0, nullptr, &num_platforms) != CL_SUCCESS || num_platforms == 0) {
    *error = cl->path() + " loaded, but it reports no OpenCL platform (is the driver or ICD installed?)";
    return false;
  }
  std::vector<cl_platform_id> platforms(num_platforms);
  cl->clGetPlatformIDs(num_platforms, platforms.data(), nullptr);
  for (cl_platform_id p : platforms) {
    cl_uint num_devices = 0;
    if (cl->clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, nullptr, &num_devices) != CL_SUCCESS) continue;
    std::vector<cl_device_id> ids(num_devices);
    cl->clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, num_devices, ids.data(), nullptr);
    for (cl_device_id d : ids)
      devices->push_back({InfoString(cl->clGetPlatformInfo, p, CL_PLATFORM_NAME),
                          InfoString(cl->clGetPlatformInfo, p, CL_PLATFORM_VERSION),
                          InfoString(cl->clGetDeviceInfo, d, CL_DEVICE_NAME),
                          InfoString(cl->clGetDeviceInfo, d, CL_DEVICE_VERSION)});
  }
  return true;
}

}  // namespace opencl
}  // namespace mace
