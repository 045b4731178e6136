// Webhook delivery: deliverWebhooks(db, event, payload) records one WebhookDelivery per active
// webhook subscribed to the event and POSTs the signed envelope to each, retrying failures with
// exponential backoff (base · 2^(n−1), capped) until delivered or the attempts are spent. Every
// attempt is recorded on the row (attempts, last_error, next_attempt_at), and an attempt is made
// only after claiming the row, so a delivery interrupted by a restart is finished — once — by
// retryPendingDeliveries (run periodically by the API process; see startWebhookSweeper).
import type { Db, Prisma, WebhookDelivery } from '@mace/db';
import {
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_EVENT_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  type WebhookEnvelope,
} from '@mace/protocol';
import { signWebhookBody } from './sign.js';

export interface DeliveryOptions {
  /** Attempts per delivery, the first included (default 6). */
  maxAttempts?: number;
  /** Delay before the first retry; doubled for each further retry (default 1000 ms). */
  baseDelayMs?: number;
  /** Longest delay between attempts (default 60 000 ms). */
  maxDelayMs?: number;
  /** Time allowed for one request (default 10 000 ms). */
  timeoutMs?: number;
  /** Waits between attempts (tests record the schedule through it). */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

export interface DeliveryOutcome {
  deliveryId: string;
  webhookId: string;
  status: 'delivered' | 'failed' | 'pending';
  attempts: number;
}

interface Settings {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  fetch: typeof fetch;
}

const MAX_ERROR_LENGTH = 1000;
const USER_AGENT = 'mace-webhooks/1';

function settingsOf(options: DeliveryOptions): Settings {
  return {
    maxAttempts: options.maxAttempts ?? 6,
    baseDelayMs: options.baseDelayMs ?? 1_000,
    maxDelayMs: options.maxDelayMs ?? 60_000,
    timeoutMs: options.timeoutMs ?? 10_000,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    fetch: options.fetch ?? fetch,
  };
}

/** Delay after `failedAttempts` failed attempts: base · 2^(failedAttempts−1), at most maxDelayMs. */
export function webhookRetryDelayMs(failedAttempts: number, options: DeliveryOptions = {}): number {
  const s = settingsOf(options);
  return Math.min(s.maxDelayMs, s.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
}

/** Whether a webhook subscribed to `event` (no events = every event). */
export function subscribes(events: string[], event: string): boolean {
  return events.length === 0 || events.includes(event);
}

/** The body POSTed for a delivery. */
export function webhookEnvelope(
  delivery: Pick<WebhookDelivery, 'id' | 'event' | 'payload' | 'createdAt'>,
): WebhookEnvelope {
  return {
    id: delivery.id,
    event: delivery.event,
    createdAt: delivery.createdAt.toISOString(),
    data: delivery.payload,
  };
}

/**
 * Records and sends `event` to every active webhook subscribed to it; resolves when each delivery
 * is delivered or failed for good (call without awaiting to send in the background). Never throws
 * for a receiver's failure — that is recorded on the delivery.
 */
export async function deliverWebhooks(
  db: Db,
  event: string,
  payload: unknown,
  options: DeliveryOptions = {},
): Promise<DeliveryOutcome[]> {
  const hooks = await db.webhook.findMany({ where: { active: true }, select: { id: true, events: true } });
  const targets = hooks.filter((h) => subscribes(h.events, event));
  if (targets.length === 0) return [];
  const now = new Date();
  const data = (payload ?? null) as Prisma.InputJsonValue;
  const deliveries = await db.$transaction(
    targets.map((h) =>
      db.webhookDelivery.create({
        data: { webhookId: h.id, event, payload: data, status: 'pending', nextAttemptAt: now, createdAt: now },
      }),
    ),
  );
  const settings = settingsOf(options);
  return handled(await Promise.all(deliveries.map((d) => runDelivery(db, d.id, settings, now))));
}

const handled = (outcomes: (DeliveryOutcome | null)[]): DeliveryOutcome[] =>
  outcomes.filter((o): o is DeliveryOutcome => o !== null);

/**
 * Finishes deliveries left pending (their process stopped between attempts) whose next attempt
 * is due. Returns what happened to each one this call took (another process may take some).
 */
export async function retryPendingDeliveries(
  db: Db,
  options: DeliveryOptions & { limit?: number } = {},
): Promise<DeliveryOutcome[]> {
  const due = await db.webhookDelivery.findMany({
    where: { status: 'pending', nextAttemptAt: { lte: new Date() } },
    orderBy: { nextAttemptAt: 'asc' },
    take: options.limit ?? 100,
    select: { id: true },
  });
  const settings = settingsOf(options);
  return handled(await Promise.all(due.map((d) => runDelivery(db, d.id, settings))));
}

/** Runs retryPendingDeliveries every `intervalMs` until stopped. */
export function startWebhookSweeper(
  db: Db,
  options: DeliveryOptions & { intervalMs?: number; onError?: (err: unknown) => void } = {},
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => retryPendingDeliveries(db, options).catch((err) => options.onError?.(err)));
  }, options.intervalMs ?? 30_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * Takes the delivery for one attempt: only a pending row whose next attempt is due by `dueBy`
 * (now, or the time this process itself scheduled), and pushes next_attempt_at past the attempt's
 * timeout so no other process takes it meanwhile.
 */
async function claim(db: Db, id: string, settings: Settings, dueBy: Date): Promise<boolean> {
  const now = new Date();
  const r = await db.webhookDelivery.updateMany({
    where: { id, status: 'pending', nextAttemptAt: { lte: dueBy } },
    data: { nextAttemptAt: new Date(now.getTime() + settings.timeoutMs + 5_000) },
  });
  return r.count === 1;
}

/**
 * Attempts a delivery until it is delivered or failed for good; null when another process had
 * already claimed it (so concurrent sweepers never both report, or send, one delivery).
 */
async function runDelivery(
  db: Db,
  id: string,
  settings: Settings,
  scheduledAt?: Date,
): Promise<DeliveryOutcome | null> {
  // The time the next attempt was scheduled for by this process: claiming against it (rather than
  // the clock) is immune to timers firing a millisecond early.
  let dueBy = scheduledAt ?? new Date();
  for (let attempted = false; ; attempted = true) {
    const claimed = await claim(db, id, settings, dueBy);
    if (!claimed && !attempted) return null;
    const row = await db.webhookDelivery.findUnique({ where: { id }, include: { webhook: true } });
    if (!row) return { deliveryId: id, webhookId: '', status: 'failed', attempts: 0 }; // its webhook was deleted
    const outcome = (): DeliveryOutcome => ({
      deliveryId: row.id,
      webhookId: row.webhookId,
      status: row.status,
      attempts: row.attempts,
    });
    if (!claimed) return outcome(); // delivered, failed, or in another process's hands

    const attempt = row.attempts + 1;
    const result = await post(row.webhook.url, row.webhook.secret, row, settings);
    if (result.ok) {
      const done = await db.webhookDelivery.update({
        where: { id },
        data: { status: 'delivered', attempts: attempt, deliveredAt: new Date(), nextAttemptAt: null, lastError: null },
      });
      return { deliveryId: id, webhookId: done.webhookId, status: 'delivered', attempts: attempt };
    }
    const gone = result.status === 410;
    const final = gone || !row.webhook.active || attempt >= settings.maxAttempts;
    const delay = webhookRetryDelayMs(attempt, settings);
    dueBy = new Date(Date.now() + delay);
    await db.webhookDelivery.update({
      where: { id },
      data: {
        attempts: attempt,
        lastError: result.error.slice(0, MAX_ERROR_LENGTH),
        status: final ? 'failed' : 'pending',
        nextAttemptAt: final ? null : dueBy,
      },
    });
    // 410 Gone: the receiver asks not to be called again.
    if (gone) await db.webhook.update({ where: { id: row.webhookId }, data: { active: false } });
    if (final) return { deliveryId: id, webhookId: row.webhookId, status: 'failed', attempts: attempt };
    await settings.sleep(delay);
  }
}

async function post(
  url: string,
  secret: string,
  delivery: WebhookDelivery,
  settings: Settings,
): Promise<{ ok: true } | { ok: false; status?: number; error: string }> {
  const body = JSON.stringify(webhookEnvelope(delivery));
  try {
    const res = await settings.fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        [WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(secret, body),
        [WEBHOOK_EVENT_HEADER]: delivery.event,
        [WEBHOOK_DELIVERY_HEADER]: delivery.id,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true };
    return { ok: false, status: res.status, error: `HTTP ${res.status} from ${url}` };
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    return { ok: false, error: `POST ${url} failed: ${(err as Error).message}${cause ? ` (${cause})` : ''}` };
  }
}
