// Shape rules for tensor-manipulation ops (Concat, Split, Slice, Gather, Reshape, Squeeze, Transpose, Expand,
// Tile, Pad, Shape, Cast, ...). Shapes that depend on tensor values are computed when those values are
// constants, and left unknown (-1 / null) otherwise.
import { attrInt, attrInts } from '../ir/graph.js';
import type { ValueInfo } from '../ir/graph.js';
import type { DType } from '../ir/tensor.js';
import { onnxDType } from '../onnx/model.js';
import { broadcastShapes } from './rules-elementwise.js';
import { type ShapeCtx, type ShapeRule, dimOp, product, unknown } from './context.js';

const unknownDims = (r: number): number[] => new Array(r).fill(-1);

/** Rank of a 1-D shape-like input (e.g. Reshape's shape) from its own shape, or -1. */
function lengthOf(c: ShapeCtx, i: number): number {
  const s = c.shape(i);
  return s && s.length === 1 ? s[0] : -1;
}

const concat: ShapeRule = (c) => {
  const dtype = c.dtype(0);
  const shapes = c.node.inputs.map((_, i) => c.shape(i));
  const known = shapes.filter((s): s is number[] => s !== null);
  if (known.length === 0) return [unknown(dtype)];
  const r = known[0].length;
  if (known.some((s) => s.length !== r))
    c.fail(`inputs have different ranks: ${known.map((s) => `[${s}]`).join(', ')}`);
  const a = c.axis(attrInt(c.node, 'axis', 0), r);
  const out = [...known[0]];
  for (let d = 0; d < r; d++) {
    if (d === a) {
      out[d] = known.length === shapes.length ? known.reduce((t, s) => dimOp(t, s[d], (x, y) => x + y), 0) : -1;
      continue;
    }
    for (const s of known) {
      if (s[d] < 0) continue;
      if (out[d] >= 0 && out[d] !== s[d])
        c.fail(`inputs differ on dimension ${d} (not the concat axis): ${known.map((q) => `[${q}]`).join(', ')}`);
      out[d] = s[d];
    }
  }
  return [{ dtype, shape: out }];
};

const split: ShapeRule = (c) => {
  const x = c.shape(0);
  const dtype = c.dtype(0);
  const n = c.node.outputs.length;
  if (!x) return c.node.outputs.map(() => unknown(dtype));
  const a = c.axis(attrInt(c.node, 'axis', 0), x.length);
  const d = x[a];
  let sizes: number[];
  const given = c.ints(1) ?? attrInts(c.node, 'split');
  if (given) {
    if (given.length !== n) c.fail(`split has ${given.length} sizes for ${n} outputs`);
    if (d >= 0 && given.reduce((s, v) => s + v, 0) !== d)
      c.fail(`split sizes [${given}] do not add up to dimension ${a} (${d})`);
    sizes = given;
  } else if (c.has(1) || d < 0) sizes = new Array(n).fill(-1);
  else {
    const parts = attrInt(c.node, 'num_outputs', n);
    if (c.node.attrs.num_outputs) {
      const chunk = Math.ceil(d / parts);
      sizes = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(chunk, d - chunk * i)));
    } else {
      if (d % n !== 0) c.fail(`dimension ${a} (${d}) does not split evenly into ${n} outputs`);
      sizes = new Array(n).fill(d / n);
    }
  }
  return sizes.map((s) => ({ dtype, shape: x.map((v, i) => (i === a ? s : v)) }));
};

/** Slice arithmetic of ONNX (clamping starts/ends, any step sign). */
export function sliceLength(dim: number, start: number, end: number, step: number): number {
  if (step === 0) return -1;
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim);
    e = Math.min(Math.max(e, 0), dim);
  } else {
    s = Math.min(Math.max(s, 0), dim - 1);
    e = Math.min(Math.max(e, -1), dim - 1);
  }
  return Math.max(0, Math.ceil((e - s) / step));
}

