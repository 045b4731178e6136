// The device lab: users list devices; admins quarantine a device (no jobs go to it) and release
// it again. Agents register their devices and send heartbeats through agents.ts.
import type { FastifyInstance } from 'fastify';
import type { DeviceKind, DeviceState, Prisma } from '@mace/db';
import type { ApiDeps } from '../deps.js';
import { ADMIN, principalOf, USER } from '../http/auth.js';
import { ApiError, notFound } from '../http/errors.js';
import { newestFirst, paginate, type PageQuery } from '../http/pagination.js';
import {
  absentBodyIsEmpty,
  AUTH_ERRORS,
  BEARER_SECURITY,
  errors,
  idParams,
  listQuery,
  optionalReasonBody,
  pageOf,
} from '../schemas/common.js';
import { DEVICE_KIND_VALUES, DEVICE_STATE_VALUES, deviceSchema } from '../schemas/resources.js';
import { asObject, deviceJson } from '../serialize.js';

/** A released device whose agent reported within this window is available again at once. */
const FRESH_HEARTBEAT_MS = 90_000;

export function deviceRoutes(app: FastifyInstance, { db }: ApiDeps): void {
  app.get<{
    Querystring: PageQuery & { state?: DeviceState[]; kind?: DeviceKind; abi?: string; soc?: string; serial?: string };
  }>(
    '/v1/devices',
    {
      config: { access: USER },
      schema: {
        tags: ['devices'],
        summary: 'List devices (newest first)',
        security: BEARER_SECURITY,
        querystring: listQuery({
          state: { type: 'array', items: { type: 'string', enum: DEVICE_STATE_VALUES }, description: 'one or more' },
          kind: { type: 'string', enum: DEVICE_KIND_VALUES },
          abi: { type: 'string', minLength: 1, description: 'devices supporting this ABI' },
          soc: { type: 'string', minLength: 1 },
          serial: { type: 'string', minLength: 1 },
        }),
        response: { 200: pageOf(deviceSchema), ...errors(400, ...AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const where: Prisma.DeviceWhereInput = {
        state: q.state ? { in: q.state } : undefined,
        kind: q.kind,
        abis: q.abi ? { has: q.abi } : undefined,
        soc: q.soc ? { equals: q.soc, mode: 'insensitive' } : undefined,
        serial: q.serial,
      };
      return paginate(request, reply, q, (page) => db.device.findMany(newestFirst(where, page)), deviceJson);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/devices/:id',
    {
      config: { access: USER },
      schema: {
        tags: ['devices'],
        summary: 'Get a device',
        security: BEARER_SECURITY,
        params: idParams,
        response: { 200: deviceSchema, ...errors(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      const row = await db.device.findUnique({ where: { id: request.params.id } });
      if (!row) throw notFound('device', request.params.id);
      return deviceJson(row);
    },
  );

  app.post<{ Params: { id: string }; Body: { reason?: string } }>(
    '/v1/devices/:id/quarantine',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['devices'],
        summary: 'Quarantine a device: no new jobs go to it until released',
        security: BEARER_SECURITY,
        params: idParams,
        body: optionalReasonBody,
        response: { 200: deviceSchema, ...errors(400, ...AUTH_ERRORS, 404) },
      },
      preValidation: absentBodyIsEmpty,
    },
    async (request) => {
      const device = await db.device.findUnique({ where: { id: request.params.id } });
      if (!device) throw notFound('device', request.params.id);
      const quarantine = {
        reason: request.body.reason ?? 'quarantined by an admin',
        at: new Date().toISOString(),
        byTokenId: principalOf(request).tokenId,
      };
      const row = await db.device.update({
        where: { id: device.id },
        data: {
          state: 'quarantined',
          properties: { ...asObject(device.properties), quarantine } as Prisma.InputJsonObject,
        },
      });
      return deviceJson(row);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/devices/:id/release',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['devices'],
        summary: 'Release a quarantined device (available if its agent reported recently, else offline)',
        security: BEARER_SECURITY,
        params: idParams,
        body: { type: 'object', additionalProperties: false, properties: {}, description: 'no fields; may be absent' },
        response: { 200: deviceSchema, ...errors(400, ...AUTH_ERRORS, 404, 409) },
      },
      preValidation: absentBodyIsEmpty,
    },
    async (request) => {
      const device = await db.device.findUnique({ where: { id: request.params.id } });
      if (!device) throw notFound('device', request.params.id);
      if (device.state !== 'quarantined') {
        throw new ApiError(
          409,
          'not_quarantined',
          `device ${device.id} is ${device.state}, not quarantined; nothing to release`,
        );
      }
      const fresh =
        device.lastHeartbeatAt !== null && Date.now() - device.lastHeartbeatAt.getTime() < FRESH_HEARTBEAT_MS;
      const { quarantine: _dropped, ...properties } = asObject(device.properties);
      const row = await db.device.update({
        where: { id: device.id },
        data: {
          state: fresh ? 'available' : 'offline',
          consecutiveFailures: 0,
          properties: properties as Prisma.InputJsonObject,
        },
      });
      return deviceJson(row);
    },
  );
}
