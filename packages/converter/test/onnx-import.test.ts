// Import and opset normalisation: each old-opset form is rewritten to its opset-23 form (checked on the node)
// and the rewritten graph, re-encoded as an opset-23 model, computes what onnxruntime computes for the original.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ConversionError } from '../src/errors.js';
import type { Graph, Node } from '../src/ir/graph.js';
import type { TensorValue } from '../src/ir/tensor.js';
import { readNumbers } from '../src/fold/values.js';
import { importOnnx, MIN_OPSET } from '../src/onnx/import.js';
import { CONTRACT_OPSET } from '../src/onnx/opset-range.js';
import { loadOnnx } from '../src/onnx/load.js';
import { decodeModel } from '../src/onnx/proto.js';
import {
  A,
  T,
  type Attr,
  type ModelSpec,
  buildModel,
  graphToModel,
  maxRelError,
  runOrt,
} from './helpers/onnx-builder.js';
import { CORPUS, LIBONNX, loadCases } from './helpers/conformance.js';

function values(g: Graph, name: string): number[] {
  return Array.from(readNumbers(g.constants.get(name)!));
}

/** Imports a one-node model of `opset`, returns the graph; checks onnxruntime agrees before/after. */
async function normalised(
  op: string,
  opset: number,
  x: TensorValue,
  attrs: Record<string, Attr>,
  extra: { inputs?: Record<string, TensorValue>; outputs?: string[]; used?: string[] } = {},
): Promise<{ g: Graph; node: Node }> {
  const outputs = extra.outputs ?? ['y'];
  const inits = extra.inputs ?? {};
  const spec: ModelSpec = {
    opset,
    inputs: [{ name: 'x', dtype: x.dtype, shape: x.dims }],
    outputs: (extra.used ?? outputs.slice(0, 1)).map((name) => ({ name })),
    initializers: inits,
    nodes: [{ op, name: 'n0', inputs: ['x', ...Object.keys(inits)], outputs, attrs }],
  };
  const bytes = buildModel(spec);
  const g = importOnnx(decodeModel(bytes));
  const before = await runOrt(bytes, { x });
  const after = await runOrt(graphToModel(g), { x });
  for (const o of spec.outputs) {
    expect(after[o.name].dims, `${op}-${opset} ${o.name}`).toEqual(before[o.name].dims);
    expect(maxRelError(after[o.name], before[o.name]), `${op}-${opset} ${o.name}`).toBeLessThanOrEqual(1);
  }
  return { g, node: g.nodes.find((n) => n.name === 'n0')! };
}

