// GET /v1/runs/:id/compare: a run against another run (?with=) or a baseline (?baseline=), through
// @mace/protocol's compareRunResults — the same comparison the CLI gate and the dashboard show.
import type { FastifyInstance } from 'fastify';
import { compareRunResults, DEFAULT_MIN_DELTA_MS, DEFAULT_REGRESSION_THRESHOLD_PCT } from '@mace/protocol';
import type { ApiDeps } from '../deps.js';
import { USER } from '../http/auth.js';
import { ApiError, notFound } from '../http/errors.js';
import { AUTH_ERRORS, BEARER_SECURITY, errors, idParams, uuid } from '../schemas/common.js';
import { BASELINE_TAG, runComparisonSchema } from '../schemas/compare.js';
import { loadRunResults } from './results.js';

interface CompareQuery {
  with?: string;
  baseline?: string;
  threshold: number;
  minDeltaMs: number;
}

function invalidQuery(message: string): ApiError {
  return new ApiError(400, 'invalid_request', `query: ${message}`, {
    details: { fields: [{ field: 'query', message }] },
  });
}

export function compareRoutes(app: FastifyInstance, { db }: ApiDeps): void {
  app.get<{ Params: { id: string }; Querystring: CompareQuery }>(
    '/v1/runs/:id/compare',
    {
      config: { access: USER },
      schema: {
        tags: ['runs'],
        summary: 'Compare a run with another run or a baseline: latency, per-op and per-op-type deltas, validation',
        description:
          'Exactly one of `with` (a run id) and `baseline` (a tag) names the base run. A time regresses when it is more ' +
          'than `threshold` percent slower than the base and at least `minDeltaMs` slower (so sub-noise changes of tiny ' +
          'ops never count); an output regresses when it passed validation in the base run and fails now.',
        security: BEARER_SECURITY,
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            with: { ...uuid, description: 'the base run' },
            baseline: { ...BASELINE_TAG, description: 'the base run by baseline tag' },
            threshold: {
              type: 'number',
              minimum: 0,
              maximum: 100000,
              default: DEFAULT_REGRESSION_THRESHOLD_PCT,
              description: 'percent slower than the base that counts as a regression',
            },
            minDeltaMs: {
              type: 'number',
              minimum: 0,
              maximum: 100000,
              default: DEFAULT_MIN_DELTA_MS,
              description: 'smaller differences (ms) never count as regressions',
            },
          },
        },
        response: { 200: runComparisonSchema, ...errors(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      const q = request.query;
      if ((q.with === undefined) === (q.baseline === undefined))
        throw invalidQuery('give exactly one of with (a run id) and baseline (a tag)');
      let baseRunId = q.with;
      if (q.baseline !== undefined) {
        const baseline = await db.baseline.findUnique({ where: { tag: q.baseline } });
        if (!baseline) throw notFound('baseline', q.baseline);
        baseRunId = baseline.runId;
      }
      const [run, base] = await Promise.all([loadRunResults(db, request.params.id), loadRunResults(db, baseRunId!)]);
      const comparison = compareRunResults(base, run, { thresholdPct: q.threshold, minDeltaMs: q.minDeltaMs });
      return { ...comparison, baselineTag: q.baseline ?? null };
    },
  );
}
