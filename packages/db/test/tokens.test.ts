// API tokens against a real PostgreSQL: hashed at rest, verified by hash, revoked and unknown
// tokens rejected, MACE_ADMIN_TOKEN seeding idempotent.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_USER_NAME,
  createDb,
  createToken,
  ENV_ADMIN_TOKEN_NAME,
  generateToken,
  hashToken,
  isWellFormedToken,
  revokeToken,
  seedAdminToken,
  tokenPrefix,
  verifyToken,
  type Db,
} from '@mace/db';
import { getTestServices, type TestServices } from '../../../test/helpers/services.js';

let services: TestServices;
let db: Db;

beforeAll(async () => {
  services = await getTestServices({ redis: false });
  db = createDb(services.databaseUrl);
});

afterAll(async () => {
  await db?.close();
  await services?.cleanup();
});

describe('token helpers (pure)', () => {
  it('generateToken makes mace_<scope>_<40 base62> tokens, all different', () => {
    const seen = new Set<string>();
    for (const scope of ['admin', 'user', 'agent'] as const) {
      for (let i = 0; i < 200; i++) {
        const t = generateToken(scope);
        expect(t).toMatch(new RegExp(`^mace_${scope}_[0-9A-Za-z]{40}$`));
        expect(isWellFormedToken(t)).toBe(true);
        seen.add(t);
      }
    }
    expect(seen.size).toBe(600);
    expect(() => generateToken('root' as never)).toThrow(/unknown token scope/);
  });

  it('generateToken uses the whole base62 alphabet', () => {
    const chars = new Set(Array.from({ length: 100 }, () => generateToken('user').slice('mace_user_'.length)).join(''));
    expect(chars.size).toBe(62);
  });

  it('hashToken is the hex SHA-256 of the token', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const t = generateToken('agent');
    expect(hashToken(t)).toBe(createHash('sha256').update(t).digest('hex'));
  });

  it('tokenPrefix keeps the scope and 6 secret characters', () => {
    expect(tokenPrefix('mace_user_AbC123xyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzx')).toBe('mace_user_AbC123');
    expect(tokenPrefix('some-other-secret')).toBe('some');
  });
});

describe('verifyToken', () => {
  it('accepts a live token, stores only its hash, and records its use', async () => {
    const user = await db.user.create({ data: { name: 'alice' } });
    const created = await createToken(db, { name: 'ci', scope: 'user', userId: user.id });
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(hashToken(created.token));
    expect(row.prefix).toBe(created.prefix);
    expect(JSON.stringify(row)).not.toContain(created.token.slice('mace_user_'.length));
    expect(row.lastUsedAt).toBeNull();

    expect(await verifyToken(db, created.token)).toEqual({ id: created.id, scope: 'user', userId: user.id });
    const used = await db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(used.lastUsedAt).toBeInstanceOf(Date);
  });

  it('rejects unknown, altered, empty and oversized tokens', async () => {
    const created = await createToken(db, { name: 'agent-1', scope: 'agent' });
    expect(await verifyToken(db, created.token)).toEqual({ id: created.id, scope: 'agent', userId: null });
    const last = created.token.at(-1) === 'a' ? 'b' : 'a';
    expect(await verifyToken(db, created.token.slice(0, -1) + last)).toBeNull();
    expect(await verifyToken(db, generateToken('agent'))).toBeNull();
    expect(await verifyToken(db, '')).toBeNull();
    expect(await verifyToken(db, 'x'.repeat(10_000))).toBeNull();
  });

  it('rejects a revoked token', async () => {
    const created = await createToken(db, { name: 'old', scope: 'user' });
    expect(await verifyToken(db, created.token)).not.toBeNull();
    expect(await revokeToken(db, created.id)).toBe(true);
    expect(await revokeToken(db, created.id)).toBe(false);
    expect(await verifyToken(db, created.token)).toBeNull();
  });

  it('token hashes are unique in the database', async () => {
    const hash = hashToken(generateToken('user'));
    await db.apiToken.create({ data: { name: 'a', scope: 'user', tokenHash: hash, prefix: 'mace_user_' } });
    await expect(
      db.apiToken.create({ data: { name: 'b', scope: 'user', tokenHash: hash, prefix: 'mace_user_' } }),
    ).rejects.toMatchObject({ code: 'P2002' });
  });
});

describe('seedAdminToken', () => {
  const token = 'an-operator-chosen-admin-token-123';

  it('is idempotent: one admin user, one token row, same ids', async () => {
    const a = await seedAdminToken(db, token);
    const b = await seedAdminToken(db, token);
    expect(b).toEqual(a);
    expect(await db.user.count({ where: { name: ADMIN_USER_NAME } })).toBe(1);
    expect(await db.apiToken.count({ where: { tokenHash: hashToken(token) } })).toBe(1);
    expect(await verifyToken(db, token)).toEqual({ id: a.id, scope: 'admin', userId: a.userId });
  });

  it('is safe when several processes seed at once', async () => {
    const t = 'another-admin-token-for-a-race-0001';
    const results = await Promise.all(Array.from({ length: 6 }, () => seedAdminToken(db, t)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await db.apiToken.count({ where: { tokenHash: hashToken(t) } })).toBe(1);
  });

  it('re-activates a revoked seeded token and revokes the previous one when the variable changes', async () => {
    const first = await seedAdminToken(db, token);
    await revokeToken(db, first.id);
    expect(await verifyToken(db, token)).toBeNull();
    await seedAdminToken(db, token);
    expect(await verifyToken(db, token)).not.toBeNull();

    const rotated = 'a-rotated-admin-token-value-000042';
    await seedAdminToken(db, rotated);
    expect(await verifyToken(db, rotated)).not.toBeNull();
    expect(await verifyToken(db, token)).toBeNull();
    expect(await db.apiToken.count({ where: { name: ENV_ADMIN_TOKEN_NAME, revokedAt: null } })).toBe(1);
  });

  it('refuses a short token', async () => {
    await expect(seedAdminToken(db, 'short')).rejects.toThrow(/16 to 512 characters/);
    await expect(seedAdminToken(db, ' padded-token-value-1234 ')).rejects.toThrow(/whitespace/);
  });
});
