// Where an agent records its devices: registered (upsert by serial) when discovered, states,
// heartbeats with fresh properties (battery, temperature), and job outcomes (quarantine policy in
// @mace/pipeline). Two ways to reach the record, one interface:
//   dbRegistry   agents on the service's own machine, sharing its database (npm start, compose);
//   apiRegistry  agents anywhere, through the API's agent routes with an agent token
//                (MACE_API_URL, MACE_AGENT_TOKEN; devices/api-registry.ts).
// A quarantined device stays quarantined whatever the agent reports.
import type { Db, Device, DeviceKind, Prisma } from '@mace/db';
import { recordJobOutcome, type JobOutcome } from '@mace/pipeline';

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

/** A device as recorded. */
export type RegisteredDevice = Pick<
  Device,
  'id' | 'serial' | 'kind' | 'abis' | 'soc' | 'model' | 'state' | 'properties'
>;

export interface DeviceRegistry {
  register(d: DeviceDescription, state: ObservedState): Promise<RegisteredDevice>;
  setState(device: RegisteredDevice, state: ObservedState): Promise<void>;
  heartbeat(device: RegisteredDevice, properties?: Record<string, unknown>): Promise<void>;
  /** 'quarantined' when this outcome quarantined the device. */
  recordOutcome(device: RegisteredDevice, outcome: JobOutcome, reason?: string): Promise<'quarantined' | null>;
}

export function dbRegistry(db: Db): DeviceRegistry {
  return {
    async register(d, state) {
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
    },
    async setState(device, state) {
      await db.device.updateMany({ where: { id: device.id, state: { not: 'quarantined' } }, data: { state } });
    },
    async heartbeat(device, properties) {
      if (!properties) {
        await db.device.update({ where: { id: device.id }, data: { lastHeartbeatAt: new Date() } });
        return;
      }
      const d = await db.device.findUniqueOrThrow({ where: { id: device.id } });
      await db.device.update({
        where: { id: device.id },
        data: {
          lastHeartbeatAt: new Date(),
          properties: { ...(d.properties as object), ...properties } as Prisma.InputJsonObject,
        },
      });
    },
    recordOutcome: (device, outcome, reason) => recordJobOutcome(db, device.id, outcome, reason),
  };
}
