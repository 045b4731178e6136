// simplifyReshapeTranspose: shape-only rewrites.
//  - a chain of Reshape/Flatten/Squeeze/Unsqueeze becomes one Reshape to the chain's (static) shape;
//  - a Reshape (or Flatten/Squeeze/Unsqueeze) to its input's own shape is removed;
//  - Transpose∘Transpose becomes one Transpose with the composed permutation;
//  - a Transpose with the identity permutation is removed.
import { attrInts, type Graph, type Node } from '../ir/graph.js';
import { makeTensor } from '../ir/tensor.js';
import {
  NameAllocator,
  addConstant,
  bypassNode,
  constNumbers,
  isDead,
  removeNode,
  staticShape,
  valueInfo,
} from './util.js';
import { pruneToOutputs } from './prune.js';

const SHAPE_OPS = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze']);

function isStd(n: Node): boolean {
  return n.domain === '' || n.domain === 'ai.onnx';
}

/** A Transpose's permutation (absent = reversed axes, which needs the input rank). */
function permOf(graph: Graph, n: Node): number[] | undefined {
  const p = attrInts(n, 'perm');
  if (p) return p;
  const rank = valueInfo(graph, n.inputs[0])?.shape?.length;
  return rank === undefined ? undefined : Array.from({ length: rank }, (_, i) => rank - 1 - i);
}

const isIdentityPerm = (p: number[]): boolean => p.every((v, i) => v === i);
const sameShape = (a: number[], b: number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** Drops `m` when nothing reads its outputs any more. */
function dropIfDead(graph: Graph, m: Node): void {
  if (m.outputs.every((o) => !o || isDead(graph, o))) {
    removeNode(graph, m);
    for (const o of m.outputs) if (o) graph.values.delete(o);
  }
}

function simplifyTranspose(graph: Graph, n: Node, byOutput: Map<string, Node>): boolean {
  const perm = permOf(graph, n);
  if (!perm) return false;
  if (isIdentityPerm(perm)) return bypassNode(graph, n, n.inputs[0]);
  const m = byOutput.get(n.inputs[0]);
  if (!m || m.opType !== 'Transpose' || !isStd(m) || !graph.nodes.includes(m)) return false;
  const inner = permOf(graph, m);
  if (!inner || inner.length !== perm.length) return false;
  // out.shape[i] = mid.shape[perm[i]] = in.shape[inner[perm[i]]]
  n.attrs.perm = { kind: 'ints', value: perm.map((i) => inner[i]) };
  n.inputs[0] = m.inputs[0];
  dropIfDead(graph, m);
  return true;
}

function simplifyShapeOp(graph: Graph, names: NameAllocator, n: Node, byOutput: Map<string, Node>): boolean {
  const x = n.inputs[0];
  if (!x) return false;
  const out = staticShape(graph, n.outputs[0]);
  const m = byOutput.get(x);
  if (m && SHAPE_OPS.has(m.opType) && isStd(m) && m.outputs.length === 1 && graph.nodes.includes(m) && m.inputs[0]) {
    // Collapse m → n into one Reshape of m's input.
    let shapeInput: string | undefined;
    if (out && out.every((d) => d > 0)) {
      const current = n.opType === 'Reshape' ? constNumbers(graph, n.inputs[1]) : undefined;
      shapeInput =
        current && sameShape(current, out)
          ? n.inputs[1]
          : addConstant(graph, names, `${n.name}_shape`, makeTensor('int64', [out.length], out));
    } else if (n.opType === 'Reshape') {
      // Unknown output shape: n's own shape still works if it copies nothing (0) from its input.
      const s = constNumbers(graph, n.inputs[1]);
      if (s && !s.includes(0)) shapeInput = n.inputs[1];
    }
    if (!shapeInput) return false;
    n.opType = 'Reshape';
    n.inputs = [m.inputs[0], shapeInput];
    n.attrs = {};
    dropIfDead(graph, m);
    return true;
  }
  const inShape = staticShape(graph, x);
  if (out && inShape && sameShape(out, inShape)) return bypassNode(graph, n, x);
  return false;
}

export function simplifyReshapeTranspose(graph: Graph): { changed: number } {
  let changed = 0;
  const names = new NameAllocator(graph);
  for (let pass = 0; pass < 64; pass++) {
    let step = 0;
    const byOutput = new Map<string, Node>();
    for (const n of graph.nodes) for (const o of n.outputs) if (o) byOutput.set(o, n);
    for (const n of [...graph.nodes]) {
      if (!graph.nodes.includes(n) || !isStd(n)) continue;
      let done = false;
      if (n.opType === 'Transpose') done = simplifyTranspose(graph, n, byOutput);
      else if (SHAPE_OPS.has(n.opType)) done = simplifyShapeOp(graph, names, n, byOutput);
      if (done) {
        step++;
        byOutput.clear();
        for (const k of graph.nodes) for (const o of k.outputs) if (o) byOutput.set(o, k);
      }
    }
    changed += step;
    if (step === 0) break;
  }
  // Shape computations that fed a bypassed Reshape are dead now.
  if (changed) pruneToOutputs(graph);
  return { changed };
}
