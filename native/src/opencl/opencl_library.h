// The OpenCL library, loaded at run time (dlopen) rather than linked, so one binary runs on
// devices with and without a GPU driver, as MACE does. Only the entry points the runtime uses
// are resolved (OpenCL 1.2 core API); the types are declared here so no OpenCL SDK is needed.
#ifndef MACE_OPENCL_OPENCL_LIBRARY_H_
#define MACE_OPENCL_OPENCL_LIBRARY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mace {
namespace opencl {

// Types and constants as in the Khronos headers (CL/cl.h, OpenCL 1.2 API), declared here so the
// build needs no SDK. Values must match the headers exactly: drivers see only the numbers.
using cl_int = int32_t;
using cl_uint = uint32_t;
using cl_ulong = uint64_t;
using cl_bool = cl_uint;
// OpenCL's int2 and int4 kernel arguments (8 and 16 bytes, aligned to their size).
struct alignas(8) cl_int2 {
  cl_int s[2];
};
struct alignas(16) cl_int4 {
  cl_int s[4];
};
struct alignas(16) cl_float4 {
  float s[4];
};
using cl_bitfield = cl_ulong;
using cl_device_type = cl_bitfield;
using cl_mem_flags = cl_bitfield;
using cl_command_queue_properties = cl_bitfield;
using cl_context_properties = intptr_t;
using cl_platform_id = struct _cl_platform_id *;
using cl_device_id = struct _cl_device_id *;
using cl_context = struct _cl_context *;
using cl_command_queue = struct _cl_command_queue *;
using cl_mem = struct _cl_mem *;
using cl_program = struct _cl_program *;
using cl_kernel = struct _cl_kernel *;
using cl_event = struct _cl_event *;

struct cl_image_format {
  cl_uint image_channel_order;
  cl_uint image_channel_data_type;
};

struct cl_image_desc {
  cl_uint image_type;
  size_t image_width;
  size_t image_height;
  size_t image_depth;
  size_t image_array_size;
  size_t image_row_pitch;
  size_t image_slice_pitch;
  cl_uint num_mip_levels;
  cl_uint num_samples;
  cl_mem buffer;
};

constexpr cl_int CL_SUCCESS = 0;
constexpr cl_bool CL_FALSE = 0;
constexpr cl_bool CL_TRUE = 1;
constexpr cl_uint CL_PLATFORM_VERSION = 0x0901;
constexpr cl_uint CL_PLATFORM_NAME = 0x0902;
constexpr cl_device_type CL_DEVICE_TYPE_CPU = 1 << 1;
constexpr cl_device_type CL_DEVICE_TYPE_GPU = 1 << 2;
constexpr cl_ulong CL_DEVICE_TYPE_ALL = 0xFFFFFFFF;
// cl_device_info
constexpr cl_uint CL_DEVICE_TYPE = 0x1000;
constexpr cl_uint CL_DEVICE_IMAGE2D_MAX_WIDTH = 0x1011;
constexpr cl_uint CL_DEVICE_IMAGE2D_MAX_HEIGHT = 0x1012;
constexpr cl_uint CL_DEVICE_IMAGE_SUPPORT = 0x1016;
constexpr cl_uint CL_DEVICE_NAME = 0x102B;
constexpr cl_uint CL_DRIVER_VERSION = 0x102D;
constexpr cl_uint CL_DEVICE_VERSION = 0x102F;
constexpr cl_uint CL_DEVICE_EXTENSIONS = 0x1030;
// cl_command_queue_properties
constexpr cl_command_queue_properties CL_QUEUE_PROFILING_ENABLE = 1 << 1;
// cl_mem_flags
constexpr cl_mem_flags CL_MEM_READ_WRITE = 1 << 0;
constexpr cl_mem_flags CL_MEM_WRITE_ONLY = 1 << 1;
constexpr cl_mem_flags CL_MEM_READ_ONLY = 1 << 2;
constexpr cl_mem_flags CL_MEM_COPY_HOST_PTR = 1 << 5;
// cl_channel_order, cl_channel_type, cl_mem_object_type
constexpr cl_uint CL_RGBA = 0x10B5;
constexpr cl_uint CL_HALF_FLOAT = 0x10DD;
constexpr cl_uint CL_FLOAT = 0x10DE;
constexpr cl_uint CL_MEM_OBJECT_IMAGE2D = 0x10F1;
constexpr cl_uint CL_DEVICE_MAX_WORK_GROUP_SIZE = 0x1004;
// cl_program_info, cl_program_build_info, cl_kernel_work_group_info
constexpr cl_uint CL_PROGRAM_BINARY_SIZES = 0x1165;
constexpr cl_uint CL_PROGRAM_BINARIES = 0x1166;
constexpr cl_uint CL_PROGRAM_BUILD_LOG = 0x1183;
constexpr cl_uint CL_KERNEL_WORK_GROUP_SIZE = 0x11B0;
// cl_profiling_info
constexpr cl_uint CL_PROFILING_COMMAND_START = 0x1282;
constexpr cl_uint CL_PROFILING_COMMAND_END = 0x1283;

class OpenCLLibrary {
 public:
  using GetPlatformIDsFn = cl_int (*)(cl_uint, cl_platform_id *, cl_uint *);
  using GetPlatformInfoFn = cl_int (*)(cl_platform_id, cl_uint, size_t, void *, size_t *);
  using GetDeviceIDsFn = cl_int (*)(cl_platform_id, cl_ulong, cl_uint, cl_device_id *, cl_uint *);
  using GetDeviceInfoFn = cl_int (*)(cl_device_id, cl_uint, size_t, void *, size_t *);
  using ContextNotifyFn = void (*)(const char *, const void *, size_t, void *);
  using CreateContextFn = cl_context (*)(const cl_context_properties *, cl_uint, const cl_device_id *,
                                         ContextNotifyFn, void *, cl_int *);
  // clCreateCommandQueue is deprecated since 2.0 but every driver still exports it, while the
  // 2.0 replacement is missing from 1.2 drivers (most Android GPUs).
  using CreateCommandQueueFn = cl_command_queue (*)(cl_context, cl_device_id,
                                                    cl_command_queue_properties, cl_int *);
  using CreateBufferFn = cl_mem (*)(cl_context, cl_mem_flags, size_t, void *, cl_int *);
  using CreateImageFn = cl_mem (*)(cl_context, cl_mem_flags, const cl_image_format *,
                                   const cl_image_desc *, void *, cl_int *);
  using CreateProgramWithSourceFn = cl_program (*)(cl_context, cl_uint, const char **,
                                                   const size_t *, cl_int *);
  using BuildProgramFn = cl_int (*)(cl_program, cl_uint, const cl_device_id *, const char *,
                                    void (*)(cl_program, void *), void *);
  using GetProgramBuildInfoFn = cl_int (*)(cl_program, cl_device_id, cl_uint, size_t, void *, size_t *);
  using CreateProgramWithBinaryFn = cl_program (*)(cl_context, cl_uint, const cl_device_id *, const size_t *,
                                                   const unsigned char **, cl_int *, cl_int *);
  using GetProgramInfoFn = cl_int (*)(cl_program, cl_uint, size_t, void *, size_t *);
  using GetKernelWorkGroupInfoFn = cl_int (*)(cl_kernel, cl_device_id, cl_uint, size_t, void *, size_t *);
  using CreateKernelFn = cl_kernel (*)(cl_program, const char *, cl_int *);
  using SetKernelArgFn = cl_int (*)(cl_kernel, cl_uint, size_t, const void *);
  using EnqueueNDRangeKernelFn = cl_int (*)(cl_command_queue, cl_kernel, cl_uint, const size_t *,
                                            const size_t *, const size_t *, cl_uint,
                                            const cl_event *, cl_event *);
  using EnqueueReadBufferFn = cl_int (*)(cl_command_queue, cl_mem, cl_bool, size_t, size_t, void *,
                                         cl_uint, const cl_event *, cl_event *);
  using EnqueueWriteBufferFn = cl_int (*)(cl_command_queue, cl_mem, cl_bool, size_t, size_t,
                                          const void *, cl_uint, const cl_event *, cl_event *);
  using EnqueueReadImageFn = cl_int (*)(cl_command_queue, cl_mem, cl_bool, const size_t *,
                                        const size_t *, size_t, size_t, void *, cl_uint,
                                        const cl_event *, cl_event *);
  using FinishFn = cl_int (*)(cl_command_queue);
  using WaitForEventsFn = cl_int (*)(cl_uint, const cl_event *);
  using GetEventProfilingInfoFn = cl_int (*)(cl_event, cl_uint, size_t, void *, size_t *);
  template <typename T>
  using ReleaseFn = cl_int (*)(T);

