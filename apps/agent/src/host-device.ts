// This host as a device. The serial is stable per machine: `host:<hostname>`.
import os from 'node:os';
import type { DeviceDescription } from './devices/registry.js';

/** ABIs the host runs natively: 'host' (the deployment files' name for it) and the machine's own. */
export function hostDeviceAbis(): string[] {
  const own = process.arch === 'x64' ? ['x86_64'] : process.arch === 'arm64' ? ['arm64-v8a', 'aarch64'] : [];
  return ['host', ...own];
}

export function hostSerial(): string {
  return process.env.MACE_HOST_DEVICE_SERIAL ?? `host:${os.hostname()}`;
}

export function hostDevice(serial = hostSerial()): DeviceDescription {
  const cpus = os.cpus();
  return {
    serial,
    kind: 'host',
    abis: hostDeviceAbis(),
    model: os.hostname(),
    soc: process.arch,
    properties: {
      cpuModel: cpus[0]?.model ?? 'unknown',
      cpuCores: cpus.length,
      memoryBytes: os.totalmem(),
      os: `${os.type()} ${os.release()}`,
      arch: process.arch,
    },
  };
}
