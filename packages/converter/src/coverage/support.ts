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
  /** GPU kernel; none exists yet. */
  gpu?: false;
}

const F: readonly DType[] = ['float32'];
/** Arithmetic the CPU kernels also run on shape-like integer tensors. */
const FI: readonly DType[] = ['float32', 'int64', 'int32'];
/** Data movement: the kernels copy elements of any of these types. */
const MOVE: readonly DType[] = ['float32', 'int64', 'int32'];
/** Cast's source and target types. */
export const CAST_TYPES: readonly DType[] = ['float32', 'int64', 'int32', 'bool', 'uint8'];

export const GPU_REASON = 'no GPU kernel yet';

const input0 = (n: Node): string | undefined => n.inputs[0] || undefined;

// ---- checks -------------------------------------------------------------------------------

function spatial2d(what: string): NodeCheck {
  return (node, graph) => {
    const x = node.inputs[0] ? graph.values.get(node.inputs[0]) : undefined;
    if (x?.shape && x.shape.length !== 4)
      return `only 2-D ${what} (4-D NCHW input) is supported; the input has rank ${x.shape.length}`;
    const w = node.inputs[1] ? graph.values.get(node.inputs[1]) : undefined;
    if ((node.opType === 'Conv' || node.opType === 'ConvTranspose') && w?.shape && w.shape.length !== 4)
      return `only 2-D ${what} is supported; the weight has rank ${w.shape.length}`;
    const ks = attrInts(node, 'kernel_shape');
    if (ks && ks.length !== 2) return `only 2-D ${what} is supported; kernel_shape has ${ks.length} dims`;
    return undefined;
  };
}

const autoPad: NodeCheck = (node) => {
  const p = attrString(node, 'auto_pad', 'NOTSET');
  return ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'].includes(p) ? undefined : `auto_pad '${p}' is not valid`;
};

const onlyFirstOutput = (what: string): NodeCheck => (node, graph) => {
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
  const ctm = attrString(node, 'coordinate_transformation_mode', 'half_pixel');
  if (ctm === 'tf_crop_and_resize') return "Resize coordinate_transformation_mode 'tf_crop_and_resize' is not supported";
  const kar = attrString(node, 'keep_aspect_ratio_policy', 'stretch');
  if (kar !== 'stretch') return `Resize keep_aspect_ratio_policy '${kar}' is not supported`;
  return undefined;
};

function rnnCheck(defaults: string[]): NodeCheck {
  return (node) => {
    const acts = attrStrings(node, 'activations');
    if (acts) {
      const dirs = attrString(node, 'direction', 'forward') === 'bidirectional' ? 2 : 1;
      const expect = Array.from({ length: dirs }, () => defaults).flat();
      if (acts.length !== expect.length || acts.some((a, i) => a.toLowerCase() !== expect[i].toLowerCase()))
        return `${node.opType} with activations [${acts.join(', ')}] is not supported (only the defaults)`;
    }
    if (node.attrs.clip) return `${node.opType} with cell clip is not supported`;
    if (attrInt(node, 'layout', 0) !== 0) return `${node.opType} with layout=1 is not supported`;
    if (node.opType === 'LSTM' && attrInt(node, 'input_forget', 0) !== 0) return 'LSTM with input_forget=1 is not supported';
    return undefined;
  };
}

const bnCheck: NodeCheck = (node) =>
  attrInt(node, 'training_mode', 0) !== 0 ? 'BatchNormalization with training_mode=1 is not supported (inference only)' : undefined;

const maxPoolCheck: NodeCheck = (node, graph) => {
  if (attrInt(node, 'storage_order', 0) !== 0) return 'MaxPool with storage_order=1 is not supported';
  return onlyFirstOutput('MaxPool indices')(node, graph);
};

const padCheck: NodeCheck = (node) => {
  const mode = attrString(node, 'mode', 'constant');
  return ['constant', 'reflect', 'edge'].includes(mode) ? undefined : `Pad mode '${mode}' is not supported`;
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

export const SUPPORT: Readonly<Record<string, OpSupport>> = {
  Conv: { cpuDtypes: F, checks: [spatial2d('Conv'), autoPad] },
  ConvTranspose: { cpuDtypes: F, checks: [spatial2d('ConvTranspose'), autoPad] },
  MaxPool: { cpuDtypes: F, checks: [spatial2d('MaxPool'), autoPad, maxPoolCheck] },
  AveragePool: { cpuDtypes: F, checks: [spatial2d('AveragePool'), autoPad] },
  GlobalAveragePool: { cpuDtypes: F },
  GlobalMaxPool: { cpuDtypes: F },
  BatchNormalization: { cpuDtypes: F, checks: [bnCheck, onlyFirstOutput('BatchNormalization running-statistics')] },
  InstanceNormalization: { cpuDtypes: F },
  LayerNormalization: { cpuDtypes: F, checks: [onlyFirstOutput('LayerNormalization mean/inv-std-dev')] },
  LRN: { cpuDtypes: F },
  Relu: { cpuDtypes: FI },
  Clip: { cpuDtypes: FI },
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
  Add: { cpuDtypes: FI },
  Sub: { cpuDtypes: FI },
  Mul: { cpuDtypes: FI },
  Div: { cpuDtypes: FI },
  Pow: { cpuDtypes: F },
  Min: { cpuDtypes: FI },
  Max: { cpuDtypes: FI },
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
  Pad: { cpuDtypes: MOVE, checks: [padCheck] },
  Shape: { cpuDtypes: [...MOVE, 'bool', 'uint8'], dtypeOf: input0 },
  Cast: { cpuDtypes: CAST_TYPES, dtypeOf: input0, checks: [castCheck] },
  ReduceMean: { cpuDtypes: F },
  ReduceSum: { cpuDtypes: FI },
  ReduceMax: { cpuDtypes: FI },
  ReduceMin: { cpuDtypes: FI },
  Resize: { cpuDtypes: F, checks: [resizeCheck] },
  DepthToSpace: { cpuDtypes: MOVE },
  SpaceToDepth: { cpuDtypes: MOVE },
  ArgMax: { cpuDtypes: FI, dtypeOf: input0 },
  LSTM: { cpuDtypes: F, checks: [rnnCheck(['Sigmoid', 'Tanh', 'Tanh'])] },
  GRU: { cpuDtypes: F, checks: [rnnCheck(['Sigmoid', 'Tanh'])] },
  Identity: { cpuDtypes: [...MOVE, 'bool', 'uint8'] },
};

export const ENGINE_OPS: readonly string[] = Object.keys(SUPPORT);
