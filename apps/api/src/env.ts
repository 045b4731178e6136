// The API process's settings from the environment (PORT, HOST, DATABASE_URL, REDIS_URL,
// ARTIFACT_DIR, MACE_UPLOAD_LIMIT, MACE_ADMIN_TOKEN, LOG_LEVEL, DASHBOARD_DIR), checked with messages that say
// which variable is wrong and what it should look like.
import { DEFAULT_UPLOAD_LIMIT_BYTES } from './server.js';

export interface ApiEnv {
  port: number;
  host: string;
  databaseUrl?: string;
  redisUrl: string;
  artifactDir?: string;
  uploadLimitBytes: number;
  adminToken?: string;
  logLevel: string;
  queuePrefix?: string;
  /** The built dashboard to serve at `/` (default: apps/dashboard/dist). */
  dashboardDir?: string;
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

/** `2147483648`, `2GiB`, `500 MB`, `1.5g` → bytes. Throws RangeError naming `name` otherwise. */
export function parseByteSize(value: string, name = 'size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new RangeError(
      `${name}="${value}" is not a size; write bytes (2147483648) or a number with a unit (500MiB, 2GiB)`,
    );
  }
  const bytes = Math.floor(Number(m[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new RangeError(`${name}="${value}" must be at least 1 byte`);
  return bytes;
}

export function readApiEnv(env: NodeJS.ProcessEnv = process.env): ApiEnv {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`PORT="${env.PORT}" must be a port number (0-65535)`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    artifactDir: env.ARTIFACT_DIR || undefined,
    uploadLimitBytes: env.MACE_UPLOAD_LIMIT
      ? parseByteSize(env.MACE_UPLOAD_LIMIT, 'MACE_UPLOAD_LIMIT')
      : DEFAULT_UPLOAD_LIMIT_BYTES,
    adminToken: env.MACE_ADMIN_TOKEN || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    queuePrefix: env.MACE_QUEUE_PREFIX || undefined,
    dashboardDir: env.DASHBOARD_DIR || undefined,
  };
}
