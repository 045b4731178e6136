// Float vector types for the depthwise kernels, one per instruction set, all with the same
// small interface (N lanes, Load/Store, Set1, Fma, Min/Max, StoreN for a row's last partial
// vector, LoadMask for vectors that overlap the plane's left/right border, Deint to split 2N
// floats into even and odd columns for stride 2, Transpose for N x N blocks), so one kernel
// template (depthwise_kernel.h) is compiled once per set:
//   VecAvx512 (16 lanes), VecAvx512Half (8) in depthwise_avx512.cc
//   VecAvx2 (8)           in depthwise_avx2.cc
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

// Lanes [lo, hi) of a masked load, for the sets without masked loads.
struct Span {
  int lo, hi;
};

#if defined(__x86_64__) && defined(MACE_ISA_AVX512)
struct VecAvx512 {
  using V = __m512;
  static constexpr int N = 16;
  static constexpr bool kMaskedLoads = true;  // else the kernel copies border strips
  static constexpr bool kRolled = false;  // see Block in depthwise_kernel.h
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
  // The lanes [lo, hi) (clamped to [0, N)) of a LoadMask; the others read as zero, unread.
  using Mask = __mmask16;
  static Mask MakeMask(int lo, int hi) {
    lo = lo < 0 ? 0 : (lo > N ? N : lo);
    hi = hi < 0 ? 0 : (hi > N ? N : hi);
    return static_cast<Mask>(((1u << hi) - 1u) & ~((1u << lo) - 1u));
  }
  static V LoadMask(const float *p, Mask m) { return _mm512_maskz_loadu_ps(m, p); }
  // Even and odd floats of (a, b) = 2N consecutive floats.
  static void Deint(V a, V b, V *even, V *odd) {
    const __m512i ie = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i io = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    *even = _mm512_permutex2var_ps(a, ie, b);
    *odd = _mm512_permutex2var_ps(a, io, b);
  }
  // r[i] becomes column i of the 16 x 16 matrix whose rows were r[0..15]: pairs of rows
  // interleave (floats, then float pairs) so each 128-bit lane holds a 4 x 4 block transposed,
  // then two rounds of lane shuffles gather each column's four lanes.
  static void Transpose(V *r) {
    V a[16], b[16];
    for (int i = 0; i < 16; i += 2) {
      a[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
      a[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int m = 0; m < 16; m += 4) {  // b[m + k], lane L: column 4L + k of rows m..m+3
      const __m512d a0 = _mm512_castps_pd(a[m]), a1 = _mm512_castps_pd(a[m + 1]),
                    a2 = _mm512_castps_pd(a[m + 2]), a3 = _mm512_castps_pd(a[m + 3]);
      b[m] = _mm512_castpd_ps(_mm512_unpacklo_pd(a0, a2));
      b[m + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a0, a2));
      b[m + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(a1, a3));
      b[m + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(a1, a3));
    }
    for (int k = 0; k < 4; ++k) {
      const V lo0 = _mm512_shuffle_f32x4(b[k], b[4 + k], 0x44);  // lanes 0, 1 of both
      const V lo1 = _mm512_shuffle_f32x4(b[8 + k], b[12 + k], 0x44);
      const V hi0 = _mm512_shuffle_f32x4(b[k], b[4 + k], 0xEE);  // lanes 2, 3 of both
      const V hi1 = _mm512_shuffle_f32x4(b[8 + k], b[12 + k], 0xEE);
      r[k] = _mm512_shuffle_f32x4(lo0, lo1, 0x88);
      r[4 + k] = _mm512_shuffle_f32x4(lo0, lo1, 0xDD);
      r[8 + k] = _mm512_shuffle_f32x4(hi0, hi1, 0x88);
      r[12 + k] = _mm512_shuffle_f32x4(hi0, hi1, 0xDD);
    }
  }
};
#endif

#if defined(__x86_64__) && defined(MACE_ISA_AVX512)
// 8 lanes with AVX-512VL masks, for planes at most 8 outputs wide (7x7 outputs of stride 2):
// a 16-lane vector would compute 9 lanes for nothing, and a 256-bit operation costs half.
struct VecAvx512Half {
  using V = __m256;
  static constexpr int N = 8;
  static constexpr bool kMaskedLoads = true;
  static constexpr bool kRolled = false;
  static V Load(const float *p) { return _mm256_loadu_ps(p); }
  static void Store(float *p, V v) { _mm256_storeu_ps(p, v); }
  static void StoreN(float *p, V v, int n) {
    _mm256_mask_storeu_ps(p, static_cast<__mmask8>((1u << n) - 1u), v);
  }
  static V Set1(float a) { return _mm256_set1_ps(a); }
  static V Fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V Mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V Min(V a, V b) { return _mm256_min_ps(a, b); }
  static V Max(V a, V b) { return _mm256_max_ps(a, b); }
  using Mask = __mmask8;
  static Mask MakeMask(int lo, int hi) {
    lo = lo < 0 ? 0 : (lo > N ? N : lo);
    hi = hi < 0 ? 0 : (hi > N ? N : hi);
    return static_cast<Mask>(((1u << hi) - 1u) & ~((1u << lo) - 1u));
  }
  static V LoadMask(const float *p, Mask m) { return _mm256_maskz_loadu_ps(m, p); }
  static void Deint(V a, V b, V *even, V *odd) {
    *even = _mm256_permutex2var_ps(a, _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14), b);
    *odd = _mm256_permutex2var_ps(a, _mm256_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15), b);
  }
};
#endif

