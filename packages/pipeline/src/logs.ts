// Job logs: append-only JobLog rows, one per line (the API streams them over SSE by id).
// appendJobLog writes at once; JobLogger buffers a running job's output and writes it in batches.
import type { Db } from '@mace/db';

export type LogStreamName = 'stdout' | 'stderr' | 'system';

/** Longest line stored; longer lines are cut (with a marker). */
const MAX_LINE = 8_000;
const FLUSH_INTERVAL_MS = 250;
const FLUSH_LINES = 200;

function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}… [line cut at ${MAX_LINE} characters]` : l));
}

/** Appends `text` (one row per line) to a job's log. */
export async function appendJobLog(db: Db, jobId: string, stream: LogStreamName, text: string): Promise<void> {
  const job = await db.job.findUnique({ where: { id: jobId }, select: { runId: true } });
  if (!job) throw new Error(`cannot log to job ${jobId}: no such job`);
  await db.jobLog.createMany({
    data: splitLines(text).map((line) => ({ jobId, runId: job.runId, stream, text: line })),
  });
}

/** Appends a run-level line (no job), e.g. "cancelled by request". */
export async function appendRunLog(db: Db, runId: string, text: string): Promise<void> {
  await db.jobLog.createMany({
    data: splitLines(text).map((line) => ({ runId, stream: 'system' as const, text: line })),
  });
}

/** Buffered log of one running job. Partial lines of streamed output wait for their newline. */
export class JobLogger {
  private pending: { stream: LogStreamName; text: string }[] = [];
  private partial: Record<LogStreamName, string> = { stdout: '', stderr: '', system: '' };
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    readonly jobId: string,
    readonly runId: string,
  ) {}

  /** A complete message from the pipeline itself. */
  system(text: string): void {
    this.lines('system', text);
  }

  /** A chunk of a child process's output (may end mid-line). */
  write(stream: 'stdout' | 'stderr', chunk: string | Buffer): void {
    const text = this.partial[stream] + chunk.toString();
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      this.partial[stream] = text;
      return;
    }
    this.partial[stream] = text.slice(cut + 1);
    this.lines(stream, text.slice(0, cut));
  }

  private lines(stream: LogStreamName, text: string): void {
    for (const line of splitLines(text)) this.pending.push({ stream, text: line });
    if (this.pending.length >= FLUSH_LINES) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Writes everything buffered (including partial lines). Never throws: a lost log line must not fail a job. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) {
        this.pending.push({ stream, text: this.partial[stream] });
        this.partial[stream] = '';
      }
    }
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.writing;
    this.writing = this.writing.then(() =>
      this.db.jobLog
        .createMany({
          data: batch.map((l) => ({ jobId: this.jobId, runId: this.runId, stream: l.stream, text: l.text })),
        })
        .then(
          () => undefined,
          (err: unknown) => {
            process.stderr.write(`job ${this.jobId}: could not write ${batch.length} log line(s): ${String(err)}\n`);
          },
        ),
    );
    return this.writing;
  }
}
