// Opsets 24–27 (type-list widenings and new ops only, for the engine's ops; changed ops refused by name) and
// omitted optional outputs ('' before a named output gets a fresh name, trailing ones are dropped), from
// import through the writer to the native runtime.
import * as flatbuffers from 'flatbuffers';
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { convert } from '../src/convert.js';
import { ConversionError } from '../src/errors.js';
import { DataType, NetDef } from '../src/generated/mace.js';
import type { TensorValue } from '../src/ir/tensor.js';
import { importOnnx } from '../src/onnx/import.js';
import { loadOnnx } from '../src/onnx/load.js';
import { CHANGED_AFTER_CONTRACT, CONTRACT_OPSET, MAX_OPSET } from '../src/onnx/opset-range.js';
import { decodeModel } from '../src/onnx/proto.js';
import { planMemory } from '../src/plan/memory.js';
import { writeEngineModel } from '../src/writer/index.js';
import { A, T, type ModelSpec, buildModel, graphToModel, maxRelError, runOrt } from './helpers/onnx-builder.js';
import { CORPUS, loadCases } from './helpers/conformance.js';
import { GraphBuilder } from './helpers/graph-builder.js';
import { prepareMaceRun, runNative } from './helpers/native-runner.js';

beforeAll(prepareMaceRun, 900_000);

const readNet = (mace: Uint8Array): NetDef =>
  NetDef.getRootAsNetDef(new flatbuffers.ByteBuffer(mace.subarray(0, mace.length - 8)));

describe('opsets 24–27', () => {
  /** Ops added after opset 23: onnxruntime at opset 23 cannot run them (and the engine does not have them). */
  const NEW_OPS = new Set(['Swish', 'TensorScatter', 'BitCast', 'CumProd', 'CausalConvWithState', 'LinearAttention']);
  const cases = loadCases(join(CORPUS, 'onnx-node')).filter(
    (c) =>
      c.opset > CONTRACT_OPSET &&
      c.opset <= MAX_OPSET &&
      c.inputs.length > 0 &&
      c.outputs.length > 0 &&
      !c.ops.some((op) => NEW_OPS.has(op)) &&
      c.model.graph.nodes.every((n) => n.domain === '' || n.domain === 'ai.onnx'),
  );

  it('conformance tests of opsets 24–27 import as opset-23 graphs that compute the expected outputs', async () => {
    let matched = 0;
    const failed: string[] = [];
    const refused: string[] = [];
    const unrunnable: string[] = [];
    for (const c of cases) {
      const feeds: Record<string, TensorValue> = {};
      c.inputs.forEach((i, k) => (feeds[i.name || c.model.graph.inputs[k].name] = i.tensor));
      let g;
      try {
        g = loadOnnx(c.bytes, { inputShapes: Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, t.dims])) });
      } catch (e) {
        if (!(e instanceof ConversionError)) throw e;
        refused.push(`${c.name}: ${e.nodes.map((n) => n.reason).join('; ') || e.message}`);
        continue;
      }
      let res: Record<string, TensorValue>;
      try {
        res = await runOrt(graphToModel(g, CONTRACT_OPSET), feeds);
      } catch (e) {
        // Only a failure if onnxruntime runs the original model (it cannot run some of these expanded graphs).
        if (
          await runOrt(c.bytes, feeds).then(
            () => true,
            () => false,
          )
        )
          failed.push(`${c.name}: onnxruntime rejects the import: ${(e as Error).message}`);
        else unrunnable.push(c.name);
        continue;
      }
      c.outputs.forEach((o, k) => {
        const got = res[g.outputs[k].name];
        // float16 (compared as bit patterns): onnxruntime's half kernels may round the last bit differently.
        const [rtol, atol] = o.tensor.dtype === 'float16' ? [0, 2.5] : [1e-4, 1e-5];
        if (JSON.stringify(got.dims) !== JSON.stringify(o.tensor.dims))
          failed.push(`${c.name}: dims [${got.dims}] vs [${o.tensor.dims}]`);
        else if (maxRelError(got, o.tensor, rtol, atol) > 1) failed.push(`${c.name}: values differ`);
        else matched++;
      });
    }
    console.log(
      `opsets 24–27: ${cases.length} tests, ${matched} outputs match, refused: ${refused.length}, not run by onnxruntime: ${unrunnable.join(', ') || 'none'}`,
    );
    expect(failed).toEqual([]);
    // The only refusals: Attention, whose opset-24 version changed (named in the message).
    for (const r of refused)
      expect(r).toMatch(
        /Attention-24 added the nonpad_kv_seqlen input.*re-export the model with opset_version=23 or lower/,
      );
    expect(matched).toBeGreaterThanOrEqual(cases.length > 0 ? 60 : 0);
  });

  it('the engine ops of those tests (Pad, Flatten, Reshape, Squeeze, Transpose, …) convert at their new opsets', () => {
    const c = loadCases(join(CORPUS, 'onnx-node'), (n) => n === 'test_edge_pad')[0];
    if (!c) return;
    expect(c.opset).toBe(25);
    const r = convert(c.bytes, {
      platform: 'onnx',
      inputs: [{ name: c.model.graph.inputs[0].name, shape: c.inputs[0].tensor.dims, format: 'NONE' }],
    });
    expect(r.graph.nodes.map((n) => n.opType)).toEqual(['Pad']);
    expect(readNet(r.mace).ops(0)!.type()).toBe('Pad');
  });

  it('an op whose newer version changed is refused by name; opsets above the checked range are refused', () => {
    expect(Object.keys(CHANGED_AFTER_CONTRACT)).toEqual(['Attention']);
    const spec = (opset: number): ModelSpec => ({
      opset,
      inputs: ['q', 'k', 'v'].map((name) => ({ name, shape: [1, 2, 3, 4] })),
      outputs: [{ name: 'y' }],
      nodes: [{ op: 'Attention', name: 'attn', inputs: ['q', 'k', 'v'], outputs: ['y'] }],
    });
    expect(importOnnx(decodeModel(buildModel(spec(23)))).nodes[0].opType).toBe('Attention');
    let err: unknown;
    try {
      importOnnx(decodeModel(buildModel(spec(25))));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConversionError);
    expect((err as ConversionError).nodes).toEqual([
      {
        name: 'attn',
        opType: 'Attention',
        opset: 25,
        reason:
          'Attention-24 added the nonpad_kv_seqlen input (in-place KV-cache updates), which the converter does not implement; re-export the model with opset_version=23 or lower',
      },
    ]);
    expect(() =>
      importOnnx(decodeModel(buildModel({ ...spec(28), nodes: [{ op: 'Relu', inputs: ['q'], outputs: ['y'] }] }))),
    ).toThrow(
      /opset 28; the converter supports opsets 1–27\. Re-export it with opset_version=27 or lower \(opset 28 was not final/,
    );
  });
});

