// Nothing is lost when the worker dies: the real worker process is killed with SIGKILL while a
// convert job runs (held there by the TEST-ONLY hook MACE_TEST_HOLD_CONVERT, so the kill lands
// mid-job deterministically); a restarted worker takes the job over once its lease expires
// (BullMQ stalled-job recovery and the worker's database reconciliation), and the run succeeds.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitRun } from '@mace/pipeline';
import type { ConvertJobResult } from '@mace/protocol';
import {
  createDeployment,
  createPipelineFixture,
  runLog,
  SQUEEZENET,
  squeezenetYaml,
  uploadModelFile,
  waitFor,
  waitForLog,
  waitForRun,
  type PipelineFixture,
} from '../packages/pipeline/test/fixtures.js';
import { exited, spawnFromSource } from './helpers/processes.js';

let fx: PipelineFixture;
const workers: ChildProcess[] = [];
let output = '';

/** The worker process, configured for this test. */
function spawnWorker(extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawnFromSource(
    'apps/worker/src/main.ts',
    {
      DATABASE_URL: fx.services.databaseUrl,
      REDIS_URL: fx.services.redisUrl,
      MACE_QUEUE_PREFIX: fx.services.redisPrefix,
      ARTIFACT_DIR: fx.artifactDir,
      // short leases so that the dead worker's job is taken over soon
      MACE_JOB_LEASE_MS: '2000',
      MACE_RECONCILE_MS: '1000',
      ...extraEnv,
    },
    (text) => (output += text),
  );
  workers.push(child);
  return child;
}

beforeAll(async () => {
  fx = await createPipelineFixture();
});

afterAll(async () => {
  for (const w of workers)
    if (w.exitCode === null && w.signalCode === null) {
      w.kill('SIGTERM');
      await exited(w);
    }
  await fx?.cleanup();
});

describe('worker crash', () => {
  it('SIGKILL in the middle of a convert job: a restarted worker completes the run', async () => {
    const model = await uploadModelFile(fx.db, fx.store, SQUEEZENET);
    const deployment = await createDeployment(fx.db, squeezenetYaml(model.sha256));
    const run = await submitRun(fx.db, fx.queues, { deploymentId: deployment.id, actions: ['convert'] });

    const first = spawnWorker({ MACE_TEST_HOLD_CONVERT: path.join(fx.artifactDir, 'never-created') });
    const holding = await waitForLog(fx.db, run.id, /test hook: holding convert task pid \d+/);
    const taskPid = Number(/pid (\d+)/.exec(holding)![1]);
    const job = await fx.db.job.findFirstOrThrow({ where: { runId: run.id } });
    expect(job).toMatchObject({ status: 'running', attempts: 1 });

    first.kill('SIGKILL');
    expect(await exited(first)).toBe('SIGKILL');
    // The convert task notices that its worker is gone (its IPC channel closes) and exits.
    await waitFor('the orphaned convert task to exit', async () => {
      try {
        process.kill(taskPid, 0);
        return false;
      } catch {
        return true;
      }
    });
    expect((await fx.db.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('running');

    spawnWorker();
    const done = await waitForRun(fx.db, run.id);
    expect(done.status, `${done.reason}\n${await runLog(fx.db, run.id)}\n${output}`).toBe('succeeded');
    const after = await fx.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(after).toMatchObject({ status: 'succeeded', attempts: 2 });
    const result = after.result as unknown as ConvertJobResult;
    expect(await fx.store.has(result.graph.sha256)).toBe(true);
    expect(await fx.store.has(result.referenceOutputs.sha256)).toBe(true);
    expect(await fx.db.artifact.count({ where: { jobId: job.id } })).toBe(6);
    // The second attempt says why it ran.
    expect(await runLog(fx.db, run.id)).toMatch(/taking over|was lost .*re-queued/);
  }, 300_000);
});
