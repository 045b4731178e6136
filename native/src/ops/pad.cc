// Pad (ONNX Pad-21): pads a tensor of any element type. Inputs: data, pads (int64,
// [begin_0.., end_0..] for every axis or for the given `axes`), optional constant_value (a
// scalar of data's type), optional axes. Modes: constant, reflect, edge, wrap. Negative pads
// crop: the input is cropped first, then reflect/edge/wrap refer to the cropped tensor.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/pad_util.h"
#include "ops/common/strided_copy.h"

namespace mace {
namespace {

using pad::PadMode;

// Output rows (all dims but the last) [r0, r1). maps[d][o] is the source index along d of
// output index o, or -1 for the padding value.
template <typename T>
void PadRows(T *dst, const T *src, const Shape &out_shape, const std::vector<int64_t> &in_strides,
             const std::vector<std::vector<int64_t>> &maps, int64_t inner_lo, int64_t inner_hi,
             T value, int64_t r0, int64_t r1) {
  const int nd = static_cast<int>(out_shape.size());
  const int64_t inner = out_shape[nd - 1];
  const std::vector<int64_t> &imap = maps[nd - 1];
  std::vector<int64_t> idx(nd, 0);
  int64_t rem = r0;
  for (int d = nd - 2; d >= 0; --d) {
    idx[d] = rem % out_shape[d];
    rem /= out_shape[d];
  }
  for (int64_t r = r0; r < r1; ++r) {
    T *out = dst + r * inner;
    int64_t base = 0;
    bool inside = true;
    for (int d = 0; d < nd - 1; ++d) {
      const int64_t s = maps[d][idx[d]];
      if (s < 0) {
        inside = false;
        break;
      }
      base += s * in_strides[d];
    }
    if (!inside) {
      std::fill(out, out + inner, value);
    } else {
      const T *in = src + base;
      for (int64_t j = 0; j < inner_lo; ++j) out[j] = imap[j] < 0 ? value : in[imap[j]];
      if (inner_hi > inner_lo)
        std::memcpy(out + inner_lo, in + imap[inner_lo], static_cast<size_t>(inner_hi - inner_lo) * sizeof(T));
      for (int64_t j = std::max(inner_lo, inner_hi); j < inner; ++j) out[j] = imap[j] < 0 ? value : in[imap[j]];
    }
    for (int d = nd - 2; d >= 0; --d) {
      if (++idx[d] < out_shape[d]) break;
      idx[d] = 0;
    }
  }
}

template <typename T>
void PadTyped(ThreadPool *pool, void *dst, const void *src, const void *value_bytes, const Shape &out_shape,
              const std::vector<int64_t> &in_strides, const std::vector<std::vector<int64_t>> &maps,
              int64_t inner_lo, int64_t inner_hi) {
  T value;
  std::memcpy(&value, value_bytes, sizeof(T));
  const int64_t inner = out_shape.back();
  int64_t rows = 1;
  for (size_t d = 0; d + 1 < out_shape.size(); ++d) rows *= out_shape[d];
  dm::ParallelFor(pool, 0, rows, rows * inner >= (1 << 15) ? std::max<int64_t>(1, 8192 / inner) : rows,
                  [&](int64_t a, int64_t b) {
                    PadRows<T>(static_cast<T *>(dst), static_cast<const T *>(src), out_shape, in_strides,
                               maps, inner_lo, inner_hi, value, a, b);
                  });
}

class PadOp : public Operation {
 public:
  using Operation::Operation;
  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr && Input(1) != nullptr, Where(), "needs the data and pads inputs");
    const std::string mode_name = GetString("mode", "constant");
    PadMode mode;
    if (!pad::ParsePadMode(mode_name, &mode))
      return Unsupported(Where(), "pad mode '", mode_name, "' is not supported (constant, reflect, edge, wrap)");

    const int rank = x->ndim();
    std::vector<int64_t> pads, axes;
    MACE_RETURN_IF_ERROR(ReadIntInput(1, &pads));
    if (Input(3) != nullptr) {
      MACE_RETURN_IF_ERROR(ReadIntInput(3, &axes));
    } else {
      for (int d = 0; d < rank; ++d) axes.push_back(d);
    }
    const size_t na = axes.size();
    MACE_ENSURE(pads.size() == 2 * na, Where(), "pads ", ShapeToString(pads), " must have ", 2 * na,
                " values (begin and end for each of ", na, " axes) for input ", ShapeToString(x->shape()));
    std::vector<int64_t> pad_begin(rank, 0), pad_end(rank, 0);
    std::vector<bool> seen(rank, false);
    for (size_t i = 0; i < na; ++i) {
      int64_t axis = 0;
      MACE_ENSURE(dm::NormalizeAxis(axes[i], rank, &axis), Where(), "axis ", axes[i],
                  " is out of range for input ", ShapeToString(x->shape()));
      MACE_ENSURE(!seen[axis], Where(), "axis ", axes[i], " is repeated");
      seen[axis] = true;
      pad_begin[axis] = pads[i];
      pad_end[axis] = pads[i + na];
    }

