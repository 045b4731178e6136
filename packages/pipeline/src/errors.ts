// How job failures are classified. A user error (bad model, bad config, unsupported op,
// validation below threshold) fails the job at once with its message; anything else is an
// infrastructure fault, retried with backoff until the job's attempts are spent (then `errored`).

/** The user can fix this (model, deployment file, options); retrying would not help. */
export class UserJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserJobError';
  }
}

/** A fault of the machinery (process, disk, network, device); worth retrying. */
export class InfrastructureError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InfrastructureError';
  }
}

/** Rejected run input (unknown deployment, no matching device, bad action): the API answers 4xx. */
export class RunInputError extends Error {
  constructor(
    message: string,
    /** Which input was wrong: 'deploymentId', 'actions', 'deviceSelector', 'options'. */
    readonly field: string,
    /** 404 for a missing deployment, 422 otherwise. */
    readonly statusCode: 404 | 422 = 422,
  ) {
    super(message);
    this.name = 'RunInputError';
  }
}

/** Errors of other packages that are user errors by construction. */
const USER_ERROR_NAMES = new Set(['UserJobError', 'ConversionError', 'ConfigError']);

export function isUserError(err: unknown): boolean {
  return err instanceof UserJobError || (err instanceof Error && USER_ERROR_NAMES.has(err.name));
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
