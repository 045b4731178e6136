// How the agent reaches a device: run a shell command (with a timeout enforced on the device
// itself), and copy files both ways. One interface for the host, Android phones (adb) and ARM
// Linux boards (ssh), so the job steps are written once (device-files.ts, ../validate.ts, ../benchmark.ts).

export type OutputStream = 'stdout' | 'stderr';

export interface ExecOptions {
  /** The command is wrapped in `timeout <s>` on the device: a hung tool cannot hold the device. */
  timeoutS: number;
  signal: AbortSignal;
  /** Output as it arrives (the job log). */
  onOutput?: (stream: OutputStream, chunk: Buffer) => void;
}

export interface ExecResult {
  /** Exit status; 124 when the device-side timeout killed the command. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface DeviceTransport {
  /** The device's folder for this agent's files (tools, models, inputs by sha256; job folders). */
  readonly workRoot: string;
  exec(command: string, options: ExecOptions): Promise<ExecResult>;
  /** Copies a local file to `remote` (its folder must exist) with `mode`. */
  push(local: string, remote: string, mode: number): Promise<void>;
  /** Copies the device file `remote` to `local`. */
  pull(remote: string, local: string): Promise<void>;
  close(): Promise<void>;
}

/** The device (or its connection) went away: the job is retried, the device marked offline. */
export class DeviceLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceLostError';
  }
}

/** Quotes a string for a POSIX shell (sh, toybox/mksh on Android, busybox). */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `timeout <s> sh -c '<command>'`: the device enforces the limit even if the agent dies. */
export function withTimeout(command: string, timeoutS: number): string {
  return `timeout ${Math.max(1, Math.ceil(timeoutS))} sh -c ${shellQuote(command)}`;
}

/** Collects output into strings while forwarding chunks. */
export class OutputCollector {
  private readonly chunks: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [] };
  constructor(private readonly forward?: (stream: OutputStream, chunk: Buffer) => void) {}
  add(stream: OutputStream, chunk: Buffer): void {
    this.chunks[stream].push(chunk);
    this.forward?.(stream, chunk);
  }
  text(stream: OutputStream): string {
    return Buffer.concat(this.chunks[stream]).toString('utf8');
  }
}
