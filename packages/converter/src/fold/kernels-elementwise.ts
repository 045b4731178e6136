// Reference kernels for element-wise ops: unary math and activations, broadcasting binary/variadic
// arithmetic, comparisons, logic, Where, Clip, PRelu. Values are computed in float64 and stored in the
// output dtype (float32 rounding once per op, integer results truncated like a C cast).
import { attrFloat, attrInt } from '../ir/graph.js';
import type { Node } from '../ir/graph.js';
import type { DType, TensorValue } from '../ir/tensor.js';
import { elementCount } from '../ir/tensor.js';
import { broadcastShapes } from '../shape/rules-elementwise.js';
import { broadcastOffsets } from './indexing.js';
import { type Kernel, unsupported } from './kernel.js';
import { allocData, fromNumbers, isFloatType, readNumbers, sameDims } from './values.js';

/** erf: Maclaurin series for |x| < 1, else 1 − erfc with Numerical Recipes' erfcc (relative error < 1.2e-7). */
export function erf(x: number): number {
  const z = Math.abs(x);
  if (z < 1) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 40; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

/** Round half to even (ONNX Round). */
function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

type Unary = (x: number, node: Node) => number;

const UNARY: Record<string, Unary> = {
  Neg: (x) => -x,
  Abs: (x) => Math.abs(x),
  Sqrt: (x) => Math.sqrt(x),
  Exp: (x) => Math.exp(x),
  Log: (x) => Math.log(x),
  Reciprocal: (x) => 1 / x,
  Floor: (x) => Math.floor(x),
  Ceil: (x) => Math.ceil(x),
  Round: (x) => roundEven(x),
  Sign: (x) => Math.sign(x),
  Relu: (x) => Math.max(x, 0),
  Sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  Tanh: (x) => Math.tanh(x),
  Erf: (x) => erf(x),
  Sin: (x) => Math.sin(x),
  Cos: (x) => Math.cos(x),
  LeakyRelu: (x, n) => (x >= 0 ? x : x * attrFloat(n, 'alpha', 0.01)),
  Elu: (x, n) => (x >= 0 ? x : attrFloat(n, 'alpha', 1) * (Math.exp(x) - 1)),
  Selu: (x, n) =>
    attrFloat(n, 'gamma', 1.05070102214813232421875) *
    (x > 0 ? x : attrFloat(n, 'alpha', 1.67326319217681884765625) * (Math.exp(x) - 1)),
  HardSigmoid: (x, n) => Math.max(0, Math.min(1, attrFloat(n, 'alpha', 0.2) * x + attrFloat(n, 'beta', 0.5))),
  HardSwish: (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5)),
  Softplus: (x) => Math.log1p(Math.exp(x)),
  Softsign: (x) => x / (1 + Math.abs(x)),
};

const FLOAT_ONLY = new Set([
  'Sqrt',
  'Exp',
  'Log',
  'Reciprocal',
  'Sigmoid',
  'Tanh',
  'Erf',
  'Sin',
  'Cos',
  'LeakyRelu',
  'Elu',
  'Selu',
  'HardSigmoid',
  'HardSwish',
  'Softplus',
  'Softsign',
  'Floor',
  'Ceil',
  'Round',
]);

/** The values as numbers: the typed array itself where it holds plain numbers, else a float64 copy. */
function numeric(t: TensorValue, node: Node): ArrayLike<number> {
  if (t.dtype === 'string') unsupported(node, 'string tensors');
  const d = t.data;
  if (t.dtype === 'float16' || t.dtype === 'bfloat16' || d instanceof BigInt64Array || d instanceof BigUint64Array)
    return readNumbers(t);
  return d as ArrayLike<number>;
}

