// Test harness for one op: builds it through the registry with the given inputs and args,
// runs it on a thread pool and exposes the outputs. Op tests compare those outputs with a
// naive reference written in the test itself.
#ifndef MACE_TEST_UTIL_OP_TESTER_H_
#define MACE_TEST_UTIL_OP_TESTER_H_

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/op.h"
#include "core/thread_pool.h"

namespace mace {
namespace test {

class OpTester {
 public:
  explicit OpTester(const std::string &type, int num_outputs = 1);

  // An input of any element type; `dtype` overrides the type's own (e.g. uint8 data as DT_BOOL).
  template <typename T>
  OpTester &InputOf(const Shape &shape, const std::vector<T> &values, DataType dtype = DataTypeOf<T>::value) {
    return InputBytes(shape, dtype, values.data(), values.size() * sizeof(T));
  }
  OpTester &Input(const Shape &shape, const std::vector<float> &values) { return InputOf(shape, values); }
  OpTester &InputInt64(const Shape &shape, const std::vector<int64_t> &values) { return InputOf(shape, values); }
  OpTester &InputInt32(const Shape &shape, const std::vector<int32_t> &values) { return InputOf(shape, values); }
  // An input given as raw bytes of `dtype` elements.
  OpTester &InputBytes(const Shape &shape, DataType dtype, const void *data, size_t bytes);
  OpTester &NoInput();  // an omitted optional input ("")
  // Gives input i a new shape and values between runs (ops that cache plans must replan).
  OpTester &ReplaceInput(int i, const Shape &shape, const std::vector<float> &values);
  // Marks the most recent input as constant (as weights are), before Init runs.
  OpTester &Const();

  OpTester &Arg(const std::string &name, int64_t v);
  OpTester &Arg(const std::string &name, int v) { return Arg(name, static_cast<int64_t>(v)); }
  OpTester &Arg(const std::string &name, float v);
  OpTester &Arg(const std::string &name, const std::string &v);
  OpTester &Arg(const std::string &name, const char *v) { return Arg(name, std::string(v)); }
  OpTester &Ints(const std::string &name, const std::vector<int64_t> &v);
  OpTester &Floats(const std::string &name, const std::vector<float> &v);
  OpTester &RawArg(const std::string &name, const OpArg &a);
  OpTester &OutputType(int i, DataType t);
  // Renames output i; "" marks an output the graph does not use.
  OpTester &OutputName(int i, const std::string &name);

  // Runs the op's GPU kernel (registry device 1) instead of its CPU kernel, with its tensors in
  // `memory` (a GPU engine's opencl::GpuMemory): inputs count as written by the host on each
  // Run, outputs are synced back. Run fails with MACE_UNSUPPORTED and the kernel's reason when
  // its Supports() refuses the case (a GPU engine would run the CPU kernel then).
  OpTester &OnDevice(DeviceMemory *memory);

  // Builds, inits and runs the op; returns its status. May be called again after
  // changing nothing (to test re-runs).
  MaceStatus Run(int num_threads = 1);

  const Tensor &Output(int i = 0) const { return *outputs_[i]; }
  // Output i's elements; expects its dtype to be T's.
  template <typename T>
  std::vector<T> OutputValues(int i = 0) const {
    const Tensor &t = *outputs_[i];
    ExpectOutputType(t, DataTypeOf<T>::value);
    return std::vector<T>(t.data<T>(), t.data<T>() + t.size());
  }
  std::vector<float> OutputFloats(int i = 0) const { return OutputValues<float>(i); }
  std::vector<int64_t> OutputInt64(int i = 0) const { return OutputValues<int64_t>(i); }

 private:
  static void ExpectOutputType(const Tensor &t, DataType dtype);

  OpDef def_;
  std::vector<std::unique_ptr<Tensor>> inputs_;
  std::vector<std::unique_ptr<Tensor>> outputs_;
  std::unique_ptr<Operation> op_;
  std::unique_ptr<ThreadPool> pool_;
  int pool_threads_ = 0;
  DeviceMemory *device_memory_ = nullptr;
};

// Uniform random values in [lo, hi) from a fixed seed.
std::vector<float> RandomFloats(int64_t n, float lo = -1.f, float hi = 1.f, uint32_t seed = 42);
int64_t NumElements(const Shape &shape);

// Fails the current test (with the first few mismatches) unless |a-e| <= atol + rtol*|e|
// element-wise and the sizes agree. NaNs must match NaNs.
void ExpectAllClose(const std::vector<float> &actual, const std::vector<float> &expected,
                    float atol = 1e-5f, float rtol = 1e-4f);

}  // namespace test
}  // namespace mace

#endif  // MACE_TEST_UTIL_OP_TESTER_H_
