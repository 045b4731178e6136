// foldBatchNorm: a BatchNormalization whose input comes from a Conv, ConvTranspose, Gemm or a
// MatMul with a constant 2-D weight (and has no other reader) is folded into that producer's
// weight and bias, stored as new constants. y = s·x + t with s = scale/√(var+ε), t = B − mean·s.
// MatMul gains a bias by becoming Gemm. A BatchNormalization after anything else stays.
import { attrFloat, attrInt, type Graph, type Node } from '../ir/graph.js';
import { type TensorValue } from '../ir/tensor.js';
import {
  NameAllocator,
  addConstant,
  constF32,
  consumers,
  pruneConstants,
  removeNode,
  soleConsumer,
  staticShape,
  valueInfo,
} from './util.js';

interface Affine {
  s: Float64Array;
  t: Float64Array;
}

/** The per-channel affine map of an inference BatchNormalization, or undefined. */
function bnAffine(graph: Graph, bn: Node): Affine | undefined {
  if (attrInt(bn, 'training_mode', 0) !== 0) return undefined;
  if (bn.outputs.slice(1).some((o) => o)) return undefined;
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => constF32(graph, bn.inputs[i]));
  if (!scale || !bias || !mean || !variance) return undefined;
  const c = scale.data.length;
  if (
    [bias, mean, variance].some((t) => t.data.length !== c) ||
    [scale, bias, mean, variance].some((t) => t.dims.length !== 1)
  )
    return undefined;
  const eps = attrFloat(bn, 'epsilon', 1e-5);
  const s = new Float64Array(c);
  const t = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    s[k] = Number(scale.data[k]) / Math.sqrt(Number(variance.data[k]) + eps);
    t[k] = Number(bias.data[k]) - Number(mean.data[k]) * s[k];
  }
  return { s, t };
}

function f32(dims: number[], data: Float32Array): TensorValue {
  return { dtype: 'float32', dims: [...dims], data };
}

/** Bias of length m after the affine map: (b·β)·s + t, where b broadcasts from a scalar or [m]. */
function foldedBias(old: TensorValue | undefined, beta: number, a: Affine, m: number): Float32Array | undefined {
  const out = new Float32Array(m);
  let get: (k: number) => number = () => 0;
  if (old) {
    const n = old.data.length;
    const dims = old.dims.filter((d) => d !== 1);
    if (n === 1) get = () => Number(old.data[0]);
    else if (n === m && dims.length === 1) get = (k) => Number(old.data[k]);
    else return undefined;
  }
  for (let k = 0; k < m; k++) out[k] = get(k) * beta * a.s[k] + a.t[k];
  return out;
}

/** Folds into Conv: W[M, C/g, …] scaled per output channel (axis 0). */
function foldConv(graph: Graph, names: NameAllocator, p: Node, a: Affine): boolean {
  const w = constF32(graph, p.inputs[1]);
  if (!w || w.dims.length < 3 || w.dims[0] !== a.s.length) return false;
  const b = p.inputs[2] ? constF32(graph, p.inputs[2]) : undefined;
  if (p.inputs[2] && !b) return false;
  const m = w.dims[0];
  const inner = w.data.length / m;
  const nw = new Float32Array(w.data.length);
  for (let o = 0; o < m; o++)
    for (let i = 0; i < inner; i++) nw[o * inner + i] = (w.data as Float32Array)[o * inner + i] * a.s[o];
  const nb = foldedBias(b, 1, a, m);
  if (!nb) return false;
  p.inputs[1] = addConstant(graph, names, `${p.name}_bn_weight`, f32(w.dims, nw));
  p.inputs[2] = addConstant(graph, names, `${p.name}_bn_bias`, f32([m], nb));
  return true;
}

/** Folds into ConvTranspose: W[C, M/g, …]; output channel of W[c, j] is (c ÷ (C/g))·(M/g) + j. */
function foldConvTranspose(graph: Graph, names: NameAllocator, p: Node, a: Affine): boolean {
  const w = constF32(graph, p.inputs[1]);
  if (!w || w.dims.length < 3) return false;
  const g = attrInt(p, 'group', 1);
  const [c, mg] = w.dims;
  if (g < 1 || c % g !== 0 || mg * g !== a.s.length) return false;
  const b = p.inputs[2] ? constF32(graph, p.inputs[2]) : undefined;
  if (p.inputs[2] && !b) return false;
  const m = mg * g;
  const cg = c / g;
  const inner = w.data.length / (c * mg);
  const nw = new Float32Array(w.data.length);
  for (let ci = 0; ci < c; ci++)
    for (let j = 0; j < mg; j++) {
      const s = a.s[Math.floor(ci / cg) * mg + j];
      const base = (ci * mg + j) * inner;
      for (let i = 0; i < inner; i++) nw[base + i] = (w.data as Float32Array)[base + i] * s;
    }
  const nb = foldedBias(b, 1, a, m);
  if (!nb) return false;
  p.inputs[1] = addConstant(graph, names, `${p.name}_bn_weight`, f32(w.dims, nw));
  p.inputs[2] = addConstant(graph, names, `${p.name}_bn_bias`, f32([m], nb));
  return true;
}

