// Webhook signatures: `sha256=<hex HMAC-SHA256(secret, raw body)>` in X-Mace-Signature, and the
// receiver-side check (constant-time), plus generated secrets.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function signWebhookBody(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Whether `signature` (the header's value) signs `body` with `secret`. For receivers and tests. */
export function verifyWebhookSignature(
  secret: string,
  body: string | Uint8Array,
  signature: string | undefined,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(signWebhookBody(secret, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A new random secret (256 bits). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
