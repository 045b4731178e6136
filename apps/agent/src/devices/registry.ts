// Device rows as this agent sees its devices: registered (upsert by serial) when discovered,
// heartbeats with fresh properties (battery, temperature), states, and quarantine after repeated
// infrastructure failures. A quarantined device stays quarantined whatever the agent sees: only
// an admin releases it (POST /v1/devices/:id/release).
import type { Db, Device, DeviceKind, Prisma } from '@mace/db';

export interface DeviceDescription {
  serial: string;
  kind: DeviceKind;
  /** Preferred first. */
  abis: string[];
  soc?: string | null;
  model?: string | null;
  properties: Record<string, unknown>;
}

export type ObservedState = 'available' | 'busy' | 'offline' | 'unauthorized';

/** Consecutive infrastructure failures before a device is quarantined (MACE_QUARANTINE_AFTER, default 3). */
export function quarantineAfter(): number {
  return Number(process.env.MACE_QUARANTINE_AFTER ?? 3);
}

export async function registerDevice(db: Db, d: DeviceDescription, state: ObservedState): Promise<Device> {
  const existing = await db.device.findUnique({ where: { serial: d.serial } });
  const data = {
    kind: d.kind,
    abis: d.abis,
    soc: d.soc ?? null,
    model: d.model ?? null,
    properties: { ...(existing?.properties as object | undefined), ...d.properties } as Prisma.InputJsonObject,
    lastHeartbeatAt: new Date(),
    state: existing?.state === 'quarantined' ? ('quarantined' as const) : state,
  };
  return db.device.upsert({ where: { serial: d.serial }, create: { serial: d.serial, ...data }, update: data });
}

/** Sets the state unless an admin quarantined the device. */
export async function setDeviceState(db: Db, id: string, state: ObservedState): Promise<void> {
  await db.device.updateMany({ where: { id, state: { not: 'quarantined' } }, data: { state } });
}

export async function heartbeat(db: Db, id: string, properties?: Record<string, unknown>): Promise<void> {
  if (!properties) {
    await db.device.update({ where: { id }, data: { lastHeartbeatAt: new Date() } });
    return;
  }
  const d = await db.device.findUniqueOrThrow({ where: { id } });
  await db.device.update({
    where: { id },
    data: {
      lastHeartbeatAt: new Date(),
      properties: { ...(d.properties as object), ...properties } as Prisma.InputJsonObject,
    },
  });
}

/** A job ended: success resets the failure count; an infrastructure failure counts, and quarantines at the limit. */
export async function recordJobOutcome(
  db: Db,
  id: string,
  outcome: 'ok' | 'infrastructure',
  reason = '',
): Promise<'quarantined' | null> {
  if (outcome === 'ok') {
    await db.device.update({ where: { id }, data: { consecutiveFailures: 0 } });
    return null;
  }
  const d = await db.device.update({ where: { id }, data: { consecutiveFailures: { increment: 1 } } });
  if (d.consecutiveFailures < quarantineAfter() || d.state === 'quarantined') return null;
  await db.device.update({
    where: { id },
    data: {
      state: 'quarantined',
      properties: {
        ...(d.properties as object),
        quarantine: {
          reason: `${d.consecutiveFailures} infrastructure failures in a row; last: ${reason}`,
          at: new Date().toISOString(),
          by: 'agent',
        },
      } as Prisma.InputJsonObject,
    },
  });
  return 'quarantined';
}
