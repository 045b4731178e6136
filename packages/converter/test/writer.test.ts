// Writer: the .mace FlatBuffer read back with the generated reader (every field), .data layout
// (alignment, padding, little-endian values), CRC-32C trailer and data checksum, and refusals.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as flatbuffers from 'flatbuffers';
import { beforeAll, describe, expect, test } from 'vitest';
import { ConversionError } from '../src/errors.js';
import { DataFormat, DataType, NetDef } from '../src/generated/mace.js';
import { makeTensor } from '../src/ir/tensor.js';
import { planMemory } from '../src/plan/memory.js';
import { crc32c, writeEngineModel } from '../src/writer/index.js';
import { GraphBuilder, randomF32 } from './helpers/graph-builder.js';
import { encodeNpy, ensureMaceRun, prepareMaceRun, runNative, writeModelFiles } from './helpers/native-runner.js';

beforeAll(prepareMaceRun, 900_000); // builds mace_run when missing (minutes on a cold build)

function sampleGraph() {
  const b = new GraphBuilder('sample', 13);
  const x = b.input('x', [1, 3, 4, 4], 'float32', 'NCHW');
  const w = b.weight('conv.w', [2, 3, 1, 1], 7);
  const bias = b.constant('conv.b', makeTensor('float32', [2], [0.5, -0.25]));
  const y = b.node(
    'Conv',
    [x, w, bias],
    { kernel_shape: [1, 1], pads: [0, 0, 0, 0], group: 1, auto_pad: 'NOTSET' },
    [1, 2, 4, 4],
  );
  const shape = b.ints('shape', [1, 32]);
  const r = b.node('Reshape', [y, shape], { allowzero: 0 }, [1, 32]);
  const s = b.node('Softmax', [r], { axis: -1, coerce_2d: 0, alpha_list: [0.5, 1.5], names: ['a', 'bc'] }, [1, 32]);
  b.constant('i32', makeTensor('int32', [3], [1, -2, 2147483647]));
  b.constant('flag', makeTensor('bool', [2], [1, 0]));
  b.constant('u8', makeTensor('uint8', [5], [1, 2, 3, 250, 255]));
  b.constant('i8', makeTensor('int8', [2], [-128, 127]));
  const big = b.constant('i64', {
    dtype: 'int64',
    dims: [2],
    data: BigInt64Array.from([-(2n ** 62n), 2n ** 40n + 3n]),
  });
  const c = b.node('Concat', [s, 'i32', 'flag', 'u8', 'i8', big], { axis: 0 }, null);
  b.node('Gather', [s, shape], { axis: 0 }, [2, 32], 'float32', 'gather');
  b.output(s, 'NONE');
  b.output(c, 'NONE');
  return b.build();
}

function read(mace: Uint8Array): NetDef {
  return NetDef.getRootAsNetDef(new flatbuffers.ByteBuffer(mace.subarray(0, mace.length - 8)));
}

