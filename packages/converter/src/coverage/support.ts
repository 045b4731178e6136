// The engine's op support table: which op types the runtime has kernels for, on which device,
// with which data types, plus per-op checks of attributes the kernels do not implement.
import type { DType } from '../ir/tensor.js';
import { attrInt, attrString, attrInts, type Graph, type Node } from '../ir/graph.js';

/** A per-node check: returns the reason the node cannot run, or undefined when it can. */
export type NodeCheck = (node: Node, graph: Graph) => string | undefined;

export interface OpSupport {
  /** Data types the CPU kernel takes for the tensor `dtypeOf` picks. */
  cpuDtypes: readonly DType[];
  /** Which tensor decides the kernel's data type (default: output 0, else input 0). */
  dtypeOf?: (node: Node) => string | undefined;
  /** Attribute/input checks; every reason found is reported. */
  checks?: NodeCheck[];
  /** What `checks` refuse, in a few words, for the operator list (docs/operators.md). */
  limits?: string;
}

const F: readonly DType[] = ['float32'];
/** Arithmetic the CPU kernels also run on shape-like integer tensors. */
const FI: readonly DType[] = ['float32', 'int64', 'int32'];
/** Element-wise kernels that also take 8-bit integers. */
const FI8: readonly DType[] = ['float32', 'int64', 'int32', 'int8', 'uint8'];
/** Max pooling compares, so it also runs on 8-bit integers. */
const F8: readonly DType[] = ['float32', 'int8', 'uint8'];
/** Data movement: the kernels copy elements of any of these types. */
const MOVE: readonly DType[] = ['float32', 'int64', 'int32'];
/** Cast's source and target types. */
export const CAST_TYPES: readonly DType[] = ['float32', 'int64', 'int32', 'bool', 'uint8', 'int8'];

export const GPU_REASON = 'no GPU kernel: runs on the CPU, its inputs and outputs transferred';

/**
 * Op types with a GPU (OpenCL) kernel and the cases it takes (float32 tensors whose images fit
 * the device, constants where weights are named). Whether one op's case is taken is decided
 * when it runs; other cases run on the CPU, and mace_run --device=GPU prints where each op
 * ran. Kept equal to the runtime's GPU registry by a test (coverage-registry.test.ts).
 */
export const GPU_KERNELS: Readonly<Record<string, string>> = {
  Add: 'same rank, or a one-element operand',
  Sub: 'same rank, or a one-element operand',
  Mul: 'same rank, or a one-element operand',
  Div: 'same rank, or a one-element operand',
  Min: 'two inputs of the same rank, or a one-element operand',
  Max: 'two inputs of the same rank, or a one-element operand',
  Relu: 'rank <= 4',
  Clip: 'constant scalar bounds',
  LeakyRelu: 'rank <= 4',
  Sigmoid: 'rank <= 4',
  Tanh: 'rank <= 4',
  HardSigmoid: 'rank <= 4',
  HardSwish: 'rank <= 4',
  PRelu: 'constant scalar or per-channel slope',
  Conv: '2-D; group 1 or depthwise; constant weights (1x1, 3x3, general, depthwise, Winograd)',
  ConvTranspose: '2-D; group 1 or depthwise; dilation 1; constant weights',
  MaxPool: '2-D; no Indices output',
  AveragePool: '2-D',
  GlobalMaxPool: 'rank 2..4',
  GlobalAveragePool: 'rank 2..4',
  Gemm: 'A [N, K] not transposed; constant B; bias a scalar or per column',
  MatMul: 'rank 2 with a constant rank-2 right operand',
  BatchNormalization: 'inference with constant parameters',
  Concat: 'on the channel axis',
  Split: 'on the channel axis',
  Softmax: 'over the channel axis',
  LogSoftmax: 'over the channel axis',
  Reshape: 'when the image layout is unchanged (e.g. [N, C, 1, 1] <-> [N, C])',
  Flatten: 'when the image layout is unchanged',
  Squeeze: 'when the image layout is unchanged',
  Unsqueeze: 'when the image layout is unchanged',
  Identity: 'rank <= 4',
  Resize: 'rank 4 over H and W; nearest or linear; constant scales/sizes',
  Pad: 'rank 4; constant pads',
  ReduceSum: 'over H and W of rank 4',
  ReduceMean: 'over H and W of rank 4',
  ReduceMax: 'over H and W of rank 4',
  ReduceMin: 'over H and W of rank 4',
  DepthToSpace: 'rank 4',
  SpaceToDepth: 'rank 4',
};

