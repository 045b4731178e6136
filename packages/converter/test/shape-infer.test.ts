// Shape inference: checked against the expected outputs of every ONNX conformance test whose ops are all in
// the converter's op list, plus hand-made models for inconsistent shapes (errors naming the node).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ConversionError } from '../src/errors.js';
import { importOnnx, MAX_OPSET, MIN_OPSET } from '../src/onnx/import.js';
import { decodeModel } from '../src/onnx/proto.js';
import { loadOnnx } from '../src/onnx/load.js';
import { foldConstants } from '../src/fold/fold.js';
import { hasShapeRule } from '../src/shape/infer.js';
import { A, T, buildModel } from './helpers/onnx-builder.js';
import { CORPUS, loadCases, type Case } from './helpers/conformance.js';

/** The converter's op list (docs: issue brief) plus the shape-helper ops that usually fold away. */
export const OP_LIST = new Set([
  'Conv',
  'ConvTranspose',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'BatchNormalization',
  'InstanceNormalization',
  'LayerNormalization',
  'LRN',
  'Relu',
  'Clip',
  'LeakyRelu',
  'PRelu',
  'Sigmoid',
  'Tanh',
  'HardSigmoid',
  'HardSwish',
  'Elu',
  'Selu',
  'Softplus',
  'Erf',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Min',
  'Max',
  'Sqrt',
  'Abs',
  'Neg',
  'Exp',
  'Log',
  'Reciprocal',
  'Gemm',
  'MatMul',
  'Softmax',
  'LogSoftmax',
  'Concat',
  'Split',
  'Slice',
  'Gather',
  'Reshape',
  'Flatten',
  'Squeeze',
  'Unsqueeze',
  'Transpose',
  'Expand',
  'Tile',
  'Pad',
  'Shape',
  'Cast',
  'ReduceMean',
  'ReduceSum',
  'ReduceMax',
  'ReduceMin',
  'Resize',
  'DepthToSpace',
  'SpaceToDepth',
  'ArgMax',
  'LSTM',
  'GRU',
  'Identity',
  // shape helpers
  'Constant',
  'ConstantOfShape',
  'Range',
  'Equal',
  'Where',
  'Not',
  'Less',
  'Greater',
  'And',
  'Or',
  'Floor',
  'Ceil',
  'Size',
  'Dropout',
  'Upsample',
  'ReduceProd',
  'LessOrEqual',
  'GreaterOrEqual',
  'Sum',
  'Mean',
]);

const ROOTS = ['onnx-node', 'onnx-pytorch-converted', 'onnx-pytorch-operator', 'onnx-simple'].map((d) =>
  join(CORPUS, d),
);

function inScope(c: Case): boolean {
  return (
    c.opset >= MIN_OPSET &&
    c.opset <= MAX_OPSET &&
    c.ops.every((op) => OP_LIST.has(op)) &&
    c.model.graph.nodes.every((n) => n.domain === '' || n.domain === 'ai.onnx') &&
    c.outputs.length > 0
  );
}

