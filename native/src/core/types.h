// Element types of runtime tensors, mirroring mace.schema.DataType.
#ifndef MACE_CORE_TYPES_H_
#define MACE_CORE_TYPES_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace mace {

enum class DataType : int8_t {
  DT_INVALID = 0,
  DT_FLOAT = 1,
  DT_HALF = 2,
  DT_INT32 = 3,
  DT_INT64 = 4,
  DT_UINT8 = 5,
  DT_BOOL = 6,
  DT_INT8 = 7,
};

size_t DataTypeSize(DataType t);  // 0 for DT_INVALID
const char *DataTypeName(DataType t);

template <typename T> struct DataTypeOf;
template <> struct DataTypeOf<float> { static constexpr DataType value = DataType::DT_FLOAT; };
template <> struct DataTypeOf<int32_t> { static constexpr DataType value = DataType::DT_INT32; };
template <> struct DataTypeOf<int64_t> { static constexpr DataType value = DataType::DT_INT64; };
template <> struct DataTypeOf<uint8_t> { static constexpr DataType value = DataType::DT_UINT8; };
template <> struct DataTypeOf<int8_t> { static constexpr DataType value = DataType::DT_INT8; };
template <> struct DataTypeOf<bool> { static constexpr DataType value = DataType::DT_BOOL; };

}  // namespace mace

#endif  // MACE_CORE_TYPES_H_
