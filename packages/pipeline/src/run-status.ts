// A run's state derives from its jobs: queued until one starts, running until all are terminal,
// then failed (a user error anywhere) > errored (infrastructure) > cancelled > succeeded.
import { emitRunEvent, runEventFor } from './events.js';
import type { Db, Job, Run } from '@mace/db';
import type { RunStatus } from '@mace/protocol';

type JobView = Pick<Job, 'kind' | 'status' | 'reason' | 'modelTag' | 'abi' | 'deviceId' | 'attempts'>;

const TERMINAL = new Set(['succeeded', 'failed', 'errored', 'cancelled']);

/** "convert squeezenet1_1", "build host", "validate squeezenet1_1 on <device>". */
export function jobLabel(job: Pick<Job, 'kind' | 'modelTag' | 'abi' | 'deviceId'>): string {
  const parts: string[] = [job.kind];
  if (job.modelTag) parts.push(job.modelTag);
  if (job.kind === 'build' && job.abi) parts.push(job.abi);
  if (job.deviceId && job.kind !== 'build' && job.kind !== 'convert') parts.push(`on device ${job.deviceId}`);
  return parts.join(' ');
}

export interface DerivedRunState {
  status: RunStatus;
  reason: string | null;
}

export function deriveRunStatus(
  jobs: JobView[],
  current?: { status: RunStatus; reason: string | null },
): DerivedRunState {
  // A cancelled run stays cancelled with its reason (its jobs were cancelled with it).
  if (current?.status === 'cancelled') return { status: 'cancelled', reason: current.reason };
  if (jobs.length === 0) return { status: 'succeeded', reason: 'nothing to do' };
  if (!jobs.every((j) => TERMINAL.has(j.status))) {
    const started = jobs.some((j) => j.status === 'running' || TERMINAL.has(j.status) || j.attempts > 0);
    return { status: started ? 'running' : 'queued', reason: null };
  }
  for (const status of ['failed', 'errored'] as const) {
    const first = jobs.find((j) => j.status === status);
    if (first) return { status, reason: `${jobLabel(first)}: ${first.reason ?? status}` };
  }
  const cancelled = jobs.find((j) => j.status === 'cancelled');
  if (cancelled) return { status: 'cancelled', reason: `${jobLabel(cancelled)}: ${cancelled.reason ?? 'cancelled'}` };
  return { status: 'succeeded', reason: null };
}

/**
 * Recomputes a run's status from its jobs and stores it. Serialized per run (row lock), so two
 * processes finishing jobs at once cannot store a stale state. Returns the run and whether it changed.
 */
export async function refreshRunStatus(db: Db, runId: string): Promise<{ run: Run; changed: boolean }> {
  const result = await db.$transaction(
    async (tx): Promise<{ run: Run; changed: boolean; previous?: Run['status'] }> => {
      await tx.$executeRaw`SELECT 1 FROM runs WHERE id = ${runId}::uuid FOR UPDATE`;
      const run = await tx.run.findUniqueOrThrow({ where: { id: runId } });
      const jobs = await tx.job.findMany({
        where: { runId },
        orderBy: { createdAt: 'asc' },
        select: { kind: true, status: true, reason: true, modelTag: true, abi: true, deviceId: true, attempts: true },
      });
      const next = deriveRunStatus(jobs, { status: run.status, reason: run.reason });
      if (next.status === run.status && next.reason === run.reason) return { run, changed: false };
      const now = new Date();
      const terminal = TERMINAL.has(next.status);
      const updated = await tx.run.update({
        where: { id: runId },
        data: {
          status: next.status,
          reason: next.reason,
          ...(next.status !== 'queued' && !run.startedAt ? { startedAt: now } : {}),
          ...(terminal && !run.finishedAt ? { finishedAt: now } : {}),
        },
      });
      return { run: updated, changed: true, previous: run.status };
    },
  );
  if (result.changed && result.previous) await emitRunEvent(runEventFor(result.previous, result.run), result.run);
  return { run: result.run, changed: result.changed };
}
