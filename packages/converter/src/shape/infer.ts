// Shape inference driver: fills graph.values (dtype + shape) for every graph input, constant and node output,
// in node order, with the per-op rules. Idempotent; values of ops it does not know keep any earlier entry
// (e.g. a dtype from the model's value_info) or become { float32, unknown shape }.
import type { Graph, Node, ValueInfo } from '../ir/graph.js';
import type { ShapeRule } from './context.js';
import { ShapeCtx } from './context.js';
import { elementwiseRules } from './rules-elementwise.js';
import { nnRules } from './rules-nn.js';
import { reduceRules } from './rules-reduce.js';
import { resizeRules } from './rules-resize.js';
import { tensorRules } from './rules-tensor.js';

const RULES: Record<string, ShapeRule> = {
  ...elementwiseRules(),
  ...nnRules(),
  ...tensorRules(),
  ...reduceRules(),
  ...resizeRules(),
};

/** Required (non-optional) inputs of ops whose count is not 1. */
const REQUIRED_INPUTS: Record<string, number> = {
  Conv: 2,
  ConvTranspose: 2,
  Gemm: 2,
  MatMul: 2,
  PRelu: 2,
  Where: 3,
  Reshape: 2,
  Expand: 2,
  Tile: 2,
  Slice: 3,
  Gather: 2,
  GatherElements: 2,
  GatherND: 2,
  BatchNormalization: 5,
  LayerNormalization: 2,
  InstanceNormalization: 3,
  Pad: 2,
  Range: 3,
  LSTM: 3,
  GRU: 3,
  RNN: 3,
  CastLike: 2,
  ScatterElements: 3,
  ScatterND: 3,
  OneHot: 3,
  TopK: 2,
  Add: 2,
  Sub: 2,
  Mul: 2,
  Div: 2,
  Pow: 2,
  Mod: 2,
  Equal: 2,
  Less: 2,
  Greater: 2,
  LessOrEqual: 2,
  GreaterOrEqual: 2,
  And: 2,
  Or: 2,
  Xor: 2,
  BitShift: 2,
};

/** Whether shape inference knows the op (default domain). */
export function hasShapeRule(opType: string): boolean {
  return opType in RULES;
}

/** Infers the outputs of one node from the current graph.values and stores them. */
export function inferNode(graph: Graph, node: Node): void {
  const rule = node.domain === '' || node.domain === 'ai.onnx' ? RULES[node.opType] : undefined;
  let infos: ValueInfo[] = [];
  if (rule) {
    const c = new ShapeCtx(graph, node);
    const need = REQUIRED_INPUTS[node.opType] ?? 1;
    for (let i = 0; i < need; i++)
      if (!node.inputs[i]) c.fail(`input ${i} is required but missing (${node.inputs.length} given)`);
    if (node.outputs.length === 0) c.fail('the node has no outputs');
    infos = rule(c);
  }
  node.outputs.forEach((o, i) => {
    if (!o) return;
    const info = infos[i] ?? graph.values.get(o) ?? { dtype: 'float32', shape: null };
    graph.values.set(o, { dtype: info.dtype, shape: info.shape ? [...info.shape] : null });
  });
}

export function inferShapes(graph: Graph): void {
  for (const i of graph.inputs) graph.values.set(i.name, { dtype: i.dtype, shape: [...i.shape] });
  for (const [name, t] of graph.constants) graph.values.set(name, { dtype: t.dtype, shape: [...t.dims] });
  for (const n of graph.nodes) inferNode(graph, n);
  // Graph outputs take the inferred type and shape; declared dims fill in what inference left unknown.
  for (const o of graph.outputs) {
    const v = graph.values.get(o.name);
    if (!v) continue;
    o.dtype = v.dtype;
    if (v.shape)
      o.shape = v.shape.map((d, i) =>
        d >= 0 ? d : o.shape.length === v.shape!.length && o.shape[i] >= 0 ? o.shape[i] : -1,
      );
  }
}
