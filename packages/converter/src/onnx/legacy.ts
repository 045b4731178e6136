// Opsets 1–6: the old operator forms (per the ONNX Changelog) rewritten to their opset-7 forms, which
// normalize.ts then takes on to opset 23. Rewrites that need operand ranks (the `broadcast`/`axis` of binary
// ops, PRelu's per-channel slope, Tile-1) are deferred to shaped-rewrites.ts, which runs them with shapes known.
import type { AttrValue, Node } from '../ir/graph.js';
import { elementCount, type TensorValue } from '../ir/tensor.js';
import { int64Tensor, readNumbers } from '../fold/values.js';
import type { NormalizeContext } from './normalize.js';
import type { ShapedContext, ShapedRewrite } from './shaped-rewrites.js';

/** The last opset of the legacy forms: opset 7 introduced numpy broadcasting and dropped the old attributes. */
export const LEGACY_MAX_OPSET = 6;

type LegacyRule = (node: Node, ctx: NormalizeContext) => void;

function num(a: AttrValue | undefined): number | null {
  return a && (a.kind === 'int' || a.kind === 'float') ? a.value : null;
}

function takeAttr(node: Node, name: string): AttrValue | undefined {
  const a = node.attrs[name];
  delete node.attrs[name];
  return a;
}

/** TensorProto.DataType names (Cast-1 took `to` as a string) → codes. */
const TYPE_CODES: Record<string, number> = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
};

const cast: LegacyRule = (node, ctx) => {
  const to = node.attrs.to;
  if (ctx.opset >= 6 || !to || to.kind !== 'string') return;
  const code = TYPE_CODES[to.value.toUpperCase()];
  if (code === undefined)
    return ctx.refuse(node, `Cast-1 target type '${to.value}' is not a TensorProto data type name`);
  node.attrs.to = { kind: 'int', value: code };
};

/** Concat-1: `axis` was optional with default 1 (required from opset 4). */
const concat: LegacyRule = (node, ctx) => {
  if (ctx.opset < 4 && !node.attrs.axis) node.attrs.axis = { kind: 'int', value: 1 };
};

/** Reshape-1: the target shape was the `shape` attribute (an input from opset 5). */
const reshape: LegacyRule = (node, ctx) => {
  if (ctx.opset >= 5) return;
  const shape = takeAttr(node, 'shape');
  if (node.inputs[1]) return;
  if (!shape || shape.kind !== 'ints') return ctx.refuse(node, 'Reshape-1 has no shape attribute');
  node.inputs = [node.inputs[0], ctx.addConstant(`${node.name}_shape`, int64Tensor(shape.value))];
};

/** Split-1: `split` could also be a second input, typed like the data (float): it must be a constant. */
const split: LegacyRule = (node, ctx) => {
  if (ctx.opset >= 2 || !node.inputs[1]) return;
  const t = ctx.constants.get(node.inputs[1]);
  if (!t || t.dtype === 'string') return ctx.refuse(node, 'Split-1 with a computed split input is not supported');
  node.inputs[1] = ctx.addConstant(`${node.name}_split`, int64Tensor(Array.from(readNumbers(t))));
  delete node.attrs.split;
};

/** Upsample-1 (experimental, 4-D): width_scale/height_scale and mode nearest|bilinear → Upsample-7 scales. */
const upsample: LegacyRule = (node, ctx) => {
  if (ctx.opset >= 7) return;
  const h = num(takeAttr(node, 'height_scale'));
  const w = num(takeAttr(node, 'width_scale'));
  if (h === null || w === null) return ctx.refuse(node, 'Upsample-1 needs both height_scale and width_scale');
  const mode = node.attrs.mode?.kind === 'string' ? node.attrs.mode.value : 'nearest';
  if (mode !== 'nearest' && mode !== 'bilinear')
    return ctx.refuse(node, `Upsample-1 mode '${mode}' is not defined (nearest, bilinear)`);
  node.attrs.mode = { kind: 'string', value: mode === 'bilinear' ? 'linear' : 'nearest' };
  node.attrs.scales = { kind: 'floats', value: [1, 1, h, w] };
};

/** Selu-1 defaults were the 4-digit constants, not the float32 values of Selu-6. */
const selu: LegacyRule = (node, ctx) => {
  if (ctx.opset >= 6) return;
  if (!node.attrs.alpha) node.attrs.alpha = { kind: 'float', value: 1.6732 };
  if (!node.attrs.gamma) node.attrs.gamma = { kind: 'float', value: 1.0507 };
};

/** RNN/GRU/LSTM-1: output_sequence only said whether Y is produced; opset 7 produces every named output. */
const recurrent: LegacyRule = (node) => {
  delete node.attrs.output_sequence;
};

// ---- rewrites that need shapes --------------------------------------------------------------

const allOnes = (s: number[]): boolean => s.every((d) => d === 1);

