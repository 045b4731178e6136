// The depthwise compute loop, a template over the vector type (depthwise_vec.h), compiled once
// per instruction set by depthwise.cc, depthwise_avx2.cc and depthwise_avx512.cc. Everything
// here sits in an unnamed namespace, so each of those files keeps its own copy (see
// depthwise.h: no shared inline code between files built with different instruction sets).
//
// The input is read in place, no padded copy: a copy cost as much as the arithmetic, and
// wide loads of floats just written by narrow stores stall on store forwarding. Output
// column ow reads input columns ow*S - pad_l + kw. Each pass computes R output rows from
// the (R-1)*S + K input rows they share, loading every input row once per vector and
// feeding it to each output row that uses it. Along a row:
//   - interior vectors (every tap inside the input row) use plain unaligned loads;
//   - the vectors at the left/right border use masked loads (lanes outside the row read
//     as zero, and are not read at all), and the row's last partial vector a masked store.
//     Sets without masked loads (SSE2, NEON, scalar) copy the border columns of the plane,
//     zero-padded, into a strip per border first, and read those with plain loads.
// Padding rows above/below the input read a zero row (Job::zeros, in_w floats).
// Stride 2 splits 2N loaded floats into even and odd columns in registers (Deint).
#ifndef MACE_OPS_COMMON_DEPTHWISE_KERNEL_H_
#define MACE_OPS_COMMON_DEPTHWISE_KERNEL_H_

#include <cstring>
#include <new>

#include "ops/common/depthwise.h"
#include "ops/common/depthwise_vec.h"

