// Model inputs for runs and reference outputs: values from files or seeded random values within
// each input's range (as MACE does), and the NHWC↔NCHW transposes between a deployment file's
// declared layouts and the original framework's. Shared by the CLI and the worker.
import type { TensorValue } from '../ir/tensor.js';

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** The part of a deployment subgraph that describes its inputs. */
export interface InputSpec {
  inputTensors: string[];
  inputShapes: number[][];
  inputRanges: [number, number][];
}

/** A given input file that does not fit its input; callers turn it into their user-facing error. */
export class InputMismatchError extends Error {}

/** Deterministic PRNG (mulberry32): the same seed gives the same inputs on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function toFloat32(t: TensorValue): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(t.data[i] as number | bigint);
  return out;
}

/**
 * One tensor per input in the declared layout: `given(i, name)` returns the input's values when a
 * file provides them (null for random values within input_ranges from `seed`).
 */
export function modelInputs(
  spec: InputSpec,
  given: (index: number, name: string) => TensorValue | null,
  seed: number,
): NamedTensor[] {
  const rand = seededRandom(seed);
  return spec.inputTensors.map((name, i) => {
    const shape = spec.inputShapes[i];
    const count = shape.reduce((a, b) => a * b, 1);
    const t = given(i, name);
    if (t) {
      if (t.data.length !== count)
        throw new InputMismatchError(
          `the values for input '${name}' hold ${t.data.length} values ([${t.dims}]) but input_shapes gives [${shape}]`,
        );
      return { name, shape, data: toFloat32(t) };
    }
    const [lo, hi] = spec.inputRanges[i] ?? spec.inputRanges[0] ?? [-1, 1];
    const data = new Float32Array(count);
    for (let k = 0; k < count; k++) data[k] = lo + (hi - lo) * rand();
    return { name, shape, data };
  });
}

/** Permutes a row-major 4-D tensor. */
export function transpose4d(
  data: Float32Array,
  shape: number[],
  perm: number[],
): { data: Float32Array; shape: number[] } {
  const outShape = perm.map((p) => shape[p]);
  const inStrides = [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1];
  const s = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  let o = 0;
  for (let a = 0; a < outShape[0]; a++)
    for (let b = 0; b < outShape[1]; b++)
      for (let c = 0; c < outShape[2]; c++)
        for (let d = 0; d < outShape[3]; d++) out[o++] = data[a * s[0] + b * s[1] + c * s[2] + d * s[3]];
  return { data: out, shape: outShape };
}

export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];
