// What a per-op shape rule sees: the node, its inputs' inferred types/shapes and constant values,
// and a way to fail with a ConversionError that names the node.
import { ConversionError } from '../errors.js';
import type { Graph, Node, ValueInfo } from '../ir/graph.js';
import type { DType, TensorValue } from '../ir/tensor.js';
import { readNumbers } from '../fold/values.js';

export class ShapeCtx {
  constructor(
    readonly graph: Graph,
    readonly node: Node,
  ) {}

  get opset(): number {
    return this.graph.opset;
  }

  get numInputs(): number {
    return this.node.inputs.length;
  }

  has(i: number): boolean {
    return !!this.node.inputs[i];
  }

  info(i: number): ValueInfo | null {
    const n = this.node.inputs[i];
    if (!n) return null;
    return this.graph.values.get(n) ?? null;
  }

  /** Shape of input i; null when absent or rank unknown. */
  shape(i: number): number[] | null {
    return this.info(i)?.shape ?? null;
  }

  /** Rank of input i, or -1 when unknown. */
  rank(i: number): number {
    return this.shape(i)?.length ?? -1;
  }

  dtype(i: number, dflt: DType = 'float32'): DType {
    return this.info(i)?.dtype ?? dflt;
  }

  constant(i: number): TensorValue | undefined {
    const n = this.node.inputs[i];
    return n ? this.graph.constants.get(n) : undefined;
  }

  /** The values of a constant numeric input as numbers; null when the input is absent or not constant. */
  ints(i: number): number[] | null {
    const t = this.constant(i);
    if (!t || t.dtype === 'string') return null;
    return Array.from(readNumbers(t));
  }

  fail(reason: string): never {
    const { name, opType } = this.node;
    throw new ConversionError(`shape inference failed at node '${name}' (${opType}): ${reason}`, [
      { name, opType, opset: this.graph.opset, reason },
    ]);
  }

  /** An axis normalised into [0, rank); fails when out of range. */
  axis(a: number, rank: number, what = 'axis'): number {
    const r = a < 0 ? a + rank : a;
    if (r < 0 || r >= rank) this.fail(`${what} ${a} is out of range for rank ${rank}`);
    return r;
  }
}

export type ShapeRule = (c: ShapeCtx) => ValueInfo[];

/** Unknown shape of known dtype. */
export function unknown(dtype: DType): ValueInfo {
  return { dtype, shape: null };
}

/** Dimension arithmetic that propagates unknown (-1). */
export function dimOp(a: number, b: number, f: (x: number, y: number) => number): number {
  return a < 0 || b < 0 ? -1 : f(a, b);
}

export function product(dims: readonly number[]): number {
  let p = 1;
  for (const d of dims) {
    if (d < 0) return -1;
    p *= d;
  }
  return p;
}