#if defined(__x86_64__) && defined(MACE_ISA_AVX2)
struct VecAvx2 {
  using V = __m256;
  static constexpr int N = 8;
  static constexpr bool kMaskedLoads = true;
  static constexpr bool kRolled = false;  // measured: rolled loses on 3x3, gains little on 5x5
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
  using Mask = __m256i;
  static Mask MakeMask(int lo, int hi) {
    const __m256i i = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_and_si256(_mm256_cmpgt_epi32(i, _mm256_set1_epi32(lo - 1)),
                            _mm256_cmpgt_epi32(_mm256_set1_epi32(hi), i));
  }
  static V LoadMask(const float *p, Mask m) { return _mm256_maskload_ps(p, m); }  // unread lanes
  static void Deint(V a, V b, V *even, V *odd) {
    // In-lane shuffles give [a0 a2 b0 b2 | a4 a6 b4 b6]; the 64-bit permute orders the pairs.
    const __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    const __m256 o = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
    *even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), 0xD8));
    *odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), 0xD8));
  }
  // r[i] becomes column i of the 8 x 8 matrix of rows r[0..7] (as VecAvx512::Transpose, with
  // one round of 128-bit lane permutes).
  static void Transpose(V *r) {
    V a[8], b[8];
    for (int i = 0; i < 8; i += 2) {
      a[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
      a[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int m = 0; m < 8; m += 4) {
      const __m256d a0 = _mm256_castps_pd(a[m]), a1 = _mm256_castps_pd(a[m + 1]),
                    a2 = _mm256_castps_pd(a[m + 2]), a3 = _mm256_castps_pd(a[m + 3]);
      b[m] = _mm256_castpd_ps(_mm256_unpacklo_pd(a0, a2));
      b[m + 1] = _mm256_castpd_ps(_mm256_unpackhi_pd(a0, a2));
      b[m + 2] = _mm256_castpd_ps(_mm256_unpacklo_pd(a1, a3));
      b[m + 3] = _mm256_castpd_ps(_mm256_unpackhi_pd(a1, a3));
    }
    for (int k = 0; k < 4; ++k) {
      r[k] = _mm256_permute2f128_ps(b[k], b[4 + k], 0x20);
      r[4 + k] = _mm256_permute2f128_ps(b[k], b[4 + k], 0x31);
    }
  }
};
#endif

#if defined(__x86_64__)
// SSE2 is part of x86-64: the portable path still gets 4 lanes (multiply then add, no FMA).
struct VecSse {
  using V = __m128;
  static constexpr int N = 4;
  static constexpr bool kMaskedLoads = false;  // LoadMask goes through memory: slow
  static constexpr bool kRolled = true;
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
  using Mask = Span;
  static Mask MakeMask(int lo, int hi) { return {lo, hi}; }
  static V LoadMask(const float *p, Mask m) {  // no masked load in SSE2
    if (m.lo <= 0 && m.hi >= N) return Load(p);
    alignas(16) float t[N] = {0.f, 0.f, 0.f, 0.f};
    for (int i = m.lo < 0 ? 0 : m.lo; i < m.hi && i < N; ++i) t[i] = p[i];
    return _mm_load_ps(t);
  }
  static void Deint(V a, V b, V *even, V *odd) {
    *even = _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    *odd = _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
  }
  static void Transpose(V *r) { _MM_TRANSPOSE4_PS(r[0], r[1], r[2], r[3]); }
};
#endif

#if defined(__ARM_NEON) || defined(__aarch64__)
struct VecNeon {
  using V = float32x4_t;
  static constexpr int N = 4;
  static constexpr bool kMaskedLoads = false;
  static constexpr bool kRolled = true;
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
  using Mask = Span;
  static Mask MakeMask(int lo, int hi) { return {lo, hi}; }
  static V LoadMask(const float *p, Mask m) {  // no masked load in NEON
    if (m.lo <= 0 && m.hi >= N) return Load(p);
    float t[N] = {0.f, 0.f, 0.f, 0.f};
    for (int i = m.lo < 0 ? 0 : m.lo; i < m.hi && i < N; ++i) t[i] = p[i];
    return vld1q_f32(t);
  }
  static void Deint(V a, V b, V *even, V *odd) {
    const float32x4x2_t u = vuzpq_f32(a, b);
    *even = u.val[0];
    *odd = u.val[1];
  }
  static void Transpose(V *r) {
    const float32x4x2_t t01 = vtrnq_f32(r[0], r[1]), t23 = vtrnq_f32(r[2], r[3]);
    r[0] = vcombine_f32(vget_low_f32(t01.val[0]), vget_low_f32(t23.val[0]));
    r[1] = vcombine_f32(vget_low_f32(t01.val[1]), vget_low_f32(t23.val[1]));
    r[2] = vcombine_f32(vget_high_f32(t01.val[0]), vget_high_f32(t23.val[0]));
    r[3] = vcombine_f32(vget_high_f32(t01.val[1]), vget_high_f32(t23.val[1]));
  }
};
#endif

struct VecScalar {
  using V = float;
  static constexpr int N = 1;
  static constexpr bool kMaskedLoads = false;
  static constexpr bool kRolled = true;
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
  using Mask = bool;
  static Mask MakeMask(int lo, int hi) { return lo <= 0 && hi > 0; }
  static V LoadMask(const float *p, Mask m) { return m ? *p : 0.f; }
  static void Deint(V a, V b, V *even, V *odd) {
    *even = a;
    *odd = b;
  }
  static void Transpose(V *) {}
};

// The vector constants of a fused activation with a vector form (RELU, CLIP, HARDSIGMOID,
// HARDSWISH): bounds lo/hi and the gate's slope a and offset b. Shared by the depthwise and
// direct-conv kernels; ActivationType comes from ops/common/activation.h, which their headers
// include before the instruction-set region.
template <class VT>
struct ActParams {
  using V = typename VT::V;
  ActivationType type;
  V lo, hi, a, b;
  ActParams(ActivationType t, float alpha, float beta)
      : type(t), lo(VT::Set1(0.f)), hi(VT::Set1(1.f)), a(VT::Set1(alpha)), b(VT::Set1(beta)) {
    if (type == ActivationType::CLIP) {
      lo = VT::Set1(alpha);
      hi = VT::Set1(beta);
    } else if (type == ActivationType::HARDSWISH) {
      a = VT::Set1(1.f / 6.f);
      b = VT::Set1(0.5f);
    }
  }
};

}  // namespace
}  // namespace depthwise
}  // namespace mace

#endif  // MACE_OPS_COMMON_DEPTHWISE_VEC_H_