const slice: ShapeRule = (c) => {
  const x = c.shape(0);
  const dtype = c.dtype(0);
  if (!x) return [unknown(dtype)];
  const starts = c.ints(1);
  const ends = c.ints(2);
  const axes = c.has(3) ? c.ints(3) : null;
  const steps = c.has(4) ? c.ints(4) : null;
  if ((c.has(3) && !axes) || (c.has(4) && !steps)) return [{ dtype, shape: unknownDims(x.length) }];
  const ax = (axes ?? Array.from({ length: starts?.length ?? lengthOf(c, 1) }, (_, i) => i)).map((a) =>
    c.axis(a, x.length, 'slice axis'),
  );
  if (ax.some((a) => a < 0)) return [{ dtype, shape: unknownDims(x.length) }];
  const out = [...x];
  ax.forEach((a, k) => {
    if (!starts || !ends || x[a] < 0) {
      out[a] = -1;
      return;
    }
    const step = steps ? steps[k] : 1;
    if (step === 0) c.fail('slice step must not be 0');
    out[a] = sliceLength(x[a], starts[k], ends[k], step);
  });
  return [{ dtype, shape: out }];
};

const gather: ShapeRule = (c) => {
  const x = c.shape(0);
  const idx = c.shape(1);
  const dtype = c.dtype(0);
  if (!x || !idx) return [unknown(dtype)];
  const a = c.axis(attrInt(c.node, 'axis', 0), x.length);
  const vals = c.ints(1);
  if (vals && x[a] >= 0)
    for (const v of vals)
      if (v < -x[a] || v >= x[a]) c.fail(`index ${v} is out of range for dimension ${a} of size ${x[a]}`);
  return [{ dtype, shape: [...x.slice(0, a), ...idx, ...x.slice(a + 1)] }];
};

const gatherElements: ShapeRule = (c) => [{ dtype: c.dtype(0), shape: c.shape(1) }];

const gatherND: ShapeRule = (c) => {
  const x = c.shape(0);
  const idx = c.shape(1);
  const b = attrInt(c.node, 'batch_dims', 0);
  if (!x || !idx || idx[idx.length - 1] < 0) return [unknown(c.dtype(0))];
  return [{ dtype: c.dtype(0), shape: [...idx.slice(0, -1), ...x.slice(b + idx[idx.length - 1])] }];
};

export function reshapeDims(c: ShapeCtx, x: number[] | null, spec: number[], allowZero: boolean): number[] {
  if (spec.some((d) => d < -1)) c.fail(`shape [${spec}] has invalid dimensions`);
  const k = spec.indexOf(-1);
  if (k >= 0 && spec.indexOf(-1, k + 1) >= 0) c.fail(`shape [${spec}] has more than one -1`);
  const out = spec.map((d, i) => {
    if (d !== 0 || allowZero) return d;
    if (!x) return -1;
    if (i >= x.length) c.fail(`shape [${spec}] copies dimension ${i} (0), which the input [${x}] does not have`);
    return x[i];
  });
  const total = x ? product(x) : -1;
  if (k >= 0) {
    out[k] = 1;
    const rest = product(out);
    if (total >= 0 && rest > 0) {
      if (total % rest !== 0) c.fail(`cannot reshape [${x}] (${total} elements) to [${spec}]`);
      out[k] = total / rest;
    } else out[k] = total === 0 && rest > 0 ? 0 : -1;
  } else if (total >= 0 && product(out) >= 0 && product(out) !== total)
    c.fail(`cannot reshape [${x}] (${total} elements) to [${out}] (${product(out)} elements)`);
  return out;
}

const reshape: ShapeRule = (c) => {
  const dtype = c.dtype(0);
  const spec = c.ints(1);
  if (!spec) {
    const r = lengthOf(c, 1);
    return [{ dtype, shape: r >= 0 ? unknownDims(r) : null }];
  }
  return [{ dtype, shape: reshapeDims(c, c.shape(0), spec, attrInt(c.node, 'allowzero', 0) !== 0) }];
};

const flatten: ShapeRule = (c) => {
  const x = c.shape(0);
  if (!x) return [{ dtype: c.dtype(0), shape: [-1, -1] }];
  const a = attrInt(c.node, 'axis', 1);
  const k = a < 0 ? a + x.length : a;
  if (k < 0 || k > x.length) c.fail(`axis ${a} is out of range for rank ${x.length}`);
  return [{ dtype: c.dtype(0), shape: [product(x.slice(0, k)), product(x.slice(k))] }];
};

