// The row-wise MaxPool loops of max_pool_rows.h, included once per instruction set inside an
// unnamed namespace (each file keeps its own copy, compiled for its set). No include guard.
#include <algorithm>
#include <cstdint>
#include <limits>
#if defined(MACE_ISA_AVX2)
#include <immintrin.h>
#endif

namespace mace {
namespace max_pool {
namespace {

// The output columns [lo, hi) whose whole window lies inside the input row.
void InteriorColumns(const conv::Window3 &w, int64_t *lo, int64_t *hi) {
  const int64_t s = w.stride[2], span = (w.kernel[2] - 1) * w.dilation[2];
  *lo = std::min(w.out[2], (w.pad_begin[2] + s - 1) / s);
  const int64_t last = w.in[2] - 1 - span + w.pad_begin[2];  // ow * s <= last
  *hi = last < 0 ? *lo : std::max(*lo, std::min(w.out[2], last / s + 1));
}

#if defined(MACE_ISA_AVX2)
// Stride 2, width 3, no dilation (squeezenet's pools): y[ow] = max(c[2ow], c[2ow+1], c[2ow+2])
// for as many outputs from `ow` on as whole vectors cover while their loads stay below
// c[limit]: the even and odd columns de-interleaved with shuffles, as the compiler does not
// vectorise the stride-2 loads. Returns the first output left to do.
int64_t RowMaxS2K3(const float *c, int64_t ow, int64_t hi, int64_t limit, float *y) {
#if defined(MACE_ISA_AVX512)
  constexpr int64_t kW = 16;
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  for (; ow + kW <= hi && 2 * ow + 2 + 2 * kW <= limit; ow += kW) {
    const float *p = c + 2 * ow;
    const __m512 a = _mm512_loadu_ps(p), b = _mm512_loadu_ps(p + kW);
    const __m512 a2 = _mm512_loadu_ps(p + 2), b2 = _mm512_loadu_ps(p + 2 + kW);
    const __m512 m = _mm512_max_ps(_mm512_permutex2var_ps(a, even, b), _mm512_permutex2var_ps(a, odd, b));
    _mm512_storeu_ps(y + ow, _mm512_max_ps(m, _mm512_permutex2var_ps(a2, even, b2)));
  }
#else
  constexpr int64_t kW = 8;
  for (; ow + kW <= hi && 2 * ow + 2 + 2 * kW <= limit; ow += kW) {
    const float *p = c + 2 * ow;
    const __m256 a = _mm256_loadu_ps(p), b = _mm256_loadu_ps(p + kW);
    const __m256 a2 = _mm256_loadu_ps(p + 2), b2 = _mm256_loadu_ps(p + 2 + kW);
    // Within each 128-bit lane: (a0 a2 b0 b2) and (a1 a3 b1 b3); one lane permute at the end.
    const __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    const __m256 o = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
    const __m256 e2 = _mm256_shuffle_ps(a2, b2, _MM_SHUFFLE(2, 0, 2, 0));
    const __m256 m = _mm256_max_ps(_mm256_max_ps(e, o), e2);
    _mm256_storeu_ps(y + ow, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(m), _MM_SHUFFLE(3, 1, 2, 0))));
  }
#endif
  return ow;
}
#endif

// Max over each window of one row of column maxima for the interior columns [lo, hi). With the
// stride S and the window width K constants, each output is one vectorised max over K strided
// loads (stride 2 as even/odd de-interleaving) and one store; other widths go tap by tap.
template <int S, int K>
void RowMaxInterior(const float *colmax, const conv::Window3 &w, int64_t lo, int64_t hi, float *y) {
  const float *c = colmax - w.pad_begin[2];
  const int64_t d = w.dilation[2];
  if (K > 0) {
#if defined(MACE_ISA_AVX2)
    if (S == 2 && K == 3 && d == 1) lo = RowMaxS2K3(c, lo, hi, w.in[2] + w.pad_begin[2], y);
#endif
    for (int64_t ow = lo; ow < hi; ++ow) {
      float m = c[ow * S];
      for (int kw = 1; kw < K; ++kw) m = c[ow * S + kw * d] > m ? c[ow * S + kw * d] : m;
      y[ow] = m;
    }
    return;
  }
  for (int64_t ow = lo; ow < hi; ++ow) y[ow] = c[ow * S];
  for (int64_t kw = 1; kw < w.kernel[2]; ++kw) {
    const float *ck = c + kw * d;
    for (int64_t ow = lo; ow < hi; ++ow) y[ow] = ck[ow * S] > y[ow] ? ck[ow * S] : y[ow];
  }
}

template <int S>
void RowMax(const float *colmax, const conv::Window3 &w, int64_t lo, int64_t hi, float *y) {
  if (w.kernel[2] == 3) RowMaxInterior<S, 3>(colmax, w, lo, hi, y);
  else if (w.kernel[2] == 2) RowMaxInterior<S, 2>(colmax, w, lo, hi, y);
  else RowMaxInterior<S, 0>(colmax, w, lo, hi, y);
}

// colmax[i] = max over the n input rows starting at `row0`, `step` floats apart: one pass and
// one store per column for the usual 2 and 3 rows.
void ColumnMax(const float *row0, int64_t step, int64_t n, int64_t in_w, float *colmax) {
  const float *r1 = row0 + step, *r2 = row0 + 2 * step;
  if (n == 3) {
    for (int64_t i = 0; i < in_w; ++i) {
      const float a = row0[i] > r1[i] ? row0[i] : r1[i];
      colmax[i] = r2[i] > a ? r2[i] : a;
    }
    return;
  }
  if (n == 2) {
    for (int64_t i = 0; i < in_w; ++i) colmax[i] = row0[i] > r1[i] ? row0[i] : r1[i];
    return;
  }
  std::copy(row0, row0 + in_w, colmax);
  for (int64_t kh = 1; kh < n; ++kh) {
    const float *row = row0 + kh * step;
    for (int64_t i = 0; i < in_w; ++i) colmax[i] = row[i] > colmax[i] ? row[i] : colmax[i];
  }
}

#if defined(MACE_ISA_AVX512)
// The lanes of columns col, col+1, ... that lie below in_w.
inline __mmask16 LanesBelow(int64_t col, int64_t in_w) {
  const int64_t n = in_w - col;
  return n >= 16 ? __mmask16(0xffff) : n <= 0 ? __mmask16(0) : __mmask16((1u << n) - 1u);
}

// max(r0[col..], r1[col..], r2[col..]) over 16 columns; lanes outside k read as 0. Whole
// vectors use plain loads: on Zen 5 a masked load that misses the cache took about 3x as long
// (a pool over a plane just written by the layer before went from 150 to 450 us).
inline __m512 ColumnMax3(const float *r0, const float *r1, const float *r2, int64_t col, __mmask16 k) {
  if (k == __mmask16(0xffff))
    return _mm512_max_ps(_mm512_max_ps(_mm512_loadu_ps(r0 + col), _mm512_loadu_ps(r1 + col)),
                         _mm512_loadu_ps(r2 + col));
  const __m512 v = _mm512_max_ps(_mm512_maskz_loadu_ps(k, r0 + col), _mm512_maskz_loadu_ps(k, r1 + col));
  return _mm512_max_ps(v, _mm512_maskz_loadu_ps(k, r2 + col));
}

// Lanes 2..15 of lo_part, then lanes 0..1 of hi_part: the columns two further on.
inline __m512 Shift2(__m512 hi_part, __m512 lo_part) {
  return _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(hi_part), _mm512_castps_si512(lo_part), 2));
}

