// Index arithmetic for the reference evaluator: row-major strides, broadcasting offsets, and element
// gathering that works for every tensor data kind (typed arrays and string arrays alike).
import type { DType, TensorData, TensorValue } from '../ir/tensor.js';
import { elementCount } from '../ir/tensor.js';
import { allocData } from './values.js';

export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i];
  }
  return s;
}

/** For each output element, the flat offset of the element it reads from an input broadcast to outDims. */
export function broadcastOffsets(outDims: readonly number[], inDims: readonly number[]): Int32Array {
  const r = outDims.length;
  const n = elementCount(outDims);
  const inStr = strides(inDims);
  // Per output axis: the input stride (0 where the input is broadcast or absent).
  const st = outDims.map((_, i) => {
    const k = inDims.length - r + i;
    return k < 0 || inDims[k] === 1 ? 0 : inStr[k];
  });
  return offsetsFor(outDims, st, 0, n);
}

/** Offsets base + Σ idx[i]·st[i] for every index of dims, in row-major order. */
export function offsetsFor(
  dims: readonly number[],
  st: readonly number[],
  base: number,
  n = elementCount(dims),
): Int32Array {
  const out = new Int32Array(n);
  if (n === 0) return out;
  const r = dims.length;
  const idx = new Array<number>(r).fill(0);
  let off = base;
  for (let k = 0; k < n; k++) {
    out[k] = off;
    for (let i = r - 1; i >= 0; i--) {
      idx[i]++;
      off += st[i];
      if (idx[i] < dims[i]) break;
      off -= st[i] * dims[i];
      idx[i] = 0;
    }
  }
  return out;
}

/** A new tensor whose element k is src.data[offsets[k]] (-1 = `fill`). */
export function gatherElements(
  src: TensorValue,
  dims: number[],
  offsets: Int32Array,
  fill?: number | bigint | string,
): TensorValue {
  const data = allocData(src.dtype, offsets.length) as unknown as { [i: number]: unknown };
  const s = src.data as unknown as { [i: number]: unknown };
  for (let k = 0; k < offsets.length; k++) {
    const o = offsets[k];
    data[k] = o < 0 ? fill : s[o];
  }
  return { dtype: src.dtype, dims, data: data as unknown as TensorData };
}

/** A copy of the tensor's data with new dims (same element count). */
export function withDims(t: TensorValue, dims: number[]): TensorValue {
  const data = Array.isArray(t.data) ? [...t.data] : (t.data as Float32Array).slice();
  return { dtype: t.dtype, dims: [...dims], data };
}

/** Concatenates data arrays of one dtype. */
export function concatData(dtype: DType, parts: TensorData[]): TensorData {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = allocData(dtype, n);
  let k = 0;
  for (const p of parts) {
    if (Array.isArray(out)) for (const v of p as string[]) (out as string[])[k++] = v;
    else {
      (out as Float32Array).set(p as Float32Array, k);
      k += p.length;
    }
  }
  return out;
}
