// A queue consumer: the BullMQ worker loop shared by the worker (convert, build) and the agents
// (device queues). For each delivered job id it claims the row (no work when it is finished or
// owned by a live worker), runs the handler with a lease it renews while the job runs, and
// records the outcome: success with artifacts, a user error (failed at once), or an
// infrastructure error (retried with exponential backoff, `errored` after the last attempt).
// Cancellation or a lost lease aborts the handler through its AbortSignal.
import { DelayedError, Worker, type Job as BullJob } from 'bullmq';
import type { Db, Job, Run } from '@mace/db';
import type { JobKind, JobPayload, QueueJobData } from '@mace/protocol';
import { errorMessage, isUserError } from './errors.js';
import { JobLogger } from './logs.js';
import { enqueueJob, type Queues } from './queues.js';
import { refreshRunStatus } from './run-status.js';
import { pipelineSettings, retryDelayMs, type PipelineSettings } from './settings.js';
import {
  claimJob,
  completeJob,
  finishJob,
  promoteDependents,
  renewLease,
  requeueJob,
  skipDependents,
  type SuccessInput,
} from './transitions.js';

export interface JobContext {
  db: Db;
  /** The row as claimed (status running, attempts = this attempt's number). */
  job: Job;
  run: Run;
  payload: JobPayload;
  /** Aborted when the job is cancelled, taken over, or the process shuts down: stop, kill children. */
  signal: AbortSignal;
  log: JobLogger;
}

export type JobHandler = (ctx: JobContext) => Promise<SuccessInput>;

export interface ConsumerOptions {
  db: Db;
  queues: Queues;
  queueName: string;
  handlers: Partial<Record<JobKind, JobHandler>>;
  concurrency?: number;
  settings?: Partial<PipelineSettings>;
  /** Where the consumer reports what it does (default: stderr lines). */
  report?: (line: string) => void;
}

export interface Consumer {
  readonly worker: Worker<QueueJobData>;
  /** Stops taking jobs; running ones are aborted and handed back to the queue for another process. */
  close(): Promise<void>;
}

class ShutdownAbort extends Error {
  constructor() {
    super('the process is shutting down');
  }
}

/** After a job ends (any way): queue what became ready, skip what cannot run, update the run. */
export async function afterJobEnded(db: Db, queues: Queues, job: Job): Promise<void> {
  const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
  if (row.status === 'succeeded') {
    for (const next of await promoteDependents(db, row.id)) await enqueueJob(queues, next);
  } else if (['failed', 'errored', 'cancelled'].includes(row.status)) {
    await skipDependents(db, row);
  }
  await refreshRunStatus(db, row.runId);
}

