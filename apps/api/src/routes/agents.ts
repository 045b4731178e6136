// Device agents (agent-scope tokens): register or update the devices they own (upsert by
// serial) and report them alive. A device owned by another active agent is refused; a
// quarantined device stays quarantined whatever its agent reports.
import type { FastifyInstance } from 'fastify';
import type { DeviceKind, DeviceState, Prisma } from '@mace/db';
import { recordJobOutcome, type JobOutcome } from '@mace/pipeline';
import type { ApiDeps } from '../deps.js';
import { AGENT, principalOf } from '../http/auth.js';
import { ApiError } from '../http/errors.js';
import { AUTH_ERRORS, BEARER_SECURITY, errors } from '../schemas/common.js';
import { DEVICE_KIND_VALUES, deviceSchema } from '../schemas/resources.js';
import { asObject, deviceJson } from '../serialize.js';

const AGENT_STATES = ['available', 'busy', 'offline', 'unauthorized'] as const;
type AgentState = (typeof AGENT_STATES)[number];

const propertiesSchema = {
  type: 'object',
  additionalProperties: true,
  description: 'battery, temperature, OpenCL platform and driver, CPU cores, ... (merged into what is stored)',
};

const registeredDeviceSchema = {
  type: 'object',
  required: ['serial', 'kind', 'abis'],
  additionalProperties: false,
  properties: {
    serial: { type: 'string', minLength: 1, maxLength: 200 },
    kind: { type: 'string', enum: DEVICE_KIND_VALUES },
    abis: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      maxItems: 16,
      description: 'preferred first; empty while unknown (a phone that has not authorized the agent yet)',
    },
    soc: { type: 'string', minLength: 1, maxLength: 200 },
    model: { type: 'string', minLength: 1, maxLength: 200 },
    state: { type: 'string', enum: AGENT_STATES, default: 'available' },
    properties: propertiesSchema,
  },
};

const heartbeatDeviceSchema = {
  type: 'object',
  required: ['serial'],
  additionalProperties: false,
  properties: {
    serial: { type: 'string', minLength: 1, maxLength: 200 },
    state: { type: 'string', enum: AGENT_STATES },
    properties: propertiesSchema,
    jobOutcome: {
      type: 'object',
      required: ['result'],
      additionalProperties: false,
      description:
        'A device job just ended: ok resets the count of consecutive infrastructure failures; ' +
        'infrastructure counts one, and MACE_QUARANTINE_AFTER in a row quarantine the device',
      properties: {
        result: { type: 'string', enum: ['ok', 'infrastructure'] },
        reason: { type: 'string', maxLength: 2000 },
      },
    },
  },
};

const devicesResponse = {
  type: 'object',
  required: ['devices'],
  additionalProperties: false,
  properties: { devices: { type: 'array', items: deviceSchema } },
};

interface RegisteredDevice {
  serial: string;
  kind: DeviceKind;
  abis: string[];
  soc?: string;
  model?: string;
  state?: AgentState;
  properties?: Record<string, unknown>;
}

