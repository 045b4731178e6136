// GPU (OpenCL) kernels of element-wise ops for DeviceType::GPU engines: the binary ops Add,
// Sub, Mul, Div, Min, Max on two float inputs of one shape, and the activations Relu, Clip (to
// [0, max]: Relu6 and friends), LeakyRelu, Sigmoid and Tanh on a float input. Tensors of rank
// 1..4 are viewed as NCHW (leading 1s added), which element-wise ops allow. Anything else
// (broadcasting, other types, other Clip bounds, images past the device's limits) is refused
// by Supports() and runs on the CPU, with the reason in the engine's placement.
//
// Each op works on the engine's ordinary CPU tensors: it uploads its inputs to images
// (BufferToImage), runs the kernel and downloads the output (ImageToBuffer). Keeping images
// resident between consecutive GPU ops is the next step (docs/gpu-runtime.md).
#include <cmath>
#include <limits>

#include "core/op_registry.h"
#include "opencl/image_ops.h"

namespace mace {
namespace opencl {

namespace {

// `shape` as NCHW for an element-wise kernel, when its image fits the device.
bool ElementwiseShape(const Shape &shape, const OpenCLRuntime &rt, NCHWShape *out, std::string *why) {
  if (shape.empty() || shape.size() > 4) {
    *why = "rank " + std::to_string(shape.size()) + " (GPU kernel: rank 1..4)";
    return false;
  }
  int64_t d[4] = {1, 1, 1, 1};
  for (size_t i = 0; i < shape.size(); ++i) d[4 - shape.size() + i] = shape[i];
  for (int64_t v : d)
    if (v <= 0 || v > std::numeric_limits<int>::max()) {
      *why = "shape " + ShapeToString(shape) + " (GPU kernel: non-empty tensors)";
      return false;
    }
  NCHWShape s;
  s.n = int(d[0]), s.c = int(d[1]), s.h = int(d[2]), s.w = int(d[3]);
  ImageShape image = ChannelImageShape(s);
  if (!rt.image_supported() || image.width > rt.image2d_max_width() || image.height > rt.image2d_max_height()) {
    *why = "shape " + ShapeToString(shape) + " exceeds the device's image limits";
    return false;
  }
  *out = s;
  return true;
}

// Uploads a float tensor to a new float image.
MaceStatus Upload(OpenCLRuntime *rt, const Tensor &t, const NCHWShape &shape, CLObject<cl_mem> *image) {
  CLObject<cl_mem> buffer;
  MACE_RETURN_IF_ERROR(CreateBuffer(rt, t.bytes(), t.raw_data(), &buffer));
  MACE_RETURN_IF_ERROR(CreateImage(rt, ChannelImageShape(shape), ImageType::kFloat, image));
  return BufferToImage(rt, buffer.get(), shape, image->get());
}

// Downloads a float image into `t` (already resized); waits for the queue.
MaceStatus Download(OpenCLRuntime *rt, cl_mem image, const NCHWShape &shape, Tensor *t) {
  CLObject<cl_mem> buffer;
  MACE_RETURN_IF_ERROR(CreateBuffer(rt, t->bytes(), nullptr, &buffer));
  MACE_RETURN_IF_ERROR(ImageToBuffer(rt, image, shape, buffer.get()));
  return ReadBuffer(rt, buffer.get(), t->bytes(), t->raw_mutable_data());
}

bool IsFloat(const Tensor *t) { return t != nullptr && t->dtype() == DataType::DT_FLOAT; }

}  // namespace

class GpuEltwiseOp : public Operation {
 public:
  GpuEltwiseOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : Operation(def, std::move(inputs), std::move(outputs)), type_(TypeOf(def.type)) {}

  bool Supports(const OpContext *ctx, std::string *why) const override {
    if (InputSize() != 2 || Input(0) == nullptr || Input(1) == nullptr) {
      *why = std::to_string(InputSize()) + " inputs (GPU kernel: 2)";
      return false;
    }
    if (!IsFloat(Input(0)) || !IsFloat(Input(1))) {
      *why = std::string(DataTypeName(Input(0)->dtype())) + " inputs (GPU kernel: float32)";
      return false;
    }
    if (ctx == nullptr) return true;
    if (ctx->opencl == nullptr) {
      *why = "no OpenCL runtime";
      return false;
    }
    if (Input(0)->shape() != Input(1)->shape()) {
      *why = "broadcast " + ShapeToString(Input(0)->shape()) + " with " + ShapeToString(Input(1)->shape()) +
             " (GPU kernel: same shapes)";
      return false;
    }
    NCHWShape shape;
    return ElementwiseShape(Input(0)->shape(), *ctx->opencl, &shape, why);
  }

