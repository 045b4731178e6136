// ReduceSum, ReduceMean, ReduceMax, ReduceMin in their ONNX opset-18 form: `axes` as the
// optional int64 input 1 (absent or empty = every axis, or identity with
// noop_with_empty_axes = 1), `keepdims` (default 1), negative axes. float32, int32, int64;
// float sums accumulate in double, integer sums wrap. Reducing an empty set gives Sum 0,
// Mean NaN (integers 0), Max -inf (integers: lowest), Min +inf (integers: highest). A NaN
// makes Max/Min NaN. An `axes` argument is also read when input 1 is absent.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/op_registry.h"
#include "ops/common/elementwise.h"
#include "ops/common/numeric_cast.h"

namespace mace {

namespace {

enum class ReduceKind { SUM, MEAN, MAX, MIN };

ReduceKind ReduceKindOf(const std::string &type) {
  if (type == "ReduceSum") return ReduceKind::SUM;
  if (type == "ReduceMean") return ReduceKind::MEAN;
  if (type == "ReduceMax") return ReduceKind::MAX;
  return ReduceKind::MIN;
}

template <typename T>
inline bool IsNan(T v) {
  if constexpr (std::is_floating_point<T>::value) {
    return std::isnan(v);
  } else {
    return false;
  }
}

// Accumulator of one reduction kind over element type T.
template <typename T, ReduceKind K>
struct Reducer {
  static constexpr bool kSums = K == ReduceKind::SUM || K == ReduceKind::MEAN;
  using Acc = typename std::conditional<
      kSums, typename std::conditional<std::is_floating_point<T>::value, double, int64_t>::type,
      T>::type;

  static Acc Init() {
    if constexpr (kSums) {
      return 0;
    } else if constexpr (K == ReduceKind::MAX) {
      return std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                  : std::numeric_limits<T>::lowest();
    } else {
      return std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity()
                                                  : std::numeric_limits<T>::max();
    }
  }
  static Acc Add(Acc acc, T v) {
    if constexpr (kSums) {
      if constexpr (std::is_floating_point<T>::value) {
        return acc + static_cast<double>(v);
      } else {
        return WrapAdd<int64_t>(acc, static_cast<int64_t>(v));
      }
    } else if constexpr (K == ReduceKind::MAX) {
      return (v > acc || IsNan(v)) ? v : acc;  // a NaN wins and stays
    } else {
      return (v < acc || IsNan(v)) ? v : acc;
    }
  }
  static T Finish(Acc acc, int64_t count) {
    if constexpr (K == ReduceKind::MEAN) {
      if constexpr (std::is_floating_point<T>::value) {
        return static_cast<T>(count == 0 ? std::numeric_limits<double>::quiet_NaN()
                                         : acc / static_cast<double>(count));
      } else {
        return static_cast<T>(count == 0 ? 0 : acc / count);
      }
    } else {
      return static_cast<T>(acc);
    }
  }
};

// Merged dims of the input: runs of adjacent dims (size-1 dims dropped) that are all
// reduced or all kept.
struct DimGroup {
  int64_t size;
  int64_t stride;  // input elements
  bool reduced;
};

}  // namespace

class ReduceOp : public Operation {
 public:
  ReduceOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : Operation(def, std::move(inputs), std::move(outputs)), kind_(ReduceKindOf(def.type)) {
    keepdims_ = GetInt("keepdims", 1) != 0;
    noop_with_empty_axes_ = GetInt("noop_with_empty_axes", 0) != 0;
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "input data is required");
    Tensor *y = Output(0);
    MACE_ENSURE(y != nullptr, Where(), "output is required");
    const DataType dt = x->dtype();
    MACE_ENSURE(dt == DataType::DT_FLOAT || dt == DataType::DT_INT64 || dt == DataType::DT_INT32,
                Where(), "input has type ", DataTypeName(dt), "; supported: float32, int32, int64");
    std::vector<int64_t> axes;
    if (Input(1) != nullptr) {
      MACE_RETURN_IF_ERROR(ReadIntInput(1, &axes));
    } else {
      axes = GetInts("axes");
    }
    const int rank = x->ndim();
    if (axes.empty() && noop_with_empty_axes_) {
      MACE_RETURN_IF_ERROR(y->Resize(x->shape(), dt));
      if (x->bytes()) std::memcpy(y->raw_mutable_data(), x->raw_data(), x->bytes());
      return MaceStatus::MACE_SUCCESS;
    }
    std::vector<bool> reduced(rank, axes.empty());
    for (int64_t a : axes) {
      MACE_ENSURE(a >= -rank && a < rank, Where(), "axis ", a, " is out of range for input of rank ",
                  rank);
      int64_t na = a < 0 ? a + rank : a;
      MACE_ENSURE(!reduced[na], Where(), "axis ", a, " is given twice");
      reduced[na] = true;
    }
    Shape out_shape;
    int64_t count = 1;
    for (int d = 0; d < rank; ++d) {
      if (reduced[d]) {
        count *= x->dim(d);
        if (keepdims_) out_shape.push_back(1);
      } else {
        out_shape.push_back(x->dim(d));
      }
    }
    MACE_RETURN_IF_ERROR(y->Resize(out_shape, dt));
    switch (dt) {
      case DataType::DT_FLOAT: return Dispatch<float>(ctx, x, y, reduced, count);
      case DataType::DT_INT64: return Dispatch<int64_t>(ctx, x, y, reduced, count);
      default: return Dispatch<int32_t>(ctx, x, y, reduced, count);
    }
  }

