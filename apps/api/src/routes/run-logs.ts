// A run's log (JobLog rows, ordered by their increasing id) as Server-Sent Events — every row as
// an `event: log` whose `id:` is the row id, following new rows until the run is terminal, then
// `event: end` — or as one JSON page with ?format=json. Resume with Last-Event-ID (SSE) or
// ?after=<id>. Rows are polled from PostgreSQL: the pipeline writes them, from any process.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JobLog } from '@mace/db';
import type { ApiDeps } from '../deps.js';
import { USER_OR_AGENT } from '../http/auth.js';
import { notFound } from '../http/errors.js';
import { eventStreams, sseEvent } from '../http/sse.js';
import { AUTH_ERRORS, BEARER_SECURITY, errors, idParams } from '../schemas/common.js';
import { jobLogSchema, RUN_STATUS_VALUES, TERMINAL_RUN_STATUSES } from '../schemas/resources.js';
import { jobLogJson } from '../serialize.js';

const SSE_BATCH = 500;
const DEFAULT_JSON_LIMIT = 500;
const TERMINAL = new Set<string>(TERMINAL_RUN_STATUSES);

export interface RunLogOptions {
  /** How often an SSE stream looks for new rows (ms). */
  pollIntervalMs: number;
}

interface LogQuery {
  format?: 'sse' | 'json';
  after?: string;
  limit?: number;
}

function wantsJson(request: FastifyRequest<{ Querystring: LogQuery }>): boolean {
  if (request.query.format) return request.query.format === 'json';
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/event-stream');
}

export function runLogRoutes(app: FastifyInstance, { db }: ApiDeps, opts: RunLogOptions): void {
  const streams = eventStreams(app);

  const readRows = (runId: string, after: bigint, take: number): Promise<JobLog[]> =>
    db.jobLog.findMany({ where: { runId, id: { gt: after } }, orderBy: { id: 'asc' }, take });

  app.get<{ Params: { id: string }; Querystring: LogQuery; Headers: { 'last-event-id'?: string } }>(
    '/v1/runs/:id/logs',
    {
      config: { access: USER_OR_AGENT },
      schema: {
        tags: ['runs'],
        summary: 'The run’s log: Server-Sent Events that follow the run until it ends, or JSON with ?format=json',
        description:
          'SSE (default): `event: log` per line with `id:` = the line id and `data:` = a JobLog object; when the run is ' +
          'terminal and every line was sent, `event: end` with `{ status, reason }`, then the stream closes. ' +
          'Resume after a disconnect with the Last-Event-ID header (or ?after). JSON: one page of lines after ?after.',
        security: BEARER_SECURITY,
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            format: { type: 'string', enum: ['sse', 'json'] },
            after: { type: 'string', pattern: '^[0-9]{1,19}$', description: 'only lines with a larger id' },
            limit: {
              type: 'integer',
              minimum: 1,
              maximum: 1000,
              default: DEFAULT_JSON_LIMIT,
              description: 'JSON mode: lines per page',
            },
          },
        },
        headers: {
          type: 'object',
          properties: { 'last-event-id': { type: 'string', pattern: '^[0-9]{1,19}$' } },
        },
        response: {
          200: {
            description: 'The log',
            content: {
              'text/event-stream': { schema: { type: 'string', description: 'SSE: event log / end' } },
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items', 'nextAfter', 'runStatus', 'complete'],
                  additionalProperties: false,
                  properties: {
                    items: { type: 'array', items: jobLogSchema },
                    nextAfter: { type: ['string', 'null'], description: 'pass as ?after for the next page' },
                    runStatus: { type: 'string', enum: RUN_STATUS_VALUES },
                    complete: { type: 'boolean', description: 'the run is terminal and this page holds its last line' },
                  },
                },
              },
            },
          },
          ...errors(400, ...AUTH_ERRORS, 404),
        },
      },
    },
    async (request, reply) => {
      const runId = request.params.id;
      const run = await db.run.findUnique({ where: { id: runId }, select: { status: true } });
      if (!run) throw notFound('run', runId);
      const start = BigInt(request.headers['last-event-id'] ?? request.query.after ?? '0');

      if (wantsJson(request)) {
        const limit = request.query.limit ?? DEFAULT_JSON_LIMIT;
        const rows = await readRows(runId, start, limit + 1);
        const page = rows.slice(0, limit);
        const last = page.length > 0 ? page[page.length - 1].id.toString() : (request.query.after ?? null);
        return reply.type('application/json').send({
          items: page.map(jobLogJson),
          nextAfter: last,
          runStatus: run.status,
          complete: TERMINAL.has(run.status) && rows.length <= limit,
        });
      }

      const res = streams.start(reply);
      let closed = false;
      let wake: (() => void) | null = null;
      const onClose = (): void => {
        closed = true;
        wake?.();
      };
      res.on('close', onClose);
      const pause = (ms: number): Promise<void> =>
        new Promise((resolve) => {
          const timer = setTimeout(done, ms);
          function done(): void {
            clearTimeout(timer);
            wake = null;
            resolve();
          }
          wake = done;
        });

      let cursor = start;
      let endingSeen = false;
      try {
        while (!closed) {
          // Read the status before the rows: a row written before the run turned terminal is then
          // always among the rows read after it.
          const status = (await db.run.findUnique({
            where: { id: runId },
            select: { status: true, reason: true },
          })) ?? {
            status: 'cancelled' as const,
            reason: 'the run was deleted',
          };
          let rows: JobLog[];
          do {
            rows = await readRows(runId, cursor, SSE_BATCH);
            for (const row of rows) {
              if (closed) break;
              res.write(sseEvent('log', jobLogJson(row), row.id.toString()));
              cursor = row.id;
            }
          } while (!closed && rows.length === SSE_BATCH);
          if (closed) break;
          if (TERMINAL.has(status.status)) {
            // One more look after a poll interval: lines the pipeline writes right after the
            // status change ("run cancelled: …") still reach the reader.
            if (endingSeen) {
              res.write(sseEvent('end', { status: status.status, reason: status.reason }));
              break;
            }
            endingSeen = true;
          }
          await pause(opts.pollIntervalMs);
        }
      } catch (err) {
        request.log.error({ err, runId }, 'log stream failed');
        if (!closed)
          res.write(sseEvent('error', { message: 'the log stream failed; reconnect with Last-Event-ID to resume' }));
      } finally {
        res.off('close', onClose);
        if (!res.writableEnded) res.end();
      }
    },
  );
}
