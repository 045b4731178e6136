// A compact live view of a run: one line per job (kind, target, state, time, latest log line).
// On a terminal the block is redrawn in place (and its clocks tick); elsewhere (CI logs, pipes)
// a line is printed only when a job changes state, so the output stays short either way.
import type { ApiJob, ApiJobLog, ApiRun } from '@mace/protocol';

export interface ProgressOptions {
  /** Redraw in place (a terminal) instead of printing state changes. */
  live: boolean;
  /** A device's display name (its serial) from its id. */
  deviceName?: (id: string) => string | undefined;
  now?: () => number;
}

const SYMBOL: Record<string, string> = {
  pending: '·',
  queued: '…',
  running: '▶',
  succeeded: '✓',
  failed: '✗',
  errored: '!',
  cancelled: '–',
};
// Log lines come from tools: drop their terminal escapes and control characters before drawing.
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
// eslint-disable-next-line no-control-regex -- as above
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** How long a job took (or has been running): null when it has not started. */
export function jobDurationMs(job: Pick<ApiJob, 'startedAt' | 'finishedAt'>, now = Date.now()): number | null {
  if (!job.startedAt) return null;
  return (job.finishedAt ? Date.parse(job.finishedAt) : now) - Date.parse(job.startedAt);
}

/** What a job works on: its model for convert, its ABI for build, model and device for device jobs. */
export function jobTarget(job: ApiJob, deviceName?: (id: string) => string | undefined): string {
  if (job.kind === 'build') return `abi ${job.abi ?? '?'}`;
  if (!job.deviceId) return job.modelTag ?? '';
  return `${job.modelTag ?? ''} on ${deviceName?.(job.deviceId) ?? job.deviceId.slice(0, 8)}`;
}

export class RunProgress {
  private jobs: ApiJob[] = [];
  private readonly lastLine = new Map<string, string>();
  private readonly printed = new Map<string, string>();
  private drawnLines = 0;
  private ticker: NodeJS.Timeout | undefined;
  private readonly started: number;
  private readonly now: () => number;

  constructor(
    private readonly out: NodeJS.WritableStream & { columns?: number },
    private readonly options: ProgressOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
    if (options.live) this.ticker = setInterval(() => this.draw(), 1000);
  }

  /** The run's jobs as the API reports them now. */
  update(run: ApiRun): void {
    this.jobs = run.jobs;
    if (this.options.live) this.draw();
    else this.printChanges();
  }

  /** A log line of the run: kept as its job's latest (shown on a terminal). */
  noteLine(line: ApiJobLog): void {
    if (!line.jobId) return;
    const text = line.text.replace(ANSI, '').replace(CONTROL, ' ').trim();
    if (text) this.lastLine.set(line.jobId, text);
  }

  /** Stops the clock and leaves the final state on screen. */
  finish(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    if (this.options.live) this.draw();
    else this.printChanges();
  }

  private label(job: ApiJob): string {
    return `${job.kind.padEnd(9)} ${jobTarget(job, this.options.deviceName).padEnd(this.targetWidth())}`;
  }

  private targetWidth(): number {
    return Math.max(0, ...this.jobs.map((j) => jobTarget(j, this.options.deviceName).length));
  }

  private printChanges(): void {
    for (const job of this.jobs) {
      if (this.printed.get(job.id) === job.status) continue;
      this.printed.set(job.id, job.status);
      const clock = `[${formatSeconds(this.now() - this.started).padStart(8)}]`;
      const duration = job.finishedAt ? ` in ${formatSeconds(jobDurationMs(job) ?? 0)}` : '';
      const reason = job.reason && job.status !== 'succeeded' ? ` — ${job.reason}` : '';
      this.out.write(`  ${clock} ${SYMBOL[job.status] ?? '?'} ${this.label(job)}  ${job.status}${duration}${reason}\n`);
    }
  }

  private draw(): void {
    const width = Math.max(40, (this.out.columns ?? 100) - 1);
    const lines = this.jobs.map((job) => {
      const took = jobDurationMs(job, this.now());
      const head = `  ${SYMBOL[job.status] ?? '?'} ${this.label(job)}  ${job.status.padEnd(9)} ${took === null ? '' : formatSeconds(took)}`;
      // the latest log line of a running job; why a job ended, when it did not succeed
      const tail =
        job.status === 'running'
          ? (this.lastLine.get(job.id) ?? '')
          : job.status !== 'succeeded'
            ? (job.reason ?? '')
            : '';
      const line = tail ? `${head}  ${tail}` : head;
      return line.length > width ? `${line.slice(0, width - 1)}…` : line;
    });
    let text = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A` : '';
    for (const line of lines) text += `\r\x1b[2K${line}\n`;
    this.out.write(text);
    this.drawnLines = lines.length;
  }
}
