// Graph transforms: every transform runs on a graph that exercises its pattern, and the outputs
// before and after it must agree (max abs diff ≤ 1e-4) on the same random input — checked with
// the TypeScript reference interpreter (always; itself checked against onnxruntime on the graph
// before the transform) and with the native runtime, mace_run (skipped while the runtime lacks a
// kernel the graph needs; set MACE_REQUIRE_NATIVE=1 to fail instead).
import { beforeAll, describe, expect, test, type TestContext } from 'vitest';
import type { Graph } from '../src/ir/graph.js';
import {
  applyIoFormats,
  foldBatchNorm,
  fuseActivations,
  obfuscateNames,
  removeIdentities,
  simplifyReshapeTranspose,
} from '../src/transforms/index.js';
import { cloneGraph, maxAbsDiff, randomInputs } from './helpers/graph-builder.js';
import * as cases from './helpers/graph-cases.js';
import { evalGraph } from './helpers/graph-eval.js';
import { compareNative, prepareMaceRun } from './helpers/native-runner.js';
import { graphToModel, runOrt } from './helpers/onnx-builder.js';

beforeAll(prepareMaceRun, 900_000); // builds mace_run when missing (minutes on a cold build)

const TOL = 1e-4;
const REQUIRE_NATIVE = process.env.MACE_REQUIRE_NATIVE === '1';

interface Case {
  name: string;
  make: () => Graph;
  transform: (g: Graph) => { changed: number };
  changed: number;
  /** Structural checks on the transformed graph. */
  check?: (after: Graph, before: Graph) => void;
  /** Why the graph before the transform cannot run natively at all (the native test is skipped). */
  noNative?: string;
}

const ops = (g: Graph): string[] => g.nodes.map((n) => n.opType);
const attr = (g: Graph, node: string, name: string): unknown =>
  g.nodes.find((n) => n.name === node)?.attrs[name]?.value;

function run(c: Case): { before: Graph; after: Graph; inputs: Map<string, Float32Array> } {
  const before = c.make();
  const after = cloneGraph(before);
  const res = c.transform(after);
  expect(res.changed).toBe(c.changed);
  c.check?.(after, before);
  expect(after.outputs.map((o) => o.name)).toEqual(before.outputs.map((o) => o.name));
  expect(after.inputs.map((o) => o.name)).toEqual(before.inputs.map((o) => o.name));
  return { before, after, inputs: randomInputs(before, 7) };
}

async function expectSameOutputsTs(before: Graph, after: Graph, inputs: Map<string, Float32Array>): Promise<void> {
  const a = evalGraph(before, inputs);
  // The interpreter agrees with onnxruntime on the untransformed graph.
  const feeds = Object.fromEntries(
    [...inputs].map(([k, v]) => [
      k,
      { dtype: 'float32' as const, dims: before.inputs.find((i) => i.name === k)!.shape, data: v },
    ]),
  );
  const ort = await runOrt(graphToModel(before), feeds);
  for (const [name, t] of a)
    expect(maxAbsDiff(t.data, ort[name].data as Float32Array), `${name} vs onnxruntime`).toBeLessThanOrEqual(TOL);
  const b = evalGraph(after, inputs);
  for (const [name, t] of a) {
    const u = b.get(name)!;
    expect(u.dims, name).toEqual(t.dims);
    expect(maxAbsDiff(t.data, u.data), name).toBeLessThanOrEqual(TOL);
  }
}

/** Native comparison; returns the ops the runtime lacks (the test is then skipped). */
function expectSameOutputsNative(
  ctx: TestContext,
  before: Graph,
  after: Graph,
  inputs: Map<string, Float32Array>,
): void {
  const r = compareNative(before, after, inputs);
  if ('missingKernels' in r) {
    if (REQUIRE_NATIVE) throw new Error(`mace_run lacks kernels: ${r.missingKernels.join(', ')}`);
    ctx.skip(`mace_run has no kernel yet for ${r.missingKernels.join(', ')}`);
    return;
  }
  for (const [name, d] of r.diffs) expect(d, name).toBeLessThanOrEqual(TOL);
  // And the runtime agrees with the reference interpreter.
  const ref = evalGraph(before, inputs);
  for (const [name, t] of ref)
    expect(
      maxAbsDiff(t.data, Array.from(r.before.get(name)!.data as Float32Array)),
      `${name} vs reference`,
    ).toBeLessThanOrEqual(TOL);
}

