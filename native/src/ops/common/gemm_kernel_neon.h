// NEON micro-kernels of the CPU GEMM, included only by gemm.cc on ARM builds. They live here so
// gemm.cc keeps the portable blocking/packing/epilogue code and one plain C++ kernel for other
// targets; kNeonMR x kNeonNR is the tile of this architecture's kernel.
//
// NeonMicroKernel(kc, a, b, acc): acc[i*NR + j] = sum over t < kc of a[t*MR + i] * b[t*NR + j]
// for the whole MR x NR tile. Packed panels are zero-padded past the matrix edge, so partial
// tiles are computed in full and the caller stores only the valid part.
//
// Each step t broadcasts one A value per row of C (by lane, so no separate dup) against the
// kNR-wide row of B held in q-registers, keeping the whole C tile in registers across kc.
#ifndef MACE_OPS_COMMON_GEMM_KERNEL_NEON_H_
#define MACE_OPS_COMMON_GEMM_KERNEL_NEON_H_

#include <arm_neon.h>

#include <cstdint>

#include "ops/common/gemm.h"

namespace mace {
namespace gemm {
namespace neon {

#if defined(__aarch64__)

constexpr int kNeonMR = 8, kNeonNR = 12;

// c[0..2] += a[L] * b[0..2]: one row of C. The lane is a template argument because the
// intrinsic needs a constant lane even in unoptimised builds.
template <int L>
inline void FmaRow(float32x4_t *c, const float32x4_t *b, float32x4_t a) {
  c[0] = vfmaq_laneq_f32(c[0], b[0], a, L);
  c[1] = vfmaq_laneq_f32(c[1], b[1], a, L);
  c[2] = vfmaq_laneq_f32(c[2], b[2], a, L);
}

// 24 accumulators + 3 B vectors + 2 A vectors = 29 of the 32 q-registers.
inline void NeonMicroKernel(int64_t kc, const float *__restrict a, const float *__restrict b,
                            float *__restrict acc) {
  float32x4_t c[8][3];
  for (int i = 0; i < 8; ++i)
    for (int v = 0; v < 3; ++v) c[i][v] = vdupq_n_f32(0.f);
  for (int64_t t = 0; t < kc; ++t) {
    __builtin_prefetch(a + kPrefetchA);  // see gemm.h
    const float32x4_t bv[3] = {vld1q_f32(b), vld1q_f32(b + 4), vld1q_f32(b + 8)};
    const float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4);
    FmaRow<0>(c[0], bv, a0);
    FmaRow<1>(c[1], bv, a0);
    FmaRow<2>(c[2], bv, a0);
    FmaRow<3>(c[3], bv, a0);
    FmaRow<0>(c[4], bv, a1);
    FmaRow<1>(c[5], bv, a1);
    FmaRow<2>(c[6], bv, a1);
    FmaRow<3>(c[7], bv, a1);
    a += 8;
    b += 12;
  }
  for (int i = 0; i < 8; ++i)
    for (int v = 0; v < 3; ++v) vst1q_f32(acc + i * 12 + v * 4, c[i][v]);
}

#else  // 32-bit ARMv7-A with NEON

constexpr int kNeonMR = 6, kNeonNR = 8;

// c[0..1] += a[L] * b[0..1]: one row of C. ARMv7-A NEON has no fused multiply-add (that is
// VFPv4), so this is vmla: a multiply and an add, each rounded.
template <int L>
inline void MlaRow(float32x4_t *c, const float32x4_t *b, float32x2_t a) {
  c[0] = vmlaq_lane_f32(c[0], b[0], a, L);
  c[1] = vmlaq_lane_f32(c[1], b[1], a, L);
}

// 12 accumulators + 2 B vectors + 3 A d-registers = 15.5 of the 16 q-registers.
inline void NeonMicroKernel(int64_t kc, const float *__restrict a, const float *__restrict b,
                            float *__restrict acc) {
  float32x4_t c[6][2];
  for (int i = 0; i < 6; ++i)
    for (int v = 0; v < 2; ++v) c[i][v] = vdupq_n_f32(0.f);
  for (int64_t t = 0; t < kc; ++t) {
    __builtin_prefetch(a + kPrefetchA);  // see gemm.h
    const float32x4_t bv[2] = {vld1q_f32(b), vld1q_f32(b + 4)};
    const float32x2_t a01 = vld1_f32(a), a23 = vld1_f32(a + 2), a45 = vld1_f32(a + 4);
    MlaRow<0>(c[0], bv, a01);
    MlaRow<1>(c[1], bv, a01);
    MlaRow<0>(c[2], bv, a23);
    MlaRow<1>(c[3], bv, a23);
    MlaRow<0>(c[4], bv, a45);
    MlaRow<1>(c[5], bv, a45);
    a += 6;
    b += 8;
  }
  for (int i = 0; i < 6; ++i)
    for (int v = 0; v < 2; ++v) vst1q_f32(acc + i * 8 + v * 4, c[i][v]);
}

#endif

}  // namespace neon
}  // namespace gemm
}  // namespace mace

#endif  // MACE_OPS_COMMON_GEMM_KERNEL_NEON_H_
