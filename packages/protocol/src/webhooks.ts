// Webhook contract between the service and the receivers it notifies: event names, the JSON
// envelope POSTed for each event, and the signature header (HMAC-SHA256 over the raw body with
// the webhook's secret). Sent by @mace/api deliverWebhooks; receivers verify with the secret.

export const WEBHOOK_EVENTS = [
  'run.queued',
  'run.started',
  'run.succeeded',
  'run.failed',
  'run.errored',
  'run.cancelled',
  'job.succeeded',
  'job.failed',
  'job.errored',
  'device.offline',
  'device.quarantined',
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** `X-Mace-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>` */
export const WEBHOOK_SIGNATURE_HEADER = 'x-mace-signature';
export const WEBHOOK_EVENT_HEADER = 'x-mace-event';
export const WEBHOOK_DELIVERY_HEADER = 'x-mace-delivery';

/** The body of every delivery. */
export interface WebhookEnvelope<T = unknown> {
  /** The delivery id: the same on every retry of one delivery (receivers deduplicate by it). */
  id: string;
  event: WebhookEvent | string;
  /** When the event was recorded (ISO 8601). */
  createdAt: string;
  data: T;
}
