// Shape rules for reductions (Reduce*, ArgMax/ArgMin): axes from the constant input (opset-18 form) or the
// legacy attribute, keepdims, noop_with_empty_axes.
import { attrInt, attrInts } from '../ir/graph.js';
import { type ShapeRule, unknown } from './context.js';

const reduce: ShapeRule = (c) => {
  const x = c.shape(0);
  const dtype = c.dtype(0);
  const keep = attrInt(c.node, 'keepdims', 1) !== 0;
  const axes = c.has(1) ? c.ints(1) : attrInts(c.node, 'axes');
  if (!x) return [unknown(dtype)];
  if (axes === null && c.has(1)) return [{ dtype, shape: keep ? x.map(() => -1) : null }];
  let ax: number[];
  if (!axes || axes.length === 0) {
    if (attrInt(c.node, 'noop_with_empty_axes', 0) !== 0) return [{ dtype, shape: x }];
    ax = x.map((_, i) => i);
  } else ax = axes.map((a) => c.axis(a, x.length));
  const shape = keep ? x.map((d, i) => (ax.includes(i) ? 1 : d)) : x.filter((_, i) => !ax.includes(i));
  return [{ dtype, shape }];
};

const argReduce: ShapeRule = (c) => {
  const x = c.shape(0);
  if (!x) return [unknown('int64')];
  const a = c.axis(attrInt(c.node, 'axis', 0), x.length);
  const keep = attrInt(c.node, 'keepdims', 1) !== 0;
  return [{ dtype: 'int64', shape: keep ? x.map((d, i) => (i === a ? 1 : d)) : x.filter((_, i) => i !== a) }];
};

export const REDUCE_OPS = [
  'ReduceMean',
  'ReduceSum',
  'ReduceMax',
  'ReduceMin',
  'ReduceProd',
  'ReduceL1',
  'ReduceL2',
  'ReduceLogSum',
  'ReduceLogSumExp',
  'ReduceSumSquare',
];

export function reduceRules(): Record<string, ShapeRule> {
  const r: Record<string, ShapeRule> = { ArgMax: argReduce, ArgMin: argReduce };
  for (const op of REDUCE_OPS) r[op] = reduce;
  return r;
}
