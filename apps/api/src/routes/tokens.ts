// Admin: API tokens. POST creates one (the secret is returned once; only its hash is stored),
// GET lists them (prefixes only), DELETE revokes one (it stops working at once). Any token may
// read itself (GET /v1/tokens/self): the dashboard checks a token and its scope at sign-in.
import type { FastifyInstance } from 'fastify';
import { createToken, revokeToken, type TokenScope } from '@mace/db';
import type { ApiDeps } from '../deps.js';
import { ADMIN, principalOf, USER_OR_AGENT } from '../http/auth.js';
import { notFound } from '../http/errors.js';
import { newestFirst, paginate, type PageQuery } from '../http/pagination.js';
import { AUTH_ERRORS, BEARER_SECURITY, errors, idParams, listQuery, pageOf } from '../schemas/common.js';
import { createdTokenSchema, TOKEN_SCOPE_VALUES, tokenSchema } from '../schemas/resources.js';
import { tokenJson } from '../serialize.js';

export function tokenRoutes(app: FastifyInstance, { db }: ApiDeps): void {
  app.post<{ Body: { name: string; scope: TokenScope; user?: string } }>(
    '/v1/tokens',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['tokens'],
        summary: 'Create a token (returned once)',
        security: BEARER_SECURITY,
        body: {
          type: 'object',
          required: ['name', 'scope'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200, description: 'what the token is for' },
            scope: { type: 'string', enum: TOKEN_SCOPE_VALUES },
            user: {
              type: 'string',
              minLength: 1,
              maxLength: 200,
              description: 'the user the token acts for (created when new); default: the caller’s user',
            },
          },
        },
        response: { 201: createdTokenSchema, ...errors(400, ...AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      const { name, scope, user } = request.body;
      const userId = user
        ? (await db.user.upsert({ where: { name: user }, create: { name: user }, update: {}, select: { id: true } })).id
        : principalOf(request).userId;
      const created = await createToken(db, { name, scope, userId });
      const row = await db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
      return reply.code(201).send({ ...tokenJson(row), token: created.token });
    },
  );

  app.get<{ Querystring: PageQuery & { scope?: TokenScope; revoked?: boolean } }>(
    '/v1/tokens',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['tokens'],
        summary: 'List tokens (newest first)',
        security: BEARER_SECURITY,
        querystring: listQuery({
          scope: { type: 'string', enum: TOKEN_SCOPE_VALUES },
          revoked: { type: 'boolean', description: 'true: only revoked tokens; false: only active ones' },
        }),
        response: { 200: pageOf(tokenSchema), ...errors(400, ...AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      const { scope, revoked } = request.query;
      return paginate(
        request,
        reply,
        request.query,
        (page) =>
          db.apiToken.findMany(
            newestFirst({ scope, revokedAt: revoked === undefined ? undefined : revoked ? { not: null } : null }, page),
          ),
        tokenJson,
      );
    },
  );

  app.get(
    '/v1/tokens/self',
    {
      config: { access: USER_OR_AGENT },
      schema: {
        tags: ['tokens'],
        summary: 'The calling token (any scope): its name and scope, never its secret',
        security: BEARER_SECURITY,
        response: { 200: tokenSchema, ...errors(...AUTH_ERRORS) },
      },
    },
    async (request) => {
      const row = await db.apiToken.findUnique({ where: { id: principalOf(request).tokenId } });
      if (!row) throw notFound('token', principalOf(request).tokenId);
      return tokenJson(row);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/tokens/:id',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token (idempotent)',
        security: BEARER_SECURITY,
        params: idParams,
        response: { 200: tokenSchema, ...errors(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      const { id } = request.params;
      await revokeToken(db, id);
      const row = await db.apiToken.findUnique({ where: { id } });
      if (!row) throw notFound('token', id);
      return tokenJson(row);
    },
  );
}
