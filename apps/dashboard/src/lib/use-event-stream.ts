// Following an SSE route of the API while a component is mounted: reconnects after a dropped
// stream (with Last-Event-ID when the route numbers its events, so nothing is read twice) with a
// growing pause, and stops on unmount, on a 4xx answer, or when `onEvent` returns 'stop'.
import { useEffect, useRef, useState } from 'react';
import { ApiError, apiEvents } from '../api/client';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'failed';

export function useEventStream(
  path: string | null,
  onEvent: (event: string, data: string) => 'stop' | void,
): { status: StreamStatus; error: string | null } {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!path) return;
    const abort = new AbortController();
    let lastEventId: string | undefined;
    void (async () => {
      let failures = 0;
      while (!abort.signal.aborted) {
        setStatus(failures === 0 ? 'connecting' : 'reconnecting');
        try {
          for await (const ev of apiEvents(path, { signal: abort.signal, lastEventId })) {
            failures = 0;
            setStatus('live');
            setError(null);
            if (ev.id) lastEventId = ev.id;
            if (handler.current(ev.event, ev.data) === 'stop') {
              setStatus('ended');
              abort.abort();
              return;
            }
          }
        } catch (err) {
          if (abort.signal.aborted) return;
          if (err instanceof ApiError && err.status >= 400 && err.status < 500) {
            setStatus('failed');
            setError(err.message);
            return;
          }
          setError((err as Error).message);
        }
        failures++;
        await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** failures)));
      }
    })();
    return () => abort.abort();
  }, [path]);
  return { status, error };
}
