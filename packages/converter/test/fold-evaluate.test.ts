// The reference evaluator: checked against the ONNX conformance tests' expected outputs for every test whose
// ops it can all evaluate, and against onnxruntime on single-node models built with the test builder.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ConversionError } from '../src/errors.js';
import type { TensorValue } from '../src/ir/tensor.js';
import { canEvaluate, evaluateNode } from '../src/fold/evaluate.js';
import { EvaluationError } from '../src/fold/kernel.js';
import { importOnnx, MAX_OPSET, MIN_OPSET } from '../src/onnx/import.js';
import { decodeModel } from '../src/onnx/proto.js';
import { A, T, type Attr, maxRelError, runOrt, singleNodeModel } from './helpers/onnx-builder.js';
import { CORPUS, loadCases } from './helpers/conformance.js';

function sameTensor(got: TensorValue, want: TensorValue, rtol = 1e-5, atol = 1e-6): string | null {
  if (JSON.stringify(got.dims) !== JSON.stringify(want.dims)) return `dims [${got.dims}] vs [${want.dims}]`;
  if (got.dtype !== want.dtype) return `dtype ${got.dtype} vs ${want.dtype}`;
  if (got.dtype === 'string') return JSON.stringify(got.data) === JSON.stringify(want.data) ? null : 'strings differ';
  const exact = !['float32', 'float64', 'float16', 'bfloat16'].includes(got.dtype);
  const err = maxRelError(got, want, exact ? 0 : rtol, exact ? 0 : atol);
  return err <= 1 ? null : `values differ (max error ${err.toFixed(2)} × tolerance)`;
}

describe('evaluateNode against the ONNX conformance outputs', () => {
  const roots = ['onnx-node', 'onnx-pytorch-operator', 'onnx-simple'].map((d) => join(CORPUS, d));
  const cases = roots
    .flatMap((r) => loadCases(r))
    .filter((c) => c.opset >= MIN_OPSET && c.opset <= MAX_OPSET && c.outputs.length > 0 && c.inputs.length > 0)
    .filter((c) => c.ops.every((op) => op === 'Constant' || op === 'Dropout' || canEvaluate(op)));

  it('evaluates whole conformance graphs node by node and matches the expected outputs', () => {
    let matched = 0;
    const failed: string[] = [];
    const skipped: string[] = [];
    for (const c of cases) {
      const inputShapes = Object.fromEntries(
        c.inputs.map((i, k) => [i.name || c.model.graph.inputs[k]?.name, i.tensor.dims]),
      );
      let g;
      try {
        g = importOnnx(decodeModel(c.bytes), { inputShapes });
      } catch (e) {
        if (!(e instanceof ConversionError)) throw e;
        skipped.push(`${c.name} (import: ${e.message.split('\n')[0]})`);
        continue;
      }
      const env = new Map<string, TensorValue>(g.constants);
      g.inputs.forEach((io) =>
        env.set(io.name, c.inputs.find((i, k) => (i.name || c.model.graph.inputs[k]?.name) === io.name)!.tensor),
      );
      try {
        for (const n of g.nodes) {
          const res = evaluateNode(
            n,
            n.inputs.map((i) => (i ? env.get(i)! : null)),
            g.opset,
          );
          n.outputs.forEach((o, k) => o && env.set(o, res[k]));
        }
      } catch (e) {
        if (!(e instanceof EvaluationError)) throw e;
        skipped.push(`${c.name} (${e.message})`);
        continue;
      }
      c.outputs.forEach((o, k) => {
        const got = env.get(g.outputs[k].name)!;
        const why = sameTensor(got, o.tensor);
        if (why) failed.push(`${c.name} output ${k}: ${why}`);
        else matched++;
      });
    }
    console.log(
      `evaluator: ${cases.length} conformance tests, ${matched} outputs match, ${failed.length} differ, ${skipped.length} not evaluable`,
    );
    if (skipped.length) console.log(`not evaluable:\n  ${skipped.join('\n  ')}`);
    expect(failed).toEqual([]);
    expect(matched).toBeGreaterThan(250);
  });
});

