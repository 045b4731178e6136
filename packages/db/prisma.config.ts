// Prisma CLI configuration (prisma generate / migrate). Migrations run on the JavaScript
// (Wasm) schema engine bundled in the `prisma` package, through @prisma/adapter-pg, so no
// engine binary is downloaded. See docs/database.md.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

const here = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_URL = 'postgresql://postgres@127.0.0.1:5432/mace';
// The schema's datasource reads env("DATABASE_URL"); without it the CLI cannot read the
// schema's engineType and falls back to downloading a query-engine library.
process.env.DATABASE_URL ??= DEFAULT_URL;

export default defineConfig({
  experimental: { adapter: true },
  schema: path.join(here, '../../prisma/schema.prisma'),
  migrations: { path: path.join(here, '../../prisma/migrations') },
  engine: 'js',
  adapter: async () =>
    new PrismaPg({ connectionString: process.env.DATABASE_URL, allowExitOnIdle: true, idleTimeoutMillis: 200 }),
});
