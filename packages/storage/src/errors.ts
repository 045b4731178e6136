// Errors of the artifact store: each says what was refused and why, so callers (the API's upload
// route, the worker) can map them to a response or a job failure without parsing messages.

/** The content exceeded the caller's size limit; nothing was stored. */
export class StoreLimitError extends Error {
  constructor(
    readonly maxBytes: number,
    readonly receivedBytes: number,
  ) {
    super(`content exceeds the limit of ${maxBytes} bytes (received at least ${receivedBytes}); nothing was stored`);
    this.name = 'StoreLimitError';
  }
}

/** The content's sha256 differs from the one the caller expected; nothing was stored. */
export class StoreChecksumError extends Error {
  constructor(
    readonly expectedSha256: string,
    readonly actualSha256: string,
  ) {
    super(`content has sha256 ${actualSha256} but ${expectedSha256} was expected; nothing was stored`);
    this.name = 'StoreChecksumError';
  }
}

/** A key that is not a lower-case hex sha256 (never reaches the filesystem). */
export class StoreKeyError extends Error {
  constructor(readonly key: string) {
    super(`"${key.length > 80 ? `${key.slice(0, 80)}…` : key}" is not a sha256 (64 lower-case hex digits)`);
    this.name = 'StoreKeyError';
  }
}

/** The blob asked for is not in the store. */
export class StoreNotFoundError extends Error {
  constructor(readonly sha256: string) {
    super(`artifact ${sha256} is not in the store`);
    this.name = 'StoreNotFoundError';
  }
}
