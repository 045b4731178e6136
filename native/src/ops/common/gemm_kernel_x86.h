// Register-blocked x86 micro-kernels of the CPU GEMM, written once over a vector type and
// instantiated by gemm_kernel_avx2.cc (8-float ymm, 6x16 tiles) and gemm_kernel_avx512.cc
// (16-float zmm, 8x48 tiles), each compiled with its instruction set. Include only there.
//
// Tile<V, MRP, NRP, MR, NV>: C[MR rows][NV vectors] += A panel (MRP floats per depth step) x
// B panel (NRP floats per step). Per step the NV B vectors are loaded once and each A value is
// broadcast against them with one FMA per accumulator, so the whole MR x NV tile stays in
// registers across the depth (AVX-512: 24 zmm accumulators + 3 B + 1 A of 32; AVX2: 12 ymm +
// 2 + 1 of 16) and memory traffic is MRP + NRP floats per MR*NRP multiply-adds. Edge tiles use
// smaller MR/NV instantiations (the packed panels keep their full stride), so no work is
// wasted on padding rows, and masked loads/stores handle the last partial vector of columns.
// The epilogue (alpha, beta*C, bias, activation) runs on the registers before the one store.
#ifndef MACE_OPS_COMMON_GEMM_KERNEL_X86_H_
#define MACE_OPS_COMMON_GEMM_KERNEL_X86_H_

#if defined(__x86_64__)

// GCC 12 reports its own _mm512_undefined_ps() inside _mm512_max_ps/_mm512_min_ps as
// "maybe uninitialized" once inlined (a false positive); this header is only included by the
// kernel files, so the warning is silenced for them alone.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <utility>

#include "ops/common/activation.h"
#include "ops/common/gemm.h"

namespace mace {
namespace gemm {
namespace {

// Whether Act() computes this activation in registers; the others (sigmoid, tanh) are applied
// with the scalar Activation::ApplyInPlace on the freshly stored row.
inline bool VectorActivation(ActivationType type) {
  return type != ActivationType::SIGMOID && type != ActivationType::TANH;
}

template <class V>
inline typename V::T Act(const Activation &act, typename V::T x) {
  using T = typename V::T;
  const T zero = V::Zero();
  switch (act.type) {
    case ActivationType::RELU: return V::Max(x, zero);
    case ActivationType::CLIP: return V::Min(V::Max(x, V::Set1(act.alpha)), V::Set1(act.beta));
    case ActivationType::LEAKYRELU:
      return V::Add(V::Max(x, zero), V::Mul(V::Set1(act.alpha), V::Min(x, zero)));
    case ActivationType::HARDSIGMOID:
      return V::Min(V::Set1(1.f),
                    V::Max(zero, V::Fma(V::Set1(act.alpha), x, V::Set1(act.beta))));
    case ActivationType::HARDSWISH: {
      const T gate = V::Fma(x, V::Set1(1.f / 6.f), V::Set1(0.5f));
      return V::Mul(x, V::Min(V::Set1(1.f), V::Max(zero, gate)));
    }
    default: return x;
  }
}

// kMaskTail: B is read in place (TileArgs::ldb) and its last vector is partial, so it is
// loaded masked (a packed panel is zero-padded to whole vectors instead).
template <class V, int MRP, int NRP, int MR, int NV, bool kMaskTail>
void Tile(const TileArgs &t) {
  using T = typename V::T;
  constexpr int W = V::kWidth;
  // The row bias starts the sums when nothing else is added before it (the common case of a
  // conv with bias), so the epilogue has no add for it.
  const bool bias_first = t.row_bias != nullptr && !t.load_c && t.alpha == 1.f;
  T c[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    const T init = bias_first ? V::Set1(t.row_bias[i]) : V::Zero();
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) c[i][v] = init;
  }
  const float *a = t.a, *b = t.b;
  const int64_t ldb = t.ldb;
  const int last_cols = t.cols - (NV - 1) * W;  // valid lanes of the last vector, 1..W
  for (int64_t p = 0; p < t.kc; ++p) {
    __builtin_prefetch(a + kPrefetchA);
    T bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v)
      bv[v] = kMaskTail && v == NV - 1 ? V::LoadN(b + v * W, last_cols) : V::Load(b + v * W);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const T av = V::Set1(a[i]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) c[i][v] = V::Fma(av, bv[v], c[i][v]);
    }
    a += MRP;
    b += ldb;
  }

