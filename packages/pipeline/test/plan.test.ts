// Pure parts of the pipeline: which jobs a run gets, in what order, and how a run's state
// derives from its jobs' states.
import { describe, expect, it } from 'vitest';
import {
  deriveRunStatus,
  expandActions,
  needsDevices,
  planJobs,
  retryDelayMs,
  pipelineSettings,
  RunInputError,
} from '@mace/pipeline';

const models = [
  { tag: 'a', sha256: 'a'.repeat(64), runtime: 'cpu' },
  { tag: 'b', sha256: 'b'.repeat(64), runtime: 'cpu' },
];
const gpuModels = [
  { tag: 'g', sha256: 'c'.repeat(64), runtime: 'gpu' },
  { tag: 'c', sha256: 'd'.repeat(64), runtime: 'cpu' },
  { tag: 'h', sha256: 'e'.repeat(64), runtime: 'cpu+gpu' },
];
const twoDevices = [
  { id: 'dev1', abi: 'host' },
  { id: 'dev2', abi: 'arm64-v8a' },
];

describe('expandActions', () => {
  it('adds convert and build to device actions, in pipeline order', () => {
    expect(expandActions(['benchmark'])).toEqual(['convert', 'build', 'benchmark']);
    expect(expandActions(['build', 'convert', 'build'])).toEqual(['convert', 'build']);
    expect(expandActions(['build'])).toEqual(['convert', 'build']);
  });
  it('accepts tune, which needs build and convert, before validate and benchmark', () => {
    expect(expandActions(['tune'])).toEqual(['convert', 'build', 'tune']);
    expect(expandActions(['benchmark', 'tune', 'validate'])).toEqual([
      'convert',
      'build',
      'tune',
      'validate',
      'benchmark',
    ]);
  });
  it('refuses empty and unknown actions', () => {
    expect(() => expandActions([])).toThrow(RunInputError);
    expect(() => expandActions(['deploy'])).toThrow(
      'unknown action "deploy"; use convert, build, tune, validate or benchmark',
    );
  });
});

