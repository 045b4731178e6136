// The device agent: owns the host, the Android phones its adb server sees and the ARM Linux boards
// of its devices.yml. Each device is registered (state, ABIs, SoC, properties), consumes its own
// queue `device.<id>` one job at a time (tune, validate, benchmark) through its transport, gets
// heartbeats with fresh battery and temperature readings, and goes offline when it disappears —
// its running job fails as an infrastructure error and is retried when the device returns.
// Repeated infrastructure failures quarantine a device until an admin releases it.
import type { BoardConfig } from '@mace/config';
import type { Db } from '@mace/db';
import {
  InfrastructureError,
  pipelineSettings,
  reconcile,
  startConsumer,
  type Consumer,
  type JobContext,
  type PipelineSettings,
  type Queues,
  type SuccessInput,
} from '@mace/pipeline';
import { deviceQueueName } from '@mace/protocol';
import type { ArtifactStore } from '@mace/storage';
import { benchmarkHandler } from './benchmark.js';
import { readTemperatureC } from './cool-down.js';
import { AdbTransport, createAdbClient, type AdbClient } from './devices/adb.js';
import { describeAndroid, readBattery } from './devices/android.js';
import { describeBoard } from './devices/boards.js';
import { LocalTransport } from './devices/local.js';
import {
  dbRegistry,
  type DeviceDescription,
  type DeviceRegistry,
  type ObservedState,
  type RegisteredDevice,
} from './devices/registry.js';
import { connectSsh, HostKeyMismatchError, SshTransport } from './devices/ssh.js';
import { DeviceLostError, type DeviceTransport } from './devices/transport.js';
import { hostDevice } from './host-device.js';
import { agentCacheDir } from './inputs.js';
import { tuneHandler } from './tune.js';
import { validateHandler } from './validate.js';

const HEARTBEAT_MS = Number(process.env.MACE_HEARTBEAT_MS ?? 15_000);

export interface AgentOptions {
  db: Db;
  queues: Queues;
  store: ArtifactStore;
  /** Serial of the host device (default MACE_HOST_DEVICE_SERIAL or host:<hostname>). */
  serial?: string;
  /** Offer the host itself as a device (default true). */
  host?: boolean;
  /** The adb server (`host:port`) whose phones this agent owns; none when absent. */
  adbServer?: string;
  /** ARM Linux boards (devices.yml). */
  boards?: BoardConfig[];
  /** Where devices are recorded (default: this database; apiRegistry for agents on other hosts). */
  registry?: DeviceRegistry;
  settings?: Partial<PipelineSettings>;
  report?: (line: string) => void;
}

export interface RunningAgent {
  /** The host device (when offered), else the first device. */
  device: RegisteredDevice;
  /** Every device currently attached. */
  devices(): RegisteredDevice[];
  /** Resolves when a device with this serial is attached (tests, farm scripts). */
  waitForDevice(serial: string, timeoutMs?: number): Promise<RegisteredDevice>;
  close(): Promise<void>;
}

