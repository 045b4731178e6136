// Element-wise binary arithmetic with numpy (multidirectional) broadcasting: Add, Sub, Mul,
// Div for float32, int32, int64, int8, uint8 (both inputs of one type; integers wrap,
// integer Div truncates toward zero and rejects a zero divisor), and Pow with a float32,
// int32 or int64 base and an exponent of any of those types. The output has A's type.
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "core/op_registry.h"
#include "ops/common/broadcast.h"
#include "ops/common/numeric_cast.h"

namespace mace {

namespace {

enum class BinaryKind { ADD, SUB, MUL, DIV, POW };

BinaryKind BinaryKindOf(const std::string &type) {
  if (type == "Add") return BinaryKind::ADD;
  if (type == "Sub") return BinaryKind::SUB;
  if (type == "Mul") return BinaryKind::MUL;
  if (type == "Div") return BinaryKind::DIV;
  return BinaryKind::POW;
}

bool IsPowType(DataType t) {
  return t == DataType::DT_FLOAT || t == DataType::DT_INT32 || t == DataType::DT_INT64;
}

bool IsArithmeticType(DataType t) {
  return IsPowType(t) || t == DataType::DT_INT8 || t == DataType::DT_UINT8;
}

// Integer power by squaring (wrapping); a negative exponent truncates 1/base^-e toward zero.
template <typename T>
T IntPow(T base, int64_t exponent) {
  if (exponent < 0) {
    if (base == 1) return 1;
    if (base == -1) return (exponent & 1) ? T(-1) : T(1);
    return 0;
  }
  T result = 1;
  while (exponent > 0) {
    if (exponent & 1) result = WrapMul(result, base);
    base = WrapMul(base, base);
    exponent >>= 1;
  }
  return result;
}

}  // namespace

class BinaryOp : public Operation {
 public:
  BinaryOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : Operation(def, std::move(inputs), std::move(outputs)), kind_(BinaryKindOf(def.type)) {}

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *a = Input(0);
    const Tensor *b = Input(1);
    MACE_ENSURE(a != nullptr && b != nullptr, Where(), "needs two inputs A and B");
    Tensor *y = Output(0);
    MACE_ENSURE(y != nullptr, Where(), "output C is required");
    const DataType ta = a->dtype(), tb = b->dtype();
    if (kind_ == BinaryKind::POW) {
      MACE_ENSURE(IsPowType(ta), Where(), "input X has type ", DataTypeName(ta),
                  "; supported: float32, int32, int64");
      MACE_ENSURE(IsPowType(tb), Where(), "input Y has type ", DataTypeName(tb),
                  "; supported: float32, int32, int64");
    } else {
      MACE_ENSURE(IsArithmeticType(ta), Where(), "input A has type ", DataTypeName(ta),
                  "; supported: float32, int32, int64, int8, uint8");
      MACE_ENSURE(ta == tb, Where(), "inputs must have one type, got A ", DataTypeName(ta),
                  " and B ", DataTypeName(tb));
    }
    MaceStatus s = plan_.Init(a->shape(), b->shape());
    if (!s.ok()) return InvalidArgs(Where(), s.information());
    MACE_RETURN_IF_ERROR(y->Resize(plan_.out_shape(), ta));
    if (plan_.out_size() == 0) return MaceStatus::MACE_SUCCESS;

    if (kind_ == BinaryKind::POW) return RunPow(ctx, a, b, y);
    switch (ta) {
      case DataType::DT_FLOAT: return RunFloat(ctx, a, b, y);
      case DataType::DT_INT64: return RunInt<int64_t>(ctx, a, b, y);
      case DataType::DT_INT32: return RunInt<int32_t>(ctx, a, b, y);
      case DataType::DT_INT8: return RunInt<int8_t>(ctx, a, b, y);
      default: return RunInt<uint8_t>(ctx, a, b, y);
    }
  }

 private:
  MaceStatus RunFloat(OpContext *ctx, const Tensor *a, const Tensor *b, Tensor *y) {
    const float *pa = a->data<float>(), *pb = b->data<float>();
    float *py = y->mutable_data<float>();
    switch (kind_) {
      case BinaryKind::ADD:
        BroadcastBinary(ctx, plan_, pa, pb, py, kCheapOpChunk, [](float u, float v) { return u + v; });
        break;
      case BinaryKind::SUB:
        BroadcastBinary(ctx, plan_, pa, pb, py, kCheapOpChunk, [](float u, float v) { return u - v; });
        break;
      case BinaryKind::MUL:
        BroadcastBinary(ctx, plan_, pa, pb, py, kCheapOpChunk, [](float u, float v) { return u * v; });
        break;
      default:
        BroadcastBinary(ctx, plan_, pa, pb, py, kCheapOpChunk, [](float u, float v) { return u / v; });
        break;
    }
    return MaceStatus::MACE_SUCCESS;
  }

