// Runs through the API (with @mace/pipeline's submitRun / cancelRun underneath): creation and its
// jobs, idempotency keys (body field or header), 400s naming the field, cancellation, listing with
// filters and cursor / offset pagination, jobs, and the SSE log stream (with Last-Event-ID resume)
// and its JSON mode, over a real socket.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentYaml, multipart, startApi, type Harness } from '../apps/api/test/harness.js';

let h: Harness;
let deploymentId: string;
let baseUrl: string;
beforeAll(async () => {
  h = await startApi();
  const content = randomBytes(1_000);
  const sha = createHash('sha256').update(content).digest('hex');
  const { body, contentType } = multipart([{ name: 'file', filename: 'net.onnx', content }]);
  await h.request({
    method: 'POST',
    url: '/v1/models',
    token: h.tokens.user,
    body,
    headers: { 'content-type': contentType },
  });
  const d = await h.request({
    method: 'POST',
    url: '/v1/deployments',
    token: h.tokens.user,
    body: deploymentYaml(sha),
    headers: { 'content-type': 'application/yaml' },
  });
  expect(d.statusCode).toBe(201);
  deploymentId = d.json().id;
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await h?.close();
});

const createRun = (json: unknown, headers: Record<string, string> = {}, token = h.tokens.user) =>
  h.request({ method: 'POST', url: '/v1/runs', token, json, headers });

describe('POST /v1/runs', () => {
  it('creates a run with its planned jobs and queues the first ones', async () => {
    const res = await createRun({
      deploymentId,
      actions: ['convert', 'build'],
      options: { round: 5, omp_num_threads: 2, max_time: 2.5 },
    });
    expect(res.statusCode).toBe(201);
    const run = res.json();
    expect(run).toMatchObject({
      deploymentId,
      status: 'queued',
      actions: ['convert', 'build'],
      options: { round: 5, threads: 2, maxTime: 2.5 },
    });
    expect(run.jobs.map((j: { kind: string }) => j.kind).sort()).toEqual(['build', 'convert']);
    const convert = run.jobs.find((j: { kind: string }) => j.kind === 'convert');
    expect(convert).toMatchObject({ status: 'queued', modelTag: 'net', dependsOn: [] });
    expect(await h.queues.convert.getJob(convert.id)).toBeDefined();
    const alice = await h.db.user.findUniqueOrThrow({ where: { name: 'alice' } });
    expect(run.createdById).toBe(alice.id);
  });

  it('returns the first run (200) for a repeated idempotency key, from the body or the header', async () => {
    const key = `ci-${randomUUID()}`;
    const first = await createRun({ deploymentId, actions: ['convert'], idempotencyKey: key });
    expect(first.statusCode).toBe(201);
    const again = await createRun({ deploymentId, actions: ['convert'], idempotencyKey: key });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const viaHeader = await createRun({ deploymentId, actions: ['convert'] }, { 'idempotency-key': key });
    expect(viaHeader.statusCode).toBe(200);
    expect(viaHeader.json().id).toBe(first.json().id);
    expect(await h.db.run.count({ where: { idempotencyKey: key } })).toBe(1);

    // another user's same key is another run
    const bob = await createRun({ deploymentId, actions: ['convert'], idempotencyKey: key }, {}, h.tokens.otherUser);
    expect(bob.statusCode).toBe(201);
    expect(bob.json().id).not.toBe(first.json().id);

    const reused = await createRun({ deploymentId, actions: ['convert', 'build'], idempotencyKey: key });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error).toMatchObject({ code: 'idempotency_key_reused', details: { runId: first.json().id } });

    const differing = await createRun(
      { deploymentId, actions: ['convert'], idempotencyKey: 'a' },
      { 'idempotency-key': 'b' },
    );
    expect(differing.statusCode).toBe(400);
    expect(differing.json().error.message).toMatch(/^body\.idempotencyKey: differs from the Idempotency-Key header/);
  });

  it('answers 400 naming the field of a malformed request', async () => {
    const cases: [unknown, string][] = [
      [{ actions: ['convert'] }, 'body.deploymentId: is required'],
      [
        { deploymentId, actions: ['convert', 'explode'] },
        'body.actions[1]: must be one of "convert", "build", "validate", "benchmark", "tune"',
      ],
      [{ deploymentId, actions: [] }, 'body.actions: must NOT have fewer than 1 items'],
      [{ deploymentId, actions: ['convert'], options: { round: 'many' } }, 'body.options.round: must be integer'],
      [{ deploymentId, actions: ['convert'], options: { rounds: 3 } }, 'body.options.rounds: is not a known field'],
      [{ deploymentId, actions: ['convert'], options: { maxTime: 0 } }, 'body.options.maxTime: must be > 0'],
      [{ deploymentId, actions: ['convert'], options: { max_time: 301 } }, 'body.options.max_time: must be <= 300'],
      [
        { deploymentId, actions: ['convert'], devices: { kind: 'phone' } },
        'body.devices.kind: must be one of "host", "android", "linux"',
      ],
      [{ deploymentId, actions: ['convert'], devices: { ids: ['nope'] } }, 'body.devices.ids[0]: must be a valid uuid'],
      [{ deploymentId: 'abc', actions: ['convert'] }, 'body.deploymentId: must be a valid uuid'],
    ];
    for (const [body, message] of cases) {
      const res = await createRun(body);
      expect(res.statusCode, message).toBe(400);
      expect(res.json().error.message).toBe(message);
      expect(res.json().error.details.fields[0].field).toBe(message.split(':')[0]);
    }
    const noBody = await h.request({
      method: 'POST',
      url: '/v1/runs',
      token: h.tokens.user,
      headers: { 'content-type': 'application/json' },
    });
    expect(noBody.statusCode).toBe(400);
    expect(noBody.json().error.message).toBe('body: must be object');
  });

  it('answers 404 for an unknown deployment and 422 for an action the pipeline refuses', async () => {
    const missing = randomUUID();
    const res = await createRun({ deploymentId: missing, actions: ['convert'] });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toBe(`body.deploymentId: deployment ${missing} does not exist`);
    const tune = await createRun({ deploymentId, actions: ['tune'] });
    expect(tune.statusCode).toBe(422);
    expect(tune.json().error.message).toMatch(
      /^body\.actions: action "tune" tunes the OpenCL kernels of GPU models, but no model/,
    );
  });
});

