// API bearer tokens: `mace_<scope>_<40 base62 chars>` (≈238 random bits). Only the SHA-256 of a
// token is stored (api_tokens.token_hash); a short prefix is kept so listings can tell tokens apart.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from './client.js';
import { Prisma, TokenScope } from './generated/prisma/client.js';

export { TokenScope };
export const TOKEN_SCOPES = Object.values(TokenScope);

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SECRET_LENGTH = 40;
const TOKEN_RE = /^mace_(admin|user|agent)_[0-9A-Za-z]{40}$/;
/** Characters of a token shown in listings: `mace_user_` plus the first 6 secret characters. */
const PREFIX_SECRET_CHARS = 6;
/** Tokens longer than this are rejected without hashing (the API's header limit is smaller). */
const MAX_TOKEN_LENGTH = 512;
/** last_used_at is written at most this often per token (ms), to spare a write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;
/** Name of the token seeded from MACE_ADMIN_TOKEN. */
export const ENV_ADMIN_TOKEN_NAME = 'env:MACE_ADMIN_TOKEN';
export const ADMIN_USER_NAME = 'admin';

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: rejecting larger bytes keeps every character equally likely.
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export function isTokenScope(value: string): value is TokenScope {
  return (TOKEN_SCOPES as string[]).includes(value);
}

/** A new random token of the given scope. Show it once; store only hashToken(token). */
export function generateToken(scope: TokenScope): string {
  if (!isTokenScope(scope)) throw new TypeError(`unknown token scope "${String(scope)}"`);
  return `mace_${scope}_${randomBase62(SECRET_LENGTH)}`;
}

/** Whether `token` has the shape generateToken() produces (seeded tokens may have any shape). */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_RE.test(token);
}

/** Lower-case hex SHA-256 of the token: what the database stores. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The part of a token safe to display: `mace_user_AbC123…` → `mace_user_AbC123`. */
export function tokenPrefix(token: string): string {
  const m = /^(mace_[a-z]+_)/.exec(token);
  return m ? token.slice(0, m[1].length + PREFIX_SECRET_CHARS) : token.slice(0, 4);
}

export interface VerifiedToken {
  id: string;
  scope: TokenScope;
  userId: string | null;
}

/**
 * The token's identity, or null when the token is unknown or revoked. The lookup is by hash (an
 * attacker controls no prefix of what the index compares), and the stored hash is compared to
 * the computed one in constant time. Updates last_used_at, at most once a minute.
 */
export async function verifyToken(db: Db, token: string): Promise<VerifiedToken | null> {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
  const hash = hashToken(token);
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hash },
    select: { id: true, scope: true, userId: true, tokenHash: true, revokedAt: true, lastUsedAt: true },
  });
  if (!row) return null;
  const stored = Buffer.from(row.tokenHash, 'utf8');
  const computed = Buffer.from(hash, 'utf8');
  if (stored.length !== computed.length || !timingSafeEqual(stored, computed)) return null;
  if (row.revokedAt !== null) return null;
  const now = Date.now();
  if (row.lastUsedAt === null || now - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { id: row.id, scope: row.scope, userId: row.userId };
}

export interface CreatedToken {
  /** The token itself: returned once, never stored. */
  token: string;
  id: string;
  prefix: string;
}

/** Creates a token (row + secret). `userId` ties it to a user (runs record their creator). */
export async function createToken(
  db: Db,
  input: { name: string; scope: TokenScope; userId?: string | null },
): Promise<CreatedToken> {
  const token = generateToken(input.scope);
  const prefix = tokenPrefix(token);
  const row = await db.apiToken.create({
    data: { name: input.name, scope: input.scope, tokenHash: hashToken(token), prefix, userId: input.userId ?? null },
    select: { id: true },
  });
  return { token, id: row.id, prefix };
}

/** Marks a token revoked (idempotent: the first revocation time is kept). */
export async function revokeToken(db: Db, id: string): Promise<boolean> {
  const r = await db.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  return r.count > 0;
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

/**
 * Makes `token` (MACE_ADMIN_TOKEN) a valid admin token owned by the user "admin". Idempotent and
 * safe to run from several processes at once. The environment is authoritative: the token is
 * (re)activated with admin scope, and tokens seeded earlier from a different MACE_ADMIN_TOKEN
 * are revoked, so changing the variable rotates the token.
 */
export async function seedAdminToken(db: Db, token: string): Promise<{ id: string; userId: string }> {
  if (typeof token !== 'string' || token.trim() !== token || token.length < 16 || token.length > MAX_TOKEN_LENGTH) {
    throw new RangeError('MACE_ADMIN_TOKEN must be 16 to 512 characters without surrounding whitespace');
  }
  const tokenHash = hashToken(token);
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        const user = await tx.user.upsert({
          where: { name: ADMIN_USER_NAME },
          create: { name: ADMIN_USER_NAME },
          update: {},
          select: { id: true },
        });
        const row = await tx.apiToken.upsert({
          where: { tokenHash },
          create: {
            name: ENV_ADMIN_TOKEN_NAME,
            scope: 'admin',
            tokenHash,
            prefix: tokenPrefix(token),
            userId: user.id,
          },
          update: { scope: 'admin', revokedAt: null },
          select: { id: true, userId: true },
        });
        await tx.apiToken.updateMany({
          where: { name: ENV_ADMIN_TOKEN_NAME, tokenHash: { not: tokenHash }, revokedAt: null },
          data: { revokedAt: new Date() },
        });
        return { id: row.id, userId: row.userId ?? user.id };
      });
    } catch (err) {
      // Two processes seeding at once: the loser's insert hits the unique index; retry reads it.
      if (attempt < 3 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}
