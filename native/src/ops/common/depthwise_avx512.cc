// The depthwise compute loop built for Avx512 (this file gets the instruction set's compiler
// flags; it compiles empty on other architectures).
#if defined(__x86_64__)
// GCC 12 warns about the deliberately undefined source operand inside its AVX-512 min/max
// intrinsics (_mm512_undefined_ps); the warning is a false positive.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "ops/common/depthwise_kernel.h"

namespace mace {
namespace depthwise {
namespace detail {

void ComputeAvx512(const Job &job) { Compute<VecAvx512>(job); }

}  // namespace detail
}  // namespace depthwise
}  // namespace mace
#endif  // defined(__x86_64__)
