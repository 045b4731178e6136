// Test helper: a small, slow, obviously-correct float32 interpreter of converter IR graphs for the
// ops the transform tests use (ONNX semantics plus the engine's fused `activation` arguments). It
// lets transform tests compare outputs before and after a rewrite without the native runtime.
import { attrFloat, attrInt, attrInts, attrString, type Graph, type Node } from '../../src/ir/graph.js';
import { toNumbers } from '../../src/ir/tensor.js';

export interface T {
  dims: number[];
  data: Float64Array;
}

const count = (d: number[]): number => d.reduce((a, b) => a * b, 1);
const strides = (d: number[]): number[] => {
  const s = new Array(d.length).fill(1);
  for (let i = d.length - 2; i >= 0; i--) s[i] = s[i + 1] * d[i + 1];
  return s;
};

function activation(node: Node): (x: number) => number {
  const a = attrFloat(node, 'activation_alpha', 0);
  const b = attrFloat(node, 'activation_beta', 0);
  switch (attrString(node, 'activation', '')) {
    case '':
      return (x) => x;
    case 'RELU':
      return (x) => Math.max(x, 0);
    case 'CLIP':
      return (x) => Math.min(Math.max(x, a), b);
    case 'LEAKYRELU':
      return (x) => (x >= 0 ? x : a * x);
    case 'SIGMOID':
      return (x) => 1 / (1 + Math.exp(-x));
    case 'TANH':
      return Math.tanh;
    case 'HARDSIGMOID':
      return (x) => Math.min(1, Math.max(0, a * x + b));
    case 'HARDSWISH':
      return (x) => x * Math.min(1, Math.max(0, x / 6 + 0.5));
    default:
      throw new Error(`eval: unknown activation ${attrString(node, 'activation', '')}`);
  }
}

function map(x: T, f: (v: number) => number): T {
  return { dims: [...x.dims], data: x.data.map(f) };
}

function broadcast(a: T, b: T, f: (x: number, y: number) => number): T {
  const r = Math.max(a.dims.length, b.dims.length);
  const ad = [...new Array(r - a.dims.length).fill(1), ...a.dims];
  const bd = [...new Array(r - b.dims.length).fill(1), ...b.dims];
  const dims = ad.map((d, i) => Math.max(d, bd[i]));
  const as = strides(ad),
    bs = strides(bd),
    os = strides(dims);
  const n = count(dims);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let ai = 0,
      bi = 0,
      rem = i;
    for (let k = 0; k < r; k++) {
      const c = Math.floor(rem / os[k]);
      rem -= c * os[k];
      if (ad[k] !== 1) ai += c * as[k];
      if (bd[k] !== 1) bi += c * bs[k];
    }
    out[i] = f(a.data[ai], b.data[bi]);
  }
  return { dims, data: out };
}

