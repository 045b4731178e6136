// The API process: reads its settings from the environment (env.ts), connects PostgreSQL, the
// artifact store and the queues, seeds MACE_ADMIN_TOKEN, listens on PORT (default 8080), finishes
// pending webhook deliveries in the background, and shuts down gracefully on SIGTERM / SIGINT.
import { pino } from 'pino';
import { createDb } from '@mace/db';
import { createQueues } from '@mace/pipeline';
import { createStoreFromEnv } from '@mace/storage';
import { readApiEnv } from './env.js';
import { buildServer } from './server.js';
import { notifyRunEvents, startWebhookSweeper } from './webhooks/index.js';

/** After this, a shutdown that has not finished exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 15_000;

async function main(): Promise<void> {
  const env = readApiEnv();
  const logger = pino({ level: env.logLevel, name: 'mace-api' });
  const db = createDb(env.databaseUrl);
  const store = createStoreFromEnv(env.artifactDir);
  const queues = createQueues(env.redisUrl, { prefix: env.queuePrefix });
  const app = buildServer({
    db,
    store,
    queues,
    logger,
    uploadLimitBytes: env.uploadLimitBytes,
    adminToken: env.adminToken,
    dashboardDir: env.dashboardDir,
  });
  notifyRunEvents(db, (err) => logger.warn({ err }, 'webhook delivery failed'));
  const sweeper = startWebhookSweeper(db, { onError: (err) => logger.warn({ err }, 'webhook retry sweep failed') });

  let listening: Promise<unknown> = Promise.resolve();
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without finishing the shutdown`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: shutting down (in-flight requests finish; log streams end)`);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    void (async () => {
      await listening.catch(() => undefined); // a signal during start-up: finish starting, then stop
      await app.close();
      await sweeper.stop();
      await queues.close();
      await db.close();
      logger.info('stopped');
      process.exit(0);
    })().catch((err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  listening = app.listen({ port: env.port, host: env.host });
  await listening;
  logger.info(`artifacts in ${store.root}; upload limit ${env.uploadLimitBytes} bytes; API document at /docs/json`);
}

main().catch((err: unknown) => {
  process.stderr.write(`mace-api: could not start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
