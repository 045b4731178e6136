// Baselines and comparisons over the real API and database: POST /v1/runs/:id/baseline (new tag 201,
// moved forward 200, backwards / unfinished run 409, bad tag 400, unknown run 404), GET
// /v1/baselines(/:tag), and GET /v1/runs/:id/compare against a run or a baseline (exactly one,
// threshold and noise floor applied, regressions listed, OpenAPI schema'd).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type Harness } from '../apps/api/test/harness.js';

let h: Harness;
let deploymentId: string;
let deviceId: string;

/** A succeeded benchmark run of model `net` whose ops take the given times (ms). */
async function benchmarkRun(opMs: { conv: number; relu: number }, status: 'succeeded' | 'failed' = 'succeeded') {
  const run = await h.db.run.create({ data: { deploymentId, actions: ['benchmark'], status } });
  const job = await h.db.job.create({
    data: { runId: run.id, kind: 'benchmark', status, idempotencyKey: `b-${run.id}`, deviceId, modelTag: 'net' },
  });
  const total = opMs.conv + opMs.relu;
  await h.db.benchmarkResult.create({
    data: {
      jobId: job.id,
      runId: run.id,
      deviceId,
      modelTag: 'net',
      initMs: 1,
      firstMs: total,
      minMs: total,
      medianMs: total,
      p90Ms: total,
      p99Ms: total,
      maxMs: total,
      meanMs: total,
      stdMs: 0,
      count: 10,
      peakRssKb: 1000,
      macs: 1000n,
      threads: 2,
      raw: {},
      ops: {
        create: [
          {
            index: 0,
            name: 'conv',
            type: 'Conv2D',
            startMs: 0,
            avgMs: opMs.conv,
            pct: 50,
            cdfPct: 50,
            macs: 1000n,
            gmacps: 1,
            outputShape: [[1]],
          },
          {
            index: 1,
            name: 'relu',
            type: 'Activation',
            startMs: opMs.conv,
            avgMs: opMs.relu,
            pct: 50,
            cdfPct: 100,
            macs: 0n,
            gmacps: 0,
            outputShape: [[1]],
          },
        ],
      },
      opTypes: {
        create: [
          { type: 'Conv2D', count: 1, avgMs: opMs.conv, pct: 50, cdfPct: 50, macs: 1000n, gmacps: 1 },
          { type: 'Activation', count: 1, avgMs: opMs.relu, pct: 50, cdfPct: 100, macs: 0n, gmacps: 0 },
        ],
      },
    },
  });
  return run.id;
}

const setBaseline = (runId: string, tag: string, token = h.tokens.user) =>
  h.request({ method: 'POST', url: `/v1/runs/${runId}/baseline`, token, json: { tag } });

beforeAll(async () => {
  h = await startApi();
  deploymentId = (await h.db.deployment.create({ data: { libraryName: 'cmp', yaml: 'x', config: {} } })).id;
  deviceId = (
    await h.db.device.create({ data: { serial: 'cmp-host', kind: 'host', abis: ['host'], state: 'available' } })
  ).id;
});

afterAll(async () => {
  await h?.close();
});

describe('baselines', () => {
  it('a new tag is 201, the same run again 200, a newer run moves it (200), an older one is 409', async () => {
    const older = await benchmarkRun({ conv: 2, relu: 1 });
    const newer = await benchmarkRun({ conv: 2, relu: 1 });
    const created = await setBaseline(older, 'main');
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ tag: 'main', runId: older });
    expect((await setBaseline(older, 'main')).statusCode).toBe(200);

    const moved = await setBaseline(newer, 'main');
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ tag: 'main', runId: newer, id: created.json().id });

    const back = await setBaseline(older, 'main');
    expect(back.statusCode).toBe(409);
    expect(back.json().error.message).toBe(
      `baseline main points to run ${newer}, which is newer than run ${older}; a tag only moves forward`,
    );
    const got = await h.request({ method: 'GET', url: '/v1/baselines/main', token: h.tokens.user });
    expect(got.statusCode).toBe(200);
    expect(got.json().runId).toBe(newer);
  });

  it('refuses a run that did not succeed (409), an unknown run (404) and a malformed tag (400)', async () => {
    const failed = await benchmarkRun({ conv: 1, relu: 1 }, 'failed');
    const r = await setBaseline(failed, 'nightly');
    expect(r.statusCode).toBe(409);
    expect(r.json().error.message).toBe(`run ${failed} is failed; only a succeeded run can be a baseline`);
    const unknown = randomUUID();
    const nf = await setBaseline(unknown, 'nightly');
    expect(nf.statusCode).toBe(404);
    expect(nf.json().error.message).toBe(`run ${unknown} not found`);
    for (const tag of ['', 'has space', '-leading', 'a/b', 'x'.repeat(101)]) {
      const bad = await setBaseline(failed, tag);
      expect(bad.statusCode, tag).toBe(400);
      expect(bad.json().error.message, tag).toMatch(/^body\.tag: /);
    }
    const missing = await h.request({ method: 'GET', url: '/v1/baselines/nope', token: h.tokens.user });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toBe('baseline nope not found');
  });

  it('lists tags newest first, filtered by run; agents may not set or read them', async () => {
    const run = await benchmarkRun({ conv: 1, relu: 1 });
    expect((await setBaseline(run, 'release-1.0')).statusCode).toBe(201);
    expect((await setBaseline(run, 'release_1.1')).statusCode).toBe(201);
    const list = await h.request({ method: 'GET', url: `/v1/baselines?runId=${run}`, token: h.tokens.user });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((b: { tag: string }) => b.tag)).toEqual(['release_1.1', 'release-1.0']);
    expect((await setBaseline(run, 'agent-tag', h.tokens.agent)).statusCode).toBe(403);
  });
});

