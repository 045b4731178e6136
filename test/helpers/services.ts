// Real PostgreSQL and Redis for tests, one isolated set per test file.
//
//   const services = await getTestServices();      // in beforeAll
//   ... services.databaseUrl, services.redisUrl, services.redisPrefix ...
//   await services.cleanup();                      // in afterAll
//
// Where the services come from, in order:
//   1. DATABASE_URL / REDIS_URL when set (the server is used; the database named there is not),
//   2. the local services of `npm run setup` (PostgreSQL at 127.0.0.1:5432, user postgres,
//      trust auth; Redis at 127.0.0.1:6379) when they answer,
//   3. testcontainers, only where a Docker engine answers `docker info` (it needs the
//      `testcontainers` package, 11.x — 12.x needs Node 22 — which the project does not install
//      while its machines have no Docker),
//   else a clear error that says how to start them (`npm run setup`).
//
// Isolation: every call creates a fresh database `mace_test_<time>_<random>` holding the
// committed migrations (cloned from a template database built once per migration set, so a test
// file costs one CREATE DATABASE instead of a Prisma CLI run) and dropped by cleanup(); Redis is
// shared, so each call gets its own key prefix (`redisPrefix`, e.g. BullMQ's `prefix` option) whose
// keys cleanup() deletes.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import {
  applyMigrations,
  createDatabase,
  dropDatabase,
  migrationsChecksum,
  redact,
  withDatabase,
  withServer,
} from '@mace/db/migrate';

export interface TestServices {
  /** A fresh database with every migration applied, dropped by cleanup(). */
  databaseUrl: string;
  /** The Redis server (shared between test files: use redisPrefix). */
  redisUrl: string;
  /** Prefix for every Redis key this test file writes (no trailing colon); deleted by cleanup(). */
  redisPrefix: string;
  /** Where the services came from. */
  source: 'env' | 'local' | 'testcontainers';
  cleanup(): Promise<void>;
}

export interface TestServicesOptions {
  /** Whether the caller needs Redis (default true); when false, Redis is not checked. */
  redis?: boolean;
}

const LOCAL_POSTGRES = 'postgresql://postgres@127.0.0.1:5432/postgres';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';
const HOW_TO_START =
  'Start the local services with `npm run setup` (PostgreSQL on 127.0.0.1:5432 and Redis on ' +
  '127.0.0.1:6379), or point DATABASE_URL / REDIS_URL at running ones.';
/** Test databases older than this are leftovers of killed runs and are dropped. */
const STALE_AFTER_S = 6 * 3600;
/** pg_advisory_lock key serializing template builds across parallel test files. */
const TEMPLATE_LOCK_KEY = 0x6d616365; // "mace"

/**
 * Sends one command to Redis and returns the first line of its reply (`+PONG`, `:3`, `$5`...):
 * enough for PING, SET and EVAL with an integer result, without a Redis client dependency.
 */
