// This host as a device. For now the agent registers it directly in the database (it shares the
// database with the API on one machine); agents on other hosts will register through the API's
// agent routes when the device farm arrives. The serial is stable per machine: `host:<hostname>`.
import os from 'node:os';
import type { Db, Device, Prisma } from '@mace/db';

/** ABIs the host runs natively: 'host' (the deployment files' name for it) and the machine's own. */
export function hostDeviceAbis(): string[] {
  const own = process.arch === 'x64' ? ['x86_64'] : process.arch === 'arm64' ? ['arm64-v8a', 'aarch64'] : [];
  return ['host', ...own];
}

export function hostSerial(): string {
  return process.env.MACE_HOST_DEVICE_SERIAL ?? `host:${os.hostname()}`;
}

function hostProperties(): Prisma.InputJsonValue {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCores: cpus.length,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()}`,
    arch: process.arch,
  };
}

/** Creates or refreshes this host's device row and marks it available. */
export async function registerHostDevice(db: Db, serial = hostSerial()): Promise<Device> {
  const data = {
    kind: 'host' as const,
    abis: hostDeviceAbis(),
    model: os.hostname(),
    soc: process.arch,
    state: 'available' as const,
    properties: hostProperties(),
    lastHeartbeatAt: new Date(),
    consecutiveFailures: 0,
  };
  return db.device.upsert({ where: { serial }, create: { serial, ...data }, update: data });
}

export async function heartbeat(db: Db, deviceId: string): Promise<void> {
  await db.device.update({ where: { id: deviceId }, data: { lastHeartbeatAt: new Date() } });
}

export async function setDeviceState(db: Db, deviceId: string, state: 'available' | 'busy' | 'offline'): Promise<void> {
  await db.device.update({ where: { id: deviceId }, data: { state } });
}