function conv(node: Node, x: T, w: T, bias: T | undefined): T {
  const [n, c, h, wd] = x.dims;
  const [m, cg, kh, kw] = w.dims;
  const g = attrInt(node, 'group', 1);
  const [sh, sw] = attrInts(node, 'strides') ?? [1, 1];
  const [dh, dw] = attrInts(node, 'dilations') ?? [1, 1];
  const [pt, pl, pb, pr] = attrInts(node, 'pads') ?? [0, 0, 0, 0];
  if (attrString(node, 'auto_pad', 'NOTSET') !== 'NOTSET') throw new Error('eval: auto_pad');
  const oh = Math.floor((h + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((wd + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  const out = new Float64Array(n * m * oh * ow);
  const act = activation(node);
  const mg = m / g;
  if (c !== cg * g) throw new Error('eval: conv channels');
  for (let b = 0; b < n; b++)
    for (let o = 0; o < m; o++) {
      const gi = Math.floor(o / mg);
      for (let y = 0; y < oh; y++)
        for (let z = 0; z < ow; z++) {
          let s = bias ? bias.data[o] : 0;
          for (let ci = 0; ci < cg; ci++)
            for (let ky = 0; ky < kh; ky++) {
              const iy = y * sh - pt + ky * dh;
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = z * sw - pl + kx * dw;
                if (ix < 0 || ix >= wd) continue;
                s += x.data[((b * c + gi * cg + ci) * h + iy) * wd + ix] * w.data[((o * cg + ci) * kh + ky) * kw + kx];
              }
            }
          out[((b * m + o) * oh + y) * ow + z] = act(s);
        }
    }
  return { dims: [n, m, oh, ow], data: out };
}

function convTranspose(node: Node, x: T, w: T, bias: T | undefined): T {
  const [n, c, h, wd] = x.dims;
  const [, mg, kh, kw] = w.dims;
  const g = attrInt(node, 'group', 1);
  const [sh, sw] = attrInts(node, 'strides') ?? [1, 1];
  const [pt, pl, pb, pr] = attrInts(node, 'pads') ?? [0, 0, 0, 0];
  const [oph, opw] = attrInts(node, 'output_padding') ?? [0, 0];
  const m = mg * g;
  const cg = c / g;
  const oh = sh * (h - 1) + oph + kh - pt - pb;
  const ow = sw * (wd - 1) + opw + kw - pl - pr;
  const out = new Float64Array(n * m * oh * ow);
  for (let b = 0; b < n; b++)
    for (let ci = 0; ci < c; ci++) {
      const gi = Math.floor(ci / cg);
      for (let j = 0; j < mg; j++) {
        const o = gi * mg + j;
        for (let y = 0; y < h; y++)
          for (let z = 0; z < wd; z++) {
            const v = x.data[((b * c + ci) * h + y) * wd + z];
            for (let ky = 0; ky < kh; ky++) {
              const oy = y * sh + ky - pt;
              if (oy < 0 || oy >= oh) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ox = z * sw + kx - pl;
                if (ox < 0 || ox >= ow) continue;
                out[((b * m + o) * oh + oy) * ow + ox] += v * w.data[((ci * mg + j) * kh + ky) * kw + kx];
              }
            }
          }
      }
    }
  const act = activation(node);
  const plane = oh * ow;
  for (let i = 0; i < out.length; i++) out[i] = act(out[i] + (bias ? bias.data[Math.floor(i / plane) % m] : 0));
  return { dims: [n, m, oh, ow], data: out };
}

function matmul2(
  a: Float64Array,
  b: Float64Array,
  r: number,
  k: number,
  c: number,
  out: Float64Array,
  off: number,
  aOff = 0,
  bOff = 0,
): void {
  for (let i = 0; i < r; i++)
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[aOff + i * k + t] * b[bOff + t * c + j];
      out[off + i * c + j] = s;
    }
}

function transpose(x: T, perm: number[]): T {
  const dims = perm.map((p) => x.dims[p]);
  const is = strides(x.dims),
    os = strides(dims);
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    let rem = i,
      src = 0;
    for (let k = 0; k < dims.length; k++) {
      const c = Math.floor(rem / os[k]);
      rem -= c * os[k];
      src += c * is[perm[k]];
    }
    out[i] = x.data[src];
  }
  return { dims, data: out };
}

function reshapeTo(x: T, shape: number[]): T {
  const dims = shape.map((d, i) => (d === 0 ? x.dims[i] : d));
  const k = dims.indexOf(-1);
  if (k >= 0) dims[k] = count(x.dims) / -count(dims);
  if (count(dims) !== x.data.length) throw new Error(`eval: reshape [${x.dims}] → [${shape}]`);
  return { dims, data: x.data };
}

