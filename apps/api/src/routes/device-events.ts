// GET /v1/devices/events: the device lab live, for the dashboard. With `Accept: text/event-stream`
// it streams Server-Sent Events — `event: snapshot` with every device first, then `event: device`
// per device that changed (whole objects: state, properties such as battery and temperature, last
// heartbeat, current job) and `event: removed` per device that is gone — until the client leaves.
// Otherwise (or with ?format=json) it answers the same snapshot once as JSON. The changes come
// from devices/device-watcher.ts (one database poller per process, shared by all streams).
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { createDeviceWatcher, readLabDevices } from '../devices/device-watcher.js';
import { USER } from '../http/auth.js';
import { eventStreams, sseEvent } from '../http/sse.js';
import { AUTH_ERRORS, BEARER_SECURITY, errors, type JsonSchema } from '../schemas/common.js';
import { deviceSchema } from '../schemas/resources.js';

export interface DeviceEventOptions {
  /** How often the device table is read while streams are open (ms). */
  pollIntervalMs: number;
}

/** A device as the lab shows it: the device and the job it runs now. */
export const labDeviceSchema: JsonSchema = {
  ...deviceSchema,
  required: [...(deviceSchema.required as string[]), 'currentJob'],
  properties: {
    ...(deviceSchema.properties as Record<string, JsonSchema>),
    currentJob: {
      description: 'the job running on the device now, or null',
      anyOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'runId', 'kind', 'modelTag', 'startedAt'],
          properties: {
            id: { type: 'string', format: 'uuid' },
            runId: { type: 'string', format: 'uuid' },
            kind: { type: 'string' },
            modelTag: { type: ['string', 'null'] },
            startedAt: { type: ['string', 'null'], format: 'date-time' },
          },
        },
        { type: 'null' },
      ],
    },
  },
};

export function deviceEventRoutes(app: FastifyInstance, { db }: ApiDeps, opts: DeviceEventOptions): void {
  const watcher = createDeviceWatcher(db, {
    pollIntervalMs: opts.pollIntervalMs,
    onError: (err) => app.log.warn({ err }, 'device events: reading the devices failed; trying again'),
  });
  const streams = eventStreams(app);
  app.addHook('preClose', async () => watcher.close());

  app.get<{ Querystring: { format?: 'sse' | 'json' } }>(
    '/v1/devices/events',
    {
      config: { access: USER },
      schema: {
        tags: ['devices'],
        summary: 'The device lab live: Server-Sent Events of device changes, or one JSON snapshot',
        description:
          'With `Accept: text/event-stream` (and no ?format=json): `event: snapshot` with `{ devices }` (every device, ' +
          'sorted by serial), then `event: device` with a whole device each time it changes (state, properties, last ' +
          'heartbeat, current job) and `event: removed` with `{ id }`; a comment every 15 s keeps the stream open. ' +
          'Otherwise one JSON snapshot `{ devices, time }`. Each device carries `currentJob`: the job it runs now.',
        security: BEARER_SECURITY,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { format: { type: 'string', enum: ['sse', 'json'], description: 'default: by Accept' } },
        },
        response: {
          200: {
            description: 'The lab',
            content: {
              'text/event-stream': { schema: { type: 'string', description: 'SSE: snapshot / device / removed' } },
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['devices', 'time'],
                  additionalProperties: false,
                  properties: {
                    devices: { type: 'array', items: labDeviceSchema },
                    time: { type: 'string', format: 'date-time', description: 'when the snapshot was read' },
                  },
                },
              },
            },
          },
          ...errors(400, ...AUTH_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const accept = request.headers.accept ?? '';
      const streaming = request.query.format ? request.query.format === 'sse' : accept.includes('text/event-stream');
      if (!streaming) {
        const time = new Date().toISOString();
        return reply.type('application/json').send({ devices: await readLabDevices(db), time });
      }

      const res = streams.start(reply);
      const unsubscribe = watcher.subscribe({
        snapshot: (devices) => res.write(sseEvent('snapshot', { devices })),
        changes: ({ changed, removed }) => {
          for (const d of changed) res.write(sseEvent('device', d));
          for (const id of removed) res.write(sseEvent('removed', { id }));
        },
      });
      res.on('close', unsubscribe);
    },
  );
}
