// The worker process's body: consumes the `convert` and `build` queues and reconciles the database
// with the queues at start (jobs left running by a dead worker are re-queued) and periodically.
import type { Db } from '@mace/db';
import {
  pipelineSettings,
  reconcile,
  startConsumer,
  type Consumer,
  type PipelineSettings,
  type Queues,
} from '@mace/pipeline';
import { BUILD_QUEUE, CONVERT_QUEUE } from '@mace/protocol';
import type { ArtifactStore } from '@mace/storage';
import { buildHandler } from './build/handler.js';
import { convertHandler } from './convert/handler.js';

export interface WorkerOptions {
  db: Db;
  queues: Queues;
  store: ArtifactStore;
  /** Convert jobs at once (default MACE_CONVERT_CONCURRENCY or 1). Builds run one at a time. */
  convertConcurrency?: number;
  settings?: Partial<PipelineSettings>;
  report?: (line: string) => void;
}

export interface RunningWorker {
  close(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { db, queues, store } = options;
  const settings = pipelineSettings(options.settings);
  const report = options.report ?? ((line: string) => process.stdout.write(`[worker] ${line}\n`));
  const atStart = await reconcile(db, queues);
  report(
    `reconciled: ${atStart.requeued} lost job(s) re-queued, ${atStart.enqueued} queued job(s) handed to the queues, ` +
      `${atStart.promoted} promoted, ${atStart.runsUpdated} run(s) updated`,
  );
  const consumers: Consumer[] = [
    startConsumer({
      db,
      queues,
      queueName: CONVERT_QUEUE,
      handlers: { convert: convertHandler(store) },
      concurrency: options.convertConcurrency ?? Number(process.env.MACE_CONVERT_CONCURRENCY ?? 1),
      settings,
      report,
    }),
    startConsumer({
      db,
      queues,
      queueName: BUILD_QUEUE,
      handlers: { build: buildHandler(store) },
      concurrency: 1,
      settings,
      report,
    }),
  ];
  let reconciling = false;
  const timer = setInterval(() => {
    if (reconciling) return;
    reconciling = true;
    reconcile(db, queues)
      .then((r) => {
        if (r.requeued || r.promoted || r.skipped || r.stranded || r.runsUpdated)
          report(`reconciled: ${JSON.stringify(r)}`);
      })
      .catch((err: unknown) => report(`reconciliation failed (will retry): ${String(err)}`))
      .finally(() => (reconciling = false));
  }, settings.reconcileMs);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await Promise.all(consumers.map((c) => c.close()));
    },
  };
}
