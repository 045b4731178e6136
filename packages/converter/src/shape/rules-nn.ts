// Shape rules for the neural-network ops: convolutions, pooling, normalisations, Gemm/MatMul, recurrent
// layers and the depth/space rearrangements. Channel and inner-dimension mismatches fail with the node named.
import { attrInt, attrInts, attrString } from '../ir/graph.js';
import type { ValueInfo } from '../ir/graph.js';
import { broadcastShapes } from './rules-elementwise.js';
import { type ShapeCtx, type ShapeRule, dimOp, unknown } from './context.js';

function spatialAttrs(c: ShapeCtx, nsp: number, kernel: number[]) {
  const strides = attrInts(c.node, 'strides') ?? new Array(nsp).fill(1);
  const dilations = attrInts(c.node, 'dilations') ?? new Array(nsp).fill(1);
  const pads = attrInts(c.node, 'pads') ?? new Array(2 * nsp).fill(0);
  if (strides.length !== nsp || dilations.length !== nsp || pads.length !== 2 * nsp || kernel.length !== nsp)
    c.fail(`kernel_shape/strides/dilations/pads do not match the ${nsp} spatial dimensions of the input`);
  if (strides.some((s) => s <= 0) || dilations.some((d) => d <= 0)) c.fail('strides and dilations must be positive');
  const autoPad = attrString(c.node, 'auto_pad', 'NOTSET');
  return { strides, dilations, pads, autoPad };
}

/** Output spatial sizes of a convolution or pooling window. */
function windowOut(c: ShapeCtx, inDims: number[], kernel: number[], ceilMode = false): number[] {
  const { strides, dilations, pads, autoPad } = spatialAttrs(c, inDims.length, kernel);
  const n = inDims.length;
  return inDims.map((d, i) => {
    if (d < 0 || kernel[i] < 0) return -1;
    const s = strides[i];
    const ek = (kernel[i] - 1) * dilations[i] + 1;
    let out: number;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') out = Math.ceil(d / s);
    else if (autoPad === 'VALID') out = Math.ceil((d - ek + 1) / s);
    else {
      const span = d + pads[i] + pads[i + n] - ek;
      if (ceilMode) {
        out = Math.ceil(span / s) + 1;
        // The last window must start inside the input or its begin padding.
        if ((out - 1) * s >= d + pads[i]) out--;
      } else out = Math.floor(span / s) + 1;
    }
    if (out <= 0)
      c.fail(
        `the window (kernel ${kernel[i]}, dilation ${dilations[i]}) is larger than the padded input (${d}) on spatial axis ${i}`,
      );
    return out;
  });
}

const conv: ShapeRule = (c) => {
  const x = c.shape(0);
  const w = c.shape(1);
  const dtype = c.dtype(0);
  if (!x) return [unknown(dtype)];
  if (x.length < 3) c.fail(`input must have rank >= 3 (N, C, spatial...), got [${x}]`);
  const group = attrInt(c.node, 'group', 1);
  const nsp = x.length - 2;
  if (w && w.length !== x.length)
    c.fail(`weight rank ${w.length} ([${w}]) does not match input rank ${x.length} ([${x}])`);
  if (w && x[1] >= 0 && w[1] >= 0 && x[1] !== w[1] * group)
    c.fail(`input has ${x[1]} channels but the weight [${w}] with group=${group} expects ${w[1] * group}`);
  if (w && w[0] >= 0 && w[0] % group !== 0) c.fail(`${w[0]} output channels are not divisible by group=${group}`);
  const b = c.shape(2);
  if (b && w && w[0] >= 0 && b.length === 1 && b[0] >= 0 && b[0] !== w[0])
    c.fail(`bias has ${b[0]} values, the weight has ${w[0]} output channels`);
  const kernel = attrInts(c.node, 'kernel_shape') ?? (w ? w.slice(2) : new Array(nsp).fill(-1));
  return [{ dtype, shape: [x[0], w ? w[0] : -1, ...windowOut(c, x.slice(2), kernel)] }];
};

