// Nothing is lost when the agent dies: the real agent process is killed with SIGKILL while a
// benchmark runs on its device; a restarted agent re-registers the device, takes the job over once
// its lease expires (reconciliation), and the run succeeds with no job left `running`.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitRun } from '@mace/pipeline';
import { startWorker, type RunningWorker } from '@mace/worker';
import {
  CORPUS,
  createDeployment,
  createPipelineFixture,
  runLog,
  uploadModelFile,
  waitFor,
  waitForLog,
  waitForRun,
  type PipelineFixture,
} from '../packages/pipeline/test/fixtures.js';
import { exited, spawnFromSource } from './helpers/processes.js';

let fx: PipelineFixture;
let worker: RunningWorker;
let cacheDir: string;
const agents: ChildProcess[] = [];
let output = '';
const serial = `host:agent-crash-${process.pid}`;

function spawnAgent(): ChildProcess {
  const child = spawnFromSource(
    'apps/agent/src/main.ts',
    {
      DATABASE_URL: fx.services.databaseUrl,
      REDIS_URL: fx.services.redisUrl,
      MACE_QUEUE_PREFIX: fx.services.redisPrefix,
      ARTIFACT_DIR: fx.artifactDir,
      MACE_HOST_DEVICE_SERIAL: serial,
      MACE_AGENT_CACHE_DIR: cacheDir,
      MACE_JOB_LEASE_MS: '2000',
      MACE_RECONCILE_MS: '1000',
      MACE_RETRY_BASE_MS: '500',
    },
    (text) => (output += text),
  );
  agents.push(child);
  return child;
}

beforeAll(async () => {
  fx = await createPipelineFixture();
  cacheDir = await mkdtemp(path.join(tmpdir(), 'mace-agent-crash-'));
  worker = await startWorker({ db: fx.db, queues: fx.queues, store: fx.store, report: () => undefined });
});

afterAll(async () => {
  for (const a of agents)
    if (a.exitCode === null && a.signalCode === null) {
      a.kill('SIGTERM');
      await exited(a);
    }
  await worker?.close();
  await fx?.cleanup();
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
});

describe('agent crash', () => {
  it('SIGKILL in the middle of a benchmark: a restarted agent retries the job and the run succeeds', async () => {
    const model = await uploadModelFile(fx.db, fx.store, path.join(CORPUS, 'mobilenet_v2.onnx'));
    const deployment = await createDeployment(
      fx.db,
      `library_name: mobilenet
target_abis: [host]
models:
  mobilenet_v2:
    platform: onnx
    model_file_path: mobilenet_v2.onnx
    model_sha256_checksum: ${model.sha256}
    subgraphs:
      - input_tensors: input
        input_shapes: 1,3,224,224
        input_data_formats: NCHW
        output_tensors: output
        output_shapes: 1,1000
    runtime: cpu
`,
    );
    const first = spawnAgent();
    const device = await waitFor('the agent to register the host', async () => {
      const d = await fx.db.device.findUnique({ where: { serial } });
      return d?.state === 'available' ? d : null;
    });
    const run = await submitRun(fx.db, fx.queues, {
      deploymentId: deployment.id,
      actions: ['benchmark'],
      deviceSelector: { ids: [device.id] },
      options: { round: 300, threads: 1 },
    });
    await waitForLog(fx.db, run.id, /\$ \S+benchmark_model/, 300_000);
    const job = await fx.db.job.findFirstOrThrow({ where: { runId: run.id, kind: 'benchmark' } });
    expect(job).toMatchObject({ status: 'running', attempts: 1 });

    first.kill('SIGKILL');
    expect(await exited(first)).toBe('SIGKILL');
    expect((await fx.db.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('running');

    spawnAgent();
    const done = await waitForRun(fx.db, run.id, 300_000);
    expect(done.status, `${done.reason}\n${await runLog(fx.db, run.id)}\n${output}`).toBe('succeeded');
    expect(await fx.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'succeeded',
      attempts: 2,
    });
    expect(await fx.db.job.count({ where: { runId: run.id, status: 'running' } })).toBe(0);
    expect(await fx.db.benchmarkResult.count({ where: { jobId: job.id } })).toBe(1);
    expect(await runLog(fx.db, run.id)).toMatch(/taking over|was lost .*re-queued/);
  }, 600_000);
});
