// Test helper for the data-movement op tests: runs one op (through OpTester) on tensors given
// as raw bytes of any element type, e.g. to check uint8 and bool data.
#ifndef MACE_TEST_OPS_ANY_TYPE_OP_H_
#define MACE_TEST_OPS_ANY_TYPE_OP_H_

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/op_registry.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
// A namespace of its own, so these inline helpers never collide with another test's.
namespace any_type {

// A tensor given as raw bytes; `present` false stands for an omitted optional input.
struct RawTensor {
  bool present = true;
  DataType dtype = DataType::DT_FLOAT;
  Shape shape;
  std::vector<uint8_t> bytes;

  template <typename T>
  std::vector<T> As() const {
    std::vector<T> v(bytes.size() / sizeof(T));
    if (!v.empty()) std::memcpy(v.data(), bytes.data(), v.size() * sizeof(T));
    return v;
  }
};

template <typename T>
RawTensor Raw(const Shape &shape, const std::vector<T> &values, DataType dtype = DataTypeOf<T>::value) {
  RawTensor t;
  t.dtype = dtype;
  t.shape = shape;
  t.bytes.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

inline RawTensor Absent() {
  RawTensor t;
  t.present = false;
  return t;
}

// Builds and runs `type` with `inputs` and `args`; fills `outputs` (num_outputs of them).
// `output_names` (optional) names the outputs; "" marks an output the graph does not use.
inline MaceStatus RunAnyType(const std::string &type, const std::vector<RawTensor> &inputs,
                             const std::map<std::string, OpArg> &args, int num_outputs,
                             std::vector<RawTensor> *outputs, int threads = 1,
                             const std::vector<std::string> &output_names = {}) {
  OpTester t(type, num_outputs);
  for (const RawTensor &in : inputs) {
    if (in.present) t.InputBytes(in.shape, in.dtype, in.bytes.data(), in.bytes.size());
    else t.NoInput();
  }
  for (const auto &arg : args) t.RawArg(arg.first, arg.second);
  for (int i = 0; i < num_outputs; ++i) {
    t.OutputType(i, inputs.empty() ? DataType::DT_FLOAT : inputs[0].dtype);
    if (i < static_cast<int>(output_names.size())) t.OutputName(i, output_names[i]);
  }
  MACE_RETURN_IF_ERROR(t.Run(threads));
  outputs->clear();
  for (int i = 0; i < num_outputs; ++i) {
    const Tensor &out = t.Output(i);
    RawTensor r;
    r.dtype = out.dtype();
    r.shape = out.shape();
    r.bytes.assign(static_cast<const uint8_t *>(out.raw_data()),
                   static_cast<const uint8_t *>(out.raw_data()) + out.bytes());
    outputs->push_back(std::move(r));
  }
  return MaceStatus::MACE_SUCCESS;
}

inline OpArg IntArg(int64_t v) {
  OpArg a;
  a.has_i = true;
  a.i = v;
  return a;
}
inline OpArg IntsArg(const std::vector<int64_t> &v) {
  OpArg a;
  a.ints = v;
  return a;
}
inline OpArg StrArg(const std::string &s) {
  OpArg a;
  a.has_s = true;
  a.s = s;
  return a;
}

// Row-major multi-index helpers for the naive references.
inline std::vector<int64_t> Unravel(int64_t flat, const Shape &shape) {
  std::vector<int64_t> idx(shape.size());
  for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
    idx[d] = shape[d] ? flat % shape[d] : 0;
    if (shape[d]) flat /= shape[d];
  }
  return idx;
}
inline int64_t Ravel(const std::vector<int64_t> &idx, const Shape &shape) {
  int64_t flat = 0;
  for (size_t d = 0; d < shape.size(); ++d) flat = flat * shape[d] + idx[d];
  return flat;
}

// Distinct values 0, 1, 2, ... (so any misplaced element shows).
template <typename T>
std::vector<T> Iota(int64_t n, T start = T(0)) {
  std::vector<T> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[i] = static_cast<T>(start + static_cast<T>(i));
  return v;
}

inline bool HasText(const MaceStatus &s, const std::string &text) {
  return s.information().find(text) != std::string::npos;
}

}  // namespace any_type
}  // namespace test
}  // namespace mace

#endif  // MACE_TEST_OPS_ANY_TYPE_OP_H_
