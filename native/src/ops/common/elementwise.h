// Helpers shared by element-wise ops: split a flat loop over the thread pool, and apply a
// scalar function to every element of a tensor.
#ifndef MACE_OPS_COMMON_ELEMENTWISE_H_
#define MACE_OPS_COMMON_ELEMENTWISE_H_

#include <cstdint>
#include <functional>

#include "core/op.h"

namespace mace {

// Elements per chunk below which a loop stays on one thread: cheap arithmetic and
// transcendental functions respectively. Cheap loops split from 8192 elements: the op before
// left half its output in the other core's cache, and one thread reading all of it was slower
// than at 1 thread (mobilenet_v3_small's squeeze-excite Mul, 28K elements: 10 -> 5-6.5 us at
// 2 threads; whole model 0.955 of 1 << 15, paired runs on Zen 4).
constexpr int64_t kCheapOpChunk = 1 << 12;
constexpr int64_t kCostlyOpChunk = 1 << 12;

// Runs fn(begin, end) over [begin, end) on the context's pool (or inline without one).
inline void ParallelRange(OpContext *ctx, int64_t begin, int64_t end, int64_t min_chunk,
                          const std::function<void(int64_t, int64_t)> &fn) {
  if (end <= begin) return;
  if (ctx == nullptr || ctx->thread_pool == nullptr || end - begin <= min_chunk) {
    fn(begin, end);
    return;
  }
  ctx->thread_pool->ParallelFor(begin, end, min_chunk, fn);
}

// y[i] = f(x[i]) for i in [0, n).
template <typename TIn, typename TOut, typename F>
void MapElements(OpContext *ctx, const TIn *x, TOut *y, int64_t n, int64_t min_chunk, F f) {
  ParallelRange(ctx, 0, n, min_chunk, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) y[i] = f(x[i]);
  });
}

}  // namespace mace

#endif  // MACE_OPS_COMMON_ELEMENTWISE_H_
