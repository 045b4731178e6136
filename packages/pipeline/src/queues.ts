// The BullMQ queues: `convert`, `build` and one `device.<deviceId>` per device. They carry only
// job ids (QueueJobData); the jobs rows in PostgreSQL hold the state.
import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { BUILD_QUEUE, CONVERT_QUEUE, deviceQueueName, type JobKind, type QueueJobData } from '@mace/protocol';

export interface Queues {
  convert: Queue<QueueJobData>;
  build: Queue<QueueJobData>;
  device(deviceId: string): Queue<QueueJobData>;
  /** The queue a job of this kind goes to. */
  forJob(job: { kind: JobKind; deviceId: string | null }): Queue<QueueJobData>;
  /** The shared Redis connection (workers duplicate it for their blocking reads). */
  readonly connection: Redis;
  readonly prefix: string;
  readonly redisUrl: string;
  close(): Promise<void>;
}

export const DEFAULT_QUEUE_PREFIX = 'mace';

/**
 * Options of every added job. The BullMQ id is the jobs row's id, so adding a job that is still
 * in the queue is a no-op. Finished BullMQ jobs are removed (the row keeps the outcome), so a job
 * can be re-added when the database says it must run again. `attempts` covers only a processor
 * that cannot reach the database; job retries are decided from the row (see consumer.ts).
 */
export const QUEUE_JOB_OPTIONS: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
};

export function createRedisConnection(redisUrl: string): Redis {
  // maxRetriesPerRequest: null — BullMQ's blocking commands must wait through reconnects.
  return new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
}

export function createQueues(redisUrl: string, opts: { prefix?: string } = {}): Queues {
  const prefix = opts.prefix ?? process.env.MACE_QUEUE_PREFIX ?? DEFAULT_QUEUE_PREFIX;
  const connection = createRedisConnection(redisUrl);
  const make = (name: string): Queue<QueueJobData> => new Queue<QueueJobData>(name, { connection, prefix });
  const convert = make(CONVERT_QUEUE);
  const build = make(BUILD_QUEUE);
  const devices = new Map<string, Queue<QueueJobData>>();
  const device = (deviceId: string): Queue<QueueJobData> => {
    let q = devices.get(deviceId);
    if (!q) {
      q = make(deviceQueueName(deviceId));
      devices.set(deviceId, q);
    }
    return q;
  };
  return {
    convert,
    build,
    device,
    forJob(job) {
      if (job.kind === 'convert') return convert;
      if (job.kind === 'build') return build;
      if (!job.deviceId) throw new Error(`a ${job.kind} job needs a device`);
      return device(job.deviceId);
    },
    connection,
    prefix,
    redisUrl,
    async close() {
      await Promise.all([convert.close(), build.close(), ...[...devices.values()].map((q) => q.close())]);
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/** Hands a job row to its queue (idempotent while the BullMQ job exists). */
export async function enqueueJob(
  queues: Queues,
  job: { id: string; runId: string; kind: JobKind; deviceId: string | null },
  delayMs = 0,
): Promise<void> {
  const data: QueueJobData = { jobId: job.id, runId: job.runId, kind: job.kind };
  await queues
    .forJob(job)
    .add(job.kind, data, { ...QUEUE_JOB_OPTIONS, jobId: job.id, ...(delayMs > 0 ? { delay: delayMs } : {}) });
}
