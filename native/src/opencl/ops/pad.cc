// GPU kernel of Pad (ONNX Pad-21) on rank-4 float tensors padded (or cropped, by negative
// pads) along any axes: modes constant (with a constant_value), reflect, edge and wrap, pads and
// axes given as constant inputs. The host computes the CPU kernel's per-axis source maps, so
// every mode and crop matches it exactly. Padding along H, W and N copies whole pixels;
// padding C gathers each channel (pad_channels). Refused: non-constant pads, ranks other
// than 4.
#include <cstring>

#include "opencl/gpu_op.h"
#include "ops/common/pad_util.h"
#include "ops/common/strided_copy.h"

namespace mace {
namespace opencl {

namespace {

using pad::PadMode;

struct Plan {
  Shape input, output;
  // Source index or -1 of every output index along N, then C, H and W.
  std::vector<cl_int> map;
  bool pads_channels = false;  // the C map is not the identity
  float value = 0;
};

}  // namespace

class GpuPadOp : public GpuOperation {
 public:
  using GpuOperation::GpuOperation;

  bool Supports(const OpContext *ctx, std::string *why) const override {
    PadMode mode;
    if (!Mode(&mode, why) || !FloatInputs({0, }, why)) return false;
    if (Input(1) == nullptr || !Input(1)->is_const()) {
      *why = "pads is not a constant (GPU kernel: constant pads)";
      return false;
    }
    // constant_value is read only in constant mode.
    for (int i = mode == PadMode::kConstant ? 2 : 3; i <= 3; ++i) {
      if (Input(i) != nullptr && Input(i)->size() > 0 && !Input(i)->is_const()) {
        *why = StrCat(i == 2 ? "constant_value" : "axes", " is not a constant");
        return false;
      }
    }
    if (ctx == nullptr) return true;
    Plan plan;
    return HasGpu(ctx, why) && MakePlan(&plan, why) && Fits(ctx, plan.input, why) && Fits(ctx, plan.output, why);
  }

  MaceStatus Run(OpContext *ctx) override {
    if (plan_.input != Input(0)->shape() || map_.get() == nullptr) {
      std::string why;
      Plan plan;
      if (!MakePlan(&plan, &why)) return Unsupported(Where(), why);
      MACE_RETURN_IF_ERROR(
          CreateBuffer(Memory(ctx)->runtime(), plan.map.size() * sizeof(cl_int), plan.map.data(), &map_));
      plan_ = std::move(plan);
    }
    const Shape &in = plan_.input, &out = plan_.output;
    cl_mem in_image, out_image;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &in_image));
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, out, &out_image));
    cl_kernel kernel;
    MACE_RETURN_IF_ERROR(Kernel(ctx, "pad", plan_.pads_channels ? "pad_channels" : "pad", "", &kernel));
    const cl_int blocks = ChannelBlocks(int(out[1])), out_h = cl_int(out[2]), out_w = cl_int(out[3]);
    const cl_int rows = cl_int(out[0] * out[2]);
    MACE_RETURN_IF_ERROR(SetKernelArgs(Memory(ctx)->runtime()->cl(), kernel, in_image, map_.get(), cl_int(in[2]),
                                       cl_int(in[3]), cl_int(out[0]), cl_int(out[1]), out_h, out_w, blocks, rows,
                                       plan_.value, out_image));
    return Enqueue(ctx, kernel, {size_t(blocks), size_t(out_w), size_t(rows)});
  }

 private:
  bool Mode(PadMode *mode, std::string *why) const {
    const std::string name = GetString("mode", "constant");
    if (!pad::ParsePadMode(name, mode)) {
      *why = "pad mode '" + name + "'";
      return false;
    }
    return true;
  }

  // The CPU kernel's Run up to its source maps; false (with *why) for every case the GPU
  // kernel does not compute, including those the CPU kernel rejects.
  bool MakePlan(Plan *plan, std::string *why) const {
    PadMode mode;
    if (!Mode(&mode, why)) return false;
    const Tensor *x = Input(0);
    if (x->ndim() != 4) {
      *why = StrCat("input ", ShapeToString(x->shape()), " (GPU kernel: rank 4)");
      return false;
    }
    const int rank = 4;
    std::vector<int64_t> pads, axes;
    if (!ReadIntInput(1, &pads).ok() || (Input(3) != nullptr && !ReadIntInput(3, &axes).ok())) {
      *why = "invalid pads or axes";
      return false;
    }
    if (Input(3) == nullptr)
      for (int d = 0; d < rank; ++d) axes.push_back(d);
    const size_t na = axes.size();
    if (pads.size() != 2 * na) {
      *why = "invalid pads";
      return false;
    }
    int64_t begin[4] = {0, 0, 0, 0}, end[4] = {0, 0, 0, 0};
    bool seen[4] = {false, false, false, false};
    for (size_t i = 0; i < na; ++i) {
      int64_t axis = 0;
      if (!dm::NormalizeAxis(axes[i], rank, &axis) || seen[axis]) {
        *why = "invalid axes";
        return false;
      }
      seen[axis] = true;
      begin[axis] = pads[i];
      end[axis] = pads[i + na];
    }
    plan->value = 0;
    const Tensor *cv = Input(2);
    if (cv != nullptr && cv->size() > 0 && mode == PadMode::kConstant) {
      if (cv->dtype() != DataType::DT_FLOAT || cv->size() != 1) {
        *why = "invalid constant_value";
        return false;
      }
      plan->value = cv->data<float>()[0];
    }
    Shape out_shape = x->shape();
    plan->map.clear();
    for (int d = 0; d < 4; ++d) {
      const int64_t dim = x->dim(d);
      const int64_t limit = int64_t{1} << 30;
      if (begin[d] <= -limit || begin[d] >= limit || end[d] <= -limit || end[d] >= limit) {
        *why = "pads out of range";
        return false;
      }
      const int64_t crop = std::max<int64_t>(0, -begin[d]);
      const int64_t kept = dim - crop - std::max<int64_t>(0, -end[d]);
      const int64_t lead = std::max<int64_t>(0, begin[d]);
      out_shape[d] = kept + lead + std::max<int64_t>(0, end[d]);
      if (kept <= 0 || out_shape[d] <= 0) {
        *why = StrCat("pads ", ShapeToString(pads), " leave nothing of input ", ShapeToString(x->shape()));
        return false;
      }
      for (int64_t o = 0; o < out_shape[d]; ++o) {
        const int64_t c = pad::SourceIndex(mode, o, lead, kept);
        plan->map.push_back(cl_int(c < 0 ? -1 : c + crop));
      }
    }
    plan->pads_channels = out_shape[1] != x->dim(1);
    for (int64_t c = 0; c < out_shape[1]; ++c)
      plan->pads_channels = plan->pads_channels || plan->map[size_t(out_shape[0] + c)] != c;
    plan->input = x->shape();
    plan->output = out_shape;
    return true;
  }

  Plan plan_;
  CLObject<cl_mem> map_;
};

}  // namespace opencl

MACE_OP_REGISTRAR(GpuPad) {
  MACE_REGISTER_GPU_OP(registry, "Pad", opencl::GpuPadOp, DataType::DT_INVALID);
}

}  // namespace mace
