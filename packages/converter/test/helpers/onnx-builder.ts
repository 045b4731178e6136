// Test helper: a tiny hand-written protobuf ENCODER for ONNX models and tensors (independent of the
// converter's decoder), a graph-IR → ModelProto writer, and an onnxruntime runner. Reusable by other tests.
import * as ort from 'onnxruntime-node';
import type { AttrValue, Graph } from '../../src/ir/graph.js';
import type { DType, TensorValue } from '../../src/ir/tensor.js';

// ---------------------------------------------------------------- wire format

/** A JS number as int64 (numbers ≥ 2^63, e.g. a written-out INT64_MAX, clamp to INT64_MAX). */
function toBig(v: number | bigint): bigint {
  if (typeof v === 'bigint') return v;
  if (v >= 2 ** 63) return 2n ** 63n - 1n;
  if (v <= -(2 ** 63)) return -(2n ** 63n);
  return BigInt(Math.trunc(v));
}

export class PB {
  private out: number[] = [];
  private big: Uint8Array[] = [];

  private varintRaw(v: bigint): void {
    let x = BigInt.asUintN(64, v);
    for (;;) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      if (x === 0n) {
        this.out.push(b);
        return;
      }
      this.out.push(b | 0x80);
    }
  }
  tag(field: number, wire: number): this {
    this.varintRaw(BigInt(field * 8 + wire));
    return this;
  }
  /** A varint field (int32/int64/enum/bool); negatives are 10-byte two's complement. */
  int(field: number, v: number | bigint): this {
    this.tag(field, 0);
    this.varintRaw(toBig(v));
    return this;
  }
  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.out.push(...b);
    return this;
  }
  double(field: number, v: number): this {
    this.tag(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.out.push(...b);
    return this;
  }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2);
    this.varintRaw(BigInt(b.length));
    this.flush();
    this.big.push(b);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  msg(field: number, m: PB): this {
    return this.bytes(field, m.finish());
  }
  /** Packed repeated varints. */
  packedInts(field: number, vs: readonly (number | bigint)[]): this {
    const p = new PB();
    for (const v of vs) p.varintRaw(toBig(v));
    return this.bytes(field, p.finish());
  }
  packedFloats(field: number, vs: readonly number[]): this {
    const b = new Uint8Array(vs.length * 4);
    const dv = new DataView(b.buffer);
    vs.forEach((v, i) => dv.setFloat32(i * 4, v, true));
    return this.bytes(field, b);
  }
  packedDoubles(field: number, vs: readonly number[]): this {
    const b = new Uint8Array(vs.length * 8);
    const dv = new DataView(b.buffer);
    vs.forEach((v, i) => dv.setFloat64(i * 8, v, true));
    return this.bytes(field, b);
  }
  private flush(): void {
    if (this.out.length) this.big.push(Uint8Array.from(this.out));
    this.out = [];
  }
  finish(): Uint8Array {
    this.flush();
    const n = this.big.reduce((s, b) => s + b.length, 0);
    const r = new Uint8Array(n);
    let k = 0;
    for (const b of this.big) {
      r.set(b, k);
      k += b.length;
    }
    return r;
  }
}

// ---------------------------------------------------------------- tensors

export const TYPE_CODE: Record<DType, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
  complex64: 14,
  complex128: 15,
  bfloat16: 16,
};

/** How a tensor's values are written: raw_data, or the typed repeated field packed or one tag per value. */
export type TensorEncoding = 'raw' | 'packed' | 'unpacked';

export function tensorMessage(t: TensorValue, name = '', enc: TensorEncoding = 'raw'): PB {
  const p = new PB();
  for (const d of t.dims) p.int(1, d);
  p.int(2, TYPE_CODE[t.dtype]);
  if (name) p.string(8, name);
  if (Array.isArray(t.data)) {
    for (const s of t.data) p.string(6, s);
    return p;
  }
  if (enc === 'raw') {
    const d = t.data as Uint8Array;
    return p.bytes(9, new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength)));
  }
  const vals = Array.from(t.data as ArrayLike<number | bigint>);
  const field =
    ({ float32: 4, float64: 10, int64: 7, uint32: 11, uint64: 11 } as Partial<Record<DType, number>>)[t.dtype] ?? 5;
  if (enc === 'packed') {
    if (field === 4) p.packedFloats(4, vals as number[]);
    else if (field === 10) p.packedDoubles(10, vals as number[]);
    else p.packedInts(field, vals as number[]);
  } else
    for (const v of vals) {
      if (field === 4) p.float(4, v as number);
      else if (field === 10) p.double(10, v as number);
      else p.int(field, v);
    }
  return p;
}

