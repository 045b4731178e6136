// The host as a device: commands through /bin/sh, files copied within this machine.
import { spawn } from 'node:child_process';
import { copyFile, chmod } from 'node:fs/promises';
import {
  DeviceLostError,
  OutputCollector,
  withTimeout,
  type DeviceTransport,
  type ExecOptions,
  type ExecResult,
} from './transport.js';

export class LocalTransport implements DeviceTransport {
  constructor(readonly workRoot: string) {}

  exec(command: string, options: ExecOptions): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      if (options.signal.aborted) return reject(options.signal.reason);
      const out = new OutputCollector(options.onOutput);
      const child = spawn('/bin/sh', ['-c', withTimeout(command, options.timeoutS)], {
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      // SIGTERM first: `timeout` runs the command in a process group of its own and forwards
      // SIGTERM to it; SIGKILL would leave the command running.
      const signalGroup = (sig: NodeJS.Signals): void => {
        try {
          if (child.pid) process.kill(-child.pid, sig);
        } catch {
          child.kill(sig);
        }
      };
      const kill = (): void => {
        signalGroup('SIGTERM');
        setTimeout(() => signalGroup('SIGKILL'), 2_000).unref();
        reject(options.signal.reason);
      };
      options.signal.addEventListener('abort', kill, { once: true });
      child.stdout.on('data', (d: Buffer) => out.add('stdout', d));
      child.stderr.on('data', (d: Buffer) => out.add('stderr', d));
      child.on('error', (err) => {
        options.signal.removeEventListener('abort', kill);
        reject(new DeviceLostError(`could not start /bin/sh on the host: ${err.message}`));
      });
      child.on('close', (code, signal) => {
        options.signal.removeEventListener('abort', kill);
        if (options.signal.aborted) return reject(options.signal.reason);
        resolve({ code: code ?? (signal ? 128 + 9 : 1), stdout: out.text('stdout'), stderr: out.text('stderr') });
      });
    });
  }

  async push(local: string, remote: string, mode: number): Promise<void> {
    await copyFile(local, remote);
    await chmod(remote, mode);
  }

  async pull(remote: string, local: string): Promise<void> {
    await copyFile(remote, local);
  }

  async close(): Promise<void> {}
}