  MaceStatus Run(OpContext *ctx) override {
    OpenCLRuntime *rt = ctx->opencl;
    std::string why;
    NCHWShape shape;
    MACE_ENSURE(rt != nullptr && ElementwiseShape(Input(0)->shape(), *rt, &shape, &why), Where(),
                "GPU kernel cannot run: ", why);
    Tensor *y = Output(0);
    MACE_ENSURE(y != nullptr, Where(), "output is required");
    MACE_RETURN_IF_ERROR(y->Resize(Input(0)->shape(), DataType::DT_FLOAT));
    CLObject<cl_mem> a, b, out;
    MACE_RETURN_IF_ERROR(Upload(rt, *Input(0), shape, &a));
    MACE_RETURN_IF_ERROR(Upload(rt, *Input(1), shape, &b));
    MACE_RETURN_IF_ERROR(CreateImage(rt, ChannelImageShape(shape), ImageType::kFloat, &out));
    MACE_RETURN_IF_ERROR(Eltwise(rt, type_, a.get(), b.get(), shape, out.get()));
    return Download(rt, out.get(), shape, y);
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

class GpuActivationOp : public Operation {
 public:
  GpuActivationOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : Operation(def, std::move(inputs), std::move(outputs)) {
    const std::string &t = def.type;
    if (t == "Relu") act_.type = ActivationType::kRelu;
    if (t == "Clip") act_.type = ActivationType::kReluX;
    if (t == "Tanh") act_.type = ActivationType::kTanh;
    if (t == "Sigmoid") act_.type = ActivationType::kSigmoid;
    if (t == "LeakyRelu") {
      act_.type = ActivationType::kLeakyRelu;
      act_.alpha = GetFloat("alpha", 0.01f);
    }
  }

  bool Supports(const OpContext *ctx, std::string *why) const override {
    const Tensor *x = Input(0);
    if (!IsFloat(x)) {
      *why = x == nullptr ? "no input" : std::string(DataTypeName(x->dtype())) + " input (GPU kernel: float32)";
      return false;
    }
    if (type() == "Clip") {
      for (int i = 1; i <= 2; ++i)
        if (Input(i) != nullptr && Input(i)->dtype() != DataType::DT_FLOAT) {
          *why = "non-float bounds";
          return false;
        }
    }
    if (ctx == nullptr) return true;
    if (ctx->opencl == nullptr) {
      *why = "no OpenCL runtime";
      return false;
    }
    if (type() == "Clip") {
      Activation act;
      if (!ClipAsActivation(&act, why)) return false;
    }
    NCHWShape shape;
    return ElementwiseShape(x->shape(), *ctx->opencl, &shape, why);
  }

  MaceStatus Run(OpContext *ctx) override {
    OpenCLRuntime *rt = ctx->opencl;
    std::string why;
    NCHWShape shape;
    Activation act = act_;
    MACE_ENSURE(rt != nullptr && ElementwiseShape(Input(0)->shape(), *rt, &shape, &why) &&
                    (type() != "Clip" || ClipAsActivation(&act, &why)),
                Where(), "GPU kernel cannot run: ", why);
    Tensor *y = Output(0);
    MACE_ENSURE(y != nullptr, Where(), "output is required");
    MACE_RETURN_IF_ERROR(y->Resize(Input(0)->shape(), DataType::DT_FLOAT));
    CLObject<cl_mem> x, out;
    MACE_RETURN_IF_ERROR(Upload(rt, *Input(0), shape, &x));
    MACE_RETURN_IF_ERROR(CreateImage(rt, ChannelImageShape(shape), ImageType::kFloat, &out));
    MACE_RETURN_IF_ERROR(Activate(rt, act, x.get(), shape, out.get()));
    return Download(rt, out.get(), shape, y);
  }

 private:
  // Clip with min 0 and a max >= 0 (or none) is the kernel's relux (or relu); other bounds are
  // not (the kernel's lower bound is 0).
  bool ClipAsActivation(Activation *act, std::string *why) const {
    float lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();
    for (int i = 1; i <= 2; ++i) {
      const Tensor *t = Input(i);
      if (t == nullptr) continue;
      if (t->size() != 1) {
        *why = "non-scalar bounds";
        return false;
      }
      (i == 1 ? lo : hi) = t->data<float>()[0];
    }
    if (!(lo == 0.f) || !(hi >= 0.f)) {
      *why = "bounds [" + std::to_string(lo) + ", " + std::to_string(hi) + "] (GPU kernel: [0, max >= 0])";
      return false;
    }
    if (std::isinf(hi)) {
      act->type = ActivationType::kRelu;
    } else {
      act->type = ActivationType::kReluX;
      act->max_limit = hi;
    }
    return true;
  }

  Activation act_;
};

}  // namespace opencl

MACE_OP_REGISTRAR(GpuElementwise) {
  for (const char *type : {"Add", "Sub", "Mul", "Div", "Min", "Max"})
    MACE_REGISTER_GPU_OP(registry, type, opencl::GpuEltwiseOp, DataType::DT_INVALID);
  for (const char *type : {"Relu", "Clip", "LeakyRelu", "Sigmoid", "Tanh"})
    MACE_REGISTER_GPU_OP(registry, type, opencl::GpuActivationOp, DataType::DT_INVALID);
}

}  // namespace mace
