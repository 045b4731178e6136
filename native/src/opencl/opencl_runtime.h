// The OpenCL runtime: one device, its context and in-order profiling queue, and the programs
// built from the kernel sources embedded at build time (cached per source and build options,
// since compiling a program costs milliseconds to seconds on mobile drivers).
#ifndef MACE_OPENCL_OPENCL_RUNTIME_H_
#define MACE_OPENCL_OPENCL_RUNTIME_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "opencl/cl_error.h"
#include "opencl/cl_object.h"
#include "opencl/kernel_cache.h"
#include "opencl/opencl_library.h"

namespace mace {
namespace opencl {

// Where compiled programs and tuned launches come from and go to (GPUContextBuilder).
struct OpenCLRuntimeOptions {
  // Read at start and rewritten whenever new programs were compiled (SaveProgramBinaries).
  std::string storage_path;
  // Precompiled programs (mace_run --tune output), read-only; merged in order, then storage_path.
  std::vector<std::string> binary_paths;
  // Tuned launches (mace_run --tune output).
  std::string parameter_path;
  // Search the local size of every launch not in the tuning table (slow: for mace_run --tune).
  bool tuning = false;
  // While tuning: the wall-clock time one launch's search may take before it settles for the best
  // local size found so far.
  double tuning_budget_ms = 1000;
  // > 0: while tuning, split launches whose best time exceeds this into parts of about this long
  // (limit_opencl_kernel_time: keeps a phone's UI responsive).
  double kernel_time_limit_ms = 0;
  // Where the runtime says what it did with the files above; default: stderr.
  std::function<void(const std::string &)> log;
};

class OpenCLRuntime {
 public:
  // Loads the library and opens the first GPU device of any platform, else the first device of
  // any type (a CPU driver such as PoCL on hosts). Fails with the loader's or driver's reason.
  // Files in `options` that do not fit this device are ignored with a log line.
  static MaceStatus Create(std::unique_ptr<OpenCLRuntime> *runtime,
                           const OpenCLRuntimeOptions &options = OpenCLRuntimeOptions());
  ~OpenCLRuntime();

  const OpenCLLibrary &cl() const { return *cl_; }
  cl_device_id device() const { return device_; }
  cl_context context() const { return context_.get(); }
  cl_command_queue queue() const { return queue_.get(); }

  const std::string &platform_name() const { return platform_name_; }
  const std::string &device_name() const { return device_name_; }
  const std::string &device_version() const { return device_version_; }
  const std::string &driver_version() const { return driver_version_; }
  const std::string &extensions() const { return extensions_; }
  bool is_gpu() const { return is_gpu_; }
  // cl_khr_fp16: half arithmetic in kernels. Half *images* (CL_HALF_FLOAT with read/write_imagef)
  // are core OpenCL and work without it.
  bool fp16_supported() const { return fp16_supported_; }
  bool image_supported() const { return image_supported_; }
  size_t image2d_max_width() const { return image2d_max_width_; }
  size_t image2d_max_height() const { return image2d_max_height_; }
  size_t max_work_group_size() const { return max_work_group_size_; }
  // What compiled programs and tuned launches are valid for.
  const DeviceFingerprint &fingerprint() const { return fingerprint_; }

  // The program built from the embedded source `name` (cl/<name>.cl, after cl/common.cl) with
  // `options`; built once per (name, options) and owned by the runtime. Unknown names and compile errors (with the
  // build log) are reported.
  MaceStatus BuildProgram(const std::string &name, const std::string &options, cl_program *program);
  // As BuildProgram, for a source given here (cached under `name` as well).
  MaceStatus BuildProgramFromSource(const std::string &name, const std::string &source,
                                    const std::string &options, cl_program *program);
  // A new kernel object (kernels hold their arguments, so they are not shared).
  MaceStatus CreateKernel(const std::string &program_name, const std::string &kernel_name,
                          const std::string &options, CLObject<cl_kernel> *kernel);

