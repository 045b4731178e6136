// Type-agnostic element copies for the data-movement ops (Transpose, Slice, Expand, Tile,
// DepthToSpace, Concat, ...). Elements are moved by size (1, 2, 4 or 8 bytes), so one kernel
// serves float32, int64, int32, bool and uint8 tensors alike.
#ifndef MACE_OPS_COMMON_STRIDED_COPY_H_
#define MACE_OPS_COMMON_STRIDED_COPY_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "core/thread_pool.h"

namespace mace {
namespace dm {

// Maps an axis in [-rank, rank) to [0, rank); false when it is out of range.
inline bool NormalizeAxis(int64_t axis, int64_t rank, int64_t *out) {
  if (axis < -rank || axis >= rank) return false;
  *out = axis < 0 ? axis + rank : axis;
  return true;
}

// Runs fn over [begin, end) on the pool (inline when there is none or the range is small).
template <typename Fn>
void ParallelFor(ThreadPool *pool, int64_t begin, int64_t end, int64_t min_chunk, const Fn &fn) {
  if (pool == nullptr || end - begin <= min_chunk) {
    if (end > begin) fn(begin, end);
    return;
  }
  pool->ParallelFor(begin, end, min_chunk, fn);
}

// Row-major strides (in elements) of a dense tensor of `shape`.
std::vector<int64_t> DenseStrides(const Shape &shape);

// Writes the dense row-major tensor `dst` of `shape` whose element at multi-index i is
// src[sum_d i[d] * src_strides[d]]; strides are in elements and may be 0 (broadcast) or
// negative (reversed). `src` points at the source element of index (0, ..., 0). The caller
// guarantees that every addressed source element is in bounds. Size-1 and contiguous
// dimensions are merged first; a transpose-like pattern is copied in cache-friendly tiles.
void StridedCopy(ThreadPool *pool, size_t elem_size, void *dst, const void *src,
                 const Shape &shape, const std::vector<int64_t> &src_strides);

// Copies `count` blocks of `block_bytes` bytes: block i goes from src + i*src_pitch to
// dst + i*dst_pitch (pitches in bytes). Used by Concat/Split/Gather-like row copies.
void CopyBlocks(ThreadPool *pool, void *dst, int64_t dst_pitch, const void *src, int64_t src_pitch,
                int64_t block_bytes, int64_t count);

// memcpy of `bytes` bytes, split over the pool when large.
void CopyBytes(ThreadPool *pool, void *dst, const void *src, int64_t bytes);

// Fills `count` elements of `elem_size` bytes at dst with the element at `value`.
void FillElements(void *dst, const void *value, size_t elem_size, int64_t count);

}  // namespace dm
}  // namespace mace

#endif  // MACE_OPS_COMMON_STRIDED_COPY_H_