export function redisCommand(url: string, args: string[], timeoutMs = 2_000): Promise<string> {
  const u = new URL(url);
  const host = u.hostname || '127.0.0.1';
  const port = Number(u.port || 6379);
  const db = Number(u.pathname.replace(/^\//, '') || 0);
  const encode = (parts: string[]): string =>
    `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;
  let payload = '';
  let expectedReplies = 1;
  if (u.password) {
    payload += encode(
      u.username
        ? ['AUTH', decodeURIComponent(u.username), decodeURIComponent(u.password)]
        : ['AUTH', decodeURIComponent(u.password)],
    );
    expectedReplies++;
  }
  if (db) {
    payload += encode(['SELECT', String(db)]);
    expectedReplies++;
  }
  payload += encode(args);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let data = '';
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`Redis at ${host}:${port} did not answer in ${timeoutMs} ms`)));
    socket.on('error', fail);
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      const lines = data.split('\r\n');
      if (lines.length - 1 < expectedReplies) return;
      socket.end();
      const replies = lines.slice(0, expectedReplies);
      const error = replies.find((l) => l.startsWith('-'));
      if (error) reject(new Error(`Redis: ${error.slice(1)}`));
      else resolve(replies[expectedReplies - 1]);
    });
  });
}

async function redisReachable(url: string): Promise<boolean> {
  try {
    return (await redisCommand(url, ['PING'])) === '+PONG';
  } catch {
    return false;
  }
}

async function postgresReachable(url: string): Promise<boolean> {
  try {
    await withServer(url, (c) => c.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

function dockerAvailable(): boolean {
  const r = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

interface ServerUrls {
  postgres: string;
  redis: string;
  source: TestServices['source'];
  stop?: () => Promise<void>;
}

interface StartedContainer {
  getHost(): string;
  getMappedPort(port: number): number;
  stop(): Promise<unknown>;
}
interface ContainerBuilder {
  withEnvironment(env: Record<string, string>): ContainerBuilder;
  withExposedPorts(...ports: number[]): ContainerBuilder;
  start(): Promise<StartedContainer>;
}

async function fromTestcontainers(needRedis: boolean): Promise<ServerUrls> {
  // Not a dependency while the project's machines have no Docker engine: install
  // testcontainers@11 where one exists. The specifier is a variable so that type-checking does
  // not require the package.
  const specifier = 'testcontainers';
  let GenericContainer: new (image: string) => ContainerBuilder;
  try {
    ({ GenericContainer } = (await import(specifier)) as { GenericContainer: new (image: string) => ContainerBuilder });
  } catch {
    throw new Error(
      `A Docker engine is available but the testcontainers package is not installed (npm install -D testcontainers@11). ${HOW_TO_START}`,
    );
  }
  const pgContainer = await new GenericContainer('postgres:15')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .start();
  const redisContainer = needRedis ? await new GenericContainer('redis:7').withExposedPorts(6379).start() : undefined;
  const postgres = `postgresql://postgres@${pgContainer.getHost()}:${pgContainer.getMappedPort(5432)}/postgres`;
  for (let i = 0; i < 100 && !(await postgresReachable(postgres)); i++) await new Promise((r) => setTimeout(r, 200));
  return {
    postgres,
    redis: redisContainer ? `redis://${redisContainer.getHost()}:${redisContainer.getMappedPort(6379)}` : LOCAL_REDIS,
    source: 'testcontainers',
    stop: async () => {
      await pgContainer.stop();
      await redisContainer?.stop();
    },
  };
}

async function locateServers(needRedis: boolean): Promise<ServerUrls> {
  const envPg = process.env.DATABASE_URL;
  const envRedis = process.env.REDIS_URL;
  const postgres = envPg ?? LOCAL_POSTGRES;
  const redis = envRedis ?? LOCAL_REDIS;
  const [pgUp, redisUp] = await Promise.all([postgresReachable(postgres), needRedis ? redisReachable(redis) : true]);
  if (pgUp && redisUp) return { postgres, redis, source: envPg || envRedis ? 'env' : 'local' };
  if (envPg && !pgUp) throw new Error(`DATABASE_URL (${redact(envPg)}) is not reachable. ${HOW_TO_START}`);
  if (envRedis && !redisUp) throw new Error(`REDIS_URL (${envRedis}) is not reachable. ${HOW_TO_START}`);
  if (dockerAvailable()) return fromTestcontainers(needRedis);
  const missing = [!pgUp && `PostgreSQL (${redact(postgres)})`, !redisUp && `Redis (${redis})`]
    .filter(Boolean)
    .join(' and ');
  throw new Error(
    `${missing} not reachable, and no Docker engine for testcontainers (\`docker info\` failed). ${HOW_TO_START}`,
  );
}

/** The template database holding the current migrations, built once (race-free) per migration set. */
async function ensureTemplate(serverUrl: string): Promise<string> {
  const template = `mace_tmpl_${migrationsChecksum().slice(0, 16)}`;
  await withServer(serverUrl, async (c) => {
    await c.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    try {
      const present = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (present.rowCount === 1) return;
      // Build under another name and rename when complete: a killed build never leaves a
      // half-migrated template behind.
      const building = `${template}_wip`;
      await dropDatabase(serverUrl, building);
      await createDatabase(serverUrl, building);
      await applyMigrations(withDatabase(serverUrl, building), { createDatabase: false });
      await c.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
      // Templates of earlier migration sets are no longer needed.
      const old = await c.query(
        "SELECT datname FROM pg_database WHERE datname LIKE 'mace\\_tmpl\\_%' AND datname <> $1",
        [template],
      );
      for (const row of old.rows as { datname: string }[]) await dropDatabase(serverUrl, row.datname);
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
    }
  });
  return template;
}

async function dropStaleTestDatabases(serverUrl: string): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const rows = await withServer(
    serverUrl,
    async (c) =>
      (await c.query("SELECT datname FROM pg_database WHERE datname LIKE 'mace\\_test\\_%'")).rows as {
        datname: string;
      }[],
  );
  for (const { datname } of rows) {
    const created = Number(/^mace_test_(\d+)_/.exec(datname)?.[1]);
    if (Number.isFinite(created) && now - created > STALE_AFTER_S)
      await dropDatabase(serverUrl, datname).catch(() => undefined);
  }
}

export async function getTestServices(options: TestServicesOptions = {}): Promise<TestServices> {
  const needRedis = options.redis ?? true;
  const servers = await locateServers(needRedis);
  const template = await ensureTemplate(servers.postgres);
  await dropStaleTestDatabases(servers.postgres);

  const suffix = `${Math.floor(Date.now() / 1000)}_${randomBytes(5).toString('hex')}`;
  const database = `mace_test_${suffix}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await createDatabase(servers.postgres, database, { template });
      break;
    } catch (err) {
      // 55006: the template is briefly in use (another file is cloning it); try again.
      if ((err as { code?: string }).code !== '55006' || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const redisPrefix = `mace_test_${suffix}`;
  let cleaned = false;
  return {
    databaseUrl: withDatabase(servers.postgres, database),
    redisUrl: servers.redis,
    redisPrefix,
    source: servers.source,
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      await dropDatabase(servers.postgres, database);
      if (needRedis) {
        const script =
          "local n = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) n = n + 1 end return n";
        await redisCommand(servers.redis, ['EVAL', script, '0', `${redisPrefix}*`]);
      }
      await servers.stop?.();
    },
  };
}