describe('shape inference against the ONNX conformance outputs', () => {
  const all = ROOTS.flatMap((r) => loadCases(r));
  const cases = all.filter(inScope);

  function check(list: Case[]) {
    let agree = 0;
    let unknownShape = 0;
    const refused: string[] = [];
    const wrong: string[] = [];
    for (const c of list) {
      // Tensor files of pytorch-converted tests have empty names: map them by position.
      const inputShapes = Object.fromEntries(
        c.inputs.map((i, k) => [i.name || c.model.graph.inputs[k]?.name, i.tensor.dims]),
      );
      let g;
      try {
        g = loadOnnx(c.bytes, { inputShapes });
      } catch (e) {
        if (!(e instanceof ConversionError)) throw e;
        refused.push(`${c.name}: ${e.message.split('\n')[0]}`);
        continue;
      }
      c.outputs.forEach((o, k) => {
        // The inferred value (not the GraphIO, which falls back to the model's declared output shape).
        const out = g.values.get(g.outputs[k].name)!;
        const expected = o.tensor.dims;
        if (!out.shape || out.shape.some((d) => d < 0)) {
          if (process.env.SHOW_UNKNOWN) console.log('unknown', c.name, out.shape, c.ops.join(','));
          unknownShape++;
          return;
        }
        if (JSON.stringify(out.shape) === JSON.stringify(expected) && out.dtype === o.tensor.dtype) agree++;
        else
          wrong.push(
            `${c.name} output ${k}: inferred ${out.dtype}[${out.shape}], expected ${o.tensor.dtype}[${expected}]`,
          );
      });
    }
    return { agree, unknownShape, refused, wrong };
  }

  it('infers every output shape and dtype of the conformance tests whose ops are all in the op list', () => {
    const r = check(cases);
    console.log(
      `shape inference: ${cases.length} in-scope conformance tests (of ${all.length}); ${r.agree} outputs agree, ` +
        `${r.unknownShape} left unknown (value-dependent shapes from non-constant inputs), ${r.wrong.length} wrong, ${r.refused.length} refused`,
    );
    expect(r.wrong).toEqual([]);
    // Refused on purpose: Dropout in training mode or with its mask used, string inputs.
    expect(r.refused.map((x) => x.split(':')[0]).sort()).toEqual([
      'test_dropout_default_mask',
      'test_equal_string',
      'test_equal_string_broadcast',
      'test_training_dropout',
      'test_training_dropout_default',
      'test_training_dropout_default_mask',
      'test_training_dropout_zero_ratio',
      'test_training_dropout_zero_ratio_mask',
    ]);
    expect(r.agree).toBeGreaterThan(450);
  });

  it('also gets the other ops it has rules for right (beyond the op list)', () => {
    const extra = all.filter(
      (c) =>
        !inScope(c) &&
        c.opset >= MIN_OPSET &&
        c.opset <= MAX_OPSET &&
        c.outputs.length > 0 &&
        c.ops.every((op) => OP_LIST.has(op) || hasShapeRule(op)) &&
        c.model.graph.nodes.every((n) => n.domain === '' || n.domain === 'ai.onnx'),
    );
    const r = check(extra);
    console.log(
      `beyond the op list: ${extra.length} tests, ${r.agree} outputs agree, ${r.unknownShape} unknown, ${r.wrong.length} wrong, refused: ${r.refused.join('; ') || 'none'}`,
    );
    expect(r.wrong).toEqual([]);
    expect(r.agree).toBeGreaterThan(50);
  });

  it('makes value-dependent shapes known once those inputs are constants', () => {
    // Tests that feed shapes, axes, scales or sizes as graph inputs: as initializers, every output is known.
    let checked = 0;
    const unknown: string[] = [];
    // Range's value-dependent input is its first (start), which stays a graph input here.
    for (const c of cases.filter((x) => x.inputs.length >= 2 && !x.ops.includes('Range'))) {
      const model = decodeModel(c.bytes);
      const first = c.inputs[0];
      const rest = new Set(c.inputs.slice(1).map((i) => i.name));
      model.graph.initializers.push(...c.inputs.slice(1));
      model.graph.inputs = model.graph.inputs.filter((v) => !rest.has(v.name));
      let g;
      try {
        g = importOnnx(model, { inputShapes: { [first.name]: first.tensor.dims } });
      } catch (e) {
        if (e instanceof ConversionError) continue; // the refused cases of the test above
        throw e;
      }
      foldConstants(g);
      c.outputs.forEach((o, k) => {
        const v = g.values.get(g.outputs[k].name)!;
        if (!v.shape || v.shape.some((d) => d < 0)) unknown.push(`${c.name}: [${v.shape}]`);
        else {
          expect(v.shape, c.name).toEqual(o.tensor.dims);
          checked++;
        }
      });
    }
    console.log(`with constant shape inputs: ${checked} outputs agree, unknown: ${unknown.join(', ') || 'none'}`);
    expect(unknown).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  });
});

