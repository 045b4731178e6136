// The host agent process: `node apps/agent/dist/main.js`. Environment: DATABASE_URL, REDIS_URL,
// ARTIFACT_DIR (the same store as the worker's: the agent reads artifacts from it), and
// MACE_HOST_DEVICE_SERIAL, MACE_AGENT_CACHE_DIR (optional). SIGTERM/SIGINT: the running job goes
// back to the queue and the device is marked offline.
import { notifyRunEvents } from '@mace/api/webhooks';
import { createDb } from '@mace/db';
import { createQueues } from '@mace/pipeline';
import { createStoreFromEnv } from '@mace/storage';
import { startAgent } from './agent.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const db = createDb();
const queues = createQueues(redisUrl);
const store = createStoreFromEnv();
const log = (line: string): void => void process.stdout.write(`[agent] ${line}\n`);
notifyRunEvents(db, (err) => log(`webhook delivery failed: ${String(err)}`));

try {
  const agent = await startAgent({ db, queues, store, report: log });
  log(`consuming queue device.${agent.device.id} (pid ${process.pid})`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    agent
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
  process.stderr.write(`[agent] could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  await queues.close().catch(() => undefined);
  await db.close().catch(() => undefined);
  process.exit(1);
}
