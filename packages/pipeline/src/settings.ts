// Timings of the pipeline, from the environment (milliseconds). Defaults suit a lab; tests set
// short leases so that a killed worker's job is taken over quickly.
//   MACE_JOB_LEASE_MS      a running job's lease; renewed while the job runs (default 30 s)
//   MACE_RETRY_BASE_MS     first retry delay after an infrastructure error, doubled each time (5 s)
//   MACE_RECONCILE_MS      how often a worker or agent reconciles the database with the queues (30 s)

export interface PipelineSettings {
  leaseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  reconcileMs: number;
}

function envMs(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number of milliseconds, got "${raw}"`);
  return value;
}

export function pipelineSettings(overrides: Partial<PipelineSettings> = {}): PipelineSettings {
  return {
    leaseMs: overrides.leaseMs ?? envMs('MACE_JOB_LEASE_MS', 30_000),
    retryBaseMs: overrides.retryBaseMs ?? envMs('MACE_RETRY_BASE_MS', 5_000),
    retryMaxMs: overrides.retryMaxMs ?? 300_000,
    reconcileMs: overrides.reconcileMs ?? envMs('MACE_RECONCILE_MS', 30_000),
  };
}

/** Delay before attempt `attempt + 1` after `attempt` failed attempts: base · 2^(attempt−1), capped. */
export function retryDelayMs(settings: PipelineSettings, attempt: number): number {
  return Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.max(0, attempt - 1));
}
