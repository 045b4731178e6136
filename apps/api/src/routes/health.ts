// Probes and metrics, open to all: /healthz (the process answers), /readyz (PostgreSQL and Redis
// answer), /metrics (Prometheus text format).
import type { FastifyInstance } from 'fastify';
import type { ApiDeps, RedisPing } from '../deps.js';
import { PUBLIC } from '../http/auth.js';
import { errorBody } from '../http/errors.js';
import type { ApiMetrics } from '../metrics/registry.js';
import { errorSchema } from '../schemas/common.js';

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The Redis connection to ping: the one given, else the queues' shared connection. */
function redisOf(deps: ApiDeps): RedisPing {
  return deps.redis ?? deps.queues.connection;
}

async function check(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
    return 'ok';
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

const checksSchema = {
  type: 'object',
  required: ['database', 'redis'],
  additionalProperties: false,
  properties: { database: { type: 'string' }, redis: { type: 'string' } },
};

export function healthRoutes(app: FastifyInstance, deps: ApiDeps, metrics: ApiMetrics): void {
  app.get(
    '/healthz',
    {
      config: { access: PUBLIC },
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process is up',
        response: {
          200: {
            type: 'object',
            required: ['status'],
            additionalProperties: false,
            properties: { status: { type: 'string', const: 'ok' } },
          },
        },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: { access: PUBLIC },
      schema: {
        tags: ['health'],
        summary: 'Readiness: PostgreSQL and Redis are reachable',
        response: {
          200: {
            type: 'object',
            required: ['status', 'checks'],
            additionalProperties: false,
            properties: { status: { type: 'string', const: 'ready' }, checks: checksSchema },
          },
          503: { ...errorSchema, description: 'A dependency is unreachable; details.checks says which' },
        },
      },
    },
    async (_request, reply) => {
      const [database, redis] = await Promise.all([
        check(() => withTimeout(deps.db.$queryRawUnsafe('SELECT 1'), 'PostgreSQL')),
        check(() => withTimeout(redisOf(deps).ping(), 'Redis')),
      ]);
      const checks = { database, redis };
      if (database === 'ok' && redis === 'ok') return { status: 'ready' as const, checks };
      const failing = Object.entries(checks)
        .filter(([, v]) => v !== 'ok')
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ');
      return reply.code(503).send(errorBody('not_ready', `not ready — ${failing}`, { checks }));
    },
  );

  app.get(
    '/metrics',
    {
      config: { access: PUBLIC },
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
        response: { 200: { type: 'string', description: 'Prometheus text format 0.0.4' } },
      },
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
}