describe('writeEngineModel', () => {
  const graph = sampleGraph();
  const plan = planMemory(graph);
  const { mace, data } = writeEngineModel(graph, plan);
  const net = read(mace);

  test('trailer: CRC-32C of the FlatBuffer, little-endian, then MCRC; file identifier MACE', () => {
    const fb = mace.subarray(0, mace.length - 8);
    expect(new TextDecoder().decode(mace.subarray(mace.length - 4))).toBe('MCRC');
    expect(new DataView(mace.buffer, mace.byteOffset).getUint32(mace.length - 8, true)).toBe(crc32c(fb));
    expect(new TextDecoder().decode(fb.subarray(4, 8))).toBe('MACE');
    expect(NetDef.bufferHasIdentifier(new flatbuffers.ByteBuffer(fb))).toBe(true);
  });

  test('header fields: version, name, data size and checksum', () => {
    expect(net.version()).toBe(2);
    expect(net.name()).toBe('sample');
    expect(net.dataSize()).toBe(BigInt(data.length));
    expect(net.dataCrc32c()).toBe(crc32c(data));
  });

  test('ops: names, types, inputs, outputs, shapes, types, mem ids, typed args', () => {
    expect(net.opsLength()).toBe(graph.nodes.length);
    const conv = net.ops(0)!;
    expect(conv.name()).toBe('conv_0');
    expect(conv.type()).toBe('Conv');
    expect(conv.deviceType()).toBe(0);
    expect([0, 1, 2].map((i) => conv.inputs(i))).toEqual(['x', 'conv.w', 'conv.b']);
    expect(conv.outputsLength()).toBe(1);
    expect(conv.outputs(0)).toBe('conv_0_out0');
    expect([0, 1, 2, 3].map((i) => conv.outputShapes(0)!.dims(i))).toEqual([1n, 2n, 4n, 4n]);
    expect(conv.outputTypes(0)).toBe(DataType.DT_FLOAT);
    expect(conv.memIds(0)).toBe(plan.memIds.get('conv_0_out0'));
    expect(conv.memIds(0)).toBeGreaterThanOrEqual(0);
    const args = new Map(Array.from({ length: conv.argsLength() }, (_, i) => [conv.args(i)!.name(), conv.args(i)!]));
    expect([...args.keys()]).toEqual(['kernel_shape', 'pads', 'group', 'auto_pad']);
    expect(args.get('group')!.hasI()).toBe(true);
    expect(args.get('group')!.i()).toBe(1n);
    expect(args.get('group')!.hasF()).toBe(false);
    expect(args.get('auto_pad')!.s()).toBe('NOTSET');
    expect(args.get('auto_pad')!.hasI()).toBe(false);
    expect(args.get('kernel_shape')!.intsLength()).toBe(2);
    expect([args.get('kernel_shape')!.ints(0), args.get('kernel_shape')!.ints(1)]).toEqual([1n, 1n]);

    const sm = net.ops(2)!;
    const smArgs = new Map(Array.from({ length: sm.argsLength() }, (_, i) => [sm.args(i)!.name(), sm.args(i)!]));
    expect(smArgs.get('axis')!.i()).toBe(-1n);
    expect(smArgs.get('coerce_2d')!.hasI()).toBe(true);
    expect(smArgs.get('coerce_2d')!.i()).toBe(0n);
    expect(Array.from(smArgs.get('alpha_list')!.floatsArray()!)).toEqual([0.5, 1.5]);
    expect([0, 1].map((i) => smArgs.get('names')!.strings(i))).toEqual(['a', 'bc']);
    // Graph outputs get their own buffer.
    expect(sm.memIds(0)).toBe(-1);
    // Unknown shape: no dims; unknown output of an unknown-shape tensor gets its own block.
    const concat = net.ops(3)!;
    expect(concat.outputShapes(0)!.dimsLength()).toBe(0);
    expect(concat.memIds(0)).toBe(-1);
    const gather = net.ops(4)!;
    expect(gather.name()).toBe('gather');
  });

  test('float args carry has_f', () => {
    const b = new GraphBuilder('f', 13);
    const x = b.input('x', [4]);
    b.output(b.node('LeakyRelu', [x], { alpha: 0.25, ratio: { float: 2 } }, [4]));
    const g = b.build();
    const n = read(writeEngineModel(g, planMemory(g)).mace).ops(0)!;
    const a = n.args(0)!;
    expect([a.name(), a.hasF(), a.f(), a.hasI()]).toEqual(['alpha', true, 0.25, false]);
    expect([n.args(1)!.name(), n.args(1)!.hasF(), n.args(1)!.f()]).toEqual(['ratio', true, 2]);
  });

  test('tensors: every used constant at a 64-byte-aligned offset, little-endian, zero padding', () => {
    const names = Array.from({ length: net.tensorsLength() }, (_, i) => net.tensors(i)!.name());
    expect(names).toEqual(['conv.w', 'conv.b', 'shape', 'i32', 'flag', 'u8', 'i8', 'i64']);
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let prevEnd = 0;
    for (let i = 0; i < net.tensorsLength(); i++) {
      const t = net.tensors(i)!;
      const off = Number(t.offset());
      const size = Number(t.size());
      expect(off % 64).toBe(0);
      expect(off).toBeGreaterThanOrEqual(prevEnd);
      expect(data.subarray(prevEnd, off).every((v) => v === 0)).toBe(true);
      prevEnd = off + size;
      const c = graph.constants.get(t.name()!)!;
      expect(Array.from({ length: t.dimsLength() }, (_, k) => Number(t.dims(k)))).toEqual(c.dims);
      switch (t.name()) {
        case 'conv.w':
          expect(t.dataType()).toBe(DataType.DT_FLOAT);
          expect(size).toBe(6 * 4);
          for (let k = 0; k < 6; k++) expect(dv.getFloat32(off + 4 * k, true)).toBe((c.data as Float32Array)[k]);
          break;
        case 'shape':
          expect(t.dataType()).toBe(DataType.DT_INT64);
          expect(size).toBe(16);
          expect([dv.getBigInt64(off, true), dv.getBigInt64(off + 8, true)]).toEqual([1n, 32n]);
          break;
        case 'i32':
          expect(t.dataType()).toBe(DataType.DT_INT32);
          expect([0, 1, 2].map((k) => dv.getInt32(off + 4 * k, true))).toEqual([1, -2, 2147483647]);
          break;
        case 'flag':
          expect(t.dataType()).toBe(DataType.DT_BOOL);
          expect(size).toBe(2);
          expect([data[off], data[off + 1]]).toEqual([1, 0]);
          break;
        case 'u8':
          expect(t.dataType()).toBe(DataType.DT_UINT8);
          expect(Array.from(data.subarray(off, off + 5))).toEqual([1, 2, 3, 250, 255]);
          break;
        case 'i8':
          expect(t.dataType()).toBe(DataType.DT_INT8);
          expect([dv.getInt8(off), dv.getInt8(off + 1)]).toEqual([-128, 127]);
          break;
        case 'i64':
          expect([dv.getBigInt64(off, true), dv.getBigInt64(off + 8, true)]).toEqual([-(2n ** 62n), 2n ** 40n + 3n]);
          break;
      }
    }
    expect(data.length).toBe(prevEnd);
  });

  test('input/output info: dims, dtype, data format; memory blocks', () => {
    expect(net.inputInfoLength()).toBe(1);
    const i = net.inputInfo(0)!;
    expect([i.name(), i.dataType(), i.dataFormat()]).toEqual(['x', DataType.DT_FLOAT, DataFormat.NCHW]);
    expect(Array.from({ length: i.dimsLength() }, (_, k) => i.dims(k))).toEqual([1n, 3n, 4n, 4n]);
    expect(net.outputInfoLength()).toBe(2);
    expect(net.outputInfo(0)!.name()).toBe('softmax_2_out0');
    expect(net.outputInfo(0)!.dataFormat()).toBe(DataFormat.NONE);
    expect(net.memBlocksLength()).toBe(plan.blocks.length);
    for (let k = 0; k < plan.blocks.length; k++) {
      expect(net.memBlocks(k)!.memId()).toBe(plan.blocks[k].id);
      expect(net.memBlocks(k)!.size()).toBe(BigInt(plan.blocks[k].size));
    }
  });

  test('a corrupted .data is detectable by its checksum', () => {
    const bad = data.slice();
    bad[Number(net.tensors(0)!.offset()) + 1] ^= 0x10;
    expect(crc32c(bad)).not.toBe(net.dataCrc32c());
    expect(crc32c(data)).toBe(net.dataCrc32c());
  });

  test('deterministic output', () => {
    const again = writeEngineModel(sampleGraph(), planMemory(sampleGraph()));
    expect(Buffer.from(again.mace).equals(Buffer.from(mace))).toBe(true);
    expect(Buffer.from(again.data).equals(Buffer.from(data))).toBe(true);
  });
});

