// Pure parts of the pipeline: which jobs a run gets, in what order, and how a run's state
// derives from its jobs' states.
import { describe, expect, it } from 'vitest';
import {
  deriveRunStatus,
  expandActions,
  planJobs,
  retryDelayMs,
  pipelineSettings,
  RunInputError,
} from '@mace/pipeline';

const models = [
  { tag: 'a', sha256: 'a'.repeat(64) },
  { tag: 'b', sha256: 'b'.repeat(64) },
];

describe('expandActions', () => {
  it('adds convert and build to device actions, in pipeline order', () => {
    expect(expandActions(['benchmark'])).toEqual(['convert', 'build', 'benchmark']);
    expect(expandActions(['build', 'convert', 'build'])).toEqual(['convert', 'build']);
    expect(expandActions(['build'])).toEqual(['convert', 'build']);
  });
  it('refuses empty, unknown and not-yet-available actions', () => {
    expect(() => expandActions([])).toThrow(RunInputError);
    expect(() => expandActions(['deploy'])).toThrow(/unknown action "deploy"/);
    expect(() => expandActions(['tune'])).toThrow(/not available yet/);
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
  it('refuses to convert a model without an uploaded file', () => {
    expect(() =>
      planJobs({
        actions: ['convert'],
        models: [{ tag: 'x', sha256: null }],
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
