// The .data file: every constant the model needs, little-endian, each at a 64-byte-aligned
// offset with zero padding between them (int64 as 8 bytes, bool as one byte).
import { ConversionError } from '../errors.js';
import { elementCount, itemSize, type DType, type TensorValue } from '../ir/tensor.js';
import { schemaDataType } from './dtype.js';

export const TENSOR_ALIGNMENT = 64;

export interface PackedTensor {
  name: string;
  dtype: DType;
  dims: number[];
  offset: number;
  size: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const align = (n: number): number => Math.ceil(n / TENSOR_ALIGNMENT) * TENSOR_ALIGNMENT;

/** Writes `t`'s values as little-endian bytes of its dtype into `out` at `offset`. */
function writeValues(t: TensorValue, out: Uint8Array, offset: number): void {
  const n = elementCount(t.dims);
  const src = t.data as ArrayLike<number | bigint>;
  const view = new DataView(out.buffer, out.byteOffset + offset, n * itemSize(t.dtype));
  // Typed arrays of the right type are already little-endian bytes on little-endian hosts.
  const fast = (ok: boolean): boolean => {
    if (!LITTLE_ENDIAN || !ok) return false;
    const a = t.data as Uint8Array;
    out.set(new Uint8Array(a.buffer, a.byteOffset, view.byteLength), offset);
    return true;
  };
  switch (t.dtype) {
    case 'float32':
      if (fast(t.data instanceof Float32Array)) return;
      for (let i = 0; i < n; i++) view.setFloat32(i * 4, Number(src[i]), true);
      return;
    case 'int32':
      if (fast(t.data instanceof Int32Array)) return;
      for (let i = 0; i < n; i++) view.setInt32(i * 4, Number(src[i]), true);
      return;
    case 'int64':
      if (fast(t.data instanceof BigInt64Array)) return;
      for (let i = 0; i < n; i++) {
        const v = src[i];
        view.setBigInt64(i * 8, typeof v === 'bigint' ? BigInt.asIntN(64, v) : BigInt(Math.trunc(v)), true);
      }
      return;
    case 'float16':
      if (fast(t.data instanceof Uint16Array)) return;
      for (let i = 0; i < n; i++) view.setUint16(i * 2, Number(src[i]), true);
      return;
    case 'uint8':
    case 'bool':
      for (let i = 0; i < n; i++) view.setUint8(i, Number(src[i]) & 0xff);
      return;
    case 'int8':
      for (let i = 0; i < n; i++) view.setInt8(i, Number(src[i]));
      return;
    default:
      throw new Error(`unreachable: ${t.dtype}`);
  }
}

/** Lays out `names` (constants of `constants`) in one .data buffer. */
export function packConstants(
  names: string[],
  constants: Map<string, TensorValue>,
): { tensors: PackedTensor[]; data: Uint8Array } {
  const tensors: PackedTensor[] = [];
  let end = 0;
  for (const name of names) {
    const t = constants.get(name);
    if (!t) throw new ConversionError(`constant '${name}' is referenced but has no value`);
    if (schemaDataType(t.dtype) === undefined)
      throw new ConversionError(
        `constant '${name}' has data type ${t.dtype}, which the engine cannot store; export the model in float32`,
      );
    if (t.dims.some((d) => !Number.isInteger(d) || d < 0))
      throw new ConversionError(`constant '${name}' has invalid dims [${t.dims.join(', ')}]`);
    const count = elementCount(t.dims);
    if (t.data.length !== count)
      throw new ConversionError(
        `constant '${name}' holds ${t.data.length} values but its shape [${t.dims.join(', ')}] needs ${count}; the model file is malformed`,
      );
    const offset = align(end);
    const size = count * itemSize(t.dtype);
    tensors.push({ name, dtype: t.dtype, dims: [...t.dims], offset, size });
    end = offset + size;
  }
  const data = new Uint8Array(end);
  tensors.forEach((p) => writeValues(constants.get(p.name) as TensorValue, data, p.offset));
  return { tensors, data };
}
