// compareRunResults on hand-made results: pairing of benchmarks and ops, deltas, the threshold and
// the absolute noise floor, op types, validation side by side, and the flattened regression list.

import { describe, expect, it } from 'vitest';
import {
  compareRunResults,
  type ComparableBenchmark,
  type ComparableOp,
  type ComparableRunResults,
  type ComparableValidation,
} from '../src/index.js';

const op = (index: number, name: string, type: string, avgMs: number): ComparableOp => ({ index, name, type, avgMs });

function bench(ops: ComparableOp[], over: Partial<ComparableBenchmark> = {}): ComparableBenchmark {
  const total = ops.reduce((s, o) => s + o.avgMs, 0);
  const types = new Map<string, { count: number; avgMs: number }>();
  for (const o of ops) {
    const t = types.get(o.type) ?? { count: 0, avgMs: 0 };
    types.set(o.type, { count: t.count + 1, avgMs: t.avgMs + o.avgMs });
  }
  return {
    jobId: 'job',
    deviceId: 'dev-1',
    modelTag: 'net',
    meanMs: total,
    medianMs: total,
    p90Ms: total,
    p99Ms: total,
    threads: 2,
    ops,
    opTypes: [...types].map(([type, t]) => ({ type, ...t })),
    ...over,
  };
}

function val(over: Partial<ComparableValidation> = {}): ComparableValidation {
  return {
    jobId: 'job',
    deviceId: 'dev-1',
    modelTag: 'net',
    output: 'prob',
    cosine: 0.9999,
    sqnrDb: 60,
    pixelAccuracy: 1,
    maxAbsError: 1e-4,
    passed: true,
    ...over,
  };
}

const results = (runId: string, benchmarks: ComparableBenchmark[], validation: ComparableValidation[] = []) =>
  ({ runId, benchmarks, validation }) satisfies ComparableRunResults;

