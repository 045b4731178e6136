// Starts code compiled for AVX-512 F/BW/DQ/VL + FMA (see core/isa_target_avx2_begin.h). No include guard.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,f16c"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,f16c")
#endif
#define MACE_ISA_AVX2 1
#define MACE_ISA_AVX512 1
