// cancelRun: ends a run and every unfinished job as `cancelled` with a reason. Waiting queue
// entries are removed; a worker or agent running one of the jobs notices at its next lease
// renewal (about a second) and aborts it, killing its child processes.
import type { Db, Run } from '@mace/db';
import { RunInputError } from './errors.js';
import { emitRunEvent } from './events.js';
import { appendRunLog } from './logs.js';
import type { Queues } from './queues.js';

const UNFINISHED = ['pending', 'queued', 'running'] as const;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function cancelRun(db: Db, queues: Queues, runId: string, reason = 'cancelled by request'): Promise<Run> {
  if (typeof runId !== 'string' || !UUID_RE.test(runId))
    throw new RunInputError(`run ${JSON.stringify(runId)} does not exist`, 'runId', 404);
  const outcome = await db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM runs WHERE id = ${runId}::uuid FOR UPDATE`;
    if (!locked.length) throw new RunInputError(`run ${runId} does not exist`, 'runId', 404);
    const run = await tx.run.findUniqueOrThrow({ where: { id: runId } });
    if (['succeeded', 'failed', 'errored', 'cancelled'].includes(run.status)) return { run, jobs: [] };
    const jobs = await tx.job.findMany({
      where: { runId, status: { in: [...UNFINISHED] } },
      select: { id: true, kind: true, deviceId: true, status: true },
    });
    const now = new Date();
    await tx.job.updateMany({
      where: { runId, status: { in: [...UNFINISHED] } },
      data: { status: 'cancelled', reason, finishedAt: now, leaseExpiresAt: null },
    });
    const updated = await tx.run.update({
      where: { id: runId },
      data: { status: 'cancelled', reason, finishedAt: now },
    });
    return { run: updated, jobs };
  });
  if (outcome.jobs.length) {
    await emitRunEvent('run.cancelled', outcome.run);
    await appendRunLog(db, runId, `run cancelled: ${reason}`);
    for (const job of outcome.jobs) {
      if (job.status !== 'queued') continue;
      // A queued entry left behind would be skipped anyway (the row says cancelled).
      await queues
        .forJob(job)
        .remove(job.id)
        .catch(() => undefined);
    }
  }
  return outcome.run;
}
