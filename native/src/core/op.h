// The operator interface. An Operation is built once from its schema Operator (args are
// read then), may prepare itself in Init (e.g. pack weights that are constant), and Run()
// computes its outputs, resizing them first. Semantics follow ONNX; see docs/engine-format.md.
#ifndef MACE_CORE_OP_H_
#define MACE_CORE_OP_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "core/thread_pool.h"

namespace mace {

// Where tensors may also live on another device: a GPU engine keeps GPU ops' values in images
// (opencl::GpuMemory). The executor makes a CPU op's inputs current on the host before it runs
// and records its host writes after; GPU ops use the device side directly.
class DeviceMemory {
 public:
  virtual ~DeviceMemory() = default;
  // Makes `t`'s host copy current (a download when the device wrote it last).
  virtual MaceStatus Sync(Tensor *t) = 0;
  // `t`'s host copy was written (by a CPU op or the caller): the device copy is stale.
  virtual void HostWritten(const Tensor *t) = 0;
  // Waits until the device has finished all work enqueued so far (per-op timing).
  virtual MaceStatus Wait() = 0;
  // Starts counting the transfers of one run; TransferSummary() reports them, e.g.
  // "transfers: 1 upload (602 KB), 1 download (4 KB)".
  virtual void BeginRun() = 0;
  virtual std::string TransferSummary() const = 0;
};

// A decoded operator argument (an ONNX attribute after normalisation by the converter).
struct OpArg {
  bool has_f = false, has_i = false, has_s = false;
  float f = 0;
  int64_t i = 0;
  std::string s;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
};

struct OpDef {
  std::string name;
  std::string type;
  int device = 0;
  std::vector<std::string> inputs;   // "" = omitted optional input
  std::vector<std::string> outputs;
  std::vector<DataType> output_types;
  std::map<std::string, OpArg> args;
};

struct OpContext {
  ThreadPool *thread_pool;
  // A GPU engine's device memory (an opencl::GpuMemory, through which GPU ops reach the OpenCL
  // runtime and the images of their tensors); null on CPU engines.
  DeviceMemory *device_memory = nullptr;
};

class Operation {
 public:
  Operation(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : def_(def), inputs_(std::move(inputs)), outputs_(std::move(outputs)) {}
  virtual ~Operation() = default;

  // Called once after construction; constant inputs already hold their data.
  virtual MaceStatus Init() { return MaceStatus::MACE_SUCCESS; }
  virtual MaceStatus Run(OpContext *ctx) = 0;
  // GPU ops: whether the kernel computes this op's case exactly (types, arity, args and, once
  // `ctx` is given, the current input shapes and values). With `ctx` null (while the graph is
  // built) only what does not depend on shapes is checked. When false, `why` says why and the
  // executor runs the op's CPU kernel instead. CPU ops take every case they are built for.
  virtual bool Supports(const OpContext *ctx, std::string *why) const { return true; }
  // CPU engines, at load: offers this op the op before it, whose only output is read by this op
  // alone (as input 0) and is no model output; `between` is that output's shape as the converter
  // inferred it (empty or with -1 where unknown). Returning true, this op takes over computing
  // that output (fused with its own work, or by running the producer first) and the executor
  // no longer runs the producer.
  virtual bool Absorb(Operation *producer, const Shape &between) { return false; }
  // Multiply-accumulates of the last Run, for benchmark statistics (0 when not meaningful).
  virtual int64_t Macs() const { return 0; }

  const std::string &name() const { return def_.name; }
  const std::string &type() const { return def_.type; }
  const OpDef &def() const { return def_; }

  int InputSize() const { return static_cast<int>(inputs_.size()); }
  int OutputSize() const { return static_cast<int>(outputs_.size()); }
  // nullptr when the optional input is omitted or beyond the given inputs.
  const Tensor *Input(int i) const { return i < InputSize() ? inputs_[i] : nullptr; }
  Tensor *Output(int i) { return i < OutputSize() ? outputs_[i] : nullptr; }

  bool HasArg(const std::string &name) const { return def_.args.count(name) != 0; }
  float GetFloat(const std::string &name, float dflt) const;
  int64_t GetInt(const std::string &name, int64_t dflt) const;
  std::string GetString(const std::string &name, const std::string &dflt) const;
  std::vector<int64_t> GetInts(const std::string &name, const std::vector<int64_t> &dflt = {}) const;
  std::vector<float> GetFloats(const std::string &name, const std::vector<float> &dflt = {}) const;
  std::vector<std::string> GetStrings(const std::string &name) const;

  // Reads an int32/int64 input (axes, shapes, indices given as tensors) into a vector.
  MaceStatus ReadIntInput(int i, std::vector<int64_t> *values) const;
  // "<type> '<name>': " prefix for error messages.
  std::string Where() const { return "op " + def_.type + " '" + def_.name + "': "; }

 protected:
  OpDef def_;
  std::vector<Tensor *> inputs_;
  std::vector<Tensor *> outputs_;
};

}  // namespace mace

#endif  // MACE_CORE_OP_H_
