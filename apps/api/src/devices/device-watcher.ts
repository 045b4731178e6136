// Live device-lab state for GET /v1/devices/events: one poller per API process reads the devices
// and their running jobs from PostgreSQL, diffs them against the previous snapshot, and hands the
// changed devices to every subscriber. Polling the database (not Redis pub/sub) because devices
// change in many processes — agents (registration, heartbeats, job outcomes), the pipeline (job
// claims, quarantine after failures), the API (admin quarantine/release) — and the database is
// the one place all of them write: nothing has to remember to publish, a message can't be lost
// between a commit and a publish, and any number of API processes see the same state. The cost is
// two indexed queries per interval per process, and only while someone is watching.
import type { Db, Device, Job } from '@mace/db';
import { deviceJson } from '../serialize.js';

/** The job a device is running now, as the device lab shows it. */
export interface CurrentJob {
  id: string;
  runId: string;
  kind: Job['kind'];
  modelTag: string | null;
  startedAt: string | null;
}

export type LabDevice = ReturnType<typeof deviceJson> & { currentJob: CurrentJob | null };

/** What a subscriber receives after each poll that saw changes. */
export interface DeviceChanges {
  /** Devices that are new or differ from the previous snapshot (whole objects). */
  changed: LabDevice[];
  /** Ids of devices that no longer exist. */
  removed: string[];
}

/** A watcher of the lab: first the whole lab, then every change after it. */
export interface DeviceListener {
  snapshot(devices: LabDevice[]): void;
  changes(changes: DeviceChanges): void;
}

export interface DeviceWatcher {
  /**
   * Starts watching: `listener.snapshot` gets the whole lab from the next poll (started at once),
   * then `listener.changes` every later poll that saw changes. Snapshot and changes come from the
   * same sequence of reads, so nothing is missed or replayed out of order. Returns the
   * unsubscribe function.
   */
  subscribe(listener: DeviceListener): () => void;
  close(): void;
}

export interface DeviceWatcherOptions {
  /** How often the database is read while someone watches (ms). */
  pollIntervalMs: number;
  /** Called when a poll fails (the next poll tries again). */
  onError?: (err: unknown) => void;
}

export async function readLabDevices(db: Db): Promise<LabDevice[]> {
  const [devices, running] = await Promise.all([
    db.device.findMany({ orderBy: { serial: 'asc' } }),
    db.job.findMany({
      where: { status: 'running', deviceId: { not: null } },
      select: { id: true, runId: true, kind: true, modelTag: true, startedAt: true, deviceId: true },
      orderBy: { startedAt: 'desc' },
    }),
  ]);
  const current = new Map<string, CurrentJob>();
  for (const j of running) {
    if (j.deviceId && !current.has(j.deviceId))
      current.set(j.deviceId, {
        id: j.id,
        runId: j.runId,
        kind: j.kind,
        modelTag: j.modelTag,
        startedAt: j.startedAt?.toISOString() ?? null,
      });
  }
  return devices.map((d: Device) => ({ ...deviceJson(d), currentJob: current.get(d.id) ?? null }));
}

/** The changes from `before` (id → JSON) to `after`. */
export function diffDevices(before: Map<string, string>, after: LabDevice[]): DeviceChanges {
  const changed: LabDevice[] = [];
  const seen = new Set<string>();
  for (const d of after) {
    seen.add(d.id);
    if (before.get(d.id) !== JSON.stringify(d)) changed.push(d);
  }
  const removed = [...before.keys()].filter((id) => !seen.has(id));
  return { changed, removed };
}

export function createDeviceWatcher(db: Db, opts: DeviceWatcherOptions): DeviceWatcher {
  const active = new Set<DeviceListener>();
  /** Subscribed, waiting for their snapshot from the next poll. */
  const joining = new Set<DeviceListener>();
  let last = new Map<string, string>();
  let timer: NodeJS.Timeout | null = null;
  let polling = false;
  let closed = false;

  const watched = (): boolean => active.size + joining.size > 0;
  const schedule = (delayMs: number): void => {
    if (closed || polling || !watched()) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void poll(), delayMs);
  };

  const poll = async (): Promise<void> => {
    timer = null;
    polling = true;
    try {
      const devices = await readLabDevices(db);
      const changes = diffDevices(active.size > 0 ? last : new Map(), devices);
      last = new Map(devices.map((d) => [d.id, JSON.stringify(d)]));
      if (changes.changed.length > 0 || changes.removed.length > 0) for (const l of active) l.changes(changes);
      for (const l of joining) {
        joining.delete(l);
        active.add(l);
        l.snapshot(devices);
      }
    } catch (err) {
      opts.onError?.(err);
    } finally {
      polling = false;
    }
    schedule(joining.size > 0 ? 0 : opts.pollIntervalMs);
  };

  return {
    subscribe(listener) {
      joining.add(listener);
      schedule(0);
      return () => {
        joining.delete(listener);
        active.delete(listener);
        if (!watched() && timer) {
          clearTimeout(timer);
          timer = null;
        }
      };
    },
    close() {
      closed = true;
      active.clear();
      joining.clear();
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
