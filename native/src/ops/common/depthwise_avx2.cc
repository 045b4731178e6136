// The depthwise compute loop built for Avx2 (compiled for that instruction set; empty on
// other architectures).
#if defined(__x86_64__)
// Shared headers first, compiled for the baseline: only the kernel (unnamed namespace) and
// the entry point below are built for avx2 (see core/isa_target_avx2_begin.h).
#include <immintrin.h>

#include <cstring>

#include "ops/common/depthwise.h"

#include "core/isa_target_avx2_begin.h"
#include "ops/common/depthwise_kernel.h"

namespace mace {
namespace depthwise {
namespace detail {

void ComputeAvx2(const Job &job) { Compute<VecAvx2>(job); }
void BlocksAvx2(const BlockJob &job) { Blocks<VecAvx2>(job); }

}  // namespace detail
}  // namespace depthwise
}  // namespace mace
#include "core/isa_target_end.h"
#endif  // defined(__x86_64__)
