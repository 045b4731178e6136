// GPU Concat and Split along the channel axis (the axis ImageView maps to C: 1 for ranks 2..4,
// 0 for rank 1), any number of inputs / outputs, channel counts of any size (lanes shifted
// inside the kernels, cl/concat.cl and cl/split.cl). Refused: other axes (they move data
// between pixels), non-float data, empty tensors, invalid args (the CPU kernel reports them).
#include <algorithm>

#include "opencl/gpu_op.h"
#include "opencl/image_ops.h"

namespace mace {
namespace opencl {

namespace {

// Whether `axis` of a rank-`rank` tensor is the channel axis of its image view.
bool ChannelAxis(const Operation &op, int rank, int64_t *axis, std::string *why) {
  int64_t a = op.GetInt("axis", 0);
  if (a < -rank || a >= rank) {
    *why = "axis out of range (the CPU kernel reports it)";
    return false;
  }
  if (a < 0) a += rank;
  if (rank > 4 || a != (rank == 1 ? 0 : 1)) {
    *why = "axis " + std::to_string(op.GetInt("axis", 0)) + " of rank " + std::to_string(rank) +
           " (GPU kernel: the channel axis)";
    return false;
  }
  *axis = a;
  return true;
}

}  // namespace

class GpuConcatOp : public GpuOperation {
 public:
  using GpuOperation::GpuOperation;

  bool Supports(const OpContext *ctx, std::string *why) const override {
    std::vector<int> all(InputSize());
    for (int i = 0; i < InputSize(); ++i) all[i] = i;
    if (InputSize() < 1 || !FloatInputs(all, why)) return false;
    if (!HasArg("axis")) {
      *why = "no axis (the CPU kernel reports it)";
      return false;
    }
    if (ctx == nullptr) return true;
    if (!HasGpu(ctx, why)) return false;
    const Tensor *x0 = Input(0);
    int64_t axis;
    if (!ChannelAxis(*this, x0->ndim(), &axis, why)) return false;
    for (int i = 0; i < InputSize(); ++i) {
      const Tensor *x = Input(i);
      bool same = x->ndim() == x0->ndim();
      for (int d = 0; same && d < x0->ndim(); ++d) same = d == axis || x->dim(d) == x0->dim(d);
      if (!same) {
        *why = "input shapes differ outside the axis (the CPU kernel reports it)";
        return false;
      }
      if (!Fits(ctx, x->shape(), why)) return false;
    }
    return Fits(ctx, OutShape(axis), why);
  }

  MaceStatus Run(OpContext *ctx) override {
    int64_t axis;
    std::string why;
    if (!ChannelAxis(*this, Input(0)->ndim(), &axis, &why)) return InvalidArgs(Where(), why);
    const Shape out_shape = OutShape(axis);
    const NCHWShape ov = ImageViewOf(out_shape);
    const int n = InputSize();
    std::vector<cl_mem> images(n);
    std::vector<int> offsets(n), channels(n);
    int offset = 0;
    for (int i = 0; i < n; ++i) {
      MACE_RETURN_IF_ERROR(InputImage(ctx, i, &images[i]));
      offsets[i] = offset;
      channels[i] = ImageViewOf(Input(i)->shape()).c;
      offset += channels[i];
    }
    cl_mem out;
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, out_shape, &out));
    const OpenCLLibrary &cl = Memory(ctx)->runtime()->cl();
    for (int i = 0; i < n; ++i) {
      const int first = (offsets[i] + 3) / 4, last = (offsets[i] + channels[i] - 1) / 4;
      if (last < first) continue;  // a small input inside a block that an earlier input owns
      // One kernel object for all inputs: arguments are captured when a launch is enqueued.
      cl_kernel kernel;
      MACE_RETURN_IF_ERROR(Kernel(ctx, "concat", "concat_channel", "", &kernel));
      auto next = [&](int k, cl_mem *image, cl_int *off, cl_int *ch) {
        const bool present = i + k < n;
        *image = present ? images[i + k] : images[i];
        *off = present ? offsets[i + k] : 0;
        *ch = present ? channels[i + k] : 0;
      };
      cl_mem n1, n2, n3;
      cl_int o1, o2, o3, c1, c2, c3;
      next(1, &n1, &o1, &c1);
      next(2, &n2, &o2, &c2);
      next(3, &n3, &o3, &c3);
      const int blocks = last - first + 1;
      MACE_RETURN_IF_ERROR(SetKernelArgs(cl, kernel, images[i], cl_int(offsets[i]), cl_int(channels[i]), n1, o1, c1,
                                         n2, o2, c2, n3, o3, c3, cl_int(first), cl_int(blocks), cl_int(ov.w),
                                         cl_int(ov.c), cl_int(ov.n * ov.h), out));
      MACE_RETURN_IF_ERROR(Enqueue(ctx, kernel, {size_t(blocks), size_t(ov.w), size_t(ov.n) * ov.h}));
    }
    return MaceStatus();
  }

