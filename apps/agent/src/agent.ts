// The minimal host agent: registers this host as a device, consumes its queue `device.<id>` one
// job at a time (validate, benchmark), sends heartbeats, and reconciles its device's jobs at start.
// The full device farm (Android over adb, ARM boards over ssh, leases, reaper) is a later issue.
import type { Db, Device } from '@mace/db';
import { pipelineSettings, reconcile, startConsumer, type PipelineSettings, type Queues } from '@mace/pipeline';
import { deviceQueueName } from '@mace/protocol';
import type { ArtifactStore } from '@mace/storage';
import { benchmarkHandler } from './benchmark.js';
import { heartbeat, registerHostDevice, setDeviceState } from './host-device.js';
import { validateHandler } from './validate.js';

const HEARTBEAT_MS = 15_000;

export interface AgentOptions {
  db: Db;
  queues: Queues;
  store: ArtifactStore;
  /** Device serial (default MACE_HOST_DEVICE_SERIAL or host:<hostname>). */
  serial?: string;
  settings?: Partial<PipelineSettings>;
  report?: (line: string) => void;
}

export interface RunningAgent {
  device: Device;
  close(): Promise<void>;
}

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const { db, queues, store } = options;
  const report = options.report ?? ((line: string) => process.stdout.write(`[agent] ${line}\n`));
  const settings = pipelineSettings(options.settings);
  const device = await registerHostDevice(db, options.serial);
  report(`registered ${device.serial} as device ${device.id} (${device.abis.join(', ')})`);
  await reconcile(db, queues, { deviceIds: [device.id] });
  const validate = validateHandler(store);
  const benchmark = benchmarkHandler(store);
  // Mark the device busy while one of its jobs runs.
  const busy =
    <T>(fn: (ctx: Parameters<typeof validate>[0]) => Promise<T>) =>
    async (ctx: Parameters<typeof validate>[0]): Promise<T> => {
      await setDeviceState(db, device.id, 'busy').catch(() => undefined);
      try {
        return await fn(ctx);
      } finally {
        await setDeviceState(db, device.id, 'available').catch(() => undefined);
      }
    };
  const consumer = startConsumer({
    db,
    queues,
    queueName: deviceQueueName(device.id),
    handlers: { validate: busy(validate), benchmark: busy(benchmark) },
    concurrency: 1,
    settings,
    report,
  });
  const beat = setInterval(
    () => {
      heartbeat(db, device.id).catch((err: unknown) => report(`heartbeat failed: ${String(err)}`));
      reconcile(db, queues, { deviceIds: [device.id] }).catch(() => undefined);
    },
    Math.min(HEARTBEAT_MS, settings.reconcileMs),
  );
  beat.unref();
  return {
    device,
    async close() {
      clearInterval(beat);
      await consumer.close();
      await setDeviceState(db, device.id, 'offline').catch(() => undefined);
    },
  };
}
