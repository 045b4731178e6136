// The Winograd input and output transforms (winograd.h), compiled once per instruction set by
// winograd.cc, winograd_avx2.cc and winograd_avx512.cc. Everything sits in an unnamed
// namespace and uses no shared inline function or template (not even std::min), so each file
// keeps its own copy built for its instruction set (see depthwise.h).
//
// Both transforms work on kLanes tiles at once: a patch is gathered as [row][col][lane] and
// every 1-D transform is a loop over the lanes, which the compiler turns into vector code of
// whatever width the file is built for. V and M hold tiles contiguously, so their lanes are
// plain vector loads and stores; only the gather from X and the scatter into Y are scalar.
#ifndef MACE_OPS_COMMON_WINOGRAD_KERNEL_H_
#define MACE_OPS_COMMON_WINOGRAD_KERNEL_H_

#include "ops/common/winograd.h"

namespace mace {
namespace winograd {
namespace {

constexpr int kL = detail::kLanes;

inline int64_t Min64(int64_t a, int64_t b) { return a < b ? a : b; }

// The 1-D transforms compute into local arrays and then copy those out: with the output
// rows written straight through a runtime stride the compiler cannot rule out overlapping
// rows and leaves the lane loop scalar.

// Copies r rows of kL lanes from `out` to d[k*ds + l].
template <int R>
inline void StoreRows(const float (&out)[R][kL], float *__restrict d, int64_t ds) {
  for (int k = 0; k < R; ++k)
    for (int l = 0; l < kL; ++l) d[k * ds + l] = out[k][l];
}

// B^T along one dim: s[k*ss + l] (k < alpha) -> d[k*ds + l] (k < alpha), for kL lanes.
template <int M>
void InputRow(const float *__restrict s, int64_t ss, float *__restrict d, int64_t ds);

template <>
inline void InputRow<2>(const float *__restrict s, int64_t ss, float *__restrict d, int64_t ds) {
  float o[4][kL];
  for (int l = 0; l < kL; ++l) {
    const float d0 = s[l], d1 = s[ss + l], d2 = s[2 * ss + l], d3 = s[3 * ss + l];
    o[0][l] = d0 - d2;
    o[1][l] = d1 + d2;
    o[2][l] = d2 - d1;
    o[3][l] = d1 - d3;
  }
  StoreRows<4>(o, d, ds);
}

template <>
inline void InputRow<4>(const float *__restrict s, int64_t ss, float *__restrict d, int64_t ds) {
  float o[6][kL];
  for (int l = 0; l < kL; ++l) {
    const float d0 = s[l], d1 = s[ss + l], d2 = s[2 * ss + l], d3 = s[3 * ss + l],
                d4 = s[4 * ss + l], d5 = s[5 * ss + l];
    const float a = d4 - 4.f * d2, b = d3 - 4.f * d1;  // rows 1, 2 share these
    const float c = d4 - d2, e = 2.f * (d3 - d1);      // rows 3, 4 share these
    o[0][l] = 4.f * d0 - 5.f * d2 + d4;
    o[1][l] = a + b;
    o[2][l] = a - b;
    o[3][l] = c + e;
    o[4][l] = c - e;
    o[5][l] = 4.f * d1 - 5.f * d3 + d5;
  }
  StoreRows<6>(o, d, ds);
}

// A^T along one dim: s[k*ss + l] (k < alpha) -> d[k*ds + l] (k < m).
template <int M>
void OutputRow(const float *__restrict s, int64_t ss, float *__restrict d, int64_t ds);

template <>
inline void OutputRow<2>(const float *__restrict s, int64_t ss, float *__restrict d, int64_t ds) {
  float o[2][kL];
  for (int l = 0; l < kL; ++l) {
    const float s0 = s[l], s1 = s[ss + l], s2 = s[2 * ss + l], s3 = s[3 * ss + l];
    o[0][l] = s0 + s1 + s2;
    o[1][l] = s1 - s2 - s3;
  }
  StoreRows<2>(o, d, ds);
}

template <>
inline void OutputRow<4>(const float *__restrict s, int64_t ss, float *__restrict d, int64_t ds) {
  float o[4][kL];
  for (int l = 0; l < kL; ++l) {
    const float s0 = s[l], s1 = s[ss + l], s2 = s[2 * ss + l], s3 = s[3 * ss + l],
                s4 = s[4 * ss + l], s5 = s[5 * ss + l];
    const float p12 = s1 + s2, m12 = s1 - s2, p34 = s3 + s4, m34 = s3 - s4;
    o[0][l] = s0 + p12 + p34;
    o[1][l] = m12 + 2.f * m34;
    o[2][l] = p12 + 4.f * p34;
    o[3][l] = m12 + 8.f * m34 + s5;
  }
  StoreRows<4>(o, d, ds);
}

// The tiles of one lane group: where each starts in its image, and the image.
struct Lanes {
  int lanes;               // valid lanes (the rest are padding)
  int64_t image[kL];
  int64_t row[kL], col[kL];  // top-left output pixel of the tile
};

inline void LocateLanes(const detail::TileGrid &g, int M, int64_t first, int64_t count,
                        Lanes *ln) {
  const int64_t per_image = g.tiles_h * g.tiles_w;
  ln->lanes = static_cast<int>(Min64(kL, count));
  for (int l = 0; l < ln->lanes; ++l) {
    const int64_t t = first + l, r = t % per_image;
    ln->image[l] = t / per_image;
    ln->row[l] = (r / g.tiles_w) * M;
    ln->col[l] = (r % g.tiles_w) * M;
  }
}

template <int M>
void InputTransform(const detail::InputJob &j) {
  constexpr int A = M + 2;
  const detail::TileGrid &g = j.grid;
  const int64_t plane = g.in_h * g.in_w;
  alignas(64) float d[A * A * kL];
  alignas(64) float t[A * A * kL];
  Lanes ln;
  for (int64_t g0 = 0; g0 < j.nt; g0 += kL) {
    LocateLanes(g, M, j.t0 + g0, j.nt - g0, &ln);
    for (int64_t c = 0; c < j.channels; ++c) {
      // Gather the patches (zero outside the image and for padding lanes).
      for (int l = 0; l < kL; ++l) {
        if (l >= ln.lanes) {
          for (int q = 0; q < A * A; ++q) d[q * kL + l] = 0.f;
          continue;
        }
        const int64_t y0 = ln.row[l] - g.pad_t, x0 = ln.col[l] - g.pad_l;
        const float *xc = j.x + (ln.image[l] * j.channels + c) * plane;
        if (y0 >= 0 && x0 >= 0 && y0 + A <= g.in_h && x0 + A <= g.in_w) {
          const float *p = xc + y0 * g.in_w + x0;
          for (int i = 0; i < A; ++i)
            for (int k = 0; k < A; ++k) d[(i * A + k) * kL + l] = p[i * g.in_w + k];
        } else {
          for (int i = 0; i < A; ++i) {
            const int64_t yy = y0 + i;
            const bool row_in = yy >= 0 && yy < g.in_h;
            for (int k = 0; k < A; ++k) {
              const int64_t xx = x0 + k;
              d[(i * A + k) * kL + l] =
                  row_in && xx >= 0 && xx < g.in_w ? xc[yy * g.in_w + xx] : 0.f;
            }
          }
        }
      }
      // Along each patch row, then along the columns straight into V (e = row * A + col).
      for (int i = 0; i < A; ++i) InputRow<M>(d + i * A * kL, kL, t + i * A * kL, kL);
      float *v = j.v + c * j.v_ld + g0;
      for (int k = 0; k < A; ++k)
        InputRow<M>(t + k * kL, A * kL, v + k * j.v_estride, A * j.v_estride);
    }
  }
}

template <int M>
void OutputTransform(const detail::OutputJob &j) {
  constexpr int A = M + 2;
  const detail::TileGrid &g = j.grid;
  const int64_t out_plane = g.out_h * g.out_w;
  alignas(64) float t[A * M * kL];
  alignas(64) float r[M * M * kL];
  const ActivationType act = j.act.type;
  const float lo = j.act.type == ActivationType::RELU ? 0.f : j.act.alpha, hi = j.act.beta;
  // A few lane groups per pass over the output channels: M is then read along its rows
  // (consecutive tiles) rather than one 64-byte piece per row of alpha^2 matrices.
  constexpr int kGroups = 4;
  Lanes lanes[kGroups];
  for (int64_t b0 = 0; b0 < j.nt; b0 += kGroups * kL) {
    const int groups = static_cast<int>(Min64(kGroups, (j.nt - b0 + kL - 1) / kL));
    for (int q = 0; q < groups; ++q)
      LocateLanes(g, M, j.t0 + b0 + q * kL, j.nt - b0 - q * kL, &lanes[q]);
    for (int64_t oq = 0; oq < j.rows * groups; ++oq) {
      const int64_t o = oq / groups;
      const int q = static_cast<int>(oq % groups);
      if (q == 0 && o + 1 < j.rows) {
        // The next channel's rows of all alpha^2 matrices: too many streams for the
        // hardware prefetcher.
        const float *next = j.mm + (o + 1) * j.m_ld + b0;
        for (int e = 0; e < A * A; ++e)
          for (int q2 = 0; q2 < groups; ++q2) __builtin_prefetch(next + e * j.m_estride + q2 * kL);
      }
      const Lanes &ln = lanes[q];
      const int64_t g0 = b0 + q * kL;
      const float *s = j.mm + o * j.m_ld + g0;
      for (int i = 0; i < A; ++i)
        OutputRow<M>(s + i * A * j.m_estride, j.m_estride, t + i * M * kL, kL);
      for (int k = 0; k < M; ++k) OutputRow<M>(t + k * kL, M * kL, r + k * kL, M * kL);
      const float b = j.bias ? j.bias[j.o0 + o] : 0.f;
      if (act == ActivationType::RELU || act == ActivationType::CLIP) {
        const float top = act == ActivationType::RELU ? __builtin_huge_valf() : hi;
        for (int p = 0; p < M * M * kL; ++p) {
          const float v = r[p] + b;
          r[p] = v < lo ? lo : (v > top ? top : v);
        }
      } else {
        for (int p = 0; p < M * M * kL; ++p) r[p] += b;
        if (act != ActivationType::NONE)
          for (int p = 0; p < M * M * kL; ++p) r[p] = j.act.Apply(r[p]);
      }
      float *yo = j.y + (j.o0 + o) * out_plane;
      for (int l0 = 0; l0 < ln.lanes;) {
        float *dst = yo + ln.image[l0] * j.cout * out_plane + ln.row[l0] * g.out_w + ln.col[l0];
        const int64_t vh = Min64(M, g.out_h - ln.row[l0]);
        // A run of whole-width tiles side by side in one tile row: each output row of the run
        // is one contiguous span (an interleaving store the compiler vectorises).
        int l1 = l0;
        while (l1 < ln.lanes && ln.image[l1] == ln.image[l0] && ln.row[l1] == ln.row[l0] &&
               ln.col[l1] + M <= g.out_w)
          ++l1;
        if (l1 > l0) {
          const int run = l1 - l0;
          for (int64_t i = 0; i < vh; ++i) {
            float *__restrict drow = dst + i * g.out_w;
            const float *src = r + i * M * kL + l0;
            for (int l = 0; l < run; ++l)
              for (int k = 0; k < M; ++k) drow[l * M + k] = src[k * kL + l];
          }
          l0 = l1;
          continue;
        }
        const int64_t vw = Min64(M, g.out_w - ln.col[l0]);  // the partial tile at a row end
        for (int64_t i = 0; i < vh; ++i)
          for (int64_t k = 0; k < vw; ++k) dst[i * g.out_w + k] = r[(i * M + k) * kL + l0];
        ++l0;
      }
    }
  }
}

inline void RunInput(const detail::InputJob &j) {
  if (j.m == 2) InputTransform<2>(j);
  else InputTransform<4>(j);
}

inline void RunOutput(const detail::OutputJob &j) {
  if (j.m == 2) OutputTransform<2>(j);
  else OutputTransform<4>(j);
}

}  // namespace
}  // namespace winograd
}  // namespace mace

#endif  // MACE_OPS_COMMON_WINOGRAD_KERNEL_H_