/** Scales the columns (output features) of a 2-D weight: [K, M], or [M, K] when transposed. */
function scaleColumns(w: TensorValue, a: Affine, transposed: boolean): Float32Array {
  const [r, c] = w.dims;
  const src = w.data as Float32Array;
  const nw = new Float32Array(src.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) nw[i * c + j] = src[i * c + j] * a.s[transposed ? i : j];
  return nw;
}

/** Folds into Gemm (output [N, M]): B's output-feature axis scaled, C becomes [M] with β = 1. */
function foldGemm(graph: Graph, names: NameAllocator, p: Node, a: Affine): boolean {
  const w = constF32(graph, p.inputs[1]);
  if (!w || w.dims.length !== 2) return false;
  const transB = attrInt(p, 'transB', 0) !== 0;
  const m = transB ? w.dims[0] : w.dims[1];
  if (m !== a.s.length) return false;
  const c = p.inputs[2] ? constF32(graph, p.inputs[2]) : undefined;
  if (p.inputs[2] && !c) return false;
  const nb = foldedBias(c, attrFloat(p, 'beta', 1), a, m);
  if (!nb) return false;
  p.inputs[1] = addConstant(graph, names, `${p.name}_bn_weight`, f32(w.dims, scaleColumns(w, a, transB)));
  p.inputs[2] = addConstant(graph, names, `${p.name}_bn_bias`, f32([m], nb));
  p.attrs.beta = { kind: 'float', value: 1 };
  return true;
}

/** Folds into a MatMul of a 2-D input by a constant [K, M] weight, which becomes Gemm(A, W·s, t). */
function foldMatMul(graph: Graph, names: NameAllocator, p: Node, a: Affine): boolean {
  const w = constF32(graph, p.inputs[1]);
  if (!w || w.dims.length !== 2 || w.dims[1] !== a.s.length) return false;
  const x = valueInfo(graph, p.inputs[0]);
  if (!x?.shape || x.shape.length !== 2) return false;
  const nb = foldedBias(undefined, 1, a, a.s.length) as Float32Array;
  p.opType = 'Gemm';
  p.inputs = [
    p.inputs[0],
    addConstant(graph, names, `${p.name}_bn_weight`, f32(w.dims, scaleColumns(w, a, false))),
    addConstant(graph, names, `${p.name}_bn_bias`, f32([a.s.length], nb)),
  ];
  p.attrs = {};
  return true;
}

const FOLDERS: Record<string, (g: Graph, n: NameAllocator, p: Node, a: Affine) => boolean> = {
  Conv: foldConv,
  ConvTranspose: foldConvTranspose,
  Gemm: foldGemm,
  MatMul: foldMatMul,
};

export function foldBatchNorm(graph: Graph): { changed: number } {
  let changed = 0;
  const names = new NameAllocator(graph);
  const uses = consumers(graph);
  const byOutput = new Map<string, Node>();
  for (const n of graph.nodes) for (const o of n.outputs) if (o) byOutput.set(o, n);
  for (const bn of [...graph.nodes]) {
    if (bn.opType !== 'BatchNormalization' || (bn.domain !== '' && bn.domain !== 'ai.onnx')) continue;
    const x = bn.inputs[0];
    const p = x ? byOutput.get(x) : undefined;
    if (!p || p.outputs.length !== 1 || (p.domain !== '' && p.domain !== 'ai.onnx')) continue;
    const fold = Object.prototype.hasOwnProperty.call(FOLDERS, p.opType) ? FOLDERS[p.opType] : undefined;
    if (!fold || p.attrs.activation) continue;
    if (soleConsumer(graph, uses, x) !== bn) continue;
    if (valueInfo(graph, x)?.dtype !== 'float32') continue;
    // The BN channel axis is 1: for Gemm/MatMul outputs that is the feature axis only in 2-D.
    const shape = staticShape(graph, x) ?? valueInfo(graph, x)?.shape;
    if ((p.opType === 'Gemm' || p.opType === 'MatMul') && shape && shape.length !== 2) continue;
    const a = bnAffine(graph, bn);
    if (!a || !fold(graph, names, p, a)) continue;
    const y = bn.outputs[0];
    p.outputs[0] = y;
    removeNode(graph, bn);
    graph.values.delete(x);
    byOutput.delete(x);
    byOutput.set(y, p);
    changed++;
  }
  if (changed) pruneConstants(graph);
  return { changed };
}
