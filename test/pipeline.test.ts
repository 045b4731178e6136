// The service pipeline end to end against real PostgreSQL and Redis, worker and host agent in
// this process: upload (store) → deployment → submitRun → convert → reference outputs → host build
// → validate and benchmark on the host; then the build cache, run idempotency and a re-delivered
// queue message.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extract } from 'tar';
import type { RunningAgent } from '@mace/agent';
import { enqueueJob, submitRun } from '@mace/pipeline';
import type { BuildJobResult, BuildPackageManifest, ConvertJobResult, ReferenceOutputsManifest } from '@mace/protocol';
import { readNpy } from '@mace/converter';
import {
  readJson,
  runLog,
  SQUEEZENET_INPUT,
  squeezenetYaml,
  waitFor,
  waitForRun,
  type PipelineFixture,
} from '../packages/pipeline/test/fixtures.js';
import { startHostStack, type HostStack } from './helpers/host-stack.js';

let fx: PipelineFixture;
let stack: HostStack;
let agent: RunningAgent;
let deploymentId: string;
let firstRunId: string;
/** A build may compile (minutes on a busy 2-core machine) when native/ changed since the last build. */
const BUILD_WAIT_MS = 540_000;
const TEST_TIMEOUT_MS = 600_000;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  stack = await startHostStack(squeezenetYaml);
  ({ fx, agent, deploymentId } = stack);
});

afterAll(async () => {
  await stack?.close();
});