export function tensorBytes(t: TensorValue, name = '', enc: TensorEncoding = 'raw'): Uint8Array {
  return tensorMessage(t, name, enc).finish();
}

/** Convenience tensor constructors. */
export const T = {
  f32: (dims: number[], values: ArrayLike<number>): TensorValue => ({
    dtype: 'float32',
    dims,
    data: Float32Array.from(values),
  }),
  i64: (dims: number[], values: ArrayLike<number>): TensorValue => ({
    dtype: 'int64',
    dims,
    data: BigInt64Array.from(Array.from(values), (v) => BigInt(v)),
  }),
  i32: (dims: number[], values: ArrayLike<number>): TensorValue => ({
    dtype: 'int32',
    dims,
    data: Int32Array.from(values),
  }),
  bool: (dims: number[], values: ArrayLike<number>): TensorValue => ({
    dtype: 'bool',
    dims,
    data: Uint8Array.from(values),
  }),
  /** Deterministic pseudo-random floats in [-1, 1). */
  rand: (dims: number[], seed = 1): TensorValue => {
    let s = seed >>> 0 || 1;
    const n = dims.reduce((a, b) => a * b, 1);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      v[i] = s / 2 ** 31 - 1;
    }
    return { dtype: 'float32', dims, data: v };
  },
};

// ---------------------------------------------------------------- attributes

export type Attr =
  | { int: number }
  | { float: number }
  | { string: string }
  | { ints: number[] }
  | { floats: number[] }
  | { strings: string[] }
  | { tensor: TensorValue }
  | { untyped: { f?: number; i?: number } };

export const A = {
  int: (v: number): Attr => ({ int: v }),
  float: (v: number): Attr => ({ float: v }),
  str: (v: string): Attr => ({ string: v }),
  ints: (v: number[]): Attr => ({ ints: v }),
  floats: (v: number[]): Attr => ({ floats: v }),
  tensor: (v: TensorValue): Attr => ({ tensor: v }),
};

function attributeMessage(name: string, a: Attr): PB {
  const p = new PB().string(1, name);
  if ('int' in a) p.int(20, 2).int(3, a.int);
  else if ('float' in a) p.int(20, 1).float(2, a.float);
  else if ('string' in a) p.int(20, 3).string(4, a.string);
  else if ('ints' in a) p.int(20, 7).packedInts(8, a.ints);
  else if ('floats' in a) p.int(20, 6).packedFloats(7, a.floats);
  else if ('strings' in a) {
    p.int(20, 8);
    for (const s of a.strings) p.string(9, s);
  } else if ('tensor' in a) p.int(20, 4).msg(5, tensorMessage(a.tensor));
  else {
    // An attribute without `type` (pre-IR-0.0.2 style).
    if (a.untyped.f !== undefined) p.float(2, a.untyped.f);
    if (a.untyped.i !== undefined) p.int(3, a.untyped.i);
  }
  return p;
}

// ---------------------------------------------------------------- models

export interface ValueSpec {
  name: string;
  dtype?: DType;
  /** number = dim_value, string = dim_param, null = neither; whole shape null = no shape. */
  shape?: (number | string | null)[] | null;
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attrs?: Record<string, Attr>;
}

