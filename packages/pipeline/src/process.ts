// The process shell shared by the worker and agent entry points: starts a consumer, logs with a
// role prefix, and on SIGTERM/SIGINT closes it (running jobs go back to the queue), then the
// queues and the database, and exits.
import type { Db } from '@mace/db';
import type { Queues } from './queues.js';

export type ProcessLog = (line: string) => void;

export function processLog(role: string): ProcessLog {
  return (line) => void process.stdout.write(`[${role}] ${line}\n`);
}

export async function runConsumerProcess(
  role: string,
  deps: { db: Db; queues: Queues },
  start: (log: ProcessLog) => Promise<{ close(): Promise<void>; banner: string }>,
): Promise<void> {
  const log = processLog(role);
  const { db, queues } = deps;
  try {
    const consumer = await start(log);
    log(consumer.banner);
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping`);
      consumer
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
    process.stderr.write(`[${role}] could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    await queues.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    process.exit(1);
  }
}
