// The row-wise MaxPool loops built for Avx512 (compiled for that instruction set; empty on
// other architectures).
#if defined(__x86_64__)
// GCC 12 warns about the deliberately undefined source operand inside its AVX-512 intrinsics
// (_mm512_undefined_ps); the warning is a false positive.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// Shared headers first, compiled for the baseline: only the loops (unnamed namespace) and the
// entry point below are built for avx512 (see core/isa_target_avx2_begin.h).
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <limits>

#include "ops/common/max_pool_rows.h"

#include "core/isa_target_avx512_begin.h"
#include "ops/common/max_pool_rows_kernel.h"

namespace mace {
namespace max_pool {
namespace detail {

void Plane2DAvx512(const float *x, const conv::Window3 &w, const Taps &taps, float *colmax,
                 float *y) {
  Plane2DRows(x, w, taps, colmax, y);
}

}  // namespace detail
}  // namespace max_pool
}  // namespace mace
#include "core/isa_target_end.h"
#endif  // defined(__x86_64__)
