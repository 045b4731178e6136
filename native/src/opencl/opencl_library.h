// The OpenCL library, loaded at run time (dlopen) rather than linked, so one binary runs on
// devices with and without a GPU driver, as MACE does. Only the entry points the runtime uses
// are resolved; the types are declared here so no OpenCL SDK is needed to build.
#ifndef MACE_OPENCL_OPENCL_LIBRARY_H_
#define MACE_OPENCL_OPENCL_LIBRARY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mace {
namespace opencl {

using cl_int = int32_t;
using cl_uint = uint32_t;
using cl_ulong = uint64_t;
using cl_platform_id = struct _cl_platform_id *;
using cl_device_id = struct _cl_device_id *;

constexpr cl_int CL_SUCCESS = 0;
constexpr cl_uint CL_PLATFORM_VERSION = 0x0901;
constexpr cl_uint CL_PLATFORM_NAME = 0x0902;
constexpr cl_uint CL_DEVICE_NAME = 0x102B;
constexpr cl_uint CL_DEVICE_VERSION = 0x102F;
constexpr cl_ulong CL_DEVICE_TYPE_ALL = 0xFFFFFFFF;

class OpenCLLibrary {
 public:
  using GetPlatformIDsFn = cl_int (*)(cl_uint, cl_platform_id *, cl_uint *);
  using GetPlatformInfoFn = cl_int (*)(cl_platform_id, cl_uint, size_t, void *, size_t *);
  using GetDeviceIDsFn = cl_int (*)(cl_platform_id, cl_ulong, cl_uint, cl_device_id *, cl_uint *);
  using GetDeviceInfoFn = cl_int (*)(cl_device_id, cl_uint, size_t, void *, size_t *);

  // The process-wide library, loaded on first use; nullptr (and *error says why, naming every
  // path tried) when no usable libOpenCL exists on this device.
  static const OpenCLLibrary *Get(std::string *error);
  // Where the loader looks, in order: MACE_OPENCL_LIBRARY_PATH, then the names and vendor
  // paths of Android and Linux drivers.
  static std::vector<std::string> Candidates();

  const std::string &path() const { return path_; }
  GetPlatformIDsFn clGetPlatformIDs = nullptr;
  GetPlatformInfoFn clGetPlatformInfo = nullptr;
  GetDeviceIDsFn clGetDeviceIDs = nullptr;
  GetDeviceInfoFn clGetDeviceInfo = nullptr;

 private:
  std::string path_;
};

struct OpenCLDeviceInfo {
  std::string platform;
  std::string platform_version;
  std::string device;
  std::string device_version;
};

// Every OpenCL device of every platform; false (and *error) when the library is missing or
// reports no platform.
bool ListOpenCLDevices(std::vector<OpenCLDeviceInfo> *devices, std::string *error);

}  // namespace opencl
}  // namespace mace

#endif  // MACE_OPENCL_OPENCL_LIBRARY_H_