describe('compareRunResults', () => {
  it('identical runs: zero deltas, nothing regressed', () => {
    const ops = [op(0, 'conv1', 'Conv2D', 2), op(1, 'relu1', 'Activation', 0.5)];
    const c = compareRunResults(results('a', [bench(ops)]), results('b', [bench(ops)]));
    expect(c.baseRunId).toBe('a');
    expect(c.runId).toBe('b');
    expect(c.thresholdPct).toBe(10);
    expect(c.minDeltaMs).toBe(0.01);
    expect(c.regressions).toEqual([]);
    expect(c.benchmarks).toHaveLength(1);
    expect(c.benchmarks[0]!.ops.map((o) => [o.name, o.matchedBy, o.deltaMs, o.deltaPct])).toEqual([
      ['conv1', 'name', 0, 0],
      ['relu1', 'name', 0, 0],
    ]);
  });

  it('an op slower than the threshold regresses, with its latency and op type; others do not', () => {
    const base = bench([op(0, 'conv1', 'Conv2D', 2), op(1, 'relu1', 'Activation', 0.5)]);
    const run = bench([op(0, 'conv1', 'Conv2D', 3), op(1, 'relu1', 'Activation', 0.52)]);
    const c = compareRunResults(results('a', [base]), results('b', [run]), { thresholdPct: 20 });
    const conv = c.benchmarks[0]!.ops[0]!;
    expect(conv).toMatchObject({ name: 'conv1', baseMs: 2, ms: 3, deltaMs: 1, deltaPct: 50, regressed: true });
    expect(c.benchmarks[0]!.ops[1]!.regressed).toBe(false); // +4 %
    expect(c.benchmarks[0]!.latency.find((l) => l.metric === 'meanMs')).toMatchObject({
      baseMs: 2.5,
      ms: 3.52,
      regressed: true,
    });
    expect(c.benchmarks[0]!.regressed).toBe(true);
    expect(c.regressions.map((r) => [r.kind, r.name])).toEqual([
      ['latency', 'meanMs'],
      ['latency', 'medianMs'],
      ['latency', 'p90Ms'],
      ['latency', 'p99Ms'],
      ['op', 'conv1'],
      ['opType', 'Conv2D'],
    ]);
    expect(c.regressions[4]).toMatchObject({ type: 'Conv2D', modelTag: 'net', deviceId: 'dev-1', deltaPct: 50 });
  });

  it('the threshold is strict: exactly the threshold percent is not a regression', () => {
    const c = compareRunResults(
      results('a', [bench([op(0, 'conv', 'Conv2D', 1)])]),
      results('b', [bench([op(0, 'conv', 'Conv2D', 1.25)])]),
      { thresholdPct: 25 },
    );
    expect(c.benchmarks[0]!.ops[0]!.deltaPct).toBe(25);
    expect(c.regressions).toEqual([]);
  });

  it('deltas under the absolute noise floor never regress, however large in percent', () => {
    const base = bench([op(0, 'big', 'Conv2D', 5), op(1, 'tiny', 'Reshape', 0.002)]);
    const run = bench([op(0, 'big', 'Conv2D', 5), op(1, 'tiny', 'Reshape', 0.008)]); // +300 %, +0.006 ms
    const c = compareRunResults(results('a', [base]), results('b', [run]));
    expect(c.benchmarks[0]!.ops[1]!.deltaPct).toBeCloseTo(300, 9);
    expect(c.benchmarks[0]!.ops[1]!.regressed).toBe(false);
    const strict = compareRunResults(results('a', [base]), results('b', [run]), { minDeltaMs: 0 });
    expect(strict.benchmarks[0]!.ops[1]!.regressed).toBe(true);
  });

  it('faster is never a regression', () => {
    const c = compareRunResults(
      results('a', [bench([op(0, 'conv', 'Conv2D', 4)])]),
      results('b', [bench([op(0, 'conv', 'Conv2D', 1)])]),
      { thresholdPct: 0 },
    );
    expect(c.benchmarks[0]!.ops[0]!.deltaPct).toBe(-75);
    expect(c.regressions).toEqual([]);
  });

  it('ops pair by name, then by index and type; the rest are added or removed', () => {
    const base = bench([
      op(0, 'conv_a', 'Conv2D', 1),
      op(1, 'old_name', 'Pooling', 1),
      op(2, 'gone', 'Softmax', 1),
      op(3, 'dup', 'Eltwise', 1),
      op(4, 'dup', 'Eltwise', 1),
    ]);
    const run = bench([
      op(0, 'new_stem', 'Conv2D', 1),
      op(1, 'conv_a', 'Conv2D', 1),
      op(2, 'new_name', 'Pooling', 1),
      op(3, 'dup', 'Eltwise', 1),
      op(4, 'dup', 'Eltwise', 1),
    ]);
    const c = compareRunResults(results('a', [base]), results('b', [run]));
    expect(c.benchmarks[0]!.ops.map((o) => [o.name, o.index, o.matchedBy, o.baseMs])).toEqual([
      ['new_stem', 0, 'added', null], // index 0 in the base run is conv_a, already paired by name
      ['conv_a', 1, 'name', 1],
      ['new_name', 2, 'added', null], // index 2 is a Softmax in the base run: types differ
      ['dup', 3, 'index', 1], // duplicated names pair by position
      ['dup', 4, 'index', 1],
      ['old_name', 1, 'removed', 1],
      ['gone', 2, 'removed', 1],
    ]);
    expect(c.benchmarks[0]!.ops.filter((o) => o.matchedBy === 'added').every((o) => o.deltaMs === null)).toBe(true);
  });

  it('benchmarks pair by model and device, then by model alone; unpaired ones are listed', () => {
    const ops = [op(0, 'conv', 'Conv2D', 1)];
    const base = [
      bench(ops, { modelTag: 'net', deviceId: 'dev-1', jobId: 'b1' }),
      bench(ops, { modelTag: 'net', deviceId: 'dev-2', jobId: 'b2' }),
      bench(ops, { modelTag: 'old', deviceId: 'dev-1', jobId: 'b3' }),
    ];
    const run = [
      bench(ops, { modelTag: 'net', deviceId: 'dev-2', jobId: 'r1' }),
      bench(ops, { modelTag: 'net', deviceId: 'dev-9', jobId: 'r2' }),
      bench(ops, { modelTag: 'new', deviceId: 'dev-1', jobId: 'r3' }),
    ];
    const c = compareRunResults(results('a', base), results('b', run));
    expect(c.benchmarks.map((x) => [x.modelTag, x.baseJobId, x.jobId, x.baseDeviceId, x.deviceId])).toEqual([
      ['net', 'b2', 'r1', 'dev-2', 'dev-2'],
      ['net', 'b1', 'r2', 'dev-1', 'dev-9'],
      ['new', null, 'r3', null, 'dev-1'],
      ['old', 'b3', null, 'dev-1', null],
    ]);
    const unpaired = c.benchmarks[2]!;
    expect(unpaired.latency.every((l) => l.baseMs === null && l.deltaPct === null && !l.regressed)).toBe(true);
    expect(unpaired.ops[0]!.matchedBy).toBe('added');
  });

  it('op types: counts and times side by side', () => {
    const base = bench([op(0, 'c1', 'Conv2D', 1), op(1, 'c2', 'Conv2D', 1), op(2, 'p', 'Pooling', 1)]);
    const run = bench([op(0, 'c1', 'Conv2D', 1), op(1, 's', 'Softmax', 1)]);
    const c = compareRunResults(results('a', [base]), results('b', [run]));
    expect(c.benchmarks[0]!.opTypes.map((t) => [t.type, t.baseCount, t.count, t.baseMs, t.ms])).toEqual([
      ['Conv2D', 2, 1, 2, 1],
      ['Pooling', 1, 0, 1, null],
      ['Softmax', 0, 1, null, 1],
    ]);
  });

  it('validation metrics side by side; passed → failed is a regression', () => {
    const base = [val(), val({ output: 'aux' }), val({ output: 'dropped' })];
    const run = [val({ cosine: 0.5, passed: false }), val({ output: 'aux', passed: false, deviceId: 'dev-3' })];
    base[1] = val({ output: 'aux', passed: false });
    const c = compareRunResults(results('a', [], base), results('b', [], run));
    expect(c.validation.map((v) => [v.output, v.base?.cosine ?? null, v.value?.cosine ?? null, v.regressed])).toEqual([
      ['prob', 0.9999, 0.5, true],
      ['aux', 0.9999, 0.9999, false], // failed before too
      ['dropped', 0.9999, null, false],
    ]);
    expect(c.regressions).toEqual([{ kind: 'validation', modelTag: 'net', deviceId: 'dev-1', name: 'prob' }]);
  });

  it('refuses a negative threshold or noise floor', () => {
    const r = results('a', []);
    expect(() => compareRunResults(r, r, { thresholdPct: -1 })).toThrow(/thresholdPct/);
    expect(() => compareRunResults(r, r, { minDeltaMs: Number.NaN })).toThrow(/minDeltaMs/);
  });
});