    const size_t es = DataTypeSize(x->dtype());
    uint64_t value_bytes = 0;
    const Tensor *cv = Input(2);
    if (cv != nullptr && cv->size() > 0 && mode == PadMode::kConstant) {
      MACE_ENSURE(cv->dtype() == x->dtype(), Where(), "constant_value has type ", DataTypeName(cv->dtype()),
                  " but data has ", DataTypeName(x->dtype()));
      MACE_ENSURE(cv->size() == 1, Where(), "constant_value must be a scalar, got ", ShapeToString(cv->shape()));
      MACE_ENSURE(es <= sizeof(value_bytes), Where(), "unsupported element size ", es);
      std::memcpy(&value_bytes, cv->raw_data(), es);
    }

    // Per-axis source index of every output index (-1 = padding value).
    Shape out_shape(rank);
    std::vector<int64_t> crop_begin(rank), kept(rank), lead(rank);
    bool empty_source = false;
    for (int d = 0; d < rank; ++d) {
      const int64_t dim = x->dim(d);
      const int64_t limit = int64_t{1} << 40;
      MACE_ENSURE(pad_begin[d] > -limit && pad_begin[d] < limit && pad_end[d] > -limit && pad_end[d] < limit,
                  Where(), "pads ", ShapeToString(pads), " are out of range");
      crop_begin[d] = std::max<int64_t>(0, -pad_begin[d]);
      kept[d] = dim - crop_begin[d] - std::max<int64_t>(0, -pad_end[d]);
      MACE_ENSURE(kept[d] >= 0, Where(), "pads ", ShapeToString(pads), " crop more than dim ", d,
                  " of input ", ShapeToString(x->shape()));
      lead[d] = std::max<int64_t>(0, pad_begin[d]);
      out_shape[d] = kept[d] + lead[d] + std::max<int64_t>(0, pad_end[d]);
      if (kept[d] == 0) empty_source = true;
    }
    int64_t total = 0;
    MACE_RETURN_IF_ERROR(ElementCount(out_shape, &total));
    if (total > 0 && empty_source && mode != PadMode::kConstant)
      return InvalidArgs(Where(), "cannot ", mode_name, "-pad input ", ShapeToString(x->shape()),
                         " with pads ", ShapeToString(pads), ": nothing is left to copy from");
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize(out_shape, x->dtype()));
    if (total == 0) return MaceStatus::MACE_SUCCESS;
    if (rank == 0) {
      dm::CopyBytes(ctx->thread_pool, y->raw_mutable_data(), x->raw_data(), static_cast<int64_t>(es));
      return MaceStatus::MACE_SUCCESS;
    }
    std::vector<std::vector<int64_t>> maps(rank);
    for (int d = 0; d < rank; ++d) {
      const int64_t n = kept[d];
      maps[d].resize(static_cast<size_t>(out_shape[d]));
      for (int64_t o = 0; o < out_shape[d]; ++o) {
        const int64_t c = pad::SourceIndex(mode, o, lead[d], n);
        maps[d][o] = c < 0 ? -1 : c + crop_begin[d];
      }
    }
    // The middle of the innermost axis is a contiguous run of the source.
    const int64_t inner_lo = lead[rank - 1], inner_hi = lead[rank - 1] + kept[rank - 1];
    const std::vector<int64_t> in_strides = dm::DenseStrides(x->shape());
    void *dst = y->raw_mutable_data();
    const void *src = x->raw_data();
    switch (es) {
      case 1: PadTyped<uint8_t>(ctx->thread_pool, dst, src, &value_bytes, out_shape, in_strides, maps, inner_lo, inner_hi); break;
      case 2: PadTyped<uint16_t>(ctx->thread_pool, dst, src, &value_bytes, out_shape, in_strides, maps, inner_lo, inner_hi); break;
      case 4: PadTyped<uint32_t>(ctx->thread_pool, dst, src, &value_bytes, out_shape, in_strides, maps, inner_lo, inner_hi); break;
      case 8: PadTyped<uint64_t>(ctx->thread_pool, dst, src, &value_bytes, out_shape, in_strides, maps, inner_lo, inner_hi); break;
      default: return Unsupported(Where(), "element type ", DataTypeName(x->dtype()), " is not supported");
    }
    return MaceStatus::MACE_SUCCESS;
  }
};

}  // namespace

MACE_OP_REGISTRAR(Pad) {
  MACE_REGISTER_CPU_OP(registry, "Pad", PadOp, DataType::DT_INVALID);
}

}  // namespace mace