describe('a run: convert → build → validate → benchmark', () => {
  it(
    'succeeds, with every job, artifact and result recorded',
    async () => {
      const run = await submitRun(fx.db, fx.queues, {
        deploymentId,
        actions: ['validate', 'benchmark'],
        deviceSelector: { ids: [agent.device.id] },
        options: { round: 3, warmupRuns: 1, threads: 1 },
        idempotencyKey: 'ci-build-42',
      });
      firstRunId = run.id;
      expect(run.status).toBe('queued');
      const done = await waitForRun(fx.db, run.id, BUILD_WAIT_MS);
      expect(done.status, `${done.reason}\n${await runLog(fx.db, run.id)}`).toBe('succeeded');
      expect(done.reason).toBeNull();
      expect(done.startedAt).not.toBeNull();
      expect(done.finishedAt).not.toBeNull();

      const jobs = await fx.db.job.findMany({ where: { runId: run.id }, orderBy: { createdAt: 'asc' } });
      expect(jobs.map((j) => [j.kind, j.status, j.attempts])).toEqual([
        ['convert', 'succeeded', 1],
        ['build', 'succeeded', 1],
        ['validate', 'succeeded', 1],
        ['benchmark', 'succeeded', 1],
      ]);
      expect(new Set(jobs.map((j) => j.idempotencyKey)).size).toBe(4);
      const deps = await fx.db.jobDependency.findMany({ where: { job: { runId: run.id } } });
      // build ← convert; validate ← convert, build; benchmark ← convert, build, validate
      expect(deps).toHaveLength(6);

      // convert: graph, data, coverage and reference outputs, in the database and the store
      const convert = jobs[0].result as unknown as ConvertJobResult;
      expect(convert.modelTag).toBe('squeezenet1_1');
      const artifacts = await fx.db.artifact.findMany({ where: { jobId: jobs[0].id }, orderBy: { name: 'asc' } });
      expect(artifacts.map((a) => [a.kind, a.name])).toEqual([
        ['coverage', 'squeezenet1_1.coverage.json'],
        ['model_data', 'squeezenet1_1.data'],
        ['model_graph', 'squeezenet1_1.mace'],
        ['reference_outputs', 'squeezenet1_1.reference.json'],
        ['reference_outputs', 'squeezenet1_1.reference/input_0.npy'],
        ['reference_outputs', 'squeezenet1_1.reference/output_0.npy'],
      ]);
      for (const a of artifacts) {
        const bytes = await fx.store.readBytes(a.sha256);
        expect(sha(bytes)).toBe(a.sha256);
        expect(BigInt(bytes.length)).toBe(a.size);
        expect(a.runId).toBe(run.id);
      }
      const manifest = readJson<ReferenceOutputsManifest>(await fx.store.readBytes(convert.referenceOutputs.sha256));
      expect(manifest).toMatchObject({
        format: 'mace-reference-outputs/1',
        inputSource: 'validation_inputs_data',
        seed: null,
      });
      expect(manifest.framework.name).toBe('onnxruntime-node');
      expect(manifest.inputs[0]).toMatchObject({ name: 'input', shape: [1, 3, 224, 224] });
      // the validation input is the uploaded file, byte for byte
      expect(manifest.inputs[0].sha256).toBe(sha(readFileSync(SQUEEZENET_INPUT)));
      // onnxruntime's output agrees with the corpus's recorded output
      const ref = readNpy(await fx.store.readBytes(manifest.outputs[0].sha256));
      const recorded = readNpy(readFileSync(SQUEEZENET_INPUT.replace('.input.npy', '.output.npy')));
      expect(ref.dims).toEqual([1, 1000]);
      let maxDiff = 0;
      for (let i = 0; i < 1000; i++)
        maxDiff = Math.max(maxDiff, Math.abs(Number(ref.data[i]) - Number(recorded.data[i])));
      expect(maxDiff).toBeLessThan(1e-3);

      // build: a tar.gz whose manifest lists the sha256 of every file it holds
      const build = jobs[1].result as unknown as BuildJobResult;
      expect(build.abi).toBe('host');
      expect(build.nativeSourceHash).toMatch(/^[0-9a-f]{64}$/);
      const pkg = await fx.db.artifact.findFirstOrThrow({ where: { jobId: jobs[1].id } });
      expect(pkg).toMatchObject({ kind: 'library', name: build.package.name, sha256: build.package.sha256 });
      const unpacked = mkdtempSync(path.join(tmpdir(), 'mace-pkg-'));
      try {
        await extract({ file: fx.store.pathOf(pkg.sha256), cwd: unpacked });
        const inner = JSON.parse(
          readFileSync(path.join(unpacked, 'manifest-host.json'), 'utf8'),
        ) as BuildPackageManifest;
        expect(inner.nativeSourceHash).toBe(build.nativeSourceHash);
        expect(inner).toMatchObject({ libraryName: 'squeezenet', abi: 'host', runtimes: 'cpu' });
        expect(inner.files.map((f) => f.path)).toEqual([
          'bin/host/benchmark_model',
          'bin/host/mace_run',
          'include/mace/public/mace.h',
          'lib/host/libmace.a',
          'lib/host/libmace.so',
          'model/squeezenet1_1.data',
          'model/squeezenet1_1.mace',
        ]);
        expect(inner.models[0]).toMatchObject({ tag: 'squeezenet1_1', graphSha256: convert.graph.sha256 });
        for (const f of inner.files) expect(sha(readFileSync(path.join(unpacked, f.path)))).toBe(f.sha256);
      } finally {
        rmSync(unpacked, { recursive: true, force: true });
      }

      // validate: one passing row per output; benchmark: summary, per-op and per-type rows
      const validation = await fx.db.validationResult.findMany({ where: { runId: run.id } });
      expect(validation).toHaveLength(1);
      expect(validation[0]).toMatchObject({
        output: 'output',
        passed: true,
        threshold: 0.999,
        deviceId: agent.device.id,
      });
      expect(validation[0].cosine).toBeGreaterThan(0.999);
      const bench = await fx.db.benchmarkResult.findFirstOrThrow({
        where: { runId: run.id },
        include: { ops: true, opTypes: true },
      });
      expect(bench).toMatchObject({ modelTag: 'squeezenet1_1', count: 3, threads: 1, deviceId: agent.device.id });
      expect(bench.medianMs).toBeGreaterThan(0);
      expect(bench.ops.length).toBeGreaterThan(10);
      expect(bench.opTypes.map((t) => t.type)).toContain('Conv');

      const log = await runLog(fx.db, run.id);
      expect(log).toMatch(/converted: \d+ → \d+ nodes/);
      expect(log).toMatch(/output: cosine [01]\.\d+, SQNR .* → PASS \(threshold 0\.999\)/);
      const device = await fx.db.device.findUniqueOrThrow({ where: { id: agent.device.id } });
      expect(device.state).toBe('available');
    },
    TEST_TIMEOUT_MS,
  );

  it('returns the existing run for the same idempotency key, creating no jobs', async () => {
    const jobsBefore = await fx.db.job.count();
    const again = await submitRun(fx.db, fx.queues, {
      deploymentId,
      actions: ['convert'],
      idempotencyKey: 'ci-build-42',
    });
    expect(again.id).toBe(firstRunId);
    expect(await fx.db.job.count()).toBe(jobsBefore);
  });

  it('does no work again when a finished job is delivered again', async () => {
    const job = await fx.db.job.findFirstOrThrow({ where: { runId: firstRunId, kind: 'convert' } });
    const artifactsBefore = await fx.db.artifact.count({ where: { jobId: job.id } });
    await enqueueJob(fx.queues, job);
    await waitFor(
      'the re-delivered job to be consumed',
      async () => (await fx.queues.convert.getJob(job.id)) === undefined,
    );
    const after = await fx.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(after.attempts).toBe(1);
    expect(after.status).toBe('succeeded');
    expect(after.finishedAt).toEqual(job.finishedAt);
    expect(await fx.db.artifact.count({ where: { jobId: job.id } })).toBe(artifactsBefore);
  });

  it(
    'reuses the build of unchanged native sources: no compilation, same package',
    async () => {
      const first = await fx.db.job.findFirstOrThrow({ where: { runId: firstRunId, kind: 'build' } });
      let previous = first.result as unknown as BuildJobResult;
      // Someone editing native/ meanwhile changes the source hash: build until two builds in a row
      // see the same sources (at once on an unchanged tree, as in CI).
      for (let attempt = 0; attempt < 3; attempt++) {
        const run = await submitRun(fx.db, fx.queues, { deploymentId, actions: ['build'] });
        const done = await waitForRun(fx.db, run.id, BUILD_WAIT_MS);
        expect(done.status, done.reason ?? '').toBe('succeeded');
        const result = (await fx.db.job.findFirstOrThrow({ where: { runId: run.id, kind: 'build' } }))
          .result as unknown as BuildJobResult;
        if (result.nativeSourceHash === previous.nativeSourceHash) {
          expect(result).toMatchObject({ cacheHit: true, origin: 'cache' });
          expect(result.package.sha256).toBe(previous.package.sha256);
          expect(await runLog(fx.db, run.id)).toMatch(/build cache hit: .* skipping compilation/);
          return;
        }
        previous = result;
      }
      throw new Error('the native sources kept changing during the test');
    },
    TEST_TIMEOUT_MS,
  );
});
