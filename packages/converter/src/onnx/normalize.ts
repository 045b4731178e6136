// Upgrades every default-domain node from the model's opset to the engine contract (ONNX opset-23 forms, see
// docs/engine-format.md): attributes that later opsets turned into inputs become constant inputs, deprecated
// ops become their successors, and attributes that no longer exist are dropped or mapped.
import type { AttrValue, Node } from '../ir/graph.js';
import type { TensorValue } from '../ir/tensor.js';
import { elementCount } from '../ir/tensor.js';
import { float32Tensor, int64Tensor, readNumbers } from '../fold/values.js';
import { normalizeLegacyNode } from './legacy.js';
import type { ShapedRewrite } from './shaped-rewrites.js';

export interface NormalizeContext {
  /** The model's default-domain opset. */
  opset: number;
  constants: Map<string, TensorValue>;
  /** Adds a constant under a fresh name derived from `hint`; returns the name. */
  addConstant(hint: string, t: TensorValue): string;
  /** Whether a value is read by some node or is a graph output. */
  isUsed(name: string): boolean;
  /** Records a node-level problem (collected and reported together). */
  refuse(node: Node, reason: string): void;
  /** Defers a rewrite that needs operand shapes until shapes are inferred (see shaped-rewrites.ts). */
  defer(node: Node, rewrite: ShapedRewrite): void;
}

type Rule = (node: Node, ctx: NormalizeContext) => void;

/** Deprecated or inference-only ONNX ops the import turns into another op type (listed in docs/operators.md). */
export const RENAMED_ON_IMPORT = { Upsample: 'Resize', Dropout: 'Identity', Scatter: 'ScatterElements' } as const;

function take(node: Node, name: string): AttrValue | undefined {
  const a = node.attrs[name];
  delete node.attrs[name];
  return a;
}

function takeInts(node: Node, name: string): number[] | null {
  const a = take(node, name);
  if (!a) return null;
  if (a.kind === 'ints') return a.value;
  if (a.kind === 'int') return [a.value];
  return null;
}

function takeNumber(node: Node, name: string): number | null {
  const a = take(node, name);
  return a && (a.kind === 'float' || a.kind === 'int') ? a.value : null;
}

/** Sets input i (padding skipped optional inputs with ''). */
function setInput(node: Node, i: number, name: string): void {
  while (node.inputs.length < i) node.inputs.push('');
  node.inputs[i] = name;
}

/** Drops trailing omitted inputs/outputs ('' at the end). */
function trim(list: string[]): void {
  while (list.length && list[list.length - 1] === '') list.pop();
}

/** Moves an ints attribute to input `index` as an int64 constant (if the attribute is present). */
function attrToInput(node: Node, ctx: NormalizeContext, attr: string, index: number): boolean {
  const v = takeInts(node, attr);
  if (v === null) return false;
  if (node.inputs[index]) return true; // both given (invalid model): the input wins
  setInput(node, index, ctx.addConstant(`${node.name}_${attr}`, int64Tensor(v)));
  return true;
}

const axesToInput =
  (since: number): Rule =>
  (node, ctx) => {
    if (ctx.opset < since) attrToInput(node, ctx, 'axes', 1);
  };

function isEmptyConstant(ctx: NormalizeContext, name: string): boolean {
  const t = name ? ctx.constants.get(name) : undefined;
  return t !== undefined && elementCount(t.dims) === 0;
}

const split: Rule = (node, ctx) => {
  if (ctx.opset < 13) attrToInput(node, ctx, 'split', 1);
  if (ctx.opset < 18 && !node.inputs[1] && !node.attrs.num_outputs)
    node.attrs.num_outputs = { kind: 'int', value: node.outputs.length };
  trim(node.inputs);
};

const pad: Rule = (node, ctx) => {
  if (ctx.opset >= 11) return;
  const pads = takeInts(node, 'pads') ?? takeInts(node, 'paddings');
  const value = takeNumber(node, 'value');
  if (pads === null) return ctx.refuse(node, 'Pad has no pads attribute');
  node.inputs = [node.inputs[0], ctx.addConstant(`${node.name}_pads`, int64Tensor(pads))];
  if (value !== null && value !== 0)
    node.inputs.push(ctx.addConstant(`${node.name}_value`, float32Tensor([value], [])));
};

const clip: Rule = (node, ctx) => {
  if (ctx.opset >= 11) return;
  const min = takeNumber(node, 'min');
  const max = takeNumber(node, 'max');
  node.inputs = [
    node.inputs[0],
    min === null ? '' : ctx.addConstant(`${node.name}_min`, float32Tensor([min], [])),
    max === null ? '' : ctx.addConstant(`${node.name}_max`, float32Tensor([max], [])),
  ];
  trim(node.inputs);
};

