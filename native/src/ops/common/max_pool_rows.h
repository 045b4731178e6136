// Float MaxPool without Indices over a 2-D (or 1-D) window, row by row, e.g. squeezenet's
// 3x3 stride-2 ceil_mode pools: per output row, first the max over the window's input rows,
// column by column, then the max over each window's columns of that row: K + K comparisons
// per output instead of K*K with index bookkeeping, in loops the compiler vectorises. The
// loops (max_pool_rows_kernel.h) are compiled once per instruction set, like the depthwise
// kernels: AVX2 / AVX-512 in their own files, the baseline (SSE2, NEON) in max_pool_rows.cc.
#ifndef MACE_OPS_COMMON_MAX_POOL_ROWS_H_
#define MACE_OPS_COMMON_MAX_POOL_ROWS_H_

#include <cstdint>

#include "core/cpu_features.h"
#include "ops/common/conv_util.h"

namespace mace {
namespace max_pool {

// Per output row / column, the kernel taps [first, last) that read inside the input.
struct Taps {
  const int64_t *first_h, *last_h, *first_w, *last_w;
};

// One plane: y[out_h * out_w] from x[in_h * in_w]; `colmax` holds in_w floats of scratch.
// A window inside the padding only gives -inf (as ONNX's MaxPool reference).
void Plane2D(Isa isa, const float *x, const conv::Window3 &w, const Taps &taps, float *colmax,
             float *y);

namespace detail {
// Entry points per instruction set (see depthwise.h on why each lives in its own file).
void Plane2DGeneric(const float *x, const conv::Window3 &w, const Taps &taps, float *colmax,
                    float *y);
void Plane2DAvx2(const float *x, const conv::Window3 &w, const Taps &taps, float *colmax,
                 float *y);
void Plane2DAvx512(const float *x, const conv::Window3 &w, const Taps &taps, float *colmax,
                   float *y);
}  // namespace detail

}  // namespace max_pool
}  // namespace mace

#endif  // MACE_OPS_COMMON_MAX_POOL_ROWS_H_
