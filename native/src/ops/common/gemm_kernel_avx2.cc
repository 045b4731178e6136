// The AVX2+FMA GEMM kernel: 6x16 tiles (12 ymm accumulators), see gemm_kernel_x86.h.
// Block sizes: a 16-column B micro-panel of KC = 256 steps is 16 KB (half of a 32 KB L1);
// the 6-row A micro-panels stream from an MC = 144-row A block (144 KB) in L2.
#include "ops/common/gemm.h"

#if defined(__x86_64__)

// Shared headers first, compiled for the baseline: only this file's own code (below, in an
// unnamed namespace) is built for avx2 (see core/isa_target_avx2_begin.h).
#include <immintrin.h>

#include <utility>

#include "ops/common/activation.h"

#include "core/isa_target_avx2_begin.h"
#include "ops/common/gemm_kernel_x86.h"
#include "ops/common/gemv_kernel.h"

namespace mace {
namespace gemm {
namespace {

struct Avx2 {
  using T = __m256;
  static constexpr int kWidth = 8;
  static T Zero() { return _mm256_setzero_ps(); }
  static T Set1(float x) { return _mm256_set1_ps(x); }
  static T Load(const float *p) { return _mm256_loadu_ps(p); }
  // Lanes [0, n) set: the sign bit selects a lane in maskload/maskstore.
  static __m256i Mask(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static T LoadN(const float *p, int n) {
    return n == kWidth ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, Mask(n));
  }
  static void StoreN(float *p, T x, int n) {
    if (n == kWidth) _mm256_storeu_ps(p, x);
    else _mm256_maskstore_ps(p, Mask(n), x);
  }
  static T Fma(T a, T b, T c) { return _mm256_fmadd_ps(a, b, c); }
  static T Add(T a, T b) { return _mm256_add_ps(a, b); }
  static T Mul(T a, T b) { return _mm256_mul_ps(a, b); }
  static T Max(T a, T b) { return _mm256_max_ps(a, b); }
  static T Min(T a, T b) { return _mm256_min_ps(a, b); }
};

constexpr int kMR = 6, kNR = 16;
const Kernel kAvx2Kernel = {Isa::kAvx2, "avx2", kMR, kNR, 256, 144, 2048,
                            DispatchTile<Avx2, kMR, kNR>, 16, GemvRange, 8};

}  // namespace

const Kernel *Avx2Kernel() { return &kAvx2Kernel; }

}  // namespace gemm
}  // namespace mace

#include "core/isa_target_end.h"

#else

namespace mace {
namespace gemm {
const Kernel *Avx2Kernel() { return nullptr; }
}  // namespace gemm
}  // namespace mace

#endif