describe('opset normalisation (checked against onnxruntime on the original model)', () => {
  it('Squeeze/Unsqueeze axes attribute (opset < 13) → int64 input', async () => {
    const { g, node } = await normalised('Squeeze', 11, T.rand([2, 1, 3, 1]), { axes: A.ints([1, -1]) });
    expect(node.attrs.axes).toBeUndefined();
    expect(values(g, node.inputs[1])).toEqual([1, -1]);
    expect(g.constants.get(node.inputs[1])!.dtype).toBe('int64');
    const u = await normalised('Unsqueeze', 11, T.rand([2, 3]), { axes: A.ints([0, 3]) });
    expect(values(u.g, u.node.inputs[1])).toEqual([0, 3]);
    const plain = await normalised('Squeeze', 11, T.rand([1, 3, 1]), {});
    expect(plain.node.inputs).toEqual(['x']);
  });

  it('ReduceMean (opset < 18) and ReduceSum (opset < 13) axes → input', async () => {
    const m = await normalised('ReduceMean', 13, T.rand([2, 3, 4]), { axes: A.ints([-1, 0]), keepdims: A.int(0) });
    expect(values(m.g, m.node.inputs[1])).toEqual([-1, 0]);
    expect(m.node.attrs.keepdims).toEqual({ kind: 'int', value: 0 });
    const s = await normalised('ReduceSum', 11, T.rand([2, 3, 4]), { axes: A.ints([1]) });
    expect(values(s.g, s.node.inputs[1])).toEqual([1]);
    const mx = await normalised('ReduceMax', 17, T.rand([2, 3]), { axes: A.ints([1]) });
    expect(values(mx.g, mx.node.inputs[1])).toEqual([1]);
    const all = await normalised('ReduceMin', 11, T.rand([2, 3]), {});
    expect(all.node.inputs).toEqual(['x']);
    // ReduceSum at opset 13 already takes axes as an input: unchanged.
    const s13 = importOnnx(
      decodeModel(
        buildModel({
          opset: 13,
          inputs: [{ name: 'x', shape: [2, 3] }],
          outputs: [{ name: 'y' }],
          nodes: [{ op: 'ReduceSum', inputs: ['x'], outputs: ['y'], attrs: { keepdims: A.int(1) } }],
        }),
      ),
    );
    expect(s13.nodes[0].inputs).toEqual(['x']);
  });

  it('Split: split attribute (opset < 13) → input; no split (opset < 18) → num_outputs', async () => {
    const a = await normalised(
      'Split',
      11,
      T.rand([2, 6]),
      { axis: A.int(1), split: A.ints([1, 2, 3]) },
      { outputs: ['y', 'z', 'w'], used: ['y', 'z', 'w'] },
    );
    expect(values(a.g, a.node.inputs[1])).toEqual([1, 2, 3]);
    const b = await normalised('Split', 11, T.rand([6, 2]), {}, { outputs: ['y', 'z', 'w'], used: ['y', 'z', 'w'] });
    expect(b.node.attrs.num_outputs).toEqual({ kind: 'int', value: 3 });
    expect(b.node.inputs).toEqual(['x']);
    const c = await normalised('Split', 13, T.rand([4, 2]), {}, { outputs: ['y', 'z'], used: ['y', 'z'] });
    expect(c.node.attrs.num_outputs).toEqual({ kind: 'int', value: 2 });
  });

  it('Pad (opset < 11): pads/value attributes → inputs, mode kept', async () => {
    const c = await normalised('Pad', 10, T.rand([2, 3]), { pads: A.ints([0, 1, 1, 2]), value: A.float(1.5) });
    expect(values(c.g, c.node.inputs[1])).toEqual([0, 1, 1, 2]);
    expect(values(c.g, c.node.inputs[2])).toEqual([1.5]);
    const r = await normalised('Pad', 7, T.rand([1, 2, 4]), {
      pads: A.ints([0, 0, 2, 0, 0, 1]),
      mode: A.str('reflect'),
    });
    expect(r.node.attrs.mode).toEqual({ kind: 'string', value: 'reflect' });
    expect(r.node.inputs.length).toBe(2);
  });

  it('Clip (opset < 11): min/max attributes → inputs', async () => {
    const both = await normalised('Clip', 7, T.rand([10]), { min: A.float(-0.25), max: A.float(0.5) });
    expect(values(both.g, both.node.inputs[1])).toEqual([-0.25]);
    expect(values(both.g, both.node.inputs[2])).toEqual([0.5]);
    const maxOnly = await normalised('Clip', 7, T.rand([10]), { max: A.float(0.1) });
    expect(maxOnly.node.inputs[1]).toBe('');
    expect(values(maxOnly.g, maxOnly.node.inputs[2])).toEqual([Math.fround(0.1)]);
  });

  it('Slice (opset < 10): starts/ends/axes attributes → inputs (INT64_MAX end clamps)', async () => {
    const { g, node } = await normalised('Slice', 9, T.rand([4, 5, 6]), {
      starts: A.ints([1, -3]),
      ends: A.ints([2 ** 63, -1]) /* INT64_MAX as the nearest double */,
      axes: A.ints([0, 2]),
    });
    expect(node.inputs.length).toBe(4);
    expect(values(g, node.inputs[1])).toEqual([1, -3]);
    expect((g.constants.get(node.inputs[2])!.data as BigInt64Array)[0]).toBe(9223372036854775807n);
  });

  it('Upsample (opset 7 attribute / opset 9 input) → Resize with asymmetric coordinates', async () => {
    const n7 = await normalised('Upsample', 7, T.rand([1, 2, 3, 4]), {
      scales: A.floats([1, 1, 2, 3]),
      mode: A.str('nearest'),
    });
    expect(n7.node.opType).toBe('Resize');
    expect(n7.node.inputs[1]).toBe('');
    expect(values(n7.g, n7.node.inputs[2])).toEqual([1, 1, 2, 3]);
    expect(n7.node.attrs).toMatchObject({
      mode: { value: 'nearest' },
      coordinate_transformation_mode: { value: 'asymmetric' },
      nearest_mode: { value: 'floor' },
    });
    expect(n7.g.values.get('y')!.shape).toEqual([1, 2, 6, 12]);
    const l9 = await normalised(
      'Upsample',
      9,
      T.rand([1, 1, 3, 3]),
      { mode: A.str('linear') },
      { inputs: { s: T.f32([4], [1, 1, 2, 2.5]) } },
    );
    expect(l9.node.attrs.mode).toEqual({ kind: 'string', value: 'linear' });
    expect(l9.g.values.get('y')!.shape).toEqual([1, 1, 6, 7]);
  });

  it('Resize opset 10 (X, scales) → opset-19 form (roi omitted, asymmetric)', async () => {
    for (const mode of ['nearest', 'linear']) {
      const r = await normalised(
        'Resize',
        10,
        T.rand([1, 1, 4, 4]),
        { mode: A.str(mode) },
        { inputs: { s: T.f32([4], [1, 1, 2, 1.5]) } },
      );
      expect(r.node.inputs[1]).toBe('');
      expect(r.node.attrs.coordinate_transformation_mode).toEqual({ kind: 'string', value: 'asymmetric' });
    }
    const down = await normalised(
      'Resize',
      10,
      T.rand([1, 1, 6, 6]),
      { mode: A.str('nearest') },
      { inputs: { s: T.f32([4], [1, 1, 0.5, 0.5]) } },
    );
    expect(down.g.values.get('y')!.shape).toEqual([1, 1, 3, 3]);
    // Opset 10 rounds down-scaled axes up and up-scaled axes down (onnxruntime's legacy nearest).
    const d = await normalised(
      'Resize',
      10,
      T.rand([1, 1, 7, 9]),
      { mode: A.str('nearest') },
      { inputs: { s: T.f32([4], [1, 1, 0.6, 0.7]) } },
    );
    expect(d.node.attrs.nearest_mode).toEqual({ kind: 'string', value: 'ceil' });
    const u = await normalised(
      'Resize',
      10,
      T.rand([1, 1, 3, 4]),
      { mode: A.str('nearest') },
      { inputs: { s: T.f32([4], [1, 1, 1.7, 2.5]) } },
    );
    expect(u.node.attrs.nearest_mode).toEqual({ kind: 'string', value: 'floor' });
    const lin = await normalised(
      'Resize',
      10,
      T.rand([1, 1, 7, 9]),
      { mode: A.str('linear') },
      { inputs: { s: T.f32([4], [1, 1, 0.6, 1.7]) } },
    );
    expect(lin.g.values.get('y')!.shape).toEqual([1, 1, 4, 15]);
    const mixed = buildModel({
      opset: 10,
      inputs: [{ name: 'x', shape: [1, 1, 4, 4] }],
      outputs: [{ name: 'y' }],
      initializers: { s: T.f32([4], [1, 1, 0.5, 2]) },
      nodes: [{ op: 'Resize', name: 'rz', inputs: ['x', 's'], outputs: ['y'] }],
    });
    expect(() => importOnnx(decodeModel(mixed))).toThrow(
      /rz \(Resize\): Resize-10 nearest with scales both below and above 1/,
    );
    // Scales computed by a constant subgraph are resolved after folding.
    const computed = buildModel({
      opset: 10,
      inputs: [{ name: 'x', shape: [1, 1, 6, 6] }],
      outputs: [{ name: 'y' }],
      initializers: { a: T.f32([4], [2, 2, 1, 1]), b: T.f32([4], [2, 2, 3, 3]) },
      nodes: [
        { op: 'Div', inputs: ['a', 'b'], outputs: ['s'] },
        { op: 'Resize', name: 'rz', inputs: ['x', 's'], outputs: ['y'] },
      ],
    });
    const cg = loadOnnx(computed);
    expect(cg.nodes.map((n) => n.opType)).toEqual(['Resize']);
    expect(cg.nodes[0].attrs.nearest_mode).toEqual({ kind: 'string', value: 'ceil' });
    expect(cg.values.get('y')!.shape).toEqual([1, 1, 2, 2]);
  });

  it('Resize opsets 11–12: empty roi/scales constants become omitted inputs; tf_half_pixel_for_nn is mapped', async () => {
    const r = await normalised(
      'Resize',
      11,
      T.rand([1, 1, 4, 6]),
      { mode: A.str('nearest'), coordinate_transformation_mode: A.str('tf_half_pixel_for_nn') },
      { inputs: { roi: T.f32([0], []), sc: T.f32([0], []), sz: T.i64([4], [1, 1, 3, 4]) } },
    );
    expect(r.node.inputs.slice(1)).toEqual(['', '', 'sz']);
    expect(r.node.attrs.coordinate_transformation_mode).toEqual({ kind: 'string', value: 'half_pixel' });
    expect(r.node.attrs.nearest_mode).toEqual({ kind: 'string', value: 'ceil' });
    const f = await normalised(
      'Resize',
      11,
      T.rand([1, 1, 5, 7]),
      {
        mode: A.str('nearest'),
        coordinate_transformation_mode: A.str('tf_half_pixel_for_nn'),
        nearest_mode: A.str('floor'),
      },
      { inputs: { roi: T.f32([0], []), sc: T.f32([4], [1, 1, 1.7, 0.6]) } },
    );
    expect(f.node.attrs.nearest_mode).toEqual({ kind: 'string', value: 'round_prefer_ceil' });
  });

  it('BatchNormalization opsets 7–9 (spatial attribute, statistics outputs) → opset-15 forms', async () => {
    const c = 3;
    const inputs = { s: T.rand([c], 2), b: T.rand([c], 3), m: T.rand([c], 4), v: T.f32([c], [0.5, 1, 2]) };
    for (const opset of [7, 8, 9]) {
      const attrs: Record<string, Attr> =
        opset < 9 ? { spatial: A.int(1), epsilon: A.float(1e-3) } : { epsilon: A.float(1e-3) };
      const { node } = await normalised('BatchNormalization', opset, T.rand([2, c, 4, 4]), attrs, { inputs });
      expect(node.outputs).toEqual(['y']);
      expect(node.attrs.spatial).toBeUndefined();
      expect(node.attrs.epsilon).toEqual({ kind: 'float', value: Math.fround(1e-3) });
    }
    // Before opset 14, declaring the statistics outputs selects training mode (batch statistics): it becomes the
    // opset-15 training form (coverage refuses it later, with its reason), and computes the same Y.
    const tr = await normalised(
      'BatchNormalization',
      9,
      T.rand([2, c, 3, 3]),
      { epsilon: A.float(1e-3), momentum: A.float(0.8) },
      {
        inputs,
        outputs: ['y', 'rm', 'rv', 'sm', 'sv'],
        used: ['y'],
      },
    );
    expect(tr.node.attrs.training_mode).toEqual({ kind: 'int', value: 1 });
    expect(tr.node.outputs).toEqual(['y', 'rm', 'rv']);
    const train = (opset: number, outputs: string[], attrs: Record<string, Attr> = {}, used = ['y']) =>
      buildModel({
        opset,
        inputs: [{ name: 'x', shape: [2, c, 2, 2] }],
        outputs: used.map((name) => ({ name })),
        initializers: inputs,
        nodes: [{ op: 'BatchNormalization', name: 'bn', inputs: ['x', 's', 'b', 'm', 'v'], outputs, attrs }],
      });
    expect(() => importOnnx(decodeModel(train(9, ['y', 'rm', 'rv', 'sm', 'sv'], {}, ['y', 'sm'])))).toThrow(
      /bn \(BatchNormalization\): uses the saved_mean/,
    );
    const t15 = importOnnx(decodeModel(train(15, ['y', 'rm', 'rv'], { training_mode: A.int(1) })));
    expect(t15.nodes[0].outputs).toEqual(['y', 'rm', 'rv']);
    expect(t15.values.get('rm')).toEqual({ dtype: 'float32', shape: [c] });
    expect(() => importOnnx(decodeModel(train(9, ['y'], { spatial: A.int(0) })))).toThrow(/spatial=0/);
  });

  it('Dropout → Identity (mask unused); a used mask or training mode is refused', async () => {
    const { g, node } = await normalised(
      'Dropout',
      10,
      T.rand([3, 4]),
      { ratio: A.float(0.3) },
      { outputs: ['y', 'mask'], used: ['y'] },
    );
    expect(node.opType).toBe('Identity');
    expect(node.inputs).toEqual(['x']);
    expect(node.outputs).toEqual(['y']);
    expect(node.attrs).toEqual({});
    expect(g.nodes.length).toBe(1);
    const used = buildModel({
      opset: 10,
      inputs: [{ name: 'x', shape: [3] }],
      outputs: [{ name: 'y' }, { name: 'mask' }],
      nodes: [{ op: 'Dropout', name: 'drop', inputs: ['x'], outputs: ['y', 'mask'] }],
    });
    expect(() => importOnnx(decodeModel(used))).toThrow(/drop \(Dropout\): Dropout mask output 'mask' is used/);
    const training = buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: [3] }],
      outputs: [{ name: 'y' }],
      initializers: { r: T.f32([], [0.5]), t: T.bool([], [1]) },
      nodes: [{ op: 'Dropout', name: 'drop', inputs: ['x', 'r', 't'], outputs: ['y'] }],
    });
    expect(() => importOnnx(decodeModel(training))).toThrow(/training mode/);
  });

  it('Softmax/LogSoftmax (opset < 13): coerce_2d with explicit axis, plain when the trailing dims are 1', async () => {
    const a = await normalised('Softmax', 11, T.rand([2, 3, 4]), { axis: A.int(1) });
    expect(a.node.attrs).toEqual({ axis: { kind: 'int', value: 1 }, coerce_2d: { kind: 'int', value: 1 } });
    const d = await normalised('LogSoftmax', 7, T.rand([2, 3, 4]), {});
    expect(d.node.attrs).toEqual({ axis: { kind: 'int', value: 1 }, coerce_2d: { kind: 'int', value: 1 } });
    const last = await normalised('Softmax', 11, T.rand([2, 5]), {});
    expect(last.node.attrs).toEqual({ axis: { kind: 'int', value: 1 } });
    const ones = await normalised('Softmax', 11, T.rand([2, 5, 1, 1]), { axis: A.int(1) });
    expect(ones.node.attrs).toEqual({ axis: { kind: 'int', value: 1 } });
    const neg = await normalised('LogSoftmax', 11, T.rand([2, 3, 4]), { axis: A.int(-1) });
    expect(neg.node.attrs).toEqual({ axis: { kind: 'int', value: -1 } });
    const v13 = await normalised('Softmax', 13, T.rand([2, 3, 4]), { axis: A.int(1) });
    expect(v13.node.attrs).toEqual({ axis: { kind: 'int', value: 1 } });
  });

  it('TopK (opset < 10): k attribute → input', () => {
    const g = importOnnx(
      decodeModel(
        buildModel({
          opset: 9,
          inputs: [{ name: 'x', shape: [2, 5] }],
          outputs: [{ name: 'v' }, { name: 'i' }],
          nodes: [{ op: 'TopK', name: 't', inputs: ['x'], outputs: ['v', 'i'], attrs: { k: A.int(3) } }],
        }),
      ),
    );
    expect(values(g, g.nodes[0].inputs[1])).toEqual([3]);
    expect(g.values.get('v')).toEqual({ dtype: 'float32', shape: [2, 3] });
    expect(g.values.get('i')).toEqual({ dtype: 'int64', shape: [2, 3] });
  });
});

