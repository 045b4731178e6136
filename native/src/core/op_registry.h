// The op registry: creators keyed by op type × device × data type. Each op file defines
// `MACE_OP_REGISTRAR(Name) { ... }`; the build scans the sources for these and generates the
// call list (src/ops/registry.cc.in), so adding an op touches no central file.
#ifndef MACE_CORE_OP_REGISTRY_H_
#define MACE_CORE_OP_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "core/op.h"

namespace mace {

// Registry device ids (OpKey::device; the model's per-op device uses the same numbering).
constexpr int kCpuDevice = 0;
constexpr int kGpuDevice = 1;

using OpCreator = std::function<std::unique_ptr<Operation>(
    const OpDef &, std::vector<Tensor *>, std::vector<Tensor *>)>;

struct OpKey {
  std::string type;
  int device;       // 0 CPU, 1 GPU
  DataType dtype;   // DT_INVALID registers for every type (the op checks what it gets)
  bool operator<(const OpKey &o) const {
    return std::tie(type, device, dtype) < std::tie(o.type, o.device, o.dtype);
  }
};

class OpRegistry {
 public:
  // The registry with every compiled-in op.
  static const OpRegistry &Global();

  void Register(const std::string &type, int device, DataType dtype, OpCreator creator);
  // Exact type first, then the any-type registration; nullptr when none.
  const OpCreator *Find(const std::string &type, int device, DataType dtype) const;
  std::vector<OpKey> Keys() const;

 private:
  std::map<OpKey, OpCreator> creators_;
};

template <typename OpClass>
void RegisterOp(OpRegistry *r, const std::string &type, int device, DataType dtype) {
  r->Register(type, device, dtype,
              [](const OpDef &d, std::vector<Tensor *> in, std::vector<Tensor *> out) {
                return std::unique_ptr<Operation>(new OpClass(d, std::move(in), std::move(out)));
              });
}

}  // namespace mace

// Defines the registration function of one op file. `Name` must be unique.
#define MACE_OP_REGISTRAR(Name) void MaceRegisterOps_##Name(::mace::OpRegistry *registry)

#define MACE_REGISTER_CPU_OP(registry, type, OpClass, dtype) \
  ::mace::RegisterOp<OpClass>(registry, type, ::mace::kCpuDevice, dtype)

// A GPU (OpenCL) kernel of an op; used by DeviceType::GPU engines where Supports() accepts the
// case, with the op's CPU kernel as the fallback.
#define MACE_REGISTER_GPU_OP(registry, type, OpClass, dtype) \
  ::mace::RegisterOp<OpClass>(registry, type, ::mace::kGpuDevice, dtype)

#endif  // MACE_CORE_OP_REGISTRY_H_
