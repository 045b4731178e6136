// Constant tensors of the converter's graph IR: a dtype, dims and a typed array of values.

export type DType =
  | 'float32'
  | 'float16'
  | 'float64'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool'
  | 'string'
  | 'bfloat16'
  | 'complex64'
  | 'complex128';

export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

export interface TensorValue {
  dtype: DType;
  dims: number[];
  /** Row-major values. float16/bfloat16 are held as Uint16Array bit patterns, bool as Uint8Array. */
  data: TensorData;
}

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Bytes per element in the engine's .data file; 0 for types the engine cannot store. */
export function itemSize(dtype: DType): number {
  switch (dtype) {
    case 'float32':
    case 'int32':
    case 'uint32':
      return 4;
    case 'float64':
    case 'int64':
    case 'uint64':
      return 8;
    case 'float16':
    case 'bfloat16':
    case 'int16':
    case 'uint16':
      return 2;
    case 'int8':
    case 'uint8':
    case 'bool':
      return 1;
    default:
      return 0;
  }
}

/** Values as plain numbers (int64 converted; precision beyond 2^53 is not needed for shapes). */
export function toNumbers(t: TensorValue): number[] {
  const out: number[] = new Array(t.data.length);
  for (let i = 0; i < t.data.length; i++) out[i] = Number(t.data[i] as number | bigint);
  return out;
}

export function makeTensor(dtype: DType, dims: number[], values: ArrayLike<number> | readonly bigint[]): TensorValue {
  const n = elementCount(dims);
  if (values.length !== n) throw new Error(`tensor of shape [${dims}] needs ${n} values, got ${values.length}`);
  let data: TensorData;
  switch (dtype) {
    case 'float32':
      data = Float32Array.from(values as ArrayLike<number>, Number);
      break;
    case 'float64':
      data = Float64Array.from(values as ArrayLike<number>, Number);
      break;
    case 'int32':
      data = Int32Array.from(values as ArrayLike<number>, Number);
      break;
    case 'int64':
      data = BigInt64Array.from(values as ArrayLike<number>, (v) => BigInt(Math.trunc(Number(v))));
      break;
    case 'uint8':
    case 'bool':
      data = Uint8Array.from(values as ArrayLike<number>, Number);
      break;
    case 'int8':
      data = Int8Array.from(values as ArrayLike<number>, Number);
      break;
    default:
      throw new Error(`makeTensor: unsupported dtype ${dtype}`);
  }
  return { dtype, dims: [...dims], data };
}