function run(node: Node, ins: (T | undefined)[], graph: Graph): T[] {
  const [x, y, z] = ins;
  const need = (t: T | undefined): T => {
    if (!t) throw new Error(`eval: ${node.opType} '${node.name}' is missing an input`);
    return t;
  };
  const ints = (t: T | undefined): number[] => Array.from(need(t).data);
  switch (node.opType) {
    case 'Identity':
    case 'Dropout':
      return [need(x)];
    case 'Relu':
      return [map(need(x), (v) => Math.max(v, 0))];
    case 'Clip': {
      const lo = y ? y.data[0] : attrFloat(node, 'min', -Infinity);
      const hi = z ? z.data[0] : attrFloat(node, 'max', Infinity);
      return [map(need(x), (v) => Math.min(Math.max(v, lo), hi))];
    }
    case 'LeakyRelu': {
      const a = attrFloat(node, 'alpha', 0.01);
      return [map(need(x), (v) => (v >= 0 ? v : a * v))];
    }
    case 'Sigmoid':
      return [map(need(x), (v) => 1 / (1 + Math.exp(-v)))];
    case 'Tanh':
      return [map(need(x), Math.tanh)];
    case 'HardSigmoid': {
      const a = attrFloat(node, 'alpha', 0.2),
        b = attrFloat(node, 'beta', 0.5);
      return [map(need(x), (v) => Math.min(1, Math.max(0, a * v + b)))];
    }
    case 'HardSwish':
      return [map(need(x), (v) => v * Math.min(1, Math.max(0, v / 6 + 0.5)))];
    case 'Add':
      return [broadcast(need(x), need(y), (a, b) => a + b)];
    case 'Sub':
      return [broadcast(need(x), need(y), (a, b) => a - b)];
    case 'Mul':
      return [broadcast(need(x), need(y), (a, b) => a * b)];
    case 'Div':
      return [broadcast(need(x), need(y), (a, b) => a / b)];
    case 'Conv':
      return [conv(node, need(x), need(y), z)];
    case 'ConvTranspose':
      return [convTranspose(node, need(x), need(y), z)];
    case 'BatchNormalization': {
      const X = need(x);
      const [s, b, m, v] = [1, 2, 3, 4].map((i) => need(ins[i]));
      const eps = attrFloat(node, 'epsilon', 1e-5);
      const c = X.dims[1];
      const inner = count(X.dims.slice(2));
      const out = X.data.map((val, i) => {
        const ch = Math.floor(i / inner) % c;
        return ((val - m.data[ch]) / Math.sqrt(v.data[ch] + eps)) * s.data[ch] + b.data[ch];
      });
      return [{ dims: [...X.dims], data: out }];
    }
    case 'Gemm': {
      let A = need(x),
        B = need(y);
      if (attrInt(node, 'transA', 0)) A = transpose(A, [1, 0]);
      if (attrInt(node, 'transB', 0)) B = transpose(B, [1, 0]);
      const [r, k] = A.dims,
        c = B.dims[1];
      const out = new Float64Array(r * c);
      matmul2(A.data, B.data, r, k, c, out, 0);
      const alpha = attrFloat(node, 'alpha', 1),
        beta = attrFloat(node, 'beta', 1);
      let res: T = { dims: [r, c], data: out.map((v) => v * alpha) };
      if (z) res = broadcast(res, z, (a, b) => a + beta * b);
      return [map(res, activation(node))];
    }
    case 'MatMul': {
      const A = need(x),
        B = need(y);
      if (B.dims.length !== 2) throw new Error('eval: MatMul needs a 2-D right operand');
      const k = A.dims[A.dims.length - 1],
        c = B.dims[1];
      const r = A.data.length / k;
      const out = new Float64Array(r * c);
      matmul2(A.data, B.data, r, k, c, out, 0);
      return [map({ dims: [...A.dims.slice(0, -1), c], data: out }, activation(node))];
    }
    case 'Transpose': {
      const X = need(x);
      return [transpose(X, attrInts(node, 'perm') ?? X.dims.map((_, i) => X.dims.length - 1 - i))];
    }
    case 'Reshape':
      return [reshapeTo(need(x), ints(y))];
    case 'Shape':
      return [{ dims: [need(x).dims.length], data: Float64Array.from(need(x).dims) }];
    case 'Flatten': {
      const X = need(x);
      let axis = attrInt(node, 'axis', 1);
      if (axis < 0) axis += X.dims.length;
      return [{ dims: [count(X.dims.slice(0, axis)), count(X.dims.slice(axis))], data: X.data }];
    }
    case 'Squeeze': {
      const X = need(x);
      const axes = (y ? ints(y) : X.dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((a) =>
        a < 0 ? a + X.dims.length : a,
      );
      return [{ dims: X.dims.filter((_, i) => !axes.includes(i)), data: X.data }];
    }
    case 'Unsqueeze': {
      const X = need(x);
      const r = X.dims.length + ints(y).length;
      const axes = ints(y).map((a) => (a < 0 ? a + r : a));
      const dims: number[] = [];
      let j = 0;
      for (let i = 0; i < r; i++) dims.push(axes.includes(i) ? 1 : X.dims[j++]);
      return [{ dims, data: X.data }];
    }
    default:
      throw new Error(
        `eval: op ${node.opType} has no reference implementation in this test interpreter (graph ${graph.name})`,
      );
  }
}

/** Runs `graph` on float32 inputs; returns every model output by name. */
export function evalGraph(graph: Graph, inputs: Map<string, Float32Array>): Map<string, T> {
  const env = new Map<string, T>();
  for (const [k, c] of graph.constants) env.set(k, { dims: [...c.dims], data: Float64Array.from(toNumbers(c)) });
  for (const io of graph.inputs) {
    const d = inputs.get(io.name);
    if (!d) throw new Error(`eval: no value for input ${io.name}`);
    env.set(io.name, { dims: [...io.shape], data: Float64Array.from(d) });
  }
  for (const n of graph.nodes) {
    const outs = run(
      n,
      n.inputs.map((i) => (i ? env.get(i) : undefined)),
      graph,
    );
    n.outputs.forEach((o, i) => env.set(o, outs[i]));
  }
  const res = new Map<string, T>();
  for (const o of graph.outputs) {
    const t = env.get(o.name);
    if (!t) throw new Error(`eval: output ${o.name} was not computed`);
    res.set(o.name, t);
  }
  return res;
}