const convTranspose: ShapeRule = (c) => {
  const x = c.shape(0);
  const w = c.shape(1);
  const dtype = c.dtype(0);
  if (!x) return [unknown(dtype)];
  if (x.length < 3) c.fail(`input must have rank >= 3 (N, C, spatial...), got [${x}]`);
  const group = attrInt(c.node, 'group', 1);
  const nsp = x.length - 2;
  if (w && w.length !== x.length) c.fail(`weight rank ${w.length} ([${w}]) does not match input rank ${x.length}`);
  if (w && x[1] >= 0 && w[0] >= 0 && x[1] !== w[0])
    c.fail(`input has ${x[1]} channels but the weight [${w}] expects ${w[0]}`);
  const outC = w && w[1] >= 0 ? w[1] * group : -1;
  const kernel = attrInts(c.node, 'kernel_shape') ?? (w ? w.slice(2) : new Array(nsp).fill(-1));
  const { strides, dilations, pads, autoPad } = spatialAttrs(c, nsp, kernel);
  const outPad = attrInts(c.node, 'output_padding') ?? new Array(nsp).fill(0);
  const outShape = attrInts(c.node, 'output_shape');
  const sp = x.slice(2).map((d, i) => {
    if (outShape) return outShape[outShape.length - nsp + i];
    if (d < 0 || kernel[i] < 0) return -1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return d * strides[i];
    const p = autoPad === 'VALID' ? 0 : pads[i] + pads[i + nsp];
    return strides[i] * (d - 1) + (outPad[i] ?? 0) + (kernel[i] - 1) * dilations[i] + 1 - p;
  });
  if (sp.some((d) => d === 0 || d < -1)) c.fail(`computed output size [${sp}] is not positive`);
  return [{ dtype, shape: [x[0], outC, ...sp] }];
};

const pool: ShapeRule = (c) => {
  const x = c.shape(0);
  const dtype = c.dtype(0);
  if (!x) return [unknown(dtype), unknown('int64')];
  if (x.length < 3) c.fail(`input must have rank >= 3 (N, C, spatial...), got [${x}]`);
  const kernel = attrInts(c.node, 'kernel_shape');
  if (!kernel) return c.fail('kernel_shape is required');
  const shape = [x[0], x[1], ...windowOut(c, x.slice(2), kernel, attrInt(c.node, 'ceil_mode', 0) !== 0)];
  return [
    { dtype, shape },
    { dtype: 'int64', shape },
  ];
};

const globalPool: ShapeRule = (c) => {
  const x = c.shape(0);
  if (!x) return [unknown(c.dtype(0))];
  if (x.length < 2) c.fail(`input must have rank >= 2, got [${x}]`);
  return [{ dtype: c.dtype(0), shape: [x[0], x[1], ...x.slice(2).map(() => 1)] }];
};

const batchNorm: ShapeRule = (c) => {
  const x = c.shape(0);
  const dtype = c.dtype(0);
  const ch = x && x.length >= 2 ? x[1] : -1;
  for (let i = 1; i <= 4; i++) {
    const s = c.shape(i);
    if (s && s.length === 1 && s[0] >= 0 && ch >= 0 && s[0] !== ch)
      c.fail(`input has ${ch} channels but input ${i} ('${c.node.inputs[i]}') has ${s[0]} values`);
  }
  const stat: ValueInfo = { dtype: c.dtype(3, dtype), shape: [ch] };
  return [{ dtype, shape: x }, stat, stat];
};

const layerNorm: ShapeRule = (c) => {
  const x = c.shape(0);
  const dtype = c.dtype(0);
  if (!x) return [unknown(dtype), unknown('float32'), unknown('float32')];
  const a = c.axis(attrInt(c.node, 'axis', -1), x.length);
  const stat = x.map((d, i) => (i < a ? d : 1));
  return [
    { dtype, shape: x },
    { dtype: 'float32', shape: stat },
    { dtype: 'float32', shape: stat },
  ];
};

const gemm: ShapeRule = (c) => {
  const a = c.shape(0);
  const b = c.shape(1);
  const dtype = c.dtype(0);
  if (a && a.length !== 2) c.fail(`A must be 2-D, got [${a}]`);
  if (b && b.length !== 2) c.fail(`B must be 2-D, got [${b}]`);
  const ta = attrInt(c.node, 'transA', 0) !== 0;
  const tb = attrInt(c.node, 'transB', 0) !== 0;
  const m = a ? (ta ? a[1] : a[0]) : -1;
  const ka = a ? (ta ? a[0] : a[1]) : -1;
  const kb = b ? (tb ? b[1] : b[0]) : -1;
  const n = b ? (tb ? b[0] : b[1]) : -1;
  if (ka >= 0 && kb >= 0 && ka !== kb)
    c.fail(`inner dimensions differ: A [${a}]${ta ? 'ᵀ' : ''} × B [${b}]${tb ? 'ᵀ' : ''}`);
  const cs = c.shape(2);
  if (cs && m >= 0 && n >= 0) {
    const out = broadcastShapes([[m, n], cs], (r) => c.fail(`C does not broadcast to [${m}, ${n}]: ${r}`));
    if (out && (out[0] !== m || out[1] !== n) && out.every((d) => d >= 0))
      c.fail(`C [${cs}] does not broadcast to [${m}, ${n}]`);
  }
  return [{ dtype, shape: [m, n] }];
};