/** Axes from input 1 (opset 13+ form) or the legacy attribute; undefined = not given; null = not constant. */
function axesOf(c: ShapeCtx, input = 1): number[] | null | undefined {
  if (c.has(input)) return c.ints(input);
  return attrInts(c.node, 'axes') ?? undefined;
}

const squeeze: ShapeRule = (c) => {
  const x = c.shape(0);
  const dtype = c.dtype(0);
  const axes = axesOf(c);
  if (!x || axes === null) return [unknown(dtype)];
  if (axes === undefined) {
    if (x.some((d) => d < 0)) return [unknown(dtype)];
    return [{ dtype, shape: x.filter((d) => d !== 1) }];
  }
  const ax = axes.map((a) => c.axis(a, x.length));
  for (const a of ax) if (x[a] >= 0 && x[a] !== 1) c.fail(`cannot squeeze axis ${a} of size ${x[a]} (shape [${x}])`);
  return [{ dtype, shape: x.filter((_, i) => !ax.includes(i)) }];
};

const unsqueeze: ShapeRule = (c) => {
  const x = c.shape(0);
  const dtype = c.dtype(0);
  const axes = axesOf(c);
  if (!axes) {
    if (!x || axes === null) {
      const n = lengthOf(c, 1);
      return [{ dtype, shape: x && n >= 0 ? unknownDims(x.length + n) : null }];
    }
    return c.fail('Unsqueeze needs axes');
  }
  if (!x) return [unknown(dtype)];
  const r = x.length + axes.length;
  const ax = axes.map((a) => c.axis(a, r));
  if (new Set(ax).size !== ax.length) c.fail(`axes [${axes}] repeat an axis`);
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < r; i++) out.push(ax.includes(i) ? 1 : x[k++]);
  return [{ dtype, shape: out }];
};

const transpose: ShapeRule = (c) => {
  const x = c.shape(0);
  const dtype = c.dtype(0);
  if (!x) return [unknown(dtype)];
  const perm = attrInts(c.node, 'perm') ?? x.map((_, i) => x.length - 1 - i);
  if (perm.length !== x.length || [...perm].sort((p, q) => p - q).some((p, i) => p !== i))
    c.fail(`perm [${perm}] is not a permutation of the input's ${x.length} axes`);
  return [{ dtype, shape: perm.map((p) => x[p]) }];
};

const expand: ShapeRule = (c) => {
  const x = c.shape(0);
  const dtype = c.dtype(0);
  const s = c.ints(1);
  if (!s) {
    const n = lengthOf(c, 1);
    return [{ dtype, shape: x && n >= 0 ? unknownDims(Math.max(x.length, n)) : null }];
  }
  return [{ dtype, shape: broadcastShapes([x, s], (r) => c.fail(`cannot expand: ${r}`)) }];
};

const tile: ShapeRule = (c) => {
  const x = c.shape(0);
  const dtype = c.dtype(0);
  if (!x) return [unknown(dtype)];
  const reps = c.ints(1);
  if (!reps) return [{ dtype, shape: unknownDims(x.length) }];
  if (reps.length !== x.length) c.fail(`repeats has ${reps.length} values for rank ${x.length}`);
  return [{ dtype, shape: x.map((d, i) => dimOp(d, reps[i], (p, q) => p * q)) }];
};

const pad: ShapeRule = (c) => {
  const x = c.shape(0);
  const dtype = c.dtype(0);
  if (!x) return [unknown(dtype)];
  const pads = c.ints(1) ?? attrInts(c.node, 'pads');
  const axes = c.has(3) ? c.ints(3) : x.map((_, i) => i);
  if (!pads || !axes) return [{ dtype, shape: unknownDims(x.length) }];
  if (pads.length !== 2 * axes.length) c.fail(`pads has ${pads.length} values, expected ${2 * axes.length}`);
  const out = [...x];
  axes.forEach((a0, k) => {
    const a = c.axis(a0, x.length);
    out[a] = dimOp(x[a], 0, (d) => d + pads[k] + pads[k + axes.length]);
    if (out[a] < -1) c.fail(`negative pads make dimension ${a} negative`);
  });
  return [{ dtype, shape: out }];
};

