// Owns one OpenCL object (context, queue, memory, program, kernel, event) and releases it with
// the loader's release entry point, so error paths cannot leak driver memory.
#ifndef MACE_OPENCL_CL_OBJECT_H_
#define MACE_OPENCL_CL_OBJECT_H_

#include <utility>

#include "opencl/opencl_library.h"

namespace mace {
namespace opencl {

template <typename T>
class CLObject {
 public:
  using Release = OpenCLLibrary::ReleaseFn<T>;
  CLObject() = default;
  CLObject(T handle, Release release) : handle_(handle), release_(release) {}
  CLObject(CLObject &&o) noexcept : handle_(o.handle_), release_(o.release_) { o.handle_ = nullptr; }
  CLObject &operator=(CLObject &&o) noexcept {
    if (this != &o) {
      reset();
      handle_ = std::exchange(o.handle_, nullptr);
      release_ = o.release_;
    }
    return *this;
  }
  CLObject(const CLObject &) = delete;
  CLObject &operator=(const CLObject &) = delete;
  ~CLObject() { reset(); }

  T get() const { return handle_; }
  explicit operator bool() const { return handle_ != nullptr; }
  void reset() {
    if (handle_ && release_) release_(handle_);
    handle_ = nullptr;
  }

 private:
  T handle_ = nullptr;
  Release release_ = nullptr;
};

}  // namespace opencl
}  // namespace mace

#endif  // MACE_OPENCL_CL_OBJECT_H_
