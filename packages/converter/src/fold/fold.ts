// Constant folding: evaluates every node whose inputs are all constants (and Shape/Size of values whose shape
// is known) with the reference evaluator, turns its outputs into constants, then removes the nodes and
// constants nobody uses. Shapes are re-inferred as it goes, so shape chains collapse in one pass.
import type { Graph, Node } from '../ir/graph.js';
import type { TensorValue } from '../ir/tensor.js';
import { elementCount } from '../ir/tensor.js';
import { inferNode, inferShapes } from '../shape/infer.js';
import { canEvaluate, evaluateNode } from './evaluate.js';
import { shapeValue, sizeValue } from './kernels-tensor.js';

/** Largest folded output (elements) for ops that make their output bigger than their inputs. */
export const FOLD_MAX_ELEMENTS = 16 * 1024 * 1024;
/** ConstantOfShape may generate whole weight tensors (models that ship weights as generators). */
export const FOLD_MAX_GENERATED_ELEMENTS = 256 * 1024 * 1024;

function isDefault(node: Node): boolean {
  return node.domain === '' || node.domain === 'ai.onnx';
}

/** Shape/Size of a value whose (selected) dims are known, without its data. */
function foldShapeOnly(graph: Graph, node: Node): TensorValue[] | null {
  const dims = graph.values.get(node.inputs[0])?.shape;
  if (!dims) return null;
  if (node.opType === 'Size') return dims.every((d) => d >= 0) ? [sizeValue(dims)] : null;
  const full = shapeValue(
    node,
    dims.map((_, i) => i),
  );
  const picked = Array.from(full.data as BigInt64Array, (i) => dims[Number(i)]);
  return picked.every((d) => d >= 0) ? [shapeValue(node, dims)] : null;
}

function estimatedSize(graph: Graph, node: Node): number {
  if (node.opType === 'ConstantOfShape') {
    const s = graph.constants.get(node.inputs[0]);
    if (s) return elementCount(Array.from(s.data as ArrayLike<number | bigint>, Number));
  }
  let n = 0;
  for (const o of node.outputs) {
    const shape = o ? graph.values.get(o)?.shape : null;
    if (shape && shape.every((d) => d >= 0)) n += elementCount(shape);
  }
  return n;
}

function tryFold(graph: Graph, node: Node): TensorValue[] | null {
  if (!isDefault(node) || !canEvaluate(node.opType)) return null;
  const inputs = node.inputs.map((i) => (i ? (graph.constants.get(i) ?? null) : null));
  const allConst = node.inputs.every((i, k) => !i || inputs[k] !== null);
  if (!allConst) return node.opType === 'Shape' || node.opType === 'Size' ? foldShapeOnly(graph, node) : null;
  const out = estimatedSize(graph, node);
  const inSize = inputs.reduce((s, t) => s + (t ? t.data.length : 0), 0);
  const limit = node.opType === 'ConstantOfShape' ? FOLD_MAX_GENERATED_ELEMENTS : FOLD_MAX_ELEMENTS;
  if (out > limit && out > inSize) return null;
  try {
    const res = evaluateNode(node, inputs, graph.opset);
    return res.length >= node.outputs.filter(Boolean).length ? res : null;
  } catch {
    // Not evaluable here (unsupported dtype/attribute, or an invalid model that later stages report).
    return null;
  }
}

function freshName(graph: Graph, taken: Set<string>, hint: string): string {
  let name = hint;
  for (let k = 1; taken.has(name) || graph.constants.has(name); k++) name = `${hint}_${k}`;
  taken.add(name);
  return name;
}

/** Removes nodes whose outputs nobody reads, then unused constants and stale value entries. */
export function removeDeadNodes(graph: Graph): number {
  const live = new Set(graph.outputs.map((o) => o.name));
  const kept: Node[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    if (!n.outputs.some((o) => o && live.has(o))) continue;
    kept.push(n);
    for (const v of n.inputs) if (v) live.add(v);
  }
  const removed = graph.nodes.length - kept.length;
  graph.nodes = kept.reverse();
  for (const name of [...graph.constants.keys()]) if (!live.has(name)) graph.constants.delete(name);
  const defined = new Set<string>([...graph.constants.keys(), ...graph.inputs.map((i) => i.name)]);
  for (const n of graph.nodes) for (const o of n.outputs) if (o) defined.add(o);
  for (const name of [...graph.values.keys()]) if (!defined.has(name)) graph.values.delete(name);
  return removed;
}

export function foldConstants(graph: Graph): { folded: number } {
  inferShapes(graph);
  const graphOutputs = new Set(graph.outputs.map((o) => o.name));
  const taken = new Set<string>(graph.values.keys());
  const kept: Node[] = [];
  let folded = 0;
  for (const node of graph.nodes) {
    // Identity of a constant into a graph output is already the folded form.
    const canonical = node.opType === 'Identity' && graphOutputs.has(node.outputs[0]);
    const res = canonical ? null : tryFold(graph, node);
    if (!res) {
      kept.push(node);
      inferNode(graph, node);
      continue;
    }
    folded++;
    node.outputs.forEach((o, i) => {
      if (!o) return;
      const t = res[i];
      if (graphOutputs.has(o)) {
        // A graph output stays produced by a node: Identity of the folded constant.
        const c = freshName(graph, taken, `${o}_folded`);
        graph.constants.set(c, t);
        graph.values.set(c, { dtype: t.dtype, shape: [...t.dims] });
        kept.push({
          name: i === 0 ? node.name : `${node.name}_${i}`,
          opType: 'Identity',
          domain: '',
          inputs: [c],
          outputs: [o],
          attrs: {},
        });
      } else graph.constants.set(o, t);
      graph.values.set(o, { dtype: t.dtype, shape: [...t.dims] });
    });
  }
  graph.nodes = kept;
  removeDeadNodes(graph);
  inferShapes(graph);
  return { folded };
}