export function matmulShape(c: ShapeCtx, a: number[] | null, b: number[] | null): number[] | null {
  if (!a || !b) return null;
  if (a.length === 0 || b.length === 0) c.fail('MatMul inputs must not be scalars');
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const k1 = a2[a2.length - 1];
  const k2 = b2[b2.length - 2];
  if (k1 >= 0 && k2 >= 0 && k1 !== k2) c.fail(`inner dimensions differ: [${a}] × [${b}]`);
  const batch = broadcastShapes([a2.slice(0, -2), b2.slice(0, -2)], (r) =>
    c.fail(`batch dimensions do not broadcast: ${r}`),
  )!;
  const out = [...batch];
  if (a.length !== 1) out.push(a2[a2.length - 2]);
  if (b.length !== 1) out.push(b2[b2.length - 1]);
  return out;
}

const matmul: ShapeRule = (c) => [{ dtype: c.dtype(0), shape: matmulShape(c, c.shape(0), c.shape(1)) }];

/** LSTM (gates 4), GRU (3), RNN (1): Y, Y_h (and Y_c for LSTM). */
const recurrent =
  (gates: number, outputs: number): ShapeRule =>
  (c) => {
    const x = c.shape(0);
    const w = c.shape(1);
    const dtype = c.dtype(0);
    const dirs = attrString(c.node, 'direction', 'forward') === 'bidirectional' ? 2 : 1;
    const layout = attrInt(c.node, 'layout', 0);
    let hidden = attrInt(c.node, 'hidden_size', -1);
    if (hidden < 0 && w && w[1] >= 0) hidden = w[1] / gates;
    if (w && w[1] >= 0 && hidden >= 0 && w[1] !== gates * hidden)
      c.fail(`W [${w}] does not hold ${gates} gates of hidden_size ${hidden}`);
    if (w && w[0] >= 0 && w[0] !== dirs) c.fail(`W [${w}] has ${w[0]} directions, direction attribute says ${dirs}`);
    if (x && x.length !== 3) c.fail(`X must be 3-D, got [${x}]`);
    if (x && w && x[2] >= 0 && w[2] >= 0 && x[2] !== w[2])
      c.fail(`X has input size ${x[2]} but W [${w}] expects ${w[2]}`);
    const seq = x ? (layout ? x[1] : x[0]) : -1;
    const batch = x ? (layout ? x[0] : x[1]) : -1;
    const y = layout ? [batch, seq, dirs, hidden] : [seq, dirs, batch, hidden];
    const h = layout ? [batch, dirs, hidden] : [dirs, batch, hidden];
    const res: ValueInfo[] = [
      { dtype, shape: y },
      { dtype, shape: h },
    ];
    if (outputs === 3) res.push({ dtype, shape: h });
    return res;
  };

const depthToSpace: ShapeRule = (c) => {
  const x = c.shape(0);
  const b = attrInt(c.node, 'blocksize', 0);
  if (b <= 0) c.fail('blocksize must be positive');
  if (!x) return [unknown(c.dtype(0))];
  if (x.length !== 4) c.fail(`input must be 4-D, got [${x}]`);
  if (x[1] >= 0 && x[1] % (b * b) !== 0) c.fail(`${x[1]} channels are not divisible by blocksize² = ${b * b}`);
  const m = (d: number) => dimOp(d, b, (p, q) => p * q);
  return [{ dtype: c.dtype(0), shape: [x[0], dimOp(x[1], b, (p, q) => p / (q * q)), m(x[2]), m(x[3])] }];
};

const spaceToDepth: ShapeRule = (c) => {
  const x = c.shape(0);
  const b = attrInt(c.node, 'blocksize', 0);
  if (b <= 0) c.fail('blocksize must be positive');
  if (!x) return [unknown(c.dtype(0))];
  if (x.length !== 4) c.fail(`input must be 4-D, got [${x}]`);
  for (const i of [2, 3])
    if (x[i] >= 0 && x[i] % b !== 0) c.fail(`spatial size ${x[i]} is not divisible by blocksize ${b}`);
  const d = (v: number) => dimOp(v, b, (p, q) => p / q);
  return [{ dtype: c.dtype(0), shape: [x[0], dimOp(x[1], b, (p, q) => p * q * q), d(x[2]), d(x[3])] }];
};

export function nnRules(): Record<string, ShapeRule> {
  return {
    Conv: conv,
    ConvTranspose: convTranspose,
    MaxPool: pool,
    AveragePool: pool,
    LpPool: pool,
    GlobalAveragePool: globalPool,
    GlobalMaxPool: globalPool,
    GlobalLpPool: globalPool,
    BatchNormalization: batchNorm,
    LayerNormalization: layerNorm,
    Gemm: gemm,
    MatMul: matmul,
    LSTM: recurrent(4, 3),
    GRU: recurrent(3, 2),
    RNN: recurrent(1, 2),
    DepthToSpace: depthToSpace,
    SpaceToDepth: spaceToDepth,
  };
}