  // Epilogue on the registers: one (masked) store per vector. The common cases (bias already
  // in the sums, no C, a clamp or no activation) take a loop with no per-vector branches: with
  // shallow depths (1x1 convs of 16-24 input channels) the epilogue is a fifth of the work.
  const ActivationType act_type = t.act != nullptr ? t.act->type : ActivationType::NONE;
  const bool clamp = act_type == ActivationType::NONE || act_type == ActivationType::RELU ||
                     act_type == ActivationType::CLIP;
  if (bias_first && !t.col_bias && clamp) {
    const bool clip = act_type == ActivationType::CLIP;
    const T lo = clip ? V::Set1(t.act->alpha) : V::Zero();
    const T hi = V::Set1(clip ? t.act->beta : 0.f);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      float *ci = t.c + i * t.ldc;
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) {
        T x = c[i][v];
        if (act_type != ActivationType::NONE) x = V::Max(x, lo);
        if (clip) x = V::Min(x, hi);
        V::StoreN(ci + v * W, x, v + 1 < NV ? W : last_cols);
      }
    }
    return;
  }
  const T alpha = V::Set1(t.alpha), beta = V::Set1(t.beta);
  const bool vec_act = t.act != nullptr && VectorActivation(t.act->type);
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    float *ci = t.c + i * t.ldc;
    const T rb = t.row_bias && !bias_first ? V::Set1(t.row_bias[i]) : V::Zero();
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      const int n = v + 1 < NV ? W : last_cols;
      T x = V::Fma(alpha, c[i][v], rb);
      if (t.load_c) x = V::Fma(beta, V::LoadN(ci + v * W, n), x);
      if (t.col_bias) x = V::Add(x, V::LoadN(t.col_bias + v * W, n));
      if (vec_act) x = Act<V>(*t.act, x);
      V::StoreN(ci + v * W, x, n);
    }
    if (t.act != nullptr && !vec_act) t.act->ApplyInPlace(ci, t.cols);
  }
}

// The last `r` (1 or 2) columns of a tile, from column j0: one vector of A rows (MRP <= lanes)
// times a broadcast B value per column and depth step, so a tile whose last vector would hold
// only 1-2 valid lanes (e.g. the 49 columns of a 7x7 plane: 32 + 16 + 1) costs r FMAs per step
// instead of MR. The epilogue is scalar: r * rows values.
template <class V, int MRP>
void Columns(const TileArgs &t, int j0, int r) {
  using T = typename V::T;
  // kChains independent sums per column: one chain would wait the FMA latency every step.
  constexpr int kChains = 4;
  T acc[2][kChains];
  for (int q = 0; q < 2; ++q)
    for (int c = 0; c < kChains; ++c) acc[q][c] = V::Zero();
  const float *a = t.a, *b = t.b + j0;
  const int64_t ldb = t.ldb;
  int64_t p = 0;
  auto step = [&](int c) {
    const T av = V::LoadN(a, MRP);  // masked: lanes past MRP would read the next step
    acc[0][c] = V::Fma(av, V::Set1(b[0]), acc[0][c]);
    if (r == 2) acc[1][c] = V::Fma(av, V::Set1(b[1]), acc[1][c]);
    a += MRP;
    b += ldb;
  };
  for (; p + kChains <= t.kc; p += kChains)
#pragma GCC unroll 4
    for (int c = 0; c < kChains; ++c) step(c);
  for (; p < t.kc; ++p) step(0);
  for (int q = 0; q < 2; ++q)
    acc[q][0] = V::Add(V::Add(acc[q][0], acc[q][1]), V::Add(acc[q][2], acc[q][3]));
  alignas(64) float out[2][V::kWidth];
  V::StoreN(out[0], acc[0][0], V::kWidth);
  V::StoreN(out[1], acc[1][0], V::kWidth);
  for (int q = 0; q < r; ++q) {
    const int j = j0 + q;
    for (int i = 0; i < t.rows; ++i) {
      float *cij = t.c + i * t.ldc + j;
      float v = t.alpha * out[q][i];
      if (t.row_bias) v += t.row_bias[i];
      if (t.load_c) v += t.beta * *cij;
      if (t.col_bias) v += t.col_bias[j];
      *cij = t.act != nullptr ? t.act->Apply(v) : v;
    }
  }
}

// Table of Tile instantiations indexed [rows - 1][vectors - 1] for an MRP x NRP kernel.
template <class V, int MRP, int NRP, int NVMAX, bool kMaskTail>
struct TileTable {
  TileFn fn[MRP][NVMAX];

  template <int MR, int... NVs>
  void FillRow(std::integer_sequence<int, NVs...>) {
    ((fn[MR - 1][NVs] = &Tile<V, MRP, NRP, MR, NVs + 1, kMaskTail>), ...);
  }
  template <int... MRs>
  void Fill(std::integer_sequence<int, MRs...>) {
    (FillRow<MRs + 1>(std::make_integer_sequence<int, NVMAX>()), ...);
  }
  TileTable() { Fill(std::make_integer_sequence<int, MRP>()); }
};

// The tile function of a kernel: picks the instantiation that fits the valid rows/columns.
template <class V, int MRP, int NRP>
void DispatchTile(const TileArgs &t) {
  constexpr int NVMAX = NRP / V::kWidth;
  static const TileTable<V, MRP, NRP, NVMAX, false> table;
  static const TileTable<V, MRP, NRP, NVMAX, true> masked;
  const int r = t.cols % V::kWidth;
  if (r == 1 || r == 2) {  // whole vectors by the tile, the 1-2 columns left by Columns()
    const int whole = t.cols - r;
    if (whole > 0) {
      TileArgs head = t;
      head.cols = whole;
      table.fn[t.rows - 1][whole / V::kWidth - 1](head);
    }
    Columns<V, MRP>(t, whole, r);
    return;
  }
  const int nv = (t.cols + V::kWidth - 1) / V::kWidth;
  const bool tail = t.b_in_place && r != 0;
  (tail ? masked.fn : table.fn)[t.rows - 1][nv - 1](t);
}

}  // namespace
}  // namespace gemm
}  // namespace mace

#endif  // defined(__x86_64__)
#endif  // MACE_OPS_COMMON_GEMM_KERNEL_X86_H_
