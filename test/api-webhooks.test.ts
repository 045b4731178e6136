// Webhooks: registration through the API (secret generated or given, shown once; users see their
// own), and delivery with deliverWebhooks against a real local receiver — each request signed
// (X-Mace-Signature: sha256=HMAC-SHA256(secret, raw body), checked here with the shared secret),
// failures retried with exponential backoff and recorded in webhook_deliveries, 410 deactivating
// the webhook, and pending deliveries of a stopped process finished by retryPendingDeliveries.
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverWebhooks, retryPendingDeliveries, verifyWebhookSignature } from '@mace/api';
import { startApi, type Harness } from '../apps/api/test/harness.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local receiver answering with the queued status codes (then 200), recording every request. */
class Receiver {
  readonly received: Received[] = [];
  statuses: number[] = [];
  private server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      this.received.push({ headers: req.headers, body });
      res.statusCode = this.statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  url = '';
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const SECRET = 'a-shared-secret-of-some-length';
let h: Harness;
let receiver: Receiver;
beforeAll(async () => {
  h = await startApi();
  receiver = new Receiver();
  await receiver.start();
});
afterAll(async () => {
  await receiver?.stop();
  await h?.close();
});
beforeEach(async () => {
  receiver.received.length = 0;
  receiver.statuses = [];
  await h.db.webhook.deleteMany();
});

const createHook = (json: unknown, token = h.tokens.user) =>
  h.request({ method: 'POST', url: '/v1/webhooks', token, json });

/** Real waits (short), recorded: the backoff schedule is checked without timing the test. */
function recordingSleep(delays: number[]) {
  return (ms: number) => {
    delays.push(ms);
    return new Promise<void>((resolve) => setTimeout(resolve, ms));
  };
}

describe('webhook registration', () => {
  it('returns the secret once, lists own webhooks, deletes them', async () => {
    const generated = await createHook({ url: receiver.url, events: ['run.succeeded'] });
    expect(generated.statusCode).toBe(201);
    expect(generated.json().secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const given = await createHook({ url: receiver.url, secret: SECRET });
    expect(given.json()).toMatchObject({ secret: SECRET, events: [], active: true });

    const mine = await h.request({ method: 'GET', url: '/v1/webhooks', token: h.tokens.user });
    expect(mine.json().items).toHaveLength(2);
    expect(JSON.stringify(mine.json())).not.toContain(SECRET);
    const bobs = await h.request({ method: 'GET', url: '/v1/webhooks', token: h.tokens.otherUser });
    expect(bobs.json().items).toEqual([]);
    const admins = await h.request({ method: 'GET', url: '/v1/webhooks', token: h.tokens.admin });
    expect(admins.json().items).toHaveLength(2);

    const id = given.json().id;
    expect((await h.request({ method: 'GET', url: `/v1/webhooks/${id}`, token: h.tokens.user })).json().id).toBe(id);
    expect(
      (await h.request({ method: 'DELETE', url: `/v1/webhooks/${id}`, token: h.tokens.otherUser })).statusCode,
    ).toBe(404);
    const deleted = await h.request({ method: 'DELETE', url: `/v1/webhooks/${id}`, token: h.tokens.user });
    expect(deleted.statusCode).toBe(204);
    expect(await h.db.webhook.count({ where: { id } })).toBe(0);
  });

  it('rejects a malformed webhook naming the field', async () => {
    const ftp = await createHook({ url: 'ftp://example.com/x' });
    expect(ftp.statusCode).toBe(400);
    expect(ftp.json().error.message).toBe('body.url: must match ^https?://');
    const event = await createHook({ url: receiver.url, events: ['run.exploded'] });
    expect(event.json().error.message).toMatch(/^body\.events\[0\]: must be one of "run\.queued"/);
    const short = await createHook({ url: receiver.url, secret: 'short' });
    expect(short.json().error.message).toBe('body.secret: must NOT have fewer than 16 characters');
  });
});

describe('deliverWebhooks', () => {
  it('signs each delivery and retries failures with exponential backoff until delivered', async () => {
    const hook = (await createHook({ url: receiver.url, secret: SECRET, events: ['run.succeeded'] })).json();
    await createHook({ url: receiver.url, secret: SECRET, events: ['run.failed'] }); // not subscribed
    receiver.statuses = [500, 503];
    const delays: number[] = [];
    const payload = { runId: randomUUID(), status: 'succeeded' };
    const outcomes = await deliverWebhooks(h.db, 'run.succeeded', payload, {
      baseDelayMs: 25,
      sleep: recordingSleep(delays),
    });

    expect(outcomes).toEqual([
      { deliveryId: expect.any(String), webhookId: hook.id, status: 'delivered', attempts: 3 },
    ]);
    expect(delays).toEqual([25, 50]);
    expect(receiver.received).toHaveLength(3);
    const deliveryId = outcomes[0].deliveryId;
    for (const r of receiver.received) {
      const expected = `sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`;
      expect(r.headers['x-mace-signature']).toBe(expected);
      expect(verifyWebhookSignature(SECRET, r.body, r.headers['x-mace-signature'] as string)).toBe(true);
      expect(verifyWebhookSignature('another-secret-entirely', r.body, r.headers['x-mace-signature'] as string)).toBe(
        false,
      );
      expect(r.headers['x-mace-event']).toBe('run.succeeded');
      expect(r.headers['x-mace-delivery']).toBe(deliveryId);
      expect(r.headers['content-type']).toBe('application/json');
      expect(JSON.parse(r.body)).toEqual({
        id: deliveryId,
        event: 'run.succeeded',
        createdAt: expect.any(String),
        data: payload,
      });
    }
    const row = await h.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, lastError: null, nextAttemptAt: null });
    expect(row.deliveredAt).not.toBeNull();

    const listed = await h.request({ method: 'GET', url: `/v1/webhooks/${hook.id}/deliveries`, token: h.tokens.user });
    expect(listed.json().items).toEqual([
      expect.objectContaining({ id: deliveryId, status: 'delivered', attempts: 3 }),
    ]);
  });

  it('gives up after the last attempt and records why', async () => {
    await createHook({ url: receiver.url, secret: SECRET });
    receiver.statuses = [500, 500, 500, 500];
    const delays: number[] = [];
    const [outcome] = await deliverWebhooks(
      h.db,
      'run.failed',
      { n: 1 },
      { maxAttempts: 3, baseDelayMs: 10, sleep: recordingSleep(delays) },
    );
    expect(outcome).toMatchObject({ status: 'failed', attempts: 3 });
    expect(delays).toEqual([10, 20]);
    const row = await h.db.webhookDelivery.findUniqueOrThrow({ where: { id: outcome.deliveryId } });
    expect(row).toMatchObject({
      status: 'failed',
      attempts: 3,
      nextAttemptAt: null,
      lastError: `HTTP 500 from ${receiver.url}`,
    });
  });

  it('records a receiver that cannot be reached', async () => {
    const closed = new Receiver();
    await closed.start();
    await closed.stop();
    await createHook({ url: closed.url, secret: SECRET });
    const [outcome] = await deliverWebhooks(h.db, 'run.errored', {}, { maxAttempts: 2, baseDelayMs: 5 });
    expect(outcome.status).toBe('failed');
    const row = await h.db.webhookDelivery.findUniqueOrThrow({ where: { id: outcome.deliveryId } });
    expect(row.lastError).toMatch(new RegExp(`^POST ${closed.url} failed: .*ECONNREFUSED`));
  });

  it('stops calling a receiver that answers 410 Gone', async () => {
    const hook = (await createHook({ url: receiver.url, secret: SECRET })).json();
    receiver.statuses = [410];
    const [outcome] = await deliverWebhooks(h.db, 'run.cancelled', {}, { baseDelayMs: 5 });
    expect(outcome).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await h.db.webhook.findUniqueOrThrow({ where: { id: hook.id } })).active).toBe(false);
    expect(await deliverWebhooks(h.db, 'run.cancelled', {})).toEqual([]);
  });

  it('finishes deliveries left pending by a stopped process, once', async () => {
    const hook = (await createHook({ url: receiver.url, secret: SECRET })).json();
    const pending = await h.db.webhookDelivery.create({
      data: {
        webhookId: hook.id,
        event: 'run.succeeded',
        payload: { late: true },
        attempts: 1,
        lastError: 'HTTP 502',
        nextAttemptAt: new Date(Date.now() - 1000),
      },
    });
    const notDue = await h.db.webhookDelivery.create({
      data: {
        webhookId: hook.id,
        event: 'run.succeeded',
        payload: {},
        nextAttemptAt: new Date(Date.now() + 3_600_000),
      },
    });
    const [a, b] = await Promise.all([retryPendingDeliveries(h.db), retryPendingDeliveries(h.db)]);
    expect([...a, ...b].filter((o) => o.status === 'delivered')).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(receiver.received[0].body)).toMatchObject({ id: pending.id, data: { late: true } });
    expect(await h.db.webhookDelivery.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({
      status: 'delivered',
      attempts: 2,
    });
    expect(await h.db.webhookDelivery.findUniqueOrThrow({ where: { id: notDue.id } })).toMatchObject({
      status: 'pending',
      attempts: 0,
    });
  });
});
