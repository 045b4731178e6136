// The committed migrations against a real PostgreSQL: they build an empty database, re-running
// them is a no-op, and they produce exactly prisma/schema.prisma.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyMigrations,
  databaseExists,
  diffSchemaAgainstMigrations,
  dropDatabase,
  listMigrations,
  withDatabase,
} from '@mace/db/migrate';
import { getTestServices, type TestServices } from '../../../test/helpers/services.js';

const TABLES = [
  '_prisma_migrations',
  'api_tokens',
  'artifacts',
  'baselines',
  'benchmark_results',
  'deployment_models',
  'deployments',
  'devices',
  'job_dependencies',
  'job_logs',
  'jobs',
  'model_files',
  'op_stats',
  'op_type_stats',
  'runs',
  'users',
  'validation_results',
  'webhook_deliveries',
  'webhooks',
];

async function query<T>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

let services: TestServices;
const scratch = `mace_migtest_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
let scratchUrl: string;

beforeAll(async () => {
  services = await getTestServices({ redis: false });
  scratchUrl = withDatabase(services.databaseUrl, scratch);
});

afterAll(async () => {
  if (services) {
    await dropDatabase(services.databaseUrl, scratch);
    await services.cleanup();
  }
});

describe('migrations', () => {
  it('create a missing database, apply every migration to it, and are idempotent', async () => {
    expect(await databaseExists(scratchUrl)).toBe(false);

    const first = await applyMigrations(scratchUrl);
    expect(first.createdDatabase).toBe(true);
    expect(first.applied).toEqual(listMigrations());
    expect(first.all).toEqual(listMigrations());

    const tables = await query<{ table_name: string }>(
      scratchUrl,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(TABLES);

    const second = await applyMigrations(scratchUrl);
    expect(second.createdDatabase).toBe(false);
    expect(second.applied).toEqual([]);
    expect(second.all).toEqual(listMigrations());
    expect(second.output).toMatch(/No pending migrations to apply/);
  });

  it('produce exactly prisma/schema.prisma (no schema change without a migration)', async () => {
    const diff = await diffSchemaAgainstMigrations(services.databaseUrl);
    expect(diff.sql, 'run `npm run -w @mace/db migrate:new -- <name>` after changing schema.prisma').toBe(
      '-- This is an empty migration.',
    );
    expect(diff.inSync).toBe(true);
  });

  it('give every test file a database that already holds them', async () => {
    const rows = await query<{ migration_name: string }>(
      services.databaseUrl,
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(listMigrations());
  });

  it('report a failure with the CLI output', async () => {
    const bad = new URL(withDatabase(services.databaseUrl, scratch));
    bad.hostname = '127.0.0.1';
    bad.port = '1'; // nothing listens there
    await expect(applyMigrations(bad.toString())).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});
