// Opsets 1–6: each old operator form is imported into its opset-23 form; the imported graph, re-encoded as an
// opset-23 model, computes in onnxruntime what the old form means (hand-computed values, or the conformance
// tests' expected outputs; onnxruntime itself cannot run opset < 7 models).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ConversionError } from '../src/errors.js';
import type { Graph } from '../src/ir/graph.js';
import type { TensorValue } from '../src/ir/tensor.js';
import { readNumbers } from '../src/fold/values.js';
import { importOnnx } from '../src/onnx/import.js';
import { loadOnnx } from '../src/onnx/load.js';
import { CONTRACT_OPSET } from '../src/onnx/opset-range.js';
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
import { CORPUS, loadCases } from './helpers/conformance.js';

const nums = (t: TensorValue): number[] => Array.from(readNumbers(t));

/** Imports `spec` (an old-opset model) and runs the imported graph at opset 23 in onnxruntime. */
async function run(
  spec: ModelSpec,
  feeds: Record<string, TensorValue>,
): Promise<{ g: Graph; out: Record<string, TensorValue> }> {
  const g = importOnnx(decodeModel(buildModel(spec)));
  return { g, out: await runOrt(graphToModel(g, CONTRACT_OPSET), feeds) };
}

function oneNode(
  opset: number,
  op: string,
  inputs: { name: string; t: TensorValue; init?: boolean }[],
  attrs: Record<string, Attr>,
  outputs = ['y'],
): ModelSpec {
  return {
    opset,
    irVersion: 3,
    inputs: inputs.filter((i) => !i.init).map((i) => ({ name: i.name, dtype: i.t.dtype, shape: i.t.dims })),
    outputs: outputs.map((name) => ({ name })),
    initializers: Object.fromEntries(inputs.filter((i) => i.init).map((i) => [i.name, i.t])),
    nodes: [{ op, name: 'n0', inputs: inputs.map((i) => i.name), outputs, attrs }],
  };
}

function refusal(spec: ModelSpec): ConversionError {
  try {
    importOnnx(decodeModel(buildModel(spec)));
  } catch (e) {
    if (e instanceof ConversionError) return e;
    throw e;
  }
  throw new Error('expected a ConversionError');
}

