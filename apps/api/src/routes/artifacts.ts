// Artifacts: list (by run, job, device, kind — `tuned` = both OpenCL tuning outputs —, SoC, and the
// tuned files' driver and device model), get, and download from the content-addressed
// store with Content-Length, ETag = "<sha256>" (If-None-Match → 304), single byte ranges (206 with
// Content-Range, 416 when unsatisfiable, If-Range honoured) and a safe Content-Disposition.
import type { FastifyInstance } from 'fastify';
import type { ArtifactKind, Prisma } from '@mace/db';
import type { ApiDeps } from '../deps.js';
import { USER_OR_AGENT } from '../http/auth.js';
import { contentDisposition } from '../http/content-disposition.js';
import { ApiError, notFound } from '../http/errors.js';
import { newestFirst, paginate, type PageQuery } from '../http/pagination.js';
import { etagMatches, ifRangeAllows, parseRange } from '../http/range.js';
import {
  AUTH_ERRORS,
  BEARER_SECURITY,
  errors,
  idParams,
  listQuery,
  pageOf,
  sha256Hex,
  uuid,
} from '../schemas/common.js';
import { ARTIFACT_KIND_VALUES, artifactSchema } from '../schemas/resources.js';
import { artifactJson } from '../serialize.js';

interface ArtifactQuery extends PageQuery {
  runId?: string;
  jobId?: string;
  deviceId?: string;
  kind?: (ArtifactKind | 'tuned')[];
  soc?: string;
  driver?: string;
  deviceModel?: string;
  sha256?: string;
  name?: string;
}

const binary = { schema: { type: 'string', format: 'binary' } };

/** The kind filter's alias: MACE's two OpenCL tuning outputs of a tune job. */
const KIND_ALIASES: Record<string, ArtifactKind[]> = { tuned: ['tuned_binary', 'tuned_parameters'] };

export function expandKinds(kinds: (ArtifactKind | 'tuned')[]): ArtifactKind[] {
  return [...new Set(kinds.flatMap((k) => KIND_ALIASES[k] ?? [k as ArtifactKind]))];
}

export function artifactRoutes(app: FastifyInstance, { db, store }: ApiDeps): void {
  app.get<{ Querystring: ArtifactQuery }>(
    '/v1/artifacts',
    {
      config: { access: USER_OR_AGENT },
      schema: {
        tags: ['artifacts'],
        summary: 'List artifacts (newest first)',
        security: BEARER_SECURITY,
        querystring: listQuery({
          runId: uuid,
          jobId: uuid,
          deviceId: uuid,
          kind: {
            type: 'array',
            items: { type: 'string', enum: [...ARTIFACT_KIND_VALUES, 'tuned'] },
            description: 'one or more; tuned = tuned_binary and tuned_parameters (OpenCL tuning outputs)',
          },
          soc: { type: 'string', minLength: 1, description: 'artifacts of devices with this SoC' },
          driver: {
            type: 'string',
            minLength: 1,
            description: 'tuned files made for this OpenCL driver version (metadata.driver)',
          },
          deviceModel: {
            type: 'string',
            minLength: 1,
            description: 'tuned files made for this device model (metadata.deviceModel)',
          },
          sha256: sha256Hex,
          name: { type: 'string', minLength: 1 },
        }),
        response: { 200: pageOf(artifactSchema), ...errors(400, ...AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const where: Prisma.ArtifactWhereInput = {
        runId: q.runId,
        jobId: q.jobId,
        deviceId: q.deviceId,
        kind: q.kind ? { in: expandKinds(q.kind) } : undefined,
        sha256: q.sha256,
        name: q.name,
        device: q.soc ? { soc: { equals: q.soc, mode: 'insensitive' } } : undefined,
        AND: [
          ...(q.driver ? [{ metadata: { path: ['driver'], equals: q.driver } }] : []),
          ...(q.deviceModel ? [{ metadata: { path: ['deviceModel'], equals: q.deviceModel } }] : []),
        ],
      };
      return paginate(request, reply, q, (page) => db.artifact.findMany(newestFirst(where, page)), artifactJson);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/artifacts/:id',
    {
      config: { access: USER_OR_AGENT },
      schema: {
        tags: ['artifacts'],
        summary: 'Get an artifact’s metadata',
        security: BEARER_SECURITY,
        params: idParams,
        response: { 200: artifactSchema, ...errors(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      const row = await db.artifact.findUnique({ where: { id: request.params.id } });
      if (!row) throw notFound('artifact', request.params.id);
      return artifactJson(row);
    },
  );

  app.get<{ Params: { id: string }; Headers: { range?: string; 'if-none-match'?: string; 'if-range'?: string } }>(
    '/v1/artifacts/:id/download',
    {
      config: { access: USER_OR_AGENT },
      schema: {
        tags: ['artifacts'],
        summary: 'Download an artifact’s bytes (ETag, If-None-Match, Range)',
        security: BEARER_SECURITY,
        params: idParams,
        headers: {
          type: 'object',
          properties: {
            range: { type: 'string', description: 'one byte range: bytes=0-99, bytes=100-, bytes=-100' },
            'if-none-match': { type: 'string' },
            'if-range': { type: 'string' },
          },
        },
        response: {
          200: { description: 'The whole artifact', content: { 'application/octet-stream': binary } },
          206: { description: 'The requested range (Content-Range)', content: { 'application/octet-stream': binary } },
          304: { description: 'Not modified (If-None-Match matched the ETag)', type: 'null' },
          ...errors(400, ...AUTH_ERRORS, 404, 416),
        },
      },
    },
    async (request, reply) => {
      const row = await db.artifact.findUnique({ where: { id: request.params.id } });
      if (!row) throw notFound('artifact', request.params.id);
      const size = await store.size(row.sha256);
      if (size === null) {
        throw new ApiError(
          404,
          'not_in_store',
          `artifact ${row.id}: its bytes (sha256 ${row.sha256}) are missing from the artifact store`,
        );
      }
      const etag = `"${row.sha256}"`;
      if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).header('etag', etag).send();
      const range = ifRangeAllows(request.headers['if-range'], etag)
        ? parseRange(request.headers.range, size)
        : ({ kind: 'none' } as const);
      if (range.kind === 'unsatisfiable') {
        throw new ApiError(
          416,
          'range_not_satisfiable',
          `the range ${request.headers.range} lies outside the artifact's ${size} bytes`,
          {
            headers: { 'content-range': `bytes */${size}` },
          },
        );
      }
      reply.headers({
        etag,
        'accept-ranges': 'bytes',
        'cache-control': 'private, max-age=31536000, immutable',
        'content-disposition': contentDisposition(row.name),
        'x-content-type-options': 'nosniff',
      });
      reply.type(row.contentType);
      if (range.kind === 'range') {
        reply.code(206).headers({
          'content-range': `bytes ${range.start}-${range.end}/${size}`,
          'content-length': String(range.end - range.start + 1),
        });
        return reply.send(store.createReadStream(row.sha256, { start: range.start, end: range.end }));
      }
      reply.header('content-length', String(size));
      if (size === 0) return reply.send(Buffer.alloc(0));
      return reply.send(store.createReadStream(row.sha256));
    },
  );
}