namespace mace {
namespace depthwise {
namespace {

// The block functions below must inline into one another with their loops fully unrolled,
// so the accumulators, taps and weights stay in registers.
#if defined(__GNUC__)
#define MACE_DW_INLINE inline __attribute__((always_inline))
#else
#define MACE_DW_INLINE inline
#endif

// Ceil division for a non-negative numerator and a positive divisor.
inline int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

template <class VT>
struct ActVec : ActParams<VT> {
  using V = typename VT::V;
  explicit ActVec(const detail::Job &j) : ActParams<VT>(j.act, j.alpha, j.beta) {}
  ActVec(ActivationType t, float alpha, float beta) : ActParams<VT>(t, alpha, beta) {}
  V operator()(V v) const {
    const V lo = this->lo, hi = this->hi, a = this->a, b = this->b;
    switch (this->type) {
      case ActivationType::RELU: return VT::Max(v, lo);
      case ActivationType::CLIP: return VT::Min(VT::Max(v, lo), hi);
      case ActivationType::HARDSIGMOID: return VT::Min(VT::Max(VT::Fma(v, a, b), lo), hi);
      case ActivationType::HARDSWISH: return VT::Mul(v, VT::Min(VT::Max(VT::Fma(v, a, b), lo), hi));
      default: return v;
    }
  }
};

// Offsets of the loads of one input row's taps: stride 1 loads tap kw at kw; stride 2 takes
// taps 0,1 from the 2N floats at 0, tap 2 from the odd floats at 1 and taps 3,4 from those
// at 3, so no load reaches past the last float the last lane needs.
template <int K, int S, int N>
struct Loads {
  static constexpr int kCount = S == 1 ? K : (K == 3 ? 4 : 6);
  static constexpr int Offset(int i) {
    return S == 1 ? i : (i / 2 == 0 ? 0 : (i / 2 == 1 ? 1 : 3)) + (i % 2) * N;
  }
};

// t[kw] lane l = p[S*l + kw] for the K taps of one input row; masked (M) with m[i] for load i.
template <class VT, int K, int S, bool M>
MACE_DW_INLINE void RowTaps(const float *p, const typename VT::Mask *m, typename VT::V *t) {
  using V = typename VT::V;
  using L = Loads<K, S, VT::N>;
  V v[L::kCount];
#pragma GCC unroll 6
  for (int i = 0; i < L::kCount; ++i)
    v[i] = M ? VT::LoadMask(p + L::Offset(i), m[i]) : VT::Load(p + L::Offset(i));
  if (S == 1) {
#pragma GCC unroll 5
    for (int kw = 0; kw < K; ++kw) t[kw] = v[kw];
  } else {
    V unused;
    VT::Deint(v[0], v[1], &t[0], &t[1]);
    VT::Deint(v[2], v[3], &unused, &t[2]);
    if (K == 5) VT::Deint(v[4], v[5], &t[3], &t[4]);
  }
}

// R output rows x B vectors at input offset `off` (the input column of the first lane's first
// tap) of the rows in `rows` (input row pointers, (R-1)*S + K of them). R*B independent
// accumulators hide the FMA latency. Masked (M) blocks read only columns [0, in_w); their
// masks depend on the column only, so they are made once for all rows.
template <class VT, int K, int S, int R, int B, bool M>
MACE_DW_INLINE void Block(const float *const *rows, int64_t off, int64_t in_w,
                          const typename VT::V *wv, typename VT::V bias, typename VT::V *acc) {
  using V = typename VT::V;
  using L = Loads<K, S, VT::N>;
  constexpr int N = VT::N;
  constexpr int kTaps = (R - 1) * S + K;
  typename VT::Mask mk[B][L::kCount] = {};
  if (M) {
    // Masked blocks sit at a border: off is within a few vectors of [0, in_w).
#pragma GCC unroll 2
    for (int b = 0; b < B; ++b)
#pragma GCC unroll 6
      for (int i = 0; i < L::kCount; ++i) {
        const int64_t o = off + b * S * N + L::Offset(i);
        mk[b][i] = VT::MakeMask(static_cast<int>(-o), static_cast<int>(in_w - o));
      }
  }
#pragma GCC unroll 16
  for (int i = 0; i < R * B; ++i) acc[i] = bias;
  static_assert(!M || VT::kMaskedLoads, "masked blocks need masked loads");
  // SSE2 / NEON (VT::kRolled): fully unrolled, GCC schedules each accumulator's K*K-long
  // chain of dependent adds back to back (for the register pressure of 16 two-operand
  // registers) and the 5x5 kernels ran 1.5x slower; as loops, consecutive operations go to
  // different accumulators. Measured on SSE2: stride 1 (both sizes) and 5x5 stride 2 gain,
  // 3x3 stride 2 is faster unrolled (below). AVX2 is faster unrolled.
  if constexpr (S == 1 && VT::kRolled) {
    for (int kh = 0; kh < K; ++kh)
      for (int kw = 0; kw < K; ++kw) {
        const V w = wv[kh * K + kw];
        for (int r = 0; r < R; ++r)
          for (int b = 0; b < B; ++b) {
            const float *p = rows[r + kh] + off + b * N + kw;
            const V v = M ? VT::LoadMask(p, mk[b][kw]) : VT::Load(p);
            acc[r * B + b] = VT::Fma(w, v, acc[r * B + b]);
          }
      }
    return;
  }
  if constexpr (VT::kRolled && !M && K == 5) {  // 5x5 stride 2: the loop below, rolled
    for (int i = 0; i < kTaps; ++i)
      for (int b = 0; b < B; ++b) {
        V t[K];
        RowTaps<VT, K, S, false>(rows[i] + off + b * S * N, nullptr, t);
        for (int r = 0; r < R; ++r) {
          const int kh = i - r * S;
          if (kh < 0 || kh >= K) continue;
          for (int kw = 0; kw < K; ++kw)
            acc[r * B + b] = VT::Fma(wv[kh * K + kw], t[kw], acc[r * B + b]);
        }
      }
    return;
  }
#pragma GCC unroll 19
  for (int i = 0; i < kTaps; ++i) {
#pragma GCC unroll 2
    for (int b = 0; b < B; ++b) {
      V t[K];
      RowTaps<VT, K, S, M>(rows[i] + off + b * S * N, mk[b], t);
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) {
        const int kh = i - r * S;
        if (kh < 0 || kh >= K) continue;
#pragma GCC unroll 5
        for (int kw = 0; kw < K; ++kw)
          acc[r * B + b] = VT::Fma(wv[kh * K + kw], t[kw], acc[r * B + b]);
      }
    }
  }
}

template <class VT, int R, int B>
MACE_DW_INLINE void StoreRows(float *y, int64_t pitch, int n, const ActVec<VT> &act,
                              const typename VT::V *acc) {
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 2
    for (int b = 0; b < B; ++b) {
      if (n >= VT::N * B) VT::Store(y + r * pitch + b * VT::N, act(acc[r * B + b]));
      else VT::StoreN(y + r * pitch + b * VT::N, act(acc[r * B + b]), n);
    }
}

// Output columns split: [0, a) and [b, out_w) touch the borders, [a, b) whole vectors inside.
struct Columns {
  int64_t a, b;
};

template <int S, int K, int N>
Columns SplitColumns(const detail::Job &j) {
  const int64_t first = CeilDiv(j.pad_l, S);  // first column whose taps start inside
  const int64_t num = j.in_w - K + j.pad_l;   // last column whose taps end inside: num / S
  int64_t end = num >= 0 ? num / S + 1 : 0;
  end = end < j.out_w ? end : j.out_w;
  int64_t a = first == 0 ? 0 : CeilDiv(first, N) * N;
  a = a < j.out_w ? a : j.out_w;
  const int64_t b = end > a ? a + (end - a) / N * N : a;
  return {a, b};
}

// A zero-padded copy of padded input columns [c0, c0 + width) of all padded rows
// ((out_h-1)*S + K of them), for the border vectors of sets without masked loads.
struct Strip {
  const float *data;
  int64_t c0, width;
};

// Padded columns the border vectors [from, to) read: S floats per lane, K-1 more for the taps
// (stride 2: one less, but one float of slack costs nothing).
template <int S, int K, int N>
Strip StripFor(int64_t from, int64_t to) {
  return {nullptr, from * S, to > from ? (to - from + N - 1) / N * N * S + K : 0};
}

template <class VT, int K, int S>
int64_t StripFloatsT(const detail::Job &j) {
  const Columns c = SplitColumns<S, K, VT::N>(j);
  const int64_t rows = (j.out_h - 1) * S + K;
  return rows * (StripFor<S, K, VT::N>(0, c.a).width + StripFor<S, K, VT::N>(c.b, j.out_w).width);
}

// Grow-only scratch for StripBuffer and BlocksT, per thread (new[], not std::vector: see
// depthwise.h on inline code shared between files built for different instruction sets).
// Cache-line aligned: BlocksT loads whole vectors at multiples of 64 bytes from its buffers,
// and with malloc's 16-byte alignment every load split two lines (a 5x5 stride-2 conv on
// 96 x 28 x 28 took 29 us or 22 us, depending on where its buffer happened to land).
template <class T>
struct GrowBuffer {
  static constexpr std::align_val_t kAlign{64};
  T *data = nullptr;
  int64_t size = 0;
  ~GrowBuffer() { ::operator delete[](data, kAlign); }
  T *Get(int64_t count) {
    if (size < count) {
      ::operator delete[](data, kAlign);
      data = static_cast<T *>(::operator new[](static_cast<size_t>(count) * sizeof(T), kAlign));
      size = count;
    }
    return data;
  }
};
using BlockBuffer = GrowBuffer<float>;

// The strips' memory, per thread and per instruction-set file (this header is compiled once
// per set, with no library template: see depthwise.h). Zeroed when the geometry changes, so
// the planes of one conv only copy their input columns in (FillStrip).
struct StripBuffer {
  BlockBuffer storage;
  int64_t key[8] = {-1, -1, -1, -1, -1, -1, -1, -1};
  float *For(const detail::Job &j, int64_t floats) {
    const int64_t k[8] = {j.k, j.stride, j.in_h, j.in_w, j.pad_t, j.pad_l, j.out_h, j.out_w};
    bool same = true;
    for (int i = 0; i < 8; ++i) same = same && k[i] == key[i];
    if (same) return storage.data;
    float *data = storage.Get(floats);
    for (int64_t i = 0; i < floats; ++i) data[i] = 0.f;
    for (int i = 0; i < 8; ++i) key[i] = k[i];
    return data;
  }
};

// Copies the input columns of strip `s`; its zeros (padding rows and columns) are written
// once per geometry (StripBuffer) and never change.
template <int S, int K>
void FillStrip(const detail::Job &j, float *dst, const Strip &s) {
  const int64_t col = s.c0 - j.pad_l;  // input column of strip column 0
  int64_t lo = -col, hi = j.in_w - col;  // strip columns inside the input row
  lo = lo < 0 ? 0 : (lo > s.width ? s.width : lo);
  hi = hi < lo ? lo : (hi > s.width ? s.width : hi);
  // A plain loop: the rows are a few vectors wide, where a library call costs more.
  for (int64_t ih = 0; ih < j.in_h && j.pad_t + ih < (j.out_h - 1) * S + K; ++ih) {
    float *d = dst + (j.pad_t + ih) * s.width;
    const float *src = j.x + ih * j.in_w + col;
    for (int64_t c = lo; c < hi; ++c) d[c] = src[c];
  }
}

// Border vectors [from, to) of output rows [oh, oh + R): masked loads of the input, or plain
// loads of a strip.
template <class VT, int K, int S, int R>
MACE_DW_INLINE void Border(const detail::Job &j, const float *const *rows, const Strip &strip,
                           int64_t from, int64_t to, const typename VT::V *wv,
                           typename VT::V bias, const ActVec<VT> &act, int64_t oh,
                           typename VT::V *acc) {
  constexpr int N = VT::N;
  constexpr int kTaps = (R - 1) * S + K;
  float *y = j.y + oh * j.out_w;
  const float *srows[kTaps];
  if constexpr (!VT::kMaskedLoads)
    for (int i = 0; i < kTaps; ++i) srows[i] = strip.data + (oh * S + i) * strip.width;
  for (int64_t ow = from; ow < to; ow += N) {
    if constexpr (VT::kMaskedLoads)
      Block<VT, K, S, R, 1, true>(rows, ow * S - j.pad_l, j.in_w, wv, bias, acc);
    else
      Block<VT, K, S, R, 1, false>(srows, ow * S - strip.c0, 0, wv, bias, acc);
    StoreRows<VT, R, 1>(y + ow, j.out_w, static_cast<int>(to - ow < N ? to - ow : N), act, acc);
  }
}

// Output rows [oh, oh + R).
template <class VT, int K, int S, int R>
void Rows(const detail::Job &j, const Columns &cols, const Strip *strips,
          const typename VT::V *wv, typename VT::V bias, const ActVec<VT> &act, int64_t oh) {
  using V = typename VT::V;
  constexpr int N = VT::N;
  constexpr int kTaps = (R - 1) * S + K;
  const float *rows[kTaps];
  for (int i = 0; i < kTaps; ++i) {
    const int64_t ih = oh * S + i - j.pad_t;
    rows[i] = ih >= 0 && ih < j.in_h ? j.x + ih * j.in_w : j.zeros;
  }
  float *y = j.y + oh * j.out_w;
  const int64_t pl = j.pad_l;
  V acc[R * 2];
  Border<VT, K, S, R>(j, rows, strips[0], 0, cols.a, wv, bias, act, oh, acc);
  int64_t ow = cols.a;
  for (; ow + 2 * N <= cols.b; ow += 2 * N) {
    Block<VT, K, S, R, 2, false>(rows, ow * S - pl, j.in_w, wv, bias, acc);
    StoreRows<VT, R, 2>(y + ow, j.out_w, 2 * N, act, acc);
  }
  for (; ow < cols.b; ow += N) {
    Block<VT, K, S, R, 1, false>(rows, ow * S - pl, j.in_w, wv, bias, acc);
    StoreRows<VT, R, 1>(y + ow, j.out_w, N, act, acc);
  }
  Border<VT, K, S, R>(j, rows, strips[1], cols.b, j.out_w, wv, bias, act, oh, acc);
}

template <class VT, int K, int S>
void ComputeT(const detail::Job &j) {
  using V = typename VT::V;
  V wv[K * K];
  for (int i = 0; i < K * K; ++i) wv[i] = VT::Set1(j.kernel[i]);
  const V bias = VT::Set1(j.bias);
  const ActVec<VT> act(j);
  const Columns cols = SplitColumns<S, K, VT::N>(j);
  Strip strips[2] = {StripFor<S, K, VT::N>(0, cols.a), StripFor<S, K, VT::N>(cols.b, j.out_w)};
  if constexpr (!VT::kMaskedLoads) {  // strips for the border vectors (see Border)
    thread_local StripBuffer buffer;
    const int64_t rows = (j.out_h - 1) * S + K;
    float *data = buffer.For(j, StripFloatsT<VT, K, S>(j));
    strips[0].data = data;
    strips[1].data = data + rows * strips[0].width;
    FillStrip<S, K>(j, data, strips[0]);
    FillStrip<S, K>(j, data + rows * strips[0].width, strips[1]);
  }
  int64_t oh = 0;
  // Planes one vector wide (14x14 on AVX-512): 8 rows per pass, for more independent
  // accumulators and fewer passes.
  if constexpr (VT::N == 16)
    if (j.out_w <= VT::N)
      for (; oh + 8 <= j.out_h; oh += 8) Rows<VT, K, S, 8>(j, cols, strips, wv, bias, act, oh);
  for (; oh + 4 <= j.out_h; oh += 4) Rows<VT, K, S, 4>(j, cols, strips, wv, bias, act, oh);
  if (oh + 2 <= j.out_h) {  // 7x7 planes: 4 + 2 + 1 rows
    Rows<VT, K, S, 2>(j, cols, strips, wv, bias, act, oh);
    oh += 2;
  }
  if (oh < j.out_h) Rows<VT, K, S, 1>(j, cols, strips, wv, bias, act, oh);
}

template <class VT>
void Compute(const detail::Job &j) {
  if (j.k == 3 && j.stride == 1) ComputeT<VT, 3, 1>(j);
  else if (j.k == 3) ComputeT<VT, 3, 2>(j);
  else if (j.stride == 1) ComputeT<VT, 5, 1>(j);
  else ComputeT<VT, 5, 2>(j);
}

// Channel-blocked small planes (Planes() in depthwise.h), N channels per vector. `in` holds
// the padded input rows and columns the outputs read, pixel-major, N channels per pixel; its
// padding is zeroed once per call and stays zero, as each group of channels writes only the
// interior. Planes go in and out through N x N register transposes of the flat planes. Four
// outputs of a row per step (independent accumulators for the FMA latency); a
// row whose width is not a multiple of 4 ends with a step that overlaps the one before.
template <class VT, int K, int S>
void BlocksT(const detail::BlockJob &j) {
  using V = typename VT::V;
  constexpr int N = VT::N;
  const int64_t out_h = j.out_h, out_w = j.out_w, out_plane = out_h * out_w;
  const int64_t rows = (out_h - 1) * S + K, cols = (out_w - 1) * S + K;
  const int64_t in_plane = j.in_h * j.in_w;
  thread_local BlockBuffer in_buffer, out_buffer;
  thread_local GrowBuffer<int32_t> slot_buffer;
  const int64_t in_floats = rows * cols * N;
  // One vector more: the slot of the input pixels no output reads.
  float *const in = in_buffer.Get(in_floats + N), *const out = out_buffer.Get(out_plane * N);
  for (int64_t i = 0; i < in_floats; ++i) in[i] = 0.f;
  // Where each input pixel goes in `in` (a float offset), computed once for all groups, so
  // the transposed vectors are stored straight from registers. Padded to whole vectors.
  const int64_t slots = CeilDiv(in_plane, N) * N;
  int32_t *const slot = slot_buffer.Get(slots);
  for (int64_t p = 0, r = j.pad_t, q = j.pad_l; p < slots; ++p) {
    slot[p] = static_cast<int32_t>(p < in_plane && r < rows && q < cols ? (r * cols + q) * N
                                                                          : in_floats);
    if (++q == j.pad_l + j.in_w) {
      q = j.pad_l;
      ++r;
    }
  }
  const ActVec<VT> act(j.act, j.alpha, j.beta);
  for (int64_t c0 = 0; c0 < j.channels; c0 += N) {
    const int nc = static_cast<int>(j.channels - c0 < N ? j.channels - c0 : N);
    if (nc < N && c0 > 0)  // the last group's unused lanes: zero, not the previous group's
      for (int64_t i = 0; i < in_floats; ++i) in[i] = 0.f;
    // N input pixels of the N channels at a time, transposed in registers into N vectors of
    // one pixel each, stored at the pixel's padded position (if the outputs read it).
    // The next group's planes are prefetched alongside, a line of each per step: planes of a
    // few hundred floats are too short for the hardware prefetcher, and the 16 cold streams
    // of an input just evicted by the layers before ran 1.3-1.9x slower than hot ones.
    const int next = static_cast<int>(j.channels - c0 - N < N ? j.channels - c0 - N : N);
    for (int t = 0; next > 0 && t < K * K * next; t += 16)
      __builtin_prefetch(j.kernel + (c0 + N) * K * K + t);
    const V zero = VT::Set1(0.f);
    for (int64_t p0 = 0; p0 < in_plane; p0 += N) {
      const int cnt = static_cast<int>(in_plane - p0 < N ? in_plane - p0 : N);
      V v[N];
#pragma GCC unroll 16
      for (int c = 0; c < N; ++c) {
        const float *x = j.x + (c0 + c) * in_plane + p0;
        v[c] = c >= nc ? zero : cnt == N ? VT::Load(x) : VT::LoadMask(x, VT::MakeMask(0, cnt));
      }
      for (int c = 0; c < next; ++c) __builtin_prefetch(j.x + (c0 + N + c) * in_plane + p0);
      VT::Transpose(v);
      // Pixels past the plane (cnt < N) have the unread slot too.
#pragma GCC unroll 16
      for (int i = 0; i < N; ++i) VT::Store(in + slot[p0 + i], v[i]);
    }
    // Weights: the N channels' K*K taps, N taps at a time, transposed into one vector per tap.
    V wv[K * K];
#pragma GCC unroll 7
    for (int t0 = 0; t0 < K * K; t0 += N) {
      const int taps = K * K - t0 < N ? K * K - t0 : N;
      V v[N];
#pragma GCC unroll 16
      for (int c = 0; c < N; ++c) {
        const float *w = j.kernel + (c0 + c) * K * K + t0;
        v[c] = c >= nc ? zero : taps == N ? VT::Load(w) : VT::LoadMask(w, VT::MakeMask(0, taps));
      }
      VT::Transpose(v);
#pragma GCC unroll 16
      for (int i = 0; i < taps; ++i) wv[t0 + i] = v[i];
    }
    const V bias = !j.bias ? zero
                   : nc == N ? VT::Load(j.bias + c0)
                             : VT::LoadMask(j.bias + c0, VT::MakeMask(0, nc));
    const int64_t pitch = cols * N;  // floats from one padded row of `in` to the next
    for (int64_t oh = 0; oh < out_h; ++oh) {
      const float *row = in + oh * S * pitch;
      float *o = out + oh * out_w * N;
      if (out_w >= 4) {
        for (int64_t ow = 0;; ow += 4) {
          if (ow + 4 > out_w) ow = out_w - 4;
          V acc[4] = {bias, bias, bias, bias};
          // One pointer per kernel row and constant offsets from it: indexing from `row`
          // made GCC recompute (and spill) an address per load.
          const float *p = row + ow * S * N;
#pragma GCC unroll 5
          for (int kh = 0; kh < K; ++kh, p += pitch)
#pragma GCC unroll 5
            for (int kw = 0; kw < K; ++kw)
#pragma GCC unroll 4
              for (int i = 0; i < 4; ++i)
                acc[i] = VT::Fma(wv[kh * K + kw], VT::Load(p + (i * S + kw) * N), acc[i]);
          for (int i = 0; i < 4; ++i) VT::Store(o + (ow + i) * N, act(acc[i]));
          if (ow + 4 >= out_w) break;
        }
      } else {
        for (int64_t ow = 0; ow < out_w; ++ow) {
          V acc = bias;
          for (int kh = 0; kh < K; ++kh)
            for (int kw = 0; kw < K; ++kw)
              acc = VT::Fma(wv[kh * K + kw], VT::Load(row + (kh * cols + ow * S + kw) * N), acc);
          VT::Store(o + ow * N, act(acc));
        }
      }
    }
    // Back to planes: N output pixels of the N channels at a time, transposed.
    for (int64_t p0 = 0; p0 < out_plane; p0 += N) {
      const int cnt = static_cast<int>(out_plane - p0 < N ? out_plane - p0 : N);
      V v[N];
#pragma GCC unroll 16
      for (int i = 0; i < N; ++i) v[i] = i < cnt ? VT::Load(out + (p0 + i) * N) : zero;
      VT::Transpose(v);
      for (int c = 0; c < nc; ++c) {
        float *y = j.y + (c0 + c) * out_plane + p0;
        if (cnt == N) VT::Store(y, v[c]);
        else VT::StoreN(y, v[c], cnt);
      }
    }
  }
}

template <class VT>
void Blocks(const detail::BlockJob &j) {
  if (j.k == 3 && j.stride == 1) BlocksT<VT, 3, 1>(j);
  else if (j.k == 3) BlocksT<VT, 3, 2>(j);
  else if (j.stride == 1) BlocksT<VT, 5, 1>(j);
  else BlocksT<VT, 5, 2>(j);
}

}  // namespace
}  // namespace depthwise
}  // namespace mace

#undef MACE_DW_INLINE

#endif  // MACE_OPS_COMMON_DEPTHWISE_KERNEL_H_
