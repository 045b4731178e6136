// The API's access rules and its description, over every route of the route table (so a new
// route cannot be forgotten): 401 without / with an unknown / with a revoked token, 403 for a
// token of the wrong scope, public probes; admin token management; every route has schemas;
// GET /docs/json is a valid OpenAPI 3 document that covers every route.
import { randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedScopes, buildServer, type RouteEntry } from '@mace/api';
import { createDb } from '@mace/db';
import { startApi, type Harness } from '../apps/api/test/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startApi();
});
afterAll(async () => {
  await h?.close();
});

const concreteUrl = (url: string): string => url.replace(/:(\w+)/g, () => randomUUID());
const protectedRoutes = (): RouteEntry[] => h.app.routeTable.filter((r) => r.access !== 'public');

describe('route table', () => {
  it('lists the API routes', () => {
    const keys = h.app.routeTable.filter((r) => r.documented).map((r) => `${r.method} ${r.url}`);
    for (const expected of [
      'POST /v1/tokens',
      'GET /v1/tokens',
      'DELETE /v1/tokens/:id',
      'POST /v1/models',
      'GET /v1/models',
      'GET /v1/models/:id',
      'POST /v1/deployments',
      'GET /v1/deployments',
      'GET /v1/deployments/:id',
      'POST /v1/runs',
      'GET /v1/runs',
      'GET /v1/runs/:id',
      'POST /v1/runs/:id/cancel',
      'GET /v1/runs/:id/logs',
      'GET /v1/runs/:id/jobs',
      'GET /v1/jobs/:id',
      'GET /v1/artifacts',
      'GET /v1/artifacts/:id',
      'GET /v1/artifacts/:id/download',
      'GET /v1/devices',
      'POST /v1/agents/devices',
      'POST /v1/agents/heartbeat',
      'POST /v1/devices/:id/quarantine',
      'POST /v1/devices/:id/release',
      'POST /v1/webhooks',
      'GET /v1/webhooks',
      'DELETE /v1/webhooks/:id',
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
    ]) {
      expect(keys).toContain(expected);
    }
    expect(protectedRoutes().length).toBeGreaterThan(25);
  });

  it('gives every route schemas for its params, body and responses', () => {
    for (const route of h.app.routeTable.filter((r) => r.documented)) {
      const schema = route.schema as Record<string, unknown>;
      const where = `${route.method} ${route.url}`;
      expect(schema?.response, where).toBeDefined();
      if (route.url.includes(':')) expect(schema.params, where).toBeDefined();
      if (['POST', 'PUT', 'PATCH'].includes(route.method)) expect(schema.body, where).toBeDefined();
      if (route.access !== 'public') {
        expect(Object.keys(schema.response as object), where).toEqual(expect.arrayContaining(['401', '403']));
      }
    }
  });
});