/** Output storage of dtype for n values: a typed array written directly, or float64 converted at the end. */
function sink(dtype: DType, n: number): { buf: { [i: number]: number }; done: (dims: number[]) => TensorValue } {
  const direct =
    dtype === 'float32' ||
    dtype === 'float64' ||
    dtype === 'int32' ||
    dtype === 'int16' ||
    dtype === 'int8' ||
    dtype === 'uint8' ||
    dtype === 'uint16' ||
    dtype === 'uint32';
  if (direct) {
    const data = allocData(dtype, n) as Float32Array;
    return { buf: data, done: (dims) => ({ dtype, dims: [...dims], data }) };
  }
  const tmp = new Float64Array(n);
  return { buf: tmp, done: (dims) => fromNumbers(dtype, dims, tmp) };
}

function unaryKernel(op: string): Kernel {
  const f = UNARY[op];
  return (node, [x]) => {
    if (FLOAT_ONLY.has(op) && !isFloatType(x!.dtype)) unsupported(node, `${x!.dtype} input`);
    const v = numeric(x!, node);
    const out = sink(x!.dtype, v.length);
    for (let i = 0; i < v.length; i++) out.buf[i] = f(v[i], node);
    return [out.done(x!.dims)];
  };
}

/** Per input: how element k of the broadcast output finds its value (scalar, same shape, or offsets). */
function reader(t: TensorValue, dims: number[], node: Node): (k: number) => number {
  const v = numeric(t, node);
  if (v.length === 1) {
    const c = v[0];
    return () => c;
  }
  if (sameDims(t.dims, dims)) return (k) => v[k];
  const off = broadcastOffsets(dims, t.dims);
  return (k) => v[off[k]];
}

function broadcastDims(node: Node, ins: TensorValue[]): number[] {
  return broadcastShapes(
    ins.map((t) => t.dims),
    (r) => unsupported(node, r),
  )!;
}

/** Broadcasts two inputs and applies f element-wise; the output has `dtype`. */
function binaryMap(
  node: Node,
  a: TensorValue,
  b: TensorValue,
  dtype: DType,
  f: (x: number, y: number) => number,
): TensorValue {
  const dims = broadcastDims(node, [a, b]);
  const n = elementCount(dims);
  const out = sink(dtype, n);
  const av = numeric(a, node);
  const bv = numeric(b, node);
  if (sameDims(a.dims, dims) && b.data.length === 1) {
    const y = bv[0];
    for (let k = 0; k < n; k++) out.buf[k] = f(av[k], y);
  } else if (sameDims(a.dims, dims) && sameDims(b.dims, dims)) {
    for (let k = 0; k < n; k++) out.buf[k] = f(av[k], bv[k]);
  } else {
    const ra = reader(a, dims, node);
    const rb = reader(b, dims, node);
    for (let k = 0; k < n; k++) out.buf[k] = f(ra(k), rb(k));
  }
  return out.done(dims);
}

/** Broadcasts any number of inputs and applies f element-wise; the output has `dtype`. */
function broadcastMap(node: Node, ins: TensorValue[], dtype: DType, f: (v: number[]) => number): TensorValue {
  const dims = broadcastDims(node, ins);
  const n = elementCount(dims);
  const rs = ins.map((t) => reader(t, dims, node));
  const out = sink(dtype, n);
  const args = new Array<number>(ins.length);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < rs.length; j++) args[j] = rs[j](k);
    out.buf[k] = f(args);
  }
  return out.done(dims);
}

type Binary = (a: number, b: number, node: Node, isInt: boolean) => number;

const BINARY: Record<string, Binary> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b, _n, isInt) => (isInt ? (b === 0 ? 0 : Math.trunc(a / b)) : a / b),
  Pow: (a, b) => Math.pow(a, b),
  Mod: (a, b, n, isInt) => {
    if (attrInt(n, 'fmod', 0) !== 0 || !isInt) return a % b;
    if (b === 0) return 0;
    const m = a % b;
    return m !== 0 && Math.sign(m) !== Math.sign(b) ? m + b : m;
  },
};

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  Equal: (a, b) => a === b,
  Less: (a, b) => a < b,
  Greater: (a, b) => a > b,
  LessOrEqual: (a, b) => a <= b,
  GreaterOrEqual: (a, b) => a >= b,
  And: (a, b) => a !== 0 && b !== 0,
  Or: (a, b) => a !== 0 || b !== 0,
  Xor: (a, b) => (a !== 0) !== (b !== 0),
};

