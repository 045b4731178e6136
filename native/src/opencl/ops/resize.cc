// GPU kernel of Resize (ONNX Resize-19) on rank-4 float tensors that scale only H and W:
// modes nearest (every nearest_mode) and linear (bilinear), every coordinate transformation
// mode of the CPU kernel (tf_crop_and_resize with a constant roi and its extrapolation value),
// exclude_outside, axes and keep_aspect_ratio_policy, with scales or sizes given as constant
// inputs. The host builds, per output row and column, the CPU kernel's own neighbour table
// (ops/common/resize_util, in double), so the GPU samples exactly the inputs, with exactly the weights,
// that the CPU kernel does. Refused: cubic, antialias, N or C resized, non-constant
// scales/sizes/roi, rank != 4.
#include <algorithm>
#include <cmath>
#include <limits>

#include "opencl/gpu_op.h"
#include "opencl/image_ops.h"
#include "ops/common/resize_util.h"
#include "ops/common/strided_copy.h"

namespace mace {
namespace opencl {

namespace {

using resize::AxisTable;
using resize::CoordMode;
using resize::NearestMode;

// What the kernel needs: the output shape and, per output row then per output column,
// (lo, hi, w_lo, w_hi) — lo = -1 where tf_crop_and_resize extrapolates. An axis that does not
// interpolate reads (pick, pick, 0, 1), which is the CPU kernel's s[pick] exactly.
struct Plan {
  Shape input, output;
  std::vector<cl_float4> table;
};

void AppendAxis(const AxisTable &t, bool linear, std::vector<cl_float4> *table) {
  for (size_t o = 0; o < t.pick.size(); ++o) {
    cl_float4 e;
    if (!t.valid[o]) {
      e = cl_float4{{-1.f, -1.f, 0.f, 1.f}};
    } else if (linear && t.interpolates) {
      e = cl_float4{{float(t.lo[o]), float(t.hi[o]), t.w_lo[o], t.w_hi[o]}};
    } else {
      e = cl_float4{{float(t.pick[o]), float(t.pick[o]), 0.f, 1.f}};
    }
    table->push_back(e);
  }
}

}  // namespace

class GpuResizeOp : public GpuOperation {
 public:
  GpuResizeOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : GpuOperation(def, std::move(inputs), std::move(outputs)) {
    const std::string mode = GetString("mode", "nearest");
    if (mode == "nearest") linear_ = false;
    else if (mode == "linear") linear_ = true;
    else arg_error_ = "mode '" + mode + "' (GPU kernel: nearest, linear)";
    const std::string ctm = GetString("coordinate_transformation_mode", "half_pixel");
    if (!resize::ParseCoordMode(ctm, &coord_)) arg_error_ = "coordinate_transformation_mode '" + ctm + "'";
    const std::string nm = GetString("nearest_mode", "round_prefer_floor");
    if (!resize::ParseNearestMode(nm, &nearest_)) arg_error_ = "nearest_mode '" + nm + "'";
    policy_ = GetString("keep_aspect_ratio_policy", "stretch");
    if (!resize::IsKeepAspectRatioPolicy(policy_))
      arg_error_ = "keep_aspect_ratio_policy '" + policy_ + "'";
    if (GetInt("antialias", 0) != 0) arg_error_ = "antialias (GPU kernel: antialias 0)";
    exclude_outside_ = GetInt("exclude_outside", 0) != 0;
    extrapolation_ = GetFloat("extrapolation_value", 0.f);
  }

  bool Supports(const OpContext *ctx, std::string *why) const override {
    if (!arg_error_.empty()) {
      *why = arg_error_;
      return false;
    }
    if (!FloatInputs({0}, why)) return false;
    // roi is read only by tf_crop_and_resize.
    for (int i = coord_ == CoordMode::kTfCropAndResize ? 1 : 2; i <= 3; ++i) {
      const Tensor *t = Input(i);
      if (t != nullptr && t->size() > 0 && !t->is_const()) {
        *why = StrCat(i == 1 ? "roi" : i == 2 ? "scales" : "sizes",
                      " is not a constant (GPU kernel: constant roi, scales and sizes)");
        return false;
      }
    }
    if (ctx == nullptr) return true;
    if (!HasGpu(ctx, why)) return false;
    Plan plan;
    if (!MakePlan(&plan, why)) return false;
    return Fits(ctx, plan.input, why) && Fits(ctx, plan.output, why);
  }

