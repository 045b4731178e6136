// Run lifecycle events (run.queued, run.started, run.<terminal state>), emitted by whichever
// process changes a run's state. Processes that notify the outside world (webhooks) subscribe;
// a listener's failure is reported, never propagated into the pipeline.
import type { Run } from '@mace/db';

export type RunEvent = 'run.queued' | 'run.started' | 'run.succeeded' | 'run.failed' | 'run.errored' | 'run.cancelled';
export type RunEventListener = (event: RunEvent, run: Run) => Promise<unknown> | unknown;

const listeners = new Set<RunEventListener>();

/** Subscribes to run events in this process; returns the unsubscribe function. */
export function onRunEvent(listener: RunEventListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The event a status change means, if any. */
export function runEventFor(previous: Run['status'] | null, run: Run): RunEvent | null {
  if (previous === run.status) return null;
  if (run.status === 'queued') return previous === null ? 'run.queued' : null;
  if (run.status === 'running') return 'run.started';
  return `run.${run.status}` as RunEvent;
}

export async function emitRunEvent(event: RunEvent | null, run: Run): Promise<void> {
  if (!event) return;
  for (const listener of listeners) {
    try {
      await listener(event, run);
    } catch (err) {
      process.stderr.write(`run event ${event} for run ${run.id}: listener failed: ${String(err)}\n`);
    }
  }
}
