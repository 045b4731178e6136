// The instruction sets the CPU kernels may use, detected once at run time, so one x86-64 binary
// runs its AVX2+FMA or AVX-512 kernels where the CPU has them and portable code elsewhere.
// Kernels for an instruction set live in files named *_avx2.cc / *_avx512.cc, whose own code
// sits between core/isa_target_*_begin.h and core/isa_target_end.h (x86-64 builds only; the
// begin header says why a pragma and not compiler flags); callers dispatch on CpuIsa().
//
// MACE_CPU_ISA=generic|avx2|avx512 caps the choice (never raises it past what the CPU has):
// tests and benchmarks run every path on one machine with it.
#ifndef MACE_CORE_CPU_FEATURES_H_
#define MACE_CORE_CPU_FEATURES_H_

namespace mace {

enum class Isa { kGeneric = 0, kAvx2 = 1, kAvx512 = 2 };

// The best instruction set this process uses (kGeneric on ARM: NEON is chosen at compile time).
Isa CpuIsa();
const char *IsaName(Isa isa);

}  // namespace mace

#endif  // MACE_CORE_CPU_FEATURES_H_
