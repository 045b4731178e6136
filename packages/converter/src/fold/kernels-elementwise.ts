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
import { fromNumbers, isFloatType, readNumbers, sameDims } from './values.js';

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
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
          t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
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
    attrFloat(n, 'gamma', 1.05070102214813232421875) * (x > 0 ? x : attrFloat(n, 'alpha', 1.67326319217681884765625) * (Math.exp(x) - 1)),
  HardSigmoid: (x, n) => Math.max(0, Math.min(1, attrFloat(n, 'alpha', 0.2) * x + attrFloat(n, 'beta', 0.5))),
  HardSwish: (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5)),
  Softplus: (x) => Math.log1p(Math.exp(x)),
  Softsign: (x) => x / (1 + Math.abs(x)),
};

const FLOAT_ONLY = new Set(['Sqrt', 'Exp', 'Log', 'Reciprocal', 'Sigmoid', 'Tanh', 'Erf', 'Sin', 'Cos', 'LeakyRelu', 'Elu', 'Selu',
  'HardSigmoid', 'HardSwish', 'Softplus', 'Softsign', 'Floor', 'Ceil', 'Round']);

function numeric(t: TensorValue, node: Node): Float64Array {
  if (t.dtype === 'string') unsupported(node, 'string tensors');
  return readNumbers(t);
}

function unaryKernel(op: string): Kernel {
  const f = UNARY[op];
  return (node, [x]) => {
    if (FLOAT_ONLY.has(op) && !isFloatType(x!.dtype)) unsupported(node, `${x!.dtype} input`);
    const v = numeric(x!, node);
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = f(v[i], node);
    return [fromNumbers(x!.dtype, x!.dims, out)];
  };
}

/** Broadcasts inputs and applies f element-wise; the output has `dtype`. */
function broadcastMap(node: Node, ins: TensorValue[], dtype: DType, f: (v: number[]) => number): TensorValue {
  const dims = broadcastShapes(ins.map((t) => t.dims), (r) => unsupported(node, r))!;
  const n = elementCount(dims);
  const vals = ins.map((t) => numeric(t, node));
  const offs = ins.map((t) => (sameDims(t.dims, dims) ? null : broadcastOffsets(dims, t.dims)));
  const out = new Float64Array(n);
  const args = new Array<number>(ins.length);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < ins.length; j++) args[j] = vals[j][offs[j] ? offs[j]![k] : k];
    out[k] = f(args);
  }
  return fromNumbers(dtype, dims, out);
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
    return [broadcastMap(node, [a!, b!], a!.dtype, (v) => f(v[0], v[1], node, isInt))];
  };
}

function compareKernel(op: string): Kernel {
  const f = COMPARE[op];
  return (node, [a, b]) => [broadcastMap(node, [a!, b!], 'bool', (v) => (f(v[0], v[1]) ? 1 : 0))];
}

/** Variadic Min/Max/Sum/Mean. */
function variadicKernel(op: 'Min' | 'Max' | 'Sum' | 'Mean'): Kernel {
  return (node, ins) => {
    const ts = ins.filter((t): t is TensorValue => t !== null);
    if (ts.length === 0) unsupported(node, 'no inputs');
    const f = (v: number[]): number => {
      switch (op) {
        case 'Min': return v.some(Number.isNaN) ? NaN : Math.min(...v);
        case 'Max': return v.some(Number.isNaN) ? NaN : Math.max(...v);
        case 'Sum': return v.reduce((s, x) => s + x, 0);
        case 'Mean': return v.reduce((s, x) => s + x, 0) / v.length;
      }
    };
    return [broadcastMap(node, ts, ts[0].dtype, f)];
  };
}

const where: Kernel = (node, [c, x, y]) => [
  broadcastMap(node, [c!, x!, y!], x!.dtype, (v) => (v[0] !== 0 ? v[1] : v[2])),
];

const clip: Kernel = (node, [x, lo, hi]) => {
  const min = lo ? readNumbers(lo)[0] : -Infinity;
  const max = hi ? readNumbers(hi)[0] : Infinity;
  const v = numeric(x!, node);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Math.min(Math.max(v[i], min), max);
  return [fromNumbers(x!.dtype, x!.dims, out)];
};

const prelu: Kernel = (node, [x, s]) => [broadcastMap(node, [x!, s!], x!.dtype, (v) => (v[0] < 0 ? v[0] * v[1] : v[0]))];

const not: Kernel = (node, [x]) => {
  const v = numeric(x!, node);
  return [fromNumbers('bool', x!.dims, v.map((e) => (e === 0 ? 1 : 0)))];
};

const isNaN_: Kernel = (node, [x]) => [fromNumbers('bool', x!.dims, numeric(x!, node).map((e) => (Number.isNaN(e) ? 1 : 0)))];

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