export interface ModelSpec {
  opset?: number;
  irVersion?: number;
  /** Extra opset imports, e.g. [{ domain: 'com.microsoft', version: 1 }]. */
  extraOpsets?: { domain: string; version: number }[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers?: Record<string, TensorValue>;
  /** List initializers among the graph inputs too (IR < 4 style). */
  initializersAsInputs?: boolean;
  valueInfo?: ValueSpec[];
  name?: string;
  tensorEncoding?: TensorEncoding;
}

function valueInfoMessage(v: ValueSpec): PB {
  const p = new PB().string(1, v.name);
  if (v.dtype === undefined && (v.shape === null || v.shape === undefined)) return p; // no type: left to inference
  const tt = new PB().int(1, TYPE_CODE[v.dtype ?? 'float32']);
  if (v.shape !== null && v.shape !== undefined) {
    const sh = new PB();
    for (const d of v.shape) {
      const dim = new PB();
      if (typeof d === 'number') dim.int(1, d);
      else if (typeof d === 'string') dim.string(2, d);
      sh.msg(1, dim);
    }
    tt.msg(2, sh);
  }
  return p.msg(2, new PB().msg(1, tt));
}

export function nodeMessage(n: NodeSpec): PB {
  const p = new PB();
  for (const i of n.inputs) p.string(1, i);
  for (const o of n.outputs) p.string(2, o);
  if (n.name) p.string(3, n.name);
  p.string(4, n.op);
  for (const [k, a] of Object.entries(n.attrs ?? {})) p.msg(5, attributeMessage(k, a));
  if (n.domain) p.string(7, n.domain);
  return p;
}

export function buildModel(spec: ModelSpec): Uint8Array {
  const g = new PB();
  for (const n of spec.nodes) g.msg(1, nodeMessage(n));
  g.string(2, spec.name ?? 'test');
  for (const [name, t] of Object.entries(spec.initializers ?? {}))
    g.msg(5, tensorMessage(t, name, spec.tensorEncoding ?? 'raw'));
  for (const v of spec.inputs) g.msg(11, valueInfoMessage(v));
  if (spec.initializersAsInputs)
    for (const [name, t] of Object.entries(spec.initializers ?? {}))
      g.msg(11, valueInfoMessage({ name, dtype: t.dtype, shape: t.dims }));
  for (const v of spec.outputs) g.msg(12, valueInfoMessage(v));
  for (const v of spec.valueInfo ?? []) g.msg(13, valueInfoMessage(v));
  const m = new PB()
    .int(1, spec.irVersion ?? 8)
    .string(2, 'onnx-builder')
    .msg(7, g);
  m.msg(8, new PB().string(1, '').int(2, spec.opset ?? 23));
  for (const o of spec.extraOpsets ?? []) m.msg(8, new PB().string(1, o.domain).int(2, o.version));
  return m.finish();
}

/** A one-node model: inputs are graph inputs unless given as initializers. */
export function singleNodeModel(
  op: string,
  inputs: Record<string, TensorValue | Omit<ValueSpec, 'name'>>,
  outputs: string[],
  attrs: Record<string, Attr> = {},
  opset = 23,
): Uint8Array {
  const inits: Record<string, TensorValue> = {};
  const ins: ValueSpec[] = [];
  for (const [name, v] of Object.entries(inputs)) {
    if ('data' in v) inits[name] = v;
    else ins.push({ ...v, name });
  }
  return buildModel({
    opset,
    inputs: ins,
    outputs: outputs.map((name) => ({ name })),
    nodes: [{ op, inputs: Object.keys(inputs), outputs, attrs, name: op }],
    initializers: inits,
  });
}

function irAttr(a: AttrValue): Attr | null {
  switch (a.kind) {
    case 'int':
      return { int: a.value };
    case 'float':
      return { float: a.value };
    case 'string':
      return { string: a.value };
    case 'ints':
      return { ints: a.value };
    case 'floats':
      return { floats: a.value };
    case 'strings':
      return { strings: a.value };
    case 'tensor':
      return { tensor: a.value };
    default:
      return null;
  }
}

/**
 * Serialises a graph-IR Graph as an ONNX model of the given opset (constants become initializers). Engine
 * extensions ONNX lacks are spelled out in standard ops: Softmax-family `coerce_2d=1` becomes
 * Flatten(axis) → op(axis=1) → Reshape(back), which needs the input's inferred shape.
 */
export function graphToModel(graph: Graph, opset = 23): Uint8Array {
  const nodes: NodeSpec[] = [];
  const initializers: Record<string, TensorValue> = Object.fromEntries(graph.constants);
  for (const n of graph.nodes) {
    const attrs = Object.fromEntries(
      Object.entries(n.attrs).flatMap(([k, v]) => {
        const a = irAttr(v);
        return a ? [[k, a]] : [];
      }),
    );
    const coerce = n.attrs.coerce_2d;
    if (coerce && coerce.kind === 'int' && coerce.value !== 0) {
      const shape = graph.values.get(n.inputs[0])?.shape;
      if (!shape || shape.some((d) => d < 0)) throw new Error(`graphToModel: ${n.name} needs a known input shape`);
      const axis = n.attrs.axis?.kind === 'int' ? n.attrs.axis.value : 1;
      const flat = `${n.name}__flat`;
      const soft = `${n.name}__soft`;
      initializers[`${n.name}__shape`] = {
        dtype: 'int64',
        dims: [shape.length],
        data: BigInt64Array.from(shape.map(BigInt)),
      };
      nodes.push({
        op: 'Flatten',
        name: `${n.name}__f`,
        inputs: [n.inputs[0]],
        outputs: [flat],
        attrs: { axis: { int: axis } },
      });
      nodes.push({ op: n.opType, name: n.name, inputs: [flat], outputs: [soft], attrs: { axis: { int: 1 } } });
      nodes.push({ op: 'Reshape', name: `${n.name}__r`, inputs: [soft, `${n.name}__shape`], outputs: n.outputs });
      continue;
    }
    nodes.push({ op: n.opType, name: n.name, domain: n.domain, inputs: n.inputs, outputs: n.outputs, attrs });
  }
  return buildModel({
    opset,
    name: graph.name,
    inputs: graph.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: i.shape })),
    outputs: graph.outputs.map((o) => ({ name: o.name })),
    initializers,
    nodes,
  });
}

