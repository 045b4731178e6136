// Branch-free single-precision exp, sigmoid and tanh that compilers vectorise when called in a
// loop over an array (std::exp / std::tanh are library calls that stay scalar): recurrent ops
// evaluate thousands of gates per step, and sigmoid/tanh activations whole tensors.
// Accuracy: ExpApprox within 2 ulp of std::exp over its whole range (Cephes' expf polynomial on
// a reduced argument); SigmoidApprox and TanhApprox within 3e-7 absolute and 4 ulp relative of
// the library functions (tested in native/test/ops/fast_math_test.cc). NaN in gives NaN out.
#ifndef MACE_OPS_COMMON_FAST_MATH_H_
#define MACE_OPS_COMMON_FAST_MATH_H_

#include <cstdint>
#include <cstring>

namespace mace {
namespace fast_math {

// c ? a : b through bit masks: with default floating-point semantics (-ftrapping-math) GCC
// will not turn float selects fed by comparisons into vector blends, but it vectorises these.
inline float Select(bool c, float a, float b) {
  const int32_t m = -static_cast<int32_t>(c);
  int32_t ia, ib;
  std::memcpy(&ia, &a, sizeof ia);
  std::memcpy(&ib, &b, sizeof ib);
  const int32_t r = (ia & m) | (ib & ~m);
  float out;
  std::memcpy(&out, &r, sizeof out);
  return out;
}

// e^x; 0 below -87.3, +inf above 88.72 (as expf, which overflows there).
inline float ExpApprox(float x) {
  const float lo = -87.33654f, hi = 88.72283f;
  const bool above = x > hi, nan = x != x;
  const float c = Select(above, hi, Select(x < lo, lo, x));
  // x = n ln2 + r, |r| <= ln2/2; n = floor(x log2(e) + 1/2) computed by truncating a positive
  // number (truncation vectorises everywhere, rounding instructions do not).
  const int32_t n = static_cast<int32_t>(c * 1.44269504088896341f + 128.5f) - 128;
  const float fn = static_cast<float>(n);
  float r = c - fn * 0.693359375f;  // ln2 split in two for an exact product with the high part
  r = r - fn * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float er = p * r * r + r + 1.f;
  // 2^n as bits; n in [-126, 128]: split in two factors so both stay normal.
  const int32_t n1 = n / 2, n2 = n - n1;
  const int32_t b1 = (n1 + 127) << 23, b2 = (n2 + 127) << 23;
  float s1, s2;
  std::memcpy(&s1, &b1, sizeof s1);
  std::memcpy(&s2, &b2, sizeof s2);
  const float y = er * s1 * s2;
  return Select(nan, x, Select(above, __builtin_inff(), y));
}

inline float SigmoidApprox(float x) { return 1.f / (1.f + ExpApprox(-x)); }

inline float TanhApprox(float x) {
  const bool negative = x < 0.f, nan = x != x;
  const float ax = Select(negative, -x, x);
  const bool is_small = ax < 0.625f;
  // Small |x|: odd polynomial (Cephes tanhf), accurate in relative terms near 0.
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = x * (1.f + p * z);  // (not p*z*x + x, which turns -0 into +0)
  // Larger |x|: 1 - 2 / (e^(2|x|) + 1), saturating to 1 (e^(2|x|) overflows to inf past 44).
  const float big = 1.f - 2.f / (ExpApprox(2.f * ax) + 1.f);
  return Select(nan, x, Select(is_small, small, Select(negative, -big, big)));
}

}  // namespace fast_math
}  // namespace mace

#endif  // MACE_OPS_COMMON_FAST_MATH_H_
