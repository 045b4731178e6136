// .npy and TensorProto file helpers: the corpus inputs feed onnxruntime to the recorded outputs, every dtype
// round-trips, Fortran order / big-endian / version-2 headers read right, malformed files raise ConversionError.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConversionError } from '../src/errors.js';
import type { TensorValue } from '../src/ir/tensor.js';
import { readNpy, writeNpy } from '../src/io/npy.js';
import { readTensorProto, writeTensorProto } from '../src/io/tensorproto.js';
import { maxRelError, runOrt } from './helpers/onnx-builder.js';
import { CORPUS } from './helpers/conformance.js';

function npyBytes(header: string, body: Uint8Array, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  let h = header;
  h += ' '.repeat((64 - ((pre + h.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(pre + h.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, h.length, true);
  else dv.setUint32(8, h.length, true);
  for (let i = 0; i < h.length; i++) out[pre + i] = h.charCodeAt(i);
  out.set(body, pre + h.length);
  return out;
}

const samples: TensorValue[] = [
  { dtype: 'float32', dims: [2, 3], data: Float32Array.from([1, -2.5, 3, 0, 1e-30, -7]) },
  { dtype: 'float64', dims: [2], data: Float64Array.from([Math.E, -0]) },
  { dtype: 'float16', dims: [1], data: Uint16Array.from([0x3555]) },
  { dtype: 'int64', dims: [3], data: BigInt64Array.from([-5n, 0n, 9007199254740993n]) },
  { dtype: 'int32', dims: [2, 1], data: Int32Array.from([-1, 2147483647]) },
  { dtype: 'int8', dims: [2], data: Int8Array.from([-128, 5]) },
  { dtype: 'uint8', dims: [3], data: Uint8Array.from([0, 128, 255]) },
  { dtype: 'int16', dims: [1], data: Int16Array.from([-300]) },
  { dtype: 'uint16', dims: [1], data: Uint16Array.from([65000]) },
  { dtype: 'uint32', dims: [1], data: Uint32Array.from([4000000000]) },
  { dtype: 'uint64', dims: [1], data: BigUint64Array.from([18446744073709551615n]) },
  { dtype: 'bool', dims: [4], data: Uint8Array.from([1, 0, 0, 1]) },
  { dtype: 'float32', dims: [], data: Float32Array.from([3.5]) },
  { dtype: 'float32', dims: [0, 4], data: new Float32Array(0) },
];

describe('.npy files', () => {
  it('the corpus inputs, run through onnxruntime, give the recorded .npy outputs', async () => {
    for (const name of ['gru_lstm', 'tiny_transformer', 'squeezenet1_1']) {
      const input = readNpy(readFileSync(join(CORPUS, 'models', `${name}.input.npy`)));
      const output = readNpy(readFileSync(join(CORPUS, 'models', `${name}.output.npy`)));
      expect(input.dtype).toBe('float32');
      const res = await runOrt(readFileSync(join(CORPUS, 'models', `${name}.onnx`)), { input });
      expect(res.output.dims).toEqual(output.dims);
      expect(maxRelError(res.output, output, 1e-4, 1e-5), name).toBeLessThanOrEqual(1);
    }
    expect(readNpy(readFileSync(join(CORPUS, 'models', 'mobilenet_v2.input.npy'))).dims).toEqual([1, 3, 224, 224]);
  });

  for (const t of samples)
    it(`round-trips ${t.dtype}[${t.dims}]`, () => {
      const bytes = writeNpy(t);
      const headerLen = new DataView(bytes.buffer).getUint16(8, true);
      expect((10 + headerLen) % 64).toBe(0);
      const back = readNpy(bytes);
      expect(back.dtype).toBe(t.dtype);
      expect(back.dims).toEqual(t.dims);
      expect(Array.from(back.data as ArrayLike<unknown>)).toEqual(Array.from(t.data as ArrayLike<unknown>));
    });

  it('writes the header numpy writes', () => {
    const b = writeNpy({ dtype: 'float32', dims: [3], data: new Float32Array(3) });
    const header = new TextDecoder().decode(b.subarray(10, 10 + new DataView(b.buffer).getUint16(8, true)));
    expect(header.trimEnd()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }");
  });

  it('reads Fortran order, big-endian data and version-2 headers', () => {
    // A 2×3 array [[1,2,3],[4,5,6]] stored column-major: 1,4,2,5,3,6.
    const f = new Float32Array([1, 4, 2, 5, 3, 6]);
    const fortran = readNpy(
      npyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", new Uint8Array(f.buffer)),
    );
    expect(fortran.dims).toEqual([2, 3]);
    expect(Array.from(fortran.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    const be = new Uint8Array(8);
    new DataView(be.buffer).setInt32(0, -2, false);
    new DataView(be.buffer).setInt32(4, 70000, false);
    expect(
      Array.from(readNpy(npyBytes("{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", be)).data as Int32Array),
    ).toEqual([-2, 70000]);
    const v2 = readNpy(
      npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1), }", Uint8Array.from([7, 9]), 2),
    );
    expect([v2.dims, Array.from(v2.data as Uint8Array)]).toEqual([
      [2, 1],
      [7, 9],
    ]);
  });

  it('malformed files raise ConversionError', () => {
    const good = writeNpy(samples[0]);
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      new TextEncoder().encode('not numpy at all'),
      good.subarray(0, 20),
      good.subarray(0, good.length - 4),
      npyBytes("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)),
      npyBytes("{'descr': '<f4', 'shape': (1,), }", new Uint8Array(4)),
      npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", new Uint8Array(4)),
      Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 9, 0, 0, 0]),
    ];
    for (const b of bad) expect(() => readNpy(b)).toThrow(ConversionError);
    expect(() => writeNpy({ dtype: 'string', dims: [1], data: ['x'] })).toThrow(ConversionError);
  });
});

describe('TensorProto files', () => {
  for (const t of samples)
    it(`round-trips ${t.dtype}[${t.dims}]`, () => {
      const back = readTensorProto(writeTensorProto(t, 'name'));
      expect(back.name).toBe('name');
      expect(back.tensor.dtype).toBe(t.dtype);
      expect(back.tensor.dims).toEqual(t.dims);
      expect(Array.from(back.tensor.data as ArrayLike<unknown>)).toEqual(Array.from(t.data as ArrayLike<unknown>));
    });

  it('re-writes a conformance tensor byte for byte', () => {
    const bytes = readFileSync(join(CORPUS, 'onnx-node', 'test_add', 'test_data_set_0', 'input_0.pb'));
    const { name, tensor } = readTensorProto(bytes);
    expect(Buffer.from(writeTensorProto(tensor, name)).equals(bytes)).toBe(true);
  });
});