const slice: Rule = (node, ctx) => {
  if (ctx.opset >= 10) return;
  const starts = takeInts(node, 'starts');
  const ends = takeInts(node, 'ends');
  const axes = takeInts(node, 'axes');
  if (starts === null || ends === null) return ctx.refuse(node, 'Slice has no starts/ends attributes');
  node.inputs = [
    node.inputs[0],
    ctx.addConstant(`${node.name}_starts`, int64Tensor(starts)),
    ctx.addConstant(`${node.name}_ends`, int64Tensor(ends)),
  ];
  if (axes !== null) node.inputs.push(ctx.addConstant(`${node.name}_axes`, int64Tensor(axes)));
};

/** Upsample (opset 7–9, scales as attribute or input) → Resize with the coordinates Upsample defined. */
const upsample: Rule = (node, ctx) => {
  const mode = node.attrs.mode?.kind === 'string' ? node.attrs.mode.value : 'nearest';
  const scalesAttr = node.attrs.scales?.kind === 'floats' ? node.attrs.scales.value : null;
  let scales = node.inputs[1] ?? '';
  if (!scales) {
    if (!scalesAttr) return ctx.refuse(node, 'Upsample has no scales');
    scales = ctx.addConstant(`${node.name}_scales`, float32Tensor(scalesAttr));
  }
  const m = mode === 'nearest' ? 'nearest' : mode === 'linear' || mode === 'bilinear' ? 'linear' : null;
  if (!m) return ctx.refuse(node, `Upsample mode '${mode}' is not supported (nearest, linear)`);
  node.opType = RENAMED_ON_IMPORT.Upsample;
  node.inputs = [node.inputs[0], '', scales];
  node.attrs = {
    mode: { kind: 'string', value: m },
    coordinate_transformation_mode: { kind: 'string', value: 'asymmetric' },
    nearest_mode: { kind: 'string', value: 'floor' },
  };
};

/**
 * Before opset 11, nearest rounding depended on the direction: down-scaled axes round up (ceil), up-scaled axes
 * round down (floor). Opset 19 has one nearest_mode per node, chosen from the scales once they are constants.
 * Returns false when the scales mix both directions (not expressible).
 */
export function legacyNearestMode(node: Node, scales: TensorValue): boolean {
  const s = Array.from(readNumbers(scales));
  const mode = s.every((v) => v >= 1) ? 'floor' : s.every((v) => v <= 1) ? 'ceil' : null;
  if (!mode) return false;
  node.attrs.nearest_mode = { kind: 'string', value: mode };
  return true;
}

/** Resize-10 nearest nodes whose scales were not constant at import (resolved after folding). */
export const pendingLegacyNearest = new WeakSet<Node>();

const resize: Rule = (node, ctx) => {
  if (ctx.opset < 11) {
    // Resize-10: (X, scales) with asymmetric coordinates.
    node.inputs = [node.inputs[0], '', node.inputs[1] ?? ''];
    node.attrs.coordinate_transformation_mode = { kind: 'string', value: 'asymmetric' };
    node.attrs.nearest_mode = { kind: 'string', value: 'floor' };
    const mode = node.attrs.mode?.kind === 'string' ? node.attrs.mode.value : 'nearest';
    if (mode !== 'nearest') return;
    const scales = ctx.constants.get(node.inputs[2]);
    if (!scales) pendingLegacyNearest.add(node);
    else if (!legacyNearestMode(node, scales))
      ctx.refuse(node, 'Resize-10 nearest with scales both below and above 1 has no opset-19 equivalent');
    return;
  }
  // Opsets 11–12 pass empty tensors for unused roi/scales; later opsets omit them.
  if (isEmptyConstant(ctx, node.inputs[1])) node.inputs[1] = '';
  if (isEmptyConstant(ctx, node.inputs[2])) node.inputs[2] = '';
  trim(node.inputs);
  const ctm = node.attrs.coordinate_transformation_mode;
  if (ctm?.kind === 'string' && ctm.value === 'tf_half_pixel_for_nn') {
    // x = (y + 0.5) / scale, then the nearest mode. Only expressible through half_pixel (x - 0.5) with a shifted
    // rounding: floor(x) = round_prefer_ceil(x - 0.5) and round_prefer_floor(x) = ceil(x - 0.5).
    const nm = node.attrs.nearest_mode?.kind === 'string' ? node.attrs.nearest_mode.value : 'round_prefer_floor';
    const mapped = ({ floor: 'round_prefer_ceil', round_prefer_floor: 'ceil' } as Record<string, string>)[nm];
    if (!mapped)
      return ctx.refuse(
        node,
        `coordinate_transformation_mode tf_half_pixel_for_nn with nearest_mode ${nm} has no opset-19 equivalent`,
      );
    node.attrs.coordinate_transformation_mode = { kind: 'string', value: 'half_pixel' };
    node.attrs.nearest_mode = { kind: 'string', value: mapped };
  }
};

