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

using depthwise::ActParams;
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
struct ActVec : ActParams<VT> {
  using V = typename VT::V;
  explicit ActVec(const detail::Job &j) : ActParams<VT>(j.act, j.alpha, j.beta) {}
  // The activation of one vector, as a function object per type (see Finish).
  struct Relu {
    V lo;
    V operator()(V v) const { return VT::Max(v, lo); }
  };
  struct Clip {
    V lo, hi;
    V operator()(V v) const { return VT::Min(VT::Max(v, lo), hi); }
  };
  struct HardSigmoid {
    V lo, hi, a, b;
    V operator()(V v) const { return VT::Min(VT::Max(VT::Fma(v, a, b), lo), hi); }
  };
  struct HardSwish {
    V lo, hi, a, b;
    V operator()(V v) const { return VT::Mul(v, VT::Min(VT::Max(VT::Fma(v, a, b), lo), hi)); }
  };
  struct Identity {
    V operator()(V v) const { return v; }
  };
};

// What the tiles of a group of output rows share.
struct RowCtx {
  const float *in;     // scratch of the first row's first tap (ci 0, i 0, phase 0)
  const int32_t *off;  // per tap: its offset from `in`
  int taps;
  int64_t in_step;     // scratch floats between consecutive output rows' taps
  int64_t out_w;       // output floats between consecutive output rows
  int64_t plane;       // out_h * out_w: distance between output channels
};

// Stores a tile's accumulators through activation f: channels [0, nco), and in the last
// vector of each row `n_last` lanes.
template <class VT, int CO, int R, int B, class F>
inline void Finish(const RowCtx &rc, const typename VT::V *acc, const F &f, int64_t ow, int nco,
                   int n_last, float *y) {
  constexpr int N = VT::N, RB = R * B;
  y += ow;
  if (nco == CO && n_last == N) {  // the common case
    for (int c = 0; c < CO; ++c)
      for (int r = 0; r < R; ++r)
        for (int b = 0; b < B; ++b)
          VT::Store(y + c * rc.plane + r * rc.out_w + b * N, f(acc[c * RB + r * B + b]));
    return;
  }
  for (int c = 0; c < CO; ++c) {
    if (c >= nco) break;
    for (int r = 0; r < R; ++r) {
      float *yr = y + c * rc.plane + r * rc.out_w;
      for (int b = 0; b < B; ++b) {
        if (b < B - 1 || n_last == N) VT::Store(yr + b * N, f(acc[c * RB + r * B + b]));
        else VT::StoreN(yr + b * N, f(acc[c * RB + r * B + b]), n_last);
      }
    }
  }
}

// CO output channels x R output rows x B vectors from output column `ow`: acc = bias + sum
// over taps of the broadcast weight times the tap's input vector. Each loaded input vector
// feeds CO FMAs, each broadcast weight R*B FMAs, and the CO*R*B independent accumulators hide
// the FMA latency. w: the tap-0 weights of the first channel (taps kCoBlock floats apart).
template <class VT, int CO, int R, int B>
inline void Tile(const RowCtx &rc, const float *w, const float *bias, const ActVec<VT> &act,
                 int64_t ow, int nco, int n_last, float *y) {
  using V = typename VT::V;
  constexpr int N = VT::N, RB = R * B;
  V acc[CO * RB];
  for (int c = 0; c < CO; ++c) {
    const V bv = VT::Set1(bias[c]);
    for (int v = 0; v < RB; ++v) acc[c * RB + v] = bv;
  }
  const float *in = rc.in + ow;
  for (int t = 0; t < rc.taps; ++t) {
    const float *p = in + rc.off[t];
    V xv[RB];
    for (int r = 0; r < R; ++r)
      for (int b = 0; b < B; ++b) xv[r * B + b] = VT::Load(p + r * rc.in_step + b * N);
    const float *wt = w + t * kCoBlock;
    for (int c = 0; c < CO; ++c) {
      const V wv = VT::Set1(wt[c]);
      for (int v = 0; v < RB; ++v) acc[c * RB + v] = VT::Fma(wv, xv[v], acc[c * RB + v]);
    }
  }
  // One store sequence per activation type: a switch per vector (or a shared sequence after
  // the switch) made GCC keep the accumulators in memory.
  using A = ActVec<VT>;
  switch (act.type) {
    case ActivationType::RELU:
      return Finish<VT, CO, R, B>(rc, acc, typename A::Relu{act.lo}, ow, nco, n_last, y);
    case ActivationType::CLIP:
      return Finish<VT, CO, R, B>(rc, acc, typename A::Clip{act.lo, act.hi}, ow, nco, n_last, y);
    case ActivationType::HARDSIGMOID:
      return Finish<VT, CO, R, B>(rc, acc, typename A::HardSigmoid{act.lo, act.hi, act.a, act.b},
                                  ow, nco, n_last, y);
    case ActivationType::HARDSWISH:
      return Finish<VT, CO, R, B>(rc, acc, typename A::HardSwish{act.lo, act.hi, act.a, act.b},
                                  ow, nco, n_last, y);
    default:
      return Finish<VT, CO, R, B>(rc, acc, typename A::Identity{}, ow, nco, n_last, y);
  }
}