/** Appends `count` unit dimensions to input `i` of `node` (a reshaped constant, or an Unsqueeze). */
function appendUnitDims(node: Node, i: number, count: number, s: ShapedContext): void {
  const name = node.inputs[i];
  const rank = s.shape(name)?.length ?? 0;
  const t = s.constant(name);
  if (t) {
    const reshaped: TensorValue = {
      dtype: t.dtype,
      dims: [...t.dims, ...Array(count).fill(1)],
      data: t.data.slice() as TensorValue['data'],
    };
    node.inputs[i] = s.addConstant(`${name}_aligned`, reshaped);
    return;
  }
  const axes = s.addConstant(`${name}_axes`, int64Tensor(Array.from({ length: count }, (_, k) => rank + k)));
  node.inputs[i] = s.insert({ opType: 'Unsqueeze', inputs: [name, axes], hint: `${name}_aligned` });
}

/** broadcast=1 with `axis`: B's dims line up with A's from `axis` on; numpy aligns trailing dims. */
function alignAtAxis(axis: number | null): ShapedRewrite {
  return (node, s) => {
    if (axis === null) return { sameShapeAs: node.inputs[0] }; // suffix matching = numpy broadcasting
    const a = s.shape(node.inputs[0]);
    const b = s.shape(node.inputs[1]);
    if (!a || !b) return s.refuse('the legacy broadcast axis needs the ranks of both operands, which are unknown');
    if (allOnes(b)) return { sameShapeAs: node.inputs[0] }; // one element (or a scalar): broadcasts anywhere
    const start = axis < 0 ? axis + a.length : axis;
    const trailing = a.length - start - b.length;
    if (start < 0 || trailing < 0)
      return s.refuse(`broadcast axis ${axis} does not place the second operand [${b}] inside the first [${a}]`);
    if (trailing > 0) appendUnitDims(node, 1, trailing, s);
    return { sameShapeAs: node.inputs[0] };
  };
}

const LEGACY_BROADCAST_OPS = ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'And', 'Or', 'Xor', 'Equal', 'Greater', 'Less'];

const legacyBroadcast: LegacyRule = (node, ctx) => {
  const broadcast = num(takeAttr(node, 'broadcast'));
  const axis = num(takeAttr(node, 'axis'));
  // Without broadcast=1 both operands have the same shape, which numpy broadcasting leaves alone.
  if (broadcast === null || broadcast === 0) return;
  ctx.defer(node, alignAtAxis(axis));
};

/** PRelu-1/6: a slope of one value per channel (axis 1) is a 1-D [C]; opset 7 broadcasts it numpy-style. */
const prelu: LegacyRule = (node, ctx) => {
  ctx.defer(node, (n, s) => {
    const x = s.shape(n.inputs[0]);
    const slope = s.shape(n.inputs[1]);
    if (!x || !slope) return s.refuse('PRelu-6 needs the shapes of X and slope, which are unknown');
    const same = slope.length === x.length && slope.every((d, k) => d === x[k]);
    if (allOnes(slope) || same) return { sameShapeAs: n.inputs[0] };
    if (slope.length === 1 && x.length >= 2 && slope[0] === x[1]) {
      if (x.length > 2) appendUnitDims(n, 1, x.length - 2, s);
      return { sameShapeAs: n.inputs[0] };
    }
    return s.refuse(
      `PRelu-6 slope of shape [${slope}] for input [${x}]: only one slope, one per channel or one per element is defined`,
    );
  });
};

/** Tile-1 (input, tiles, axis): `tiles` copies along one axis → Tile-6 repeats. */
const tile: LegacyRule = (node, ctx) => {
  if (ctx.opset >= 6) return;
  ctx.defer(node, (n, s) => {
    const tiles = s.constant(n.inputs[1]);
    const axis = s.constant(n.inputs[2]);
    const x = s.shape(n.inputs[0]);
    if (
      !tiles ||
      !axis ||
      elementCount(tiles.dims) !== 1 ||
      elementCount(axis.dims) !== 1 ||
      tiles.dtype === 'string' ||
      axis.dtype === 'string'
    )
      return s.refuse('Tile-1 needs constant scalar tiles and axis inputs');
    if (!x) return s.refuse('Tile-1 needs the rank of its input, which is unknown');
    const a0 = Number(readNumbers(axis)[0]);
    const a = a0 < 0 ? a0 + x.length : a0;
    if (a < 0 || a >= x.length) return s.refuse(`Tile-1 axis ${a0} is out of range for rank ${x.length}`);
    const repeats = x.map((_, k) => (k === a ? Number(readNumbers(tiles)[0]) : 1));
    n.inputs = [n.inputs[0], s.addConstant(`${n.name}_repeats`, int64Tensor(repeats))];
    return {};
  });
};

const RULES: Record<string, LegacyRule> = {
  ...Object.fromEntries(LEGACY_BROADCAST_OPS.map((op) => [op, legacyBroadcast])),
  Cast: cast,
  Concat: concat,
  Reshape: reshape,
  Split: split,
  Upsample: upsample,
  Selu: selu,
  RNN: recurrent,
  GRU: recurrent,
  LSTM: recurrent,
  PRelu: prelu,
  Tile: tile,
};

/** Rewrites a default-domain node of an opset-1…6 model into its opset-7 form (in place or deferred). */
export function normalizeLegacyNode(node: Node, ctx: NormalizeContext): void {
  if (ctx.opset > LEGACY_MAX_OPSET) return;
  // consumed_inputs (opset 1–5) was a hint for in-place execution with no effect on results.
  delete node.attrs.consumed_inputs;
  RULES[node.opType]?.(node, ctx);
}