// One output row of a 3x3 stride-2 pool whose three input rows r0, r0 + in_w, r0 + 2*in_w all
// lie inside the input, for the interior outputs [lo, hi): the column max of the three rows and
// the max over each window stay in registers (no column-max row stored and read back, no scalar
// tails). Output ow reads columns 2*ow - pad_l + 0..2, all inside the row. Rows with 16
// interior outputs or more use plain loads only, the last vector overlapping the one before.
void FusedRowS2K3(const float *r0, int64_t in_w, int64_t pad_l, int64_t lo, int64_t hi, float *y) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  const float *r1 = r0 + in_w, *r2 = r1 + in_w;
  // 16 outputs from ow: columns col..col+31 as two vectors, and col+32 (the last window's
  // third column) as a scalar; ka / kb mask the loads and `store` the store on short rows.
  auto outputs16 = [&](int64_t ow, __mmask16 ka, __mmask16 kb, __mmask16 store) {
    const int64_t col = 2 * ow - pad_l;  // >= 0: interior outputs start inside the row
    const __m512 a = ColumnMax3(r0, r1, r2, col, ka), b = ColumnMax3(r0, r1, r2, col + 16, kb);
    const int64_t last = col + 32;
    const float c = last < in_w ? std::max(r0[last], std::max(r1[last], r2[last])) : 0.f;
    const __m512 m = _mm512_max_ps(_mm512_permutex2var_ps(a, even, b), _mm512_permutex2var_ps(a, odd, b));
    const __m512 m2 = _mm512_permutex2var_ps(Shift2(b, a), even, Shift2(_mm512_set1_ps(c), b));
    _mm512_mask_storeu_ps(y + ow, store, _mm512_max_ps(m, m2));
  };
  constexpr __mmask16 kAll = 0xffff;
  if (hi - lo >= 16) {
    int64_t ow = lo;
    for (; ow + 16 <= hi; ow += 16) outputs16(ow, kAll, kAll, kAll);
    if (ow < hi) outputs16(hi - 16, kAll, kAll, kAll);
    return;
  }
  if (hi > lo) {
    const int64_t col = 2 * lo - pad_l;
    outputs16(lo, LanesBelow(col, in_w), LanesBelow(col + 16, in_w), __mmask16((1u << (hi - lo)) - 1u));
  }
}
#endif

