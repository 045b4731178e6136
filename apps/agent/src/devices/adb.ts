// Android phones through the adb server (@devicefarmer/adbkit). adbkit's shell() uses the legacy
// `shell:` service, which carries no exit status and merges stderr into stdout: the command
// prints its status on a marker line that is taken off the output.
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Duplex } from 'node:stream';
import { createRequire } from 'node:module';
import {
  DeviceLostError,
  OutputCollector,
  withTimeout,
  type DeviceTransport,
  type ExecOptions,
  type ExecResult,
} from './transport.js';

// adbkit is CommonJS marked __esModule: Node and Vite disagree on its default export, require does not.
const { Adb } = createRequire(import.meta.url)('@devicefarmer/adbkit') as typeof import('@devicefarmer/adbkit');
export type AdbClient = ReturnType<typeof Adb.createClient>;
type AdbDevice = ReturnType<AdbClient['getDevice']>;
const EXIT_MARKER = '__MACE_EXIT__';

export function createAdbClient(address: string): AdbClient {
  const [host, port] = address.split(':');
  return Adb.createClient({ host: host || '127.0.0.1', port: Number(port || 5037) });
}

function lost(serial: string, err: unknown): DeviceLostError {
  return new DeviceLostError(`adb device ${serial}: ${err instanceof Error ? err.message : String(err)}`);
}

/** Streams a legacy shell's output, holding back the last line so the exit marker never reaches the log. */
async function readShell(stream: Duplex, out: OutputCollector, signal: AbortSignal): Promise<number> {
  let pending = '';
  const abort = (): void => void stream.destroy();
  signal.addEventListener('abort', abort, { once: true });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending += chunk.toString('utf8');
      const cut = pending.lastIndexOf('\n');
      if (cut < 0) continue;
      const complete = pending.slice(0, cut + 1);
      pending = pending.slice(cut + 1);
      const marker = complete.lastIndexOf(`${EXIT_MARKER}`);
      out.add('stdout', Buffer.from(marker >= 0 ? complete.slice(0, marker) : complete));
      if (marker >= 0) pending = complete.slice(marker) + pending;
    }
  } finally {
    signal.removeEventListener('abort', abort);
  }
  if (signal.aborted) throw signal.reason;
  const m = new RegExp(`${EXIT_MARKER}(\\d+)`).exec(pending);
  if (!m) throw new DeviceLostError('the adb shell ended without an exit status (device disconnected?)');
  const before = pending.slice(0, pending.indexOf(EXIT_MARKER));
  if (before) out.add('stdout', Buffer.from(before));
  return Number(m[1]);
}

export class AdbTransport implements DeviceTransport {
  private readonly device: AdbDevice;
  constructor(
    client: AdbClient,
    readonly serial: string,
    readonly workRoot = '/data/local/tmp/mace_run',
  ) {
    this.device = client.getDevice(serial);
  }

  async exec(command: string, options: ExecOptions): Promise<ExecResult> {
    if (options.signal.aborted) throw options.signal.reason;
    const out = new OutputCollector(options.onOutput);
    const wrapped = `${withTimeout(command, options.timeoutS)} 2>&1; printf '\\n${EXIT_MARKER}%d\\n' $?`;
    let stream: Duplex;
    try {
      stream = await this.device.shell(wrapped);
    } catch (err) {
      throw lost(this.serial, err);
    }
    let code: number;
    try {
      code = await readShell(stream, out, options.signal);
    } catch (err) {
      if (options.signal.aborted) throw options.signal.reason;
      throw err instanceof DeviceLostError ? err : lost(this.serial, err);
    }
    // The marker line is preceded by a newline of ours.
    const stdout = out.text('stdout').replace(/\n$/, '');
    return { code, stdout, stderr: '' };
  }

  async push(local: string, remote: string, mode: number): Promise<void> {
    try {
      const transfer = await this.device.push(local, remote, mode);
      await new Promise<void>((resolve, reject) => {
        transfer.on('end', () => resolve());
        transfer.on('error', reject);
      });
    } catch (err) {
      throw lost(this.serial, err);
    }
  }

  async pull(remote: string, local: string): Promise<void> {
    try {
      const transfer = await this.device.pull(remote);
      await pipeline(transfer, createWriteStream(local));
    } catch (err) {
      throw lost(this.serial, err);
    }
  }

  async close(): Promise<void> {}
}
