// Numpy-style broadcasting: output shape and the merged-dimension walk plan (broadcast.h).
#include "ops/common/broadcast.h"

namespace mace {

MaceStatus BroadcastShapes(const std::vector<Shape> &shapes, Shape *out) {
  size_t rank = 0;
  for (const Shape &s : shapes) rank = std::max(rank, s.size());
  Shape result(rank, 1);
  for (size_t a = 0; a < rank; ++a) {  // a counts from the last dim
    int64_t dim = 1;
    for (const Shape &s : shapes) {
      if (a >= s.size()) continue;
      int64_t d = s[s.size() - 1 - a];
      if (d < 0) return InvalidArgs("negative dimension in shape ", ShapeToString(s));
      if (d == 1) continue;
      if (dim != 1 && d != dim) {
        std::string list;
        for (size_t i = 0; i < shapes.size(); ++i) list += (i ? " and " : "") + ShapeToString(shapes[i]);
        return InvalidArgs("shapes ", list, " cannot be broadcast together (dimension ", dim,
                           " vs ", d, " at axis -", a + 1, ")");
      }
      dim = d;
    }
    result[rank - 1 - a] = dim;
  }
  *out = std::move(result);
  return MaceStatus::MACE_SUCCESS;
}

bool BroadcastsTo(const Shape &from, const Shape &to) {
  if (from.size() > to.size()) return false;
  for (size_t a = 0; a < from.size(); ++a) {
    int64_t f = from[from.size() - 1 - a], t = to[to.size() - 1 - a];
    if (f != 1 && f != t) return false;
  }
  return true;
}

MaceStatus BroadcastPlan::Init(const Shape &a, const Shape &b) {
  if (shapes_.size() == 2 && shapes_[0] == a && shapes_[1] == b) return MaceStatus::MACE_SUCCESS;
  return Init(std::vector<Shape>{a, b});
}

MaceStatus BroadcastPlan::Init(const std::vector<Shape> &shapes) {
  shapes_.clear();
  MACE_RETURN_IF_ERROR(BroadcastShapes(shapes, &out_shape_));
  MACE_RETURN_IF_ERROR(ElementCount(out_shape_, &out_size_));
  num_operands_ = static_cast<int>(shapes.size());
  const int n = num_operands_;
  const size_t rank = out_shape_.size();
  all_same_ = true;
  for (const Shape &s : shapes) all_same_ = all_same_ && s == out_shape_;

  // Merge output dims (skipping size-1 ones) while every operand either spans them fully
  // or broadcasts along all of them.
  std::vector<int64_t> dims;
  std::vector<std::vector<char>> full;  // [merged dim][operand]
  for (size_t a = 0; a < rank; ++a) {
    int64_t d = out_shape_[a];
    if (d == 1) continue;
    std::vector<char> kinds(n);
    for (int k = 0; k < n; ++k) {
      const Shape &s = shapes[k];
      size_t pad = rank - s.size();
      int64_t in_d = a < pad ? 1 : s[a - pad];
      kinds[k] = in_d == d ? 1 : 0;
    }
    if (!dims.empty() && full.back() == kinds) {
      dims.back() *= d;
    } else {
      dims.push_back(d);
      full.push_back(kinds);
    }
  }
  if (dims.empty()) {
    dims.push_back(1);
    full.push_back(std::vector<char>(n, 1));
  }
  rank_ = static_cast<int>(dims.size());
  dims_ = dims;
  strides_.assign(static_cast<size_t>(n) * rank_, 0);
  for (int k = 0; k < n; ++k) {
    int64_t stride = 1;
    for (int d = rank_ - 1; d >= 0; --d) {
      if (full[d][k]) {
        strides_[k * rank_ + d] = stride;
        stride *= dims_[d];
      }
    }
  }
  shapes_ = shapes;
  return MaceStatus::MACE_SUCCESS;
}

}  // namespace mace
