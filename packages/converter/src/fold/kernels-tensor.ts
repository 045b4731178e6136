// Reference kernels for data-movement and shape ops: Shape, Size, Gather, Squeeze, Unsqueeze, Reshape, Flatten,
// Concat, Split, Slice, Transpose, Expand, Tile, Pad, Cast, ConstantOfShape, Range, NonZero, Identity.
// Data movement copies elements (any dtype, strings too); nothing shares or mutates its inputs' arrays.
import { attrInt, attrInts, attrString } from '../ir/graph.js';
import type { Node } from '../ir/graph.js';
import type { TensorData, TensorValue } from '../ir/tensor.js';
import { elementCount } from '../ir/tensor.js';
import { onnxDType } from '../onnx/model.js';
import { broadcastShapes } from '../shape/rules-elementwise.js';
import { sliceLength } from '../shape/rules-tensor.js';
import { concatData, gatherElements, strides, withDims } from './indexing.js';
import { type Kernel, unsupported } from './kernel.js';
import { allocData, fromNumbers, int64Tensor, readNumbers } from './values.js';

function ints(t: TensorValue | null): number[] | null {
  return t ? Array.from(readNumbers(t)) : null;
}

function axis(node: Node, a: number, r: number): number {
  const k = a < 0 ? a + r : a;
  if (k < 0 || k >= r) unsupported(node, `axis ${a} out of range for rank ${r}`);
  return k;
}

/** Offsets from per-axis contributions (row-major over the axes); -Infinity anywhere → -1 (fill). */
function axisMapOffsets(maps: Float64Array[]): Int32Array {
  // Outer axes combine in float64 (small); the last axis writes the Int32Array directly.
  let cur = new Float64Array([0]);
  for (const m of maps.slice(0, -1)) {
    const next = new Float64Array(cur.length * m.length);
    let k = 0;
    for (let i = 0; i < cur.length; i++) for (let j = 0; j < m.length; j++) next[k++] = cur[i] + m[j];
    cur = next;
  }
  const last = maps.length ? maps[maps.length - 1] : new Float64Array([0]);
  const out = new Int32Array(cur.length * last.length);
  let k = 0;
  for (let i = 0; i < cur.length; i++)
    for (let j = 0; j < last.length; j++) {
      const v = cur[i] + last[j];
      out[k++] = v >= 0 ? v : -1;
    }
  return out;
}

function linearMap(len: number, start: number, step: number, stride: number): Float64Array {
  const m = new Float64Array(len);
  for (let j = 0; j < len; j++) m[j] = (start + j * step) * stride;
  return m;
}

/** Shape's output for an input of the given dims (start/end attributes of opset 15). */
export function shapeValue(node: Node, dims: readonly number[]): TensorValue {
  const r = dims.length;
  const clampAxis = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const s = clampAxis(attrInt(node, 'start', 0));
  const e = node.attrs.end ? clampAxis(attrInt(node, 'end', r)) : r;
  return int64Tensor(dims.slice(s, Math.max(s, e)));
}

export function sizeValue(dims: readonly number[]): TensorValue {
  return int64Tensor([elementCount(dims)], []);
}

const shape: Kernel = (node, [x]) => [shapeValue(node, x!.dims)];
const size: Kernel = (_node, [x]) => [sizeValue(x!.dims)];
const identity: Kernel = (_node, [x]) => [withDims(x!, x!.dims)];

const gather: Kernel = (node, [x, idx]) => {
  const r = x!.dims.length;
  const a = axis(node, attrInt(node, 'axis', 0), r);
  const d = x!.dims[a];
  const st = strides(x!.dims);
  const iv = readNumbers(idx!);
  const maps = x!.dims.slice(0, a).map((n, i) => linearMap(n, 0, 1, st[i]));
  const im = new Float64Array(iv.length);
  iv.forEach((v, j) => {
    if (v < -d || v >= d) unsupported(node, `index ${v} out of range for dimension ${a} of size ${d}`);
    im[j] = (v < 0 ? v + d : v) * st[a];
  });
  maps.push(im);
  for (let i = a + 1; i < r; i++) maps.push(linearMap(x!.dims[i], 0, 1, st[i]));
  const dims = [...x!.dims.slice(0, a), ...idx!.dims, ...x!.dims.slice(a + 1)];
  return [gatherElements(x!, dims, axisMapOffsets(maps))];
};