describe('shape inference on the corpus models', () => {
  it('knows every value of the real models after loading', async () => {
    const { readFileSync } = await import('node:fs');
    for (const m of ['mobilenet_v2', 'squeezenet1_1', 'mobilenet_v3_small', 'gru_lstm', 'tiny_transformer']) {
      const g = loadOnnx(readFileSync(join(CORPUS, 'models', `${m}.onnx`)));
      for (const n of g.nodes)
        for (const o of n.outputs) {
          const v = g.values.get(o)!;
          expect(v.shape, `${m}: ${n.name} → ${o}`).not.toBeNull();
          expect(
            v.shape!.every((d) => d >= 0),
            `${m}: ${o} [${v.shape}]`,
          ).toBe(true);
        }
    }
  });

  it('follows input_shapes overrides through the graph', async () => {
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(join(CORPUS, 'models', 'squeezenet1_1.onnx'));
    const g = loadOnnx(bytes, { inputShapes: { input: [1, 3, 224, 224] } });
    expect(g.outputs[0].shape).toEqual([1, 1000]);
  });
});

describe('inconsistent shapes name the node', () => {
  function expectShapeError(bytes: Uint8Array, node: string, pattern: RegExp): void {
    let err: unknown;
    try {
      loadOnnx(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConversionError);
    const ce = err as ConversionError;
    expect(ce.message).toMatch(pattern);
    expect(ce.message).toContain(node);
    expect(ce.nodes[0]?.name).toBe(node);
  }

  it('Conv channel mismatch', () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: [1, 3, 8, 8] }],
      outputs: [{ name: 'y', shape: null }],
      initializers: { w: T.rand([4, 5, 3, 3]) },
      nodes: [{ op: 'Conv', name: 'conv_bad', inputs: ['x', 'w'], outputs: ['y'] }],
    });
    expectShapeError(bytes, 'conv_bad', /3 channels.*expects 5/);
  });

  it('MatMul inner dimensions', () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y', shape: null }],
      initializers: { w: T.rand([4, 5]) },
      nodes: [{ op: 'MatMul', name: 'mm', inputs: ['x', 'w'], outputs: ['y'] }],
    });
    expectShapeError(bytes, 'mm', /inner dimensions differ: \[2,3\] × \[4,5\]/);
  });

  it('Add shapes that do not broadcast', () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [
        { name: 'x', shape: [2, 3] },
        { name: 'z', shape: [4] },
      ],
      outputs: [{ name: 'y', shape: null }],
      nodes: [{ op: 'Add', name: 'add0', inputs: ['x', 'z'], outputs: ['y'] }],
    });
    expectShapeError(bytes, 'add0', /cannot be broadcast/);
  });

  it('Reshape to an incompatible size and Gemm inner dims', () => {
    const r = buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y', shape: null }],
      initializers: { s: T.i64([2], [4, 2]) },
      nodes: [{ op: 'Reshape', name: 'rs', inputs: ['x', 's'], outputs: ['y'] }],
    });
    expectShapeError(r, 'rs', /cannot reshape \[2,3\]/);
    const g = buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y', shape: null }],
      initializers: { w: T.rand([4, 3]) },
      nodes: [{ op: 'Gemm', name: 'gm', inputs: ['x', 'w'], outputs: ['y'], attrs: { transB: A.int(0) } }],
    });
    expectShapeError(g, 'gm', /inner dimensions differ/);
  });

  it('Concat with mismatched non-axis dims', () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [
        { name: 'a', shape: [1, 2, 4] },
        { name: 'b', shape: [1, 3, 5] },
      ],
      outputs: [{ name: 'y', shape: null }],
      nodes: [{ op: 'Concat', name: 'cat', inputs: ['a', 'b'], outputs: ['y'], attrs: { axis: A.int(1) } }],
    });
    expectShapeError(bytes, 'cat', /differ on dimension 2/);
  });
});
