// Cast: converts among float32, int32, int64, uint8, int8 and bool. Arg `to` is the ONNX
// TensorProto data type number (1 float, 2 uint8, 3 int8, 6 int32, 7 int64, 9 bool); other
// types (float16, double, ...) are refused. Float→integer truncates toward zero (NaN and
// out-of-range values as numeric_cast.h says); integer narrowing wraps; to bool is x != 0.
#include <cstring>
#include <type_traits>

#include "core/op_registry.h"
#include "ops/common/elementwise.h"
#include "ops/common/numeric_cast.h"

namespace mace {

namespace {

// ONNX TensorProto.DataType names, for error messages.
const char *OnnxTypeName(int64_t to) {
  static const char *const kNames[] = {
      "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING",
      "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
      "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4",
      "FLOAT4E2M1", "FLOAT8E8M0", "UINT2", "INT2"};
  if (to >= 0 && to < static_cast<int64_t>(sizeof(kNames) / sizeof(kNames[0]))) return kNames[to];
  return "unknown";
}

bool OnnxToDataType(int64_t to, DataType *out) {
  switch (to) {
    case 1: *out = DataType::DT_FLOAT; return true;
    case 2: *out = DataType::DT_UINT8; return true;
    case 3: *out = DataType::DT_INT8; return true;
    case 6: *out = DataType::DT_INT32; return true;
    case 7: *out = DataType::DT_INT64; return true;
    case 9: *out = DataType::DT_BOOL; return true;
    default: return false;
  }
}

// Bool tensors are stored one byte per element; any nonzero byte reads as true.
template <typename From, typename To, bool kFromBool, bool kToBool>
void CastElements(OpContext *ctx, const From *in, To *out, int64_t n) {
  MapElements(ctx, in, out, n, kCheapOpChunk, [](From v) -> To {
    if constexpr (kToBool) {
      return v != From(0) ? To(1) : To(0);  // NaN is true, as in C and numpy
    } else if constexpr (kFromBool) {
      return v != From(0) ? To(1) : To(0);
    } else if constexpr (std::is_floating_point<From>::value && std::is_integral<To>::value) {
      return FloatToInt<To>(static_cast<double>(v));
    } else {
      return static_cast<To>(v);
    }
  });
}

template <typename From, bool kFromBool>
void CastFrom(OpContext *ctx, const Tensor *x, Tensor *y) {
  const From *in = x->data<From>();
  const int64_t n = x->size();
  switch (y->dtype()) {
    case DataType::DT_FLOAT:
      CastElements<From, float, kFromBool, false>(ctx, in, y->mutable_data<float>(), n);
      break;
    case DataType::DT_INT32:
      CastElements<From, int32_t, kFromBool, false>(ctx, in, y->mutable_data<int32_t>(), n);
      break;
    case DataType::DT_INT64:
      CastElements<From, int64_t, kFromBool, false>(ctx, in, y->mutable_data<int64_t>(), n);
      break;
    case DataType::DT_UINT8:
      CastElements<From, uint8_t, kFromBool, false>(ctx, in, y->mutable_data<uint8_t>(), n);
      break;
    case DataType::DT_INT8:
      CastElements<From, int8_t, kFromBool, false>(ctx, in, y->mutable_data<int8_t>(), n);
      break;
    default:  // DT_BOOL
      CastElements<From, uint8_t, kFromBool, true>(ctx, in, y->mutable_data<uint8_t>(), n);
      break;
  }
}

}  // namespace

class CastOp : public Operation {
 public:
  using Operation::Operation;

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "input is required");
    Tensor *y = Output(0);
    MACE_ENSURE(y != nullptr, Where(), "output is required");
    MACE_ENSURE(HasArg("to"), Where(), "argument 'to' (target ONNX data type) is required");
    const int64_t to = GetInt("to", 0);
    DataType out_type;
    if (!OnnxToDataType(to, &out_type)) {
      return Unsupported(Where(), "cast to ONNX type ", to, " (", OnnxTypeName(to),
                         ") is not supported; supported: FLOAT, INT32, INT64, BOOL, UINT8, INT8");
    }
    const DataType in_type = x->dtype();
    switch (in_type) {
      case DataType::DT_FLOAT: case DataType::DT_INT32: case DataType::DT_INT64:
      case DataType::DT_UINT8: case DataType::DT_INT8: case DataType::DT_BOOL:
        break;
      default:
        return Unsupported(Where(), "cast from ", DataTypeName(in_type),
                           " is not supported; supported: float32, int32, int64, bool, uint8, int8");
    }
    MACE_RETURN_IF_ERROR(y->Resize(x->shape(), out_type));
    if (x->size() == 0) return MaceStatus::MACE_SUCCESS;
    if (in_type == out_type) {
      std::memcpy(y->raw_mutable_data(), x->raw_data(), x->bytes());
      return MaceStatus::MACE_SUCCESS;
    }
    switch (in_type) {
      case DataType::DT_FLOAT: CastFrom<float, false>(ctx, x, y); break;
      case DataType::DT_INT32: CastFrom<int32_t, false>(ctx, x, y); break;
      case DataType::DT_INT64: CastFrom<int64_t, false>(ctx, x, y); break;
      case DataType::DT_UINT8: CastFrom<uint8_t, false>(ctx, x, y); break;
      case DataType::DT_INT8: CastFrom<int8_t, false>(ctx, x, y); break;
      default: CastFrom<uint8_t, true>(ctx, x, y); break;  // DT_BOOL
    }
    return MaceStatus::MACE_SUCCESS;
  }
};

MACE_OP_REGISTRAR(Cast) {
  MACE_REGISTER_CPU_OP(registry, "Cast", CastOp, DataType::DT_INVALID);
}

}  // namespace mace