describe('planJobs', () => {
  it('plans convert per model, build per ABI, then validate → benchmark per device and model', () => {
    const plan = planJobs({
      actions: expandActions(['validate', 'benchmark']),
      models,
      targetAbis: ['host', 'arm64-v8a'],
      devices: [{ id: 'dev1', abi: 'host' }],
      options: { round: 5 },
    });
    expect(plan.map((j) => j.key)).toEqual([
      'convert:a',
      'convert:b',
      'build:host',
      'build:arm64-v8a',
      'validate:dev1:a',
      'benchmark:dev1:a',
      'validate:dev1:b',
      'benchmark:dev1:b',
    ]);
    // a package holds every converted model
    expect(plan.find((j) => j.key === 'build:arm64-v8a')!.dependsOn).toEqual(['convert:a', 'convert:b']);
    expect(plan.find((j) => j.key === 'benchmark:dev1:b')!.dependsOn).toEqual([
      'convert:b',
      'build:host',
      'validate:dev1:b',
    ]);
    expect(plan.find((j) => j.key === 'validate:dev1:a')!.payload).toEqual({
      modelTag: 'a',
      abi: 'host',
      deviceId: 'dev1',
      options: { round: 5 },
    });
  });
  it('tunes each GPU model on each device before validating and benchmarking it there; CPU models are not tuned', () => {
    const plan = planJobs({
      actions: expandActions(['validate', 'benchmark']),
      models: gpuModels,
      targetAbis: ['host'],
      devices: twoDevices,
      options: {},
    });
    expect(plan.filter((j) => j.deviceId === 'dev1').map((j) => j.key)).toEqual([
      'tune:dev1:g',
      'validate:dev1:g',
      'benchmark:dev1:g',
      'validate:dev1:c',
      'benchmark:dev1:c',
      'tune:dev1:h',
      'validate:dev1:h',
      'benchmark:dev1:h',
    ]);
    expect(plan.filter((j) => j.kind === 'tune').map((j) => j.key)).toEqual([
      'tune:dev1:g',
      'tune:dev1:h',
      'tune:dev2:g',
      'tune:dev2:h',
    ]);
    const byKey = (key: string) => plan.find((j) => j.key === key)!;
    expect(byKey('tune:dev2:g')).toMatchObject({
      kind: 'tune',
      modelTag: 'g',
      abi: 'arm64-v8a',
      deviceId: 'dev2',
      payload: { modelTag: 'g', abi: 'arm64-v8a', deviceId: 'dev2', options: {} },
      dependsOn: ['convert:g', 'build:arm64-v8a'],
    });
    expect(byKey('validate:dev2:g').dependsOn).toEqual(['convert:g', 'build:arm64-v8a', 'tune:dev2:g']);
    expect(byKey('benchmark:dev2:h').dependsOn).toEqual([
      'convert:h',
      'build:arm64-v8a',
      'tune:dev2:h',
      'validate:dev2:h',
    ]);
    // the CPU model runs as before
    expect(byKey('validate:dev1:c').dependsOn).toEqual(['convert:c', 'build:host']);
    expect(byKey('benchmark:dev1:c').dependsOn).toEqual(['convert:c', 'build:host', 'validate:dev1:c']);
  });

  it('plans tune alone, and benchmark after tune without validate', () => {
    const tuneOnly = planJobs({
      actions: expandActions(['tune']),
      models: gpuModels,
      targetAbis: ['host'],
      devices: [{ id: 'dev1', abi: 'host' }],
      options: {},
    });
    expect(tuneOnly.map((j) => j.key)).toEqual([
      'convert:g',
      'convert:c',
      'convert:h',
      'build:host',
      'tune:dev1:g',
      'tune:dev1:h',
    ]);
    const bench = planJobs({
      actions: expandActions(['benchmark']),
      models: gpuModels.slice(0, 1),
      targetAbis: ['host'],
      devices: [{ id: 'dev1', abi: 'host' }],
      options: {},
    });
    expect(bench.map((j) => [j.key, j.dependsOn])).toEqual([
      ['convert:g', []],
      ['build:host', ['convert:g']],
      ['tune:dev1:g', ['convert:g', 'build:host']],
      ['benchmark:dev1:g', ['convert:g', 'build:host', 'tune:dev1:g']],
    ]);
    // convert and build alone never tune
    const build = planJobs({
      actions: expandActions(['build']),
      models: gpuModels,
      targetAbis: ['host'],
      devices: [],
      options: {},
    });
    expect(build.some((j) => j.kind === 'tune')).toBe(false);
  });

  it('refuses tune for a deployment without a GPU model, saying what to change', () => {
    const tune = () =>
      planJobs({
        actions: expandActions(['tune']),
        models,
        targetAbis: ['host'],
        devices: [{ id: 'dev1', abi: 'host' }],
        options: {},
      });
    expect(tune).toThrow(RunInputError);
    expect(tune).toThrow(
      'action "tune" tunes the OpenCL kernels of GPU models, but no model of this deployment runs on the GPU ' +
        '(a: runtime cpu, b: runtime cpu); set runtime: gpu or cpu+gpu in the deployment file, or leave tune out',
    );
    try {
      tune();
    } catch (err) {
      expect((err as RunInputError).field).toBe('actions');
    }
    expect(needsDevices(expandActions(['tune']), models)).toBe(false);
    expect(needsDevices(expandActions(['tune']), gpuModels)).toBe(true);
    expect(needsDevices(expandActions(['build']), gpuModels)).toBe(false);
    expect(needsDevices(expandActions(['validate']), models)).toBe(true);
  });

  it('refuses to convert a model without an uploaded file', () => {
    expect(() =>
      planJobs({
        actions: ['convert'],
        models: [{ tag: 'x', sha256: null, runtime: 'cpu' }],
        targetAbis: ['host'],
        devices: [],
        options: {},
      }),
    ).toThrow(/model "x" has no uploaded model file/);
  });
});

describe('deriveRunStatus', () => {
  const job = (status: string, extra: Record<string, unknown> = {}) =>
    ({
      kind: 'convert',
      status,
      reason: null,
      modelTag: 'm',
      abi: null,
      deviceId: null,
      attempts: 0,
      ...extra,
    }) as never;
  it('is queued, then running, then terminal', () => {
    expect(deriveRunStatus([job('queued'), job('pending')]).status).toBe('queued');
    expect(deriveRunStatus([job('running', { attempts: 1 }), job('pending')]).status).toBe('running');
    expect(deriveRunStatus([job('succeeded'), job('queued')]).status).toBe('running');
    expect(deriveRunStatus([job('succeeded'), job('succeeded')])).toEqual({ status: 'succeeded', reason: null });
  });
  it('prefers failed over errored over cancelled, with the job and its reason', () => {
    const jobs = [
      job('cancelled', { reason: 'not run' }),
      job('errored', { reason: 'disk full' }),
      job('failed', { kind: 'build', modelTag: null, abi: 'host', reason: 'no toolchain' }),
    ];
    expect(deriveRunStatus(jobs)).toEqual({ status: 'failed', reason: 'build host: no toolchain' });
    expect(deriveRunStatus(jobs.slice(0, 2))).toEqual({ status: 'errored', reason: 'convert m: disk full' });
  });
  it('keeps a cancelled run cancelled', () => {
    expect(deriveRunStatus([job('succeeded')], { status: 'cancelled', reason: 'by request' })).toEqual({
      status: 'cancelled',
      reason: 'by request',
    });
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base and stops at the cap', () => {
    const s = pipelineSettings({ retryBaseMs: 1000, retryMaxMs: 5000 });
    expect([1, 2, 3, 4].map((a) => retryDelayMs(s, a))).toEqual([1000, 2000, 4000, 5000]);
  });
});