describe('old-opset conformance tests, normalised and run at opset 23', () => {
  // Real exporter output of opsets 1–12 (shared corpus + Debian libonnx-testdata when installed).
  const roots = [
    ...['onnx-node', 'onnx-pytorch-converted', 'onnx-pytorch-operator', 'onnx-simple'].map((d) => join(CORPUS, d)),
    ...['node', 'pytorch-converted', 'pytorch-operator', 'simple'].map((d) => join(LIBONNX, d)),
  ];
  const OLD_FORMS = new Set([
    'Squeeze',
    'Unsqueeze',
    'ReduceMean',
    'ReduceSum',
    'ReduceMax',
    'ReduceMin',
    'ReduceProd',
    'Split',
    'Pad',
    'Clip',
    'Slice',
    'Upsample',
    'Resize',
    'BatchNormalization',
    'Dropout',
    'Softmax',
    'LogSoftmax',
    'Gemm',
    'TopK',
    'MaxPool',
    'AveragePool',
    'Conv',
    'ConvTranspose',
  ]);
  const cases = roots.flatMap((r) =>
    loadCases(r).filter(
      (c) => c.opset >= MIN_OPSET && c.opset < 13 && c.ops.some((op) => OLD_FORMS.has(op)) && c.outputs.length > 0,
    ),
  );

  it('computes the expected outputs', async () => {
    let matched = 0;
    const failed: string[] = [];
    const refused: string[] = [];
    for (const c of cases) {
      const feeds: Record<string, TensorValue> = {};
      c.inputs.forEach((i, k) => (feeds[i.name || c.model.graph.inputs[k].name] = i.tensor));
      let g;
      try {
        g = loadOnnx(c.bytes, { inputShapes: Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, t.dims])) });
      } catch (e) {
        if (!(e instanceof ConversionError)) throw e;
        refused.push(`${c.name}: ${e.message.split('\n').slice(0, 2).join(' ')}`);
        continue;
      }
      let res: Record<string, TensorValue>;
      try {
        res = await runOrt(graphToModel(g, CONTRACT_OPSET), feeds);
      } catch (e) {
        failed.push(`${c.name}: onnxruntime rejects the normalised model: ${(e as Error).message.slice(0, 200)}`);
        continue;
      }
      c.outputs.forEach((o, k) => {
        const got = res[g.outputs[k].name];
        if (JSON.stringify(got.dims) !== JSON.stringify(o.tensor.dims))
          failed.push(`${c.name}: dims [${got.dims}] vs [${o.tensor.dims}]`);
        else if (maxRelError(got, o.tensor, 1e-4, 1e-5) > 1) failed.push(`${c.name}: values differ`);
        else matched++;
      });
    }
    console.log(
      `old-opset tests: ${cases.length} cases, ${matched} outputs match, ${failed.length} fail, ${refused.length} refused`,
    );
    if (refused.length) console.log(`refused:\n  ${refused.join('\n  ')}`);
    expect(failed).toEqual([]);
    expect(matched).toBeGreaterThan(cases.length > 40 ? 30 : 0);
  });
});