test('an omitted optional input is written as an empty string the runtime accepts', () => {
  const b = new GraphBuilder('omitted', 13);
  const x = b.input('x', [2]);
  b.output(b.node('Clip', [x, '', b.scalar('hi', 0.5)], {}, [2], 'float32', 'clip'));
  const g = b.build();
  const { mace } = writeEngineModel(g, planMemory(g));
  const op = read(mace).ops(0)!;
  expect([op.inputs(0), op.inputs(1), op.inputs(2)]).toEqual(['x', '', 'hi']);
  const r = runNative(g, new Map([['x', Float32Array.from([0.25, 2])]]));
  if (r.ok) expect(Array.from(r.outputs.get(g.outputs[0].name)!.data as Float32Array)).toEqual([0.25, 0.5]);
  else expect(r.missingKernels).toEqual(['Clip']); // loads fine; only the kernel may be missing yet
});

describe('crc32c', () => {
  test('known vectors', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });
  test('chunked and unaligned input give the same result', () => {
    const buf = new Uint8Array(1000).map((_, i) => (i * 31 + 7) & 0xff);
    const whole = crc32c(buf);
    for (const cut of [1, 3, 8, 333, 999]) expect(crc32c(buf.subarray(cut), crc32c(buf.subarray(0, cut)))).toBe(whole);
    const shifted = new Uint8Array(1003);
    shifted.set(buf, 3);
    expect(crc32c(shifted.subarray(3))).toBe(whole);
  });
});

