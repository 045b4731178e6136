// @mace/api: the HTTP API (buildServer) and webhook delivery for the pipeline (deliverWebhooks).
export { buildServer, DEFAULT_DASHBOARD_DIR, DEFAULT_UPLOAD_LIMIT_BYTES, API_VERSION } from './server.js';
export type { BuildServerOptions } from './server.js';
export type { ApiDeps, RedisPing } from './deps.js';
export { ADMIN, AGENT, PUBLIC, USER, USER_OR_AGENT, allowedScopes } from './http/auth.js';
export type { Access, Principal } from './http/auth.js';
export type { RouteEntry } from './http/route-table.js';
export * from './webhooks/index.js';
