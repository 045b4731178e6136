#include "core/memory.h"

#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace mace {

void *AllocateAligned(size_t bytes, size_t alignment) {
  constexpr size_t kHugePage = size_t{2} << 20;
  if (bytes >= kHugePage) {
    alignment = kHugePage;
    bytes = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  }
  void *p = nullptr;
  if (posix_memalign(&p, alignment, bytes == 0 ? alignment : bytes) != 0) return nullptr;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (alignment == kHugePage) madvise(p, bytes, MADV_HUGEPAGE);  // a hint: failure is harmless
#endif
  return p;
}

}  // namespace mace
