// The Winograd transforms (winograd_kernel.h) built for Avx2 (empty on other architectures).
#if defined(__x86_64__)
// Shared headers first, compiled for the baseline: only the transforms (unnamed namespace) and
// the entry points below are built for avx2 (see core/isa_target_avx2_begin.h).
#include "ops/common/winograd.h"

#include "core/isa_target_avx2_begin.h"
#include "ops/common/winograd_kernel.h"

namespace mace {
namespace winograd {
namespace detail {

void InputAvx2(const InputJob &j) { RunInput(j); }
void OutputAvx2(const OutputJob &j) { RunOutput(j); }

}  // namespace detail
}  // namespace winograd
}  // namespace mace
#include "core/isa_target_end.h"
#endif  // defined(__x86_64__)
