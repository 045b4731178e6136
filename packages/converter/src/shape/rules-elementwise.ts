// Shape rules for element-wise ops: unary ops keep their input's shape, binary/variadic ops broadcast
// (numpy rules), comparisons and logic ops produce bool.
import type { ValueInfo } from '../ir/graph.js';
import type { DType } from '../ir/tensor.js';
import { type ShapeCtx, type ShapeRule } from './context.js';

/** Numpy broadcasting of shapes (-1 = unknown dim; null = unknown rank). */
export function broadcastShapes(shapes: (number[] | null)[], fail: (reason: string) => never): number[] | null {
  if (shapes.some((s) => s === null)) return null;
  const ss = shapes as number[][];
  const r = Math.max(0, ...ss.map((s) => s.length));
  const out: number[] = new Array(r);
  for (let i = 0; i < r; i++) {
    let d = 1;
    let unknownDim = false;
    for (const s of ss) {
      const k = s.length - r + i;
      if (k < 0) continue;
      const x = s[k];
      if (x === 1) continue;
      if (x < 0) {
        unknownDim = true;
        continue;
      }
      if (d !== 1 && d !== x)
        fail(`shapes ${ss.map((q) => `[${q}]`).join(', ')} cannot be broadcast (dimension ${i}: ${d} vs ${x})`);
      d = x;
    }
    out[i] = unknownDim && d === 1 ? -1 : d;
  }
  return out;
}

/** Output = input 0's type and shape. */
export const same: ShapeRule = (c) => [{ dtype: c.dtype(0), shape: c.shape(0) }];

/** Like `same`, with a fixed output dtype. */
export const sameShapeAs =
  (dtype: DType): ShapeRule =>
  (c) => [{ dtype, shape: c.shape(0) }];

function broadcastInputs(c: ShapeCtx, from = 0, to = c.numInputs): number[] | null {
  const shapes: (number[] | null)[] = [];
  for (let i = from; i < to; i++) if (c.has(i)) shapes.push(c.shape(i));
  return broadcastShapes(shapes, (r) => c.fail(r));
}

/** Broadcasting ops whose output has input 0's dtype (Add, Mul, Pow, Max, Sum, ...). */
export const broadcast: ShapeRule = (c) => [{ dtype: c.dtype(0), shape: broadcastInputs(c) }];

/** Broadcasting comparisons / logic ops → bool. */
export const broadcastBool: ShapeRule = (c) => [{ dtype: 'bool', shape: broadcastInputs(c) }];

/** Where(cond, X, Y): broadcast of all three, dtype of X. */
export const where: ShapeRule = (c) => [{ dtype: c.dtype(1), shape: broadcastInputs(c) }];

/** PRelu: slope broadcasts unidirectionally to X. */
export const prelu: ShapeRule = (c) => {
  const x = c.shape(0);
  const s = c.shape(1);
  if (x && s) broadcastShapes([x, s], (r) => c.fail(`slope does not broadcast to the input: ${r}`));
  return [{ dtype: c.dtype(0), shape: x }];
};

/** Clip/Identity-like ops with one output. */
export const UNARY = [
  'Relu',
  'LeakyRelu',
  'Sigmoid',
  'Tanh',
  'HardSigmoid',
  'HardSwish',
  'Elu',
  'Selu',
  'Celu',
  'Softplus',
  'Softsign',
  'Erf',
  'Sqrt',
  'Abs',
  'Neg',
  'Exp',
  'Log',
  'Reciprocal',
  'Floor',
  'Ceil',
  'Round',
  'Sign',
  'Sin',
  'Cos',
  'Tan',
  'Asin',
  'Acos',
  'Atan',
  'Sinh',
  'Cosh',
  'Asinh',
  'Acosh',
  'Atanh',
  'Identity',
  'Clip',
  'Gelu',
  'Mish',
  'ThresholdedRelu',
  'Shrink',
  'Softmax',
  'LogSoftmax',
  'Hardmax',
  'LRN',
  'InstanceNormalization',
  'BitwiseNot',
  'CumSum',
  'Trilu',
  'LpNormalization',
  'MeanVarianceNormalization',
  'Dropout',
];

export const BROADCAST = [
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Min',
  'Max',
  'Sum',
  'Mean',
  'Mod',
  'BitShift',
  'BitwiseAnd',
  'BitwiseOr',
  'BitwiseXor',
];

export const BROADCAST_BOOL = ['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor'];

export function elementwiseRules(): Record<string, ShapeRule> {
  const r: Record<string, ShapeRule> = {};
  for (const op of UNARY) r[op] = same;
  for (const op of BROADCAST) r[op] = broadcast;
  for (const op of BROADCAST_BOOL) r[op] = broadcastBool;
  r.Not = sameShapeAs('bool');
  r.IsNaN = sameShapeAs('bool');
  r.IsInf = sameShapeAs('bool');
  r.Where = where;
  r.PRelu = prelu;
  return r;
}

export type { ValueInfo };
