// The public C++ API of the inference runtime: the whole contract a user's application
// compiles against. Nothing here exposes internal types.
#ifndef MACE_PUBLIC_MACE_H_
#define MACE_PUBLIC_MACE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

// Only the API below is exported from libmace.so; everything else is hidden, which keeps the
// library small and its symbols private.
#define MACE_API __attribute__((visibility("default")))

namespace mace {

MACE_API const char *MaceVersion();

enum class DeviceType { CPU = 0, GPU = 2 };

// Layout of a user-visible tensor. The converter records, per model input and output, the
// format the deployment file declared; MaceTensor carries the format of the caller's data.
enum class DataFormat { NONE = 0, NHWC = 1, NCHW = 2, OIHW = 3 };

enum class IDataType { IDT_FLOAT = 0, IDT_INT32 = 1, IDT_INT64 = 2, IDT_UINT8 = 3, IDT_INT8 = 4, IDT_BOOL = 5 };

enum CPUAffinityPolicy {
  AFFINITY_NONE = 0,
  AFFINITY_BIG_ONLY = 1,
  AFFINITY_LITTLE_ONLY = 2,
};

enum GPUPerfHint { PERF_DEFAULT = 0, PERF_LOW = 1, PERF_NORMAL = 2, PERF_HIGH = 3 };
enum GPUPriorityHint { PRIORITY_DEFAULT = 0, PRIORITY_LOW = 1, PRIORITY_NORMAL = 2, PRIORITY_HIGH = 3 };

class MACE_API MaceStatus {
 public:
  enum Code {
    MACE_SUCCESS = 0,
    MACE_INVALID_ARGS = 1,
    MACE_OUT_OF_RESOURCES = 2,
    MACE_UNSUPPORTED = 3,
    MACE_RUNTIME_ERROR = 4,
  };

  MaceStatus();
  MaceStatus(const Code code);  // NOLINT(runtime/explicit)
  MaceStatus(const Code code, const std::string &information);
  MaceStatus(const MaceStatus &);
  MaceStatus(MaceStatus &&);
  MaceStatus &operator=(const MaceStatus &);
  MaceStatus &operator=(const MaceStatus &&);
  ~MaceStatus();
  Code code() const;
  std::string information() const;
  bool ok() const { return code() == MACE_SUCCESS; }
  bool operator==(const MaceStatus &other) const;
  bool operator!=(const MaceStatus &other) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// GPU context shared between engines: where compiled OpenCL programs and tuned launch
// parameters are kept. Files made for another device, driver or runtime version are ignored
// (with a log line on stderr), never trusted. A CPU-only build accepts the calls.
class GPUContext;
class MACE_API GPUContextBuilder {
 public:
  GPUContextBuilder();
  ~GPUContextBuilder();
  GPUContextBuilder(const GPUContextBuilder &) = delete;
  GPUContextBuilder &operator=(const GPUContextBuilder &) = delete;
  // A file of compiled programs: read at Init, rewritten after a Run that compiled new ones.
  GPUContextBuilder &SetStoragePath(const std::string &path);
  // Precompiled programs (mace_run --tune output), read-only; the first match wins.
  GPUContextBuilder &SetOpenCLBinaryPaths(const std::vector<std::string> &paths);
  // Tuned local work sizes (mace_run --tune output).
  GPUContextBuilder &SetOpenCLParameterPath(const std::string &path);
  // Tuning runs: every kernel launch not in the parameters has its local work size searched
  // (slow); with kernel_time_limit_ms > 0, launches slower than that are split into parts of
  // about that long (limit_opencl_kernel_time). MaceEngine::WriteOpenCLTuning saves the result.
  GPUContextBuilder &SetOpenCLTuning(bool tuning, double kernel_time_limit_ms = 0);
  std::shared_ptr<GPUContext> Finalize();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

class MACE_API MaceEngineConfig {
 public:
  explicit MaceEngineConfig(const DeviceType device_type = DeviceType::CPU);
  ~MaceEngineConfig();
  MaceEngineConfig(const MaceEngineConfig &);
  MaceEngineConfig &operator=(const MaceEngineConfig &);

  void SetGPUContext(std::shared_ptr<GPUContext> context);
  MaceStatus SetGPUHints(GPUPerfHint perf_hint, GPUPriorityHint priority_hint);
  // num_threads_hint <= 0 means one thread per available core of the chosen policy.
  MaceStatus SetCPUThreadPolicy(int num_threads_hint, CPUAffinityPolicy policy);

  class Impl;
  const Impl *impl() const { return impl_.get(); }

