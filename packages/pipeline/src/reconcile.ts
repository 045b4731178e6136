// Reconciliation of the database (the truth) with the queues (the transport), run by every
// worker and agent at start and then periodically. It repairs what a killed process leaves:
//   - running jobs whose lease expired (their worker died) → queued again and re-enqueued;
//   - queued jobs → (re-)added to their queue (a no-op when the queue still holds them), which
//     covers a crash between a commit and its enqueue, or a flushed Redis;
//   - pending jobs whose dependencies all succeeded → queued; whose dependency did not → cancelled;
//   - queued device jobs whose device has been gone (offline, unauthorized, quarantined, no
//     heartbeat) longer than MACE_DEVICE_GRACE_MS (default 10 min) → errored with that reason;
//   - unfinished runs → their status recomputed from their jobs.
import type { Db, JobKind } from '@mace/db';
import { appendJobLog } from './logs.js';
import { enqueueJob, type Queues } from './queues.js';
import { refreshRunStatus } from './run-status.js';
import { skipDependents } from './transitions.js';

export interface ReconcileOptions {
  /** Only jobs of these kinds (default: all). */
  kinds?: JobKind[];
  /** Only device jobs of these devices (agents reconcile their own devices). */
  deviceIds?: string[];
}

export interface ReconcileReport {
  requeued: number;
  enqueued: number;
  promoted: number;
  skipped: number;
  /** Queued device jobs ended errored because their device stayed gone. */
  stranded: number;
  runsUpdated: number;
}

/** How long a device may be gone before its queued jobs end errored (MACE_DEVICE_GRACE_MS, default 10 min). */
export function deviceGraceMs(): number {
  return Number(process.env.MACE_DEVICE_GRACE_MS ?? 600_000);
}

async function errorJobsOfGoneDevices(
  db: Db,
  scope: object,
  now: Date,
): Promise<{ stranded: number; skipped: number }> {
  const since = new Date(now.getTime() - deviceGraceMs());
  const stranded = await db.job.findMany({
    where: {
      ...scope,
      status: 'queued',
      device: {
        state: { in: ['offline', 'unauthorized', 'quarantined'] },
        OR: [{ lastHeartbeatAt: null }, { lastHeartbeatAt: { lt: since } }],
      },
    },
    include: { device: true },
  });
  let skipped = 0;
  let strandedCount = 0;
  for (const job of stranded) {
    const d = job.device!;
    const seen = d.lastHeartbeatAt ? `last seen ${d.lastHeartbeatAt.toISOString()}` : 'never seen';
    const reason = `device ${d.serial} is ${d.state} (${seen}); gave up waiting for it after ${Math.round(deviceGraceMs() / 1000)} s`;
    const r = await db.job.updateMany({
      where: { id: job.id, status: 'queued' },
      data: { status: 'errored', reason, finishedAt: now },
    });
    if (r.count !== 1) continue;
    await appendJobLog(db, job.id, 'system', reason);
    strandedCount++;
    skipped += await skipDependents(db, { ...job, status: 'errored' });
  }
  return { stranded: strandedCount, skipped };
}

export async function reconcile(db: Db, queues: Queues, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const scope = {
    ...(options.kinds ? { kind: { in: options.kinds } } : {}),
    ...(options.deviceIds ? { deviceId: { in: options.deviceIds } } : {}),
  };
  const report: ReconcileReport = { requeued: 0, enqueued: 0, promoted: 0, skipped: 0, stranded: 0, runsUpdated: 0 };
  const now = new Date();

  const expired = await db.job.findMany({
    where: { ...scope, status: 'running', OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }] },
  });
  for (const job of expired) {
    const r = await db.job.updateMany({
      where: { id: job.id, status: 'running', attempts: job.attempts },
      data: {
        status: 'queued',
        leaseExpiresAt: null,
        reason: 're-queued: the process running it stopped renewing its lease',
      },
    });
    if (r.count === 1) {
      report.requeued++;
      await appendJobLog(
        db,
        job.id,
        'system',
        `attempt ${job.attempts} was lost (its process stopped renewing the lease): re-queued`,
      );
    }
  }

  const gone = await errorJobsOfGoneDevices(db, scope, now);
  report.stranded += gone.stranded;
  report.skipped += gone.skipped;

  const queued = await db.job.findMany({ where: { ...scope, status: 'queued' }, orderBy: { createdAt: 'asc' } });
  for (const job of queued) {
    await enqueueJob(queues, job);
    report.enqueued++;
  }

  const pending = await db.job.findMany({
    where: { ...scope, status: 'pending' },
    include: { dependsOn: { include: { dependsOn: true } } },
  });
  for (const job of pending) {
    const deps = job.dependsOn.map((d) => d.dependsOn);
    const blocker = deps.find((d) => ['failed', 'errored', 'cancelled'].includes(d.status));
    if (blocker) {
      report.skipped += await skipDependents(db, blocker);
    } else if (deps.every((d) => d.status === 'succeeded')) {
      const r = await db.job.updateMany({ where: { id: job.id, status: 'pending' }, data: { status: 'queued' } });
      if (r.count === 1) {
        report.promoted++;
        await enqueueJob(queues, job);
      }
    }
  }

  const runs = await db.run.findMany({ where: { status: { in: ['queued', 'running'] } }, select: { id: true } });
  for (const run of runs) if ((await refreshRunStatus(db, run.id)).changed) report.runsUpdated++;
  return report;
}