describe('refusals', () => {
  test('a tensor-valued attribute is refused with the node named', () => {
    const b = new GraphBuilder('t', 13);
    const x = b.input('x', [2]);
    b.output(b.node('Relu', [x], { odd: { kind: 'tensor', value: randomF32([1], 1) } }, [2], 'float32', 'weird'));
    const g = b.build();
    expect(() => writeEngineModel(g, planMemory(g))).toThrow(ConversionError);
    try {
      writeEngineModel(g, planMemory(g));
    } catch (e) {
      expect((e as ConversionError).message).toMatch(/node 'weird' \(Relu\): attribute 'odd' holds a tensor/);
      expect((e as ConversionError).nodes[0]).toMatchObject({ name: 'weird', opType: 'Relu' });
    }
  });
  test('an input nothing defines, and unstorable constants, are refused', () => {
    const b = new GraphBuilder('t', 13);
    const x = b.input('x', [2]);
    b.output(b.node('Add', [x, 'ghost'], {}, [2], 'float32', 'add'));
    const g = b.build();
    expect(() => writeEngineModel(g, planMemory(g))).toThrow(/'add' Add: reads 'ghost', which no earlier node/);
    const c = new GraphBuilder('t', 13);
    const y = c.input('x', [2]);
    c.constant('d', makeTensor('float64', [2], [1, 2]));
    c.output(c.node('Add', [y, 'd'], {}, [2]));
    const g2 = c.build();
    expect(() => writeEngineModel(g2, planMemory(g2))).toThrow(/data type float64.*export the model in float32/);
  });
  test('constant data that does not match its dims is refused', () => {
    const b = new GraphBuilder('t', 13);
    const x = b.input('x', [2]);
    b.constant('w', { dtype: 'float32', dims: [3], data: new Float32Array(2) });
    b.output(b.node('Add', [x, 'w'], {}, [2]));
    const g = b.build();
    expect(() => writeEngineModel(g, planMemory(g))).toThrow(/constant 'w' holds 2 values but its shape \[3\] needs 3/);
  });
});

describe('native runtime reads what the writer wrote', () => {
  const identity = () => {
    const b = new GraphBuilder('id', 13);
    const x = b.input('x:0', [2, 3]);
    return b.output(b.node('Identity', [x], {}, [2, 3], 'float32', 'id'), 'NONE').build();
  };

  test('Identity model runs and returns its input', () => {
    const g = identity();
    const input = Float32Array.from([1, -2, 3.5, 4, 5, 6e-3]);
    const r = runNative(g, new Map([['x:0', input]]));
    if (!r.ok) throw new Error(r.error);
    const out = r.outputs.get(g.outputs[0].name)!;
    expect(out.dims).toEqual([2, 3]);
    expect(Array.from(out.data as Float32Array)).toEqual(Array.from(input));
  });

  test('mace_run rejects a corrupted .data and a corrupted .mace', () => {
    const b = new GraphBuilder('c', 13);
    const x = b.input('x', [2]);
    b.weight('w', [2], 3);
    b.output(b.node('Identity', [x], {}, [2], 'float32', 'id'));
    b.graph.outputs.push({ name: 'w', dtype: 'float32', shape: [2], format: 'NONE' });
    const g = b.build();
    const dir = mkdtempSync(join(tmpdir(), 'mace-corrupt-'));
    try {
      const files = writeModelFiles(g, dir);
      const input = join(dir, 'x.npy');
      writeFileSync(input, encodeNpy({ dtype: 'float32', dims: [2], data: new Float32Array([1, 2]) }));
      const bin = ensureMaceRun();
      const run = () =>
        spawnSync(
          bin,
          [
            '--model_file',
            files.mace,
            '--model_data_file',
            files.data,
            '--input_file',
            input,
            '--omp_num_threads',
            '1',
          ],
          { encoding: 'utf8' },
        );
      expect(run().status).toBe(0);
      const d = new Uint8Array(readFileSync(files.data));
      d[1] ^= 0xff;
      writeFileSync(files.data, d);
      const bad = run();
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toMatch(/data checksum mismatch/);
      d[1] ^= 0xff;
      writeFileSync(files.data, d);
      const m = new Uint8Array(readFileSync(files.mace));
      m[20] ^= 0x01;
      writeFileSync(files.mace, m);
      expect(run().stderr).toMatch(/graph checksum mismatch/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