  // Enqueues a 2-D kernel over `gws` (local size chosen by the driver). With `elapsed_ns`, waits
  // for it and reports its device time from the queue's profiling.
  MaceStatus Run2D(cl_kernel kernel, const size_t gws[2], const char *what,
                   cl_ulong *elapsed_ns = nullptr);
  // Enqueues a 1-3-D kernel over `gws` (starting at `offset`) with local size `lws` (empty: the
  // driver's choice); `what` names it in errors. With `elapsed_ns`, waits and reports its device
  // time.
  MaceStatus Enqueue(cl_kernel kernel, const std::vector<size_t> &gws, const std::vector<size_t> &lws,
                     const std::string &what, cl_ulong *elapsed_ns = nullptr,
                     const std::vector<size_t> &offset = {});
  // A launch named `tuning_name` (the kernel function) over `gws`: with the tuned local size and
  // split when the tuning table has one for this name and size, tuned now when tuning is on,
  // else with `lws` (empty: the driver's choice).
  MaceStatus Launch(cl_kernel kernel, const std::string &tuning_name, const std::vector<size_t> &gws,
                    const std::vector<size_t> &lws, const std::string &what);
  MaceStatus Finish();
  size_t program_cache_size() const;

  // Compiled programs: how many were loaded from files, compiled from source, and whether
  // programs compiled since the last save are unsaved.
  struct ProgramStats {
    int from_binary = 0, from_source = 0;
  };
  ProgramStats program_stats() const;
  bool has_unsaved_programs() const;
  // Writes every program built or loaded so far to `path` (default: the storage path; nothing
  // to do without one).
  MaceStatus SaveProgramBinaries(const std::string &path = "");
  // Writes the tuning table (loaded and tuned entries) to `path`.
  MaceStatus SaveTuningTable(const std::string &path);
  const TuningTable &tuning_table() const { return tuning_; }

 private:
  OpenCLRuntime() = default;
  MaceStatus Init();
  void LoadFiles();
  void Log(const std::string &line) const;
  // Searches local sizes for a launch (profiling events, best of a few runs each).
  MaceStatus Tune(cl_kernel kernel, const std::vector<size_t> &gws, const std::string &what, TunedLaunch *best);
  // The program from a stored binary for `key`, when one loads; else null.
  cl_program ProgramFromBinary(const std::string &key, const std::string &name);

  const OpenCLLibrary *cl_ = nullptr;
  cl_device_id device_ = nullptr;
  CLObject<cl_context> context_;
  CLObject<cl_command_queue> queue_;
  std::string platform_name_, device_name_, device_version_, driver_version_, extensions_;
  bool is_gpu_ = false, fp16_supported_ = false, image_supported_ = false;
  size_t image2d_max_width_ = 0, image2d_max_height_ = 0, max_work_group_size_ = 0;
  OpenCLRuntimeOptions options_;
  DeviceFingerprint fingerprint_;
  ProgramBinaries binaries_;       // loaded, then every program compiled here
  bool unsaved_programs_ = false;
  ProgramStats program_stats_;
  TuningTable tuning_;

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, CLObject<cl_program>> programs_;
};

// Sets the kernel's arguments in order; each by value (cl_mem, cl_int, float, ...).
template <typename... Args>
MaceStatus SetKernelArgs(const OpenCLLibrary &cl, cl_kernel kernel, const Args &...args) {
  cl_uint index = 0;
  cl_int error = CL_SUCCESS;
  cl_uint failed = 0;
  auto set = [&](const auto &value) {
    if (error != CL_SUCCESS) return;
    error = cl.clSetKernelArg(kernel, index, sizeof(value), &value);
    failed = index++;
  };
  (set(args), ...);
  if (error != CL_SUCCESS) return CLError("clSetKernelArg", error, StrCat("argument ", failed));
  return MaceStatus();
}

}  // namespace opencl
}  // namespace mace

#endif  // MACE_OPENCL_OPENCL_RUNTIME_H_
