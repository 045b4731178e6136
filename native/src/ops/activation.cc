// Element-wise activation ops: Relu, Clip, LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish,
// Elu, Selu, Softplus. All take float32; Relu and Clip also take int32/int64 (shape
// arithmetic) and int8/uint8. The output has the input's shape and type.
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/op_registry.h"
#include "ops/common/elementwise.h"
#include "ops/common/fast_math.h"

namespace mace {

namespace {

enum class ActKind { RELU, CLIP, LEAKYRELU, SIGMOID, TANH, HARDSIGMOID, HARDSWISH, ELU, SELU, SOFTPLUS };

ActKind KindOf(const std::string &type) {
  if (type == "Relu") return ActKind::RELU;
  if (type == "Clip") return ActKind::CLIP;
  if (type == "LeakyRelu") return ActKind::LEAKYRELU;
  if (type == "Sigmoid") return ActKind::SIGMOID;
  if (type == "Tanh") return ActKind::TANH;
  if (type == "HardSigmoid") return ActKind::HARDSIGMOID;
  if (type == "HardSwish") return ActKind::HARDSWISH;
  if (type == "Elu") return ActKind::ELU;
  if (type == "Selu") return ActKind::SELU;
  return ActKind::SOFTPLUS;
}

inline float StableSoftplus(float x) {
  // log(1 + e^x) = max(x, 0) + log1p(e^-|x|), without overflow for large |x|.
  return std::max(x, 0.f) + std::log1p(std::exp(-std::fabs(x)));
}

}  // namespace

class ActivationOp : public Operation {
 public:
  ActivationOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : Operation(def, std::move(inputs), std::move(outputs)), kind_(KindOf(def.type)) {
    switch (kind_) {
      case ActKind::LEAKYRELU: alpha_ = GetFloat("alpha", 0.01f); break;
      case ActKind::HARDSIGMOID:
        alpha_ = GetFloat("alpha", 0.2f);
        beta_ = GetFloat("beta", 0.5f);
        break;
      case ActKind::ELU: alpha_ = GetFloat("alpha", 1.f); break;
      case ActKind::SELU:
        alpha_ = GetFloat("alpha", 1.67326319217681884765625f);
        gamma_ = GetFloat("gamma", 1.05070102214813232421875f);
        break;
      default: break;
    }
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "input X is required");
    Tensor *y = Output(0);
    MACE_ENSURE(y != nullptr, Where(), "output Y is required");
    const DataType dt = x->dtype();
    const bool int_ok = kind_ == ActKind::RELU || kind_ == ActKind::CLIP;
    if (int_ok) {
      if (dt == DataType::DT_FLOAT) return RunReluOrClip<float>(ctx, x, y);
      if (dt == DataType::DT_INT64) return RunReluOrClip<int64_t>(ctx, x, y);
      if (dt == DataType::DT_INT32) return RunReluOrClip<int32_t>(ctx, x, y);
      if (dt == DataType::DT_INT8) return RunReluOrClip<int8_t>(ctx, x, y);
      if (dt == DataType::DT_UINT8) return RunReluOrClip<uint8_t>(ctx, x, y);
    } else if (dt == DataType::DT_FLOAT) {
      MACE_RETURN_IF_ERROR(y->Resize(x->shape(), dt));
      return RunFloat(ctx, x->data<float>(), y->mutable_data<float>(), x->size());
    }
    return InvalidArgs(Where(), "input X has type ", DataTypeName(dt), "; supported: float32",
                       int_ok ? ", int32, int64, int8, uint8" : "");
  }

 private:
  // Reads Clip's optional scalar bound `index` (of X's type); `dflt` when omitted.
  template <typename T>
  MaceStatus ReadBound(int index, const char *what, T dflt, T *out) const {
    const Tensor *t = Input(index);
    if (t == nullptr) {
      *out = dflt;
      return MaceStatus::MACE_SUCCESS;
    }
    MACE_ENSURE(t->dtype() == DataTypeOf<T>::value, Where(), what, " has type ",
                DataTypeName(t->dtype()), " but X has type ", DataTypeName(DataTypeOf<T>::value));
    MACE_ENSURE(t->size() == 1, Where(), what, " must be a scalar, got shape ",
                ShapeToString(t->shape()));
    *out = t->data<T>()[0];
    return MaceStatus::MACE_SUCCESS;
  }

