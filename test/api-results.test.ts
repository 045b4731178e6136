// GET /v1/runs/:id/results: access (401 without or with an unknown token; user, agent and admin
// tokens read), 400/404, its place in the OpenAPI document, and the stored rows as they come back —
// validation metrics per output, benchmark summaries with ops in run order and op types longest first.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type Harness } from '../apps/api/test/harness.js';

let h: Harness;
let runId: string;
let emptyRunId: string;
let benchmarkJobId: string;
let validateJobId: string;
let deviceId: string;

beforeAll(async () => {
  h = await startApi();
  const deployment = await h.db.deployment.create({ data: { libraryName: 'results', yaml: 'x', config: {} } });
  const device = await h.db.device.create({
    data: { serial: 'results-host', kind: 'host', abis: ['host', 'x86_64'], state: 'available' },
  });
  deviceId = device.id;
  const run = await h.db.run.create({
    data: { deploymentId: deployment.id, actions: ['validate', 'benchmark'], status: 'succeeded' },
  });
  runId = run.id;
  emptyRunId = (await h.db.run.create({ data: { deploymentId: deployment.id, actions: ['benchmark'] } })).id;
  const job = (kind: 'validate' | 'benchmark') =>
    h.db.job.create({
      data: {
        runId,
        kind,
        status: 'succeeded',
        idempotencyKey: `${kind}-${runId}`,
        deviceId,
        abi: 'host',
        modelTag: 'net',
      },
    });
  validateJobId = (await job('validate')).id;
  benchmarkJobId = (await job('benchmark')).id;
  const metric = {
    jobId: validateJobId,
    runId,
    deviceId,
    modelTag: 'net',
    maxAbsError: 1e-5,
    threshold: 0.999,
    pixelAccuracy: 1,
  };
  await h.db.validationResult.create({
    data: { ...metric, output: 'logits', cosine: 0.99999, sqnrDb: 61.5, passed: true },
  });
  await h.db.validationResult.create({ data: { ...metric, output: 'same', cosine: 1, sqnrDb: null, passed: true } });
  await h.db.benchmarkResult.create({
    data: {
      jobId: benchmarkJobId,
      runId,
      deviceId,
      modelTag: 'net',
      initMs: 12.5,
      firstMs: 4,
      minMs: 2,
      medianMs: 2.5,
      p90Ms: 3,
      p99Ms: 3.5,
      maxMs: 3.6,
      meanMs: 2.6,
      stdMs: 0.3,
      count: 20,
      peakRssKb: 40_000,
      macs: 300_000_000n,
      threads: 2,
      raw: { not: 'returned' },
      ops: {
        create: [
          {
            index: 1,
            name: 'relu',
            type: 'Activation',
            startMs: 2,
            avgMs: 0.5,
            pct: 20,
            cdfPct: 100,
            macs: 0n,
            gmacps: 0,
            outputShape: [[1, 4]],
          },
          {
            index: 0,
            name: 'conv',
            type: 'Conv2D',
            startMs: 0,
            avgMs: 2,
            pct: 80,
            cdfPct: 80,
            macs: 300_000_000n,
            gmacps: 150,
            outputShape: [[1, 4]],
          },
        ],
      },
      opTypes: {
        create: [
          { type: 'Activation', count: 1, avgMs: 0.5, pct: 20, cdfPct: 100, macs: 0n, gmacps: 0 },
          { type: 'Conv2D', count: 1, avgMs: 2, pct: 80, cdfPct: 80, macs: 300_000_000n, gmacps: 150 },
        ],
      },
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const get = (url: string, token?: string | null) => h.request({ method: 'GET', url, token });

describe('GET /v1/runs/:id/results', () => {
  it('answers 401 without a token or with an unknown one', async () => {
    const none = await get(`/v1/runs/${runId}/results`);
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer realm="mace"/);
    expect(none.json().error.code).toBe('unauthorized');
    const unknown = await get(`/v1/runs/${runId}/results`, 'mace_user_notarealtoken');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('is readable with user, agent and admin tokens', async () => {
    for (const token of [h.tokens.user, h.tokens.agent, h.tokens.admin]) {
      expect((await get(`/v1/runs/${runId}/results`, token)).statusCode).toBe(200);
    }
  });

  it('answers 400 for a malformed id and 404 for an unknown run', async () => {
    const bad = await get('/v1/runs/not-a-uuid/results', h.tokens.user);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe('params.id: must be a valid uuid');
    const missing = randomUUID();
    const res = await get(`/v1/runs/${missing}/results`, h.tokens.user);
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'not_found', message: expect.stringContaining(missing) });
  });

  it('returns validation metrics and benchmark summaries with ops in run order and op types longest first', async () => {
    const res = await get(`/v1/runs/${runId}/results`, h.tokens.user);
    const body = res.json();
    expect(body.runId).toBe(runId);
    expect(body.validation).toEqual([
      expect.objectContaining({
        jobId: validateJobId,
        deviceId,
        modelTag: 'net',
        output: 'logits',
        cosine: 0.99999,
        sqnrDb: 61.5,
        pixelAccuracy: 1,
        passed: true,
        threshold: 0.999,
      }),
      expect.objectContaining({ output: 'same', cosine: 1, sqnrDb: null }),
    ]);
    expect(body.benchmarks).toHaveLength(1);
    const b = body.benchmarks[0];
    expect(b).toMatchObject({
      jobId: benchmarkJobId,
      deviceId,
      modelTag: 'net',
      initMs: 12.5,
      firstMs: 4,
      minMs: 2,
      medianMs: 2.5,
      p90Ms: 3,
      p99Ms: 3.5,
      maxMs: 3.6,
      count: 20,
      threads: 2,
      peakRssKb: 40_000,
      macs: 300_000_000,
    });
    expect(b.raw).toBeUndefined();
    expect(b.ops.map((o: { index: number; name: string }) => [o.index, o.name])).toEqual([
      [0, 'conv'],
      [1, 'relu'],
    ]);
    expect(b.ops[0]).toEqual({
      index: 0,
      name: 'conv',
      type: 'Conv2D',
      startMs: 0,
      avgMs: 2,
      pct: 80,
      cdfPct: 80,
      macs: 300_000_000,
      gmacps: 150,
      outputShape: [[1, 4]],
    });
    expect(b.opTypes.map((t: { type: string }) => t.type)).toEqual(['Conv2D', 'Activation']);
  });

  it('returns empty lists for a run without results yet', async () => {
    const res = await get(`/v1/runs/${emptyRunId}/results`, h.tokens.agent);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ runId: emptyRunId, validation: [], benchmarks: [] });
  });

  it('is in the OpenAPI document with bearer security and its response schema', async () => {
    const doc = (await get('/docs/json')).json();
    const op = doc.paths['/v1/runs/{id}/results'].get;
    expect(op.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404']));
    const schema = op.responses['200'].content['application/json'].schema;
    expect(schema.required).toEqual(['runId', 'validation', 'benchmarks']);
  });
});
