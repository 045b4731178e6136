// The worker process: `node apps/worker/dist/main.js`. Environment: DATABASE_URL, REDIS_URL,
// ARTIFACT_DIR (see README/docs); MACE_JOB_LEASE_MS, MACE_RETRY_BASE_MS, MACE_RECONCILE_MS
// (packages/pipeline/src/settings.ts); MACE_BUILD_CACHE_DIR, MACE_NATIVE_DIR (paths.ts).
// SIGTERM/SIGINT: running jobs are handed back to the queue, then the process exits.
import { notifyRunEvents } from '@mace/api/webhooks';
import { createDb } from '@mace/db';
import { createQueues } from '@mace/pipeline';
import { createStoreFromEnv } from '@mace/storage';
import { startWorker } from './worker.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const db = createDb();
const queues = createQueues(redisUrl);
const store = createStoreFromEnv();
const log = (line: string): void => void process.stdout.write(`[worker] ${line}\n`);
notifyRunEvents(db, (err) => log(`webhook delivery failed: ${String(err)}`));

try {
  const worker = await startWorker({ db, queues, store, report: log });
  log(`consuming queues convert and build (artifacts in ${store.root}, pid ${process.pid})`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    worker
      .close()
      .then(() => queues.close())
      .then(() => db.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log(`error while stopping: ${String(err)}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (err) {
  process.stderr.write(`[worker] could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  await queues.close().catch(() => undefined);
  await db.close().catch(() => undefined);
  process.exit(1);
}
