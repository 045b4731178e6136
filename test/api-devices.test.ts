// The device lab through the API: agents register the devices they own and send heartbeats,
// users list them, admins quarantine and release them; a device owned by another agent is refused.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type Harness } from '../apps/api/test/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startApi();
});
afterAll(async () => {
  await h?.close();
});

const register = (devices: unknown[], token = h.tokens.agent) =>
  h.request({ method: 'POST', url: '/v1/agents/devices', token, json: { devices } });
const heartbeat = (devices: unknown[], token = h.tokens.agent) =>
  h.request({ method: 'POST', url: '/v1/agents/heartbeat', token, json: { devices } });

describe('devices', () => {
  it('registers devices for the calling agent and updates them on re-registration', async () => {
    const res = await register([
      {
        serial: 'emulator-5554',
        kind: 'android',
        abis: ['arm64-v8a', 'armeabi-v7a'],
        soc: 'sdm845',
        model: 'Pixel 3',
        properties: { battery: 80 },
      },
      { serial: 'host-1', kind: 'host', abis: ['host'] },
    ]);
    expect(res.statusCode).toBe(200);
    const [phone, host] = res.json().devices;
    const agentTokenId = (await h.db.apiToken.findFirstOrThrow({ where: { name: 'agent-1' } })).id;
    expect(phone).toMatchObject({
      serial: 'emulator-5554',
      state: 'available',
      agentTokenId,
      properties: { battery: 80 },
    });
    expect(phone.lastHeartbeatAt).not.toBeNull();
    expect(host).toMatchObject({ serial: 'host-1', kind: 'host', abis: ['host'], soc: null });

    const again = await register([
      { serial: 'emulator-5554', kind: 'android', abis: ['arm64-v8a'], state: 'busy', properties: { temp: 40 } },
    ]);
    expect(again.json().devices[0]).toMatchObject({
      id: phone.id,
      state: 'busy',
      abis: ['arm64-v8a'],
      properties: { battery: 80, temp: 40 },
    });

    const list = await h.request({
      method: 'GET',
      url: '/v1/devices?kind=android&abi=arm64-v8a',
      token: h.tokens.user,
    });
    expect(list.json().items.map((d: { serial: string }) => d.serial)).toEqual(['emulator-5554']);
    const states = await h.request({
      method: 'GET',
      url: '/v1/devices?state=available&state=busy',
      token: h.tokens.user,
    });
    expect(states.json().items).toHaveLength(2);
  });

  it('refuses a device owned by another active agent', async () => {
    const res = await register([{ serial: 'host-1', kind: 'host', abis: ['host'] }], h.tokens.otherAgent);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'device_owned_by_another_agent', details: { serials: ['host-1'] } });
    const dup = await register([
      { serial: 'x', kind: 'host', abis: ['host'] },
      { serial: 'x', kind: 'host', abis: ['host'] },
    ]);
    expect(dup.statusCode).toBe(400);
    const bad = await register([{ serial: 'y', kind: 'toaster', abis: ['host'] }]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe('body.devices[0].kind: must be one of "host", "android", "linux"');
  });

  it('records heartbeats of owned devices and reports unknown serials', async () => {
    const before = await h.db.device.findUniqueOrThrow({ where: { serial: 'host-1' } });
    const res = await heartbeat([
      { serial: 'host-1', state: 'available', properties: { load: 0.5 } },
      { serial: 'never-registered' },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json().unknown).toEqual(['never-registered']);
    expect(res.json().devices[0]).toMatchObject({ serial: 'host-1', state: 'available', properties: { load: 0.5 } });
    const after = await h.db.device.findUniqueOrThrow({ where: { serial: 'host-1' } });
    expect(after.lastHeartbeatAt!.getTime()).toBeGreaterThanOrEqual(before.lastHeartbeatAt!.getTime());
    // another agent's heartbeat does not touch it
    const foreign = await heartbeat([{ serial: 'host-1', state: 'offline' }], h.tokens.otherAgent);
    expect(foreign.json()).toEqual({ devices: [], unknown: ['host-1'] });
  });

  it('quarantines and releases a device (admin); a quarantined device stays so through heartbeats', async () => {
    const device = await h.db.device.findUniqueOrThrow({ where: { serial: 'host-1' } });
    const q = await h.request({
      method: 'POST',
      url: `/v1/devices/${device.id}/quarantine`,
      token: h.tokens.admin,
      json: { reason: 'flaky USB' },
    });
    expect(q.statusCode).toBe(200);
    expect(q.json()).toMatchObject({ state: 'quarantined', properties: { quarantine: { reason: 'flaky USB' } } });
    await heartbeat([{ serial: 'host-1', state: 'available' }]);
    await register([{ serial: 'host-1', kind: 'host', abis: ['host'] }]);
    expect((await h.db.device.findUniqueOrThrow({ where: { id: device.id } })).state).toBe('quarantined');

    const released = await h.request({
      method: 'POST',
      url: `/v1/devices/${device.id}/release`,
      token: h.tokens.admin,
    });
    expect(released.statusCode).toBe(200);
    expect(released.json().state).toBe('available'); // its agent reported a moment ago
    expect(released.json().properties.quarantine).toBeUndefined();
    const twice = await h.request({ method: 'POST', url: `/v1/devices/${device.id}/release`, token: h.tokens.admin });
    expect(twice.statusCode).toBe(409);
    const missing = await h.request({
      method: 'POST',
      url: `/v1/devices/${randomUUID()}/quarantine`,
      token: h.tokens.admin,
    });
    expect(missing.statusCode).toBe(404);
    const got = await h.request({ method: 'GET', url: `/v1/devices/${device.id}`, token: h.tokens.user });
    expect(got.json().id).toBe(device.id);
  });
});
