// fuseActivations: an activation node (Relu, Clip with constant bounds, LeakyRelu, Sigmoid, Tanh,
// HardSigmoid, HardSwish) that is the only reader of a Conv, ConvTranspose, Gemm or MatMul output
// is folded into that op as the `activation`, `activation_alpha`, `activation_beta` arguments of
// docs/engine-format.md. Hardswish written out by exporters (`Mul(x, HardSigmoid(x))` from
// PyTorch below opset 14, `x * Clip(x + 3, 0, 6) / 6` from Paddle and TensorFlow) is fused as
// HARDSWISH too: two to four passes over a large tensor become part of the producer's epilogue.
import { attrFloat, isGraphOutput, type AttrValue, type Graph, type Node } from '../ir/graph.js';
import { constNumbers, consumers, pruneConstants, removeNode, soleConsumer, valueInfo } from './util.js';

const PRODUCERS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);
const FLT_MAX = 3.4028234663852886e38;

interface Fused {
  activation: string;
  alpha?: number;
  beta?: number;
}

/** Clip's bounds: inputs 1 and 2 (opset ≥ 11) or attributes min/max (older forms). */
function clipBounds(graph: Graph, node: Node): Fused | undefined {
  const bound = (i: number, attr: string, dflt: number): number | undefined => {
    const name = node.inputs[i];
    if (name) {
      const v = constNumbers(graph, name);
      return v && v.length === 1 && !Number.isNaN(v[0]) ? v[0] : undefined;
    }
    return attrFloat(node, attr, dflt);
  };
  const lo = bound(1, 'min', -FLT_MAX);
  const hi = bound(2, 'max', FLT_MAX);
  if (lo === undefined || hi === undefined) return undefined;
  return { activation: 'CLIP', alpha: Math.max(lo, -FLT_MAX), beta: Math.min(hi, FLT_MAX) };
}

/** The fused form of an activation node, or undefined when it has none. */
export function fusedActivation(graph: Graph, node: Node): Fused | undefined {
  if (node.domain !== '' && node.domain !== 'ai.onnx') return undefined;
  switch (node.opType) {
    case 'Relu':
      return { activation: 'RELU' };
    case 'Clip':
      return clipBounds(graph, node);
    case 'LeakyRelu':
      return { activation: 'LEAKYRELU', alpha: attrFloat(node, 'alpha', 0.01) };
    case 'Sigmoid':
      return { activation: 'SIGMOID' };
    case 'Tanh':
      return { activation: 'TANH' };
    case 'HardSigmoid':
      return { activation: 'HARDSIGMOID', alpha: attrFloat(node, 'alpha', 0.2), beta: attrFloat(node, 'beta', 0.5) };
    case 'HardSwish':
      return { activation: 'HARDSWISH' };
    default:
      return undefined;
  }
}

const isOnnx = (n: Node): boolean => n.domain === '' || n.domain === 'ai.onnx';

/** The other input of a two-input node that reads `x`, when it has exactly two inputs. */
function otherInput(n: Node, x: string): string | undefined {
  if (n.inputs.length !== 2) return undefined;
  if (n.inputs[0] === x) return n.inputs[1];
  if (n.inputs[1] === x) return n.inputs[0];
  return undefined;
}

/** Whether `name` is a one-element constant equal to `v` (float32: within 1e-6). */
function isScalar(graph: Graph, name: string | undefined, v: number): boolean {
  const c = constNumbers(graph, name);
  return !!c && c.length === 1 && Math.abs(c[0] - v) <= 1e-6;
}

/**
 * Hardswish written out over `x`, whose readers must be exactly its nodes:
 * - `Mul(x, HardSigmoid(x))` with alpha 1/6, beta 1/2 (PyTorch below opset 14);
 * - `Div(Mul(x, Clip(Add(x, 3), 0, 6)), 6)` or `Mul(…, 1/6)` (Paddle, TensorFlow).
 * Returns its nodes in order, the last one's output being what the fused op produces.
 */
