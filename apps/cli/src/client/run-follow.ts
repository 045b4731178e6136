// Following a run to its end: its log through SSE, with the jobs' states re-read on new lines and
// every 2 s for the progress view (used by the demo and by the CLI's remote commands).
import type { ApiClient } from './api-client.js';
import type { ApiJobLog, ApiRun } from '@mace/protocol';
import { followRunLog } from './run-log-stream.js';
import { formatSeconds, type RunProgress } from './run-progress.js';

/** The run's log through SSE, with the jobs' states re-read on new lines (at most twice a second) and every 2 s. */
export async function followRunWithProgress(
  client: ApiClient,
  runId: string,
  progress: RunProgress,
  timeoutMs: number,
  onLine: (line: ApiJobLog) => void = () => undefined,
): Promise<ApiRun> {
  const abort = new AbortController();
  const timeout = setTimeout(
    () => abort.abort(new Error(`the run did not finish within ${formatSeconds(timeoutMs)}`)),
    timeoutMs,
  );
  let refreshing: Promise<void> | null = null;
  let lastRefresh = 0;
  const refresh = (): Promise<void> => {
    if (refreshing) return refreshing;
    lastRefresh = Date.now();
    refreshing = client
      .getRun(runId)
      .then((run) => progress.update(run))
      .catch(() => undefined) // a missed refresh is made up by the next one
      .finally(() => (refreshing = null));
    return refreshing;
  };
  const poll = setInterval(() => void refresh(), 2000);
  try {
    await followRunLog(client, runId, {
      signal: abort.signal,
      onLine: (line) => {
        progress.noteLine(line);
        onLine(line);
        if (Date.now() - lastRefresh > 500) void refresh();
      },
    });
    await refreshing;
    const run = await client.getRun(runId);
    progress.update(run);
    return run;
  } catch (err) {
    if (abort.signal.aborted) throw abort.signal.reason;
    throw err;
  } finally {
    clearTimeout(timeout);
    clearInterval(poll);
    progress.finish();
  }
}