interface Attached {
  device: RegisteredDevice;
  transport: DeviceTransport;
  consumer: Consumer;
  /** Fresh properties for heartbeats (battery, temperature). */
  probe?: (signal: AbortSignal) => Promise<Record<string, unknown>>;
}

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const { db, queues, store } = options;
  const report = options.report ?? ((line: string) => process.stdout.write(`[agent] ${line}\n`));
  const settings = pipelineSettings(options.settings);
  const attached = new Map<string, Attached>();
  const stopping = new AbortController();
  const waiters: { serial: string; resolve: (d: RegisteredDevice) => void }[] = [];
  const registry = options.registry ?? dbRegistry(db);

  // A job's outcome updates the device: busy while it runs, offline when the device was lost,
  // quarantined after repeated infrastructure failures.
  const guard =
    (serial: string, fn: (ctx: JobContext) => Promise<SuccessInput>) =>
    async (ctx: JobContext): Promise<SuccessInput> => {
      const a = attached.get(serial);
      if (!a) throw new InfrastructureError(`device ${serial} is not attached to this agent any more`);
      await registry.setState(a.device, 'busy').catch(() => undefined);
      let lost = false;
      try {
        const out = await fn(ctx);
        await registry.recordOutcome(a.device, 'ok').catch(() => undefined);
        return out;
      } catch (err) {
        if (err instanceof DeviceLostError) {
          lost = true;
          void detach(serial, 'offline', err.message);
          throw new InfrastructureError(`device ${serial} was lost: ${err.message}`);
        }
        if (err instanceof InfrastructureError && !ctx.signal.aborted) {
          const q = await registry.recordOutcome(a.device, 'infrastructure', err.message).catch(() => null);
          if (q) report(`quarantined ${serial}: repeated infrastructure failures (last: ${err.message})`);
        }
        throw err;
      } finally {
        if (!lost) await registry.setState(a.device, 'available').catch(() => undefined);
      }
    };

  async function attach(
    description: DeviceDescription,
    transport: DeviceTransport,
    probe?: Attached['probe'],
  ): Promise<RegisteredDevice> {
    const device = await registry.register(description, 'available');
    await reconcile(db, queues, { deviceIds: [device.id] });
    const consumer = startConsumer({
      db,
      queues,
      queueName: deviceQueueName(device.id),
      handlers: {
        validate: guard(description.serial, validateHandler(store, transport)),
        benchmark: guard(description.serial, benchmarkHandler(store, transport)),
        tune: guard(description.serial, tuneHandler(store, transport)),
      },
      concurrency: 1,
      settings,
      report,
    });
    attached.set(description.serial, { device, transport, consumer, probe });
    report(
      `attached ${description.kind} ${description.serial} as device ${device.id} (${description.abis.join(', ')}` +
        `${description.soc ? `, ${description.soc}` : ''}${device.state === 'quarantined' ? ', quarantined' : ''})`,
    );
    for (const w of waiters.filter((w) => w.serial === description.serial)) w.resolve(device);
    return device;
  }

  async function detach(serial: string, state: ObservedState, reason: string): Promise<void> {
    const a = attached.get(serial);
    if (!a) return;
    attached.delete(serial);
    await registry.setState(a.device, state).catch(() => undefined);
    report(`detached ${serial} (${state}): ${reason}`);
    await a.consumer.close().catch(() => undefined);
    await a.transport.close().catch(() => undefined);
  }

  /** Records a device that cannot be used (unauthorized phone, board with a wrong host key, unreachable). */
  async function noteUnusable(d: DeviceDescription, state: ObservedState, reason: string): Promise<void> {
    await registry
      .register({ ...d, properties: { ...d.properties, stateReason: reason } }, state)
      .catch((err: unknown) => report(`could not record ${d.serial}: ${String(err)}`));
  }

  // ---- the host
  let hostDeviceRow: RegisteredDevice | null = null;
  if (options.host !== false) {
    const d = hostDevice(options.serial);
    hostDeviceRow = await attach(d, new LocalTransport(`${agentCacheDir()}/device-host`));
  }

  // ---- Android phones: the adb server's device list, followed as it changes
  let adb: AdbClient | null = null;
  let tracker: { end(): void } | null = null;
  if (options.adbServer) {
    adb = createAdbClient(options.adbServer);
    const client = adb;
    const attaching = new Set<string>();
    const onDevice = async (d: { id: string; type: string }): Promise<void> => {
      if (stopping.signal.aborted) return;
      if (d.type === 'device') {
        if (attached.has(d.id) || attaching.has(d.id)) return;
        attaching.add(d.id);
        const transport = new AdbTransport(client, d.id);
        try {
          const description = await describeAndroid(d.id, transport, stopping.signal);
          await attach(description, transport, async (signal) => {
            const b = await readBattery(transport, signal);
            return { batteryLevel: b.level, temperatureC: b.temperatureC };
          });
        } catch (err) {
          report(`could not attach ${d.id}: ${String(err)}`);
        } finally {
          attaching.delete(d.id);
        }
      } else {
        const state: ObservedState = d.type === 'unauthorized' ? 'unauthorized' : 'offline';
        if (attached.has(d.id)) await detach(d.id, state, `adb reports ${d.type}`);
        else
          await noteUnusable(
            { serial: d.id, kind: 'android', abis: [], properties: {} },
            state,
            d.type === 'unauthorized' ? 'accept the USB debugging prompt on the phone' : `adb reports ${d.type}`,
          );
      }
    };
    const t = await client.trackDevices();
    tracker = t;
    t.on('add', (d: { id: string; type: string }) => void onDevice(d));
    t.on('change', (d: { id: string; type: string }) => void onDevice(d));
    t.on('remove', (d: { id: string }) => void detach(d.id, 'offline', 'adb no longer lists it'));
    t.on('error', (err: unknown) => report(`adb device tracking failed: ${String(err)}`));
    // The tracker may have read the first list before these listeners existed.
    for (const d of await client.listDevices()) await onDevice(d);
  }

  // ---- ARM Linux boards: connected (with the pinned host key) and reconnected
  const connectBoard = async (board: BoardConfig): Promise<void> => {
    const serial = `ssh:${board.name}`;
    if (attached.has(serial) || stopping.signal.aborted) return;
    const base: DeviceDescription = {
      serial,
      kind: 'linux',
      abis: board.targetAbis,
      soc: board.targetSocs[0] ?? null,
      model: board.model,
      properties: { address: `${board.username}@${board.address}:${board.port}` },
    };
    try {
      const client = await connectSsh({
        host: board.address,
        port: board.port,
        username: board.username,
        privateKeyPath: board.privateKey,
        hostKey: board.hostKey,
      });
      const transport = new SshTransport(client, '', `${board.username}@${board.address}:${board.port}`);
      const description = await describeBoard(base, transport, stopping.signal);
      const boardTransport = new SshTransport(client, description.properties.workRoot as string, serial);
      client.on('close', () => void detach(serial, 'offline', 'the SSH connection closed'));
      await attach(description, boardTransport, async (signal) => ({
        temperatureC: await readTemperatureC(boardTransport, signal),
      }));
    } catch (err) {
      if (err instanceof HostKeyMismatchError) {
        report(`refused ${serial}: ${err.message}`);
        await noteUnusable(base, 'unauthorized', err.message);
      } else {
        await noteUnusable(base, 'offline', err instanceof Error ? err.message : String(err));
      }
    }
  };
  for (const board of options.boards ?? []) await connectBoard(board);

  const beat = setInterval(
    () => {
      for (const [serial, a] of attached) {
        const props = a.probe ? a.probe(stopping.signal).catch(() => undefined) : Promise.resolve(undefined);
        props
          .then((p) => registry.heartbeat(a.device, p))
          .catch((err: unknown) => report(`heartbeat for ${serial} failed: ${String(err)}`));
      }
      const ids = [...attached.values()].map((a) => a.device.id);
      if (ids.length) reconcile(db, queues, { deviceIds: ids }).catch(() => undefined);
      for (const board of options.boards ?? []) void connectBoard(board);
    },
    Math.min(HEARTBEAT_MS, settings.reconcileMs),
  );
  beat.unref();

  const first = hostDeviceRow ?? [...attached.values()][0]?.device;
  return {
    device: first as RegisteredDevice,
    devices: () => [...attached.values()].map((a) => a.device),
    waitForDevice(serial, timeoutMs = 60_000) {
      const a = attached.get(serial);
      if (a) return Promise.resolve(a.device);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`device ${serial} did not attach within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({ serial, resolve: (d) => (clearTimeout(timer), resolve(d)) });
      });
    },
    async close() {
      stopping.abort();
      clearInterval(beat);
      tracker?.end();
      for (const serial of [...attached.keys()]) await detach(serial, 'offline', 'the agent stopped');
    },
  };
}