 private:
  template <typename T>
  MaceStatus Dispatch(OpContext *ctx, const Tensor *x, Tensor *y, const std::vector<bool> &reduced,
                      int64_t count) {
    switch (kind_) {
      case ReduceKind::SUM: Reduce<T, ReduceKind::SUM>(ctx, x, y, reduced, count); break;
      case ReduceKind::MEAN: Reduce<T, ReduceKind::MEAN>(ctx, x, y, reduced, count); break;
      case ReduceKind::MAX: Reduce<T, ReduceKind::MAX>(ctx, x, y, reduced, count); break;
      case ReduceKind::MIN: Reduce<T, ReduceKind::MIN>(ctx, x, y, reduced, count); break;
    }
    return MaceStatus::MACE_SUCCESS;
  }

  template <typename T, ReduceKind K>
  void Reduce(OpContext *ctx, const Tensor *x, Tensor *y, const std::vector<bool> &reduced,
              int64_t count) {
    using R = Reducer<T, K>;
    using Acc = typename R::Acc;
    const int64_t out_size = y->size();
    T *out = y->mutable_data<T>();
    if (out_size == 0) return;
    if (count == 0) {  // empty reduction: the identity everywhere
      const T v = R::Finish(R::Init(), 0);
      for (int64_t i = 0; i < out_size; ++i) out[i] = v;
      return;
    }
    const T *in = x->data<T>();

    std::vector<DimGroup> groups;
    for (int d = 0; d < x->ndim(); ++d) {
      if (x->dim(d) == 1) continue;
      if (!groups.empty() && groups.back().reduced == reduced[d]) {
        groups.back().size *= x->dim(d);
      } else {
        groups.push_back({x->dim(d), 0, reduced[d]});
      }
    }
    if (groups.empty()) groups.push_back({1, 0, false});
    int64_t stride = 1;
    for (int g = static_cast<int>(groups.size()) - 1; g >= 0; --g) {
      groups[g].stride = stride;
      stride *= groups[g].size;
    }
    std::vector<DimGroup> kept, red;
    for (const DimGroup &g : groups) (g.reduced ? red : kept).push_back(g);

    const int64_t min_chunk = std::max<int64_t>(1, kCheapOpChunk / count);
    if (!groups.back().reduced) {
      // Last merged dim kept: output rows of K contiguous columns; every reduced position
      // adds a contiguous run of input to a block of column accumulators.
      const int64_t row_len = kept.back().size;
      kept.pop_back();
      ParallelRange(ctx, 0, out_size, min_chunk, [&](int64_t begin, int64_t end) {
        constexpr int64_t kBlock = 256;
        Acc acc[kBlock];
        std::vector<int64_t> ridx(red.size());
        int64_t pos = begin;
        while (pos < end) {
          const int64_t row = pos / row_len, col = pos % row_len;
          const int64_t w = std::min({row_len - col, end - pos, kBlock});
          int64_t base = col, rem = row;
          for (int g = static_cast<int>(kept.size()) - 1; g >= 0; --g) {
            base += (rem % kept[g].size) * kept[g].stride;
            rem /= kept[g].size;
          }
          for (int64_t j = 0; j < w; ++j) acc[j] = R::Init();
          std::fill(ridx.begin(), ridx.end(), 0);
          int64_t roff = 0;
          for (int64_t it = 0; it < count; ++it) {
            const T *p = in + base + roff;
            for (int64_t j = 0; j < w; ++j) acc[j] = R::Add(acc[j], p[j]);
            for (int g = static_cast<int>(red.size()) - 1; g >= 0; --g) {
              if (++ridx[g] < red[g].size) {
                roff += red[g].stride;
                break;
              }
              ridx[g] = 0;
              roff -= red[g].stride * (red[g].size - 1);
            }
          }
          for (int64_t j = 0; j < w; ++j) out[pos + j] = R::Finish(acc[j], count);
          pos += w;
        }
      });
    } else {
      // Last merged dim reduced: each output element reduces contiguous runs of length L.
      const int64_t L = red.back().size;
      red.pop_back();
      const int64_t runs = count / L;
      ParallelRange(ctx, 0, out_size, min_chunk, [&](int64_t begin, int64_t end) {
        std::vector<int64_t> ridx(red.size());
        for (int64_t o = begin; o < end; ++o) {
          int64_t base = 0, rem = o;
          for (int g = static_cast<int>(kept.size()) - 1; g >= 0; --g) {
            base += (rem % kept[g].size) * kept[g].stride;
            rem /= kept[g].size;
          }
          Acc acc = R::Init();
          std::fill(ridx.begin(), ridx.end(), 0);
          int64_t roff = 0;
          for (int64_t it = 0; it < runs; ++it) {
            const T *p = in + base + roff;
            if constexpr (R::kSums && std::is_floating_point<T>::value) {
              // Four partial sums break the dependency chain of one long double sum.
              double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
              int64_t i = 0;
              for (; i + 4 <= L; i += 4) {
                s0 += p[i];
                s1 += p[i + 1];
                s2 += p[i + 2];
                s3 += p[i + 3];
              }
              for (; i < L; ++i) s0 += p[i];
              acc += (s0 + s1) + (s2 + s3);
            } else {
              for (int64_t i = 0; i < L; ++i) acc = R::Add(acc, p[i]);
            }
            for (int g = static_cast<int>(red.size()) - 1; g >= 0; --g) {
              if (++ridx[g] < red[g].size) {
                roff += red[g].stride;
                break;
              }
              ridx[g] = 0;
              roff -= red[g].stride * (red[g].size - 1);
            }
          }
          out[o] = R::Finish(acc, count);
        }
      });
    }
  }

  ReduceKind kind_;
  bool keepdims_ = true;
  bool noop_with_empty_axes_ = false;
};

MACE_OP_REGISTRAR(Reduce) {
  for (const char *type : {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin"}) {
    MACE_REGISTER_CPU_OP(registry, type, ReduceOp, DataType::DT_INVALID);
  }
}

}  // namespace mace
