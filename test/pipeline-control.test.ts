// Cancellation reaches a running job: the worker notices at its next lease renewal, aborts the job
// and kills its child process; the job and the run end `cancelled` with the reason given.
// Real PostgreSQL and Redis; the worker runs in this process, its convert task in a child.
import process from 'node:process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelRun, submitRun } from '@mace/pipeline';
import { startWorker, type RunningWorker } from '@mace/worker';
import {
  createDeployment,
  createPipelineFixture,
  runLog,
  SQUEEZENET,
  squeezenetYaml,
  uploadModelFile,
  waitFor,
  waitForLog,
  type PipelineFixture,
} from '../packages/pipeline/test/fixtures.js';

let fx: PipelineFixture;
let worker: RunningWorker;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  fx = await createPipelineFixture();
  // TEST-ONLY hook (apps/worker/src/test-hooks.ts): convert tasks wait for a file that never appears.
  process.env.MACE_TEST_HOLD_CONVERT = `${fx.artifactDir}/never-created`;
  worker = await startWorker({ db: fx.db, queues: fx.queues, store: fx.store, report: () => undefined });
});

afterAll(async () => {
  delete process.env.MACE_TEST_HOLD_CONVERT;
  await worker?.close();
  await fx?.cleanup();
});

describe('cancellation', () => {
  it('stops a running convert job and kills its child process', async () => {
    const model = await uploadModelFile(fx.db, fx.store, SQUEEZENET);
    const deployment = await createDeployment(fx.db, squeezenetYaml(model.sha256));
    const run = await submitRun(fx.db, fx.queues, { deploymentId: deployment.id, actions: ['convert', 'build'] });
    const line = await waitForLog(fx.db, run.id, /test hook: holding convert task pid \d+/);
    const pid = Number(/pid (\d+)/.exec(line)![1]);
    expect(alive(pid)).toBe(true);
    const convert = await fx.db.job.findFirstOrThrow({ where: { runId: run.id, kind: 'convert' } });
    expect(convert.status).toBe('running');

    const cancelled = await cancelRun(fx.db, fx.queues, run.id, 'stopped by the test');
    expect(cancelled).toMatchObject({ status: 'cancelled', reason: 'stopped by the test' });
    await waitFor('the convert task to be killed', async () => !alive(pid));
    await waitForLog(fx.db, run.id, /stopped: the job is cancelled/);

    const jobs = await fx.db.job.findMany({ where: { runId: run.id }, orderBy: { createdAt: 'asc' } });
    for (const job of jobs.filter((j) => j.kind === 'convert'))
      expect(job).toMatchObject({ status: 'cancelled', reason: 'stopped by the test', leaseExpiresAt: null });
    // the build either finished before the cancellation or was cancelled with it
    for (const job of jobs.filter((j) => j.kind === 'build')) expect(['succeeded', 'cancelled']).toContain(job.status);
    expect(await fx.db.artifact.count({ where: { jobId: convert.id } })).toBe(0);
    const after = await fx.db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after).toMatchObject({ status: 'cancelled', reason: 'stopped by the test' });
    expect(await runLog(fx.db, run.id)).toMatch(/run cancelled: stopped by the test/);

    // cancelling again changes nothing
    const again = await cancelRun(fx.db, fx.queues, run.id, 'a second time');
    expect(again).toMatchObject({ status: 'cancelled', reason: 'stopped by the test' });
  }, 300_000);
});