const batchNorm: Rule = (node, ctx) => {
  const spatial = take(node, 'spatial');
  const isTest = take(node, 'is_test');
  take(node, 'consumed_inputs');
  if (spatial && (spatial.kind === 'int' || spatial.kind === 'float') && spatial.value === 0)
    return ctx.refuse(node, 'BatchNormalization with spatial=0 (per-activation statistics) is not supported');
  const training = node.attrs.training_mode;
  if (training && training.kind === 'int' && training.value !== 0) return; // opset-15 training form already
  const extra = node.outputs.slice(1).filter(Boolean);
  const testMode = isTest && isTest.kind === 'int' && isTest.value !== 0;
  if (ctx.opset < 14 && extra.length && !testMode) {
    // Before opset 14, declaring the statistics outputs selects training mode (batch statistics): the opset-15
    // form of that is training_mode=1 with outputs (Y, running_mean, running_var); saved_mean/var are gone.
    const saved = node.outputs.slice(3).filter((o) => o && ctx.isUsed(o));
    if (saved.length)
      return ctx.refuse(
        node,
        `uses the saved_mean/saved_var outputs (${saved.join(', ')}), which opset 15 no longer has`,
      );
    node.attrs.training_mode = { kind: 'int', value: 1 };
    node.outputs = node.outputs.slice(0, 3);
    trim(node.outputs);
    return;
  }
  const used = extra.filter((o) => ctx.isUsed(o));
  if (used.length) return ctx.refuse(node, `uses the statistics outputs (${used.join(', ')}) outside training mode`);
  node.outputs = node.outputs.slice(0, 1);
};

const dropout: Rule = (node, ctx) => {
  const mask = node.outputs[1];
  if (mask && ctx.isUsed(mask))
    return ctx.refuse(node, `Dropout mask output '${mask}' is used; only inference Dropout (an identity) is supported`);
  const training = node.inputs[2];
  if (training) {
    const t = ctx.constants.get(training);
    if (!t || t.data.length !== 1 || Number(t.data[0]) !== 0)
      return ctx.refuse(
        node,
        'Dropout in training mode (training_mode input not a constant false) is not supported for inference',
      );
  }
  node.opType = RENAMED_ON_IMPORT.Dropout;
  node.inputs = [node.inputs[0]];
  node.outputs = [node.outputs[0]];
  node.attrs = {};
};

/** Softmax-family before opset 13: explicit axis (default 1) and coerce_2d=1 (see simplifySoftmax). */
const softmax: Rule = (node, ctx) => {
  if (ctx.opset >= 13) return;
  const axis = node.attrs.axis && node.attrs.axis.kind === 'int' ? node.attrs.axis.value : 1;
  node.attrs.axis = { kind: 'int', value: axis };
  if (axis !== -1) node.attrs.coerce_2d = { kind: 'int', value: 1 };
};

const gemm: Rule = (node) => {
  delete node.attrs.broadcast;
};

const topK: Rule = (node, ctx) => {
  if (ctx.opset >= 10) return;
  const k = takeNumber(node, 'k');
  if (k === null) return ctx.refuse(node, 'TopK has no k attribute');
  node.inputs = [node.inputs[0], ctx.addConstant(`${node.name}_k`, int64Tensor([k]))];
};

const scatter: Rule = (node) => {
  node.opType = RENAMED_ON_IMPORT.Scatter;
};

const REDUCE_18 = [
  'ReduceMean',
  'ReduceMax',
  'ReduceMin',
  'ReduceProd',
  'ReduceL1',
  'ReduceL2',
  'ReduceLogSum',
  'ReduceLogSumExp',
  'ReduceSumSquare',
];

const RULES: Record<string, Rule> = {
  Squeeze: axesToInput(13),
  Unsqueeze: axesToInput(13),
  ReduceSum: axesToInput(13),
  ...Object.fromEntries(REDUCE_18.map((op) => [op, axesToInput(18)])),
  Split: split,
  Pad: pad,
  Clip: clip,
  Slice: slice,
  Upsample: upsample,
  Resize: resize,
  BatchNormalization: batchNorm,
  Dropout: dropout,
  Softmax: softmax,
  LogSoftmax: softmax,
  Hardmax: softmax,
  Gemm: gemm,
  TopK: topK,
  Scatter: scatter,
};

/** Rewrites a default-domain node in place into its opset-23 form (opset 1–6 forms first to opset 7). */
export function normalizeNode(node: Node, ctx: NormalizeContext): void {
  normalizeLegacyNode(node, ctx);
  RULES[node.opType]?.(node, ctx);
}