export function startConsumer(options: ConsumerOptions): Consumer {
  const { db, queues, handlers } = options;
  const settings = pipelineSettings(options.settings);
  const report = options.report ?? ((line: string) => process.stderr.write(`${line}\n`));
  const active = new Map<string, AbortController>();
  let closing = false;

  async function processJob(bullJob: BullJob<QueueJobData>, token?: string): Promise<string> {
    const { jobId } = bullJob.data;
    const claim = await claimJob(db, jobId, settings.leaseMs);
    if (claim.kind === 'skip') return `skipped: ${claim.reason}`;
    if (claim.kind === 'busy') {
      // Another attempt holds a live lease (its worker may have died): look again when it expires.
      await bullJob.moveToDelayed(claim.until.getTime() + 250, token);
      throw new DelayedError();
    }
    const job = claim.job;
    const log = new JobLogger(db, job.id, job.runId);
    const handler = handlers[job.kind];
    if (claim.takeover)
      log.system(
        `attempt ${job.attempts}: taking over; the worker that ran the previous attempt stopped renewing its lease (it presumably died)`,
      );
    else log.system(`attempt ${job.attempts} of ${job.maxAttempts} started`);
    await refreshRunStatus(db, job.runId);
    if (!handler) {
      await finishJob(
        db,
        job,
        'errored',
        `this process (queue ${options.queueName}) has no handler for ${job.kind} jobs`,
      );
      await log.flush();
      await afterJobEnded(db, queues, job);
      return 'no handler';
    }

    const controller = new AbortController();
    active.set(job.id, controller);
    // Renew the lease often: a failed renewal means the job was cancelled or taken over.
    const pollMs = Math.max(100, Math.min(1_000, settings.leaseMs / 3));
    const timer = setInterval(() => {
      renewLease(db, job, settings.leaseMs).then(
        (ours) => {
          if (!ours && !controller.signal.aborted) controller.abort(new Error('the job was cancelled or taken over'));
        },
        () => undefined, // the database is briefly unreachable: try again at the next tick
      );
    }, pollMs);
    try {
      const run = await db.run.findUniqueOrThrow({ where: { id: job.runId } });
      const outcome = await handler({
        db,
        job,
        run,
        payload: (job.payload ?? {}) as JobPayload,
        signal: controller.signal,
        log,
      });
      if (controller.signal.aborted) throw controller.signal.reason;
      clearInterval(timer);
      if (await completeJob(db, job, outcome)) log.system('succeeded');
      else log.system('finished, but the job was cancelled or taken over meanwhile: result discarded');
      await log.flush();
      await afterJobEnded(db, queues, job);
      return 'succeeded';
    } catch (err) {
      clearInterval(timer);
      const reason = controller.signal.aborted ? controller.signal.reason : err;
      return await recordFailure(bullJob, token, job, log, reason, err);
    } finally {
      clearInterval(timer);
      active.delete(job.id);
      await log.flush();
    }
  }

  async function recordFailure(
    bullJob: BullJob<QueueJobData>,
    token: string | undefined,
    job: Job,
    log: JobLogger,
    abortReason: unknown,
    err: unknown,
  ): Promise<string> {
    if (abortReason instanceof ShutdownAbort) {
      await requeueJob(db, job, 'the process running it shut down; re-queued', true);
      log.system('stopped: this process is shutting down; the job goes back to the queue');
      await log.flush();
      await bullJob.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    const current = await db.job.findUnique({ where: { id: job.id }, select: { status: true, attempts: true } });
    if (!current || current.status !== 'running' || current.attempts !== job.attempts) {
      log.system(
        `stopped: ${current ? `the job is ${current.status}` : 'the job was deleted'}${current?.status === 'running' ? ' by another attempt' : ''}`,
      );
      await log.flush();
      return 'aborted';
    }
    const message = errorMessage(err);
    if (isUserError(err)) {
      await finishJob(db, job, 'failed', message);
      log.system(`failed: ${message}`);
      await log.flush();
      await afterJobEnded(db, queues, job);
      return 'failed';
    }
    if (job.attempts < job.maxAttempts) {
      const delay = retryDelayMs(settings, job.attempts);
      const note = `attempt ${job.attempts} of ${job.maxAttempts} failed (${message}); retrying in ${delay < 10_000 ? `${delay} ms` : `${(delay / 1000).toFixed(1)} s`}`;
      await requeueJob(db, job, note);
      log.system(note);
      await log.flush();
      await bullJob.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
    const reason = `gave up after ${job.attempts} attempts: ${message}`;
    await finishJob(db, job, 'errored', reason);
    log.system(`errored: ${reason}`);
    await log.flush();
    await afterJobEnded(db, queues, job);
    return 'errored';
  }

  const worker = new Worker<QueueJobData, string>(options.queueName, processJob, {
    connection: queues.connection,
    prefix: queues.prefix,
    concurrency: options.concurrency ?? 1,
    lockDuration: settings.leaseMs,
    stalledInterval: settings.leaseMs,
    // A stalled job (its worker died) goes back to the queue; the row decides what happens next.
    maxStalledCount: 100,
  });
  worker.on('failed', (bullJob, err) => {
    if (!closing)
      report(
        `queue ${options.queueName}: job ${bullJob?.id ?? '?'} could not be processed (${err.message}); BullMQ retries it`,
      );
  });
  worker.on('error', (err) => report(`queue ${options.queueName}: ${err.message}`));

  return {
    worker,
    async close() {
      closing = true;
      for (const c of active.values()) c.abort(new ShutdownAbort());
      await worker.close();
    },
  };
}
