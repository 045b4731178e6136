// A run's results: validation metrics and benchmark summaries with per-op and per-op-type rows,
// as the agents stored them (read-only; readable by agents too).
import type { FastifyInstance } from 'fastify';
import type { BenchmarkResult, Db, OpStat, OpTypeStat, ValidationResult } from '@mace/db';
import type { ApiDeps } from '../deps.js';
import { USER_OR_AGENT } from '../http/auth.js';
import { notFound } from '../http/errors.js';
import { AUTH_ERRORS, BEARER_SECURITY, errors, idParams } from '../schemas/common.js';
import { runResultsSchema } from '../schemas/results.js';

function validationJson(v: ValidationResult) {
  return {
    id: v.id,
    jobId: v.jobId,
    deviceId: v.deviceId,
    modelTag: v.modelTag,
    output: v.output,
    cosine: v.cosine,
    sqnrDb: v.sqnrDb,
    pixelAccuracy: v.pixelAccuracy,
    maxAbsError: v.maxAbsError,
    threshold: v.threshold,
    passed: v.passed,
    createdAt: v.createdAt.toISOString(),
  };
}

function benchmarkJson(b: BenchmarkResult & { ops: OpStat[]; opTypes: OpTypeStat[] }) {
  return {
    id: b.id,
    jobId: b.jobId,
    deviceId: b.deviceId,
    modelTag: b.modelTag,
    initMs: b.initMs,
    firstMs: b.firstMs,
    minMs: b.minMs,
    medianMs: b.medianMs,
    p90Ms: b.p90Ms,
    p99Ms: b.p99Ms,
    maxMs: b.maxMs,
    meanMs: b.meanMs,
    stdMs: b.stdMs,
    count: b.count,
    peakRssKb: b.peakRssKb,
    macs: Number(b.macs),
    threads: b.threads,
    createdAt: b.createdAt.toISOString(),
    ops: b.ops.map((o) => ({
      index: o.index,
      name: o.name,
      type: o.type,
      startMs: o.startMs,
      avgMs: o.avgMs,
      pct: o.pct,
      cdfPct: o.cdfPct,
      macs: Number(o.macs),
      gmacps: o.gmacps,
      outputShape: Array.isArray(o.outputShape) ? o.outputShape : [],
    })),
    opTypes: b.opTypes.map((t) => ({
      type: t.type,
      count: t.count,
      avgMs: t.avgMs,
      pct: t.pct,
      cdfPct: t.cdfPct,
      macs: Number(t.macs),
      gmacps: t.gmacps,
    })),
  };
}

/** A run's results as GET /v1/runs/:id/results returns them; 404 for an unknown run. */
export async function loadRunResults(db: Db, runId: string) {
  const run = await db.run.findUnique({ where: { id: runId }, select: { id: true } });
  if (!run) throw notFound('run', runId);
  const [validation, benchmarks] = await Promise.all([
    db.validationResult.findMany({ where: { runId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    db.benchmarkResult.findMany({
      where: { runId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      include: { ops: { orderBy: { index: 'asc' } }, opTypes: { orderBy: { avgMs: 'desc' } } },
    }),
  ]);
  return { runId, validation: validation.map(validationJson), benchmarks: benchmarks.map(benchmarkJson) };
}

export function resultRoutes(app: FastifyInstance, { db }: ApiDeps): void {
  app.get<{ Params: { id: string } }>(
    '/v1/runs/:id/results',
    {
      config: { access: USER_OR_AGENT },
      schema: {
        tags: ['runs'],
        summary: 'The run’s results: validation metrics per output, benchmark summaries with per-op rows',
        description:
          'What the device jobs stored so far (a running run has partial results): `validation` — cosine, SQNR, top-1 ' +
          'agreement per device job and output; `benchmarks` — latency statistics per benchmark job with every op in ' +
          'run order (`ops`) and totals per op type, longest first (`opTypes`).',
        security: BEARER_SECURITY,
        params: idParams,
        response: { 200: runResultsSchema, ...errors(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => loadRunResults(db, request.params.id),
  );
}