function axesInput(node: Node, t: TensorValue | null): number[] | null {
  return ints(t) ?? attrInts(node, 'axes');
}

const squeeze: Kernel = (node, [x, axesT]) => {
  const r = x!.dims.length;
  const axes = axesInput(node, axesT);
  const ax = axes ? axes.map((a) => axis(node, a, r)) : x!.dims.flatMap((d, i) => (d === 1 ? [i] : []));
  for (const a of ax) if (x!.dims[a] !== 1) unsupported(node, `axis ${a} has size ${x!.dims[a]}`);
  return [
    withDims(
      x!,
      x!.dims.filter((_, i) => !ax.includes(i)),
    ),
  ];
};

const unsqueeze: Kernel = (node, [x, axesT]) => {
  const axes = axesInput(node, axesT);
  if (!axes) unsupported(node, 'no axes');
  const r = x!.dims.length + axes.length;
  const ax = axes.map((a) => axis(node, a, r));
  const dims: number[] = [];
  let k = 0;
  for (let i = 0; i < r; i++) dims.push(ax.includes(i) ? 1 : x!.dims[k++]);
  return [withDims(x!, dims)];
};

const reshape: Kernel = (node, [x, s]) => {
  const spec = ints(s)!;
  const allowZero = attrInt(node, 'allowzero', 0) !== 0;
  const dims = spec.map((d, i) => (d === 0 && !allowZero ? x!.dims[i] : d));
  const total = elementCount(x!.dims);
  const k = dims.indexOf(-1);
  if (k >= 0) {
    dims[k] = 1;
    const rest = elementCount(dims);
    dims[k] = rest === 0 ? 0 : total / rest;
  }
  if (dims.some((d) => d === undefined || d < 0 || !Number.isInteger(d)) || elementCount(dims) !== total)
    unsupported(node, `cannot reshape [${x!.dims}] to [${spec}]`);
  return [withDims(x!, dims)];
};

const flatten: Kernel = (node, [x]) => {
  const r = x!.dims.length;
  const a0 = attrInt(node, 'axis', 1);
  const a = a0 < 0 ? a0 + r : a0;
  if (a < 0 || a > r) unsupported(node, `axis ${a0} out of range`);
  return [withDims(x!, [elementCount(x!.dims.slice(0, a)), elementCount(x!.dims.slice(a))])];
};

const concat: Kernel = (node, ins) => {
  const ts = ins.filter((t): t is TensorValue => t !== null);
  const r = ts[0].dims.length;
  const a = axis(node, attrInt(node, 'axis', 0), r);
  for (const t of ts)
    if (t.dims.length !== r || t.dims.some((d, i) => i !== a && d !== ts[0].dims[i]) || t.dtype !== ts[0].dtype)
      unsupported(node, `incompatible inputs [${ts[0].dims}] and [${t.dims}]`);
  const outer = elementCount(ts[0].dims.slice(0, a));
  const dims = [...ts[0].dims];
  dims[a] = ts.reduce((s, t) => s + t.dims[a], 0);
  const parts: TensorData[] = [];
  for (let o = 0; o < outer; o++)
    for (const t of ts) {
      const blk = elementCount(t.dims.slice(a));
      parts.push((t.data as Float32Array).slice(o * blk, (o + 1) * blk) as unknown as TensorData);
    }
  return [{ dtype: ts[0].dtype, dims, data: concatData(ts[0].dtype, parts) }];
};

/** Elements of x in the box [start, start+len) per axis, with steps. */
function box(x: TensorValue, start: number[], len: number[], step: number[]): TensorValue {
  const st = strides(x.dims);
  const maps = x.dims.map((_, i) => linearMap(len[i], start[i], step[i], st[i]));
  return gatherElements(x, len, axisMapOffsets(maps));
}

const slice: Kernel = (node, [x, s, e, ax, sp]) => {
  const r = x!.dims.length;
  const starts = ints(s)!;
  const ends = ints(e)!;
  const axes = (ints(ax) ?? starts.map((_, i) => i)).map((a) => axis(node, a, r));
  const steps = ints(sp) ?? starts.map(() => 1);
  const start = x!.dims.map(() => 0);
  const len = [...x!.dims];
  const step = x!.dims.map(() => 1);
  axes.forEach((a, k) => {
    const d = x!.dims[a];
    if (steps[k] === 0) unsupported(node, 'step 0');
    len[a] = sliceLength(d, starts[k], ends[k], steps[k]);
    let b = starts[k] < 0 ? starts[k] + d : starts[k];
    b = steps[k] > 0 ? Math.min(Math.max(b, 0), d) : Math.min(Math.max(b, 0), d - 1);
    start[a] = b;
    step[a] = steps[k];
  });
  return [box(x!, start, len, step)];
};

