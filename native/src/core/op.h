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

namespace opencl {
class OpenCLRuntime;
}  // namespace opencl

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
  // The engine's OpenCL runtime when it runs with DeviceType::GPU (GPU ops use it); else null.
  opencl::OpenCLRuntime *opencl = nullptr;
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
