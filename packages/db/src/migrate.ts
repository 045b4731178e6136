// Applies the committed migrations (prisma/migrations) with `prisma migrate deploy` running on
// the Wasm schema engine through @prisma/adapter-pg: no engine binary, nothing downloaded
// (docs/database.md). Also small database-admin helpers for setup scripts and tests.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { databaseUrl } from './client.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url)); // packages/db/ from src/ or dist/
export const PRISMA_CONFIG = path.join(packageRoot, 'prisma.config.ts');
export const MIGRATIONS_DIR = path.resolve(packageRoot, '../../prisma/migrations');
const UNREF_WASM_TIMERS = path.join(packageRoot, 'scripts/unref-wasm-timers.cjs');
const MIGRATION_TIMEOUT_MS = 5 * 60_000;

const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function quoteIdent(name: string): string {
  if (!IDENT_RE.test(name)) throw new RangeError(`unsafe database name "${name}"`);
  return `"${name}"`;
}

/** `url` with its database replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** The database named in `url`. */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new RangeError(`no database name in ${redact(url)}`);
  return name;
}

/** `url` without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

/** Runs `fn` with a client on the server's maintenance database (`postgres`). */
export async function withServer<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres'), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function databaseExists(url: string, name = databaseName(url)): Promise<boolean> {
  return withServer(
    url,
    async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1,
  );
}

/** Creates database `name` on `url`'s server (optionally as a copy of `template`). */
export async function createDatabase(url: string, name: string, options: { template?: string } = {}): Promise<void> {
  const template = options.template ? ` TEMPLATE ${quoteIdent(options.template)}` : '';
  await withServer(url, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}${template}`));
}

/** Drops database `name` if it exists, disconnecting its sessions (PostgreSQL 13+). */
export async function dropDatabase(url: string, name: string): Promise<void> {
  await withServer(url, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

/** Creates the database named in `url` when it is missing; true when it did. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  if (await databaseExists(url, name)) return false;
  try {
    await createDatabase(url, name);
  } catch (err) {
    if ((err as { code?: string }).code === '42P04') return false; // created meanwhile
    throw err;
  }
  return true;
}

/** Names of the committed migrations, in order. */
export function listMigrations(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((n) => statSync(path.join(dir, n)).isDirectory())
    .sort();
}

/** A hash of every committed migration (names and SQL): changes when the schema does. */
export function migrationsChecksum(dir = MIGRATIONS_DIR): string {
  const h = createHash('sha256');
  for (const name of listMigrations(dir))
    h.update(name)
      .update('\0')
      .update(readFileSync(path.join(dir, name, 'migration.sql')))
      .update('\0');
  return h.digest('hex');
}

async function appliedMigrations(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const exists = await client.query("SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS present");
    if (!exists.rows[0].present) return [];
    const r = await client.query(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name',
    );
    return r.rows.map((row: { migration_name: string }) => row.migration_name);
  } finally {
    await client.end();
  }
}

export interface PrismaCliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stdout and stderr, interleaved. */
  output: string;
}

/**
 * Runs the Prisma CLI (`prisma <args> --config packages/db/prisma.config.ts`) against `url`,
 * offline, and resolves with its exit status whatever it is. Preloads unref-wasm-timers.cjs so
 * the CLI exits as soon as its work is done.
 */
export function runPrisma(args: string[], url?: string): Promise<PrismaCliResult> {
  const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl(url),
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    NO_COLOR: '1',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', UNREF_WASM_TIMERS, cli, ...args, '--config', PRISMA_CONFIG], {
      cwd: packageRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), MIGRATION_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, output });
    });
  });
}

export interface MigrationReport {
  /** Migrations this call applied (empty when the database was up to date). */
  applied: string[];
  /** Every migration now applied to the database. */
  all: string[];
  /** Whether the database itself had to be created. */
  createdDatabase: boolean;
  /** The Prisma CLI's output. */
  output: string;
}

/**
 * Brings the database at `url` (default DATABASE_URL, else the local default) up to the committed
 * migrations: creates the database when missing (unless `createDatabase: false`), then runs
 * `prisma migrate deploy`. Idempotent; concurrent calls serialize on Prisma's advisory lock.
 */
export async function applyMigrations(
  url?: string,
  options: { createDatabase?: boolean } = {},
): Promise<MigrationReport> {
  const target = databaseUrl(url);
  const createdDatabase = options.createDatabase === false ? false : await ensureDatabase(target);
  const before = await appliedMigrations(target);
  const r = await runPrisma(['migrate', 'deploy'], target);
  if (r.code !== 0) {
    throw new Error(
      `prisma migrate deploy failed (${r.signal ?? `exit ${r.code}`}) on ${redact(target)}:\n${r.output.trim()}`,
    );
  }
  const output = r.output;
  const all = await appliedMigrations(target);
  return { applied: all.filter((m) => !before.includes(m)), all, createdDatabase, output };
}

export const SCHEMA_FILE = path.resolve(packageRoot, '../../prisma/schema.prisma');

export interface SchemaDiff {
  /** True when the committed migrations produce exactly schema.prisma. */
  inSync: boolean;
  /** The SQL that would bring the migrations to schema.prisma (a new migration's body). */
  sql: string;
}

/**
 * Compares the committed migrations with prisma/schema.prisma. The Wasm engine replays the
 * migrations into the configured database itself (it has no separate shadow database), so this
 * runs against a scratch database created on `url`'s server and dropped afterwards.
 */
export async function diffSchemaAgainstMigrations(url?: string): Promise<SchemaDiff> {
  const server = databaseUrl(url);
  const scratch = `mace_scratch_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  await createDatabase(server, scratch);
  try {
    const r = await runPrisma(
      [
        'migrate',
        'diff',
        '--from-migrations',
        MIGRATIONS_DIR,
        '--to-schema-datamodel',
        SCHEMA_FILE,
        '--script',
        '--exit-code',
      ],
      withDatabase(server, scratch),
    );
    if (r.code !== 0 && r.code !== 2)
      throw new Error(`prisma migrate diff failed (${r.signal ?? `exit ${r.code}`}):\n${r.output.trim()}`);
    const sql = r.stdout.replace(/^Loaded Prisma config from .*\n/m, '').trim();
    return { inSync: r.code === 0, sql };
  } finally {
    await dropDatabase(server, scratch);
  }
}
