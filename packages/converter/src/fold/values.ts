// Reading tensor values as plain numbers and building tensors from numbers, for every numeric dtype
// (float16/bfloat16 bit patterns decoded, int64 clamped to its range). Shared by import, shape inference, folding.
import type { DType, TensorData, TensorValue } from '../ir/tensor.js';
import { elementCount } from '../ir/tensor.js';
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from './half.js';

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

export function isFloatType(d: DType): boolean {
  return d === 'float32' || d === 'float64' || d === 'float16' || d === 'bfloat16';
}

export function isIntType(d: DType): boolean {
  return (
    d === 'int8' ||
    d === 'uint8' ||
    d === 'int16' ||
    d === 'uint16' ||
    d === 'int32' ||
    d === 'uint32' ||
    d === 'int64' ||
    d === 'uint64'
  );
}

/** A number as an int64 BigInt: truncated toward zero, clamped to the int64 range, NaN → 0. */
export function toInt64(v: number): bigint {
  if (Number.isNaN(v)) return 0n;
  if (v >= 2 ** 63) return INT64_MAX; // 2^63 is the first double past INT64_MAX
  if (v <= -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(v));
}

/** The values of a numeric tensor as float64 numbers (bool → 0/1, int64 → nearest double). */
export function readNumbers(t: TensorValue): Float64Array {
  const d = t.data;
  const n = d.length;
  const out = new Float64Array(n);
  if (t.dtype === 'float16') for (let i = 0; i < n; i++) out[i] = f16ToF32((d as Uint16Array)[i]);
  else if (t.dtype === 'bfloat16') for (let i = 0; i < n; i++) out[i] = bf16ToF32((d as Uint16Array)[i]);
  else if (d instanceof BigInt64Array || d instanceof BigUint64Array) for (let i = 0; i < n; i++) out[i] = Number(d[i]);
  else if (Array.isArray(d)) throw new Error('string tensor has no numeric values');
  else out.set(d as ArrayLike<number>);
  return out;
}

/** An empty typed array (or string array) for n elements of dtype. */
export function allocData(dtype: DType, n: number): TensorData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'float16':
    case 'bfloat16':
    case 'uint16':
      return new Uint16Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'uint32':
      return new Uint32Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'uint64':
      return new BigUint64Array(n);
    case 'string':
      return new Array<string>(n).fill('');
    default:
      throw new Error(`cannot hold ${dtype} tensors`);
  }
}

/** A tensor of dtype from numbers, converted as a C cast would (truncation toward zero for integers). */
export function fromNumbers(dtype: DType, dims: number[], v: ArrayLike<number>): TensorValue {
  const n = v.length;
  const data = allocData(dtype, n);
  switch (dtype) {
    case 'float16':
      for (let i = 0; i < n; i++) (data as Uint16Array)[i] = f32ToF16(v[i]);
      break;
    case 'bfloat16':
      for (let i = 0; i < n; i++) (data as Uint16Array)[i] = f32ToBf16(v[i]);
      break;
    case 'bool':
      for (let i = 0; i < n; i++) (data as Uint8Array)[i] = v[i] !== 0 ? 1 : 0;
      break;
    case 'int64':
      for (let i = 0; i < n; i++) (data as BigInt64Array)[i] = toInt64(v[i]);
      break;
    case 'uint64':
      for (let i = 0; i < n; i++) (data as BigUint64Array)[i] = BigInt.asUintN(64, toInt64(v[i]));
      break;
    case 'string':
      throw new Error('cannot build a string tensor from numbers');
    default:
      if (isFloatType(dtype)) (data as Float32Array).set(v);
      // Integer typed arrays wrap modulo 2^bits after truncation, but NaN/Infinity become 0; truncate first.
      else for (let i = 0; i < n; i++) (data as Int32Array)[i] = Number.isFinite(v[i]) ? Math.trunc(v[i]) : 0;
  }
  return { dtype, dims: [...dims], data };
}

/** An int64 tensor (e.g. axes, pads, shapes) from numbers; values beyond the int64 range are clamped. */
export function int64Tensor(values: readonly number[], dims: number[] = [values.length]): TensorValue {
  return fromNumbers('int64', dims, values);
}

export function float32Tensor(values: readonly number[], dims: number[] = [values.length]): TensorValue {
  return { dtype: 'float32', dims, data: Float32Array.from(values) };
}

/** A scalar tensor (dims []) of dtype holding v. */
export function scalarTensor(dtype: DType, v: number): TensorValue {
  return fromNumbers(dtype, [], [v]);
}

export function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function count(t: TensorValue): number {
  return elementCount(t.dims);
}
