#!/usr/bin/env node
// Writes a new migration from the changes in prisma/schema.prisma since the last committed
// migration: npm run -w @mace/db migrate:new -- <name>. Offline (Wasm schema engine); needs a
// reachable PostgreSQL server (DATABASE_URL's, else the local one) for a scratch database, and
// a built packages/db (npm run build). `prisma migrate dev` is not used: under the Wasm engine it
// fails after writing the file ("null pointer passed to rust") and it needs a shadow database.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diffSchemaAgainstMigrations, MIGRATIONS_DIR } from '@mace/db/migrate';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run -w @mace/db migrate:new -- <name>   (lower-case letters, digits, _)');
  process.exit(2);
}
const diff = await diffSchemaAgainstMigrations();
if (diff.inSync) {
  console.log('prisma/schema.prisma matches the committed migrations: nothing to write');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'migration.sql'), `${diff.sql}\n`);
console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql — review it, then: npm run -w @mace/db generate`);