function binaryKernel(op: string): Kernel {
  const f = BINARY[op];
  return (node, [a, b]) => {
    if (a!.dtype !== b!.dtype && op !== 'Pow') unsupported(node, `mixed input types ${a!.dtype} and ${b!.dtype}`);
    const isInt = !isFloatType(a!.dtype);
    return [binaryMap(node, a!, b!, a!.dtype, (x, y) => f(x, y, node, isInt))];
  };
}

function compareKernel(op: string): Kernel {
  const f = COMPARE[op];
  return (node, [a, b]) => [binaryMap(node, a!, b!, 'bool', (x, y) => (f(x, y) ? 1 : 0))];
}

/** Variadic Min/Max/Sum/Mean. */
function variadicKernel(op: 'Min' | 'Max' | 'Sum' | 'Mean'): Kernel {
  return (node, ins) => {
    const ts = ins.filter((t): t is TensorValue => t !== null);
    if (ts.length === 0) unsupported(node, 'no inputs');
    const f = (v: number[]): number => {
      switch (op) {
        case 'Min':
          return v.some(Number.isNaN) ? NaN : Math.min(...v);
        case 'Max':
          return v.some(Number.isNaN) ? NaN : Math.max(...v);
        case 'Sum':
          return v.reduce((s, x) => s + x, 0);
        case 'Mean':
          return v.reduce((s, x) => s + x, 0) / v.length;
      }
    };
    return [broadcastMap(node, ts, ts[0].dtype, f)];
  };
}

const where: Kernel = (node, [c, x, y]) => [
  broadcastMap(node, [c!, x!, y!], x!.dtype, (v) => (v[0] !== 0 ? v[1] : v[2])),
];

const clip: Kernel = (node, [x, lo, hi]) => {
  const min = lo && lo.data.length ? readNumbers(lo)[0] : -Infinity;
  const max = hi && hi.data.length ? readNumbers(hi)[0] : Infinity;
  const v = numeric(x!, node);
  const out = sink(x!.dtype, v.length);
  for (let i = 0; i < v.length; i++) out.buf[i] = Math.min(Math.max(v[i], min), max);
  return [out.done(x!.dims)];
};

const prelu: Kernel = (node, [x, s]) => [binaryMap(node, x!, s!, x!.dtype, (v, a) => (v < 0 ? v * a : v))];

/** A bool tensor of x's shape from a per-element test. */
function boolMap(node: Node, x: TensorValue, test: (v: number) => boolean): TensorValue {
  const v = numeric(x, node);
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = test(v[i]) ? 1 : 0;
  return { dtype: 'bool', dims: [...x.dims], data: out };
}

const not: Kernel = (node, [x]) => [boolMap(node, x!, (e) => e === 0)];
const isNaN_: Kernel = (node, [x]) => [boolMap(node, x!, Number.isNaN)];

export function elementwiseKernels(): Record<string, Kernel> {
  const k: Record<string, Kernel> = {};
  for (const op of Object.keys(UNARY)) k[op] = unaryKernel(op);
  for (const op of Object.keys(BINARY)) k[op] = binaryKernel(op);
  for (const op of Object.keys(COMPARE)) k[op] = compareKernel(op);
  for (const op of ['Min', 'Max', 'Sum', 'Mean'] as const) k[op] = variadicKernel(op);
  k.Where = where;
  k.Clip = clip;
  k.PRelu = prelu;
  k.Not = not;
  k.IsNaN = isNaN_;
  return k;
}
