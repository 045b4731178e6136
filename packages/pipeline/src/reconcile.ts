// Reconciliation of the database (the truth) with the queues (the transport), run by every
// worker and agent at start and then periodically. It repairs what a killed process leaves:
//   - running jobs whose lease expired (their worker died) → queued again and re-enqueued;
//   - queued jobs → (re-)added to their queue (a no-op when the queue still holds them), which
//     covers a crash between a commit and its enqueue, or a flushed Redis;
//   - pending jobs whose dependencies all succeeded → queued; whose dependency did not → cancelled;
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
  runsUpdated: number;
}

export async function reconcile(db: Db, queues: Queues, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const scope = {
    ...(options.kinds ? { kind: { in: options.kinds } } : {}),
    ...(options.deviceIds ? { deviceId: { in: options.deviceIds } } : {}),
  };
  const report: ReconcileReport = { requeued: 0, enqueued: 0, promoted: 0, skipped: 0, runsUpdated: 0 };
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