const split: Kernel = (node, [x, sp]) => {
  const r = x!.dims.length;
  const a = axis(node, attrInt(node, 'axis', 0), r);
  const d = x!.dims[a];
  const n = node.outputs.length;
  let sizes = ints(sp) ?? attrInts(node, 'split');
  if (!sizes) {
    const parts = attrInt(node, 'num_outputs', n);
    const chunk = node.attrs.num_outputs ? Math.ceil(d / parts) : d / n;
    if (!Number.isInteger(chunk)) unsupported(node, `dimension ${d} does not split evenly into ${n}`);
    sizes = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(chunk, d - chunk * i)));
  }
  if (sizes.reduce((p, q) => p + q, 0) !== d) unsupported(node, `split sizes [${sizes}] do not add up to ${d}`);
  let off = 0;
  return sizes.map((sz) => {
    const start = x!.dims.map((_, i) => (i === a ? off : 0));
    const len = x!.dims.map((v, i) => (i === a ? sz : v));
    off += sz;
    return box(
      x!,
      start,
      len,
      x!.dims.map(() => 1),
    );
  });
};

const transpose: Kernel = (node, [x]) => {
  const r = x!.dims.length;
  const perm = attrInts(node, 'perm') ?? x!.dims.map((_, i) => r - 1 - i);
  if (perm.length !== r) unsupported(node, `perm [${perm}] for rank ${r}`);
  const st = strides(x!.dims);
  const dims = perm.map((p) => x!.dims[p]);
  return [gatherElements(x!, dims, axisMapOffsets(perm.map((p) => linearMap(x!.dims[p], 0, 1, st[p]))))];
};

const expand: Kernel = (node, [x, s]) => {
  const dims = broadcastShapes([x!.dims, ints(s)!], (r) => unsupported(node, r))!;
  const st = strides(x!.dims);
  const r = dims.length;
  const maps = dims.map((d, i) => {
    const k = x!.dims.length - r + i;
    return k < 0 || x!.dims[k] === 1 ? new Float64Array(d) : linearMap(d, 0, 1, st[k]);
  });
  return [gatherElements(x!, dims, axisMapOffsets(maps))];
};

const tile: Kernel = (node, [x, rep]) => {
  const reps = ints(rep)!;
  if (reps.length !== x!.dims.length || reps.some((v) => v < 0)) unsupported(node, `repeats [${reps}]`);
  const st = strides(x!.dims);
  const dims = x!.dims.map((d, i) => d * reps[i]);
  const maps = dims.map((n, i) => Float64Array.from({ length: n }, (_, j) => (j % x!.dims[i]) * st[i]));
  return [gatherElements(x!, dims, axisMapOffsets(maps))];
};

const pad: Kernel = (node, [x, p, cv, ax]) => {
  const r = x!.dims.length;
  const pads = ints(p) ?? attrInts(node, 'pads')!;
  const axes = (ints(ax) ?? x!.dims.map((_, i) => i)).map((a) => axis(node, a, r));
  if (pads.length !== 2 * axes.length) unsupported(node, `${pads.length} pads for ${axes.length} axes`);
  const mode = attrString(node, 'mode', 'constant');
  const before = x!.dims.map(() => 0);
  const after = x!.dims.map(() => 0);
  axes.forEach((a, k) => {
    before[a] = pads[k];
    after[a] = pads[k + axes.length];
  });
  const st = strides(x!.dims);
  const dims = x!.dims.map((d, i) => d + before[i] + after[i]);
  if (dims.some((d) => d < 0)) unsupported(node, 'negative output size');
  const maps = dims.map((n, i) => {
    const d = x!.dims[i];
    return Float64Array.from({ length: n }, (_, j) => {
      let s = j - before[i];
      if (s < 0 || s >= d) {
        if (mode === 'constant') return -Infinity;
        if (d === 0) unsupported(node, `${mode} padding of an empty axis`);
        if (mode === 'edge') s = Math.min(Math.max(s, 0), d - 1);
        else if (mode === 'wrap') s = ((s % d) + d) % d;
        else if (mode === 'reflect') {
          if (d === 1) s = 0;
          else {
            const period = 2 * (d - 1);
            s = ((s % period) + period) % period;
            if (s >= d) s = period - s;
          }
        } else unsupported(node, `mode ${mode}`);
      }
      return s * st[i];
    });
  });
  if (x!.dtype === 'string') unsupported(node, 'string tensors');
  const value = cv && cv.data.length ? readNumbers(cv)[0] : 0;
  const fill = fromNumbers(x!.dtype, [], [value]).data[0];
  return [gatherElements(x!, dims, axisMapOffsets(maps), fill as number)];
};

