// Model files: streaming upload (multipart/form-data, deduplicated by sha256: the same content
// returns the existing ModelFile with 200 instead of 201), list and get.
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { Prisma } from '@mace/db';
import type { ApiDeps } from '../deps.js';
import { principalOf, USER } from '../http/auth.js';
import { ApiError, notFound } from '../http/errors.js';
import { newestFirst, paginate, type PageQuery } from '../http/pagination.js';
import { AUTH_ERRORS, BEARER_SECURITY, errors, idParams, listQuery, pageOf, sha256Hex } from '../schemas/common.js';
import { modelFileSchema } from '../schemas/resources.js';
import { modelFileJson } from '../serialize.js';
import { receiveModelUpload, uploadBodySchema } from '../uploads/receive-model.js';

/** Bytes of multipart framing and form fields tolerated above the file limit in Content-Length. */
const MULTIPART_OVERHEAD = 64 * 1024;

export interface ModelRouteOptions {
  uploadLimitBytes: number;
}

export async function modelRoutes(app: FastifyInstance, deps: ApiDeps, opts: ModelRouteOptions): Promise<void> {
  const { db, store } = deps;
  const limit = opts.uploadLimitBytes;
  await app.register(multipart, {
    // One byte over the limit reaches the store, whose maxBytes then refuses the file: a file cut
    // at the limit is never mistaken for a complete one.
    limits: { fileSize: limit + 1, files: 1, fields: 4, fieldSize: 1024, parts: 6, headerPairs: 100 },
  });

  app.post(
    '/v1/models',
    {
      config: { access: USER },
      schema: {
        tags: ['models'],
        summary: 'Upload a model or weight file (streamed; deduplicated by sha256)',
        description:
          'multipart/form-data with the file in the field `file` and, optionally, its expected SHA-256 in `sha256` ' +
          '(before or after the file). 201 when new, 200 with the existing ModelFile when the same content was uploaded before. ' +
          'Over the size limit → 413, checksum mismatch → 422; in both cases nothing is stored.',
        security: BEARER_SECURITY,
        consumes: ['multipart/form-data'],
        body: uploadBodySchema,
        response: {
          200: { ...modelFileSchema, description: 'Already uploaded (same sha256)' },
          201: { ...modelFileSchema, description: 'Stored' },
          ...errors(400, ...AUTH_ERRORS, 413, 415, 422),
        },
      },
      // The body is a stream, read by the handler: its fields are checked against the same
      // schema (uploadFieldsSchema) as they arrive, so fastify's body validation is skipped here.
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw new ApiError(
          415,
          'unsupported_media_type',
          'send the model as multipart/form-data with the file in the field "file"',
        );
      }
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > limit + MULTIPART_OVERHEAD) {
        throw new ApiError(
          413,
          'payload_too_large',
          `the upload (${declared} bytes) is larger than the limit of ${limit} bytes; nothing was stored`,
          {
            headers: { connection: 'close' },
            details: { limitBytes: limit },
          },
        );
      }
      const upload = await receiveModelUpload(request, store, limit);
      const existing = await db.modelFile.findUnique({ where: { sha256: upload.sha256 } });
      if (existing) return reply.code(200).send(modelFileJson(existing));
      try {
        const created = await db.modelFile.create({
          data: {
            sha256: upload.sha256,
            size: BigInt(upload.size),
            originalFilename: upload.filename,
            storageKey: upload.sha256,
            createdById: principalOf(request).userId,
          },
        });
        return reply.code(201).send(modelFileJson(created));
      } catch (err) {
        // The same content uploaded concurrently: the other request created the row.
        if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
          const row = await db.modelFile.findUniqueOrThrow({ where: { sha256: upload.sha256 } });
          return reply.code(200).send(modelFileJson(row));
        }
        throw err;
      }
    },
  );

  app.get<{ Querystring: PageQuery & { sha256?: string } }>(
    '/v1/models',
    {
      config: { access: USER },
      schema: {
        tags: ['models'],
        summary: 'List uploaded model files (newest first)',
        security: BEARER_SECURITY,
        querystring: listQuery({ sha256: sha256Hex }),
        response: { 200: pageOf(modelFileSchema), ...errors(400, ...AUTH_ERRORS) },
      },
    },
    async (request, reply) =>
      paginate(
        request,
        reply,
        request.query,
        (page) => db.modelFile.findMany(newestFirst({ sha256: request.query.sha256 }, page)),
        modelFileJson,
      ),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/models/:id',
    {
      config: { access: USER },
      schema: {
        tags: ['models'],
        summary: 'Get a model file',
        security: BEARER_SECURITY,
        params: idParams,
        response: { 200: modelFileSchema, ...errors(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      const row = await db.modelFile.findUnique({ where: { id: request.params.id } });
      if (!row) throw notFound('model file', request.params.id);
      return modelFileJson(row);
    },
  );
}