function suite(title: string, list: Case[]): void {
  describe(title, () => {
    for (const c of list) {
      test(`${c.name}: same outputs (reference interpreter)`, async () => {
        const { before, after, inputs } = run(c);
        await expectSameOutputsTs(before, after, inputs);
      });
      test(`${c.name}: same outputs (mace_run)`, (ctx) => {
        if (c.noNative) return ctx.skip(c.noNative);
        const { before, after, inputs } = run(c);
        expectSameOutputsNative(ctx, before, after, inputs);
      });
    }
  });
}

// ---- removeIdentities ------------------------------------------------------------------------

suite('removeIdentities', [
  {
    name: 'Identities before and after a Conv and one producing the model output',
    make: cases.identities,
    transform: removeIdentities,
    changed: 3,
    check: (g) => {
      expect(ops(g)).toEqual(['Conv', 'Relu']);
      expect(g.nodes[0].inputs[0]).toBe('x');
      expect(g.nodes[1].inputs[0]).toBe('conv_out0');
      expect(g.nodes[1].outputs).toEqual(['y']);
    },
  },
  {
    name: 'inference Dropout',
    make: cases.dropout,
    transform: removeIdentities,
    changed: 1,
    check: (g) => {
      expect(ops(g)).toEqual(['Conv', 'Relu']);
      expect(g.nodes[1].inputs[0]).toBe('conv_out0');
      expect(g.constants.has('ratio')).toBe(false);
    },
    noNative:
      'the engine has no Dropout kernel: the converter always removes it (checked by the reference interpreter)',
  },
  {
    name: 'Identity chain from input to output (one Identity must stay), Identity of a constant stays',
    make: cases.identityOnly,
    transform: removeIdentities,
    changed: 1,
    check: (g) => {
      expect(g.nodes.map((n) => [n.opType, n.inputs[0], n.outputs[0]])).toEqual([
        ['Identity', 'x', 'y'],
        ['Identity', 'k', 'z'],
      ]);
    },
  },
]);

// ---- foldBatchNorm ---------------------------------------------------------------------------

const noBn = (g: Graph): void => expect(ops(g)).not.toContain('BatchNormalization');

suite('foldBatchNorm', [
  {
    name: 'Conv+BN',
    make: () => cases.convBn(true),
    transform: foldBatchNorm,
    changed: 1,
    check: (g) => {
      noBn(g);
      expect(ops(g)).toEqual(['Conv']);
      expect(g.nodes[0].outputs).toEqual(['y']);
    },
  },
  {
    name: 'Conv (no bias)+BN',
    make: () => cases.convBn(false),
    transform: foldBatchNorm,
    changed: 1,
    check: (g) => {
      expect(ops(g)).toEqual(['Conv']);
      expect(g.nodes[0].inputs).toHaveLength(3);
    },
  },
  { name: 'grouped strided Conv+BN', make: cases.groupedConvBn, transform: foldBatchNorm, changed: 1, check: noBn },
  { name: 'grouped ConvTranspose+BN', make: cases.convTransposeBn, transform: foldBatchNorm, changed: 1, check: noBn },
  {
    name: 'Gemm(transB=1, C)+BN',
    make: () => cases.gemmBn(true, true),
    transform: foldBatchNorm,
    changed: 1,
    check: (g) => {
      noBn(g);
      expect(attr(g, 'gemm', 'beta')).toBe(1);
      expect(attr(g, 'gemm', 'alpha')).toBeCloseTo(0.7);
    },
  },
  {
    name: 'Gemm(transB=0, no C)+BN',
    make: () => cases.gemmBn(false, false),
    transform: foldBatchNorm,
    changed: 1,
    check: noBn,
  },
  {
    name: 'MatMul(constant weight)+BN becomes Gemm',
    make: cases.matmulBn,
    transform: foldBatchNorm,
    changed: 1,
    check: (g) => expect(ops(g)).toEqual(['Gemm']),
  },
  {
    name: 'standalone BN and BN after a Conv whose output is a model output stay',
    make: cases.bnThatStays,
    transform: foldBatchNorm,
    changed: 0,
    check: (g) => expect(ops(g).filter((o) => o === 'BatchNormalization')).toHaveLength(2),
  },
]);

