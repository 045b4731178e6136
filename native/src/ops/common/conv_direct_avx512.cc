// The direct-conv compute loop built for Avx512 (compiled for that instruction set; empty on
// other architectures).
#if defined(__x86_64__)
// GCC 12 warns about the deliberately undefined source operand inside its AVX-512 min/max
// intrinsics (_mm512_undefined_ps); the warning is a false positive.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// Shared headers first, compiled for the baseline: only the kernel (unnamed namespace) and
// the entry point below are built for avx512 (see core/isa_target_avx2_begin.h).
#include <immintrin.h>

#include <cstring>

#include "ops/common/conv_direct.h"

#include "core/isa_target_avx512_begin.h"
#include "ops/common/conv_direct_kernel.h"

namespace mace {
namespace conv_direct {
namespace detail {

// 8 channels x 2 consecutive vectors of one output row (16 zmm accumulators): on Zen 5 the
// stems ran 8-10% faster than as 8 channels x 2 rows x 1 vector (ops_benchmark), each tap's
// two loads reading one contiguous 32-float span of the scratch.
void ComputeAvx512(const Job &job) { Compute<VecAvx512, 8, 1, 2>(job); }

}  // namespace detail
}  // namespace conv_direct
}  // namespace mace
#include "core/isa_target_end.h"
#endif  // defined(__x86_64__)
