#!/usr/bin/env node
// Creates the database when missing and applies the committed migrations (prisma/migrations),
// offline: Prisma's Wasm schema engine through @prisma/adapter-pg (docs/database.md).
// Usage: node scripts/db-migrate.mjs [DATABASE_URL]   (default: $DATABASE_URL, else the local
// postgresql://postgres@127.0.0.1:5432/mace). Needs `npm run build` (packages/db/dist) first.
let db;
try {
  db = await import('@mace/db/migrate');
} catch (err) {
  console.error(`error: cannot load @mace/db/migrate (${err.message}); build first: npm run build`);
  process.exit(1);
}
const { databaseUrl } = await import('@mace/db');
const url = databaseUrl(process.argv[2]);
try {
  const r = await db.applyMigrations(url);
  const where = db.redact(url);
  if (r.createdDatabase) console.log(`   created database ${db.databaseName(url)}`);
  console.log(
    r.applied.length
      ? `   applied ${r.applied.length} migration(s) to ${where}: ${r.applied.join(', ')}`
      : `   ${where} is up to date (${r.all.length} migration(s))`,
  );
} catch (err) {
  console.error(`error: migrating ${db.redact(url)} failed: ${err.message}`);
  process.exit(1);
}