const input0 = (n: Node): string | undefined => n.inputs[0] || undefined;

// ---- checks -------------------------------------------------------------------------------

/** Conv, ConvTranspose and pooling kernels take 1, 2 or 3 spatial dims (input rank 3–5). */
function spatialRank(what: string): NodeCheck {
  return (node, graph) => {
    const x = node.inputs[0] ? graph.values.get(node.inputs[0]) : undefined;
    if (x?.shape && (x.shape.length < 3 || x.shape.length > 5))
      return `${what} supports 1-D, 2-D and 3-D windows (input rank 3 to 5); the input has rank ${x.shape.length}`;
    const ks = attrInts(node, 'kernel_shape');
    if (ks && (ks.length < 1 || ks.length > 3))
      return `${what} supports 1 to 3 spatial dims; kernel_shape has ${ks.length}`;
    return undefined;
  };
}

const autoPad: NodeCheck = (node) => {
  const p = attrString(node, 'auto_pad', 'NOTSET');
  return ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'].includes(p) ? undefined : `auto_pad '${p}' is not valid`;
};

const onlyFirstOutput =
  (what: string): NodeCheck =>
  (node, graph) => {
    const used = node.outputs.slice(1).filter((o) => o && isUsed(graph, o));
    return used.length ? `${what} output '${used[0]}' is not supported (inference only)` : undefined;
  };

function isUsed(graph: Graph, name: string): boolean {
  return graph.outputs.some((o) => o.name === name) || graph.nodes.some((n) => n.inputs.includes(name));
}

const resizeCheck: NodeCheck = (node) => {
  const mode = attrString(node, 'mode', 'nearest');
  if (mode === 'cubic') return "Resize mode 'cubic' is not supported; use 'linear' or 'nearest'";
  if (mode !== 'nearest' && mode !== 'linear') return `Resize mode '${mode}' is not supported`;
  if (attrInt(node, 'antialias', 0) !== 0) return 'Resize with antialias=1 is not supported';
  return undefined;
};

/** Activations the LSTM/GRU kernels implement (with activation_alpha/beta where they take them). */
const RNN_ACTIVATIONS = [
  'sigmoid',
  'tanh',
  'relu',
  'affine',
  'leakyrelu',
  'thresholdedrelu',
  'scaledtanh',
  'hardsigmoid',
  'elu',
  'softsign',
  'softplus',
];

const rnnCheck: NodeCheck = (node) => {
  const unknown = (attrStrings(node, 'activations') ?? []).filter((a) => !RNN_ACTIVATIONS.includes(a.toLowerCase()));
  return unknown.length ? `${node.opType} activation ${unknown.join(', ')} is not supported` : undefined;
};

const bnCheck: NodeCheck = (node) =>
  attrInt(node, 'training_mode', 0) !== 0
    ? 'BatchNormalization with training_mode=1 is not supported (inference only)'
    : undefined;

const maxPoolCheck: NodeCheck = (node) => {
  const order = attrInt(node, 'storage_order', 0);
  return order === 0 || order === 1 ? undefined : `MaxPool storage_order=${order} is not valid (0 or 1)`;
};

const layerNormCheck: NodeCheck = (node) => {
  const stash = attrInt(node, 'stash_type', 1);
  return stash === 1 ? undefined : `LayerNormalization stash_type=${stash} is not supported (only 1, float32)`;
};

const PAD_MODES = ['constant', 'reflect', 'edge', 'wrap'];

const padCheck: NodeCheck = (node) => {
  const mode = attrString(node, 'mode', 'constant');
  return PAD_MODES.includes(mode) ? undefined : `Pad mode '${mode}' is not supported`;
};

const castCheck: NodeCheck = (node, graph) => {
  const out = node.outputs[0] ? graph.values.get(node.outputs[0]) : undefined;
  if (out && !CAST_TYPES.includes(out.dtype)) return `Cast to ${out.dtype} is not supported`;
  return undefined;
};

function attrStrings(node: Node, name: string): string[] | null {
  const a = node.attrs[name];
  return a && a.kind === 'strings' ? a.value : null;
}

// ---- the table ----------------------------------------------------------------------------

const WINDOWS = '1-D, 2-D and 3-D windows (input rank 3 to 5)';
const RNN_LIMITS = `activations ${RNN_ACTIVATIONS.join(', ')}`;

