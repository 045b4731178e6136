// A run's log, live: GET /v1/runs/:id/logs as SSE, resumed with Last-Event-ID after a drop,
// until the server sends `end`. Optionally only one job's lines.
import { useEffect, useRef, useState } from 'react';
import type { ApiJobLog } from '@mace/protocol';
import { useEventStream } from '../lib/use-event-stream';
import { ErrorLine } from './Status';

const MAX_LINES = 5000;

export function LogView({ runId, jobId, onEnd }: { runId: string; jobId: string | null; onEnd: () => void }) {
  const [lines, setLines] = useState<ApiJobLog[]>([]);
  const [follow, setFollow] = useState(true);
  const box = useRef<HTMLPreElement>(null);
  const stream = useEventStream(`/v1/runs/${runId}/logs`, (event, data) => {
    if (event === 'log') setLines((l) => [...l.slice(-(MAX_LINES - 1)), JSON.parse(data) as ApiJobLog]);
    if (event === 'end') {
      onEnd();
      return 'stop';
    }
  });
  const shown = jobId ? lines.filter((l) => l.jobId === jobId) : lines;
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [shown.length, follow]);

  return (
    <div className="log">
      <div className="log-head">
        <span role="status" className={`live live-${stream.status}`}>
          log {stream.status === 'ended' ? 'complete' : stream.status}
        </span>
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
      </div>
      <ErrorLine error={stream.error} />
      <pre ref={box} tabIndex={0} aria-label="Run log" className="log-lines">
        {shown.map((l) => (
          <span key={l.id} className={`log-${l.stream}`}>
            {l.time.slice(11, 19)} {l.text}
            {'\n'}
          </span>
        ))}
      </pre>
    </div>
  );
}
