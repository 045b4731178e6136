// Dispatch of the row-wise MaxPool (max_pool_rows.h) and its baseline build (SSE2 / NEON).
#include "ops/common/max_pool_rows.h"

#include "ops/common/max_pool_rows_kernel.h"

namespace mace {
namespace max_pool {

namespace detail {
void Plane2DGeneric(const float *x, const conv::Window3 &w, const Taps &taps, float *colmax,
                    float *y) {
  Plane2DRows(x, w, taps, colmax, y);
}
#if !defined(__x86_64__)
void Plane2DAvx2(const float *x, const conv::Window3 &w, const Taps &taps, float *colmax,
                 float *y) {
  Plane2DRows(x, w, taps, colmax, y);
}
void Plane2DAvx512(const float *x, const conv::Window3 &w, const Taps &taps, float *colmax,
                   float *y) {
  Plane2DRows(x, w, taps, colmax, y);
}
#endif
}  // namespace detail

void Plane2D(Isa isa, const float *x, const conv::Window3 &w, const Taps &taps, float *colmax,
             float *y) {
  if (isa >= Isa::kAvx512) detail::Plane2DAvx512(x, w, taps, colmax, y);
  else if (isa >= Isa::kAvx2) detail::Plane2DAvx2(x, w, taps, colmax, y);
  else detail::Plane2DGeneric(x, w, taps, colmax, y);
}

}  // namespace max_pool
}  // namespace mace