const shapeOp: ShapeRule = (c) => {
  const x = c.shape(0);
  if (!x) return [{ dtype: 'int64', shape: [-1] }];
  const r = x.length;
  const clampAxis = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const s = clampAxis(attrInt(c.node, 'start', 0));
  const e = c.node.attrs.end ? clampAxis(attrInt(c.node, 'end', r)) : r;
  return [{ dtype: 'int64', shape: [Math.max(0, e - s)] }];
};

const size: ShapeRule = () => [{ dtype: 'int64', shape: [] }];

const cast: ShapeRule = (c) => {
  const to = onnxDType(attrInt(c.node, 'to', 1));
  if (!to) return c.fail(`'to' names an unsupported data type ${attrInt(c.node, 'to', 0)}`);
  return [{ dtype: to, shape: c.shape(0) }];
};

const castLike: ShapeRule = (c) => [{ dtype: c.dtype(1), shape: c.shape(0) }];

const constantOfShape: ShapeRule = (c) => {
  const v = c.node.attrs.value;
  const dtype: DType = v && v.kind === 'tensor' ? v.value.dtype : 'float32';
  const dims = c.ints(0);
  if (dims) {
    if (dims.some((d) => d < 0)) c.fail(`shape [${dims}] has negative dimensions`);
    return [{ dtype, shape: dims }];
  }
  const n = lengthOf(c, 0);
  return [{ dtype, shape: n >= 0 ? unknownDims(n) : null }];
};

const range: ShapeRule = (c) => {
  const dtype = c.dtype(0);
  const [s, l, d] = [c.ints(0), c.ints(1), c.ints(2)];
  if (!s || !l || !d) return [{ dtype, shape: [-1] }];
  if (d[0] === 0) c.fail('delta must not be 0');
  return [{ dtype, shape: [Math.max(Math.ceil((l[0] - s[0]) / d[0]), 0)] }];
};

const nonZero: ShapeRule = (c) => [{ dtype: 'int64', shape: [c.rank(0), -1] }];

const topK: ShapeRule = (c) => {
  const x = c.shape(0);
  const dtype = c.dtype(0);
  if (!x) return [unknown(dtype), unknown('int64')];
  const a = c.axis(attrInt(c.node, 'axis', -1), x.length);
  const k = c.ints(1);
  const shape = x.map((d, i) => (i === a ? (k ? k[0] : -1) : d));
  if (k && x[a] >= 0 && k[0] > x[a]) c.fail(`k = ${k[0]} exceeds dimension ${a} (${x[a]})`);
  return [
    { dtype, shape },
    { dtype: 'int64', shape },
  ];
};

const eyeLike: ShapeRule = (c) => {
  const d = c.node.attrs.dtype ? onnxDType(attrInt(c.node, 'dtype', 1)) : null;
  return [{ dtype: d ?? c.dtype(0), shape: c.shape(0) }];
};

const oneHot: ShapeRule = (c) => {
  const idx = c.shape(0);
  const depth = c.ints(1);
  const dtype = c.dtype(2);
  if (!idx) return [unknown(dtype)];
  const r = idx.length + 1;
  const a = c.axis(attrInt(c.node, 'axis', -1), r);
  const out = [...idx];
  out.splice(a, 0, depth ? depth[0] : -1);
  return [{ dtype, shape: out }];
};

const sameAsData: ShapeRule = (c) => [{ dtype: c.dtype(0), shape: c.shape(0) }];

export function tensorRules(): Record<string, ShapeRule> {
  return {
    Concat: concat,
    Split: split,
    Slice: slice,
    Gather: gather,
    GatherElements: gatherElements,
    GatherND: gatherND,
    Reshape: reshape,
    Flatten: flatten,
    Squeeze: squeeze,
    Unsqueeze: unsqueeze,
    Transpose: transpose,
    Expand: expand,
    Tile: tile,
    Pad: pad,
    Shape: shapeOp,
    Size: size,
    Cast: cast,
    CastLike: castLike,
    ConstantOfShape: constantOfShape,
    Range: range,
    NonZero: nonZero,
    TopK: topK,
    EyeLike: eyeLike,
    OneHot: oneHot,
    ScatterElements: sameAsData,
    ScatterND: sameAsData,
  };
}

export type { ValueInfo };
