// The dashboard's server side over a real socket: the built files at / without a token (long
// cache for hashed assets, index.html revalidated, client routes answered with index.html, API
// paths and missing assets keep the API's 404), a clear 503 when the dashboard is not built;
// GET /v1/devices/events (snapshot, then changes from every kind of writer: agent registration and
// heartbeats, an admin's quarantine, a job starting on the device) and its JSON mode;
// GET /v1/tokens/self; GET /v1/runs?deviceId=.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '@mace/api';
import { readSseEvents, type SseEvent } from '@mace/protocol';
import { startApi, type Harness } from '../apps/api/test/harness.js';

let h: Harness;
let baseUrl: string;
let parentDir: string;
let dashboardDir: string;
const ASSET = `index-${randomBytes(4).toString('hex')}.js`;

beforeAll(async () => {
  parentDir = await mkdtemp(path.join(tmpdir(), 'mace-dashboard-test-'));
  dashboardDir = path.join(parentDir, 'dist');
  await mkdir(path.join(dashboardDir, 'assets'), { recursive: true });
  await writeFile(path.join(parentDir, 'outside.txt'), 'secret');
  await writeFile(path.join(dashboardDir, 'index.html'), '<!doctype html><div id="root"></div>');
  await writeFile(path.join(dashboardDir, 'assets', ASSET), 'console.log("dashboard")');
  h = await startApi({ dashboardDir, devicePollIntervalMs: 50 });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await h?.close();
  if (parentDir) await rm(parentDir, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) => fetch(`${baseUrl}${url}`, { headers });

describe('the dashboard at /', () => {
  it('serves index.html without a token, revalidated on every load', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('<div id="root">');
  });

  it('answers client routes with index.html', async () => {
    for (const route of ['/devices', '/runs/0190f0e2-0000-7000-8000-000000000000/benchmark', '/compare?a=1']) {
      const res = await get(route);
      expect(res.status, route).toBe(200);
      expect(await res.text(), route).toContain('<div id="root">');
    }
  });

  it('caches hashed assets for a year', async () => {
    const res = await get(`/assets/${ASSET}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe('console.log("dashboard")');
  });

  it('keeps the API’s 404 for API paths, missing assets and paths outside the folder', async () => {
    for (const url of ['/v1/nothing-here', '/assets/gone-1234.js', '/docs/nothing']) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      expect((await res.json()).error.code, url).toBe('not_found');
    }
    // inject sends the path as written (fetch would resolve the dots itself)
    for (const url of ['/..%2foutside.txt', '/%2e%2e/outside.txt', '/assets/..%2f..%2foutside.txt']) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('secret');
    }
    const unauthenticated = await get('/v1/runs');
    expect(unauthenticated.status).toBe(401);
    expect((await get('/healthz')).status).toBe(200);
  });

  it('says how to build the dashboard when it is not built', async () => {
    const missing = path.join(parentDir, 'not-built'); // as in a checkout before npm run build
    const app = buildServer({ db: h.db, store: h.store, queues: h.queues, dashboardDir: missing });
    try {
      const res = await app.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('dashboard_not_built');
      expect(res.json().error.message).toContain('npm run build');
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('GET /v1/tokens/self', () => {
  it('names the calling token and its scope, never its secret', async () => {
    for (const scope of ['admin', 'user', 'agent'] as const) {
      const res = await get('/v1/tokens/self', { authorization: `Bearer ${h.tokens[scope]}` });
      expect(res.status, scope).toBe(200);
      const body = await res.json();
      expect(body.scope, scope).toBe(scope);
      expect(JSON.stringify(body)).not.toContain(h.tokens[scope]);
    }
    expect((await get('/v1/tokens/self')).status).toBe(401);
  });
});

/** Reads events of an open stream until `until` holds for one (next(), not for-await: that would close it). */
async function readUntil(events: AsyncGenerator<SseEvent>, until: (e: SseEvent) => boolean): Promise<SseEvent[]> {
  const seen: SseEvent[] = [];
  for (;;) {
    const { value, done } = await events.next();
    if (done) throw new Error(`the stream ended after ${JSON.stringify(seen)}`);
    seen.push(value);
    if (until(value)) return seen;
  }
}

describe('GET /v1/devices/events', () => {
  it('streams the lab: a snapshot, then each change, from whichever writer made it', async () => {
    const agent = (url: string, devices: unknown[]) =>
      fetch(`${baseUrl}${url}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.tokens.agent}`, 'content-type': 'application/json' },
        body: JSON.stringify({ devices }),
      });
    expect(
      (await agent('/v1/agents/devices', [{ serial: 'board-1', kind: 'linux', abis: ['arm64-v8a'] }])).status,
    ).toBe(200);
    const abort = new AbortController();
    const res = await fetch(`${baseUrl}/v1/devices/events`, {
      headers: { authorization: `Bearer ${h.tokens.user}`, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = readSseEvents(res.body as unknown as AsyncIterable<Uint8Array>);
    try {
      const [snapshot] = await readUntil(events, () => true);
      expect(snapshot.event).toBe('snapshot');
      const devices = JSON.parse(snapshot.data).devices;
      expect(devices.map((d: { serial: string }) => d.serial)).toEqual(['board-1']);
      expect(devices[0]).toMatchObject({ state: 'available', currentJob: null });
      const board = devices[0];

      // a new phone (agent registration)
      await agent('/v1/agents/devices', [
        { serial: 'phone-1', kind: 'android', abis: ['arm64-v8a'], soc: 'sdm845', model: 'Pixel 3' },
      ]);
      const added = await readUntil(events, (e) => e.event === 'device' && JSON.parse(e.data).serial === 'phone-1');
      expect(JSON.parse(added.at(-1)!.data)).toMatchObject({ kind: 'android', soc: 'sdm845', model: 'Pixel 3' });

      // battery and temperature (heartbeat)
      await agent('/v1/agents/heartbeat', [{ serial: 'phone-1', properties: { batteryLevel: 64, temperatureC: 38 } }]);
      const beat = await readUntil(
        events,
        (e) => e.event === 'device' && JSON.parse(e.data).properties?.batteryLevel === 64,
      );
      expect(JSON.parse(beat.at(-1)!.data)).toMatchObject({ serial: 'phone-1', properties: { temperatureC: 38 } });

      // an admin's quarantine
      await fetch(`${baseUrl}/v1/devices/${board.id}/quarantine`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.tokens.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'flaky USB' }),
      });
      const quarantined = await readUntil(
        events,
        (e) => e.event === 'device' && JSON.parse(e.data).id === board.id && JSON.parse(e.data).state === 'quarantined',
      );
      expect(JSON.parse(quarantined.at(-1)!.data).properties.quarantine.reason).toBe('flaky USB');

      // a job starts on the phone (the pipeline writes the job row)
      const phone = await h.db.device.findUniqueOrThrow({ where: { serial: 'phone-1' } });
      const deployment = await h.db.deployment.create({
        data: { libraryName: 'net', yaml: 'library_name: net', config: {} },
      });
      const run = await h.db.run.create({
        data: { deploymentId: deployment.id, actions: ['benchmark'], status: 'running' },
      });
      const job = await h.db.job.create({
        data: {
          runId: run.id,
          kind: 'benchmark',
          status: 'running',
          deviceId: phone.id,
          modelTag: 'net',
          startedAt: new Date(),
          idempotencyKey: `events-${run.id}`,
        },
      });
      const busy = await readUntil(events, (e) => e.event === 'device' && JSON.parse(e.data).currentJob !== null);
      expect(JSON.parse(busy.at(-1)!.data).currentJob).toMatchObject({
        id: job.id,
        runId: run.id,
        kind: 'benchmark',
        modelTag: 'net',
      });

      // the runs list filtered by that device
      const byDevice = await get(`/v1/runs?deviceId=${phone.id}`, { authorization: `Bearer ${h.tokens.user}` });
      expect((await byDevice.json()).items.map((r: { id: string }) => r.id)).toEqual([run.id]);
      const otherDevice = await get(`/v1/runs?deviceId=${board.id}`, { authorization: `Bearer ${h.tokens.user}` });
      expect((await otherDevice.json()).items).toEqual([]);
    } finally {
      abort.abort();
      await events.return(undefined).catch(() => undefined);
    }
  });

  it('answers one JSON snapshot without Accept: text/event-stream, and needs a token', async () => {
    const res = await get('/v1/devices/events', { authorization: `Bearer ${h.tokens.user}` });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.devices.map((d: { serial: string }) => d.serial)).toEqual(['board-1', 'phone-1']);
    expect(Date.parse(body.time)).not.toBeNaN();
    const sse = await get('/v1/devices/events?format=json', {
      authorization: `Bearer ${h.tokens.user}`,
      accept: 'text/event-stream',
    });
    expect(sse.headers.get('content-type')).toMatch(/^application\/json/);
    await sse.body?.cancel();
    expect((await get('/v1/devices/events', { accept: 'text/event-stream' })).status).toBe(401);
    const bad = await get('/v1/devices/events?format=xml', { authorization: `Bearer ${h.tokens.user}` });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/^query\.format: must be one of/);
  });
});
