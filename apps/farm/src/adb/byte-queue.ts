// A byte FIFO with exact-length async reads, for protocols (sync) whose messages do not
// line up with WRTE payloads. `push` resolves once the backlog is small again, which
// delays the OKAY to the host and so throttles it.

export class ByteQueue {
  private chunks: Buffer[] = [];
  private size = 0;
  private ended = false;
  private reader: { bytes: number; resolve: (data: Buffer | undefined) => void } | undefined;
  private drainWaiters: (() => void)[] = [];

  constructor(private readonly highWaterMark: number) {}

  push(chunk: Buffer): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.chunks.push(chunk);
    this.size += chunk.length;
    this.serveReader();
    if (this.size <= this.highWaterMark) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** No more data will come; pending and later reads get what is left, then undefined. */
  end(): void {
    this.ended = true;
    this.serveReader();
    this.releaseDrainWaiters();
  }

  /** Exactly `bytes` bytes, or undefined when the input ends first. One reader at a time. */
  read(bytes: number): Promise<Buffer | undefined> {
    if (this.reader) throw new Error('ByteQueue supports one pending read');
    return new Promise((resolve) => {
      this.reader = { bytes, resolve };
      this.serveReader();
    });
  }

  private serveReader(): void {
    const reader = this.reader;
    if (!reader) return;
    if (this.size >= reader.bytes) {
      this.reader = undefined;
      reader.resolve(this.take(reader.bytes));
    } else if (this.ended) {
      this.reader = undefined;
      reader.resolve(undefined);
    }
  }

  private take(bytes: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const taken = all.subarray(0, bytes);
    const rest = all.subarray(bytes);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.size = rest.length;
    if (this.size <= this.highWaterMark) this.releaseDrainWaiters();
    return taken;
  }

  private releaseDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
