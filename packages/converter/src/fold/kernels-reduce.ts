// Reference kernels for reductions (Reduce*, ArgMax/ArgMin) and MatMul, for the small constant tensors of
// shape computations and weight preprocessing.
import { attrInt, attrInts } from '../ir/graph.js';
import type { TensorValue } from '../ir/tensor.js';
import { elementCount } from '../ir/tensor.js';
import { broadcastShapes } from '../shape/rules-elementwise.js';
import { broadcastOffsets, strides } from './indexing.js';
import { type Kernel, unsupported } from './kernel.js';
import { fromNumbers, readNumbers } from './values.js';

type Acc = { init: number; step: (acc: number, v: number) => number; done: (acc: number, n: number) => number };

const REDUCERS: Record<string, Acc> = {
  ReduceSum: { init: 0, step: (a, v) => a + v, done: (a) => a },
  ReduceMean: { init: 0, step: (a, v) => a + v, done: (a, n) => a / n },
  ReduceProd: { init: 1, step: (a, v) => a * v, done: (a) => a },
  ReduceMax: { init: -Infinity, step: (a, v) => (v > a || Number.isNaN(v) ? v : a), done: (a) => a },
  ReduceMin: { init: Infinity, step: (a, v) => (v < a || Number.isNaN(v) ? v : a), done: (a) => a },
  ReduceSumSquare: { init: 0, step: (a, v) => a + v * v, done: (a) => a },
  ReduceL1: { init: 0, step: (a, v) => a + Math.abs(v), done: (a) => a },
  ReduceL2: { init: 0, step: (a, v) => a + v * v, done: (a) => Math.sqrt(a) },
  ReduceLogSum: { init: 0, step: (a, v) => a + v, done: (a) => Math.log(a) },
  ReduceLogSumExp: { init: 0, step: (a, v) => a + Math.exp(v), done: (a) => Math.log(a) },
};

/** Splits dims into (kept, reduced) index structure; calls visit(outIndex, inOffset) for every element. */
function reduceWalk(dims: number[], reduced: boolean[], visit: (out: number, inOff: number) => void): void {
  const r = dims.length;
  const n = elementCount(dims);
  const outDims = dims.map((d, i) => (reduced[i] ? 1 : d));
  const outStr = strides(outDims);
  const idx = new Array<number>(r).fill(0);
  let out = 0;
  for (let k = 0; k < n; k++) {
    visit(out, k);
    for (let i = r - 1; i >= 0; i--) {
      idx[i]++;
      if (!reduced[i]) out += outStr[i];
      if (idx[i] < dims[i]) break;
      if (!reduced[i]) out -= outStr[i] * dims[i];
      idx[i] = 0;
    }
  }
}

function reduceKernel(op: string): Kernel {
  const acc = REDUCERS[op];
  return (node, [x, axesT]) => {
    const dims = x!.dims;
    const r = dims.length;
    const axes = axesT ? Array.from(readNumbers(axesT)) : attrInts(node, 'axes');
    const keep = attrInt(node, 'keepdims', 1) !== 0;
    if ((!axes || axes.length === 0) && attrInt(node, 'noop_with_empty_axes', 0) !== 0)
      return [fromNumbers(x!.dtype, dims, readNumbers(x!))];
    const reduced = dims.map((_, i) => !axes || axes.length === 0 || axes.some((a) => (a < 0 ? a + r : a) === i));
    const outDims = dims.map((d, i) => (reduced[i] ? 1 : d));
    const m = elementCount(outDims);
    const cnt = elementCount(dims) / Math.max(m, 1);
    const v = readNumbers(x!);
    const res = new Float64Array(m).fill(acc.init);
    reduceWalk(dims, reduced, (o, k) => (res[o] = acc.step(res[o], v[k])));
    for (let i = 0; i < m; i++) res[i] = acc.done(res[i], cnt);
    return [fromNumbers(x!.dtype, keep ? outDims : dims.filter((_, i) => !reduced[i]), res)];
  };
}

function argKernel(max: boolean): Kernel {
  return (node, [x]) => {
    const dims = x!.dims;
    const r = dims.length;
    const a0 = attrInt(node, 'axis', 0);
    const a = a0 < 0 ? a0 + r : a0;
    if (a < 0 || a >= r) unsupported(node, `axis ${a0}`);
    const last = attrInt(node, 'select_last_index', 0) !== 0;
    const reduced = dims.map((_, i) => i === a);
    const outDims = dims.map((d, i) => (i === a ? 1 : d));
    const m = elementCount(outDims);
    const v = readNumbers(x!);
    const best = new Float64Array(m).fill(NaN);
    const arg = new Float64Array(m);
    const inner = strides(dims)[a];
    reduceWalk(dims, reduced, (o, k) => {
      const j = Math.floor(k / inner) % dims[a];
      const b = best[o];
      const better = Number.isNaN(b) || (max ? v[k] > b : v[k] < b) || (last && v[k] === b);
      if (better) {
        best[o] = v[k];
        arg[o] = j;
      }
    });
    const keep = attrInt(node, 'keepdims', 1) !== 0;
    return [fromNumbers('int64', keep ? outDims : dims.filter((_, i) => i !== a), arg)];
  };
}

const matmul: Kernel = (node, [a, b]) => {
  if (a!.dims.length === 0 || b!.dims.length === 0) unsupported(node, 'scalar input');
  const ad = a!.dims.length === 1 ? [1, a!.dims[0]] : a!.dims;
  const bd = b!.dims.length === 1 ? [b!.dims[0], 1] : b!.dims;
  const [m, k] = ad.slice(-2);
  const [k2, n] = bd.slice(-2);
  if (k !== k2) unsupported(node, `inner dimensions [${a!.dims}] × [${b!.dims}]`);
  const batch = broadcastShapes([ad.slice(0, -2), bd.slice(0, -2)], (r) => unsupported(node, r))!;
  const nb = elementCount(batch);
  const aOff = broadcastOffsets(batch, ad.slice(0, -2));
  const bOff = broadcastOffsets(batch, bd.slice(0, -2));
  const av = readNumbers(a!);
  const bv = readNumbers(b!);
  const out = new Float64Array(nb * m * n);
  for (let p = 0; p < nb; p++) {
    const ab = aOff[p] * m * k;
    const bb = bOff[p] * k * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += av[ab + i * k + q] * bv[bb + q * n + j];
        out[(p * m + i) * n + j] = s;
      }
  }
  const dims = [...batch];
  if (a!.dims.length !== 1) dims.push(m);
  if (b!.dims.length !== 1) dims.push(n);
  return [fromNumbers(a!.dtype, dims, out)];
};

export function reduceKernels(): Record<string, Kernel> {
  const k: Record<string, Kernel> = { ArgMax: argKernel(true), ArgMin: argKernel(false), MatMul: matmul };
  for (const op of Object.keys(REDUCERS)) k[op] = reduceKernel(op);
  return k;
}

export type { TensorValue };
