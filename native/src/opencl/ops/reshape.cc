// GPU kernels of the shape-only ops Reshape, Flatten, Squeeze, Unsqueeze and Identity: when the
// input's and output's image views (ImageView) are the same NCHW shape (e.g. [N, C, 1, 1] <->
// [N, C]), the image content is the same, and the op copies the image region (the output has
// its own image). Other reshapes move elements between channels and pixels: refused ("reshape
// changes the image layout"), as are non-float data and invalid shape arguments (the CPU kernel
// reports those). Shape and axes inputs are int tensors and are read on the host.
#include "opencl/gpu_op.h"
#include "opencl/image_ops.h"

namespace mace {
namespace opencl {

class GpuReshapeOp : public GpuOperation {
 public:
  using GpuOperation::GpuOperation;

  bool Supports(const OpContext *ctx, std::string *why) const override {
    if (!FloatInputs({0}, why)) return false;
    if (ctx == nullptr) return true;
    if (!HasGpu(ctx, why)) return false;
    Shape out;
    if (!OutputShape(&out, why)) return false;
    NCHWShape a, b;
    if (!ImageView(Input(0)->shape(), &a, why) || !ImageView(out, &b, why)) return false;
    if (a.n != b.n || a.c != b.c || a.h != b.h || a.w != b.w) {
      *why = "reshape changes the image layout (" + ShapeToString(Input(0)->shape()) + " -> " +
             ShapeToString(out) + ")";
      return false;
    }
    return Fits(ctx, out, why);
  }

  MaceStatus Run(OpContext *ctx) override {
    Shape out_shape;
    std::string why;
    if (!OutputShape(&out_shape, &why)) return InvalidArgs(Where(), why);
    NCHWShape view;
    if (!ImageView(out_shape, &view, &why)) return InvalidArgs(Where(), why);
    cl_mem in, out;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &in));
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, out_shape, &out));
    cl_kernel kernel;
    MACE_RETURN_IF_ERROR(Kernel(ctx, "copy", "copy_image", "", &kernel));
    const ImageShape image = ChannelImageShape(view);
    MACE_RETURN_IF_ERROR(SetKernelArgs(Memory(ctx)->runtime()->cl(), kernel, in, cl_int(image.width),
                                       cl_int(image.height), out));
    return Enqueue(ctx, kernel, {image.width, image.height});
  }

 private:
  // The CPU kernels' output shape (reshape.cc, identity.cc); false with *why on invalid args.
  bool OutputShape(Shape *out, std::string *why) const {
    const Tensor *x = Input(0);
    const int rank = x->ndim();
    std::vector<int64_t> ints;
    if (type() == "Identity") {
      *out = x->shape();
      return true;
    }
    if (type() == "Flatten") {
      int64_t axis = GetInt("axis", 1);
      if (axis < -rank || axis > rank) return Invalid("axis out of range", why);
      if (axis < 0) axis += rank;
      int64_t outer = 1, inner = 1;
      for (int d = 0; d < rank; ++d) (d < axis ? outer : inner) *= x->dim(d);
      *out = {outer, inner};
      return true;
    }
    const bool needs_input = type() != "Squeeze";
    if (Input(1) == nullptr) {
      if (needs_input) return Invalid("missing shape/axes input", why);
    } else if (!ReadIntInput(1, &ints).ok()) {
      return Invalid("unreadable shape/axes input", why);
    }
    if (type() == "Reshape") {
      const bool allowzero = GetInt("allowzero", 0) != 0;
      Shape shape(ints.size());
      int infer = -1;
      int64_t known = 1;
      for (size_t i = 0; i < ints.size(); ++i) {
        int64_t v = ints[i];
        if (v == 0 && !allowzero) {
          if (int(i) >= rank) return Invalid("shape copies a dim past the input rank", why);
          v = x->dim(int(i));
        }
        if (v == -1) {
          if (infer >= 0) return Invalid("more than one -1", why);
          infer = int(i);
          continue;
        }
        if (v <= 0) return Invalid("empty or negative dims", why);
        shape[i] = v;
        known *= v;
      }
      if (infer >= 0) {
        if (x->size() % known != 0) return Invalid("shape does not divide the input", why);
        shape[infer] = x->size() / known;
      }
      *out = shape;
    } else if (type() == "Squeeze") {
      std::vector<bool> drop(rank, false);
      if (Input(1) != nullptr) {
        for (int64_t a : ints) {
          if (a < -rank || a >= rank) return Invalid("axis out of range", why);
          if (a < 0) a += rank;
          if (drop[a] || x->dim(int(a)) != 1) return Invalid("axis repeated or of size > 1", why);
          drop[a] = true;
        }
      } else {
        for (int d = 0; d < rank; ++d) drop[d] = x->dim(d) == 1;
      }
      out->clear();
      for (int d = 0; d < rank; ++d)
        if (!drop[d]) out->push_back(x->dim(d));
    } else {  // Unsqueeze
      const int64_t out_rank = rank + int64_t(ints.size());
      std::vector<bool> added(out_rank, false);
      for (int64_t a : ints) {
        if (a < -out_rank || a >= out_rank) return Invalid("axis out of range", why);
        if (a < 0) a += out_rank;
        if (added[a]) return Invalid("axis repeated", why);
        added[a] = true;
      }
      out->assign(out_rank, 1);
      int next = 0;
      for (int64_t d = 0; d < out_rank; ++d)
        if (!added[d]) (*out)[d] = x->dim(next++);
    }
    int64_t count = 1;
    for (int64_t d : *out) count *= d;
    if (count != x->size()) return Invalid("output shape does not hold the input's elements", why);
    return true;
  }

  static bool Invalid(const std::string &what, std::string *why) {
    *why = "invalid arguments (" + what + "; the CPU kernel reports it)";
    return false;
  }
};

}  // namespace opencl

MACE_OP_REGISTRAR(GpuReshape) {
  for (const char *type : {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity"})
    MACE_REGISTER_GPU_OP(registry, type, opencl::GpuReshapeOp, DataType::DT_INVALID);
}

}  // namespace mace
