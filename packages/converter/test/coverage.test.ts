// Op coverage: supported models pass, unsupported ops / attributes / data types are listed with
// their reasons (all of them at once), GPU has no kernels yet, and the table formats readably.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { convert } from '../src/convert.js';
import { assertSupported, checkCoverage, ENGINE_OPS, formatCoverage, GPU_REASON } from '../src/coverage/index.js';
import { ConversionError } from '../src/errors.js';
import { makeTensor } from '../src/ir/tensor.js';
import { loadOnnx } from '../src/onnx/index.js';
import { GraphBuilder } from './helpers/graph-builder.js';

const NODE = '/work/shared/corpus/onnx-node';
const load = (test: string) => loadOnnx(readFileSync(`${NODE}/${test}/model.onnx`));

function caught(f: () => unknown): ConversionError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConversionError) return e;
    throw e;
  }
  throw new Error('expected a ConversionError');
}

describe('support table', () => {
  test('lists every engine op of the contract', () => {
    expect([...ENGINE_OPS].sort()).toEqual([
      'Abs',
      'Add',
      'ArgMax',
      'AveragePool',
      'BatchNormalization',
      'Cast',
      'Clip',
      'Concat',
      'Conv',
      'ConvTranspose',
      'DepthToSpace',
      'Div',
      'Elu',
      'Erf',
      'Exp',
      'Expand',
      'Flatten',
      'GRU',
      'Gather',
      'Gemm',
      'GlobalAveragePool',
      'GlobalMaxPool',
      'HardSigmoid',
      'HardSwish',
      'Identity',
      'InstanceNormalization',
      'LRN',
      'LSTM',
      'LayerNormalization',
      'LeakyRelu',
      'Log',
      'LogSoftmax',
      'MatMul',
      'Max',
      'MaxPool',
      'Min',
      'Mul',
      'Neg',
      'PRelu',
      'Pad',
      'Pow',
      'Reciprocal',
      'ReduceMax',
      'ReduceMean',
      'ReduceMin',
      'ReduceSum',
      'Relu',
      'Reshape',
      'Resize',
      'Selu',
      'Shape',
      'Sigmoid',
      'Slice',
      'Softmax',
      'Softplus',
      'SpaceToDepth',
      'Split',
      'Sqrt',
      'Squeeze',
      'Sub',
      'Tanh',
      'Tile',
      'Transpose',
      'Unsqueeze',
    ]);
  });
});