describe('graph import', () => {
  const simple = (over: Partial<ModelSpec> = {}): Uint8Array =>
    buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: [1, 3, 'h', 'w'] }],
      outputs: [{ name: 'y' }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      ...over,
    });

  it('reads inputs, outputs and counts of the corpus models', async () => {
    const { readFileSync } = await import('node:fs');
    const g = importOnnx(decodeModel(readFileSync(join(CORPUS, 'models', 'mobilenet_v2.onnx'))));
    expect(g.opset).toBe(13);
    expect(g.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: [1, 3, 224, 224], format: 'NONE' }]);
    expect(g.outputs).toEqual([{ name: 'output', dtype: 'float32', shape: [1, 1000], format: 'NONE' }]);
    // 170 nodes of which 70 Constant nodes (Clip bounds) become constants: 106 initializers + 70.
    expect(g.nodes.length).toBe(100);
    expect(g.constants.size).toBe(176);
    const clip = g.nodes.find((n) => n.opType === 'Clip')!;
    expect(values(g, clip.inputs[1])).toEqual([0]);
    expect(values(g, clip.inputs[2])).toEqual([6]);
  });

  it('symbolic input dims need input_shapes; overrides are validated', () => {
    expect(() => importOnnx(decodeModel(simple()))).toThrow(
      /graph input 'x' has symbolic or unknown dimensions \[1, 3, h, w\].*input_shapes/,
    );
    const g = importOnnx(decodeModel(simple()), { inputShapes: { x: [1, 3, 32, 48] } });
    expect(g.inputs[0].shape).toEqual([1, 3, 32, 48]);
    expect(g.values.get('y')).toEqual({ dtype: 'float32', shape: [1, 3, 32, 48] });
    expect(() => importOnnx(decodeModel(simple()), { inputShapes: { x: [1, 3, 32] } })).toThrow(
      /rank 3.*declares rank 4/,
    );
    expect(() => importOnnx(decodeModel(simple()), { inputShapes: { x: [1, 4, 32, 32] } })).toThrow(
      /dimension 1 as 4 but the model fixes it to 3/,
    );
    expect(() => importOnnx(decodeModel(simple()), { inputShapes: { x: [1, 3, 8, 8], z: [1] } })).toThrow(
      /'z', which is not an input.*'x'/,
    );
    const noShape = simple({ inputs: [{ name: 'x', dtype: 'float32', shape: null }] });
    expect(() => importOnnx(decodeModel(noShape))).toThrow(/no declared shape/);
    expect(importOnnx(decodeModel(noShape), { inputShapes: { x: [2, 2] } }).outputs[0].shape).toEqual([2, 2]);
  });

  it('initializers listed as inputs (IR < 4) are constants, not inputs', () => {
    const bytes = buildModel({
      opset: 8,
      irVersion: 3,
      initializersAsInputs: true,
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y' }],
      initializers: { b: T.f32([3], [1, 2, 3]) },
      nodes: [{ op: 'Add', inputs: ['x', 'b'], outputs: ['y'] }],
    });
    const m = decodeModel(bytes);
    expect(m.graph.inputs.map((i) => i.name)).toEqual(['x', 'b']);
    const g = importOnnx(m);
    expect(g.inputs.map((i) => i.name)).toEqual(['x']);
    expect(values(g, 'b')).toEqual([1, 2, 3]);
  });

  it('Constant nodes of every form become constants; sparse ones are refused', () => {
    const forms: [Record<string, Attr>, string, number[], number[]][] = [
      [{ value: A.tensor(T.f32([2], [1.5, 2])) }, 'float32', [2], [1.5, 2]],
      [{ value_float: A.float(0.25) }, 'float32', [], [0.25]],
      [{ value_floats: A.floats([1, 2, 3]) }, 'float32', [3], [1, 2, 3]],
      [{ value_int: A.int(-7) }, 'int64', [], [-7]],
      [{ value_ints: A.ints([4, 5]) }, 'int64', [2], [4, 5]],
    ];
    for (const [attrs, dtype, dims, vals] of forms) {
      const g = importOnnx(
        decodeModel(
          buildModel({
            opset: 13,
            inputs: [{ name: 'x', shape: [1] }],
            outputs: [{ name: 'y' }],
            nodes: [
              { op: 'Constant', inputs: [], outputs: ['c'], attrs },
              { op: 'Identity', inputs: ['x'], outputs: ['y'] },
            ],
          }),
        ),
      );
      const c = g.constants.get('c')!;
      expect([c.dtype, c.dims, Array.from(readNumbers(c))]).toEqual([dtype, dims, vals]);
      expect(g.nodes.map((n) => n.opType)).toEqual(['Identity']);
    }
    const sparse = new Uint8Array(
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape: [1] }],
        outputs: [{ name: 'c' }],
        nodes: [
          {
            op: 'Constant',
            name: 'sp',
            inputs: [],
            outputs: ['c'],
            attrs: { sparse_value: A.tensor(T.f32([1], [1])) },
          },
        ],
      }),
    );
    expect(() => importOnnx(decodeModel(sparse))).toThrow(/sp \(Constant\): sparse Constant tensors are not supported/);
  });

  it('a graph output that is a constant is produced by an Identity node', () => {
    const g = importOnnx(
      decodeModel(
        buildModel({
          opset: 13,
          inputs: [{ name: 'x', shape: [2] }],
          outputs: [{ name: 'y' }, { name: 'c' }, { name: 'w' }],
          initializers: { w: T.f32([2], [3, 4]) },
          nodes: [
            { op: 'Constant', inputs: [], outputs: ['c'], attrs: { value_ints: A.ints([1, 2]) } },
            { op: 'Add', inputs: ['x', 'w'], outputs: ['y'] },
          ],
        }),
      ),
    );
    expect(g.nodes.map((n) => `${n.opType}(${n.inputs}) → ${n.outputs}`)).toEqual([
      'Add(x,w_value) → y',
      'Identity(c_value) → c',
      'Identity(w_value) → w',
    ]);
    expect(values(g, 'w_value')).toEqual([3, 4]);
    expect(g.outputs.map((o) => [o.name, o.dtype, o.shape])).toEqual([
      ['y', 'float32', [2]],
      ['c', 'int64', [2]],
      ['w', 'float32', [2]],
    ]);
  });

  it('keeps int and float attributes as typed, also for untyped (old IR) attributes', () => {
    const g = importOnnx(
      decodeModel(
        buildModel({
          opset: 13,
          inputs: [{ name: 'x', shape: [4] }],
          outputs: [{ name: 'y' }],
          nodes: [
            { op: 'LeakyRelu', inputs: ['x'], outputs: ['a'], attrs: { alpha: A.float(2) } },
            { op: 'Flatten', inputs: ['a'], outputs: ['b'], attrs: { axis: { untyped: { i: 0 } } } },
            { op: 'Elu', inputs: ['b'], outputs: ['y'], attrs: { alpha: { untyped: { f: 0.5 } } } },
          ],
        }),
      ),
    );
    expect(g.nodes[0].attrs.alpha).toEqual({ kind: 'float', value: 2 });
    expect(g.nodes[1].attrs.axis).toEqual({ kind: 'int', value: 0 });
    expect(g.nodes[2].attrs.alpha).toEqual({ kind: 'float', value: 0.5 });
  });

  it('names every node uniquely and sorts unsorted graphs', () => {
    const g = importOnnx(
      decodeModel(
        buildModel({
          opset: 13,
          inputs: [{ name: 'x', shape: [2] }],
          outputs: [{ name: 'y' }],
          nodes: [
            { op: 'Neg', inputs: ['b'], outputs: ['y'], name: 'dup' },
            { op: 'Relu', inputs: ['a'], outputs: ['b'] },
            { op: 'Abs', inputs: ['x'], outputs: ['a'], name: 'dup' },
          ],
        }),
      ),
    );
    expect(g.nodes.map((n) => `${n.name}:${n.opType}`)).toEqual(['Abs_2:Abs', 'Relu_1:Relu', 'dup:Neg']);
  });

  it('keeps nodes of other domains with their domain; refuses opsets outside 1–27 and broken graphs', () => {
    const g = importOnnx(
      decodeModel(
        buildModel({
          opset: 13,
          extraOpsets: [{ domain: 'com.microsoft', version: 1 }],
          inputs: [{ name: 'x', shape: [2] }],
          outputs: [{ name: 'y' }],
          nodes: [{ op: 'FusedGelu', domain: 'com.microsoft', inputs: ['x'], outputs: ['y'] }],
        }),
      ),
    );
    expect(g.nodes[0]).toMatchObject({ opType: 'FusedGelu', domain: 'com.microsoft', name: 'FusedGelu_0' });
    expect(g.values.get('y')).toEqual({ dtype: 'float32', shape: null });
    expect(() => importOnnx(decodeModel(simple({ opset: 28, inputs: [{ name: 'x', shape: [1] }] })))).toThrow(
      /opset 28; the converter supports opsets 1–27\. Re-export it with opset_version=27 or lower/,
    );
    for (const opset of [1, 6, 24, 27])
      expect(importOnnx(decodeModel(simple({ opset, inputs: [{ name: 'x', shape: [1] }] }))).nodes[0].opType).toBe(
        'Relu',
      );
    expect(() =>
      importOnnx(
        decodeModel(
          simple({ inputs: [{ name: 'x', shape: [1] }], nodes: [{ op: 'Relu', inputs: ['q'], outputs: ['y'] }] }),
        ),
      ),
    ).toThrow(/input 'q' of node 'Relu_0' \(Relu\) is not produced/);
    expect(() =>
      importOnnx(
        decodeModel(
          simple({
            inputs: [{ name: 'x', shape: [1] }],
            nodes: [
              { op: 'Relu', inputs: ['b'], outputs: ['a'] },
              { op: 'Relu', inputs: ['a'], outputs: ['b'] },
              { op: 'Relu', inputs: ['x'], outputs: ['y'] },
            ],
          }),
        ),
      ),
    ).toThrow(/cycle/);
  });
});
