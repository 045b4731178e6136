// Server-Sent Events responses of the streaming routes (run logs, device events): the event
// format, and streams that keep proxies from buffering or timing them out and that end when the
// server closes (an open stream would otherwise hold it open).
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** A comment line this often keeps idle streams alive through proxies. */
const HEARTBEAT_MS = 15_000;

/** One event; `id` is what a reconnecting client sends back as Last-Event-ID. */
export function sseEvent(event: string, data: unknown, id?: string): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export interface EventStreams {
  /** Takes the response over from Fastify and starts the stream; the route writes events to it. */
  start(reply: FastifyReply): ServerResponse;
}

/** The event streams of one route plugin, ended on the server's preClose. */
export function eventStreams(app: FastifyInstance): EventStreams {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });
  return {
    start(reply) {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      open.add(res);
      const heartbeat = setInterval(() => {
        if (!res.writableEnded) res.write(': keep-alive\n\n');
      }, HEARTBEAT_MS);
      res.on('close', () => {
        clearInterval(heartbeat);
        open.delete(res);
      });
      return res;
    },
  };
}
