// Fused activations: Conv, ConvTranspose, Gemm and MatMul carry an `activation` arg (set by
// the converter when it fuses the following activation node) and apply it to their output.
#ifndef MACE_OPS_COMMON_ACTIVATION_H_
#define MACE_OPS_COMMON_ACTIVATION_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "core/op.h"
#include "ops/common/fast_math.h"

namespace mace {

enum class ActivationType { NONE, RELU, CLIP, LEAKYRELU, SIGMOID, TANH, HARDSIGMOID, HARDSWISH };

struct Activation {
  ActivationType type = ActivationType::NONE;
  float alpha = 0.f;  // CLIP: min; LEAKYRELU: slope; HARDSIGMOID: alpha
  float beta = 0.f;   // CLIP: max; HARDSIGMOID: beta

  // Reads args `activation` (RELU, CLIP, LEAKYRELU, SIGMOID, TANH, HARDSIGMOID, HARDSWISH),
  // `activation_alpha`, `activation_beta`.
  static MaceStatus FromOp(const Operation &op, Activation *out);

  inline float Apply(float x) const {
    switch (type) {
      case ActivationType::NONE: return x;
      case ActivationType::RELU: return x > 0.f ? x : 0.f;
      case ActivationType::CLIP: return std::min(std::max(x, alpha), beta);
      case ActivationType::LEAKYRELU: return x >= 0.f ? x : alpha * x;
      case ActivationType::SIGMOID: return fast_math::SigmoidApprox(x);
      case ActivationType::TANH: return fast_math::TanhApprox(x);
      case ActivationType::HARDSIGMOID: return std::min(1.f, std::max(0.f, alpha * x + beta));
      case ActivationType::HARDSWISH: return x * std::min(1.f, std::max(0.f, x / 6.f + 0.5f));
    }
    return x;
  }

  void ApplyInPlace(float *data, int64_t n) const {
    if (type == ActivationType::NONE) return;
    if (type == ActivationType::RELU) {
      for (int64_t i = 0; i < n; ++i) data[i] = data[i] > 0.f ? data[i] : 0.f;
      return;
    }
    // Loops of their own, so that they vectorise (the switch in Apply keeps this one scalar).
    if (type == ActivationType::SIGMOID) {
      for (int64_t i = 0; i < n; ++i) data[i] = fast_math::SigmoidApprox(data[i]);
      return;
    }
    if (type == ActivationType::TANH) {
      for (int64_t i = 0; i < n; ++i) data[i] = fast_math::TanhApprox(data[i]);
      return;
    }
    for (int64_t i = 0; i < n; ++i) data[i] = Apply(data[i]);
  }
};

inline MaceStatus Activation::FromOp(const Operation &op, Activation *out) {
  std::string name = op.GetString("activation", "");
  Activation a;
  a.alpha = op.GetFloat("activation_alpha", 0.f);
  a.beta = op.GetFloat("activation_beta", 0.f);
  if (name.empty() || name == "NONE") a.type = ActivationType::NONE;
  else if (name == "RELU") a.type = ActivationType::RELU;
  else if (name == "CLIP") a.type = ActivationType::CLIP;
  else if (name == "LEAKYRELU") a.type = ActivationType::LEAKYRELU;
  else if (name == "SIGMOID") a.type = ActivationType::SIGMOID;
  else if (name == "TANH") a.type = ActivationType::TANH;
  else if (name == "HARDSIGMOID") a.type = ActivationType::HARDSIGMOID;
  else if (name == "HARDSWISH") a.type = ActivationType::HARDSWISH;
  else return InvalidArgs(op.Where(), "unknown fused activation '", name, "'");
  *out = a;
  return MaceStatus::MACE_SUCCESS;
}

}  // namespace mace

#endif  // MACE_OPS_COMMON_ACTIVATION_H_