describe('evaluateNode against onnxruntime', () => {
  type Case = {
    op: string;
    inputs: Record<string, TensorValue>;
    attrs?: Record<string, Attr>;
    outputs?: string[];
    opset?: number;
  };
  const cases: Record<string, Case> = {
    'Gather negative indices, axis 1': {
      op: 'Gather',
      inputs: { x: T.rand([3, 4, 2]), i: T.i64([2, 2], [-1, 0, 2, -4]) },
      attrs: { axis: A.int(1) },
    },
    'Slice negative steps and clamped ends': {
      op: 'Slice',
      inputs: {
        x: T.rand([5, 6, 3], 2),
        s: T.i64([2], [-1, 4]),
        e: T.i64([2], [-1000, 1]),
        a: T.i64([2], [0, 1]),
        st: T.i64([2], [-2, -1]),
      },
    },
    'Pad reflect': {
      op: 'Pad',
      inputs: { x: T.rand([2, 3, 4], 3), p: T.i64([6], [0, 2, 1, 0, 1, 3]) },
      attrs: { mode: A.str('reflect') },
    },
    'Pad edge with axes': {
      op: 'Pad',
      inputs: { x: T.rand([2, 3, 4], 4), p: T.i64([2], [2, 3]), v: T.f32([], [0]), a: T.i64([1], [-1]) },
      attrs: { mode: A.str('edge') },
    },
    'Pad constant value': {
      op: 'Pad',
      inputs: { x: T.rand([2, 3], 5), p: T.i64([4], [1, 0, 2, 1]), v: T.f32([], [7.5]) },
    },
    'Expand bidirectional': { op: 'Expand', inputs: { x: T.rand([3, 1], 6), s: T.i64([3], [2, 1, 4]) } },
    Tile: { op: 'Tile', inputs: { x: T.rand([2, 3], 7), r: T.i64([2], [3, 2]) } },
    'Transpose 4-D': { op: 'Transpose', inputs: { x: T.rand([2, 3, 4, 5], 8) }, attrs: { perm: A.ints([2, 0, 3, 1]) } },
    'Concat axis -1': {
      op: 'Concat',
      inputs: { a: T.rand([2, 3], 9), b: T.rand([2, 1], 10), c: T.rand([2, 2], 11) },
      attrs: { axis: A.int(-1) },
    },
    'Split uneven num_outputs (opset 18)': {
      op: 'Split',
      inputs: { x: T.rand([7, 2], 12) },
      attrs: { num_outputs: A.int(3) },
      outputs: ['y0', 'y1', 'y2'],
    },
    'Split given sizes': {
      op: 'Split',
      inputs: { x: T.rand([2, 6], 13), s: T.i64([3], [1, 2, 3]) },
      attrs: { axis: A.int(1) },
      outputs: ['y0', 'y1', 'y2'],
    },
    'Range float': { op: 'Range', inputs: { s: T.f32([], [1.5]), l: T.f32([], [-2]), d: T.f32([], [-0.75]) } },
    'Range int64': { op: 'Range', inputs: { s: T.i64([], [2]), l: T.i64([], [17]), d: T.i64([], [4]) } },
    'Cast float → int64 (truncation)': {
      op: 'Cast',
      inputs: { x: T.f32([6], [-2.7, -0.5, 0.5, 1.9, 3, 1e6]) },
      attrs: { to: A.int(7) },
    },
    'Cast float → float16': {
      op: 'Cast',
      inputs: { x: T.f32([6], [1 / 3, 65504, 1e-7, -2.5, 70000, 0.1]) },
      attrs: { to: A.int(10) },
    },
    'Cast int64 → bool': { op: 'Cast', inputs: { x: T.i64([4], [0, 3, -1, 0]) }, attrs: { to: A.int(9) } },
    'Where broadcast': {
      op: 'Where',
      inputs: { c: T.bool([2, 1], [1, 0]), p: T.rand([2, 3], 14), q: T.rand([3], 15) },
    },
    'Div int64 truncates': { op: 'Div', inputs: { a: T.i64([4], [7, -7, 9, -9]), b: T.i64([4], [2, 2, -4, -4]) } },
    'Mod int64 (sign of divisor)': {
      op: 'Mod',
      inputs: { a: T.i64([4], [7, -7, 9, -9]), b: T.i64([4], [3, 3, -4, 4]) },
    },
    'Mod fmod float': {
      op: 'Mod',
      inputs: { a: T.f32([3], [5.5, -5.5, 4]), b: T.f32([3], [2, 2, -1.5]) },
      attrs: { fmod: A.int(1) },
    },
    'Pow broadcast': { op: 'Pow', inputs: { a: T.f32([2, 2], [1.5, 2, 3, 0.5]), b: T.f32([2], [2, -1.5]) } },
    Erf: { op: 'Erf', inputs: { x: T.f32([8], [-3, -1.2, -0.5, -1e-3, 0, 0.3, 0.9, 2.5]) } },
    'Sigmoid/Tanh/Softplus chain': { op: 'Softplus', inputs: { x: T.f32([5], [-20, -1, 0, 1, 20]) } },
    HardSigmoid: {
      op: 'HardSigmoid',
      inputs: { x: T.rand([10], 16) },
      attrs: { alpha: A.float(0.3), beta: A.float(0.4) },
    },
    HardSwish: { op: 'HardSwish', inputs: { x: T.f32([6], [-4, -3, -1, 0, 2, 5]) } },
    'Equal int64 broadcast': {
      op: 'Equal',
      inputs: { a: T.i64([2, 3], [1, 2, 3, 4, 5, 6]), b: T.i64([3], [1, 5, 6]) },
    },
    'ReduceProd keepdims 0': {
      op: 'ReduceProd',
      inputs: { x: T.rand([2, 3, 4], 17), a: T.i64([2], [0, -1]) },
      attrs: { keepdims: A.int(0) },
    },
    'ReduceSum noop_with_empty_axes': {
      op: 'ReduceSum',
      inputs: { x: T.rand([2, 3], 18) },
      attrs: { noop_with_empty_axes: A.int(1) },
    },
    'ReduceMean all axes': { op: 'ReduceMean', inputs: { x: T.rand([2, 3, 4], 19) } },
    'ArgMax select_last_index': {
      op: 'ArgMax',
      inputs: { x: T.f32([2, 4], [1, 3, 3, 0, 5, 5, 1, 5]) },
      attrs: { axis: A.int(1), select_last_index: A.int(1) },
    },
    'ConstantOfShape int64': {
      op: 'ConstantOfShape',
      inputs: { s: T.i64([3], [2, 1, 3]) },
      attrs: { value: A.tensor(T.i64([1], [-9])) },
    },
    NonZero: { op: 'NonZero', inputs: { x: T.f32([2, 3], [0, 1, 0, 2, 0, 3]) } },
    'MatMul batched broadcast': { op: 'MatMul', inputs: { a: T.rand([2, 1, 3, 4], 20), b: T.rand([3, 4, 2], 21) } },
    'MatMul vector × matrix': { op: 'MatMul', inputs: { a: T.rand([4], 22), b: T.rand([4, 3], 23) } },
    'Unsqueeze negative axes': { op: 'Unsqueeze', inputs: { x: T.rand([2, 3], 24), a: T.i64([2], [-1, 0]) } },
    'Flatten axis 0': { op: 'Flatten', inputs: { x: T.rand([2, 3, 4], 25) }, attrs: { axis: A.int(0) } },
    'Clip with min only': { op: 'Clip', inputs: { x: T.rand([6], 26), lo: T.f32([], [-0.2]) } },
    'Max variadic broadcast': {
      op: 'Max',
      inputs: { a: T.rand([2, 3], 27), b: T.rand([3], 28), c: T.rand([2, 1], 29) },
    },
    'Shape with start/end': {
      op: 'Shape',
      inputs: { x: T.rand([2, 3, 4, 5], 30) },
      attrs: { start: A.int(1), end: A.int(-1) },
    },
    Size: { op: 'Size', inputs: { x: T.rand([2, 3, 4], 31) } },
  };

  for (const [title, c] of Object.entries(cases)) {
    it(title, async () => {
      const outputs = c.outputs ?? ['y'];
      const specs = Object.fromEntries(
        Object.entries(c.inputs).map(([k, t]) => [k, { dtype: t.dtype, shape: t.dims }]),
      );
      const model = singleNodeModel(c.op, specs, outputs, c.attrs ?? {}, c.opset ?? 18);
      const want = await runOrt(model, c.inputs);
      const g = importOnnx(decodeModel(model), {
        inputShapes: Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, t.dims])),
      });
      const node = g.nodes[0];
      const got = evaluateNode(
        node,
        node.inputs.map((i) => (i ? (c.inputs[i] ?? g.constants.get(i)!) : null)),
        g.opset,
      );
      outputs.forEach((o, k) => expect(sameTensor(got[k], want[o]), `${title} output ${o}`).toBeNull());
    });
  }
});