describe('GET /v1/runs/:id/compare', () => {
  it('against a run: the slower op, its type and the latency regress; a sub-threshold op does not', async () => {
    const base = await benchmarkRun({ conv: 2, relu: 1 });
    const slow = await benchmarkRun({ conv: 3, relu: 1.05 });
    const r = await h.request({
      method: 'GET',
      url: `/v1/runs/${slow}/compare?with=${base}&threshold=20`,
      token: h.tokens.user,
    });
    expect(r.statusCode).toBe(200);
    const c = r.json();
    expect(c).toMatchObject({ baseRunId: base, runId: slow, baselineTag: null, thresholdPct: 20, minDeltaMs: 0.01 });
    expect(
      c.benchmarks[0].ops.map((o: { name: string; regressed: boolean; deltaPct: number }) => [
        o.name,
        o.regressed,
        Math.round(o.deltaPct),
      ]),
    ).toEqual([
      ['conv', true, 50],
      ['relu', false, 5],
    ]);
    expect(c.regressions.map((x: { kind: string; name: string }) => `${x.kind}:${x.name}`)).toEqual([
      'latency:meanMs',
      'latency:medianMs',
      'latency:p90Ms',
      'latency:p99Ms',
      'op:conv',
      'opType:Conv2D',
    ]);
    const generous = await h.request({
      method: 'GET',
      url: `/v1/runs/${slow}/compare?with=${base}&threshold=60`,
      token: h.tokens.user,
    });
    expect(generous.json().regressions).toEqual([]);
  });

  it('against a baseline tag', async () => {
    const base = await benchmarkRun({ conv: 2, relu: 1 });
    const same = await benchmarkRun({ conv: 2, relu: 1 });
    expect((await setBaseline(base, 'cmp-tag')).statusCode).toBe(201);
    const r = await h.request({
      method: 'GET',
      url: `/v1/runs/${same}/compare?baseline=cmp-tag`,
      token: h.tokens.user,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      baseRunId: base,
      runId: same,
      baselineTag: 'cmp-tag',
      thresholdPct: 10,
      regressions: [],
    });
  });

  it('needs exactly one of with and baseline; unknown runs and tags are 404', async () => {
    const run = await benchmarkRun({ conv: 1, relu: 1 });
    for (const qs of ['', `?with=${run}&baseline=main`]) {
      const r = await h.request({ method: 'GET', url: `/v1/runs/${run}/compare${qs}`, token: h.tokens.user });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.message).toBe('query: give exactly one of with (a run id) and baseline (a tag)');
    }
    const negative = await h.request({
      method: 'GET',
      url: `/v1/runs/${run}/compare?with=${run}&threshold=-1`,
      token: h.tokens.user,
    });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().error.message).toMatch(/^query\.threshold: /);
    const unknown = randomUUID();
    const nf = await h.request({ method: 'GET', url: `/v1/runs/${run}/compare?with=${unknown}`, token: h.tokens.user });
    expect(nf.statusCode).toBe(404);
    expect(nf.json().error.message).toBe(`run ${unknown} not found`);
    const nt = await h.request({ method: 'GET', url: `/v1/runs/${run}/compare?baseline=absent`, token: h.tokens.user });
    expect(nt.statusCode).toBe(404);
  });

  it('is in the OpenAPI document with its response schema', async () => {
    const doc = (await h.request({ method: 'GET', url: '/docs/json' })).json();
    const op = doc.paths['/v1/runs/{id}/compare'].get;
    const schema = op.responses['200'].content['application/json'].schema;
    expect(schema.required).toEqual(
      expect.arrayContaining(['benchmarks', 'validation', 'regressions', 'thresholdPct']),
    );
    expect(doc.paths['/v1/runs/{id}/baseline'].post).toBeDefined();
    expect(doc.paths['/v1/baselines/{tag}'].get).toBeDefined();
  });
});
