// Test helper: builds converter IR graphs by hand (inputs, constants, nodes with their output
// shapes), with a seeded random generator for weights and inputs.
import type { AttrValue, DataFormat, Graph, Node } from '../../src/ir/graph.js';
import { makeTensor, type DType, type TensorValue } from '../../src/ir/tensor.js';

/** Deterministic uniform [0, 1) generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomF32(dims: number[], seed: number, lo = -1, hi = 1): TensorValue {
  const r = rng(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = lo + (hi - lo) * r();
  return { dtype: 'float32', dims: [...dims], data };
}

type AttrInput = number | string | number[] | string[] | { float: number } | { floats: number[] } | AttrValue;

/** Plain values become attributes: integers → int, other numbers → float, arrays → ints/floats/strings. */
function toAttr(v: AttrInput): AttrValue {
  if (typeof v === 'number') return Number.isInteger(v) ? { kind: 'int', value: v } : { kind: 'float', value: v };
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (Array.isArray(v)) {
    if (v.length && typeof v[0] === 'string') return { kind: 'strings', value: v as string[] };
    const nums = v as number[];
    return nums.every(Number.isInteger) ? { kind: 'ints', value: nums } : { kind: 'floats', value: nums };
  }
  if ('float' in v) return { kind: 'float', value: v.float };
  if ('floats' in v) return { kind: 'floats', value: v.floats };
  return v;
}

export class GraphBuilder {
  readonly graph: Graph;
  private count = 0;

  constructor(name = 'test', opset = 13) {
    this.graph = { name, opset, nodes: [], inputs: [], outputs: [], constants: new Map(), values: new Map() };
  }

  input(name: string, shape: number[], dtype: DType = 'float32', format: DataFormat = 'NONE'): string {
    this.graph.inputs.push({ name, dtype, shape: [...shape], format });
    this.graph.values.set(name, { dtype, shape: [...shape] });
    return name;
  }

  constant(name: string, t: TensorValue): string {
    this.graph.constants.set(name, t);
    this.graph.values.set(name, { dtype: t.dtype, shape: [...t.dims] });
    return name;
  }

  /** A random float32 constant. */
  weight(name: string, dims: number[], seed: number, lo = -1, hi = 1): string {
    return this.constant(name, randomF32(dims, seed, lo, hi));
  }

  ints(name: string, values: number[], dtype: DType = 'int64'): string {
    return this.constant(name, makeTensor(dtype, [values.length], values));
  }

  scalar(name: string, value: number, dtype: DType = 'float32'): string {
    return this.constant(name, makeTensor(dtype, [], [value]));
  }

  /**
   * Adds a node; `outputs` gives each output's shape (and dtype). Returns the output names.
   */
  nodeN(
    opType: string,
    inputs: string[],
    attrs: Record<string, AttrInput>,
    outputs: { shape: number[] | null; dtype?: DType; name?: string }[],
    name?: string,
  ): string[] {
    const k = this.count++;
    const nodeName = name ?? `${opType.toLowerCase()}_${k}`;
    const outs = outputs.map((o, i) => o.name ?? `${nodeName}_out${i}`);
    const node: Node = {
      name: nodeName,
      opType,
      domain: '',
      inputs: [...inputs],
      outputs: outs,
      attrs: Object.fromEntries(Object.entries(attrs).map(([key, v]) => [key, toAttr(v)])),
    };
    this.graph.nodes.push(node);
    outputs.forEach((o, i) =>
      this.graph.values.set(outs[i], { dtype: o.dtype ?? 'float32', shape: o.shape ? [...o.shape] : null }),
    );
    return outs;
  }

  node(
    opType: string,
    inputs: string[],
    attrs: Record<string, AttrInput>,
    shape: number[] | null,
    dtype: DType = 'float32',
    name?: string,
  ): string {
    return this.nodeN(opType, inputs, attrs, [{ shape, dtype }], name)[0];
  }

  output(name: string, format: DataFormat = 'NONE'): this {
    const v = this.graph.values.get(name);
    this.graph.outputs.push({ name, dtype: v?.dtype ?? 'float32', shape: v?.shape ? [...v.shape] : [], format });
    return this;
  }

  build(): Graph {
    return this.graph;
  }
}

/** Deep copy of a graph (constants' typed arrays included). */
export function cloneGraph(g: Graph): Graph {
  return structuredClone(g);
}

/** Random float32 inputs for every graph input. */
export function randomInputs(g: Graph, seed = 1): Map<string, Float32Array> {
  const m = new Map<string, Float32Array>();
  g.inputs.forEach((io, i) => m.set(io.name, randomF32(io.shape, seed + i * 101).data as Float32Array));
  return m;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}
