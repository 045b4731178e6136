// GPU kernels of DepthToSpace (modes DCR and CRD) and SpaceToDepth on rank-4 float tensors:
// one work item per output pixel gathers each of its four channels from the input pixel and
// lane the CPU kernel's permutation names. Cases the CPU kernel rejects stay with it.
#include "opencl/gpu_op.h"

namespace mace {
namespace opencl {

class GpuDepthSpaceOp : public GpuOperation {
 public:
  GpuDepthSpaceOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : GpuOperation(def, std::move(inputs), std::move(outputs)) {
    to_space_ = def.type == "DepthToSpace";
    block_ = GetInt("blocksize", 0);
    mode_ = GetString("mode", "DCR");
  }

  bool Supports(const OpContext *ctx, std::string *why) const override {
    if (!FloatInputs({0}, why)) return false;
    if (!HasArg("blocksize") || block_ < 1 || block_ > 4096) {
      *why = "invalid blocksize";
      return false;
    }
    if (to_space_ && mode_ != "DCR" && mode_ != "CRD") {
      *why = "mode '" + mode_ + "'";
      return false;
    }
    if (ctx == nullptr) return true;
    if (!HasGpu(ctx, why)) return false;
    Shape out;
    return OutputShape(&out, why) && Fits(ctx, Input(0)->shape(), why) && Fits(ctx, out, why);
  }

  MaceStatus Run(OpContext *ctx) override {
    std::string why;
    Shape out;
    if (!OutputShape(&out, &why)) return Unsupported(Where(), why);
    const Shape &in = Input(0)->shape();
    cl_mem in_image, out_image;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &in_image));
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, out, &out_image));
    const int mode = to_space_ ? (mode_ == "DCR" ? 0 : 1) : 2;
    cl_kernel kernel;
    // Whole input pixels map to whole output pixels: one read per work item.
    const bool aligned = (mode == 0 && out[1] % 4 == 0) || (mode == 2 && in[1] % 4 == 0);
    MACE_RETURN_IF_ERROR(Kernel(ctx, "depth_space", "depth_space",
                                StrCat("-DDEPTH_SPACE_MODE=", mode, aligned ? " -DALIGNED" : ""), &kernel));
    const cl_int blocks = ChannelBlocks(int(out[1])), rows = cl_int(out[0] * out[2]);
    MACE_RETURN_IF_ERROR(SetKernelArgs(Memory(ctx)->runtime()->cl(), kernel, in_image, cl_int(block_),
                                       cl_int(in[1]), cl_int(in[2]), cl_int(in[3]), cl_int(out[1]),
                                       cl_int(out[2]), cl_int(out[3]), blocks, rows, out_image));
    return Enqueue(ctx, kernel, {size_t(blocks), size_t(out[3]), size_t(rows)});
  }

 private:
  bool OutputShape(Shape *out, std::string *why) const {
    const Tensor *x = Input(0);
    if (x->ndim() != 4 || x->size() == 0) {
      *why = StrCat("input ", ShapeToString(x->shape()), " (GPU kernel: non-empty rank 4)");
      return false;
    }
    const int64_t b = block_, n = x->dim(0), c = x->dim(1), h = x->dim(2), w = x->dim(3);
    if (to_space_) {
      if (c % (b * b) != 0) {
        *why = "channels not a multiple of blocksize^2";
        return false;
      }
      *out = Shape{n, c / (b * b), h * b, w * b};
    } else {
      if (h % b != 0 || w % b != 0) {
        *why = "height or width not a multiple of blocksize";
        return false;
      }
      *out = Shape{n, c * b * b, h / b, w / b};
    }
    return true;
  }

  bool to_space_ = true;
  int64_t block_ = 0;
  std::string mode_;
};

}  // namespace opencl

MACE_OP_REGISTRAR(GpuDepthSpace) {
  MACE_REGISTER_GPU_OP(registry, "DepthToSpace", opencl::GpuDepthSpaceOp, DataType::DT_INVALID);
  MACE_REGISTER_GPU_OP(registry, "SpaceToDepth", opencl::GpuDepthSpaceOp, DataType::DT_INVALID);
}

}  // namespace mace
