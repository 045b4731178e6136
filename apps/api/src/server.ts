// buildServer: the fastify application — error shape, auth, route table, OpenAPI document
// (/docs/json) and UI (/docs), metrics, and every route. Dependencies are injected, so tests build
// it against their own database, store and queues and call it with inject() or a real socket.
import path from 'node:path';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { seedAdminToken } from '@mace/db';
import type { ApiDeps } from './deps.js';
import { registerAuth } from './http/auth.js';
import { errorHandler, notFoundHandler } from './http/errors.js';
import { registerRouteTable } from './http/route-table.js';
import { createMetrics } from './metrics/registry.js';
import { agentRoutes } from './routes/agents.js';
import { artifactRoutes } from './routes/artifacts.js';
import { baselineRoutes } from './routes/baselines.js';
import { compareRoutes } from './routes/compare.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { deploymentRoutes } from './routes/deployments.js';
import { deviceEventRoutes } from './routes/device-events.js';
import { deviceRoutes } from './routes/devices.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { modelRoutes } from './routes/models.js';
import { resultRoutes } from './routes/results.js';
import { runLogRoutes } from './routes/run-logs.js';
import { runRoutes } from './routes/runs.js';
import { tokenRoutes } from './routes/tokens.js';
import { webhookRoutes } from './routes/webhooks.js';

/** MACE_UPLOAD_LIMIT's default: 2 GiB. */
export const DEFAULT_UPLOAD_LIMIT_BYTES = 2 * 1024 ** 3;
export const API_VERSION = '0.1.0';
/** The dashboard's build output (apps/dashboard/dist), the same from src/ and dist/. */
export const DEFAULT_DASHBOARD_DIR = path.resolve(import.meta.dirname, '../../dashboard/dist');

export interface BuildServerOptions extends ApiDeps {
  /** A pino logger, pino options, or true/false (default false: silent). */
  logger?: boolean | FastifyServerOptions['logger'] | FastifyBaseLogger;
  /** Largest accepted model upload in bytes (default 2 GiB). */
  uploadLimitBytes?: number;
  /** When set, seeded as an admin token (seedAdminToken) before the server is ready. */
  adminToken?: string;
  /** How often SSE log streams look for new lines (default 500 ms). */
  logPollIntervalMs?: number;
  /** How often GET /v1/devices/events reads the devices while streams are open (default 1000 ms). */
  devicePollIntervalMs?: number;
  /** The built dashboard served at `/` (default DEFAULT_DASHBOARD_DIR; null: not served). */
  dashboardDir?: string | null;
}

function isLoggerInstance(logger: unknown): logger is FastifyBaseLogger {
  return typeof logger === 'object' && logger !== null && typeof (logger as { child?: unknown }).child === 'function';
}

export function buildServer(opts: BuildServerOptions): FastifyInstance {
  const deps: ApiDeps = { db: opts.db, store: opts.store, queues: opts.queues, redis: opts.redis };
  const logging = isLoggerInstance(opts.logger) ? { loggerInstance: opts.logger } : { logger: opts.logger ?? false };
  const app = Fastify({
    ...logging,
    requestIdHeader: 'x-request-id',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  }) as unknown as FastifyInstance;

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  registerRouteTable(app);
  registerAuth(app, deps.db);

  // An empty JSON body counts as no body (POST /v1/runs/:id/cancel with only a Content-Type).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).trim() === '') return done(null, undefined);
    parseJson(request, body as string, done);
  });

  const metrics = createMetrics(deps);
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.inc({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    });
  });

  if (opts.adminToken) {
    const token = opts.adminToken;
    app.addHook('onReady', async () => {
      await seedAdminToken(deps.db, token);
    });
  }

  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'MACE service API',
        version: API_VERSION,
        description:
          'Upload models, submit deployment files, run conversions, builds, validations and benchmarks on a device lab. ' +
          'Authenticate with `Authorization: Bearer <token>`; errors are `{ error: { code, message, details? } }`.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'an API token (scopes admin, user, agent)' },
        },
      },
      tags: [
        { name: 'models', description: 'Uploaded model and weight files' },
        { name: 'deployments', description: 'Deployment files (MACE YAML)' },
        { name: 'runs', description: 'Pipelines: convert → build → device jobs' },
        { name: 'jobs', description: 'Steps of runs' },
        { name: 'artifacts', description: 'Files produced by runs' },
        { name: 'devices', description: 'The device lab' },
        { name: 'agents', description: 'Device agents: registration and heartbeat' },
        { name: 'webhooks', description: 'Signed event notifications' },
        { name: 'tokens', description: 'API tokens (admin)' },
        { name: 'health', description: 'Probes and metrics' },
      ],
    },
  });
  void app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  const uploadLimitBytes = opts.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES;
  void app.register(async (scope) => {
    healthRoutes(scope, deps, metrics);
    tokenRoutes(scope, deps);
    runRoutes(scope, deps);
    runLogRoutes(scope, deps, { pollIntervalMs: opts.logPollIntervalMs ?? 500 });
    jobRoutes(scope, deps);
    resultRoutes(scope, deps);
    baselineRoutes(scope, deps);
    compareRoutes(scope, deps);
    artifactRoutes(scope, deps);
    deviceRoutes(scope, deps);
    deviceEventRoutes(scope, deps, { pollIntervalMs: opts.devicePollIntervalMs ?? 1000 });
    agentRoutes(scope, deps);
    webhookRoutes(scope, deps);
  });
  // Own scopes: these change body parsing (multipart; YAML and raw-text JSON).
  void app.register(async (scope) => modelRoutes(scope, deps, { uploadLimitBytes }));
  void app.register(async (scope) => deploymentRoutes(scope, deps));
  const dashboardDir = opts.dashboardDir === undefined ? DEFAULT_DASHBOARD_DIR : opts.dashboardDir;
  if (dashboardDir !== null) void app.register(async (scope) => dashboardRoutes(scope, dashboardDir));
  return app;
}
