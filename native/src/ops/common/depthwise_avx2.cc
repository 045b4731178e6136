// The depthwise compute loop built for Avx2 (this file gets the instruction set's compiler
// flags; it compiles empty on other architectures).
#if defined(__x86_64__)
#include "ops/common/depthwise_kernel.h"

namespace mace {
namespace depthwise {
namespace detail {

void ComputeAvx2(const Job &job) { Compute<VecAvx2>(job); }

}  // namespace detail
}  // namespace depthwise
}  // namespace mace
#endif  // defined(__x86_64__)
