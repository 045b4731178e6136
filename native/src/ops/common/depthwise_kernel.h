// The depthwise compute loop, a template over the vector type (depthwise_vec.h), compiled once
// per instruction set by depthwise.cc, depthwise_avx2.cc and depthwise_avx512.cc. Everything
// here sits in an unnamed namespace, so each of those files keeps its own copy (see
// depthwise.h: no shared inline code between files built with different instruction sets).
//
// Scratch plane layout: rows = (out_h-1)*S + K padded input rows,
// each stored as S phases of `width` floats; padded column c of a row is phase c % S, index
// c / S. Tap (kh, kw) of output (oh, ow) reads padded row oh*S + kh, column ow*S + kw, i.e.
// phase kw % S at index ow + kw / S: consecutive output columns read consecutive floats.
// `width` is out_w rounded up to the vector width plus (K-1)/S, so the last, partial vector
// of a row reads inside the scratch row and the loop never tests bounds.
#ifndef MACE_OPS_COMMON_DEPTHWISE_KERNEL_H_
#define MACE_OPS_COMMON_DEPTHWISE_KERNEL_H_

#include <cstring>

#include "ops/common/depthwise.h"
#include "ops/common/depthwise_vec.h"

namespace mace {
namespace depthwise {
namespace {

// Ceil division for a possibly negative numerator and a positive divisor.
inline int64_t CeilDiv(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

// Copies the input plane into the scratch plane. The padding is zeroed only when the scratch
// plane's geometry changed (j.padding_zero false): the planes of one conv share it, and
// rewriting it per plane cost more than the arithmetic on 7x7 and 14x14 planes. S is a
// constant so the stride-2 split compiles to vector shuffles in each instruction set.
template <int S>
void FillScratch(const detail::Job &j) {
  if (!j.padding_zero) std::memset(j.scratch, 0, sizeof(float) * j.rows * S * j.width);
  int64_t r0 = j.pad_t, r1 = j.pad_t + j.in_h;  // scratch rows holding input rows
  if (r1 > j.rows) r1 = j.rows;
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t ih = r - j.pad_t;
    for (int p = 0; p < S; ++p) {
      float *dst = j.scratch + (r * S + p) * j.width;
      // Phase index c holds input column c*S + p - pad_l; [lo, hi) lie inside the input row.
      const float *src = j.x + ih * j.in_w + p - j.pad_l;
      int64_t lo = CeilDiv(j.pad_l - p, S), hi = CeilDiv(j.in_w + j.pad_l - p, S);
      lo = lo < 0 ? 0 : (lo > j.width ? j.width : lo);
      hi = hi < lo ? lo : (hi > j.width ? j.width : hi);
      if (S == 1) {
        std::memcpy(dst + lo, src + lo, sizeof(float) * (hi - lo));
      } else {
        for (int64_t c = lo; c < hi; ++c) dst[c] = src[c * S];
      }
    }
  }
}

template <class VT>
struct ActVec {
  using V = typename VT::V;
  ActivationType type;
  V lo, hi, a, b;
  explicit ActVec(const detail::Job &j)
      : type(j.act), lo(VT::Set1(0.f)), hi(VT::Set1(1.f)), a(VT::Set1(j.alpha)),
        b(VT::Set1(j.beta)) {
    if (type == ActivationType::CLIP) {
      lo = VT::Set1(j.alpha);
      hi = VT::Set1(j.beta);
    } else if (type == ActivationType::HARDSWISH) {
      a = VT::Set1(1.f / 6.f);
      b = VT::Set1(0.5f);
    }
  }
  V operator()(V v) const {
    switch (type) {
      case ActivationType::RELU: return VT::Max(v, lo);
      case ActivationType::CLIP: return VT::Min(VT::Max(v, lo), hi);
      case ActivationType::HARDSIGMOID: return VT::Min(VT::Max(VT::Fma(v, a, b), lo), hi);
      case ActivationType::HARDSWISH: return VT::Mul(v, VT::Min(VT::Max(VT::Fma(v, a, b), lo), hi));
      default: return v;
    }
  }
};

// R output rows x B vectors from column `ow`: rows[i] is the scratch row of padded input row
// i (relative to the first output row's first tap). R*B independent accumulators hide the FMA
// latency (4 cycles, 2 per cycle: 8 chains fill the units); blocking over rows matters for the
// small 7x7 / 14x14 planes that are only one or two vectors wide.
template <class VT, int K, int S, int R, int B>
inline void Block(const float *const *rows, int64_t width, const typename VT::V *wv,
                  typename VT::V bias, int64_t ow, typename VT::V *acc) {
  for (int i = 0; i < R * B; ++i) acc[i] = bias;
  for (int kh = 0; kh < K; ++kh) {
    for (int kw = 0; kw < K; ++kw) {
      const typename VT::V w = wv[kh * K + kw];
      for (int r = 0; r < R; ++r) {
        const float *p = rows[r * S + kh] + (kw % S) * width + kw / S + ow;
        for (int b = 0; b < B; ++b) acc[r * B + b] = VT::Fma(w, VT::Load(p + b * VT::N), acc[r * B + b]);
      }
    }
  }
}

// Output rows [oh, oh + R) of the plane.
template <class VT, int K, int S, int R>
inline void Rows(const detail::Job &j, const typename VT::V *wv, typename VT::V bias,
                 const ActVec<VT> &act, int64_t oh) {
  using V = typename VT::V;
  constexpr int N = VT::N;
  constexpr int kTaps = (R - 1) * S + K;  // padded input rows the R output rows read
  const float *rows[kTaps];
  for (int i = 0; i < kTaps; ++i) rows[i] = j.scratch + (oh * S + i) * S * j.width;
  float *y = j.y + oh * j.out_w;
  V acc[R * 2];
  int64_t ow = 0;
  for (; ow + 2 * N <= j.out_w; ow += 2 * N) {
    Block<VT, K, S, R, 2>(rows, j.width, wv, bias, ow, acc);
    for (int r = 0; r < R; ++r)
      for (int b = 0; b < 2; ++b) VT::Store(y + r * j.out_w + ow + b * N, act(acc[r * 2 + b]));
  }
  for (; ow < j.out_w; ow += N) {  // the scratch width covers the last, partial vector
    Block<VT, K, S, R, 1>(rows, j.width, wv, bias, ow, acc);
    const int n = j.out_w - ow < N ? static_cast<int>(j.out_w - ow) : N;
    for (int r = 0; r < R; ++r) {
      if (n == N) VT::Store(y + r * j.out_w + ow, act(acc[r]));
      else VT::StoreN(y + r * j.out_w + ow, act(acc[r]), n);
    }
  }
}

template <class VT, int K, int S>
void ComputeT(const detail::Job &j) {
  using V = typename VT::V;
  FillScratch<S>(j);
  V wv[K * K];
  for (int i = 0; i < K * K; ++i) wv[i] = VT::Set1(j.kernel[i]);
  const V bias = VT::Set1(j.bias);
  const ActVec<VT> act(j);
  int64_t oh = 0;
  for (; oh + 4 <= j.out_h; oh += 4) Rows<VT, K, S, 4>(j, wv, bias, act, oh);
  if (oh + 2 <= j.out_h) {  // 7x7 planes: 4 + 2 + 1 rows
    Rows<VT, K, S, 2>(j, wv, bias, act, oh);
    oh += 2;
  }
  if (oh < j.out_h) Rows<VT, K, S, 1>(j, wv, bias, act, oh);
}

template <class VT>
void Compute(const detail::Job &j) {
  if (j.k == 3 && j.stride == 1) ComputeT<VT, 3, 1>(j);
  else if (j.k == 3) ComputeT<VT, 3, 2>(j);
  else if (j.stride == 1) ComputeT<VT, 5, 1>(j);
  else ComputeT<VT, 5, 2>(j);
}

}  // namespace
}  // namespace depthwise
}  // namespace mace

#endif  // MACE_OPS_COMMON_DEPTHWISE_KERNEL_H_