test('foldBatchNorm leaves a shared weight untouched (new constants)', () => {
  const g = cases.convBn(true);
  const w = g.constants.get('w')!;
  const copy = Float32Array.from(w.data as Float32Array);
  foldBatchNorm(g);
  expect(g.nodes[0].inputs[1]).not.toBe('w');
  expect(Array.from(w.data as Float32Array)).toEqual(Array.from(copy));
  expect(g.constants.has('w')).toBe(false); // no longer used: pruned
  expect([...g.constants.keys()].some((k) => k.startsWith('bn20'))).toBe(false);
});

// ---- fuseActivations -------------------------------------------------------------------------

const fused = (activation: string, alpha?: number, beta?: number) => (g: Graph) => {
  expect(g.nodes).toHaveLength(1);
  const n = g.nodes[0];
  expect(n.attrs.activation).toEqual({ kind: 'string', value: activation });
  if (alpha !== undefined) expect(n.attrs.activation_alpha?.value).toBeCloseTo(alpha, 6);
  if (beta !== undefined) expect(n.attrs.activation_beta?.value).toBeCloseTo(beta, 6);
  expect(n.outputs[0]).toBe(g.outputs[0].name);
};

suite('fuseActivations', [
  {
    name: 'Conv+Relu',
    make: () => cases.convAct('Relu'),
    transform: fuseActivations,
    changed: 1,
    check: fused('RELU'),
  },
  {
    name: 'Conv+Clip(0,6) (relu6)',
    make: () => cases.convAct('Clip'),
    transform: fuseActivations,
    changed: 1,
    check: fused('CLIP', 0, 6),
  },
  {
    name: 'Conv+LeakyRelu',
    make: () => cases.convAct('LeakyRelu'),
    transform: fuseActivations,
    changed: 1,
    check: fused('LEAKYRELU', 0.1),
  },
  {
    name: 'Conv+Sigmoid',
    make: () => cases.convAct('Sigmoid'),
    transform: fuseActivations,
    changed: 1,
    check: fused('SIGMOID'),
  },
  {
    name: 'Conv+Tanh',
    make: () => cases.convAct('Tanh'),
    transform: fuseActivations,
    changed: 1,
    check: fused('TANH'),
  },
  {
    name: 'Conv+HardSigmoid',
    make: () => cases.convAct('HardSigmoid'),
    transform: fuseActivations,
    changed: 1,
    check: fused('HARDSIGMOID', 0.3, 0.4),
  },
  {
    name: 'Conv+HardSwish',
    make: () => cases.convAct('HardSwish'),
    transform: fuseActivations,
    changed: 1,
    check: fused('HARDSWISH'),
  },
  { name: 'Gemm+Relu', make: cases.gemmRelu, transform: fuseActivations, changed: 1, check: fused('RELU') },
  {
    name: 'MatMul+Clip(max only)',
    make: cases.matmulClipMaxOnly,
    transform: fuseActivations,
    changed: 1,
    check: fused('CLIP', -3.4028234663852886e38, 0.5),
  },
  {
    name: 'ConvTranspose+LeakyRelu',
    make: cases.convTransposeLeaky,
    transform: fuseActivations,
    changed: 1,
    check: fused('LEAKYRELU', 0.1),
  },
  {
    name: 'Conv+Mul(x, HardSigmoid(x)) (hardswish as exported below opset 14)',
    make: () => cases.convHardSwishPair(false),
    transform: fuseActivations,
    changed: 1,
    check: fused('HARDSWISH'),
  },
  {
    name: 'Conv+Mul(HardSigmoid(x), x)',
    make: () => cases.convHardSwishPair(true),
    transform: fuseActivations,
    changed: 1,
    check: fused('HARDSWISH'),
  },
  {
    name: 'Conv+x*Clip(x+3,0,6)/6 (hardswish as Paddle and TensorFlow export it)',
    make: () => cases.convHardSwishClip(false),
    transform: fuseActivations,
    changed: 1,
    check: fused('HARDSWISH'),
  },
  {
    name: 'Conv+(1/6)*(x*Clip(x+3,0,6))',
    make: () => cases.convHardSwishClip(true),
    transform: fuseActivations,
    changed: 1,
    check: fused('HARDSWISH'),
  },
  {
    name: 'x*Clip(x+2,0,6)/6 is not hardswish',
    make: () => cases.convHardSwishClip(false, 2),
    transform: fuseActivations,
    changed: 0,
    check: (g) => expect(ops(g)).toEqual(['Conv', 'Add', 'Clip', 'Mul', 'Div']),
  },
  {
    name: 'Mul(x, HardSigmoid(x)) with alpha 0.2 is not hardswish',
    make: () => cases.convHardSwishPair(false, 0.2),
    transform: fuseActivations,
    changed: 0,
    check: (g) => expect(ops(g)).toEqual(['Conv', 'HardSigmoid', 'Mul']),
  },
  {
    name: 'Conv output with two readers is not fused',
    make: cases.convActTwoReaders,
    transform: fuseActivations,
    changed: 0,
    check: (g) => expect(ops(g)).toEqual(['Conv', 'Relu', 'Add']),
  },
]);

