// The depthwise compute loop built for Avx512 (compiled for that instruction set; empty on
// other architectures).
#if defined(__x86_64__)
// GCC 12 warns about the deliberately undefined source operand inside its AVX-512 min/max
// and conversion intrinsics (_mm512_undefined_ps); the warning is a false positive.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
// Shared headers first, compiled for the baseline: only the kernel (unnamed namespace) and
// the entry point below are built for avx512 (see core/isa_target_avx2_begin.h).
#include <immintrin.h>

#include <cstring>

#include "ops/common/depthwise.h"

#include "core/isa_target_avx512_begin.h"
#include "ops/common/depthwise_kernel.h"

namespace mace {
namespace depthwise {
namespace {

// Planes this narrow (7x7 with "same" padding) take FlatPlane: row by row, a 16-lane vector
// would hold 7 outputs.
constexpr int64_t kFlatMaxWidth = 8;

// Stride 1 with in_w == out_w: output g = oh*W + ow (the output plane, flat) reads input
// x[g + (kh - pad_t)*W + kw - pad_l], so one vector covers several output rows. A mask per tap
// keeps the lanes whose tap falls in the padding (or in the next/previous row) zero and unread.
template <int K>
void FlatPlane(const detail::Job &j) {
  const int W = static_cast<int>(j.in_w), H = static_cast<int>(j.in_h);
  const int n = static_cast<int>(j.out_h) * W, pt = static_cast<int>(j.pad_t),
            pl = static_cast<int>(j.pad_l);
  __m512 wv[K * K];
  for (int i = 0; i < K * K; ++i) wv[i] = _mm512_set1_ps(j.kernel[i]);
  const __m512 bias = _mm512_set1_ps(j.bias);
  const ActVec<VecAvx512> act(j);
  // Row and column of each lane (float division is exact for these small integers), then
  // advanced by 16 outputs per vector: 16 / W rows and 16 % W columns, with one carry.
  const __m512i vw = _mm512_set1_epi32(W), vh = _mm512_set1_epi32(H), one = _mm512_set1_epi32(1),
                dq = _mm512_set1_epi32(16 / W), dr = _mm512_set1_epi32(16 % W);
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  __m512i oh = _mm512_cvttps_epi32(_mm512_mul_ps(
      _mm512_add_ps(_mm512_cvtepi32_ps(lane), _mm512_set1_ps(0.5f)), _mm512_set1_ps(1.f / W)));
  __m512i ow = _mm512_sub_epi32(lane, _mm512_mullo_epi32(oh, vw));
  for (int g0 = 0; g0 < n; g0 += 16) {
    const __mmask16 valid = static_cast<__mmask16>(g0 + 16 <= n ? 0xffffu : (1u << (n - g0)) - 1u);
    __mmask16 rm[K], cm[K];
    for (int t = 0; t < K; ++t) {  // unsigned compare: 0 <= ih < H, 0 <= iw < W
      const __m512i ih = _mm512_add_epi32(oh, _mm512_set1_epi32(t - pt));
      rm[t] = _mm512_mask_cmplt_epu32_mask(valid, ih, vh);
      cm[t] = _mm512_cmplt_epu32_mask(_mm512_add_epi32(ow, _mm512_set1_epi32(t - pl)), vw);
    }
    // Lanes whose taps are all masked off may point before the plane: they are not read.
    const float *p = j.x + g0 - static_cast<int64_t>(pt) * W - pl;
    // Four chains: a chunk's K*K FMAs would otherwise wait on each other's latency.
    __m512 acc[4] = {bias, _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    for (int kh = 0; kh < K; ++kh)
      for (int kw = 0; kw < K; ++kw) {
        const __m512 v = _mm512_maskz_loadu_ps(rm[kh] & cm[kw], p + kh * W + kw);
        const int c = (kh * K + kw) % 4;
        acc[c] = _mm512_fmadd_ps(wv[kh * K + kw], v, acc[c]);
      }
    const __m512 sum = _mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3]));
    _mm512_mask_storeu_ps(j.y + g0, valid, act(sum));
    ow = _mm512_add_epi32(ow, dr);
    oh = _mm512_add_epi32(oh, dq);
    const __mmask16 carry = _mm512_cmpge_epi32_mask(ow, vw);
    ow = _mm512_mask_sub_epi32(ow, carry, ow, vw);
    oh = _mm512_mask_add_epi32(oh, carry, oh, one);
  }
}

}  // namespace

namespace detail {

void ComputeAvx512(const Job &job) {
  if (job.stride == 1 && job.in_w == job.out_w && job.out_w <= kFlatMaxWidth &&
      job.out_h < (1 << 24)) {
    if (job.k == 3) FlatPlane<3>(job);
    else FlatPlane<5>(job);
    return;
  }
  if (job.out_w <= VecAvx512Half::N) Compute<VecAvx512Half>(job);
  else Compute<VecAvx512>(job);
}

void BlocksAvx512(const BlockJob &job) { Blocks<VecAvx512>(job); }

}  // namespace detail
}  // namespace depthwise
}  // namespace mace
#include "core/isa_target_end.h"
#endif  // defined(__x86_64__)