  template <typename T>
  MaceStatus RunInt(OpContext *ctx, const Tensor *a, const Tensor *b, Tensor *y) {
    const T *pa = a->data<T>(), *pb = b->data<T>();
    T *py = y->mutable_data<T>();
    switch (kind_) {
      case BinaryKind::ADD:
        BroadcastBinary(ctx, plan_, pa, pb, py, kCheapOpChunk, [](T u, T v) { return WrapAdd(u, v); });
        break;
      case BinaryKind::SUB:
        BroadcastBinary(ctx, plan_, pa, pb, py, kCheapOpChunk, [](T u, T v) { return WrapSub(u, v); });
        break;
      case BinaryKind::MUL:
        BroadcastBinary(ctx, plan_, pa, pb, py, kCheapOpChunk, [](T u, T v) { return WrapMul(u, v); });
        break;
      default: {
        for (int64_t i = 0; i < b->size(); ++i) {
          MACE_ENSURE(pb[i] != 0, Where(), "integer division by zero (B[", i, "] is 0)");
        }
        // C++ division truncates toward zero; min / -1 overflows, so negate (wrapping) instead.
        if constexpr (std::is_signed<T>::value) {
          BroadcastBinary(ctx, plan_, pa, pb, py, kCheapOpChunk,
                          [](T u, T v) { return v == T(-1) ? WrapNeg(u) : static_cast<T>(u / v); });
        } else {
          BroadcastBinary(ctx, plan_, pa, pb, py, kCheapOpChunk,
                          [](T u, T v) { return static_cast<T>(u / v); });
        }
        break;
      }
    }
    return MaceStatus::MACE_SUCCESS;
  }

  MaceStatus RunPow(OpContext *ctx, const Tensor *a, const Tensor *b, Tensor *y) {
    switch (a->dtype()) {
      case DataType::DT_FLOAT: return PowWithBase<float>(ctx, a, b, y);
      case DataType::DT_INT64: return PowWithBase<int64_t>(ctx, a, b, y);
      default: return PowWithBase<int32_t>(ctx, a, b, y);
    }
  }

  template <typename TA>
  MaceStatus PowWithBase(OpContext *ctx, const Tensor *a, const Tensor *b, Tensor *y) {
    switch (b->dtype()) {
      case DataType::DT_FLOAT: PowTyped<TA, float>(ctx, a, b, y); break;
      case DataType::DT_INT64: PowTyped<TA, int64_t>(ctx, a, b, y); break;
      default: PowTyped<TA, int32_t>(ctx, a, b, y); break;
    }
    return MaceStatus::MACE_SUCCESS;
  }

  template <typename TA, typename TB>
  void PowTyped(OpContext *ctx, const Tensor *a, const Tensor *b, Tensor *y) {
    const TA *pa = a->data<TA>();
    const TB *pb = b->data<TB>();
    TA *py = y->mutable_data<TA>();
    if constexpr (std::is_same<TA, float>::value) {
      // Common exponents: x^2 (decomposed norms) and x^1 are exact as products.
      if (b->size() == 1 && static_cast<double>(pb[0]) == 2.0) {
        BroadcastBinary(ctx, plan_, pa, pb, py, kCheapOpChunk, [](TA u, TB) { return u * u; });
      } else if (b->size() == 1 && static_cast<double>(pb[0]) == 1.0) {
        BroadcastBinary(ctx, plan_, pa, pb, py, kCheapOpChunk, [](TA u, TB) { return u; });
      } else if constexpr (std::is_same<TB, float>::value) {
        BroadcastBinary(ctx, plan_, pa, pb, py, kCostlyOpChunk, [](TA u, TB v) {
          return static_cast<TA>(std::pow(static_cast<float>(u), static_cast<float>(v)));
        });
      } else {
        BroadcastBinary(ctx, plan_, pa, pb, py, kCostlyOpChunk, [](TA u, TB v) {
          return static_cast<TA>(std::pow(static_cast<double>(u), static_cast<double>(v)));
        });
      }
    } else if constexpr (std::is_same<TB, float>::value) {
      BroadcastBinary(ctx, plan_, pa, pb, py, kCostlyOpChunk, [](TA u, TB v) {
        return FloatToInt<TA>(std::pow(static_cast<double>(u), static_cast<double>(v)));
      });
    } else {
      BroadcastBinary(ctx, plan_, pa, pb, py, kCheapOpChunk,
                      [](TA u, TB v) { return IntPow<TA>(u, static_cast<int64_t>(v)); });
    }
  }

  BinaryKind kind_;
  BroadcastPlan plan_;
};

MACE_OP_REGISTRAR(Binary) {
  for (const char *type : {"Add", "Sub", "Mul", "Div", "Pow"}) {
    MACE_REGISTER_CPU_OP(registry, type, BinaryOp, DataType::DT_INVALID);
  }
}

}  // namespace mace
