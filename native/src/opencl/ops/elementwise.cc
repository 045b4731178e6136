// GPU kernels of element-wise ops: the binary ops Add, Sub, Mul, Div, Min, Max (with
// broadcasting between inputs of one rank, or against a one-element input) and the activations
// Relu, Clip, LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish. Float inputs of rank 0..4 whose
// images fit the device; anything else runs on the CPU, with the reason in the placement.
#include <cmath>
#include <limits>

#include "opencl/gpu_op.h"
#include "opencl/image_ops.h"

namespace mace {
namespace opencl {

namespace {

cl_int4 Dims(const NCHWShape &s) { return cl_int4{{s.n, s.c, s.h, s.w}}; }

// The numpy broadcast of two shapes; false when they do not broadcast.
bool NumpyBroadcast(const Shape &a, const Shape &b, Shape *out) {
  const size_t rank = std::max(a.size(), b.size());
  out->assign(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t x = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t y = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (x != y && x != 1 && y != 1) return false;
    (*out)[i] = x == 1 ? y : x;
  }
  return true;
}

}  // namespace

class GpuEltwiseOp : public GpuOperation {
 public:
  GpuEltwiseOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : GpuOperation(def, std::move(inputs), std::move(outputs)), type_(TypeOf(def.type)) {}

  bool Supports(const OpContext *ctx, std::string *why) const override {
    if (InputSize() != 2) {
      *why = std::to_string(InputSize()) + " inputs (GPU kernel: 2)";
      return false;
    }
    if (!FloatInputs({0, 1}, why)) return false;
    if (ctx == nullptr) return true;
    if (!HasGpu(ctx, why)) return false;
    const Shape &a = Input(0)->shape(), &b = Input(1)->shape();
    Shape out;
    if (!NumpyBroadcast(a, b, &out)) {
      *why = "shapes " + ShapeToString(a) + " and " + ShapeToString(b) + " do not broadcast";
      return false;
    }
    // Images align ranks below 4 differently from numpy; only same-rank or one-element
    // operands broadcast the same way on both.
    if (a.size() != b.size() && Input(0)->size() != 1 && Input(1)->size() != 1) {
      *why = "broadcast " + ShapeToString(a) + " with " + ShapeToString(b) +
             " (GPU kernel: inputs of one rank, or a one-element input)";
      return false;
    }
    return Fits(ctx, a, why) && Fits(ctx, b, why) && Fits(ctx, out, why);
  }

  MaceStatus Run(OpContext *ctx) override {
    const Shape &a = Input(0)->shape(), &b = Input(1)->shape();
    Shape out_shape;
    MACE_ENSURE(NumpyBroadcast(a, b, &out_shape), Where(), "shapes do not broadcast");
    cl_mem a_image, b_image, out_image;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &a_image));
    MACE_RETURN_IF_ERROR(InputImage(ctx, 1, &b_image));
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, out_shape, &out_image));
    const NCHWShape out = ImageViewOf(out_shape);
    cl_kernel kernel;
    MACE_RETURN_IF_ERROR(Kernel(ctx, "eltwise", "eltwise", StrCat("-DELTWISE_TYPE=", int(type_)), &kernel));
    MACE_RETURN_IF_ERROR(SetKernelArgs(Memory(ctx)->runtime()->cl(), kernel, a_image, Dims(ImageViewOf(a)), b_image,
                                       Dims(ImageViewOf(b)), cl_int(out.h), cl_int(out.w), out_image));
    ImageShape image = ChannelImageShape(out);
    return Enqueue(ctx, kernel, {image.width, image.height});
  }

 private:
  static EltwiseType TypeOf(const std::string &type) {
    if (type == "Sub") return EltwiseType::kSub;
    if (type == "Mul") return EltwiseType::kMul;
    if (type == "Div") return EltwiseType::kDiv;
    if (type == "Min") return EltwiseType::kMin;
    if (type == "Max") return EltwiseType::kMax;
    return EltwiseType::kAdd;
  }

  EltwiseType type_;
};

class GpuActivationOp : public GpuOperation {
 public:
  GpuActivationOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : GpuOperation(def, std::move(inputs), std::move(outputs)) {
    const std::string &t = def.type;
    if (t == "Relu") act_.type = ActivationType::RELU;
    if (t == "Clip") act_.type = ActivationType::CLIP;
    if (t == "Sigmoid") act_.type = ActivationType::SIGMOID;
    if (t == "Tanh") act_.type = ActivationType::TANH;
    if (t == "HardSwish") act_.type = ActivationType::HARDSWISH;
    if (t == "LeakyRelu") {
      act_.type = ActivationType::LEAKYRELU;
      act_.alpha = GetFloat("alpha", 0.01f);
    }
    if (t == "HardSigmoid") {
      act_.type = ActivationType::HARDSIGMOID;
      act_.alpha = GetFloat("alpha", 0.2f);
      act_.beta = GetFloat("beta", 0.5f);
    }
  }

  bool Supports(const OpContext *ctx, std::string *why) const override {
    if (!FloatInputs({0}, why)) return false;
    if (type() == "Clip") {
      for (int i = 1; i <= 2; ++i)
        if (Input(i) != nullptr && (Input(i)->dtype() != DataType::DT_FLOAT || Input(i)->size() != 1 ||
                                    !Input(i)->is_const())) {
          *why = "Clip bounds other than constant float scalars";
          return false;
        }
    }
    if (ctx == nullptr) return true;
    return HasGpu(ctx, why) && Fits(ctx, Input(0)->shape(), why);
  }

  MaceStatus Run(OpContext *ctx) override {
    Activation act = act_;
    if (type() == "Clip") {
      act.alpha = Input(1) ? Input(1)->data<float>()[0] : -std::numeric_limits<float>::infinity();
      act.beta = Input(2) ? Input(2)->data<float>()[0] : std::numeric_limits<float>::infinity();
    }
    cl_mem in, out;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &in));
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, Input(0)->shape(), &out));
    cl_kernel kernel;
    MACE_RETURN_IF_ERROR(Kernel(ctx, "activation", "activation", ActivationOptions(act), &kernel));
    MACE_RETURN_IF_ERROR(SetKernelArgs(Memory(ctx)->runtime()->cl(), kernel, in, act.alpha, act.beta, out));
    ImageShape image = ChannelImageShape(ImageViewOf(Input(0)->shape()));
    return Enqueue(ctx, kernel, {image.width, image.height});
  }

 private:
  Activation act_;
};

}  // namespace opencl

MACE_OP_REGISTRAR(GpuElementwise) {
  for (const char *type : {"Add", "Sub", "Mul", "Div", "Min", "Max"})
    MACE_REGISTER_GPU_OP(registry, type, opencl::GpuEltwiseOp, DataType::DT_INVALID);
  for (const char *type : {"Relu", "Clip", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish"})
    MACE_REGISTER_GPU_OP(registry, type, opencl::GpuActivationOp, DataType::DT_INVALID);
}

}  // namespace mace
