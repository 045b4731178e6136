// Internal status helpers: every fallible step returns mace::MaceStatus with a message that
// says what failed and on what input.
#ifndef MACE_CORE_STATUS_H_
#define MACE_CORE_STATUS_H_

#include <sstream>
#include <string>
#include <utility>

#include "mace/public/mace.h"

namespace mace {

namespace internal {
inline void StrAppend(std::ostringstream &) {}
template <typename T, typename... Rest>
void StrAppend(std::ostringstream &os, const T &v, const Rest &...rest) {
  os << v;
  StrAppend(os, rest...);
}
}  // namespace internal

template <typename... Args>
std::string StrCat(const Args &...args) {
  std::ostringstream os;
  internal::StrAppend(os, args...);
  return os.str();
}

template <typename... Args>
MaceStatus InvalidArgs(const Args &...args) {
  return MaceStatus(MaceStatus::MACE_INVALID_ARGS, StrCat(args...));
}
template <typename... Args>
MaceStatus Unsupported(const Args &...args) {
  return MaceStatus(MaceStatus::MACE_UNSUPPORTED, StrCat(args...));
}
template <typename... Args>
MaceStatus RuntimeError(const Args &...args) {
  return MaceStatus(MaceStatus::MACE_RUNTIME_ERROR, StrCat(args...));
}
template <typename... Args>
MaceStatus OutOfResources(const Args &...args) {
  return MaceStatus(MaceStatus::MACE_OUT_OF_RESOURCES, StrCat(args...));
}

}  // namespace mace

#define MACE_RETURN_IF_ERROR(stmt)              \
  do {                                          \
    ::mace::MaceStatus _mace_status = (stmt);   \
    if (!_mace_status.ok()) return _mace_status; \
  } while (0)

// Validates a condition on user-controlled input (model, tensors, args) and returns
// MACE_INVALID_ARGS with the streamed message when it does not hold.
#define MACE_ENSURE(cond, ...)                                  \
  do {                                                          \
    if (!(cond)) return ::mace::InvalidArgs(__VA_ARGS__);       \
  } while (0)

#endif  // MACE_CORE_STATUS_H_
