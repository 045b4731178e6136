// Pooling ops (ONNX opset 23): MaxPool (float32, uint8, int8; kernel_shape, strides, pads,
// auto_pad, dilations, ceil_mode, storage_order, optional int64 Indices output), AveragePool
// (float32; count_include_pad, ceil_mode, dilations, auto_pad), GlobalAveragePool (float32) and
// GlobalMaxPool (float32, uint8, int8). 1-D to 3-D spatial windows; parallel over (N, C) planes.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/conv_util.h"
#include "ops/common/gemm.h"
#include "ops/common/max_pool_rows.h"

namespace mace {

namespace {

// Per spatial dim and output index: the kernel taps [first, last) that read inside the input
// and, for count_include_pad, how many taps fall inside the padded input.
struct TapTable {
  std::vector<int64_t> first[3], last[3], padded_count[3];

  void Build(const conv::Window3 &w) {
    for (int d = 0; d < 3; ++d) {
      first[d].resize(w.out[d]);
      last[d].resize(w.out[d]);
      padded_count[d].resize(w.out[d]);
      for (int64_t o = 0; o < w.out[d]; ++o) {
        conv::TapRange(o, w.stride[d], w.pad_begin[d], w.dilation[d], w.kernel[d], 0, w.in[d],
                       &first[d][o], &last[d][o]);
        int64_t f, l;
        conv::TapRange(o, w.stride[d], w.pad_begin[d], w.dilation[d], w.kernel[d],
                       -w.pad_begin[d], w.in[d] + w.pad_end[d], &f, &l);
        padded_count[d][o] = l - f;
      }
    }
  }
};

// Max over each window of one plane; `indices` (may be null) gets the flat input index
// (row-major, or column-major over the spatial dims when column_major) plus index_base.
template <typename T>
void MaxPoolPlane(const T *x, const conv::Window3 &w, const TapTable &taps, bool column_major,
                  int64_t index_base, T *y, int64_t *indices) {
  const int64_t in_hw = w.in[1] * w.in[2];
  for (int64_t od = 0; od < w.out[0]; ++od) {
    for (int64_t oh = 0; oh < w.out[1]; ++oh) {
      for (int64_t ow = 0; ow < w.out[2]; ++ow) {
        T best = std::numeric_limits<T>::lowest();
        if (std::numeric_limits<T>::has_infinity) best = -std::numeric_limits<T>::infinity();
        int64_t bd = -1, bh = -1, bw = -1;
        for (int64_t kd = taps.first[0][od]; kd < taps.last[0][od]; ++kd) {
          const int64_t id = od * w.stride[0] - w.pad_begin[0] + kd * w.dilation[0];
          for (int64_t kh = taps.first[1][oh]; kh < taps.last[1][oh]; ++kh) {
            const int64_t ih = oh * w.stride[1] - w.pad_begin[1] + kh * w.dilation[1];
            const T *xrow = x + id * in_hw + ih * w.in[2];
            for (int64_t kw = taps.first[2][ow]; kw < taps.last[2][ow]; ++kw) {
              const int64_t iw = ow * w.stride[2] - w.pad_begin[2] + kw * w.dilation[2];
              const T v = xrow[iw];
              if (v > best || bd < 0) {
                best = v;
                bd = id;
                bh = ih;
                bw = iw;
              }
            }
          }
        }
        const int64_t o = (od * w.out[1] + oh) * w.out[2] + ow;
        y[o] = best;
        if (indices) {
          if (bd < 0) indices[o] = -1;  // the window covers padding only
          else if (column_major) indices[o] = index_base + bd + bh * w.in[0] + bw * w.in[0] * w.in[1];
          else indices[o] = index_base + bd * in_hw + bh * w.in[2] + bw;
        }
      }
    }
  }
}

void AveragePoolPlane(const float *x, const conv::Window3 &w, const TapTable &taps,
                      bool count_include_pad, float *y) {
  const int64_t in_hw = w.in[1] * w.in[2];
  for (int64_t od = 0; od < w.out[0]; ++od) {
    for (int64_t oh = 0; oh < w.out[1]; ++oh) {
      for (int64_t ow = 0; ow < w.out[2]; ++ow) {
        float sum = 0.f;
        for (int64_t kd = taps.first[0][od]; kd < taps.last[0][od]; ++kd) {
          const int64_t id = od * w.stride[0] - w.pad_begin[0] + kd * w.dilation[0];
          for (int64_t kh = taps.first[1][oh]; kh < taps.last[1][oh]; ++kh) {
            const int64_t ih = oh * w.stride[1] - w.pad_begin[1] + kh * w.dilation[1];
            const float *xrow = x + id * in_hw + ih * w.in[2];
            const int64_t w0 = ow * w.stride[2] - w.pad_begin[2];
            for (int64_t kw = taps.first[2][ow]; kw < taps.last[2][ow]; ++kw)
              sum += xrow[w0 + kw * w.dilation[2]];
          }
        }
        int64_t count;
        if (count_include_pad) {
          count = taps.padded_count[0][od] * taps.padded_count[1][oh] * taps.padded_count[2][ow];
        } else {
          count = (taps.last[0][od] - taps.first[0][od]) * (taps.last[1][oh] - taps.first[1][oh]) *
                  (taps.last[2][ow] - taps.first[2][ow]);
        }
        y[(od * w.out[1] + oh) * w.out[2] + ow] = count > 0 ? sum / static_cast<float>(count) : 0.f;
      }
    }
  }
}

bool IsMaxPoolType(DataType t) {
  return t == DataType::DT_FLOAT || t == DataType::DT_UINT8 || t == DataType::DT_INT8;
}

}  // namespace

// MaxPool and AveragePool share attribute handling and the output-size rules.
class PoolOp : public Operation {
 public:
  PoolOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs, bool is_max)
      : Operation(def, std::move(inputs), std::move(outputs)), is_max_(is_max) {}

