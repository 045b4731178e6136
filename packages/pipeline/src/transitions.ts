// The job state machine in PostgreSQL. Every transition is a conditional update on the row, so
// that concurrent workers, re-delivered queue messages and a reconciler can race safely:
//
//   pending ──deps succeeded──▶ queued ──claim──▶ running ──▶ succeeded | failed | errored
//                                  ▲                 │
//                                  └── retry / lease expired / worker shut down
//   any non-terminal ──cancelRun / a dependency did not succeed──▶ cancelled
//
// A claim bumps `attempts`; later writes of that attempt require the same `attempts` and status
// `running`, so a worker whose job was cancelled or taken over cannot overwrite the outcome.
import type { Db, Job, Prisma } from '@mace/db';
import { jobLabel } from './run-status.js';

type Tx = Prisma.TransactionClient;

export type ClaimResult =
  | { kind: 'claimed'; job: Job; takeover: boolean }
  /** Another worker holds a live lease: try again when it expires. */
  | { kind: 'busy'; until: Date }
  /** Nothing to do: finished, cancelled, waiting for dependencies, or gone. */
  | { kind: 'skip'; reason: string };

const TERMINAL = ['succeeded', 'failed', 'errored', 'cancelled'] as const;

export async function claimJob(db: Db, jobId: string, leaseMs: number): Promise<ClaimResult> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const job = await db.job.findUnique({ where: { id: jobId } });
    if (!job) return { kind: 'skip', reason: `job ${jobId} does not exist (its run was deleted)` };
    if ((TERMINAL as readonly string[]).includes(job.status)) return { kind: 'skip', reason: `already ${job.status}` };
    if (job.status === 'pending') return { kind: 'skip', reason: 'still waiting for its dependencies' };
    const now = new Date();
    if (job.status === 'running' && job.leaseExpiresAt && job.leaseExpiresAt > now)
      return { kind: 'busy', until: job.leaseExpiresAt };
    const r = await db.job.updateMany({
      where: { id: jobId, status: job.status, attempts: job.attempts },
      data: {
        status: 'running',
        attempts: { increment: 1 },
        leaseExpiresAt: new Date(now.getTime() + leaseMs),
        startedAt: now,
        reason: null,
      },
    });
    if (r.count === 1) {
      const claimed = await db.job.findUniqueOrThrow({ where: { id: jobId } });
      return { kind: 'claimed', job: claimed, takeover: job.status === 'running' };
    }
    // Someone else changed the row between the read and the update: look again.
  }
  return { kind: 'busy', until: new Date(Date.now() + leaseMs) };
}

/** Extends the lease of a running attempt; false when the job is no longer ours (cancelled, taken over). */
export async function renewLease(db: Db, job: Pick<Job, 'id' | 'attempts'>, leaseMs: number): Promise<boolean> {
  const r = await db.job.updateMany({
    where: { id: job.id, status: 'running', attempts: job.attempts },
    data: { leaseExpiresAt: new Date(Date.now() + leaseMs) },
  });
  return r.count === 1;
}

export interface NewArtifact {
  kind: Prisma.ArtifactCreateManyInput['kind'];
  name: string;
  sha256: string;
  size: number;
  contentType?: string;
  metadata?: Prisma.InputJsonValue;
  deviceId?: string | null;
}

export interface SuccessInput {
  result: Prisma.InputJsonValue;
  artifacts?: NewArtifact[];
  /** Extra writes committed with the success (result rows of device jobs). */
  commit?: (tx: Tx) => Promise<void>;
}

/** Records a success (with its artifacts) atomically; false when the attempt lost the job meanwhile. */
export async function completeJob(db: Db, job: Job, outcome: SuccessInput): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const r = await tx.job.updateMany({
      where: { id: job.id, status: 'running', attempts: job.attempts },
      data: { status: 'succeeded', result: outcome.result, reason: null, finishedAt: new Date(), leaseExpiresAt: null },
    });
    if (r.count !== 1) return false;
    // A retried attempt replaces what an earlier attempt may have recorded.
    await tx.artifact.deleteMany({ where: { jobId: job.id } });
    if (outcome.artifacts?.length) {
      await tx.artifact.createMany({
        data: outcome.artifacts.map((a) => ({
          kind: a.kind,
          name: a.name,
          sha256: a.sha256,
          size: BigInt(a.size),
          contentType: a.contentType ?? 'application/octet-stream',
          metadata: a.metadata ?? {},
          storageKey: a.sha256,
          runId: job.runId,
          jobId: job.id,
          deviceId: a.deviceId ?? job.deviceId,
        })),
      });
    }
    await outcome.commit?.(tx);
    return true;
  });
}

/** Ends the attempt in a terminal state (failed / errored) with a reason. */
export async function finishJob(db: Db, job: Job, status: 'failed' | 'errored', reason: string): Promise<boolean> {
  const r = await db.job.updateMany({
    where: { id: job.id, status: 'running', attempts: job.attempts },
    data: { status, reason, finishedAt: new Date(), leaseExpiresAt: null },
  });
  return r.count === 1;
}

/** Puts the job back in the queue state for another attempt. `refund` gives the attempt back (shutdown). */
export async function requeueJob(db: Db, job: Job, reason: string, refund = false): Promise<boolean> {
  const r = await db.job.updateMany({
    where: { id: job.id, status: 'running', attempts: job.attempts },
    data: { status: 'queued', reason, leaseExpiresAt: null, ...(refund ? { attempts: { decrement: 1 } } : {}) },
  });
  return r.count === 1;
}

/**
 * Moves dependents whose dependencies all succeeded from pending to queued. Returns the jobs
 * this call promoted (the caller enqueues them).
 */
export async function promoteDependents(db: Db, jobId: string): Promise<Job[]> {
  const links = await db.jobDependency.findMany({
    where: { dependsOnId: jobId, job: { status: 'pending' } },
    select: { job: { select: { id: true, dependsOn: { select: { dependsOn: { select: { status: true } } } } } } },
  });
  const promoted: Job[] = [];
  for (const { job } of links) {
    if (!job.dependsOn.every((d) => d.dependsOn.status === 'succeeded')) continue;
    const r = await db.job.updateMany({ where: { id: job.id, status: 'pending' }, data: { status: 'queued' } });
    if (r.count === 1) promoted.push(await db.job.findUniqueOrThrow({ where: { id: job.id } }));
  }
  return promoted;
}

/** Cancels the pending jobs that (transitively) depend on a job that did not succeed. */
export async function skipDependents(
  db: Db,
  job: Pick<Job, 'id' | 'kind' | 'modelTag' | 'abi' | 'deviceId' | 'status'>,
): Promise<number> {
  let frontier = [job.id];
  let total = 0;
  const reason = `not run: ${jobLabel(job)} ${job.status}`;
  while (frontier.length) {
    const links = await db.jobDependency.findMany({
      where: { dependsOnId: { in: frontier }, job: { status: 'pending' } },
      select: { jobId: true },
    });
    const ids = [...new Set(links.map((l) => l.jobId))];
    if (!ids.length) break;
    const r = await db.job.updateMany({
      where: { id: { in: ids }, status: 'pending' },
      data: { status: 'cancelled', reason, finishedAt: new Date() },
    });
    total += r.count;
    frontier = ids;
  }
  return total;
}