export function agentRoutes(app: FastifyInstance, { db }: ApiDeps): void {
  app.post<{ Body: { devices: RegisteredDevice[] } }>(
    '/v1/agents/devices',
    {
      config: { access: AGENT },
      schema: {
        tags: ['agents'],
        summary: 'Register or update the devices this agent owns (by serial)',
        description: 'A quarantined device stays quarantined. A device owned by another active agent token → 409.',
        security: BEARER_SECURITY,
        body: {
          type: 'object',
          required: ['devices'],
          additionalProperties: false,
          properties: { devices: { type: 'array', items: registeredDeviceSchema, minItems: 1, maxItems: 500 } },
        },
        response: { 200: devicesResponse, ...errors(400, ...AUTH_ERRORS, 409) },
      },
    },
    async (request) => {
      const me = principalOf(request);
      const serials = request.body.devices.map((d) => d.serial);
      const duplicates = serials.filter((s, i) => serials.indexOf(s) !== i);
      if (duplicates.length > 0) {
        throw new ApiError(
          400,
          'invalid_request',
          `body.devices: serial ${JSON.stringify(duplicates[0])} is listed twice`,
        );
      }
      const existing = await db.device.findMany({
        where: { serial: { in: serials }, agentTokenId: { not: me.tokenId } },
        include: { agentToken: { select: { revokedAt: true, prefix: true } } },
      });
      const taken = existing.filter((d) => d.agentToken && d.agentToken.revokedAt === null);
      if (taken.length > 0) {
        throw new ApiError(
          409,
          'device_owned_by_another_agent',
          `device ${taken[0].serial} is registered by another agent (token ${taken[0].agentToken!.prefix}…); revoke that token or register with it`,
          { details: { serials: taken.map((d) => d.serial) } },
        );
      }
      const now = new Date();
      const rows = await db.$transaction(async (tx) => {
        const out = [];
        for (const d of request.body.devices) {
          const current = await tx.device.findUnique({ where: { serial: d.serial } });
          const state: DeviceState = current?.state === 'quarantined' ? 'quarantined' : (d.state ?? 'available');
          const properties = { ...asObject(current?.properties), ...(d.properties ?? {}) } as Prisma.InputJsonObject;
          const data = {
            kind: d.kind,
            abis: d.abis,
            soc: d.soc ?? null,
            model: d.model ?? null,
            state,
            properties,
            agentTokenId: me.tokenId,
            lastHeartbeatAt: now,
          };
          out.push(
            await tx.device.upsert({
              where: { serial: d.serial },
              create: { serial: d.serial, ...data },
              update: data,
            }),
          );
        }
        return out;
      });
      return { devices: rows.map(deviceJson) };
    },
  );

  app.post<{
    Body: {
      devices: {
        serial: string;
        state?: AgentState;
        properties?: Record<string, unknown>;
        jobOutcome?: { result: JobOutcome; reason?: string };
      }[];
    };
  }>(
    '/v1/agents/heartbeat',
    {
      config: { access: AGENT },
      schema: {
        tags: ['agents'],
        summary: 'Report that this agent’s devices are alive (state and properties)',
        description:
          'Updates last_heartbeat_at (and state, unless quarantined) of the listed devices this agent owns. ' +
          '`unknown` lists serials it does not own: register them with POST /v1/agents/devices.',
        security: BEARER_SECURITY,
        body: {
          type: 'object',
          required: ['devices'],
          additionalProperties: false,
          properties: { devices: { type: 'array', items: heartbeatDeviceSchema, maxItems: 500 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['devices', 'unknown'],
            additionalProperties: false,
            properties: {
              devices: { type: 'array', items: deviceSchema },
              unknown: { type: 'array', items: { type: 'string' } },
            },
          },
          ...errors(400, ...AUTH_ERRORS),
        },
      },
    },
    async (request) => {
      const me = principalOf(request);
      const now = new Date();
      const owned = await db.device.findMany({
        where: { serial: { in: request.body.devices.map((d) => d.serial) }, agentTokenId: me.tokenId },
      });
      const bySerial = new Map(owned.map((d) => [d.serial, d]));
      const devices = [];
      const unknown: string[] = [];
      for (const beat of request.body.devices) {
        const current = bySerial.get(beat.serial);
        if (!current) {
          unknown.push(beat.serial);
          continue;
        }
        const state = current.state === 'quarantined' ? 'quarantined' : (beat.state ?? current.state);
        let updated = await db.device.update({
          where: { id: current.id },
          data: {
            state,
            lastHeartbeatAt: now,
            properties: beat.properties
              ? ({ ...asObject(current.properties), ...beat.properties } as Prisma.InputJsonObject)
              : undefined,
          },
        });
        if (beat.jobOutcome && (await recordJobOutcome(db, current.id, beat.jobOutcome.result, beat.jobOutcome.reason)))
          updated = await db.device.findUniqueOrThrow({ where: { id: current.id } });
        devices.push(updated);
      }
      return { devices: devices.map(deviceJson), unknown };
    },
  );
}