export const SUPPORT: Readonly<Record<string, OpSupport>> = {
  Conv: { cpuDtypes: F, checks: [spatialRank('Conv'), autoPad], limits: WINDOWS },
  ConvTranspose: { cpuDtypes: F, checks: [spatialRank('ConvTranspose'), autoPad], limits: WINDOWS },
  MaxPool: {
    cpuDtypes: F8,
    checks: [spatialRank('MaxPool'), autoPad, maxPoolCheck],
    limits: `${WINDOWS}; storage_order 0 or 1`,
  },
  AveragePool: { cpuDtypes: F, checks: [spatialRank('AveragePool'), autoPad], limits: WINDOWS },
  GlobalAveragePool: { cpuDtypes: F },
  GlobalMaxPool: { cpuDtypes: F8 },
  BatchNormalization: {
    cpuDtypes: F,
    checks: [bnCheck, onlyFirstOutput('BatchNormalization running-statistics')],
    limits: 'inference only: training_mode 0, no running-statistics outputs',
  },
  InstanceNormalization: { cpuDtypes: F },
  LayerNormalization: { cpuDtypes: F, checks: [layerNormCheck], limits: 'stash_type 1 (float32)' },
  LRN: { cpuDtypes: F },
  Relu: { cpuDtypes: FI8 },
  Clip: { cpuDtypes: FI8 },
  LeakyRelu: { cpuDtypes: F },
  PRelu: { cpuDtypes: F },
  Sigmoid: { cpuDtypes: F },
  Tanh: { cpuDtypes: F },
  HardSigmoid: { cpuDtypes: F },
  HardSwish: { cpuDtypes: F },
  Elu: { cpuDtypes: F },
  Selu: { cpuDtypes: F },
  Softplus: { cpuDtypes: F },
  Erf: { cpuDtypes: F },
  Add: { cpuDtypes: FI8 },
  Sub: { cpuDtypes: FI8 },
  Mul: { cpuDtypes: FI8 },
  Div: { cpuDtypes: FI8 },
  Pow: { cpuDtypes: FI },
  Min: { cpuDtypes: FI8 },
  Max: { cpuDtypes: FI8 },
  Sqrt: { cpuDtypes: F },
  Abs: { cpuDtypes: FI },
  Neg: { cpuDtypes: FI },
  Exp: { cpuDtypes: F },
  Log: { cpuDtypes: F },
  Reciprocal: { cpuDtypes: F },
  Gemm: { cpuDtypes: F },
  MatMul: { cpuDtypes: F },
  Softmax: { cpuDtypes: F },
  LogSoftmax: { cpuDtypes: F },
  Concat: { cpuDtypes: MOVE },
  Split: { cpuDtypes: MOVE },
  Slice: { cpuDtypes: MOVE },
  Gather: { cpuDtypes: MOVE },
  Reshape: { cpuDtypes: MOVE },
  Flatten: { cpuDtypes: MOVE },
  Squeeze: { cpuDtypes: MOVE },
  Unsqueeze: { cpuDtypes: MOVE },
  Transpose: { cpuDtypes: MOVE },
  Expand: { cpuDtypes: MOVE },
  Tile: { cpuDtypes: MOVE },
  Pad: { cpuDtypes: MOVE, checks: [padCheck], limits: `modes ${PAD_MODES.join(', ')}` },
  Shape: { cpuDtypes: [...MOVE, 'bool', 'uint8'], dtypeOf: input0 },
  Cast: { cpuDtypes: CAST_TYPES, dtypeOf: input0, checks: [castCheck], limits: `to ${CAST_TYPES.join(', ')}` },
  ReduceMean: { cpuDtypes: FI },
  ReduceSum: { cpuDtypes: FI },
  ReduceMax: { cpuDtypes: FI },
  ReduceMin: { cpuDtypes: FI },
  Resize: { cpuDtypes: F, checks: [resizeCheck], limits: 'modes nearest and linear (not cubic); antialias 0' },
  DepthToSpace: { cpuDtypes: MOVE },
  SpaceToDepth: { cpuDtypes: MOVE },
  ArgMax: { cpuDtypes: FI, dtypeOf: input0 },
  LSTM: { cpuDtypes: F, checks: [rnnCheck], limits: RNN_LIMITS },
  GRU: { cpuDtypes: F, checks: [rnnCheck], limits: RNN_LIMITS },
  Identity: { cpuDtypes: [...MOVE, 'bool', 'uint8'] },
};

export const ENGINE_OPS: readonly string[] = Object.keys(SUPPORT);