  MaceStatus Init() override {
    MACE_RETURN_IF_ERROR(conv::ParseAutoPad(*this, &auto_pad_));
    MACE_ENSURE(HasArg("kernel_shape") && !GetInts("kernel_shape").empty(), Where(),
                "kernel_shape is required");
    const int64_t ceil_mode = GetInt("ceil_mode", 0);
    MACE_ENSURE(ceil_mode == 0 || ceil_mode == 1, Where(), "ceil_mode must be 0 or 1, got ",
                ceil_mode);
    ceil_mode_ = ceil_mode == 1;
    if (is_max_) {
      const int64_t order = GetInt("storage_order", 0);
      if (order != 0 && order != 1)
        return Unsupported(Where(), "storage_order ", order, " is not supported (0 or 1)");
      column_major_ = order == 1;
    } else {
      const int64_t cip = GetInt("count_include_pad", 0);
      MACE_ENSURE(cip == 0 || cip == 1, Where(), "count_include_pad must be 0 or 1, got ", cip);
      count_include_pad_ = cip == 1;
    }
    return MaceStatus::MACE_SUCCESS;
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "needs input X");
    if (is_max_) {
      MACE_ENSURE(IsMaxPoolType(x->dtype()), Where(), "X must be float32, uint8 or int8, got ",
                  DataTypeName(x->dtype()));
    } else {
      MACE_ENSURE(x->dtype() == DataType::DT_FLOAT, Where(), "X must be float32, got ",
                  DataTypeName(x->dtype()));
    }
    const int rank = x->ndim();
    MACE_ENSURE(rank >= 3, Where(), "X must have rank >= 3 (N, C, spatial...), got shape ",
                ShapeToString(x->shape()));
    const size_t nsp = static_cast<size_t>(rank - 2);
    conv::SpatialArgs args;
    args.kernel = GetInts("kernel_shape");
    MACE_ENSURE(args.kernel.size() == nsp, Where(), "kernel_shape has ", args.kernel.size(),
                " values but X ", ShapeToString(x->shape()), " has ", nsp, " spatial dims");
    for (int64_t k : args.kernel)
      MACE_ENSURE(k >= 1, Where(), "kernel_shape values must be >= 1, got ", k);
    MACE_RETURN_IF_ERROR(conv::ReadSpatialInts(*this, "strides", nsp, 1, 1, &args.strides));
    MACE_RETURN_IF_ERROR(conv::ReadSpatialInts(*this, "dilations", nsp, 1, 1, &args.dilations));
    MACE_RETURN_IF_ERROR(conv::ReadSpatialInts(*this, "pads", 2 * nsp, 0, 0, &args.pads));
    std::vector<int64_t> in_sizes(nsp);
    for (size_t i = 0; i < nsp; ++i) in_sizes[i] = x->dim(static_cast<int>(i) + 2);
    conv::Window3 win;
    MACE_RETURN_IF_ERROR(conv::ForwardWindow(*this, auto_pad_, in_sizes, args, ceil_mode_, &win));