describe('runs and jobs', () => {
  it('gets a run with its jobs, and its jobs alone (agents too)', async () => {
    const run = (await createRun({ deploymentId, actions: ['convert', 'build'] })).json();
    const got = await h.request({ method: 'GET', url: `/v1/runs/${run.id}`, token: h.tokens.agent });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(run);
    const jobs = await h.request({ method: 'GET', url: `/v1/runs/${run.id}/jobs`, token: h.tokens.user });
    expect(jobs.json().items).toEqual(run.jobs);
    const job = await h.request({ method: 'GET', url: `/v1/jobs/${run.jobs[0].id}`, token: h.tokens.agent });
    expect(job.json()).toEqual(run.jobs[0]);
    for (const url of [`/v1/runs/${randomUUID()}`, `/v1/runs/${randomUUID()}/jobs`, `/v1/jobs/${randomUUID()}`]) {
      const res = await h.request({ method: 'GET', url, token: h.tokens.user });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
  });

  it('cancels a run: its jobs end cancelled and leave the queue', async () => {
    const run = (await createRun({ deploymentId, actions: ['convert'] })).json();
    const res = await h.request({
      method: 'POST',
      url: `/v1/runs/${run.id}/cancel`,
      token: h.tokens.user,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(200);
    const cancelled = res.json();
    expect(cancelled).toMatchObject({ id: run.id, status: 'cancelled', reason: 'cancelled through the API' });
    expect(cancelled.finishedAt).not.toBeNull();
    expect(cancelled.jobs.every((j: { status: string }) => j.status === 'cancelled')).toBe(true);
    expect(await h.queues.convert.getJob(run.jobs[0].id)).toBeUndefined();

    const again = await h.request({
      method: 'POST',
      url: `/v1/runs/${run.id}/cancel`,
      token: h.tokens.user,
      json: { reason: 'twice' },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().reason).toBe('cancelled through the API');
    const unknown = await h.request({ method: 'POST', url: `/v1/runs/${randomUUID()}/cancel`, token: h.tokens.user });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('GET /v1/runs', () => {
  it('pages with cursors and next links, newest first, without gaps or repeats', async () => {
    const other = await h.db.deployment.create({ data: { libraryName: 'paging', yaml: 'x', config: {} } });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push(
        (
          await h.db.run.create({
            data: { deploymentId: other.id, actions: ['convert'], status: i % 2 ? 'failed' : 'succeeded' },
          })
        ).id,
      );
    }
    const seen: string[] = [];
    let url: string | null = `/v1/runs?deploymentId=${other.id}&limit=3`;
    let pages = 0;
    while (url) {
      const res = await h.request({ method: 'GET', url, token: h.tokens.user });
      expect(res.statusCode).toBe(200);
      const page = res.json();
      seen.push(...page.items.map((r: { id: string }) => r.id));
      if (page.next) expect(res.headers.link).toBe(`<${page.next}>; rel="next"`);
      url = page.next;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    const offset = await h.request({
      method: 'GET',
      url: `/v1/runs?deploymentId=${other.id}&limit=3&offset=3`,
      token: h.tokens.user,
    });
    expect(offset.json().items.map((r: { id: string }) => r.id)).toEqual([...ids].reverse().slice(3, 6));
    expect(offset.json().next).toBe(`/v1/runs?deploymentId=${other.id}&limit=3&offset=6`);

    const failed = await h.request({
      method: 'GET',
      url: `/v1/runs?deploymentId=${other.id}&status=failed`,
      token: h.tokens.user,
    });
    expect(failed.json().items).toHaveLength(3);
    const both = await h.request({
      method: 'GET',
      url: `/v1/runs?deploymentId=${other.id}&status=failed&status=succeeded`,
      token: h.tokens.user,
    });
    expect(both.json().items).toHaveLength(7);
  });

  it('filters by creation time', async () => {
    const d = await h.db.deployment.create({ data: { libraryName: 'times', yaml: 'x', config: {} } });
    const old = await h.db.run.create({
      data: { deploymentId: d.id, actions: ['convert'], createdAt: new Date('2025-01-01T00:00:00Z') },
    });
    const recent = await h.db.run.create({
      data: { deploymentId: d.id, actions: ['convert'], createdAt: new Date('2025-06-01T00:00:00Z') },
    });
    const list = async (q: string) =>
      (await h.request({ method: 'GET', url: `/v1/runs?deploymentId=${d.id}&${q}`, token: h.tokens.user }))
        .json()
        .items.map((r: { id: string }) => r.id);
    expect(await list('createdAfter=2025-03-01T00:00:00Z')).toEqual([recent.id]);
    expect(await list('createdBefore=2025-03-01T00:00:00Z')).toEqual([old.id]);
    expect(await list('createdAfter=2024-12-31T00:00:00Z&createdBefore=2025-12-31T00:00:00Z')).toHaveLength(2);
  });

  it('refuses bad list parameters naming them', async () => {
    const cases: [string, string][] = [
      ['limit=101', 'query.limit: must be <= 100'],
      ['limit=0', 'query.limit: must be >= 1'],
      [
        'status=lost',
        'query.status[0]: must be one of "queued", "running", "succeeded", "failed", "errored", "cancelled"',
      ],
      ['createdAfter=yesterday', 'query.createdAfter: must be a valid date-time'],
      ['cursor=bm90LWEtY3Vyc29y', 'query.cursor: is not a cursor returned by this API; start again without it'],
      ['colour=blue', 'query.colour: is not a known field'],
    ];
    for (const [q, message] of cases) {
      const res = await h.request({ method: 'GET', url: `/v1/runs?${q}`, token: h.tokens.user });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.message, q).toBe(message);
    }
  });
});

interface SseEvent {
  id?: string;
  event: string;
  data: unknown;
}

/** Reads SSE events from a fetch response until `until` says stop or the stream ends. */
async function readEvents(
  res: Response,
  until: (events: SseEvent[]) => boolean,
): Promise<{ events: SseEvent[]; ended: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { events, ended: true };
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const fields = Object.fromEntries(
        block
          .split('\n')
          .filter((l) => l && !l.startsWith(':'))
          .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trimStart()]),
      );
      if (!fields.event) continue;
      events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
    }
    if (until(events)) {
      await reader.cancel();
      return { events, ended: false };
    }
  }
}

describe('GET /v1/runs/:id/logs', () => {
  it('streams log lines as SSE until the run ends, and resumes after Last-Event-ID', async () => {
    const run = await h.db.run.create({ data: { deploymentId, actions: ['convert'], status: 'running' } });
    const job = await h.db.job.create({
      data: { runId: run.id, kind: 'convert', status: 'running', idempotencyKey: `log-${run.id}` },
    });
    await h.db.jobLog.createMany({
      data: [
        { runId: run.id, jobId: job.id, stream: 'system', text: 'convert started' },
        { runId: run.id, jobId: job.id, stream: 'stdout', text: 'reading model' },
      ],
    });
    const headers = { authorization: `Bearer ${h.tokens.user}`, accept: 'text/event-stream' };
    const res = await fetch(`${baseUrl}/v1/runs/${run.id}/logs`, { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);

    const firstTwo = await readEvents(res, (e) => e.length >= 2);
    expect(firstTwo.events.map((e) => (e.data as { text: string }).text)).toEqual(['convert started', 'reading model']);
    expect(firstTwo.events[0]).toMatchObject({
      event: 'log',
      data: { runId: run.id, jobId: job.id, stream: 'system' },
    });
    const secondId = firstTwo.events[1].id!;
    expect(secondId).toBe((firstTwo.events[1].data as { id: string }).id);

    // A follower sees new lines as they are written, and the end of the run.
    const follow = await fetch(`${baseUrl}/v1/runs/${run.id}/logs`, {
      headers: { ...headers, 'last-event-id': secondId },
    });
    const following = readEvents(follow, (e) => e.some((x) => x.event === 'end'));
    await h.db.jobLog.create({ data: { runId: run.id, jobId: job.id, stream: 'stderr', text: 'warning: slow op' } });
    await h.db.run.update({ where: { id: run.id }, data: { status: 'succeeded', finishedAt: new Date() } });
    const rest = await following;
    expect(rest.events.map((e) => e.event)).toEqual(['log', 'end']);
    expect(rest.events[0].data).toMatchObject({ text: 'warning: slow op', stream: 'stderr' });
    expect(rest.events[1].data).toEqual({ status: 'succeeded', reason: null });

    // A terminal run's stream sends what is left, then ends and closes.
    const replay = await fetch(`${baseUrl}/v1/runs/${run.id}/logs?after=0`, { headers });
    const all = await readEvents(replay, () => false);
    expect(all.ended).toBe(true);
    expect(all.events.map((e) => e.event)).toEqual(['log', 'log', 'log', 'end']);
  });

  it('serves the log as JSON pages with ?format=json', async () => {
    const run = await h.db.run.create({ data: { deploymentId, actions: ['convert'], status: 'failed' } });
    await h.db.jobLog.createMany({
      data: ['a', 'b', 'c'].map((text) => ({ runId: run.id, stream: 'system' as const, text })),
    });
    const page1 = await h.request({
      method: 'GET',
      url: `/v1/runs/${run.id}/logs?format=json&limit=2`,
      token: h.tokens.user,
    });
    expect(page1.statusCode).toBe(200);
    const p1 = page1.json();
    expect(p1.items.map((l: { text: string }) => l.text)).toEqual(['a', 'b']);
    expect(p1).toMatchObject({ runStatus: 'failed', complete: false });
    const page2 = await h.request({
      method: 'GET',
      url: `/v1/runs/${run.id}/logs?format=json&limit=2&after=${p1.nextAfter}`,
      token: h.tokens.user,
    });
    expect(page2.json()).toMatchObject({ items: [{ text: 'c' }], complete: true });
    const missing = await h.request({
      method: 'GET',
      url: `/v1/runs/${randomUUID()}/logs?format=json`,
      token: h.tokens.user,
    });
    expect(missing.statusCode).toBe(404);
  });
});
