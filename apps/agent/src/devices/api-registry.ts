// The device record through the API's agent routes, for agents on other hosts: POST
// /v1/agents/devices registers (the agent token then owns the devices), POST /v1/agents/heartbeat
// reports states, properties and job outcomes. A refusal (a device owned by another agent, a bad
// token) is an error that names the API's reason.
import type { JobOutcome } from '@mace/pipeline';
import type { DeviceDescription, DeviceRegistry, ObservedState, RegisteredDevice } from './registry.js';

export interface ApiRegistryOptions {
  /** The API's base URL, e.g. http://mace.lab:8080 */
  url: string;
  /** An agent-scope token. */
  token: string;
}

export class ApiRegistryError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRegistryError';
  }
}

interface ApiDevice extends Omit<RegisteredDevice, 'properties'> {
  properties: Record<string, unknown>;
}

export function apiRegistry(options: ApiRegistryOptions): DeviceRegistry {
  const base = options.url.replace(/\/+$/, '');
  async function post<T>(route: string, body: unknown): Promise<T> {
    const res = await fetch(`${base}${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new ApiRegistryError(res.status, `POST ${route}: HTTP ${res.status}: ${message}`);
    }
    return JSON.parse(text) as T;
  }
  const beat = async (
    serial: string,
    fields: {
      state?: ObservedState;
      properties?: Record<string, unknown>;
      jobOutcome?: { result: JobOutcome; reason?: string };
    },
  ): Promise<ApiDevice | undefined> => {
    const r = await post<{ devices: ApiDevice[]; unknown: string[] }>('/v1/agents/heartbeat', {
      devices: [{ serial, ...fields }],
    });
    if (r.unknown.includes(serial))
      throw new ApiRegistryError(404, `the API does not know ${serial} as this agent's device`);
    return r.devices[0];
  };
  return {
    async register(d: DeviceDescription, state: ObservedState) {
      const r = await post<{ devices: ApiDevice[] }>('/v1/agents/devices', {
        devices: [
          {
            serial: d.serial,
            kind: d.kind,
            abis: d.abis,
            ...(d.soc ? { soc: d.soc } : {}),
            ...(d.model ? { model: d.model } : {}),
            state,
            properties: d.properties,
          },
        ],
      });
      return r.devices[0] as RegisteredDevice;
    },
    async setState(device, state) {
      await beat(device.serial, { state });
    },
    async heartbeat(device, properties) {
      await beat(device.serial, properties ? { properties } : {});
    },
    async recordOutcome(device, outcome, reason) {
      const after = await beat(device.serial, { jobOutcome: { result: outcome, ...(reason ? { reason } : {}) } });
      return after?.state === 'quarantined' && device.state !== 'quarantined' && outcome === 'infrastructure'
        ? 'quarantined'
        : null;
    },
  };
}
