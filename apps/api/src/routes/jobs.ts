// Jobs: one job, and the jobs of a run (readable by agents too).
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { USER_OR_AGENT } from '../http/auth.js';
import { notFound } from '../http/errors.js';
import { AUTH_ERRORS, BEARER_SECURITY, errors, idParams } from '../schemas/common.js';
import { jobSchema } from '../schemas/resources.js';
import { jobJson } from '../serialize.js';

const DEPENDENCIES = { dependsOn: { select: { dependsOnId: true } } } as const;

export function jobRoutes(app: FastifyInstance, { db }: ApiDeps): void {
  app.get<{ Params: { id: string } }>(
    '/v1/runs/:id/jobs',
    {
      config: { access: USER_OR_AGENT },
      schema: {
        tags: ['jobs'],
        summary: 'The jobs of a run, in creation order',
        security: BEARER_SECURITY,
        params: idParams,
        response: {
          200: {
            type: 'object',
            required: ['items'],
            additionalProperties: false,
            properties: { items: { type: 'array', items: jobSchema } },
          },
          ...errors(400, ...AUTH_ERRORS, 404),
        },
      },
    },
    async (request) => {
      const run = await db.run.findUnique({
        where: { id: request.params.id },
        include: { jobs: { include: DEPENDENCIES, orderBy: { id: 'asc' } } },
      });
      if (!run) throw notFound('run', request.params.id);
      return { items: run.jobs.map(jobJson) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/jobs/:id',
    {
      config: { access: USER_OR_AGENT },
      schema: {
        tags: ['jobs'],
        summary: 'Get a job',
        security: BEARER_SECURITY,
        params: idParams,
        response: { 200: jobSchema, ...errors(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      const job = await db.job.findUnique({
        where: { id: request.params.id },
        include: DEPENDENCIES,
      });
      if (!job) throw notFound('job', request.params.id);
      return jobJson(job);
    },
  );
}
