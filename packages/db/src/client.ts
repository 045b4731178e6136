// The Prisma client over node-postgres: the query compiler runs in-process (Wasm), so no
// query-engine binary is needed or downloaded (docs/database.md).
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

/** Where the database is when DATABASE_URL is not set: the local service of `npm run setup`. */
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/mace';

export function databaseUrl(url?: string): string {
  return url ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
}

/** A Prisma client bound to one PostgreSQL database; `close()` ends its connection pool. */
export type Db = PrismaClient & { close(): Promise<void> };

export interface CreateDbOptions {
  /** Connection pool size (node-postgres `max`); default 10. */
  poolSize?: number;
  /** Prisma log levels, e.g. ['query', 'warn']. */
  log?: ('query' | 'info' | 'warn' | 'error')[];
}

/** Connects lazily (on the first query) to `url`, else DATABASE_URL, else the local default. */
export function createDb(url?: string, options: CreateDbOptions = {}): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl(url), max: options.poolSize ?? 10 });
  const client = new PrismaClient({ adapter, log: options.log });
  const close = async (): Promise<void> => {
    await client.$disconnect();
  };
  return Object.assign(client, { close });
}