function hardSwishNodes(graph: Graph, uses: Map<string, Node[]>, x: string): Node[] | undefined {
  const readers = uses.get(x);
  if (!readers || readers.length !== 2 || !readers.every(isOnnx)) return undefined;
  const mul = readers.find((n) => n.opType === 'Mul');
  const first = readers.find((n) => n !== mul);
  if (!mul || !first || first.outputs.length !== 1 || mul.outputs.length !== 1) return undefined;
  const nodes = [first];
  if (first.opType === 'HardSigmoid') {
    // float32 parameters as exported: 1/6 rounds to 0.16666667.
    const alpha = attrFloat(first, 'alpha', 0.2);
    if (first.inputs[0] !== x || Math.abs(alpha - 1 / 6) > 1e-6 || attrFloat(first, 'beta', 0.5) !== 0.5)
      return undefined;
  } else if (first.opType === 'Add' && isScalar(graph, otherInput(first, x), 3)) {
    const clip = soleConsumer(graph, uses, first.outputs[0]);
    if (!clip || clip.opType !== 'Clip' || !isOnnx(clip) || clip.inputs[0] !== first.outputs[0]) return undefined;
    const bounds = clipBounds(graph, clip);
    if (clip.outputs.length !== 1 || bounds?.alpha !== 0 || bounds.beta !== 6) return undefined;
    nodes.push(clip);
  } else {
    return undefined;
  }
  // The gate (HardSigmoid or Clip) feeds only the Mul, as its other input.
  const gate = nodes[nodes.length - 1].outputs[0];
  if (otherInput(mul, x) !== gate || soleConsumer(graph, uses, gate) !== mul) return undefined;
  nodes.push(mul);
  if (first.opType === 'HardSigmoid') return nodes;
  // x * relu6(x + 3) still needs the division by 6.
  const m = mul.outputs[0];
  const div = soleConsumer(graph, uses, m);
  if (!div || !isOnnx(div) || div.outputs.length !== 1) return undefined;
  const byDiv = div.opType === 'Div' && div.inputs[0] === m && isScalar(graph, div.inputs[1], 6);
  const byMul = div.opType === 'Mul' && isScalar(graph, otherInput(div, m), 1 / 6);
  return byDiv || byMul ? [...nodes, div] : undefined;
}

export function fuseActivations(graph: Graph): { changed: number } {
  let changed = 0;
  const uses = consumers(graph);
  for (const p of [...graph.nodes]) {
    if (!PRODUCERS.has(p.opType) || !isOnnx(p)) continue;
    if (p.outputs.length !== 1 || p.attrs.activation) continue;
    const x = p.outputs[0];
    if (valueInfo(graph, x)?.dtype !== 'float32') continue;
    const hswish = hardSwishNodes(graph, uses, x);
    // Values inside the pattern vanish, so none of them may be a graph output.
    const inner = hswish && [x, ...hswish.slice(0, -1).map((n) => n.outputs[0])];
    if (hswish && inner && !inner.some((v) => isGraphOutput(graph, v))) {
      p.attrs.activation = { kind: 'string', value: 'HARDSWISH' };
      p.outputs[0] = hswish[hswish.length - 1].outputs[0];
      for (const n of hswish) removeNode(graph, n);
      for (const v of inner) graph.values.delete(v);
      changed++;
      continue;
    }
    const act = soleConsumer(graph, uses, x);
    if (!act || act.inputs[0] !== x || act.outputs.length !== 1 || !act.outputs[0]) continue;
    // The activation's other inputs (Clip bounds) must not be this output.
    if (act.inputs.slice(1).includes(x)) continue;
    const f = fusedActivation(graph, act);
    if (!f) continue;
    const attrs: Record<string, AttrValue> = { activation: { kind: 'string', value: f.activation } };
    if (f.alpha !== undefined) attrs.activation_alpha = { kind: 'float', value: f.alpha };
    if (f.beta !== undefined) attrs.activation_beta = { kind: 'float', value: f.beta };
    Object.assign(p.attrs, attrs);
    p.outputs[0] = act.outputs[0];
    removeNode(graph, act);
    graph.values.delete(x);
    changed++;
  }
  if (changed) pruneConstants(graph);
  return { changed };
}