const cast: Kernel = (node, [x]) => {
  const to = onnxDType(attrInt(node, 'to', 0));
  if (!to || to === 'string' || to === 'complex64' || to === 'complex128')
    unsupported(node, `cast to ${to ?? 'unknown type'}`);
  if (x!.dtype === to) return [withDims(x!, x!.dims)];
  if (x!.dtype === 'string') unsupported(node, 'cast from string');
  if ((x!.dtype === 'int64' || x!.dtype === 'uint64') && (to === 'int64' || to === 'uint64')) {
    const data =
      to === 'int64'
        ? BigInt64Array.from(x!.data as BigUint64Array, (v) => BigInt.asIntN(64, v))
        : BigUint64Array.from(x!.data as BigInt64Array, (v) => BigInt.asUintN(64, v));
    return [{ dtype: to, dims: [...x!.dims], data }];
  }
  return [fromNumbers(to, x!.dims, readNumbers(x!))];
};

const castLike: Kernel = (node, [x, like], opset) =>
  cast({ ...node, attrs: { to: { kind: 'int', value: dtypeCode(like!.dtype) } } }, [x], opset);

function dtypeCode(d: string): number {
  for (let c = 1; c <= 16; c++) if (onnxDType(c) === d) return c;
  return 0;
}

const constantOfShape: Kernel = (node, [s]) => {
  const dims = ints(s)!;
  if (dims.some((d) => d < 0 || !Number.isInteger(d))) unsupported(node, `shape [${dims}]`);
  const v = node.attrs.value;
  const proto: TensorValue =
    v && v.kind === 'tensor' ? v.value : { dtype: 'float32', dims: [1], data: new Float32Array(1) };
  if (proto.data.length !== 1) unsupported(node, 'value must hold one element');
  const n = elementCount(dims);
  const data = allocData(proto.dtype, n);
  (data as Float32Array).fill(proto.data[0] as number);
  return [{ dtype: proto.dtype, dims, data }];
};

const range: Kernel = (node, [s, l, d]) => {
  const [start] = readNumbers(s!);
  const [limit] = readNumbers(l!);
  const [delta] = readNumbers(d!);
  if (delta === 0) unsupported(node, 'delta 0');
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = start + i * delta;
  return [fromNumbers(s!.dtype, [n], v)];
};

const nonZero: Kernel = (_node, [x]) => {
  const v = readNumbers(x!);
  const st = strides(x!.dims);
  const hits: number[] = [];
  v.forEach((e, i) => e !== 0 && hits.push(i));
  const r = x!.dims.length;
  const out = new Array<number>(r * hits.length);
  hits.forEach((flat, j) => {
    let rem = flat;
    for (let a = 0; a < r; a++) {
      out[a * hits.length + j] = Math.floor(rem / st[a]);
      rem %= st[a];
    }
  });
  return [int64Tensor(out, [r, hits.length])];
};

export function tensorKernels(): Record<string, Kernel> {
  return {
    Shape: shape,
    Size: size,
    Identity: identity,
    Gather: gather,
    Squeeze: squeeze,
    Unsqueeze: unsqueeze,
    Reshape: reshape,
    Flatten: flatten,
    Concat: concat,
    Slice: slice,
    Split: split,
    Transpose: transpose,
    Expand: expand,
    Tile: tile,
    Pad: pad,
    Cast: cast,
    CastLike: castLike,
    ConstantOfShape: constantOfShape,
    Range: range,
    NonZero: nonZero,
  };
}