describe('checkCoverage', () => {
  test('corpus model: every node has a CPU and a GPU kernel', () => {
    const g = loadOnnx(readFileSync('/work/shared/corpus/models/squeezenet1_1.onnx'));
    const r = checkCoverage(g);
    expect(r.cpuSupported).toBe(true);
    expect(r.gpuSupported).toBe(true);
    expect(r.nodes).toHaveLength(g.nodes.length);
    expect(r.nodes.every((n) => n.cpu.supported && n.gpu.supported && n.gpu.cases)).toBe(true);
    expect(assertSupported(g, 'cpu', r)).toBe(r); // returns the report when all is supported
  });

  test('an op outside the table (onnx-node test_acos) is refused with op type and opset', () => {
    const g = load('test_acos');
    const r = checkCoverage(g);
    const acos = r.nodes.find((n) => n.opType === 'Acos')!;
    expect(acos.cpu).toEqual({ supported: false, reason: `op Acos (opset ${g.opset}) is not supported` });
    expect(acos.gpu.supported).toBe(false);
    const e = caught(() => assertSupported(g));
    expect(e.nodes).toEqual([
      { name: acos.name, opType: 'Acos', opset: g.opset, reason: `op Acos (opset ${g.opset}) is not supported` },
    ]);
    expect(e.message).toMatch(/cannot run 1 node\(s\) of this model on CPU \(op types: Acos\)/);
    // convert() refuses the whole model the same way.
    const c = caught(() => convert(readFileSync(`${NODE}/test_acos/model.onnx`), { platform: 'onnx' }));
    expect(c.nodes.map((n) => n.opType)).toEqual(['Acos']);
  });

  test('Resize cubic and antialias are refused with reasons (onnx-node)', () => {
    const cubic = checkCoverage(load('test_resize_upsample_scales_cubic')).nodes.find((n) => n.opType === 'Resize')!;
    expect(cubic.cpu.reason).toBe("Resize mode 'cubic' is not supported; use 'linear' or 'nearest'");
    const aa = checkCoverage(load('test_resize_downsample_scales_linear_antialias')).nodes.find(
      (n) => n.opType === 'Resize',
    )!;
    expect(aa.cpu.reason).toBe('Resize with antialias=1 is not supported');
    const ok = checkCoverage(load('test_resize_upsample_scales_linear')).nodes.find((n) => n.opType === 'Resize')!;
    expect(ok.cpu.supported).toBe(true);
  });

  test('float64 and float16 tensors are refused with advice (onnx-node test_max_float64/float16)', () => {
    const r64 = checkCoverage(load('test_max_float64'));
    expect(r64.nodes[0].cpu.reason).toBe('data type float64 is not supported; export the model in float32');
    const r16 = checkCoverage(load('test_max_float16'));
    expect(r16.nodes[0].cpu.reason).toBe('data type float16 is not supported; export the model in float32');
    const i32 = checkCoverage(load('test_max_int32'));
    expect(i32.nodes[0].cpu.supported).toBe(true);
    expect(checkCoverage(load('test_max_int8')).nodes[0].cpu.supported).toBe(true);
    const i16 = checkCoverage(load('test_max_int16'));
    expect(i16.nodes[0].cpu.reason).toBe('data type int16 is not supported; use int32 or int64');
  });

  test('BatchNormalization in training mode, or with running-statistics outputs, is refused', () => {
    const b = new GraphBuilder('bn', 15);
    const x = b.input('x', [1, 2, 2, 2]);
    const p = ['s', 'b', 'm', 'v'].map((n, i) => b.weight(n, [2], i + 1, 0.5, 1));
    const y = b.node('BatchNormalization', [x, ...p], { training_mode: 1 }, [1, 2, 2, 2], 'float32', 'bn_train');
    const [z, mean] = b.nodeN(
      'BatchNormalization',
      [y, ...p],
      {},
      [{ shape: [1, 2, 2, 2] }, { shape: [2] }],
      'bn_stats',
    );
    const r = checkCoverage(b.output(z).output(mean).build());
    expect(r.nodes[0].cpu.reason).toBe('BatchNormalization with training_mode=1 is not supported (inference only)');
    expect(r.nodes[1].cpu.reason).toBe(
      `BatchNormalization running-statistics output '${mean}' is not supported (inference only)`,
    );
  });

  test('every offending node is listed at once: custom domain, unknown op, dtype, attribute', () => {
    const b = new GraphBuilder('bad', 17);
    const x = b.input('x', [1, 2, 4, 4]);
    const a = b.node('Relu', [x], {}, [1, 2, 4, 4], 'float32', 'fine');
    const c = b.node('FusedConv', [a], {}, [1, 2, 4, 4], 'float32', 'custom');
    b.graph.nodes[1].domain = 'com.microsoft';
    const d = b.node('Einsum', [c], { equation: 'ij->ji' }, null, 'float32', 'einsum');
    b.constant('dbl', makeTensor('float64', [1], [2]));
    const e = b.node('Mul', [d, 'dbl'], {}, null, 'float64', 'mul64');
    const f = b.node('Resize', [e], { mode: 'cubic', antialias: 1 }, null, 'float32', 'resize');
    b.output(b.node('MaxPool', [f], { kernel_shape: [2, 2], storage_order: 2 }, null, 'float32', 'pool'));
    const g = b.build();
    const err = caught(() => assertSupported(g));
    expect(err.nodes).toEqual([
      {
        name: 'custom',
        opType: 'FusedConv',
        opset: 17,
        reason: "op FusedConv of domain 'com.microsoft' is not supported; only standard ONNX ops are",
      },
      { name: 'einsum', opType: 'Einsum', opset: 17, reason: 'op Einsum (opset 17) is not supported' },
      {
        name: 'mul64',
        opType: 'Mul',
        opset: 17,
        reason: 'data type float64 is not supported; export the model in float32',
      },
      {
        name: 'resize',
        opType: 'Resize',
        opset: 17,
        reason:
          "data type float64 is not supported; export the model in float32; Resize mode 'cubic' is not supported; use 'linear' or 'nearest'",
      },
      { name: 'pool', opType: 'MaxPool', opset: 17, reason: 'MaxPool storage_order=2 is not valid (0 or 1)' },
    ]);
    expect(err.message).toContain('  - einsum (Einsum): op Einsum (opset 17) is not supported');
    expect(err.message).toContain('Replace these ops');
    expect(checkCoverage(g).nodes[0].cpu.supported).toBe(true);
  });

  test('GPU assertion names the nodes without a GPU kernel', () => {
    const b = new GraphBuilder('g', 13);
    const r = b.node('Relu', [b.input('x', [2])], {}, [2], 'float32', 'r');
    b.output(b.node('Erf', [r], {}, [2], 'float32', 'e'));
    const e = caught(() => assertSupported(b.build(), 'gpu'));
    expect(e.nodes).toEqual([{ name: 'e', opType: 'Erf', opset: 13, reason: GPU_REASON }]);
  });

  test('shape-like int64 arithmetic is supported, int64 Conv is not', () => {
    const b = new GraphBuilder('i', 13);
    const s = b.input('s', [4], 'int64');
    const a = b.node('Mul', [s, b.ints('two', [2, 2, 2, 2])], {}, [4], 'int64', 'mul');
    b.output(
      b.node(
        'Conv',
        [b.input('x', [1, 1, 2, 2], 'int64'), b.constant('w', makeTensor('int64', [1, 1, 1, 1], [1]))],
        {},
        null,
        'int64',
        'conv',
      ),
    );
    b.output(a);
    const r = checkCoverage(b.build());
    expect(r.nodes[0].cpu.supported).toBe(true);
    expect(r.nodes[1].cpu.reason).toBe('Conv on int64 tensors is not supported on CPU (supported: float32)');
  });
});

describe('formatCoverage', () => {
  test('op type counts, unsupported first, with reasons', () => {
    const b = new GraphBuilder('f', 13);
    const x = b.input('x', [2]);
    const r1 = b.node('Relu', [x], {}, [2], 'float32', 'r1');
    const r2 = b.node('Relu', [r1], {}, [2], 'float32', 'r2');
    const a = b.node('Acos', [r2], {}, [2], 'float32', 'acos');
    b.output(b.node('Erf', [a], {}, [2], 'float32', 't'));
    const text = formatCoverage(checkCoverage(b.build()));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^op type\s+count\s+CPU\s+GPU\s+note$/);
    expect(lines[2]).toMatch(/^Acos\s+1\s+NO\s+no\s+op Acos \(opset 13\) is not supported$/);
    expect(lines[3]).toMatch(/^Relu\s+2\s+yes\s+yes\s+GPU when: rank <= 4$/);
    expect(lines[4]).toMatch(/^Erf\s+1\s+yes\s+no\s+GPU: no GPU kernel: runs on the CPU/);
    expect(lines[lines.length - 1]).toBe(
      '4 nodes, 3 op types; CPU: 1 node(s) unsupported; GPU: 2 node(s) run on the CPU',
    );
  });
});
