// OpenCL tuning in the service end to end against real PostgreSQL and Redis, worker and host agent
// in this process, the host's OpenCL driver (PoCL here) as the GPU: a squeezenet deployment with
// runtime gpu is tuned on the device before it is validated and benchmarked with the tuned files;
// a second run reuses them (same device, driver, runtime and graph); a driver update makes the
// third run tune again.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAgent } from '@mace/agent';
import type { Prisma } from '@mace/db';
import { submitRun } from '@mace/pipeline';
import type { ConvertJobResult, TuneJobResult, ValidateJobResult } from '@mace/protocol';
import { runLog, squeezenetYaml, waitForRun, type PipelineFixture } from '../packages/pipeline/test/fixtures.js';
import { startHostStack, type HostStack } from './helpers/host-stack.js';

let fx: PipelineFixture;
let stack: HostStack;
let agent: RunningAgent;
let deploymentId: string;
/** A build may compile (minutes on a busy 2-core machine) when native/ changed since the last build. */
const BUILD_WAIT_MS = 540_000;
const TEST_TIMEOUT_MS = 600_000;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const TUNED_KINDS = ['tuned_binary', 'tuned_parameters'] as const;

/** The fixtures' squeezenet deployment on the GPU: runtime gpu, half storage, MACE's GPU threshold. */
function gpuYaml(modelSha: string, inputSha: string): string {
  const yaml = squeezenetYaml(modelSha, inputSha)
    .replace('    runtime: cpu\n', '    runtime: gpu\n    data_type: fp16_fp32\n')
    .replace('    validation_threshold:\n      CPU: 0.999\n', '');
  expect(yaml).toContain('runtime: gpu');
  expect(yaml).not.toContain('validation_threshold');
  return yaml;
}

beforeAll(async () => {
  stack = await startHostStack(gpuYaml);
  ({ fx, agent, deploymentId } = stack);
});

afterAll(async () => {
  await stack?.close();
});