// ---------------------------------------------------------------- onnxruntime

const ORT_TYPE: Partial<Record<DType, ort.Tensor.Type>> = {
  float32: 'float32',
  float64: 'float64',
  int64: 'int64',
  int32: 'int32',
  bool: 'bool',
  uint8: 'uint8',
  int8: 'int8',
  float16: 'float16',
  uint16: 'uint16',
  int16: 'int16',
  uint32: 'uint32',
  uint64: 'uint64',
  string: 'string',
};

export function toOrt(t: TensorValue): ort.Tensor {
  const type = ORT_TYPE[t.dtype];
  if (!type) throw new Error(`no onnxruntime type for ${t.dtype}`);
  const data = t.dtype === 'bool' ? Uint8Array.from(t.data as Uint8Array) : t.data;
  return new ort.Tensor(type, data as never, t.dims);
}

export function fromOrt(t: ort.Tensor): TensorValue {
  const dtype = (Object.entries(ORT_TYPE).find(([, v]) => v === t.type)?.[0] ?? 'float32') as DType;
  const data = dtype === 'bool' ? Uint8Array.from(t.data as Uint8Array, (v) => (v ? 1 : 0)) : t.data;
  return { dtype, dims: [...t.dims], data: data as TensorValue['data'] };
}

/** Runs a model in onnxruntime (CPU, one thread) and returns every graph output. */
export async function runOrt(
  model: Uint8Array,
  feeds: Record<string, TensorValue>,
): Promise<Record<string, TensorValue>> {
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'disabled',
  });
  try {
    const res = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, toOrt(v)])));
    return Object.fromEntries(Object.entries(res).map(([k, v]) => [k, fromOrt(v)]));
  } finally {
    await session.release();
  }
}

/** Largest |a - b| / (atol + rtol·|b|) over the elements (≤ 1 means within tolerance). */
export function maxRelError(a: TensorValue, b: TensorValue, rtol = 1e-5, atol = 1e-6): number {
  let worst = 0;
  const x = Array.from(a.data as ArrayLike<number | bigint>, Number);
  const y = Array.from(b.data as ArrayLike<number | bigint>, Number);
  if (x.length !== y.length) return Infinity;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) && Number.isNaN(y[i])) continue;
    if (x[i] === y[i]) continue;
    worst = Math.max(worst, Math.abs(x[i] - y[i]) / (atol + rtol * Math.abs(y[i])));
  }
  return worst;
}
