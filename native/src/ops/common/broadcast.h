// Numpy-style (ONNX multidirectional) broadcasting for element-wise ops: the output shape
// of several operands, and a plan that walks the output in contiguous segments giving each
// operand's element offset. Dims of size 1 are dropped and adjacent dims that every operand
// treats alike are merged, so same-shape, scalar and trailing-vector operands reduce to one
// or two flat loops whose inner stride per operand is 0 (broadcast) or 1 (contiguous).
#ifndef MACE_OPS_COMMON_BROADCAST_H_
#define MACE_OPS_COMMON_BROADCAST_H_

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "ops/common/elementwise.h"

namespace mace {

// The numpy-broadcast shape of `shapes`; InvalidArgs naming the clashing dims otherwise.
MaceStatus BroadcastShapes(const std::vector<Shape> &shapes, Shape *out);

// Whether `from` broadcasts unidirectionally to `to` (ONNX: `to` keeps its shape).
bool BroadcastsTo(const Shape &from, const Shape &to);

class BroadcastPlan {
 public:
  // Plans the walk of the broadcast output of `shapes` (one per operand).
  MaceStatus Init(const std::vector<Shape> &shapes);
  // Two operands; keeps the current plan (no allocation) when the shapes are unchanged.
  MaceStatus Init(const Shape &a, const Shape &b);

  const Shape &out_shape() const { return out_shape_; }
  int64_t out_size() const { return out_size_; }
  int num_operands() const { return num_operands_; }
  // Length of the innermost merged dim: every segment lies within one such row.
  int64_t inner_size() const { return dims_.back(); }
  // 1 when operand k advances one element per output element in a segment, 0 when it
  // stays on one element (broadcast along the inner dim).
  int64_t inner_stride(int k) const { return strides_[k * rank_ + rank_ - 1]; }
  // True when every operand already has the output's shape.
  bool all_same_shape() const { return all_same_; }

  // Calls fn(out_offset, count, in_offsets) for consecutive segments covering the output
  // elements [begin, end); in_offsets[k] is operand k's element offset at the segment start.
  template <typename Fn>
  void ForEachSegment(int64_t begin, int64_t end, Fn &&fn) const;

 private:
  std::vector<Shape> shapes_;  // the operand shapes planned for
  Shape out_shape_;
  int64_t out_size_ = 0;
  int num_operands_ = 0;
  int rank_ = 0;                  // merged dims
  std::vector<int64_t> dims_;     // merged output dims
  std::vector<int64_t> strides_;  // [operand][merged dim], 0 where broadcast
  bool all_same_ = false;
};

template <typename Fn>
void BroadcastPlan::ForEachSegment(int64_t begin, int64_t end, Fn &&fn) const {
  if (begin >= end) return;
  const int n = num_operands_;
  const int outer_rank = rank_ - 1;
  const int64_t inner = dims_[rank_ - 1];
  // Small fixed buffers: index over the outer dims, each operand's row base and offset.
  constexpr int kStack = 8;
  int64_t idx_stack[kStack], base_stack[kStack], off_stack[kStack];
  std::vector<int64_t> idx_heap, base_heap, off_heap;
  int64_t *idx = idx_stack, *base = base_stack, *off = off_stack;
  if (outer_rank > kStack) {
    idx_heap.resize(outer_rank);
    idx = idx_heap.data();
  }
  if (n > kStack) {
    base_heap.resize(n);
    off_heap.resize(n);
    base = base_heap.data();
    off = off_heap.data();
  }
  int64_t row = begin / inner, col = begin % inner;
  for (int d = outer_rank - 1; d >= 0; --d) {
    idx[d] = row % dims_[d];
    row /= dims_[d];
  }
  for (int k = 0; k < n; ++k) {
    int64_t b = 0;
    for (int d = 0; d < outer_rank; ++d) b += idx[d] * strides_[k * rank_ + d];
    base[k] = b;
  }
  int64_t pos = begin;
  while (pos < end) {
    int64_t count = std::min(inner - col, end - pos);
    for (int k = 0; k < n; ++k) off[k] = base[k] + col * strides_[k * rank_ + rank_ - 1];
    fn(pos, count, static_cast<const int64_t *>(off));
    pos += count;
    col = 0;
    if (pos >= end) break;
    for (int d = outer_rank - 1; d >= 0; --d) {
      if (++idx[d] < dims_[d]) {
        for (int k = 0; k < n; ++k) base[k] += strides_[k * rank_ + d];
        break;
      }
      idx[d] = 0;
      for (int k = 0; k < n; ++k) base[k] -= strides_[k * rank_ + d] * (dims_[d] - 1);
    }
  }
}

// y = f(a, b) element-wise over a two-operand plan (operand 0 = a, operand 1 = b), split over
// the thread pool. The inner loops are specialised for contiguous and broadcast operands.
// `a` may alias `y` when a has the output's shape (in-place accumulation).
template <typename TA, typename TB, typename TY, typename F>
void BroadcastBinary(OpContext *ctx, const BroadcastPlan &plan, const TA *a, const TB *b, TY *y,
                     int64_t min_chunk, F f) {
  const bool vec_a = plan.inner_stride(0) != 0, vec_b = plan.inner_stride(1) != 0;
  ParallelRange(ctx, 0, plan.out_size(), min_chunk, [&](int64_t begin, int64_t end) {
    plan.ForEachSegment(begin, end, [&](int64_t o, int64_t n, const int64_t *off) {
      const TA *pa = a + off[0];
      const TB *pb = b + off[1];
      TY *py = y + o;
      if (vec_a && vec_b) {
        for (int64_t i = 0; i < n; ++i) py[i] = f(pa[i], pb[i]);
      } else if (vec_a) {
        const TB sb = *pb;
        for (int64_t i = 0; i < n; ++i) py[i] = f(pa[i], sb);
      } else if (vec_b) {
        const TA sa = *pa;
        for (int64_t i = 0; i < n; ++i) py[i] = f(sa, pb[i]);
      } else {
        const TY v = f(*pa, *pb);
        for (int64_t i = 0; i < n; ++i) py[i] = v;
      }
    });
  });
}

}  // namespace mace

#endif  // MACE_OPS_COMMON_BROADCAST_H_
