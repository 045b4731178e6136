// The reference evaluator: runs one node on constant inputs (opset-23 semantics, as import normalises every
// node), used by constant folding. Throws an EvaluationError (a ConversionError) for what it cannot evaluate.
import type { Node } from '../ir/graph.js';
import type { TensorValue } from '../ir/tensor.js';
import { type Kernel, unsupported } from './kernel.js';
import { elementwiseKernels } from './kernels-elementwise.js';
import { reduceKernels } from './kernels-reduce.js';
import { tensorKernels } from './kernels-tensor.js';

const KERNELS: Record<string, Kernel> = { ...elementwiseKernels(), ...tensorKernels(), ...reduceKernels() };

/** Inputs each op needs (the rest are optional). */
const REQUIRED: Record<string, number> = {
  Reshape: 2,
  Expand: 2,
  Tile: 2,
  Slice: 3,
  Gather: 2,
  Range: 3,
  ConstantOfShape: 1,
  Where: 3,
  PRelu: 2,
  CastLike: 2,
  MatMul: 2,
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
};

export function canEvaluate(opType: string): boolean {
  return opType in KERNELS;
}

/** Every op type the reference evaluator runs, sorted (the operator list: docs/operators.md). */
export function evaluableOps(): string[] {
  return Object.keys(KERNELS).sort();
}

export function evaluateNode(node: Node, inputs: (TensorValue | null)[], opset: number): TensorValue[] {
  if (node.domain !== '' && node.domain !== 'ai.onnx') unsupported(node, `domain '${node.domain}'`);
  const k = KERNELS[node.opType];
  if (!k) unsupported(node, 'no reference kernel');
  const need = Math.max(REQUIRED[node.opType] ?? 1, 1);
  for (let i = 0; i < need; i++) if (!inputs[i]) unsupported(node, `input ${i} is missing`);
  if (node.opType !== 'Shape' && node.opType !== 'Size')
    for (const t of inputs)
      if (t && t.data.length !== t.dims.reduce((p, d) => p * d, 1))
        unsupported(node, `input [${t.dims}] has ${t.data.length} values`);
  return k(node, inputs, opset);
}
