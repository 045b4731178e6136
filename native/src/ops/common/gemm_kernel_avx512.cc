// The AVX-512 GEMM kernel: 8x48 tiles (24 zmm accumulators), see gemm_kernel_x86.h.
// Of the 24-accumulator shapes, 8x48 needs fewest loads per step (3 B vectors + 8 broadcasts
// for 24 FMAs; 12x32 needed 2 + 12): on Zen 4 a 16-deep tile ran at 93% of the FMA peak
// against 86%, a 64-deep one 98% against 95% (whole models 2-6% faster).
// Block sizes for Zen 4 / Skylake-class caches (32-48 KB L1, 1-2 MB L2): a 48-column B
// micro-panel of KC = 192 steps is 36 KB, streamed from L2 at worst, while the 8-row A
// micro-panels (6 KB each) stream from an MC = 240-row A block (180 KB) in L2. KC = 128 (a
// B panel in L1) lost 2-8% on deep 1x1 convs to the extra passes over C; 256 was no better.
// NC is a multiple of NR (packed-once B is split at whole panels).
#include "ops/common/gemm.h"

#if defined(__x86_64__)

// Shared headers first, compiled for the baseline: only this file's own code (below, in an
// unnamed namespace) is built for avx512 (see core/isa_target_avx2_begin.h).
#include <immintrin.h>

#include <utility>

#include "ops/common/activation.h"

#include "core/isa_target_avx512_begin.h"
#include "ops/common/gemm_kernel_x86.h"
#include "ops/common/gemv_kernel.h"

namespace mace {
namespace gemm {
namespace {

struct Avx512 {
  using T = __m512;
  static constexpr int kWidth = 16;
  static T Zero() { return _mm512_setzero_ps(); }
  static T Set1(float x) { return _mm512_set1_ps(x); }
  static T Load(const float *p) { return _mm512_loadu_ps(p); }
  static __mmask16 Mask(int n) { return static_cast<__mmask16>((1u << n) - 1u); }
  static T LoadN(const float *p, int n) {
    return n == kWidth ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(Mask(n), p);
  }
  static void StoreN(float *p, T x, int n) {
    if (n == kWidth) _mm512_storeu_ps(p, x);
    else _mm512_mask_storeu_ps(p, Mask(n), x);
  }
  static T Fma(T a, T b, T c) { return _mm512_fmadd_ps(a, b, c); }
  static T Add(T a, T b) { return _mm512_add_ps(a, b); }
  static T Mul(T a, T b) { return _mm512_mul_ps(a, b); }
  static T Max(T a, T b) { return _mm512_max_ps(a, b); }
  static T Min(T a, T b) { return _mm512_min_ps(a, b); }
};

constexpr int kMR = 8, kNR = 48;
const Kernel kAvx512Kernel = {Isa::kAvx512, "avx512", kMR, kNR, 192, 240, 2016,
                              DispatchTile<Avx512, kMR, kNR>, kAnyPanels, GemvRange, 16};

}  // namespace

const Kernel *Avx512Kernel() { return &kAvx512Kernel; }

}  // namespace gemm
}  // namespace mace

#include "core/isa_target_end.h"

#else

namespace mace {
namespace gemm {
const Kernel *Avx512Kernel() { return nullptr; }
}  // namespace gemm
}  // namespace mace

#endif