    Shape out_shape{x->dim(0), x->dim(1)};
    const int base = conv::kMaxSpatialDims - static_cast<int>(nsp);
    for (size_t i = 0; i < nsp; ++i) out_shape.push_back(win.out[base + i]);
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize(out_shape, x->dtype()));
    Tensor *indices = is_max_ && OutputSize() > 1 ? Output(1) : nullptr;
    if (indices) MACE_RETURN_IF_ERROR(indices->Resize(out_shape, DataType::DT_INT64));
    if (y->size() == 0) return MaceStatus::MACE_SUCCESS;

    taps_.Build(win);
    const int64_t planes = x->dim(0) * x->dim(1);
    const int64_t in_plane = win.InPlane(), out_plane = win.OutPlane();
    const int64_t work = std::max<int64_t>(1, out_plane * win.KernelSize());
    const int64_t min_chunk = std::max<int64_t>(1, 16384 / work);
    if (is_max_) {
      switch (x->dtype()) {
        case DataType::DT_UINT8: RunMax<uint8_t>(ctx, x, win, planes, min_chunk, y, indices); break;
        case DataType::DT_INT8: RunMax<int8_t>(ctx, x, win, planes, min_chunk, y, indices); break;
        default: RunMax<float>(ctx, x, win, planes, min_chunk, y, indices); break;
      }
    } else {
      const float *xd = x->data<float>();
      float *yd = y->mutable_data<float>();
      gemm::RunParallel(ctx->thread_pool, 0, planes, min_chunk, [&](int64_t begin, int64_t end) {
        for (int64_t p = begin; p < end; ++p)
          AveragePoolPlane(xd + p * in_plane, win, taps_, count_include_pad_, yd + p * out_plane);
      });
    }
    return MaceStatus::MACE_SUCCESS;
  }

 private:
  template <typename T>
  void RunMax(OpContext *ctx, const Tensor *x, const conv::Window3 &win, int64_t planes,
              int64_t min_chunk, Tensor *y, Tensor *indices) {
    const int64_t in_plane = win.InPlane(), out_plane = win.OutPlane();
    const T *xd = x->data<T>();
    T *yd = y->mutable_data<T>();
    int64_t *id = indices ? indices->mutable_data<int64_t>() : nullptr;
    if constexpr (std::is_same<T, float>::value) {
      if (id == nullptr && win.in[0] == 1 && win.kernel[0] == 1 && win.out[0] == 1) {
        const max_pool::Taps taps{taps_.first[1].data(), taps_.last[1].data(),
                                  taps_.first[2].data(), taps_.last[2].data()};
        const Isa isa = CpuIsa();
        gemm::RunParallel(ctx->thread_pool, 0, planes, min_chunk, [&](int64_t begin, int64_t end) {
          std::vector<float> colmax(static_cast<size_t>(win.in[2]));
          for (int64_t p = begin; p < end; ++p)
            max_pool::Plane2D(isa, xd + p * in_plane, win, taps, colmax.data(), yd + p * out_plane);
        });
        return;
      }
    }
    gemm::RunParallel(ctx->thread_pool, 0, planes, min_chunk, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p)
        MaxPoolPlane<T>(xd + p * in_plane, win, taps_, column_major_, p * in_plane,
                        yd + p * out_plane, id ? id + p * out_plane : nullptr);
    });
  }

  const bool is_max_;
  conv::AutoPad auto_pad_ = conv::AutoPad::NOTSET;
  bool ceil_mode_ = false;
  bool column_major_ = false;
  bool count_include_pad_ = false;
  TapTable taps_;
};

class MaxPoolOp : public PoolOp {
 public:
  MaxPoolOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : PoolOp(def, std::move(inputs), std::move(outputs), true) {}
};

class AveragePoolOp : public PoolOp {
 public:
  AveragePoolOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : PoolOp(def, std::move(inputs), std::move(outputs), false) {}
};

