#include "core/op_registry.h"

namespace mace {

void RegisterAllOps(OpRegistry *registry);  // generated from the MACE_OP_REGISTRAR list

const OpRegistry &OpRegistry::Global() {
  static const OpRegistry *registry = [] {
    auto *r = new OpRegistry();
    RegisterAllOps(r);
    return r;
  }();
  return *registry;
}

void OpRegistry::Register(const std::string &type, int device, DataType dtype, OpCreator creator) {
  creators_[OpKey{type, device, dtype}] = std::move(creator);
}

const OpCreator *OpRegistry::Find(const std::string &type, int device, DataType dtype) const {
  auto it = creators_.find(OpKey{type, device, dtype});
  if (it != creators_.end()) return &it->second;
  it = creators_.find(OpKey{type, device, DataType::DT_INVALID});
  return it == creators_.end() ? nullptr : &it->second;
}

std::vector<OpKey> OpRegistry::Keys() const {
  std::vector<OpKey> keys;
  for (const auto &kv : creators_) keys.push_back(kv.first);
  return keys;
}

}  // namespace mace
