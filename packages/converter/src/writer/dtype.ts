// Maps IR data types and data formats to the engine schema's enums.
import { DataFormat as FbFormat } from '../generated/mace/schema/data-format.js';
import { DataType as FbType } from '../generated/mace/schema/data-type.js';
import type { DataFormat } from '../ir/graph.js';
import type { DType } from '../ir/tensor.js';

const TYPES: Partial<Record<DType, FbType>> = {
  float32: FbType.DT_FLOAT,
  float16: FbType.DT_HALF,
  int32: FbType.DT_INT32,
  int64: FbType.DT_INT64,
  uint8: FbType.DT_UINT8,
  bool: FbType.DT_BOOL,
  int8: FbType.DT_INT8,
};

/** The schema's data type for `dtype`, or undefined when the engine cannot store it. */
export function schemaDataType(dtype: DType): FbType | undefined {
  return TYPES[dtype];
}

export function schemaDataFormat(format: DataFormat): FbFormat {
  switch (format) {
    case 'NCHW':
      return FbFormat.NCHW;
    case 'NHWC':
      return FbFormat.NHWC;
    case 'OIHW':
      return FbFormat.OIHW;
    default:
      return FbFormat.NONE;
  }
}
