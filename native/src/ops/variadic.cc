// Variadic element-wise Min and Max: 1..N inputs of one type (float32, int32, int64, int8,
// uint8) with numpy broadcasting among all of them. A NaN in any input gives NaN, as ONNX
// (numpy) does.
#include <cmath>
#include <cstring>
#include <type_traits>

#include "core/op_registry.h"
#include "ops/common/broadcast.h"

namespace mace {

class VariadicMinMaxOp : public Operation {
 public:
  VariadicMinMaxOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : Operation(def, std::move(inputs), std::move(outputs)), is_max_(def.type == "Max") {}

  MaceStatus Run(OpContext *ctx) override {
    MACE_ENSURE(InputSize() >= 1, Where(), "needs at least one input");
    std::vector<Shape> shapes;
    for (int i = 0; i < InputSize(); ++i) {
      const Tensor *t = Input(i);
      MACE_ENSURE(t != nullptr, Where(), "input ", i, " is missing");
      MACE_ENSURE(t->dtype() == Input(0)->dtype(), Where(), "all inputs must have one type: input 0 is ",
                  DataTypeName(Input(0)->dtype()), ", input ", i, " is ", DataTypeName(t->dtype()));
      shapes.push_back(t->shape());
    }
    Shape out_shape;
    MaceStatus s = BroadcastShapes(shapes, &out_shape);
    if (!s.ok()) return InvalidArgs(Where(), s.information());
    Tensor *y = Output(0);
    MACE_ENSURE(y != nullptr, Where(), "output is required");
    switch (Input(0)->dtype()) {
      case DataType::DT_FLOAT: return RunTyped<float>(ctx, out_shape, y);
      case DataType::DT_INT64: return RunTyped<int64_t>(ctx, out_shape, y);
      case DataType::DT_INT32: return RunTyped<int32_t>(ctx, out_shape, y);
      case DataType::DT_INT8: return RunTyped<int8_t>(ctx, out_shape, y);
      case DataType::DT_UINT8: return RunTyped<uint8_t>(ctx, out_shape, y);
      default:
        return InvalidArgs(Where(), "input type ", DataTypeName(Input(0)->dtype()),
                           " is not supported; supported: float32, int32, int64, int8, uint8");
    }
  }

 private:
  template <typename T>
  static T Max(T a, T b) {
    if constexpr (std::is_floating_point<T>::value) {
      if (std::isnan(a) || std::isnan(b)) return std::isnan(a) ? a : b;
    }
    return a < b ? b : a;
  }
  template <typename T>
  static T Min(T a, T b) {
    if constexpr (std::is_floating_point<T>::value) {
      if (std::isnan(a) || std::isnan(b)) return std::isnan(a) ? a : b;
    }
    return b < a ? b : a;
  }

  // Broadcasts input 0 into Y, then folds every further input into Y in place.
  template <typename T>
  MaceStatus RunTyped(OpContext *ctx, const Shape &out_shape, Tensor *y) {
    MACE_RETURN_IF_ERROR(y->Resize(out_shape, Input(0)->dtype()));
    T *py = y->mutable_data<T>();
    if (y->size() == 0) return MaceStatus::MACE_SUCCESS;
    for (int i = 0; i < InputSize(); ++i) {
      const Tensor *x = Input(i);
      MACE_RETURN_IF_ERROR(plan_.Init(out_shape, x->shape()));
      const T *px = x->data<T>();
      if (i == 0) {
        if (x->shape() == out_shape) {
          std::memcpy(py, px, static_cast<size_t>(y->size()) * sizeof(T));
        } else {
          BroadcastBinary(ctx, plan_, py, px, py, kCheapOpChunk, [](T, T v) { return v; });
        }
      } else if (is_max_) {
        BroadcastBinary(ctx, plan_, py, px, py, kCheapOpChunk, [](T u, T v) { return Max(u, v); });
      } else {
        BroadcastBinary(ctx, plan_, py, px, py, kCheapOpChunk, [](T u, T v) { return Min(u, v); });
      }
    }
    return MaceStatus::MACE_SUCCESS;
  }

  bool is_max_;
  BroadcastPlan plan_;
};

MACE_OP_REGISTRAR(VariadicMinMax) {
  MACE_REGISTER_CPU_OP(registry, "Min", VariadicMinMaxOp, DataType::DT_INVALID);
  MACE_REGISTER_CPU_OP(registry, "Max", VariadicMinMaxOp, DataType::DT_INVALID);
}

}  // namespace mace
