// The device lab's state in the browser, kept from GET /v1/devices/events: a snapshot replaces
// everything, `device` replaces one device, `removed` drops one.
import type { ApiLabDevice } from '@mace/protocol';

export type DeviceLabEvent =
  | { type: 'snapshot'; devices: ApiLabDevice[] }
  | { type: 'device'; device: ApiLabDevice }
  | { type: 'removed'; id: string };

export function applyDeviceEvent(devices: readonly ApiLabDevice[], event: DeviceLabEvent): ApiLabDevice[] {
  switch (event.type) {
    case 'snapshot':
      return [...event.devices];
    case 'device': {
      const i = devices.findIndex((d) => d.id === event.device.id);
      if (i < 0) return [...devices, event.device];
      const next = [...devices];
      next[i] = event.device;
      return next;
    }
    case 'removed':
      return devices.filter((d) => d.id !== event.id);
  }
}

/** An SSE event of the route as a DeviceLabEvent (null for events the lab does not use). */
export function parseDeviceEvent(event: string, data: string): DeviceLabEvent | null {
  if (event === 'snapshot')
    return { type: 'snapshot', devices: (JSON.parse(data) as { devices: ApiLabDevice[] }).devices };
  if (event === 'device') return { type: 'device', device: JSON.parse(data) as ApiLabDevice };
  if (event === 'removed') return { type: 'removed', id: (JSON.parse(data) as { id: string }).id };
  return null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Battery level in percent and temperature in °C, where the agent reports them. */
export function deviceVitals(d: Pick<ApiLabDevice, 'properties'>): {
  batteryPct: number | null;
  temperatureC: number | null;
} {
  const p = d.properties;
  return {
    batteryPct: num(p.batteryLevel) ?? num(p.battery),
    temperatureC: num(p.temperatureC) ?? num(p.temperature),
  };
}
