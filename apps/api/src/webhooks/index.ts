// Webhook delivery and signing, for the pipeline (deliverWebhooks) and for receivers
// (verifyWebhookSignature). See docs/api.md, "Webhooks".
export {
  deliverWebhooks,
  retryPendingDeliveries,
  startWebhookSweeper,
  subscribes,
  webhookEnvelope,
  webhookRetryDelayMs,
} from './deliver.js';
export type { DeliveryOptions, DeliveryOutcome } from './deliver.js';
export { generateWebhookSecret, signWebhookBody, verifyWebhookSignature } from './sign.js';
export { notifyRunEvents } from './run-events.js';
