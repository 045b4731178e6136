// Ends a region started by isa_target_*_begin.h (see core/isa_target_avx2_begin.h). No include guard.
#if defined(__clang__)
#pragma clang attribute pop
#elif defined(__GNUC__)
#pragma GCC pop_options
#endif
#undef MACE_ISA_AVX2
#undef MACE_ISA_AVX512
