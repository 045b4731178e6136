// Source indices of Pad (ONNX Pad-19), shared by the CPU kernel (ops/pad.cc) and the GPU kernel
// (opencl/ops/pad.cc) so that both read the same input element for every output element.
#ifndef MACE_OPS_COMMON_PAD_UTIL_H_
#define MACE_OPS_COMMON_PAD_UTIL_H_

#include <cstdint>
#include <string>

namespace mace {
namespace pad {

enum class PadMode { kConstant, kReflect, kEdge, kWrap };

// The ONNX `mode` attribute value `name` (constant, reflect, edge, wrap); false for an unknown
// name (*mode unchanged).
inline bool ParsePadMode(const std::string &name, PadMode *mode) {
  if (name == "constant") *mode = PadMode::kConstant;
  else if (name == "reflect") *mode = PadMode::kReflect;
  else if (name == "edge") *mode = PadMode::kEdge;
  else if (name == "wrap") *mode = PadMode::kWrap;
  else return false;
  return true;
}

// Along one axis: the index in the kept (uncropped) input of `kept` elements (> 0 unless the
// mode is constant) that output index `o` reads, where the kept input starts at output index
// `lead`; -1 where constant mode writes the pad value.
inline int64_t SourceIndex(PadMode mode, int64_t o, int64_t lead, int64_t kept) {
  int64_t c = o - lead;
  const int64_t n = kept;
  if (c < 0 || c >= n) {
    switch (mode) {
      case PadMode::kConstant: c = -1; break;
      case PadMode::kEdge: c = c < 0 ? 0 : n - 1; break;
      case PadMode::kWrap: c = ((c % n) + n) % n; break;
      case PadMode::kReflect:
        if (n == 1) {
          c = 0;
        } else {
          const int64_t period = 2 * (n - 1);
          c = ((c % period) + period) % period;
          if (c >= n) c = period - c;
        }
        break;
    }
  }
  return c;
}

}  // namespace pad
}  // namespace mace

#endif  // MACE_OPS_COMMON_PAD_UTIL_H_
