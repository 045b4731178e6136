// The host agent process: `node apps/agent/dist/main.js`. Environment: DATABASE_URL, REDIS_URL,
// ARTIFACT_DIR (the same store as the worker's: the agent reads artifacts from it), and
// MACE_HOST_DEVICE_SERIAL, MACE_AGENT_CACHE_DIR (optional). SIGTERM/SIGINT: the running job goes
// back to the queue and the device is marked offline.
import { notifyRunEvents } from '@mace/api/webhooks';
import { createDb } from '@mace/db';
import { createQueues, processLog, runConsumerProcess } from '@mace/pipeline';
import { createStoreFromEnv } from '@mace/storage';
import { startAgent } from './agent.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const db = createDb();
const queues = createQueues(redisUrl);
const store = createStoreFromEnv();
const log = processLog('agent');
notifyRunEvents(db, (err) => log(`webhook delivery failed: ${String(err)}`));

await runConsumerProcess('agent', { db, queues }, async (report) => {
  const agent = await startAgent({ db, queues, store, report });
  return { close: () => agent.close(), banner: `consuming queue device.${agent.device.id} (pid ${process.pid})` };
});