async function jobsOf(runId: string) {
  return fx.db.job.findMany({ where: { runId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

async function jobLog(jobId: string): Promise<string> {
  const lines = await fx.db.jobLog.findMany({ where: { jobId }, orderBy: { id: 'asc' } });
  return lines.map((l) => l.text).join('\n');
}

async function runTo(actions: ('tune' | 'validate' | 'benchmark')[]) {
  const run = await submitRun(fx.db, fx.queues, {
    deploymentId,
    actions,
    deviceSelector: { ids: [agent.device.id] },
    options: { round: 2, warmupRuns: 1, threads: 1 },
  });
  const done = await waitForRun(fx.db, run.id, BUILD_WAIT_MS);
  expect(done.status, `${done.reason}\n${await runLog(fx.db, run.id)}`).toBe('succeeded');
  const jobs = await jobsOf(run.id);
  const tune = jobs.find((j) => j.kind === 'tune')!;
  return { run: done, jobs, tune, tuneResult: tune.result as unknown as TuneJobResult };
}

let firstRunId: string;
let first: TuneJobResult;

describe('OpenCL tuning of a GPU model', () => {
  it(
    'tunes on the device, then validates and benchmarks with the tuned files',
    async () => {
      const { run, jobs, tune, tuneResult } = await runTo(['validate', 'benchmark']);
      firstRunId = run.id;
      first = tuneResult;
      const order = ['convert', 'build', 'tune', 'validate', 'benchmark'];
      expect(
        [...jobs]
          .sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind))
          .map((j) => [j.kind, j.status, j.modelTag, j.deviceId]),
      ).toEqual([
        ['convert', 'succeeded', 'squeezenet1_1', null],
        ['build', 'succeeded', null, null],
        ['tune', 'succeeded', 'squeezenet1_1', agent.device.id],
        ['validate', 'succeeded', 'squeezenet1_1', agent.device.id],
        ['benchmark', 'succeeded', 'squeezenet1_1', agent.device.id],
      ]);
      // validate and benchmark wait for the tune job
      const byKind = (k: string) => jobs.find((j) => j.kind === k)!;
      for (const k of ['validate', 'benchmark']) {
        const deps = await fx.db.jobDependency.findMany({ where: { jobId: byKind(k).id } });
        expect(deps.map((d) => d.dependsOnId)).toContain(tune.id);
      }

      // the tune job: MACE's two files, stored with the fingerprint they are valid for
      const convert = byKind('convert').result as unknown as ConvertJobResult;
      const device = await fx.db.device.findUniqueOrThrow({ where: { id: agent.device.id } });
      expect(tuneResult).toMatchObject({ modelTag: 'squeezenet1_1', reused: false });
      expect(tuneResult.reusedFromRunId).toBeUndefined();
      expect(tuneResult.fingerprint).toEqual({
        deviceModel: device.model,
        soc: device.soc,
        openclDevice: expect.stringMatching(/\S/),
        driver: expect.stringMatching(/\S/),
        runtime: expect.stringMatching(/\+cl[0-9a-f]+$/),
        graphSha256: convert.graph.sha256,
      });
      const soc = device.soc!.toLowerCase().replace(/[^a-z0-9]/g, '_');
      expect(tuneResult.binary.name).toBe(`squeezenet_compiled_opencl_kernel.squeezenet1_1.${soc}.bin`);
      expect(tuneResult.parameters.name).toBe(`squeezenet_tuned_opencl_parameter.squeezenet1_1.${soc}.bin`);
      const artifacts = await fx.db.artifact.findMany({ where: { jobId: tune.id }, orderBy: { kind: 'asc' } });
      expect(artifacts.map((a) => [a.kind, a.name, a.sha256, a.runId, a.deviceId])).toEqual([
        ['tuned_binary', tuneResult.binary.name, tuneResult.binary.sha256, run.id, device.id],
        ['tuned_parameters', tuneResult.parameters.name, tuneResult.parameters.sha256, run.id, device.id],
      ]);
      for (const a of artifacts) {
        expect(a.metadata).toEqual({
          ...tuneResult.fingerprint,
          modelTag: 'squeezenet1_1',
          libraryName: 'squeezenet',
          tuneMs: expect.any(Number),
        });
        const bytes = await fx.store.readBytes(a.sha256);
        expect(bytes.length).toBeGreaterThan(0);
        expect(sha(bytes)).toBe(a.sha256);
        expect(BigInt(bytes.length)).toBe(a.size);
      }
      const tuneLog = await jobLog(tune.id);
      expect(tuneLog).toContain('--opencl_info');
      expect(tuneLog).toMatch(/no tuned OpenCL files for .*: tuning/);
      expect(tuneLog).toMatch(/ --device=GPU --tune --tune_output_dir=\S+ --library_name=squeezenet /);
      expect(tuneLog).toContain(`tuned: wrote `);

      // validate and benchmark ran on the GPU device with those files (pushed by sha256)
      for (const k of ['validate', 'benchmark']) {
        const log = await jobLog(byKind(k).id);
        expect(log, k).toMatch(/ --device=GPU /);
        expect(log, k).toMatch(new RegExp(`--opencl_binary_file=\\S*${tuneResult.binary.sha256}\\.bin`));
        expect(log, k).toMatch(new RegExp(`--opencl_parameter_file=\\S*${tuneResult.parameters.sha256}\\.bin`));
        expect(log, k).toContain(`OpenCL parameter file: ${tuneResult.parameters.name}`);
        expect(log, k).toContain("using the tuned OpenCL files of this run's tune job (tuned in this run;");
      }
      const validation = byKind('validate').result as unknown as ValidateJobResult;
      expect(validation.passed).toBe(true);
      expect(validation.outputs).toEqual([
        expect.objectContaining({ output: 'output', threshold: 0.995, passed: true }),
      ]);
      expect(await jobLog(byKind('validate').id)).toMatch(/output: cosine .* → PASS \(threshold 0\.995\)/);
      const bench = await fx.db.benchmarkResult.findFirstOrThrow({ where: { runId: run.id } });
      expect(bench).toMatchObject({ modelTag: 'squeezenet1_1', count: 2, deviceId: device.id });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'reuses the tuned files in the next run of the same device, driver and model',
    async () => {
      expect(firstRunId).toBeDefined();
      const { jobs, tune, tuneResult } = await runTo(['validate']);
      expect(jobs.map((j) => j.kind).sort()).toEqual(['build', 'convert', 'tune', 'validate']);
      expect(tuneResult).toEqual({
        modelTag: 'squeezenet1_1',
        reused: true,
        reusedFromRunId: firstRunId,
        fingerprint: first.fingerprint,
        binary: first.binary,
        parameters: first.parameters,
      });
      const log = await jobLog(tune.id);
      expect(log).toContain(`reusing tuned OpenCL files from run ${firstRunId} (driver ${first.fingerprint.driver})`);
      expect(log).not.toContain('--tune');
      // this job's own rows, pointing at the same blobs
      const artifacts = await fx.db.artifact.findMany({ where: { jobId: tune.id }, orderBy: { kind: 'asc' } });
      expect(artifacts.map((a) => [a.kind, a.sha256])).toEqual([
        ['tuned_binary', first.binary.sha256],
        ['tuned_parameters', first.parameters.sha256],
      ]);
      expect(artifacts[0].metadata).toMatchObject({
        driver: first.fingerprint.driver,
        reusedFrom: { runId: firstRunId },
      });
      const validate = jobs.find((j) => j.kind === 'validate')!;
      const validateLog = await jobLog(validate.id);
      expect(validateLog).toMatch(new RegExp(`--opencl_parameter_file=\\S*${first.parameters.sha256}\\.bin`));
      expect(validateLog).toContain(`(reused from run ${firstRunId};`);
      expect((validate.result as unknown as ValidateJobResult).passed).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'tunes again after a driver update',
    async () => {
      expect(firstRunId).toBeDefined();
      // The stored files now say they were made for an older driver than the device has.
      const stored = await fx.db.artifact.findMany({ where: { kind: { in: [...TUNED_KINDS] } } });
      expect(stored.length).toBe(4);
      for (const a of stored)
        await fx.db.artifact.update({
          where: { id: a.id },
          data: { metadata: { ...(a.metadata as Prisma.JsonObject), driver: '0.0-older' } },
        });
      const { run, jobs, tune, tuneResult } = await runTo(['tune']);
      expect(jobs.map((j) => j.kind).sort()).toEqual(['build', 'convert', 'tune']);
      const { driver, runtime } = first.fingerprint;
      const log = await jobLog(tune.id);
      expect(log).toContain(
        `tuned files are for driver 0.0-older, runtime ${runtime}; this device has driver ${driver}, runtime ${runtime}: tuning again`,
      );
      expect(log).toContain(' --tune ');
      expect(tuneResult).toMatchObject({ reused: false, fingerprint: first.fingerprint });
      expect(tuneResult.reusedFromRunId).toBeUndefined();
      const artifacts = await fx.db.artifact.findMany({ where: { jobId: tune.id }, orderBy: { kind: 'asc' } });
      expect(artifacts.map((a) => [a.kind, a.name, a.runId])).toEqual([
        ['tuned_binary', first.binary.name, run.id],
        ['tuned_parameters', first.parameters.name, run.id],
      ]);
      for (const a of artifacts) {
        expect(a.metadata).toMatchObject({ driver, runtime });
        expect(a.metadata).not.toHaveProperty('reusedFrom');
      }
    },
    TEST_TIMEOUT_MS,
  );
});
