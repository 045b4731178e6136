// The direct-conv compute loop, a template over the vector types of depthwise_vec.h, compiled
// once per instruction set by conv_direct.cc, conv_direct_avx2.cc and conv_direct_avx512.cc.
// Everything sits in an unnamed namespace, so each of those files keeps its own copy.
//
// Scratch layout (per job): for each input channel, rows = (oh1-oh0-1)*S + kh padded input
// rows, each stored as S phases of `width` floats; padded column c is phase c % S, index
// c / S. Tap (ci, i, j) of output (oh, ow) reads padded row (oh-oh0)*S + i, phase j % S, index
// ow + j / S: consecutive output columns read consecutive floats, and a tap's offset from the
// output column is a constant, precomputed once per job. `width` covers the last, partial
// vector of a row, so the loop never tests bounds.
#ifndef MACE_OPS_COMMON_CONV_DIRECT_KERNEL_H_
#define MACE_OPS_COMMON_CONV_DIRECT_KERNEL_H_

#include <cstring>

#include "ops/common/conv_direct.h"
#include "ops/common/depthwise_vec.h"

namespace mace {
namespace conv_direct {
namespace {

using depthwise::VecScalar;
#if defined(__x86_64__)
using depthwise::VecSse;
#endif
#if defined(__x86_64__) && defined(MACE_ISA_AVX2)
using depthwise::VecAvx2;
#endif
#if defined(__x86_64__) && defined(MACE_ISA_AVX512)
using depthwise::VecAvx512;
#endif
#if defined(__ARM_NEON) || defined(__aarch64__)
using depthwise::VecNeon;
#endif

// Ceil division for a possibly negative numerator and a positive divisor.
inline int64_t CeilDiv(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

// Copies the input rows of the job's output rows into the scratch, zeros around them. Each
// float is written once (no memset of the whole scratch first). S is a constant so the
// stride-2 split compiles to vector shuffles.
template <int S>
void FillScratch(const detail::Job &j) {
  for (int64_t ci = 0; ci < j.cin; ++ci) {
    const float *xc = j.x + ci * j.in_h * j.in_w;
    for (int64_t r = 0; r < j.rows; ++r) {
      const int64_t ih = j.oh0 * S + r - j.pad_t;
      for (int p = 0; p < S; ++p) {
        float *dst = j.scratch + ((ci * j.rows + r) * S + p) * j.width;
        if (ih < 0 || ih >= j.in_h) {
          std::memset(dst, 0, sizeof(float) * j.width);
          continue;
        }
        // Phase index c holds input column c*S + p - pad_l; [lo, hi) lie inside the row.
        const float *src = xc + ih * j.in_w + p - j.pad_l;
        int64_t lo = CeilDiv(j.pad_l - p, S), hi = CeilDiv(j.in_w + j.pad_l - p, S);
        lo = lo < 0 ? 0 : (lo > j.width ? j.width : lo);
        hi = hi < lo ? lo : (hi > j.width ? j.width : hi);
        std::memset(dst, 0, sizeof(float) * lo);
        if (S == 1) {
          std::memcpy(dst + lo, src + lo, sizeof(float) * (hi - lo));
        } else {
          for (int64_t c = lo; c < hi; ++c) dst[c] = src[c * S];
        }
        std::memset(dst + hi, 0, sizeof(float) * (j.width - hi));
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

// What the tiles of one output row share.
struct RowCtx {
  const float *in;     // scratch of the row's first tap (ci 0, i 0, phase 0)
  const int32_t *off;  // per tap: its offset from `in`
  int taps;
  int64_t plane;       // out_h * out_w: distance between output channels
};

// CO output channels x B vectors from output column `ow`: acc = bias + sum over taps of the
// broadcast weight times the tap's input vector. Each loaded input vector feeds CO FMAs, and
// the CO*B independent accumulators hide the FMA latency. w: the tap-0 weights of the first
// channel (taps kCoBlock floats apart). Stores channels [0, nco) and, in the last vector,
// `n_last` lanes.
template <class VT, int CO, int B>
inline void Tile(const RowCtx &rc, const float *w, const float *bias, const ActVec<VT> &act,
                 int64_t ow, int nco, int n_last, float *y) {
  using V = typename VT::V;
  constexpr int N = VT::N;
  V acc[CO * B];
  for (int c = 0; c < CO; ++c) {
    const V bv = VT::Set1(bias[c]);
    for (int b = 0; b < B; ++b) acc[c * B + b] = bv;
  }
  const float *in = rc.in + ow;
  for (int t = 0; t < rc.taps; ++t) {
    const float *p = in + rc.off[t];
    V xv[B];
    for (int b = 0; b < B; ++b) xv[b] = VT::Load(p + b * N);
    const float *wt = w + t * kCoBlock;
    for (int c = 0; c < CO; ++c) {
      const V wv = VT::Set1(wt[c]);
      for (int b = 0; b < B; ++b) acc[c * B + b] = VT::Fma(wv, xv[b], acc[c * B + b]);
    }
  }
  for (int c = 0; c < CO && c < nco; ++c) {
    float *yc = y + c * rc.plane + ow;
    for (int b = 0; b < B; ++b) {
      if (b < B - 1 || n_last == N) VT::Store(yc + b * N, act(acc[c * B + b]));
      else VT::StoreN(yc + b * N, act(acc[c * B + b]), n_last);
    }
  }
}

// One output row for CO channels: B vectors at a time, then single vectors (the last one
// partial).
template <class VT, int CO, int B>
inline void RowChannels(const RowCtx &rc, const float *w, const float *bias,
                        const ActVec<VT> &act, int64_t out_w, int nco, float *y) {
  constexpr int N = VT::N;
  int64_t ow = 0;
  for (; ow + B * N <= out_w; ow += B * N) Tile<VT, CO, B>(rc, w, bias, act, ow, nco, N, y);
  for (; ow < out_w; ow += N) {
    const int n = out_w - ow < N ? static_cast<int>(out_w - ow) : N;
    Tile<VT, CO, 1>(rc, w, bias, act, ow, nco, n, y);
  }
}

// The job with tiles of CO (kCoBlock or half of it) channels x B vectors.
template <class VT, int CO, int B, int S>
void ComputeT(const detail::Job &j) {
  static_assert(kCoBlock % CO == 0, "tiles split a weight block evenly");
  if (j.fill) FillScratch<S>(j);
  const int taps = static_cast<int>(j.cin) * j.kh * j.kw;
  int32_t off[kMaxDepth];
  for (int64_t ci = 0, t = 0; ci < j.cin; ++ci)
    for (int i = 0; i < j.kh; ++i)
      for (int jj = 0; jj < j.kw; ++jj, ++t)
        off[t] = static_cast<int32_t>(((ci * j.rows + i) * S + jj % S) * j.width + jj / S);
  const ActVec<VT> act(j);
  const int64_t plane = j.out_h * j.out_w;
  const int64_t depth = taps;
  for (int64_t oh = j.oh0; oh < j.oh1; ++oh) {
    const RowCtx rc{j.scratch + (oh - j.oh0) * S * S * j.width, off, taps, plane};
    for (int64_t co = j.co0; co < j.co1; co += CO) {
      const int64_t blk = co / kCoBlock;
      const float *w = j.w + blk * depth * kCoBlock + (co - blk * kCoBlock);
      float bias[CO];
      for (int c = 0; c < CO; ++c) bias[c] = (j.bias && co + c < j.cout) ? j.bias[co + c] : 0.f;
      const int nco = static_cast<int>(j.co1 - co < CO ? j.co1 - co : CO);
      RowChannels<VT, CO, B>(rc, w, bias, act, j.out_w, nco, j.y + co * plane + oh * j.out_w);
    }
  }
}

template <class VT, int CO, int B>
void Compute(const detail::Job &j) {
  if (j.stride == 1) ComputeT<VT, CO, B, 1>(j);
  else ComputeT<VT, CO, B, 2>(j);
}

}  // namespace
}  // namespace conv_direct
}  // namespace mace

#endif  // MACE_OPS_COMMON_CONV_DIRECT_KERNEL_H_