// GlobalAveragePool / GlobalMaxPool: one value per (N, C) plane; output [N, C, 1, ...].
class GlobalPoolOp : public Operation {
 public:
  GlobalPoolOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs,
               bool is_max)
      : Operation(def, std::move(inputs), std::move(outputs)), is_max_(is_max) {}

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "needs input X");
    if (is_max_) {
      MACE_ENSURE(IsMaxPoolType(x->dtype()), Where(), "X must be float32, uint8 or int8, got ",
                  DataTypeName(x->dtype()));
    } else {
      MACE_ENSURE(x->dtype() == DataType::DT_FLOAT, Where(), "X must be float32, got ",
                  DataTypeName(x->dtype()));
    }
    MACE_ENSURE(x->ndim() >= 2, Where(), "X must have rank >= 2 (N, C, spatial...), got shape ",
                ShapeToString(x->shape()));
    Shape out_shape = x->shape();
    int64_t plane = 1;
    for (int i = 2; i < x->ndim(); ++i) {
      plane *= out_shape[i];
      out_shape[i] = 1;
    }
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize(out_shape, x->dtype()));
    const int64_t planes = x->dim(0) * x->dim(1);
    if (planes == 0) return MaceStatus::MACE_SUCCESS;
    MACE_ENSURE(plane > 0, Where(), "X ", ShapeToString(x->shape()), " has an empty spatial dim");
    const int64_t min_chunk = std::max<int64_t>(1, 16384 / plane);
    if (!is_max_) {
      const float *xd = x->data<float>();
      float *yd = y->mutable_data<float>();
      gemm::RunParallel(ctx->thread_pool, 0, planes, min_chunk, [&](int64_t begin, int64_t end) {
        for (int64_t p = begin; p < end; ++p) {
          const float *src = xd + p * plane;
          float s[8] = {0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f};
          int64_t i = 0;
          for (; i + 8 <= plane; i += 8)
            for (int q = 0; q < 8; ++q) s[q] += src[i + q];
          float total = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
          for (; i < plane; ++i) total += src[i];
          yd[p] = total / static_cast<float>(plane);
        }
      });
      return MaceStatus::MACE_SUCCESS;
    }
    switch (x->dtype()) {
      case DataType::DT_UINT8: RunMax<uint8_t>(ctx, x, planes, plane, min_chunk, y); break;
      case DataType::DT_INT8: RunMax<int8_t>(ctx, x, planes, plane, min_chunk, y); break;
      default: RunMax<float>(ctx, x, planes, plane, min_chunk, y); break;
    }
    return MaceStatus::MACE_SUCCESS;
  }

 private:
  template <typename T>
  void RunMax(OpContext *ctx, const Tensor *x, int64_t planes, int64_t plane, int64_t min_chunk,
              Tensor *y) {
    const T *xd = x->data<T>();
    T *yd = y->mutable_data<T>();
    gemm::RunParallel(ctx->thread_pool, 0, planes, min_chunk, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        const T *src = xd + p * plane;
        T best = src[0];
        for (int64_t i = 1; i < plane; ++i) best = src[i] > best ? src[i] : best;
        yd[p] = best;
      }
    });
  }

  const bool is_max_;
};

class GlobalAveragePoolOp : public GlobalPoolOp {
 public:
  GlobalAveragePoolOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : GlobalPoolOp(def, std::move(inputs), std::move(outputs), false) {}
};

class GlobalMaxPoolOp : public GlobalPoolOp {
 public:
  GlobalMaxPoolOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : GlobalPoolOp(def, std::move(inputs), std::move(outputs), true) {}
};

MACE_OP_REGISTRAR(Pooling) {
  MACE_REGISTER_CPU_OP(registry, "MaxPool", MaxPoolOp, DataType::DT_INVALID);
  MACE_REGISTER_CPU_OP(registry, "AveragePool", AveragePoolOp, DataType::DT_FLOAT);
  MACE_REGISTER_CPU_OP(registry, "GlobalMaxPool", GlobalMaxPoolOp, DataType::DT_INVALID);
  MACE_REGISTER_CPU_OP(registry, "GlobalAveragePool", GlobalAveragePoolOp, DataType::DT_FLOAT);
}

}  // namespace mace
