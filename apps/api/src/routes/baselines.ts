// Baselines: named reference runs for comparisons and CI gates. Setting a tag on a run creates it
// or moves it forward to that run; moving it back to an older run is refused (a CI job finishing
// late must not replace a newer baseline).
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { principalOf, USER } from '../http/auth.js';
import { ApiError, notFound } from '../http/errors.js';
import { newestFirst, paginate, type PageQuery } from '../http/pagination.js';
import { AUTH_ERRORS, BEARER_SECURITY, errors, idParams, listQuery, pageOf } from '../schemas/common.js';
import { BASELINE_TAG, baselineSchema, setBaselineBodySchema } from '../schemas/compare.js';
import { baselineJson } from '../serialize.js';

export function baselineRoutes(app: FastifyInstance, { db }: ApiDeps): void {
  app.post<{ Params: { id: string }; Body: { tag: string } }>(
    '/v1/runs/:id/baseline',
    {
      config: { access: USER },
      schema: {
        tags: ['runs'],
        summary: 'Make a succeeded run the baseline of a tag (created, or moved forward to this run)',
        description:
          '201 when the tag is new, 200 when it moved to this run or already pointed to it. 409 when the run did not ' +
          'succeed, or when the tag points to a newer run.',
        security: BEARER_SECURITY,
        params: idParams,
        body: setBaselineBodySchema,
        response: {
          200: { ...baselineSchema, description: 'The tag moved to this run (or already pointed to it)' },
          201: { ...baselineSchema, description: 'A new tag' },
          ...errors(400, ...AUTH_ERRORS, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { tag } = request.body;
      const run = await db.run.findUnique({ where: { id: request.params.id } });
      if (!run) throw notFound('run', request.params.id);
      if (run.status !== 'succeeded')
        throw new ApiError(409, 'conflict', `run ${run.id} is ${run.status}; only a succeeded run can be a baseline`);
      const setById = principalOf(request).userId;
      const current = await db.baseline.findUnique({ where: { tag }, include: { run: true } });
      if (!current) {
        const created = await db.baseline.create({ data: { tag, runId: run.id, setById } });
        return reply.code(201).send(baselineJson(created));
      }
      if (current.runId === run.id) return reply.code(200).send(baselineJson(current));
      if (current.run.createdAt > run.createdAt)
        throw new ApiError(
          409,
          'conflict',
          `baseline ${tag} points to run ${current.runId}, which is newer than run ${run.id}; a tag only moves forward`,
          { details: { runId: current.runId } },
        );
      // Conditional on the run it pointed to, so two concurrent moves cannot both win.
      const moved = await db.baseline.updateMany({
        where: { tag, runId: current.runId },
        data: { runId: run.id, setById },
      });
      if (moved.count !== 1)
        throw new ApiError(409, 'conflict', `baseline ${tag} was moved by another request; read it and try again`);
      return reply.code(200).send(baselineJson(await db.baseline.findUniqueOrThrow({ where: { tag } })));
    },
  );

  app.get<{ Querystring: PageQuery & { runId?: string } }>(
    '/v1/baselines',
    {
      config: { access: USER },
      schema: {
        tags: ['runs'],
        summary: 'List baselines, newest tag first',
        security: BEARER_SECURITY,
        querystring: listQuery({ runId: { type: 'string', format: 'uuid', description: 'tags pointing to this run' } }),
        response: { 200: pageOf(baselineSchema), ...errors(400, ...AUTH_ERRORS) },
      },
    },
    async (request, reply) =>
      paginate(
        request,
        reply,
        request.query,
        (page) => db.baseline.findMany(newestFirst({ runId: request.query.runId }, page)),
        baselineJson,
      ),
  );

  app.get<{ Params: { tag: string } }>(
    '/v1/baselines/:tag',
    {
      config: { access: USER },
      schema: {
        tags: ['runs'],
        summary: 'A baseline: the run its tag points to',
        security: BEARER_SECURITY,
        params: { type: 'object', required: ['tag'], additionalProperties: false, properties: { tag: BASELINE_TAG } },
        response: { 200: baselineSchema, ...errors(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      const row = await db.baseline.findUnique({ where: { tag: request.params.tag } });
      if (!row) throw notFound('baseline', request.params.tag);
      return baselineJson(row);
    },
  );
}
