// GPU kernels of ReduceSum, ReduceMean, ReduceMax, ReduceMin over H and W (axes exactly {2, 3}
// of a rank-4 float tensor, given as the constant input 1 or the `axes` argument; keepdims 0
// or 1): global pooling. One work group of G items per (channel block, n) output pixel: each
// item reduces a strided share of the H*W pixels, then the group combines its partials in local
// memory. Sums accumulate in float (the CPU kernel: double), so long sums differ from the CPU
// by float rounding. Max/Min propagate NaN as the CPU kernel does. Other axes run on the CPU.
#include <algorithm>

#include "opencl/gpu_op.h"

namespace mace {
namespace opencl {

class GpuReduceOp : public GpuOperation {
 public:
  GpuReduceOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : GpuOperation(def, std::move(inputs), std::move(outputs)) {
    const std::string &t = def.type;
    kind_ = t == "ReduceSum" ? 0 : t == "ReduceMean" ? 1 : t == "ReduceMax" ? 2 : 3;
    keepdims_ = GetInt("keepdims", 1) != 0;
  }

  bool Supports(const OpContext *ctx, std::string *why) const override {
    if (!FloatInputs({0}, why)) return false;
    if (Input(1) != nullptr && !Input(1)->is_const()) {
      *why = "axes is not a constant (GPU kernel: constant axes)";
      return false;
    }
    if (ctx == nullptr) return true;
    if (!HasGpu(ctx, why)) return false;
    const Tensor *x = Input(0);
    if (x->ndim() != 4) {
      *why = StrCat("input ", ShapeToString(x->shape()), " (GPU kernel: rank 4, axes {2, 3})");
      return false;
    }
    std::vector<int64_t> axes;
    if (Input(1) != nullptr) {
      if (!ReadIntInput(1, &axes).ok()) {
        *why = "invalid axes";
        return false;
      }
    } else {
      axes = GetInts("axes");
    }
    bool reduced[4] = {false, false, false, false};
    for (int64_t a : axes) {
      if (a < -4 || a >= 4 || reduced[a < 0 ? a + 4 : a]) {
        *why = "invalid axes";
        return false;
      }
      reduced[a < 0 ? a + 4 : a] = true;
    }
    if (axes.size() != 2 || !reduced[2] || !reduced[3]) {
      *why = StrCat("axes ", ShapeToString(axes), " (GPU kernel: axes {2, 3})");
      return false;
    }
    if (x->size() == 0) {
      *why = "empty input";
      return false;
    }
    return Fits(ctx, x->shape(), why);
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    const int n = int(x->dim(0)), c = int(x->dim(1)), h = int(x->dim(2)), w = int(x->dim(3));
    const Shape out_shape = keepdims_ ? Shape{n, c, 1, 1} : Shape{n, c};
    cl_mem in_image, out_image;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &in_image));
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, out_shape, &out_image));
    cl_kernel kernel;
    MACE_RETURN_IF_ERROR(Kernel(ctx, "reduce", "reduce_hw", StrCat("-DREDUCE_TYPE=", kind_), &kernel));
    const int64_t count = int64_t(h) * w;
    const OpenCLRuntime *rt = Memory(ctx)->runtime();
    const OpenCLLibrary &cl = rt->cl();
    if (max_group_ == 0) max_group_ = std::max<size_t>(1, std::min<size_t>(256, rt->max_work_group_size()));
    size_t group = 1;  // a power of two; each item reduces >= 4 pixels where there are enough
    while (group * 2 <= max_group_ && int64_t(group) * 4 < count) group *= 2;
    const cl_int blocks = ChannelBlocks(c);
    MACE_RETURN_IF_ERROR(SetKernelArgs(cl, kernel, in_image, cl_int(h), cl_int(w), blocks, cl_int(n), out_image));
    // The partials: one float4 per work item of the group.
    const cl_int error = cl.clSetKernelArg(kernel, 6, group * 4 * sizeof(float), nullptr);
    if (error != CL_SUCCESS) return CLError("clSetKernelArg", error, "local partials");
    // Local memory is sized for `group` items: not tunable.
    return Enqueue(ctx, kernel, {group, size_t(blocks), size_t(n)}, {group, 1, 1}, /*tunable=*/false);
  }

 private:
  int kind_ = 0;  // REDUCE_TYPE: 0 sum, 1 mean, 2 max, 3 min
  bool keepdims_ = true;
  size_t max_group_ = 0;  // the device's work-group limit, at most 256 (queried on the first Run)
};

}  // namespace opencl

MACE_OP_REGISTRAR(GpuReduce) {
  for (const char *type : {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin"})
    MACE_REGISTER_GPU_OP(registry, type, opencl::GpuReduceOp, DataType::DT_INVALID);
}

}  // namespace mace
