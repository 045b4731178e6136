// @mace/db: the service's PostgreSQL database through Prisma (schema: prisma/schema.prisma).
export { createDb, databaseUrl, DEFAULT_DATABASE_URL } from './client.js';
export type { Db, CreateDbOptions } from './client.js';
export {
  generateToken,
  hashToken,
  tokenPrefix,
  isTokenScope,
  isWellFormedToken,
  verifyToken,
  createToken,
  revokeToken,
  seedAdminToken,
  TOKEN_SCOPES,
  ENV_ADMIN_TOKEN_NAME,
  ADMIN_USER_NAME,
} from './tokens.js';
export type { VerifiedToken, CreatedToken } from './tokens.js';
export { applyMigrations, migrationsChecksum, listMigrations, MIGRATIONS_DIR } from './migrate.js';
export type { MigrationReport } from './migrate.js';
// The generated client: PrismaClient, the Prisma namespace (errors, input types, Decimal,
// JsonNull...), the enums (values and types) and one type per model.
export * from './generated/prisma/client.js';
