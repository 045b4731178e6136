// test/helpers/services.ts: every caller gets its own database and Redis key prefix, and
// cleanup() removes both.
import { describe, expect, it } from 'vitest';
import { databaseExists, databaseName } from '@mace/db/migrate';
import { getTestServices, redisCommand } from '../../../test/helpers/services.js';

describe('getTestServices', () => {
  it('isolates databases and Redis keys per caller, and cleans both up', async () => {
    const [a, b] = await Promise.all([getTestServices(), getTestServices()]);
    try {
      expect(a.databaseUrl).not.toBe(b.databaseUrl);
      expect(a.redisPrefix).not.toBe(b.redisPrefix);
      expect(databaseName(a.databaseUrl)).toMatch(/^mace_test_\d+_[0-9a-f]{10}$/);
      expect(['env', 'local', 'testcontainers']).toContain(a.source);
      expect(await databaseExists(a.databaseUrl)).toBe(true);
      expect(await redisCommand(a.redisUrl, ['SET', `${a.redisPrefix}:k1`, 'v'])).toBe('+OK');
      expect(await redisCommand(b.redisUrl, ['SET', `${b.redisPrefix}:k1`, 'v'])).toBe('+OK');
    } finally {
      await a.cleanup();
    }
    expect(await databaseExists(a.databaseUrl)).toBe(false);
    expect(await redisCommand(a.redisUrl, ['EXISTS', `${a.redisPrefix}:k1`])).toBe(':0');
    expect(await redisCommand(b.redisUrl, ['EXISTS', `${b.redisPrefix}:k1`])).toBe(':1');
    expect(await databaseExists(b.databaseUrl)).toBe(true);
    await b.cleanup();
    await b.cleanup(); // idempotent
    expect(await databaseExists(b.databaseUrl)).toBe(false);
    expect(await redisCommand(b.redisUrl, ['EXISTS', `${b.redisPrefix}:k1`])).toBe(':0');
  });

  it('names the way to start the services when they are unreachable', async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgresql://postgres@127.0.0.1:1/postgres';
    try {
      await expect(getTestServices({ redis: false })).rejects.toThrow(/not reachable.*npm run setup/s);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });
});