#if defined(MACE_ISA_AVX2) && !defined(MACE_ISA_AVX512)
// FusedRowS2K3 (above, AVX-512) with 8-float vectors, for rows of at least 8 interior outputs
// (the caller keeps the column-max path for shorter ones): plain loads only.
inline __m256 ColumnMax3(const float *r0, const float *r1, const float *r2, int64_t col) {
  return _mm256_max_ps(_mm256_max_ps(_mm256_loadu_ps(r0 + col), _mm256_loadu_ps(r1 + col)),
                       _mm256_loadu_ps(r2 + col));
}

void FusedRowS2K3(const float *r0, int64_t in_w, int64_t pad_l, int64_t lo, int64_t hi, float *y) {
  const float *r1 = r0 + in_w, *r2 = r1 + in_w;
  const __m256i next = _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 7);
  auto outputs8 = [&](int64_t ow) {
    const int64_t col = 2 * ow - pad_l, last = col + 16;  // last: the 8th window's third column
    const __m256 a = ColumnMax3(r0, r1, r2, col), b = ColumnMax3(r0, r1, r2, col + 8);
    // Even and odd columns, each 128-bit lane in order (a0 a2 b0 b2 | a4 a6 b4 b6), then one
    // lane permute: even = columns col, col+2, ..., col+14.
    const __m256 e = _mm256_castpd_ps(_mm256_permute4x64_pd(
        _mm256_castps_pd(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0))), _MM_SHUFFLE(3, 1, 2, 0)));
    const __m256 o = _mm256_castpd_ps(_mm256_permute4x64_pd(
        _mm256_castps_pd(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1))), _MM_SHUFFLE(3, 1, 2, 0)));
    // Columns col+2, ..., col+16: the even ones one lane on, the last from `last`.
    const float c = std::max(r0[last], std::max(r1[last], r2[last]));
    const __m256 e2 = _mm256_blend_ps(_mm256_permutevar8x32_ps(e, next), _mm256_set1_ps(c), 0x80);
    _mm256_storeu_ps(y + ow, _mm256_max_ps(_mm256_max_ps(e, o), e2));
  };
  int64_t ow = lo;
  for (; ow + 8 <= hi; ow += 8) outputs8(ow);
  if (ow < hi) outputs8(hi - 8);
}
#endif

void Plane2DRows(const float *x, const conv::Window3 &w, const Taps &taps, float *colmax, float *y) {
  const int64_t in_w = w.in[2];
  int64_t lo, hi;
  InteriorColumns(w, &lo, &hi);
  if (w.stride[2] > 2) lo = hi = w.out[2];  // other strides: the tap loop does every column
#if defined(MACE_ISA_AVX2)
  bool fused = w.stride[1] == 2 && w.stride[2] == 2 && w.kernel[1] == 3 && w.kernel[2] == 3 &&
               w.dilation[1] == 1 && w.dilation[2] == 1;
#if !defined(MACE_ISA_AVX512)
  fused = fused && hi - lo >= 8;  // whole 8-output vectors, the last one overlapping
#endif
#endif
  for (int64_t oh = 0; oh < w.out[1]; ++oh) {
    float *yrow = y + oh * w.out[2];
    const int64_t f = taps.first_h[oh], l = taps.last_h[oh];
    if (f == l) {
      std::fill(yrow, yrow + w.out[2], -std::numeric_limits<float>::infinity());
      continue;
    }
    const int64_t ih0 = oh * w.stride[1] - w.pad_begin[1];
#if defined(MACE_ISA_AVX2)
    if (fused && f == 0 && l == 3) {  // all three rows inside the input
      const float *r0 = x + ih0 * in_w;
      FusedRowS2K3(r0, in_w, w.pad_begin[2], lo, hi, yrow);
      for (int64_t ow = 0; ow < w.out[2]; ++ow) {  // the border columns, straight from the rows
        if (ow == lo) ow = hi;
        if (ow >= w.out[2]) break;
        float best = -std::numeric_limits<float>::infinity();
        for (int64_t kw = taps.first_w[ow]; kw < taps.last_w[ow]; ++kw) {
          const int64_t col = ow * 2 - w.pad_begin[2] + kw;
          best = std::max(best, std::max(r0[col], std::max(r0[in_w + col], r0[2 * in_w + col])));
        }
        yrow[ow] = best;
      }
      continue;
    }
#endif
    ColumnMax(x + (ih0 + f * w.dilation[1]) * in_w, w.dilation[1] * in_w, l - f, in_w, colmax);
    if (w.stride[2] == 1) RowMax<1>(colmax, w, lo, hi, yrow);
    else if (w.stride[2] == 2) RowMax<2>(colmax, w, lo, hi, yrow);
    for (int64_t ow = 0; ow < w.out[2]; ++ow) {  // the border columns
      if (ow == lo) ow = hi;
      if (ow >= w.out[2]) break;
      const float *c = colmax + ow * w.stride[2] - w.pad_begin[2];
      float best = -std::numeric_limits<float>::infinity();
      for (int64_t kw = taps.first_w[ow]; kw < taps.last_w[ow]; ++kw) {
        const float v = c[kw * w.dilation[2]];
        best = v > best ? v : best;
      }
      yrow[ow] = best;
    }
  }
}

}  // namespace
}  // namespace max_pool
}  // namespace mace