// ---- simplifyReshapeTranspose ----------------------------------------------------------------

suite('simplifyReshapeTranspose', [
  {
    name: 'Reshape chain collapses to one Reshape (0 in the last shape resolved)',
    make: () => cases.reshapeChain(false),
    transform: simplifyReshapeTranspose,
    changed: 2,
    check: (g) => {
      expect(ops(g)).toEqual(['Relu', 'Reshape', 'Relu']);
      expect(Array.from(g.constants.get(g.nodes[1].inputs[1])!.data as BigInt64Array)).toEqual([2n, 3n, 4n]);
    },
  },
  {
    name: 'Reshape chain ending at a model output keeps the output name',
    make: () => cases.reshapeChain(true),
    transform: simplifyReshapeTranspose,
    changed: 2,
    check: (g) => expect(g.nodes.map((n) => n.outputs[0])).toEqual(['relu0_out0', 'y']),
  },
  {
    name: 'Reshape chain with a computed shape back to the input shape: all gone, the Shape node too',
    make: cases.reshapeComputedShape,
    transform: simplifyReshapeTranspose,
    changed: 2,
    check: (g) => {
      expect(ops(g)).toEqual(['Relu', 'Relu']);
      expect(g.nodes[1].inputs[0]).toBe('relu0_out0');
      expect(g.constants.size).toBe(0);
    },
  },
  {
    name: 'Squeeze → Unsqueeze → Flatten collapses to one Reshape',
    make: cases.squeezeChain,
    transform: simplifyReshapeTranspose,
    changed: 2,
    check: (g) => {
      expect(ops(g)).toEqual(['Relu', 'Reshape', 'Relu']);
      expect(Array.from(g.constants.get(g.nodes[1].inputs[1])!.data as BigInt64Array)).toEqual([1n, 12n]);
    },
  },
  {
    name: 'Transpose pairs: cancelling pair removed, pair composed, identity perm removed',
    make: cases.transposePairs,
    transform: simplifyReshapeTranspose,
    changed: 4,
    check: (g) => {
      expect(ops(g)).toEqual(['Relu', 'Relu', 'Transpose', 'Relu']);
      expect(g.nodes[1].inputs[0]).toBe('relu0_out0');
      expect(g.nodes[2].attrs.perm).toEqual({ kind: 'ints', value: [3, 2, 0, 1] });
    },
  },
  {
    name: 'Reshape to the same shape is removed',
    make: cases.identityReshape,
    transform: simplifyReshapeTranspose,
    changed: 1,
    check: (g) => expect(ops(g)).toEqual(['Relu', 'Relu']),
  },
]);

// ---- obfuscateNames --------------------------------------------------------------------------

suite('obfuscateNames', [
  {
    name: 'Conv+BN graph with names hidden',
    make: () => cases.convBn(true),
    transform: obfuscateNames,
    changed: 2 + 7, // two nodes, six constants and the Conv output renamed
    check: (g, before) => {
      const names = [...g.nodes.map((n) => n.name), ...g.constants.keys()];
      expect(names.every((n) => n.length <= 4)).toBe(true);
      expect(names.some((n) => before.constants.has(n))).toBe(false);
      expect(g.nodes[1].outputs).toEqual(['y']);
      expect(g.nodes[0].inputs[0]).toBe('x');
      for (const n of g.nodes) for (const t of [...n.inputs, ...n.outputs]) expect(g.values.has(t)).toBe(true);
    },
  },
]);

// ---- applyIoFormats (NHWC input and output of an NCHW graph) ---------------------------------

