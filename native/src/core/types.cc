#include "core/types.h"

namespace mace {

size_t DataTypeSize(DataType t) {
  switch (t) {
    case DataType::DT_FLOAT: return 4;
    case DataType::DT_HALF: return 2;
    case DataType::DT_INT32: return 4;
    case DataType::DT_INT64: return 8;
    case DataType::DT_UINT8: return 1;
    case DataType::DT_BOOL: return 1;
    case DataType::DT_INT8: return 1;
    default: return 0;
  }
}

const char *DataTypeName(DataType t) {
  switch (t) {
    case DataType::DT_FLOAT: return "float32";
    case DataType::DT_HALF: return "float16";
    case DataType::DT_INT32: return "int32";
    case DataType::DT_INT64: return "int64";
    case DataType::DT_UINT8: return "uint8";
    case DataType::DT_BOOL: return "bool";
    case DataType::DT_INT8: return "int8";
    default: return "invalid";
  }
}

}  // namespace mace