describe('omitted optional outputs', () => {
  const hidden = 3;
  const x = T.rand([4, 1, 2], 1);
  const w = T.rand([1, 4 * hidden, 2], 2);
  const r = T.rand([1, 4 * hidden, hidden], 3);
  const lstm = (outputs: string[], extraInit: Record<string, TensorValue> = {}): Uint8Array =>
    buildModel({
      opset: 14,
      inputs: [{ name: 'x', shape: [4, 1, 2] }],
      outputs: outputs.filter(Boolean).map((name) => ({ name })),
      initializers: { w, r, ...extraInit },
      nodes: [{ op: 'LSTM', name: 'lstm', inputs: ['x', 'w', 'r'], outputs, attrs: { hidden_size: A.int(hidden) } }],
    });

  it("a '' before a named output gets a fresh name at import; trailing ones are dropped", async () => {
    // A constant already named like the synthetic name: the fresh one must differ.
    const taken = T.f32([1], [0]);
    const bytes = lstm(['', 'yh'], { lstm_unused_output_0: taken });
    const g = importOnnx(decodeModel(bytes));
    expect(g.nodes[0].outputs).toEqual(['lstm_unused_output_0_1', 'yh']);
    expect(g.values.get('lstm_unused_output_0_1')).toEqual({ dtype: 'float32', shape: [4, 1, 1, hidden] });
    const [ref, got] = await Promise.all([runOrt(bytes, { x }), runOrt(graphToModel(g), { x })]);
    expect(maxRelError(got.yh, ref.yh)).toBeLessThanOrEqual(1);
    expect(importOnnx(decodeModel(lstm(['y', '', '']))).nodes[0].outputs).toEqual(['y']);
    expect(importOnnx(decodeModel(lstm(['', '', 'yc']))).nodes[0].outputs).toEqual([
      'lstm_unused_output_0',
      'lstm_unused_output_1',
      'yc',
    ]);
  });

  it('converts and runs natively: the runtime computes the named output after the omitted one', async () => {
    const bytes = lstm(['', 'yh']);
    const res = convert(bytes, { platform: 'onnx' });
    const op = readNet(res.mace).ops(0)!;
    expect(op.type()).toBe('LSTM');
    expect([op.outputs(0), op.outputs(1)]).toEqual(['lstm_unused_output_0', 'yh']);
    expect(op.outputsLength()).toBe(2);
    const ref = await runOrt(bytes, { x });
    const native = runNative(res.graph, new Map([['x', x.data as Float32Array]]));
    if (!native.ok) throw new Error(native.error);
    const yh = native.outputs.get('yh')!;
    expect(yh.dims).toEqual([1, 1, hidden]);
    expect(
      maxRelError({ dtype: 'float32', dims: yh.dims, data: yh.data as Float32Array }, ref.yh, 1e-4, 1e-5),
    ).toBeLessThanOrEqual(1);
  });

  it("the writer names '' outputs of graphs built after import (dtype of the op's input) and drops trailing ones", () => {
    const b = new GraphBuilder('omitted', 14);
    const xi = b.input('x', [4, 1, 2]);
    b.constant('w', w);
    b.constant('r', r);
    const [, yh] = b.nodeN(
      'LSTM',
      [xi, 'w', 'r'],
      { hidden_size: hidden },
      [
        { shape: null, name: '' },
        { shape: [1, 1, hidden], name: 'yh' },
        { shape: null, name: '' },
      ],
      'cell',
    );
    b.output(yh);
    const g = b.build();
    g.values.delete('');
    const net = readNet(writeEngineModel(g, planMemory(g)).mace);
    const op = net.ops(0)!;
    expect(op.outputsLength()).toBe(2);
    expect([op.outputs(0), op.outputs(1)]).toEqual(['cell_unused_output_0', 'yh']);
    expect([op.outputTypes(0), op.outputTypes(1)]).toEqual([DataType.DT_FLOAT, DataType.DT_FLOAT]);
    expect(op.memIds(0)).toBe(-1);
    // A node with no named output at all is still refused.
    g.nodes[0].outputs = ['', ''];
    g.outputs = [];
    b.output(xi);
    expect(() => writeEngineModel(g, planMemory(g))).toThrow(/'cell' LSTM: has no named output/);
  });
});
