// fuseActivations: an activation node (Relu, Clip with constant bounds, LeakyRelu, Sigmoid, Tanh,
// HardSigmoid, HardSwish) that is the only reader of a Conv, ConvTranspose, Gemm or MatMul output
// is folded into that op as the `activation`, `activation_alpha`, `activation_beta` arguments of
// docs/engine-format.md. Exporters that write hardswish as `Mul(x, HardSigmoid(x))` (PyTorch's
// MobileNetV3 at opset < 14) get that pair fused as HARDSWISH too: two passes over a large tensor
// become part of the producer's epilogue.
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

/**
 * `x`'s readers when they are exactly hardswish written out: HardSigmoid(x) with alpha 1/6 and
 * beta 1/2, read only by a Mul whose other input is x. Returns the Mul (which the fused op's
 * output replaces) and the HardSigmoid, else undefined.
 */
function hardSwishPair(graph: Graph, uses: Map<string, Node[]>, x: string): { mul: Node; hs: Node } | undefined {
  const readers = uses.get(x);
  if (!readers || readers.length !== 2) return undefined;
  const hs = readers.find((n) => n.opType === 'HardSigmoid' && isOnnx(n));
  const mul = readers.find((n) => n.opType === 'Mul' && isOnnx(n));
  if (!hs || !mul || hs.inputs[0] !== x || hs.outputs.length !== 1 || mul.outputs.length !== 1) return undefined;
  // float32 parameters as exported: 1/6 rounds to 0.16666667.
  if (Math.abs(attrFloat(hs, 'alpha', 0.2) - 1 / 6) > 1e-6 || attrFloat(hs, 'beta', 0.5) !== 0.5) return undefined;
  const h = hs.outputs[0];
  if (soleConsumer(graph, uses, h) !== mul) return undefined;
  const [a, b] = mul.inputs;
  if (mul.inputs.length !== 2 || !((a === x && b === h) || (a === h && b === x))) return undefined;
  return { mul, hs };
}

export function fuseActivations(graph: Graph): { changed: number } {
  let changed = 0;
  const uses = consumers(graph);
  for (const p of [...graph.nodes]) {
    if (!PRODUCERS.has(p.opType) || !isOnnx(p)) continue;
    if (p.outputs.length !== 1 || p.attrs.activation) continue;
    const x = p.outputs[0];
    if (valueInfo(graph, x)?.dtype !== 'float32') continue;
    const pair = hardSwishPair(graph, uses, x);
    if (pair && !isGraphOutput(graph, x) && !isGraphOutput(graph, pair.hs.outputs[0])) {
      p.attrs.activation = { kind: 'string', value: 'HARDSWISH' };
      p.outputs[0] = pair.mul.outputs[0];
      removeNode(graph, pair.hs);
      removeNode(graph, pair.mul);
      graph.values.delete(x);
      graph.values.delete(pair.hs.outputs[0]);
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
