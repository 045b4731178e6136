// The worker process: `node apps/worker/dist/main.js`. Environment: DATABASE_URL, REDIS_URL,
// ARTIFACT_DIR (see README/docs); MACE_JOB_LEASE_MS, MACE_RETRY_BASE_MS, MACE_RECONCILE_MS
// (packages/pipeline/src/settings.ts); MACE_BUILD_CACHE_DIR, MACE_NATIVE_DIR (paths.ts).
// SIGTERM/SIGINT: running jobs are handed back to the queue, then the process exits.
import { notifyRunEvents } from '@mace/api/webhooks';
import { createDb } from '@mace/db';
import { createQueues, processLog, runConsumerProcess } from '@mace/pipeline';
import { createStoreFromEnv } from '@mace/storage';
import { startWorker } from './worker.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const db = createDb();
const queues = createQueues(redisUrl);
const store = createStoreFromEnv();
const log = processLog('worker');
notifyRunEvents(db, (err) => log(`webhook delivery failed: ${String(err)}`));

await runConsumerProcess('worker', { db, queues }, async (report) => {
  const worker = await startWorker({ db, queues, store, report });
  return {
    close: () => worker.close(),
    banner: `consuming queues convert and build (artifacts in ${store.root}, pid ${process.pid})`,
  };
});
