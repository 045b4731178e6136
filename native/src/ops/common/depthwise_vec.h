// Float vector types for the depthwise kernels, one per instruction set, all with the same
// small interface (N lanes, Load/Store, Set1, Fma, Min/Max, StoreN for a row's last partial
// vector), so one kernel template (depthwise_kernel.h) is compiled once per set:
//   VecAvx512 (16 lanes)  in depthwise_avx512.cc   VecAvx2 (8) in depthwise_avx2.cc
//   VecNeon (4)           in depthwise.cc on ARM   VecSse (4) in depthwise.cc on x86-64
//   VecScalar (1)         elsewhere.
// Each type is defined only where the translation unit is compiled with its instruction set.
#ifndef MACE_OPS_COMMON_DEPTHWISE_VEC_H_
#define MACE_OPS_COMMON_DEPTHWISE_VEC_H_

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__ARM_NEON) || defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace mace {
namespace depthwise {
// Unnamed: each file built with its own instruction set keeps its own copy.
namespace {

#if defined(__x86_64__) && defined(MACE_ISA_AVX512)
struct VecAvx512 {
  using V = __m512;
  static constexpr int N = 16;
  static V Load(const float *p) { return _mm512_loadu_ps(p); }
  static void Store(float *p, V v) { _mm512_storeu_ps(p, v); }
  static void StoreN(float *p, V v, int n) {
    _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << n) - 1u), v);
  }
  static V Set1(float a) { return _mm512_set1_ps(a); }
  static V Fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }  // a*b+c
  static V Mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V Min(V a, V b) { return _mm512_min_ps(a, b); }
  static V Max(V a, V b) { return _mm512_max_ps(a, b); }
};
#endif

#if defined(__x86_64__) && defined(MACE_ISA_AVX2)
struct VecAvx2 {
  using V = __m256;
  static constexpr int N = 8;
  static V Load(const float *p) { return _mm256_loadu_ps(p); }
  static void Store(float *p, V v) { _mm256_storeu_ps(p, v); }
  static void StoreN(float *p, V v, int n) {
    alignas(32) float t[N];
    _mm256_store_ps(t, v);
    std::memcpy(p, t, sizeof(float) * n);
  }
  static V Set1(float a) { return _mm256_set1_ps(a); }
  static V Fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V Mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V Min(V a, V b) { return _mm256_min_ps(a, b); }
  static V Max(V a, V b) { return _mm256_max_ps(a, b); }
};
#endif

#if defined(__x86_64__)
// SSE2 is part of x86-64: the portable path still gets 4 lanes (multiply then add, no FMA).
struct VecSse {
  using V = __m128;
  static constexpr int N = 4;
  static V Load(const float *p) { return _mm_loadu_ps(p); }
  static void Store(float *p, V v) { _mm_storeu_ps(p, v); }
  static void StoreN(float *p, V v, int n) {
    alignas(16) float t[N];
    _mm_store_ps(t, v);
    std::memcpy(p, t, sizeof(float) * n);
  }
  static V Set1(float a) { return _mm_set1_ps(a); }
  static V Fma(V a, V b, V c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
  static V Mul(V a, V b) { return _mm_mul_ps(a, b); }
  static V Min(V a, V b) { return _mm_min_ps(a, b); }
  static V Max(V a, V b) { return _mm_max_ps(a, b); }
};
#endif

#if defined(__ARM_NEON) || defined(__aarch64__)
struct VecNeon {
  using V = float32x4_t;
  static constexpr int N = 4;
  static V Load(const float *p) { return vld1q_f32(p); }
  static void Store(float *p, V v) { vst1q_f32(p, v); }
  static void StoreN(float *p, V v, int n) {
    float t[N];
    vst1q_f32(t, v);
    std::memcpy(p, t, sizeof(float) * n);
  }
  static V Set1(float a) { return vdupq_n_f32(a); }
#if defined(__aarch64__)
  static V Fma(V a, V b, V c) { return vfmaq_f32(c, a, b); }
#else
  static V Fma(V a, V b, V c) { return vmlaq_f32(c, a, b); }  // armv7 NEON: no fused form
#endif
  static V Mul(V a, V b) { return vmulq_f32(a, b); }
  static V Min(V a, V b) { return vminq_f32(a, b); }
  static V Max(V a, V b) { return vmaxq_f32(a, b); }
};
#endif

struct VecScalar {
  using V = float;
  static constexpr int N = 1;
  static V Load(const float *p) { return *p; }
  static void Store(float *p, V v) { *p = v; }
  static void StoreN(float *p, V v, int n) {
    if (n > 0) *p = v;
  }
  static V Set1(float a) { return a; }
  static V Fma(V a, V b, V c) { return a * b + c; }
  static V Mul(V a, V b) { return a * b; }
  static V Min(V a, V b) { return b < a ? b : a; }
  static V Max(V a, V b) { return a < b ? b : a; }
};

}  // namespace
}  // namespace depthwise
}  // namespace mace

#endif  // MACE_OPS_COMMON_DEPTHWISE_VEC_H_