 private:
  Shape OutShape(int64_t axis) const {
    Shape out = Input(0)->shape();
    out[axis] = 0;
    for (int i = 0; i < InputSize(); ++i) out[axis] += Input(i)->dim(int(axis));
    return out;
  }
};

class GpuSplitOp : public GpuOperation {
 public:
  using GpuOperation::GpuOperation;

  bool Supports(const OpContext *ctx, std::string *why) const override {
    if (!FloatInputs({0}, why)) return false;
    if (ctx == nullptr) return true;
    if (!HasGpu(ctx, why)) return false;
    int64_t axis;
    if (!ChannelAxis(*this, Input(0)->ndim(), &axis, why)) return false;
    std::vector<int64_t> sizes;
    if (!Sizes(axis, &sizes, why)) return false;
    for (int i = 0; i < OutputSize(); ++i) {
      Shape shape = Input(0)->shape();
      shape[axis] = sizes[i];
      if (!Fits(ctx, shape, why)) return false;
    }
    return Fits(ctx, Input(0)->shape(), why);
  }

  MaceStatus Run(OpContext *ctx) override {
    int64_t axis;
    std::string why;
    std::vector<int64_t> sizes;
    if (!ChannelAxis(*this, Input(0)->ndim(), &axis, &why) || !Sizes(axis, &sizes, &why))
      return InvalidArgs(Where(), why);
    cl_mem in;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &in));
    const NCHWShape iv = ImageViewOf(Input(0)->shape());
    const OpenCLLibrary &cl = Memory(ctx)->runtime()->cl();
    int offset = 0;
    for (int i = 0; i < OutputSize(); ++i) {
      Shape shape = Input(0)->shape();
      shape[axis] = sizes[i];
      cl_mem out;
      MACE_RETURN_IF_ERROR(OutputImage(ctx, i, shape, &out));
      const int blocks = ChannelBlocks(int(sizes[i]));
      cl_kernel kernel;
      MACE_RETURN_IF_ERROR(Kernel(ctx, "split", "split_channel", "", &kernel));
      MACE_RETURN_IF_ERROR(SetKernelArgs(cl, kernel, in, cl_int(offset), cl_int(blocks), cl_int(iv.w), cl_int(iv.n * iv.h), out));
      MACE_RETURN_IF_ERROR(Enqueue(ctx, kernel, {size_t(blocks), size_t(iv.w), size_t(iv.n) * iv.h}));
      offset += int(sizes[i]);
    }
    return MaceStatus();
  }

 private:
  // The CPU kernel's output sizes along the axis; empty outputs are refused (no image).
  bool Sizes(int64_t axis, std::vector<int64_t> *sizes, std::string *why) const {
    const int n = OutputSize();
    const int64_t dim = Input(0)->dim(int(axis));
    const Tensor *split = Input(1);
    if (split != nullptr && split->size() > 0) {
      if (HasArg("num_outputs") || !ReadIntInput(1, sizes).ok() || int(sizes->size()) != n) {
        *why = "invalid split sizes (the CPU kernel reports it)";
        return false;
      }
      int64_t sum = 0;
      for (int64_t s : *sizes) sum += s;
      if (sum != dim) {
        *why = "invalid split sizes (the CPU kernel reports it)";
        return false;
      }
    } else {
      const int64_t parts = GetInt("num_outputs", n);
      if (parts != n || n < 1) {
        *why = "invalid num_outputs (the CPU kernel reports it)";
        return false;
      }
      const int64_t chunk = (dim + parts - 1) / parts;
      sizes->assign(size_t(n), chunk);
      sizes->back() = dim - chunk * (parts - 1);
    }
    for (int64_t s : *sizes)
      if (s <= 0) {
        *why = "an empty output (GPU images: non-empty tensors)";
        return false;
      }
    return true;
  }
};

}  // namespace opencl

MACE_OP_REGISTRAR(GpuConcatSplit) {
  MACE_REGISTER_GPU_OP(registry, "Concat", opencl::GpuConcatOp, DataType::DT_INVALID);
  MACE_REGISTER_GPU_OP(registry, "Split", opencl::GpuSplitOp, DataType::DT_INVALID);
}

}  // namespace mace
