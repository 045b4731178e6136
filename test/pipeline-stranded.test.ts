// A device that never comes back: its queued jobs do not wait forever. Reconciliation ends them
// `errored` with the device and when it was last seen, cancels what depends on them, and the run
// ends errored with that reason — unless the device is back within the grace period.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcile, submitRun } from '@mace/pipeline';
import {
  createDeployment,
  createPipelineFixture,
  SQUEEZENET,
  squeezenetYaml,
  uploadModelFile,
  type PipelineFixture,
} from '../packages/pipeline/test/fixtures.js';

let fx: PipelineFixture;
beforeAll(async () => {
  fx = await createPipelineFixture();
});
afterAll(async () => {
  await fx?.cleanup();
});

async function runWaitingFor(deviceSerial: string) {
  const device = await fx.db.device.create({
    data: { serial: deviceSerial, kind: 'host', abis: ['host'], state: 'available', lastHeartbeatAt: new Date() },
  });
  const model = await uploadModelFile(fx.db, fx.store, SQUEEZENET);
  const deployment = await createDeployment(fx.db, squeezenetYaml(model.sha256));
  const run = await submitRun(fx.db, fx.queues, {
    deploymentId: deployment.id,
    actions: ['validate', 'benchmark'],
    deviceSelector: { ids: [device.id] },
  });
  // convert and build done; validate is queued for the device, benchmark waits for it
  await fx.db.job.updateMany({
    where: { runId: run.id, kind: { in: ['convert', 'build'] } },
    data: { status: 'succeeded' },
  });
  await fx.db.job.updateMany({ where: { runId: run.id, kind: 'validate' }, data: { status: 'queued' } });
  return { device, run };
}

describe('jobs of a device that is gone', () => {
  it('end errored after the grace period, with the reason; dependents are cancelled', async () => {
    const { device, run } = await runWaitingFor('host:gone-for-good');
    const lastSeen = new Date(Date.now() - 3_600_000);
    await fx.db.device.update({ where: { id: device.id }, data: { state: 'offline', lastHeartbeatAt: lastSeen } });
    const report = await reconcile(fx.db, fx.queues);
    expect(report.stranded).toBe(1);
    const jobs = await fx.db.job.findMany({ where: { runId: run.id, deviceId: device.id } });
    const byKind = Object.fromEntries(jobs.map((j) => [j.kind, j]));
    expect(byKind.benchmark.status).toBe('cancelled');
    expect(byKind.validate.status).toBe('errored');
    expect(byKind.validate.reason).toBe(
      `device host:gone-for-good is offline (last seen ${lastSeen.toISOString()}); gave up waiting for it after 600 s`,
    );
    const after = await fx.db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.status).toBe('errored');
    expect(after.reason).toContain('device host:gone-for-good is offline');
  });

  it('keep waiting while the device is gone for less than the grace period', async () => {
    const { device, run } = await runWaitingFor('host:back-soon');
    await fx.db.device.update({
      where: { id: device.id },
      data: { state: 'offline', lastHeartbeatAt: new Date(Date.now() - 60_000) },
    });
    expect((await reconcile(fx.db, fx.queues)).stranded).toBe(0);
    const validate = await fx.db.job.findFirstOrThrow({ where: { runId: run.id, kind: 'validate' } });
    expect(validate.status).toBe('queued');
  });
});
