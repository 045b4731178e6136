// Every fused activation with typical arguments: the kernels with an in-register epilogue
// (depthwise, direct conv) are checked against their naive references with each of these.
#ifndef MACE_TEST_UTIL_ACTIVATION_CASES_H_
#define MACE_TEST_UTIL_ACTIVATION_CASES_H_

#include <vector>

#include "ops/common/activation.h"

namespace mace {
namespace test {

inline std::vector<Activation> FusedActivationCases() {
  const struct {
    ActivationType t;
    float a, b;
  } acts[] = {{ActivationType::RELU, 0.f, 0.f},        {ActivationType::CLIP, 0.f, 6.f},
              {ActivationType::CLIP, -0.25f, 0.5f},    {ActivationType::HARDSIGMOID, 0.2f, 0.5f},
              {ActivationType::HARDSWISH, 0.f, 0.f},   {ActivationType::SIGMOID, 0.f, 0.f},
              {ActivationType::LEAKYRELU, 0.1f, 0.f},  {ActivationType::TANH, 0.f, 0.f}};
  std::vector<Activation> out;
  for (const auto &a : acts) {
    Activation act;
    act.type = a.t;
    act.alpha = a.a;
    act.beta = a.b;
    out.push_back(act);
  }
  return out;
}

}  // namespace test
}  // namespace mace

#endif  // MACE_TEST_UTIL_ACTIVATION_CASES_H_