 private:
  std::unique_ptr<Impl> impl_;
};

// A caller's tensor: shape, shared data and format. The engine reads inputs from and writes
// outputs into the memory `data` points to; outputs are resized by the engine when needed.
class MACE_API MaceTensor {
 public:
  MaceTensor(const std::vector<int64_t> &shape, std::shared_ptr<void> data,
             const DataFormat format = DataFormat::NCHW,
             const IDataType data_type = IDataType::IDT_FLOAT,
             const size_t buffer_size = 0);
  MaceTensor();
  MaceTensor(const MaceTensor &other);
  MaceTensor(const MaceTensor &&other);
  MaceTensor &operator=(const MaceTensor &other);
  MaceTensor &operator=(const MaceTensor &&other);
  ~MaceTensor();

  const std::vector<int64_t> &shape() const;
  const std::shared_ptr<float> data();
  const std::shared_ptr<const float> data() const;
  template <typename T>
  const std::shared_ptr<T> data() { return std::static_pointer_cast<T>(raw_data()); }
  std::shared_ptr<void> raw_data() const;
  DataFormat data_format() const;
  IDataType data_type() const;
  size_t buffer_size() const;  // bytes the caller allocated, 0 = exactly the shape's size

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Per-op timing collected when Run is given a RunMetadata.
struct OperatorStats {
  std::string operator_name;
  std::string type;
  std::vector<std::vector<int64_t>> output_shape;
  int64_t start_micros;
  int64_t end_micros;
  int64_t macs;
};

class MACE_API RunMetadata {
 public:
  std::vector<OperatorStats> op_stats;
};

class MACE_API MaceEngine {
 public:
  explicit MaceEngine(const MaceEngineConfig &config);
  ~MaceEngine();
  MaceEngine(const MaceEngine &) = delete;
  MaceEngine &operator=(const MaceEngine &) = delete;

  // Loads a graph (the bytes of a .mace file) and its weights (the bytes of a .data file).
  // The weights must outlive the engine; they are used in place, not copied.
  MaceStatus Init(const unsigned char *model_graph, size_t model_graph_size,
                  const std::vector<std::string> &input_nodes,
                  const std::vector<std::string> &output_nodes,
                  const unsigned char *model_data, size_t model_data_size);
  // Memory-maps both files; the mapping lives as long as the engine.
  MaceStatus Init(const std::string &model_graph_file,
                  const std::vector<std::string> &input_nodes,
                  const std::vector<std::string> &output_nodes,
                  const std::string &model_data_file);

  MaceStatus Run(const std::map<std::string, MaceTensor> &inputs,
                 std::map<std::string, MaceTensor> *outputs);
  MaceStatus Run(const std::map<std::string, MaceTensor> &inputs,
                 std::map<std::string, MaceTensor> *outputs,
                 RunMetadata *run_metadata);

  // Which device runs each op, one line: "CPU: 12 ops" for DeviceType::CPU; for
  // DeviceType::GPU "GPU: 3 ops (Add, Relu x2); CPU fallback: 2 ops (Conv: no GPU kernel, ...)"
  // — every op without a GPU kernel, or whose case its GPU kernel does not take, runs on the
  // CPU with the reason listed. Reflects the last Run (before the first, the plan); empty
  // before Init.
  std::string DevicePlacement() const;

  // GPU engines: writes the compiled OpenCL programs and the tuning table (the loaded parameters
  // and every launch tuned so far) to these files, for SetOpenCLBinaryPaths and
  // SetOpenCLParameterPath. An empty name skips that file.
  MaceStatus WriteOpenCLTuning(const std::string &binary_file, const std::string &parameter_file) const;

  // Names, shapes and formats of the model's inputs and outputs as the model declares them.
  std::vector<std::string> InputNames() const;
  std::vector<std::string> OutputNames() const;
  std::vector<int64_t> InputShape(const std::string &name) const;
  std::vector<int64_t> OutputShape(const std::string &name) const;
  IDataType InputDataType(const std::string &name) const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

MACE_API MaceStatus CreateMaceEngineFromProto(const unsigned char *model_graph_proto,
                                     const size_t model_graph_proto_size,
                                     const unsigned char *model_weights_data,
                                     const size_t model_weights_data_size,
                                     const std::vector<std::string> &input_nodes,
                                     const std::vector<std::string> &output_nodes,
                                     const MaceEngineConfig &config,
                                     std::shared_ptr<MaceEngine> *engine);

MACE_API MaceStatus CreateMaceEngineFromFiles(const std::string &model_graph_file,
                                     const std::string &model_data_file,
                                     const std::vector<std::string> &input_nodes,
                                     const std::vector<std::string> &output_nodes,
                                     const MaceEngineConfig &config,
                                     std::shared_ptr<MaceEngine> *engine);

}  // namespace mace

#endif  // MACE_PUBLIC_MACE_H_