  // The process-wide library, loaded on first use; nullptr (and *error says why, naming every
  // path tried) when no usable libOpenCL exists on this device.
  static const OpenCLLibrary *Get(std::string *error);
  // Where the loader looks, in order: MACE_OPENCL_LIBRARY_PATH, then the names and vendor
  // paths of Android and Linux drivers.
  static std::vector<std::string> Candidates();

  const std::string &path() const { return path_; }
  // Resolved entry points; the loader rejects a library that lacks any of them.
  GetPlatformIDsFn clGetPlatformIDs = nullptr;
  GetPlatformInfoFn clGetPlatformInfo = nullptr;
  GetDeviceIDsFn clGetDeviceIDs = nullptr;
  GetDeviceInfoFn clGetDeviceInfo = nullptr;
  CreateContextFn clCreateContext = nullptr;
  CreateCommandQueueFn clCreateCommandQueue = nullptr;
  CreateBufferFn clCreateBuffer = nullptr;
  CreateImageFn clCreateImage = nullptr;
  CreateProgramWithSourceFn clCreateProgramWithSource = nullptr;
  BuildProgramFn clBuildProgram = nullptr;
  GetProgramBuildInfoFn clGetProgramBuildInfo = nullptr;
  CreateProgramWithBinaryFn clCreateProgramWithBinary = nullptr;
  GetProgramInfoFn clGetProgramInfo = nullptr;
  GetKernelWorkGroupInfoFn clGetKernelWorkGroupInfo = nullptr;
  CreateKernelFn clCreateKernel = nullptr;
  SetKernelArgFn clSetKernelArg = nullptr;
  EnqueueNDRangeKernelFn clEnqueueNDRangeKernel = nullptr;
  EnqueueReadBufferFn clEnqueueReadBuffer = nullptr;
  EnqueueWriteBufferFn clEnqueueWriteBuffer = nullptr;
  EnqueueReadImageFn clEnqueueReadImage = nullptr;
  FinishFn clFinish = nullptr;
  WaitForEventsFn clWaitForEvents = nullptr;
  GetEventProfilingInfoFn clGetEventProfilingInfo = nullptr;
  ReleaseFn<cl_context> clReleaseContext = nullptr;
  ReleaseFn<cl_command_queue> clReleaseCommandQueue = nullptr;
  ReleaseFn<cl_mem> clReleaseMemObject = nullptr;
  ReleaseFn<cl_program> clReleaseProgram = nullptr;
  ReleaseFn<cl_kernel> clReleaseKernel = nullptr;
  ReleaseFn<cl_event> clReleaseEvent = nullptr;

 private:
  // Resolves every entry point from the dlopen handle; the names it could not find ("" if none).
  std::string Resolve(void *handle);
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
