// Starts code compiled for AVX2 + FMA + F16C; isa_target_end.h ends it. No include guard: a
// file may open several regions. Why a pragma and not compiler flags: an inline function or
// template from a shared header (Activation::Apply, std::vector, ...) compiled in a file built
// with -mavx2 is a COMDAT copy the linker may keep for every caller, so portable code would run
// AVX2 on CPUs without it. Each *_avx2.cc / *_avx512.cc file includes its shared headers first,
// then this, then its own code (unnamed namespace) and entry points, then isa_target_end.h.
// Inside the region MACE_ISA_AVX2 is defined (GCC does not define __AVX2__ for a target pragma).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#endif
#define MACE_ISA_AVX2 1
