// The pure parts of OpenCL tuning on devices: reading `mace_run --opencl_info`, the refusal of a
// device without OpenCL, file-name parts, and which stored tuned files a fingerprint may reuse.
import { describe, expect, it } from 'vitest';
import type { Artifact, Db } from '@mace/db';
import { UserJobError, type JobContext } from '@mace/pipeline';
import type { OpenCLFingerprint } from '@mace/protocol';
import type { StagedJob } from '../src/device-job.js';
import { findTunedFiles, parseOpenCLInfo, readOpenCLInfo, type TunedMetadata } from '../src/opencl-tuning.js';
import { fileNamePart } from '../src/tune.js';

const INFO = `opencl: libOpenCL.so.1
opencl device: Portable Computing Language | OpenCL 3.0 PoCL 3.1+debian | pthread-skylake | OpenCL 3.0 PoCL
opencl engine device: pthread-skylake-avx512-AMD EPYC
opencl driver: 3.1+debian
opencl runtime: 0.1.0+cle1fae338
`;

describe('parseOpenCLInfo', () => {
  it('reads the engine device, driver and runtime lines', () => {
    expect(parseOpenCLInfo(INFO)).toEqual({
      openclDevice: 'pthread-skylake-avx512-AMD EPYC',
      driver: '3.1+debian',
      runtime: '0.1.0+cle1fae338',
    });
  });
  it('is null when a line is missing or empty (no engine device could be opened)', () => {
    expect(parseOpenCLInfo('opencl: unavailable: no OpenCL library found\n')).toBeNull();
    expect(parseOpenCLInfo(INFO.replace('opencl driver: 3.1+debian', 'opencl driver: '))).toBeNull();
  });
});

describe('readOpenCLInfo', () => {
  const ctx = (code: number, stdout: string) => {
    const logged: string[] = [];
    const staged = {
      dir: '/work/jobs/1',
      tool: '/work/blobs/x.mace_run',
      files: { transport: { exec: async () => ({ code, stdout, stderr: '' }) } },
    } as unknown as StagedJob;
    const jobCtx = {
      signal: new AbortController().signal,
      log: { system: (t: string) => logged.push(t), write: () => undefined },
    } as unknown as JobContext;
    return { staged, jobCtx, logged };
  };
  const device = { id: 'd', serial: 'emulator-5554', model: 'Pixel', soc: 'sdm845' };
  const model = { tag: 'mobilenet', runtime: 'gpu' } as never;

  it('returns the driver facts and logs the command', async () => {
    const { staged, jobCtx, logged } = ctx(0, INFO);
    expect(await readOpenCLInfo(jobCtx, staged, device, model)).toMatchObject({ driver: '3.1+debian' });
    expect(logged).toEqual(['$ /work/blobs/x.mace_run --opencl_info']);
  });
  it('fails a device without OpenCL as a user error that says what to do', async () => {
    const { staged, jobCtx } = ctx(2, 'opencl: unavailable: no OpenCL library found; tried: libOpenCL.so\n');
    const err = await readOpenCLInfo(jobCtx, staged, device, model).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserJobError);
    expect((err as Error).message).toBe(
      'device emulator-5554 has no OpenCL driver (unavailable: no OpenCL library found; tried: libOpenCL.so), ' +
        'so model mobilenet (runtime gpu) cannot run on its GPU; select devices with a GPU driver ' +
        '(the run\'s "devices" selector) or set runtime: cpu for mobilenet in the deployment file',
    );
  });
});

describe('fileNamePart', () => {
  it('keeps [a-z0-9_] for the SoC in MACE file names', () => {
    expect(fileNamePart('SDM845')).toBe('sdm845');
    expect(fileNamePart('pthread-skylake AMD/EPYC')).toBe('pthread_skylake_amd_epyc');
    expect(fileNamePart('')).toBe('unknown');
  });
});

describe('findTunedFiles', () => {
  const fp: OpenCLFingerprint = {
    deviceModel: 'Pixel 4',
    soc: 'sm8150',
    openclDevice: 'Adreno 640',
    driver: 'r2',
    runtime: '0.1.0+cl1',
    graphSha256: 'g'.repeat(64),
  };
  let n = 0;
  const row = (jobId: string, runId: string, kind: Artifact['kind'], meta: Partial<TunedMetadata> = {}): Artifact =>
    ({
      id: `a${n++}`,
      jobId,
      runId,
      kind,
      name: `${kind}.bin`,
      sha256: `${jobId}-${kind}`,
      size: 10n,
      metadata: { ...fp, modelTag: 'm', libraryName: 'lib', tuneMs: 5, ...meta },
    }) as unknown as Artifact;
  const dbOf = (rows: Artifact[]) => {
    const queries: unknown[] = [];
    const db = {
      artifact: {
        findMany: async (q: unknown) => {
          queries.push(q);
          return rows;
        },
      },
    } as unknown as Db;
    return { db, queries };
  };

  it('reuses the newest complete pair with the whole fingerprint, naming the run that tuned it', async () => {
    // newest first, as the query orders them
    const { db, queries } = dbOf([
      row('j5', 'r5', 'tuned_binary'), // incomplete pair: skipped
      row('j4', 'r4', 'tuned_binary', { driver: 'r3' }),
      row('j4', 'r4', 'tuned_parameters', { driver: 'r3' }),
      row('j3', 'r3', 'tuned_parameters', { reusedFrom: { runId: 'r1', jobId: 'j1' } }),
      row('j3', 'r3', 'tuned_binary', { reusedFrom: { runId: 'r1', jobId: 'j1' } }),
      row('j1', 'r1', 'tuned_binary'),
      row('j1', 'r1', 'tuned_parameters'),
    ]);
    const found = await findTunedFiles(db, fp);
    expect(found.exact).toMatchObject({
      binary: { sha256: 'j3-tuned_binary' },
      parameters: { sha256: 'j3-tuned_parameters' },
      tunedInRunId: 'r1',
    });
    expect(found.other).toMatchObject({ binary: { jobId: 'j4' }, metadata: { driver: 'r3' }, tunedInRunId: 'r4' });
    expect(JSON.stringify(queries[0])).toContain('"path":["graphSha256"]');
    expect(JSON.stringify(queries[0])).toContain('"path":["soc"]');
  });

  it('never reuses files of another driver, runtime or OpenCL device; ignores other device models', async () => {
    for (const meta of [{ driver: 'r1' }, { runtime: '0.1.0+cl2' }, { openclDevice: 'Adreno 650' }]) {
      const { db } = dbOf([row('j1', 'r1', 'tuned_binary', meta), row('j1', 'r1', 'tuned_parameters', meta)]);
      const found = await findTunedFiles(db, fp);
      expect(found.exact).toBeNull();
      expect(found.other?.metadata).toMatchObject(meta);
    }
    const { db } = dbOf([
      row('j1', 'r1', 'tuned_binary', { deviceModel: 'Pixel 5' }),
      row('j1', 'r1', 'tuned_parameters', { deviceModel: 'Pixel 5' }),
    ]);
    expect(await findTunedFiles(db, fp)).toEqual({ exact: null, other: null });
  });
});
