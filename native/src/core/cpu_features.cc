#include "core/cpu_features.h"

#include <cstdlib>
#include <cstring>

namespace mace {

namespace {

Isa Detect() {
  Isa best = Isa::kGeneric;
#if defined(__x86_64__) && defined(__GNUC__)
  // libgcc's checks include the OS's support for the register state (XGETBV).
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) best = Isa::kAvx2;
  if (best == Isa::kAvx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    best = Isa::kAvx512;
#endif
  const char *cap = std::getenv("MACE_CPU_ISA");
  if (cap != nullptr) {
    Isa limit = best;
    if (std::strcmp(cap, "generic") == 0) limit = Isa::kGeneric;
    if (std::strcmp(cap, "avx2") == 0) limit = Isa::kAvx2;
    if (int(limit) < int(best)) best = limit;
  }
  return best;
}

}  // namespace

Isa CpuIsa() {
  static const Isa isa = Detect();
  return isa;
}

const char *IsaName(Isa isa) {
  switch (isa) {
    case Isa::kAvx2: return "avx2";
    case Isa::kAvx512: return "avx512";
    default: return "generic";
  }
}

}  // namespace mace