describe('opset 1–6 binary ops: broadcast=1 with axis → numpy broadcasting', () => {
  const a = T.rand([2, 3, 4], 3);

  it('a computed second operand is aligned at `axis` by an inserted Unsqueeze', async () => {
    const b = T.rand([3], 5);
    const { g, out } = await run(
      oneNode(
        6,
        'Add',
        [
          { name: 'a', t: a },
          { name: 'b', t: b },
        ],
        { broadcast: A.int(1), axis: A.int(1) },
      ),
      { a, b },
    );
    expect(g.nodes.map((n) => n.opType)).toEqual(['Unsqueeze', 'Add']);
    expect(nums(g.constants.get(g.nodes[0].inputs[1])!)).toEqual([1]);
    expect(g.nodes[1].attrs).toEqual({});
    const want = Array.from(a.data as Float32Array, (v, i) => v + (b.data as Float32Array)[Math.floor(i / 4) % 3]);
    expect(maxRelError(out.y, T.f32([2, 3, 4], want))).toBeLessThanOrEqual(1);
  });

  it('a constant second operand is reshaped itself (a constant also used elsewhere stays as it was)', async () => {
    const x = T.rand([2, 3, 4, 5], 7);
    const v = T.rand([3, 4], 8);
    const w = T.rand([3, 4], 9);
    const spec: ModelSpec = {
      opset: 5,
      irVersion: 3,
      inputs: [
        { name: 'x', shape: [2, 3, 4, 5] },
        { name: 'v', shape: [3, 4] },
      ],
      outputs: [{ name: 'y' }, { name: 'z' }],
      initializers: { w },
      nodes: [
        {
          op: 'Mul',
          name: 'mul',
          inputs: ['x', 'w'],
          outputs: ['y'],
          attrs: { broadcast: A.int(1), axis: A.int(1), consumed_inputs: A.ints([0, 0]) },
        },
        { op: 'Sub', name: 'sub', inputs: ['v', 'w'], outputs: ['z'], attrs: {} },
      ],
    };
    const { g, out } = await run(spec, { x, v });
    expect(g.nodes.map((n) => n.opType)).toEqual(['Mul', 'Sub']);
    expect(g.nodes[0].attrs).toEqual({});
    expect(g.constants.get(g.nodes[0].inputs[1])!.dims).toEqual([3, 4, 1]);
    expect(g.nodes[1].inputs[1]).toBe('w');
    expect(g.constants.get('w')!.dims).toEqual([3, 4]);
    const xv = x.data as Float32Array;
    const wv = w.data as Float32Array;
    // y[n,c,h,k] = x[n,c,h,k] * w[c,h]
    expect(
      maxRelError(
        out.y,
        T.f32(
          x.dims,
          Array.from(xv, (e, i) => e * wv[Math.floor(i / 5) % 12]),
        ),
      ),
    ).toBeLessThanOrEqual(1);
    expect(
      maxRelError(
        out.z,
        T.f32(
          [3, 4],
          Array.from(v.data as Float32Array, (e, i) => e - wv[i]),
        ),
      ),
    ).toBeLessThanOrEqual(1);
  });

  it('broadcast=1 without axis (suffix matching) and broadcast=0 are numpy broadcasting already', async () => {
    const b = T.rand([4], 11);
    const { g, out } = await run(
      oneNode(
        6,
        'Sub',
        [
          { name: 'a', t: a },
          { name: 'b', t: b },
        ],
        { broadcast: A.int(1) },
      ),
      { a, b },
    );
    expect(g.nodes.map((n) => n.opType)).toEqual(['Sub']);
    expect(g.nodes[0].attrs).toEqual({});
    const want = Array.from(a.data as Float32Array, (v, i) => v - (b.data as Float32Array)[i % 4]);
    expect(maxRelError(out.y, T.f32([2, 3, 4], want))).toBeLessThanOrEqual(1);
    const same = await run(
      oneNode(
        1,
        'Div',
        [
          { name: 'a', t: a },
          { name: 'b', t: a },
        ],
        { broadcast: A.int(0) },
      ),
      { a, b: a },
    );
    expect(nums(same.out.y).every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
  });

  it('an axis that does not place the operand inside the first, or a result of another shape, is refused', () => {
    const e = refusal(
      oneNode(
        6,
        'Add',
        [
          { name: 'a', t: a },
          { name: 'b', t: T.rand([3, 4], 1) },
        ],
        { broadcast: A.int(1), axis: A.int(2) },
      ),
    );
    expect(e.nodes).toEqual([
      {
        name: 'n0',
        opType: 'Add',
        opset: 6,
        reason: expect.stringContaining(
          'broadcast axis 2 does not place the second operand [3,4] inside the first [2,3,4]',
        ),
      },
    ]);
    const grow = refusal(
      oneNode(
        6,
        'Mul',
        [
          { name: 'a', t: T.rand([4], 1) },
          { name: 'b', t: T.rand([3, 4], 2) },
        ],
        { broadcast: A.int(1) },
      ),
    );
    expect(grow.message).toMatch(
      /n0 \(Mul\): the legacy \(opset < 7\) result has the first input's shape \[4\], but broadcasting the operands gives \[3,4\]/,
    );
  });
});

describe('opset 1–6 forms of other ops', () => {
  it('PRelu-6: a [C] slope applies per channel (axis 1)', async () => {
    const x = T.rand([2, 3, 2, 2], 4);
    const slope = T.f32([3], [0.1, 0.5, 2]);
    const { g, out } = await run(
      oneNode(
        6,
        'PRelu',
        [
          { name: 'x', t: x },
          { name: 's', t: slope },
        ],
        {},
      ),
      { x, s: slope },
    );
    expect(g.nodes.map((n) => n.opType)).toEqual(['Unsqueeze', 'PRelu']);
    const want = Array.from(x.data as Float32Array, (v, i) =>
      v < 0 ? v * (slope.data as Float32Array)[Math.floor(i / 4) % 3] : v,
    );
    expect(maxRelError(out.y, T.f32(x.dims, want))).toBeLessThanOrEqual(1);
    const bad = refusal(
      oneNode(
        6,
        'PRelu',
        [
          { name: 'x', t: x },
          { name: 's', t: T.rand([2], 1) },
        ],
        {},
      ),
    );
    expect(bad.nodes[0].reason).toMatch(/PRelu-6 slope of shape \[2\] for input \[2,3,2,2\]/);
  });

  it('Reshape-1 shape attribute (opset < 5) → int64 input', async () => {
    const x = T.rand([2, 6], 2);
    const { g, out } = await run(
      oneNode(4, 'Reshape', [{ name: 'x', t: x }], { shape: A.ints([0, 3, -1]), consumed_inputs: A.ints([0]) }),
      { x },
    );
    expect(g.nodes[0].attrs).toEqual({});
    expect(nums(g.constants.get(g.nodes[0].inputs[1])!)).toEqual([0, 3, -1]);
    expect(out.y.dims).toEqual([2, 3, 2]);
    expect(nums(out.y)).toEqual(nums(x));
  });

  it('Cast-1 `to` as a type name (opset < 6) → data type code; an unknown name is refused', async () => {
    const x = T.f32([4], [1.7, -2.5, 3, 0]);
    const { g, out } = await run(oneNode(5, 'Cast', [{ name: 'x', t: x }], { to: A.str('INT32') }), { x });
    expect(g.nodes[0].attrs.to).toEqual({ kind: 'int', value: 6 });
    expect(out.y.dtype).toBe('int32');
    expect(nums(out.y)).toEqual([1, -2, 3, 0]);
    expect(refusal(oneNode(5, 'Cast', [{ name: 'x', t: x }], { to: A.str('FLOAT128') })).nodes[0].reason).toMatch(
      /Cast-1 target type 'FLOAT128'/,
    );
  });

  it('Concat without axis (opset < 4) concatenates on axis 1', async () => {
    const a = T.rand([2, 1, 3], 1);
    const b = T.rand([2, 2, 3], 2);
    const { g, out } = await run(
      oneNode(
        3,
        'Concat',
        [
          { name: 'a', t: a },
          { name: 'b', t: b },
        ],
        {},
      ),
      { a, b },
    );
    expect(g.nodes[0].attrs.axis).toEqual({ kind: 'int', value: 1 });
    expect(out.y.dims).toEqual([2, 3, 3]);
    const av = nums(a),
      bv = nums(b);
    expect(nums(out.y)).toEqual(
      [...av.slice(0, 3), ...bv.slice(0, 6), ...av.slice(3), ...bv.slice(6)].map((v) => Math.fround(v)),
    );
  });

  it('Upsample-1 height_scale/width_scale → Resize (nearest: each pixel repeated; bilinear → linear)', async () => {
    const x = T.f32([1, 1, 2, 2], [1, 2, 3, 4]);
    const { g, out } = await run(
      oneNode(6, 'Upsample', [{ name: 'x', t: x }], {
        height_scale: A.float(2),
        width_scale: A.float(3),
        mode: A.str('nearest'),
      }),
      { x },
    );
    expect(g.nodes[0].opType).toBe('Resize');
    expect(out.y.dims).toEqual([1, 1, 4, 6]);
    expect(nums(out.y)).toEqual([1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4]);
    const lin = await run(
      oneNode(6, 'Upsample', [{ name: 'x', t: x }], {
        height_scale: A.float(2),
        width_scale: A.float(2),
        mode: A.str('bilinear'),
      }),
      { x },
    );
    expect(lin.g.nodes[0].attrs.mode).toEqual({ kind: 'string', value: 'linear' });
    expect(lin.g.nodes[0].attrs.coordinate_transformation_mode).toEqual({ kind: 'string', value: 'asymmetric' });
    // Asymmetric: source = dst / 2, clamped at the border.
    expect(nums(lin.out.y).slice(0, 4)).toEqual([1, 1.5, 2, 2]);
    expect(refusal(oneNode(6, 'Upsample', [{ name: 'x', t: x }], { width_scale: A.float(2) })).nodes[0].reason).toMatch(
      /height_scale and width_scale/,
    );
  });

  it('Tile-1 (input, tiles, axis) → Tile repeats', async () => {
    const x = T.rand([2, 3], 6);
    const spec = oneNode(
      5,
      'Tile',
      [
        { name: 'x', t: x },
        { name: 'tiles', t: T.i64([], [2]), init: true },
        { name: 'axis', t: T.i64([], [1]), init: true },
      ],
      {},
    );
    const { g, out } = await run(spec, { x });
    expect(g.nodes[0].inputs.length).toBe(2);
    expect(nums(g.constants.get(g.nodes[0].inputs[1])!)).toEqual([1, 2]);
    const xv = nums(x).map((v) => Math.fround(v));
    expect(nums(out.y)).toEqual([...xv.slice(0, 3), ...xv.slice(0, 3), ...xv.slice(3), ...xv.slice(3)]);
  });

  it('Split-1 with its split lengths as a (float) input → int64 split input', async () => {
    const x = T.rand([2, 3], 8);
    const spec = oneNode(
      1,
      'Split',
      [
        { name: 'x', t: x },
        { name: 's', t: T.f32([2], [1, 2]), init: true },
      ],
      { axis: A.int(1) },
      ['p', 'q'],
    );
    const { g, out } = await run(spec, { x });
    const split = g.constants.get(g.nodes[0].inputs[1])!;
    expect(split.dtype).toBe('int64');
    expect(nums(split)).toEqual([1, 2]);
    expect(out.p.dims).toEqual([2, 1]);
    expect(out.q.dims).toEqual([2, 2]);
  });

  it('Selu-1 defaults are 1.6732 and 1.0507 (Selu-6 uses the float32 constants)', async () => {
    const x = T.f32([3], [-1, 0.5, -3]);
    const { g, out } = await run(oneNode(5, 'Selu', [{ name: 'x', t: x }], {}), { x });
    expect(g.nodes[0].attrs.alpha).toEqual({ kind: 'float', value: 1.6732 });
    const want = [-1, 0.5, -3].map((v) => 1.0507 * (v > 0 ? v : 1.6732 * (Math.exp(v) - 1)));
    expect(maxRelError(out.y, T.f32([3], want))).toBeLessThanOrEqual(1);
  });

  it('LSTM-1 output_sequence is dropped (opset 7 computes every named output)', async () => {
    const x = T.rand([3, 1, 2], 1);
    const w = T.rand([1, 8, 2], 2);
    const r = T.rand([1, 8, 2], 3);
    const spec = (opset: number, attrs: Record<string, Attr>): ModelSpec =>
      oneNode(
        opset,
        'LSTM',
        [
          { name: 'x', t: x },
          { name: 'w', t: w, init: true },
          { name: 'r', t: r, init: true },
        ],
        { hidden_size: A.int(2), ...attrs },
        ['y', 'yh'],
      );
    const { g, out } = await run(spec(1, { output_sequence: A.int(1) }), { x });
    expect(g.nodes[0].attrs.output_sequence).toBeUndefined();
    const ref = await runOrt(buildModel(spec(7, {})), { x });
    expect(maxRelError(out.y, ref.y)).toBeLessThanOrEqual(1);
    expect(maxRelError(out.yh, ref.yh)).toBeLessThanOrEqual(1);
  });
});

describe('opset 1–6 conformance tests, imported and run at opset 23', () => {
  const cases = ['onnx-node', 'onnx-pytorch-converted', 'onnx-pytorch-operator', 'onnx-simple']
    .flatMap((d) => loadCases(join(CORPUS, d)))
    .filter(
      (c) =>
        c.opset <= 6 &&
        c.inputs.length > 0 &&
        c.outputs.length > 0 &&
        c.model.graph.nodes.every((n) => n.domain === '' || n.domain === 'ai.onnx'),
    );

  it('computes the expected outputs (legacy broadcast, PRelu per channel, BatchNormalization is_test, Pad, Gemm, …)', async () => {
    let matched = 0;
    const failed: string[] = [];
    for (const c of cases) {
      const feeds: Record<string, TensorValue> = {};
      c.inputs.forEach((i, k) => (feeds[i.name || c.model.graph.inputs[k].name] = i.tensor));
      const g = loadOnnx(c.bytes, {
        inputShapes: Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, t.dims])),
      });
      const res = await runOrt(graphToModel(g, CONTRACT_OPSET), feeds);
      c.outputs.forEach((o, k) => {
        const got = res[g.outputs[k].name];
        if (JSON.stringify(got.dims) !== JSON.stringify(o.tensor.dims))
          failed.push(`${c.name}: dims [${got.dims}] vs [${o.tensor.dims}]`);
        else if (maxRelError(got, o.tensor, 1e-4, 1e-5) > 1) failed.push(`${c.name}: values differ`);
        else matched++;
      });
    }
    console.log(`opset ≤ 6 tests: ${cases.length} cases, ${matched} outputs match`);
    expect(failed).toEqual([]);
    expect(matched).toBeGreaterThanOrEqual(cases.length > 0 ? 80 : 0);
  });
});
