// The store's keys: lower-case hex SHA-256 digests. Everything that turns a key into a path
// goes through assertSha256 first.
import { StoreKeyError } from './errors.js';

const SHA256_RE = /^[0-9a-f]{64}$/;

export function isSha256(value: unknown): value is string {
  return typeof value === 'string' && SHA256_RE.test(value);
}

/** Returns `value` when it is a lower-case hex sha256, else throws StoreKeyError. */
export function assertSha256(value: unknown): string {
  if (!isSha256(value)) throw new StoreKeyError(String(value));
  return value;
}
