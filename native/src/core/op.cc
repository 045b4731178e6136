#include "core/op.h"

namespace mace {

float Operation::GetFloat(const std::string &name, float dflt) const {
  auto it = def_.args.find(name);
  if (it == def_.args.end()) return dflt;
  if (it->second.has_f) return it->second.f;
  if (it->second.has_i) return static_cast<float>(it->second.i);
  return dflt;
}

int64_t Operation::GetInt(const std::string &name, int64_t dflt) const {
  auto it = def_.args.find(name);
  if (it == def_.args.end()) return dflt;
  if (it->second.has_i) return it->second.i;
  if (it->second.has_f) return static_cast<int64_t>(it->second.f);
  return dflt;
}

std::string Operation::GetString(const std::string &name, const std::string &dflt) const {
  auto it = def_.args.find(name);
  return it == def_.args.end() || !it->second.has_s ? dflt : it->second.s;
}

std::vector<int64_t> Operation::GetInts(const std::string &name,
                                        const std::vector<int64_t> &dflt) const {
  auto it = def_.args.find(name);
  return it == def_.args.end() ? dflt : it->second.ints;
}

std::vector<float> Operation::GetFloats(const std::string &name,
                                        const std::vector<float> &dflt) const {
  auto it = def_.args.find(name);
  return it == def_.args.end() ? dflt : it->second.floats;
}

std::vector<std::string> Operation::GetStrings(const std::string &name) const {
  auto it = def_.args.find(name);
  return it == def_.args.end() ? std::vector<std::string>{} : it->second.strings;
}

MaceStatus Operation::ReadIntInput(int i, std::vector<int64_t> *values) const {
  const Tensor *t = Input(i);
  MACE_ENSURE(t != nullptr, Where(), "input ", i, " is required");
  values->resize(static_cast<size_t>(t->size()));
  if (t->dtype() == DataType::DT_INT64) {
    const int64_t *p = t->data<int64_t>();
    for (int64_t k = 0; k < t->size(); ++k) (*values)[k] = p[k];
  } else if (t->dtype() == DataType::DT_INT32) {
    const int32_t *p = t->data<int32_t>();
    for (int64_t k = 0; k < t->size(); ++k) (*values)[k] = p[k];
  } else {
    return InvalidArgs(Where(), "input ", i, " ('", t->name(), "') must be int32 or int64, got ",
                       DataTypeName(t->dtype()));
  }
  return MaceStatus::MACE_SUCCESS;
}

}  // namespace mace
