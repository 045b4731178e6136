// Following a run's log over Server-Sent Events (GET /v1/runs/:id/logs): followRunLog hands every
// log line to a callback, reconnects with Last-Event-ID when the stream drops, and resolves with
// the run's final state once the server sends `event: end`.
import { readSseEvents, type ApiJobLog, type RunStatus } from '@mace/protocol';
import { ApiRequestError, type ApiClient } from './api-client.js';

// The SSE parser lives in @mace/protocol (shared with the dashboard); re-exported for the CLI.
export { readSseEvents, type SseEvent } from '@mace/protocol';

export interface RunEnd {
  status: RunStatus;
  reason: string | null;
}

export interface FollowOptions {
  onLine(line: ApiJobLog): void;
  signal?: AbortSignal;
  /** Reconnections in a row without receiving anything before giving up (default 5). */
  maxReconnects?: number;
}

/** Streams the run's log to `onLine` until the run is terminal; resolves with its final status. */
export async function followRunLog(client: ApiClient, runId: string, options: FollowOptions): Promise<RunEnd> {
  const maxReconnects = options.maxReconnects ?? 5;
  let lastEventId: string | undefined;
  let failures = 0;
  let lastProblem = '';
  for (;;) {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    let received = false;
    try {
      const res = await client.fetch(`/v1/runs/${runId}/logs`, { headers, signal: options.signal });
      if (!res.ok || !res.body) {
        const text = await res.text();
        // 4xx: asking again will not help (unknown run, revoked token)
        if (res.status >= 400 && res.status < 500)
          throw new ApiRequestError(`GET /v1/runs/${runId}/logs`, res.status, 'error', text);
        lastProblem = `HTTP ${res.status} ${text}`;
      } else {
        for await (const ev of readSseEvents(res.body as unknown as AsyncIterable<Uint8Array>)) {
          received = true;
          if (ev.id) lastEventId = ev.id;
          if (ev.event === 'log') options.onLine(JSON.parse(ev.data) as ApiJobLog);
          else if (ev.event === 'end') return JSON.parse(ev.data) as RunEnd;
          else if (ev.event === 'error') lastProblem = ev.data;
        }
        lastProblem ||= 'the stream closed before the run ended';
      }
    } catch (err) {
      if (options.signal?.aborted || (err instanceof ApiRequestError && err.status >= 400)) throw err;
      lastProblem = (err as Error).message;
    }
    failures = received ? 0 : failures + 1;
    if (failures > maxReconnects)
      throw new Error(`the log stream of run ${runId} failed ${failures} times in a row: ${lastProblem}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