// R output rows for CO channels: B vectors at a time, then two, then single vectors (the last
// one partial).
template <class VT, int CO, int R, int B>
inline void RowChannels(const RowCtx &rc, const float *w, const float *bias,
                        const ActVec<VT> &act, int nco, float *y) {
  constexpr int N = VT::N;
  int64_t ow = 0;
  for (; ow + B * N <= rc.out_w; ow += B * N) Tile<VT, CO, R, B>(rc, w, bias, act, ow, nco, N, y);
  if (B > 2 && ow + 2 * N <= rc.out_w) {  // keep more accumulators than one vector's
    Tile<VT, CO, R, (B > 2 ? 2 : B)>(rc, w, bias, act, ow, nco, N, y);
    ow += 2 * N;
  }
  for (; ow < rc.out_w; ow += N) {
    const int n = rc.out_w - ow < N ? static_cast<int>(rc.out_w - ow) : N;
    Tile<VT, CO, R, 1>(rc, w, bias, act, ow, nco, n, y);
  }
}

// Output rows [oh, oh + R) of the job, every channel block.
template <class VT, int CO, int R, int B, int S>
inline void Rows(const detail::Job &j, const int32_t *off, int taps, const ActVec<VT> &act,
                 int64_t oh) {
  const int64_t plane = j.out_h * j.out_w;
  const RowCtx rc{j.scratch + (oh - j.oh0) * S * S * j.width, off, taps, S * S * j.width,
                  j.out_w, plane};
  for (int64_t co = j.co0; co < j.co1; co += CO) {
    const int64_t blk = co / kCoBlock;
    const float *w = j.w + blk * taps * kCoBlock + (co - blk * kCoBlock);
    float bias[CO];
    for (int c = 0; c < CO; ++c) bias[c] = (j.bias && co + c < j.cout) ? j.bias[co + c] : 0.f;
    const int nco = static_cast<int>(j.co1 - co < CO ? j.co1 - co : CO);
    RowChannels<VT, CO, R, B>(rc, w, bias, act, nco, j.y + co * plane + oh * j.out_w);
  }
}

// The job with tiles of CO (kCoBlock or half of it) channels x R rows x B vectors; a last odd
// row (R = 2) runs as tiles of 2*B vectors.
template <class VT, int CO, int R, int B, int S>
void ComputeT(const detail::Job &j) {
  static_assert(kCoBlock % CO == 0, "tiles split a weight block evenly");
  static_assert(R == 1 || R == 2, "rows per tile");
  if (j.fill) FillScratch<S>(j);
  const int taps = static_cast<int>(j.cin) * j.kh * j.kw;
  int32_t off[kMaxDepth];
  for (int64_t ci = 0, t = 0; ci < j.cin; ++ci)
    for (int i = 0; i < j.kh; ++i)
      for (int jj = 0; jj < j.kw; ++jj, ++t)
        off[t] = static_cast<int32_t>(((ci * j.rows + i) * S + jj % S) * j.width + jj / S);
  const ActVec<VT> act(j);
  int64_t oh = j.oh0;
  for (; oh + R <= j.oh1; oh += R) Rows<VT, CO, R, B, S>(j, off, taps, act, oh);
  if (oh < j.oh1) Rows<VT, CO, 1, R * B, S>(j, off, taps, act, oh);
}

template <class VT, int CO, int R, int B>
void Compute(const detail::Job &j) {
  if (j.stride == 1) ComputeT<VT, CO, R, B, 1>(j);
  else ComputeT<VT, CO, R, B, 2>(j);
}

}  // namespace
}  // namespace conv_direct
}  // namespace mace

#endif  // MACE_OPS_COMMON_CONV_DIRECT_KERNEL_H_