describe('authentication', () => {
  it('answers 401 with WWW-Authenticate on every protected route without a token', async () => {
    for (const route of protectedRoutes()) {
      const res = await h.request({ method: route.method as 'GET', url: concreteUrl(route.url) });
      const where = `${route.method} ${route.url}`;
      expect(res.statusCode, where).toBe(401);
      expect(res.headers['www-authenticate'], where).toMatch(/^Bearer realm="mace"/);
      expect(res.json(), where).toMatchObject({ error: { code: 'unauthorized' } });
      expect(res.json().error.message, where).toMatch(/bearer token/);
    }
  });

  it('answers 401 for an unknown token and a malformed header', async () => {
    for (const route of protectedRoutes()) {
      const where = `${route.method} ${route.url}`;
      const unknown = await h.request({
        method: route.method as 'GET',
        url: concreteUrl(route.url),
        token: 'mace_user_notarealtoken',
      });
      expect(unknown.statusCode, where).toBe(401);
      expect(unknown.headers['www-authenticate'], where).toContain('error="invalid_token"');
    }
    const basic = await h.request({ method: 'GET', url: '/v1/runs', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.statusCode).toBe(401);
    expect(basic.json().error.message).toMatch(/Bearer <token>/);
  });

  it('answers 403 naming the needed scope on every route the token’s scope may not call', async () => {
    let checked = 0;
    for (const route of protectedRoutes()) {
      const allowed = allowedScopes(route.access);
      expect(allowed).toContain('admin');
      for (const scope of ['user', 'agent'] as const) {
        if (allowed.includes(scope)) continue;
        const res = await h.request({
          method: route.method as 'GET',
          url: concreteUrl(route.url),
          token: h.tokens[scope],
        });
        const where = `${scope} → ${route.method} ${route.url}`;
        expect(res.statusCode, where).toBe(403);
        const body = res.json();
        expect(body.error.code, where).toBe('forbidden');
        const needed = allowed.filter((s) => s !== 'admin');
        expect(body.error.message, where).toContain(
          `needs a token with scope ${needed.length ? needed.join(' or ') : 'admin'}`,
        );
        expect(body.error.message, where).toContain(`this token has scope ${scope}`);
        expect(res.headers['www-authenticate'], where).toContain('insufficient_scope');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('lets an admin token through every scope check (no 401/403)', async () => {
    for (const route of protectedRoutes()) {
      const res = await h.request({
        method: route.method as 'GET',
        url: concreteUrl(route.url),
        token: h.tokens.admin,
      });
      expect([401, 403], `${route.method} ${route.url}`).not.toContain(res.statusCode);
    }
  });

  it('keeps probes and documentation public', async () => {
    expect((await h.request({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await h.request({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
    const docs = await h.request({ method: 'GET', url: '/docs/json' });
    expect(docs.statusCode).toBe(200);
    const ui = await h.request({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/html/);
  });

  it('answers 503 from /readyz naming the dependency that does not answer', async () => {
    const unreachable = createDb('postgresql://postgres@127.0.0.1:1/nowhere', { poolSize: 1 });
    const app = buildServer({ db: unreachable, store: h.store, queues: h.queues });
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      const err = res.json().error;
      expect(err.code).toBe('not_ready');
      expect(err.message).toMatch(/^not ready — database: error: /);
      expect(err.details.checks).toEqual({ database: expect.stringMatching(/^error: /), redis: 'ok' });
    } finally {
      await app.close();
      await unreachable.close();
    }
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const res = await h.request({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: 'not_found', message: expect.stringContaining('GET /v1/nothing-here') },
    });
  });
});

describe('tokens (admin)', () => {
  it('creates a token once, lists it by prefix only, and revokes it', async () => {
    const created = await h.request({
      method: 'POST',
      url: '/v1/tokens',
      token: h.tokens.admin,
      json: { name: 'ci pipeline', scope: 'user', user: 'ci' },
    });
    expect(created.statusCode).toBe(201);
    const token = created.json();
    expect(token).toMatchObject({ name: 'ci pipeline', scope: 'user', revokedAt: null });
    expect(token.token).toMatch(/^mace_user_[0-9A-Za-z]{40}$/);
    expect(token.token.startsWith(token.prefix)).toBe(true);
    const ci = await h.db.user.findUniqueOrThrow({ where: { name: 'ci' } });
    expect(token.userId).toBe(ci.id);
    // hashed at rest
    const row = await h.db.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row.tokenHash).not.toContain(token.token.slice(10));

    expect((await h.request({ method: 'GET', url: '/v1/models', token: token.token })).statusCode).toBe(200);

    const list = await h.request({ method: 'GET', url: '/v1/tokens?scope=user', token: h.tokens.admin });
    expect(list.statusCode).toBe(200);
    const listed = list.json().items.find((t: { id: string }) => t.id === token.id);
    expect(listed).toMatchObject({ prefix: token.prefix });
    expect(listed.token).toBeUndefined();
    expect(JSON.stringify(list.json())).not.toContain(token.token);

    const revoked = await h.request({ method: 'DELETE', url: `/v1/tokens/${token.id}`, token: h.tokens.admin });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    const after = await h.request({ method: 'GET', url: '/v1/models', token: token.token });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.message).toMatch(/revoked/);

    const missing = await h.request({ method: 'DELETE', url: `/v1/tokens/${randomUUID()}`, token: h.tokens.admin });
    expect(missing.statusCode).toBe(404);
  });

  it('rejects a malformed token request naming the field', async () => {
    const res = await h.request({
      method: 'POST',
      url: '/v1/tokens',
      token: h.tokens.admin,
      json: { name: 'x', scope: 'root' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('body.scope: must be one of "admin", "user", "agent"');
    const missing = await h.request({
      method: 'POST',
      url: '/v1/tokens',
      token: h.tokens.admin,
      json: { scope: 'user' },
    });
    expect(missing.json().error.message).toBe('body.name: is required');
    const extra = await h.request({
      method: 'POST',
      url: '/v1/tokens',
      token: h.tokens.admin,
      json: { name: 'x', scope: 'user', admin: true },
    });
    expect(extra.json().error.message).toBe('body.admin: is not a known field');
    const bad = await h.request({ method: 'GET', url: '/v1/models/not-a-uuid', token: h.tokens.user });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe('params.id: must be a valid uuid');
  });
});

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3 document covering every route', async () => {
    const res = await h.request({ method: 'GET', url: '/docs/json' });
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);

    for (const route of h.app.routeTable.filter((r) => r.documented)) {
      const p = route.url.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths?.[p]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${p} in the document`).toBeDefined();
      if (route.access !== 'public') {
        expect(op.security, `${route.method} ${p} security`).toEqual([{ bearerAuth: [] }]);
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
      }
    }
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.paths['/v1/models'].post.requestBody.content)).toEqual(['multipart/form-data']);
    expect(Object.keys(doc.paths['/v1/deployments'].post.requestBody.content)).toEqual(
      expect.arrayContaining(['application/yaml', 'application/json']),
    );
  });
});

describe('metrics', () => {
  it('exposes request counters, queue depths, device states and job durations', async () => {
    await h.request({ method: 'GET', url: '/healthz' });
    const run = await h.db.deployment.create({ data: { libraryName: 'm', yaml: 'x', config: {} } });
    const r = await h.db.run.create({ data: { deploymentId: run.id, actions: ['convert'], status: 'succeeded' } });
    const started = new Date('2026-01-01T00:00:00Z');
    await h.db.job.create({
      data: {
        runId: r.id,
        kind: 'convert',
        status: 'succeeded',
        idempotencyKey: `k-${r.id}`,
        startedAt: started,
        finishedAt: new Date(started.getTime() + 3_000),
      },
    });
    await h.db.device.create({ data: { serial: 'metrics-dev', kind: 'host', abis: ['host'], state: 'available' } });
    const res = await h.request({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toMatch(/mace_http_requests_total\{method="GET",route="\/healthz",status_code="200"\} [1-9]/);
    expect(text).toMatch(/mace_queue_jobs\{queue="convert",state="waiting"\} 0/);
    expect(text).toMatch(/mace_devices\{kind="host",state="available"\} 1/);
    expect(text).toMatch(/mace_runs\{status="succeeded"\} 1/);
    expect(text).toMatch(/mace_job_duration_seconds_bucket\{le="5",kind="convert",status="succeeded"\} 1/);
    expect(text).toMatch(/mace_job_duration_seconds_count\{kind="convert",status="succeeded"\} 1/);
    // a second scrape does not count the same job again
    const again = await h.request({ method: 'GET', url: '/metrics' });
    expect(again.body).toMatch(/mace_job_duration_seconds_count\{kind="convert",status="succeeded"\} 1\n/);
  });
});
