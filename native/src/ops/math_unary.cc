// Element-wise math ops: Erf, Sqrt, Exp, Log, Reciprocal (float32) and Abs, Neg (float32,
// int32, int64; integers wrap as two's complement, so Abs/Neg of the minimum stay there).
// The output has the input's shape and type.
#include <cmath>

#include "core/op_registry.h"
#include "ops/common/elementwise.h"
#include "ops/common/numeric_cast.h"

namespace mace {

namespace {
enum class MathKind { ERF, SQRT, EXP, LOG, RECIPROCAL, ABS, NEG };

MathKind MathKindOf(const std::string &type) {
  if (type == "Erf") return MathKind::ERF;
  if (type == "Sqrt") return MathKind::SQRT;
  if (type == "Exp") return MathKind::EXP;
  if (type == "Log") return MathKind::LOG;
  if (type == "Reciprocal") return MathKind::RECIPROCAL;
  if (type == "Abs") return MathKind::ABS;
  return MathKind::NEG;
}
}  // namespace

class MathUnaryOp : public Operation {
 public:
  MathUnaryOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : Operation(def, std::move(inputs), std::move(outputs)), kind_(MathKindOf(def.type)) {}

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "input X is required");
    Tensor *y = Output(0);
    MACE_ENSURE(y != nullptr, Where(), "output Y is required");
    const DataType dt = x->dtype();
    const bool int_ok = kind_ == MathKind::ABS || kind_ == MathKind::NEG;
    if (dt == DataType::DT_FLOAT) return RunFloat(ctx, x, y);
    if (int_ok && dt == DataType::DT_INT64) return RunInt<int64_t>(ctx, x, y);
    if (int_ok && dt == DataType::DT_INT32) return RunInt<int32_t>(ctx, x, y);
    return InvalidArgs(Where(), "input X has type ", DataTypeName(dt), "; supported: float32",
                       int_ok ? ", int32, int64" : "");
  }

 private:
  MaceStatus RunFloat(OpContext *ctx, const Tensor *x, Tensor *y) {
    MACE_RETURN_IF_ERROR(y->Resize(x->shape(), DataType::DT_FLOAT));
    const float *in = x->data<float>();
    float *out = y->mutable_data<float>();
    const int64_t n = x->size();
    switch (kind_) {
      case MathKind::ERF:
        MapElements(ctx, in, out, n, kCostlyOpChunk, [](float v) { return std::erf(v); });
        break;
      case MathKind::SQRT:
        MapElements(ctx, in, out, n, kCheapOpChunk, [](float v) { return std::sqrt(v); });
        break;
      case MathKind::EXP:
        MapElements(ctx, in, out, n, kCostlyOpChunk, [](float v) { return std::exp(v); });
        break;
      case MathKind::LOG:
        MapElements(ctx, in, out, n, kCostlyOpChunk, [](float v) { return std::log(v); });
        break;
      case MathKind::RECIPROCAL:
        MapElements(ctx, in, out, n, kCheapOpChunk, [](float v) { return 1.f / v; });
        break;
      case MathKind::ABS:
        MapElements(ctx, in, out, n, kCheapOpChunk, [](float v) { return std::fabs(v); });
        break;
      case MathKind::NEG:
        MapElements(ctx, in, out, n, kCheapOpChunk, [](float v) { return -v; });
        break;
    }
    return MaceStatus::MACE_SUCCESS;
  }

  template <typename T>
  MaceStatus RunInt(OpContext *ctx, const Tensor *x, Tensor *y) {
    MACE_RETURN_IF_ERROR(y->Resize(x->shape(), x->dtype()));
    const T *in = x->data<T>();
    T *out = y->mutable_data<T>();
    if (kind_ == MathKind::ABS) {
      MapElements(ctx, in, out, x->size(), kCheapOpChunk,
                  [](T v) { return v < 0 ? WrapNeg(v) : v; });
    } else {
      MapElements(ctx, in, out, x->size(), kCheapOpChunk, [](T v) { return WrapNeg(v); });
    }
    return MaceStatus::MACE_SUCCESS;
  }

  MathKind kind_;
};

MACE_OP_REGISTRAR(MathUnary) {
  for (const char *type : {"Erf", "Sqrt", "Exp", "Log", "Reciprocal", "Abs", "Neg"}) {
    MACE_REGISTER_CPU_OP(registry, type, MathUnaryOp, DataType::DT_INVALID);
  }
}

}  // namespace mace