  MaceStatus Run(OpContext *ctx) override {
    std::string why;
    if (plan_.input != Input(0)->shape() || table_.get() == nullptr) {
      Plan plan;
      if (!MakePlan(&plan, &why)) return Unsupported(Where(), why);
      MACE_RETURN_IF_ERROR(CreateBuffer(Memory(ctx)->runtime(), plan.table.size() * sizeof(cl_float4),
                                        plan.table.data(), &table_));
      plan_ = std::move(plan);
    }
    const Shape &in = plan_.input, &out = plan_.output;
    cl_mem in_image, out_image;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &in_image));
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, out, &out_image));
    cl_kernel kernel;
    MACE_RETURN_IF_ERROR(Kernel(ctx, "resize", linear_ ? "resize_linear" : "resize_nearest", "", &kernel));
    const cl_int blocks = ChannelBlocks(int(out[1])), out_w = cl_int(out[3]), out_h = cl_int(out[2]);
    const cl_int rows = cl_int(out[0] * out[2]);
    MACE_RETURN_IF_ERROR(SetKernelArgs(Memory(ctx)->runtime()->cl(), kernel, in_image, table_.get(),
                                       cl_int(in[2]), cl_int(in[3]), out_h, out_w, blocks, rows,
                                       extrapolation_, out_image));
    return Enqueue(ctx, kernel, {size_t(blocks), size_t(out_w), size_t(rows)});
  }

 private:
  // The CPU kernel's Run up to its axis tables; false (with *why) where the GPU kernel does not
  // compute the case, including every case the CPU kernel rejects.
  bool MakePlan(Plan *plan, std::string *why) const {
    const Tensor *x = Input(0);
    if (x->ndim() != 4) {
      *why = StrCat("input ", ShapeToString(x->shape()), " (GPU kernel: rank 4)");
      return false;
    }
    const int rank = 4;
    std::vector<int64_t> axes;
    int64_t bad_axis = 0;
    bool repeated = false;
    if (!resize::ResolveAxes(HasArg("axes"), GetInts("axes"), rank, &axes, &bad_axis, &repeated)) {
      *why = "invalid axes";
      return false;
    }
    const size_t k = axes.size();
    const Tensor *scales_t = Input(2), *sizes_t = Input(3);
    const bool has_scales = scales_t != nullptr && scales_t->size() > 0;
    const bool has_sizes = sizes_t != nullptr && sizes_t->size() > 0;
    if (has_scales == has_sizes) {
      *why = "not exactly one of scales and sizes";
      return false;
    }
    std::vector<double> scale(rank, 1.0);
    Shape out_shape = x->shape();
    if (has_scales) {
      if (scales_t->dtype() != DataType::DT_FLOAT || static_cast<size_t>(scales_t->size()) != k) {
        *why = "invalid scales";
        return false;
      }
      const float *s = scales_t->data<float>();
      for (size_t i = 0; i < k; ++i) {
        const double o = std::floor(static_cast<double>(s[i]) * static_cast<double>(x->dim(int(axes[i]))));
        if (!std::isfinite(s[i]) || s[i] <= 0 || o >= double(1 << 30)) {
          *why = StrCat("invalid scale ", s[i]);
          return false;
        }
        scale[axes[i]] = static_cast<double>(s[i]);
        out_shape[axes[i]] = static_cast<int64_t>(o);
      }
    } else {
      std::vector<int64_t> sizes;
      if (!ReadIntInput(3, &sizes).ok() || sizes.size() != k) {
        *why = "invalid sizes";
        return false;
      }
      for (size_t i = 0; i < k; ++i) {
        const int64_t in = x->dim(int(axes[i]));
        if (sizes[i] <= 0 || sizes[i] >= (int64_t{1} << 30) || in <= 0) {
          *why = StrCat("invalid size ", sizes[i]);
          return false;
        }
        scale[axes[i]] = static_cast<double>(sizes[i]) / static_cast<double>(in);
        out_shape[axes[i]] = sizes[i];
      }
      resize::ApplyKeepAspectRatio(policy_, axes, x->shape(), &scale, &out_shape);
    }
    std::vector<double> roi_start(rank, 0.0), roi_end(rank, 1.0);
    if (coord_ == CoordMode::kTfCropAndResize) {
      const Tensor *roi = Input(1);
      if (roi == nullptr || roi->dtype() != DataType::DT_FLOAT || static_cast<size_t>(roi->size()) != 2 * k) {
        *why = "tf_crop_and_resize without a valid roi";
        return false;
      }
      const float *r = roi->data<float>();
      for (size_t i = 0; i < k; ++i) {
        roi_start[axes[i]] = r[i];
        roi_end[axes[i]] = r[k + i];
      }
    }
    for (int d = 0; d < rank; ++d) {
      if (x->dim(d) <= 0 || out_shape[d] <= 0) {
        *why = StrCat("empty input or output ", ShapeToString(x->shape()), " -> ", ShapeToString(out_shape));
        return false;
      }
    }
    AxisTable tabs[4];
    for (int d = 0; d < rank; ++d)
      resize::BuildAxisTable(linear_, coord_, nearest_, exclude_outside_, scale[d], has_scales, x->dim(d),
                             out_shape[d], 1, roi_start[d], roi_end[d], &tabs[d]);
    // N and C must pass through unchanged.
    for (int d = 0; d < 2; ++d) {
      bool identity = out_shape[d] == x->dim(d) && tabs[d].all_valid && !(linear_ && tabs[d].interpolates);
      for (int64_t o = 0; identity && o < out_shape[d]; ++o) identity = tabs[d].pick[o] == o;
      if (!identity) {
        *why = StrCat("resizes ", d == 0 ? "N" : "C", " (", ShapeToString(x->shape()), " -> ",
                      ShapeToString(out_shape), "; GPU kernel: H and W only)");
        return false;
      }
    }
    plan->input = x->shape();
    plan->output = out_shape;
    plan->table.clear();
    AppendAxis(tabs[2], linear_, &plan->table);
    AppendAxis(tabs[3], linear_, &plan->table);
    return true;
  }

  std::string arg_error_;
  bool linear_ = false;
  CoordMode coord_ = CoordMode::kHalfPixel;
  NearestMode nearest_ = NearestMode::kRoundPreferFloor;
  std::string policy_;
  bool exclude_outside_ = false;
  float extrapolation_ = 0.f;
  Plan plan_;
  CLObject<cl_mem> table_;
};

}  // namespace opencl

MACE_OP_REGISTRAR(GpuResize) {
  MACE_REGISTER_GPU_OP(registry, "Resize", opencl::GpuResizeOp, DataType::DT_INVALID);
}

}  // namespace mace