  template <typename T>
  MaceStatus RunReluOrClip(OpContext *ctx, const Tensor *x, Tensor *y) {
    T lo = 0, hi = 0;
    if (kind_ == ActKind::CLIP) {
      using Limits = std::numeric_limits<T>;
      const T lowest = Limits::has_infinity ? -Limits::infinity() : Limits::lowest();
      const T highest = Limits::has_infinity ? Limits::infinity() : Limits::max();
      MACE_RETURN_IF_ERROR(ReadBound<T>(1, "min (input 1)", lowest, &lo));
      MACE_RETURN_IF_ERROR(ReadBound<T>(2, "max (input 2)", highest, &hi));
    }
    MACE_RETURN_IF_ERROR(y->Resize(x->shape(), x->dtype()));
    const T *in = x->data<T>();
    T *out = y->mutable_data<T>();
    const int64_t n = x->size();
    if (kind_ == ActKind::RELU) {
      // x < 0 ? 0 : x keeps NaN as NaN.
      MapElements(ctx, in, out, n, kCheapOpChunk, [](T v) { return v < T(0) ? T(0) : v; });
    } else {
      // min > max gives max everywhere, as ONNX specifies; NaN stays NaN.
      MapElements(ctx, in, out, n, kCheapOpChunk, [lo, hi](T v) {
        T r = v < lo ? lo : v;
        return hi < r ? hi : r;
      });
    }
    return MaceStatus::MACE_SUCCESS;
  }

  MaceStatus RunFloat(OpContext *ctx, const float *in, float *out, int64_t n) {
    const float alpha = alpha_, beta = beta_, gamma = gamma_;
    switch (kind_) {
      case ActKind::LEAKYRELU:
        MapElements(ctx, in, out, n, kCheapOpChunk,
                    [alpha](float v) { return v < 0.f ? alpha * v : v; });
        break;
      case ActKind::SIGMOID:
        MapElements(ctx, in, out, n, kCostlyOpChunk, [](float v) { return fast_math::SigmoidApprox(v); });
        break;
      case ActKind::TANH:
        MapElements(ctx, in, out, n, kCostlyOpChunk, [](float v) { return fast_math::TanhApprox(v); });
        break;
      case ActKind::HARDSIGMOID:
        MapElements(ctx, in, out, n, kCheapOpChunk, [alpha, beta](float v) {
          return std::min(1.f, std::max(0.f, alpha * v + beta));
        });
        break;
      case ActKind::HARDSWISH:
        MapElements(ctx, in, out, n, kCheapOpChunk, [](float v) {
          return v * std::min(1.f, std::max(0.f, v * (1.f / 6.f) + 0.5f));
        });
        break;
      case ActKind::ELU:
        MapElements(ctx, in, out, n, kCostlyOpChunk,
                    [alpha](float v) { return v < 0.f ? alpha * std::expm1(v) : v; });
        break;
      case ActKind::SELU:
        MapElements(ctx, in, out, n, kCostlyOpChunk, [alpha, gamma](float v) {
          return v > 0.f ? gamma * v : gamma * alpha * std::expm1(v);
        });
        break;
      case ActKind::SOFTPLUS:
        MapElements(ctx, in, out, n, kCostlyOpChunk, [](float v) { return StableSoftplus(v); });
        break;
      default:
        return RuntimeError(Where(), "unexpected activation kind");
    }
    return MaceStatus::MACE_SUCCESS;
  }

  ActKind kind_;
  float alpha_ = 0.f, beta_ = 0.f, gamma_ = 0.f;
};

MACE_OP_REGISTRAR(Activation) {
  for (const char *type : {"Relu", "Clip", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid",
                           "HardSwish", "Elu", "Selu", "Softplus"}) {
    MACE_REGISTER_CPU_OP(registry, type, ActivationOp, DataType::DT_INVALID);
  }
}

}  // namespace mace