function transpose4(data: Float32Array, dims: number[], perm: number[]): Float32Array {
  const out = new Float32Array(data.length);
  const od = perm.map((p) => dims[p]);
  const st = [dims[1] * dims[2] * dims[3], dims[2] * dims[3], dims[3], 1];
  let k = 0;
  for (let a = 0; a < od[0]; a++)
    for (let b = 0; b < od[1]; b++)
      for (let c = 0; c < od[2]; c++)
        for (let d = 0; d < od[3]; d++) {
          const idx = [a, b, c, d];
          let src = 0;
          for (let i = 0; i < 4; i++) src += idx[i] * st[perm[i]];
          out[k++] = data[src];
        }
  return out;
}

describe('applyIoFormats', () => {
  const make = (): {
    before: Graph;
    after: Graph;
    nchw: Map<string, Float32Array>;
    nhwc: Map<string, Float32Array>;
  } => {
    const before = cases.nchwConvRelu();
    const after = cloneGraph(before);
    expect(applyIoFormats(after, { inputs: { x: 'NHWC' }, outputs: { y: 'NHWC' } }).changed).toBe(2);
    const nchw = randomInputs(before, 3);
    const nhwc = new Map([['x', transpose4(nchw.get('x')!, [1, 3, 5, 4], [0, 2, 3, 1])]]);
    return { before, after, nchw, nhwc };
  };

  test('structure: NHWC shapes and formats recorded, Transposes at both ends', () => {
    const { after } = make();
    expect(after.inputs[0]).toMatchObject({ name: 'x', shape: [1, 5, 4, 3], format: 'NHWC' });
    expect(after.outputs[0]).toMatchObject({ name: 'y', shape: [1, 5, 4, 4], format: 'NHWC' });
    expect(ops(after)).toEqual(['Transpose', 'Conv', 'Relu', 'Transpose']);
    expect(after.nodes[0].attrs.perm.value).toEqual([0, 3, 1, 2]);
    expect(after.nodes[3].attrs.perm.value).toEqual([0, 2, 3, 1]);
    expect(after.values.get('x')!.shape).toEqual([1, 5, 4, 3]);
    expect(after.values.get('y')!.shape).toEqual([1, 5, 4, 4]);
    expect(after.values.get(after.nodes[1].inputs[0])!.shape).toEqual([1, 3, 5, 4]);
  });

  test('same outputs in the declared layout (reference interpreter)', () => {
    const { before, after, nchw, nhwc } = make();
    const a = evalGraph(before, nchw).get('y')!;
    const b = evalGraph(after, nhwc).get('y')!;
    expect(b.dims).toEqual([1, 5, 4, 4]);
    expect(maxAbsDiff(transpose4(Float32Array.from(a.data), [1, 4, 5, 4], [0, 2, 3, 1]), b.data)).toBeLessThanOrEqual(
      TOL,
    );
  });

  test('same outputs in the declared layout (mace_run)', (ctx) => {
    const { before, after, nchw, nhwc } = make();
    const r = compareNative(before, after, nchw, nhwc);
    if ('missingKernels' in r) {
      if (REQUIRE_NATIVE) throw new Error(`mace_run lacks kernels: ${r.missingKernels.join(', ')}`);
      ctx.skip(`mace_run has no kernel yet for ${r.missingKernels.join(', ')}`);
      return;
    }
    const a = r.before.get('y')!;
    const b = r.after.get('y')!;
    expect(b.dims).toEqual([1, 5, 4, 4]);
    expect(
      maxAbsDiff(transpose4(a.data as Float32Array, [1, 4, 5, 4], [0, 2, 3, 1]), b.data as Float32Array),
    ).toBeLessThanOrEqual(TOL);
  });

  test('NCHW/NONE formats and non-4-D tensors are only recorded; unknown names are refused', () => {
    const g = cases.identityOnly();
    expect(applyIoFormats(g, { inputs: { x: 'NHWC' }, outputs: { z: 'NONE' } }).changed).toBe(0);
    expect(g.inputs[0]).toMatchObject({ shape: [2, 3], format: 'NHWC' });
    expect(() => applyIoFormats(cases.identityOnly(), { inputs: { nope: 'NHWC' } })).toThrow(
      /unknown model input.*'nope'.*'x'/,
    );
  });

  test('asIs inputs (NHWC-native models) are recorded, not transposed', () => {
    const g = cases.nchwConvRelu();
    expect(applyIoFormats(g, { inputs: { x: 'NHWC' }, asIs: ['x'] }).changed).toBe(0);
    expect(g.inputs[0]).toMatchObject({ shape: [1, 3, 5, 4], format: 'NHWC' });
  });
});
