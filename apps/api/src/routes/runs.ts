// Runs: create (through @mace/pipeline submitRun; an idempotency key — body field or
// Idempotency-Key header — makes a retried request return the first run with 200), get with
// jobs, list with filters and pagination, cancel. Log streaming is in run-logs.ts, jobs in jobs.ts.
import type { FastifyInstance } from 'fastify';
import { cancelRun, RunInputError, submitRun } from '@mace/pipeline';
import type { Prisma, RunStatus } from '@mace/db';
import type { ApiDeps } from '../deps.js';
import { principalOf, USER, USER_OR_AGENT } from '../http/auth.js';
import { ApiError, notFound } from '../http/errors.js';
import { newestFirst, paginate, type PageQuery } from '../http/pagination.js';
import {
  absentBodyIsEmpty,
  AUTH_ERRORS,
  BEARER_SECURITY,
  dateTime,
  errors,
  idParams,
  listQuery,
  optionalReasonBody,
  pageOf,
  uuid,
} from '../schemas/common.js';
import { RUN_STATUS_VALUES, runSchema, runSummarySchema } from '../schemas/resources.js';
import { createRunBodySchema, IDEMPOTENCY_KEY, normalizeRunOptions, type CreateRunBody } from '../schemas/runs.js';
import { runJson, runWithJobsJson } from '../serialize.js';

const WITH_JOBS = {
  jobs: { include: { dependsOn: { select: { dependsOnId: true } } }, orderBy: { id: 'asc' } },
} satisfies Prisma.RunInclude;

/** pipeline's input names → the API's body fields, for messages. */
const INPUT_FIELDS: Record<string, string> = {
  deploymentId: 'body.deploymentId',
  actions: 'body.actions',
  deviceSelector: 'body.devices',
  options: 'body.options',
};

function sameActions(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

export function runRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { db, queues } = deps;

  async function runWithJobs(id: string) {
    const run = await db.run.findUnique({ where: { id }, include: WITH_JOBS });
    if (!run) throw notFound('run', id);
    return run;
  }

  app.post<{ Body: CreateRunBody; Headers: { 'idempotency-key'?: string } }>(
    '/v1/runs',
    {
      config: { access: USER },
      schema: {
        tags: ['runs'],
        summary: 'Start a run: convert → build → device jobs for a deployment',
        security: BEARER_SECURITY,
        headers: {
          type: 'object',
          properties: {
            'idempotency-key': { ...IDEMPOTENCY_KEY, description: 'same as the body field idempotencyKey' },
          },
        },
        body: createRunBodySchema,
        response: {
          200: { ...runSchema, description: 'The run created earlier with the same idempotency key' },
          201: { ...runSchema, description: 'Created' },
          ...errors(400, ...AUTH_ERRORS, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const header = request.headers['idempotency-key'];
      if (header !== undefined && body.idempotencyKey !== undefined && header !== body.idempotencyKey) {
        throw new ApiError(
          400,
          'invalid_request',
          'body.idempotencyKey: differs from the Idempotency-Key header; send one of them',
        );
      }
      const idempotencyKey = body.idempotencyKey ?? header;
      const createdById = principalOf(request).userId;

      if (idempotencyKey !== undefined) {
        const earlier = await db.run.findFirst({
          where: { createdById, idempotencyKey },
          orderBy: { createdAt: 'asc' },
          include: WITH_JOBS,
        });
        if (earlier) {
          if (earlier.deploymentId !== body.deploymentId || !sameActions(earlier.actions, body.actions)) {
            throw new ApiError(
              409,
              'idempotency_key_reused',
              `idempotency key "${idempotencyKey}" was used for run ${earlier.id} with a different deployment or actions; use a new key`,
              { details: { runId: earlier.id } },
            );
          }
          return reply.code(200).send(runWithJobsJson(earlier));
        }
      }

      try {
        const run = await submitRun(db, queues, {
          deploymentId: body.deploymentId,
          actions: body.actions,
          deviceSelector: body.devices ?? {},
          options: normalizeRunOptions(body.options),
          idempotencyKey,
          createdById: createdById ?? undefined,
        });
        const full = await runWithJobs(run.id);
        return reply.code(201).send(runWithJobsJson(full));
      } catch (err) {
        if (err instanceof RunInputError) {
          const field = INPUT_FIELDS[err.field] ?? `body.${err.field}`;
          throw new ApiError(
            err.statusCode,
            err.statusCode === 404 ? 'not_found' : 'invalid_run',
            `${field}: ${err.message}`,
            {
              details: { field },
            },
          );
        }
        throw err;
      }
    },
  );

  app.get<{
    Querystring: PageQuery & {
      status?: RunStatus[];
      deploymentId?: string;
      deviceId?: string;
      createdAfter?: string;
      createdBefore?: string;
    };
  }>(
    '/v1/runs',
    {
      config: { access: USER },
      schema: {
        tags: ['runs'],
        summary: 'List runs (newest first), filtered by status, deployment, device and creation time',
        security: BEARER_SECURITY,
        querystring: listQuery({
          status: {
            type: 'array',
            items: { type: 'string', enum: RUN_STATUS_VALUES },
            description: 'one or more (repeat the parameter)',
          },
          deploymentId: uuid,
          deviceId: { ...uuid, description: 'runs with a job on this device' },
          createdAfter: { ...dateTime, description: 'runs created at or after this time' },
          createdBefore: { ...dateTime, description: 'runs created before this time' },
        }),
        response: { 200: pageOf(runSummarySchema), ...errors(400, ...AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const where: Prisma.RunWhereInput = {
        status: q.status ? { in: q.status } : undefined,
        deploymentId: q.deploymentId,
        jobs: q.deviceId ? { some: { deviceId: q.deviceId } } : undefined,
        createdAt:
          q.createdAfter || q.createdBefore
            ? {
                gte: q.createdAfter ? new Date(q.createdAfter) : undefined,
                lt: q.createdBefore ? new Date(q.createdBefore) : undefined,
              }
            : undefined,
      };
      return paginate(request, reply, q, (page) => db.run.findMany(newestFirst(where, page)), runJson);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/runs/:id',
    {
      config: { access: USER_OR_AGENT },
      schema: {
        tags: ['runs'],
        summary: 'Get a run with its jobs',
        security: BEARER_SECURITY,
        params: idParams,
        response: { 200: runSchema, ...errors(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => runWithJobsJson(await runWithJobs(request.params.id)),
  );

  app.post<{ Params: { id: string }; Body: { reason?: string } }>(
    '/v1/runs/:id/cancel',
    {
      config: { access: USER },
      schema: {
        tags: ['runs'],
        summary: 'Cancel a run (its queued and running jobs are cancelled; a finished run is returned unchanged)',
        security: BEARER_SECURITY,
        params: idParams,
        body: optionalReasonBody,
        response: { 200: runSchema, ...errors(400, ...AUTH_ERRORS, 404) },
      },
      preValidation: absentBodyIsEmpty,
    },
    async (request) => {
      const { id } = request.params;
      const exists = await db.run.findUnique({ where: { id }, select: { id: true } });
      if (!exists) throw notFound('run', id);
      await cancelRun(db, queues, id, request.body.reason ?? 'cancelled through the API');
      return runWithJobsJson(await runWithJobs(id));
    },
  );
}
