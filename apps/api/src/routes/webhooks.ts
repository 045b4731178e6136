// Webhooks: register (the signing secret is generated or given, and returned once), list, get,
// delete, and see a webhook's deliveries. Users see their own webhooks; admins see all.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Prisma } from '@mace/db';
import { WEBHOOK_EVENTS } from '@mace/protocol';
import type { ApiDeps } from '../deps.js';
import { principalOf, USER } from '../http/auth.js';
import { notFound } from '../http/errors.js';
import { newestFirst, paginate, type PageQuery } from '../http/pagination.js';
import { AUTH_ERRORS, BEARER_SECURITY, errors, idParams, listQuery, pageOf } from '../schemas/common.js';
import { createdWebhookSchema, webhookDeliverySchema, webhookSchema } from '../schemas/resources.js';
import { webhookDeliveryJson, webhookJson } from '../serialize.js';
import { generateWebhookSecret } from '../webhooks/sign.js';

/** The webhooks the caller may see: their own, or all for an admin. */
function visibleTo(request: FastifyRequest): Prisma.WebhookWhereInput {
  const me = principalOf(request);
  return me.scope === 'admin' ? {} : { createdById: me.userId };
}

export function webhookRoutes(app: FastifyInstance, { db }: ApiDeps): void {
  async function findVisible(request: FastifyRequest, id: string) {
    const hook = await db.webhook.findFirst({ where: { id, ...visibleTo(request) } });
    if (!hook) throw notFound('webhook', id);
    return hook;
  }

  app.post<{ Body: { url: string; events?: string[]; secret?: string } }>(
    '/v1/webhooks',
    {
      config: { access: USER },
      schema: {
        tags: ['webhooks'],
        summary: 'Register a webhook (its secret is returned once)',
        description:
          'Each event is POSTed as JSON { id, event, createdAt, data } with X-Mace-Signature: sha256=<hex HMAC-SHA256 of the raw body ' +
          'keyed with the secret>, X-Mace-Event and X-Mace-Delivery; failures are retried with exponential backoff.',
        security: BEARER_SECURITY,
        body: {
          type: 'object',
          required: ['url'],
          additionalProperties: false,
          properties: {
            url: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000 },
            events: {
              type: 'array',
              items: { type: 'string', enum: WEBHOOK_EVENTS },
              uniqueItems: true,
              description: 'events to receive; empty or absent = every event',
            },
            secret: {
              type: 'string',
              minLength: 16,
              maxLength: 200,
              description: 'signing key; generated when absent',
            },
          },
        },
        response: { 201: createdWebhookSchema, ...errors(400, ...AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      const secret = request.body.secret ?? generateWebhookSecret();
      const row = await db.webhook.create({
        data: {
          url: request.body.url,
          events: request.body.events ?? [],
          secret,
          createdById: principalOf(request).userId,
        },
      });
      return reply.code(201).send({ ...webhookJson(row), secret });
    },
  );

  app.get<{ Querystring: PageQuery }>(
    '/v1/webhooks',
    {
      config: { access: USER },
      schema: {
        tags: ['webhooks'],
        summary: 'List webhooks (newest first; secrets are not shown)',
        security: BEARER_SECURITY,
        querystring: listQuery({}),
        response: { 200: pageOf(webhookSchema), ...errors(400, ...AUTH_ERRORS) },
      },
    },
    async (request, reply) =>
      paginate(
        request,
        reply,
        request.query,
        (page) => db.webhook.findMany(newestFirst(visibleTo(request), page)),
        webhookJson,
      ),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/webhooks/:id',
    {
      config: { access: USER },
      schema: {
        tags: ['webhooks'],
        summary: 'Get a webhook',
        security: BEARER_SECURITY,
        params: idParams,
        response: { 200: webhookSchema, ...errors(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => webhookJson(await findVisible(request, request.params.id)),
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/webhooks/:id',
    {
      config: { access: USER },
      schema: {
        tags: ['webhooks'],
        summary: 'Delete a webhook (and its delivery records)',
        security: BEARER_SECURITY,
        params: idParams,
        response: { 204: { type: 'null', description: 'Deleted' }, ...errors(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const hook = await findVisible(request, request.params.id);
      await db.webhook.delete({ where: { id: hook.id } });
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { id: string }; Querystring: PageQuery }>(
    '/v1/webhooks/:id/deliveries',
    {
      config: { access: USER },
      schema: {
        tags: ['webhooks'],
        summary: 'A webhook’s deliveries (newest first): status, attempts, last error',
        security: BEARER_SECURITY,
        params: idParams,
        querystring: listQuery({}),
        response: { 200: pageOf(webhookDeliverySchema), ...errors(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const hook = await findVisible(request, request.params.id);
      return paginate(
        request,
        reply,
        request.query,
        (page) => db.webhookDelivery.findMany(newestFirst({ webhookId: hook.id }, page)),
        webhookDeliveryJson,
      );
    },
  );
}
