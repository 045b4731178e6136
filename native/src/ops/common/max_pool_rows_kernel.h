// The row-wise MaxPool loops of max_pool_rows.h, included once per instruction set inside an
// unnamed namespace (each file keeps its own copy, compiled for its set). No include guard.
#include <algorithm>
#include <cstdint>
#include <limits>

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

// Max over each window of one row of column maxima for the interior columns [lo, hi), tap by
// tap over the whole range: with the stride a constant these loops vectorise (stride 2 as
// even/odd de-interleaving), unlike a per-column loop over a variable tap count.
template <int S>
void RowMaxInterior(const float *colmax, const conv::Window3 &w, int64_t lo, int64_t hi, float *y) {
  const float *c = colmax - w.pad_begin[2];
  const int64_t d = w.dilation[2];
  for (int64_t ow = lo; ow < hi; ++ow) y[ow] = c[ow * S];
  for (int64_t kw = 1; kw < w.kernel[2]; ++kw) {
    const float *ck = c + kw * d;
    for (int64_t ow = lo; ow < hi; ++ow) y[ow] = ck[ow * S] > y[ow] ? ck[ow * S] : y[ow];
  }
}

void Plane2DRows(const float *x, const conv::Window3 &w, const Taps &taps, float *colmax, float *y) {
  const int64_t in_w = w.in[2];
  int64_t lo, hi;
  InteriorColumns(w, &lo, &hi);
  if (w.stride[2] > 2) lo = hi = w.out[2];  // other strides: the tap loop does every column
  for (int64_t oh = 0; oh < w.out[1]; ++oh) {
    float *yrow = y + oh * w.out[2];
    const int64_t f = taps.first_h[oh], l = taps.last_h[oh];
    if (f == l) {
      std::fill(yrow, yrow + w.out[2], -std::numeric_limits<float>::infinity());
      continue;
    }
    const int64_t ih0 = oh * w.stride[1] - w.pad_begin[1];
    const float *row0 = x + (ih0 + f * w.dilation[1]) * in_w;
    std::copy(row0, row0 + in_w, colmax);
    for (int64_t kh = f + 1; kh < l; ++kh) {
      const float *row = x + (ih0 + kh * w.dilation[1]) * in_w;
      for (int64_t i = 0; i < in_w; ++i) colmax[i] = row[i] > colmax[i] ? row[i] : colmax[i];
    }
    if (w.stride[2] == 1) RowMaxInterior<1>(colmax, w, lo, hi, yrow);
    else if (w.stride[2] == 2) RowMaxInterior<2>(colmax, w, lo, hi, yrow);
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
