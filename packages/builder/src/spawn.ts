// Runs a build tool in its own process group, streaming its output to a build log; abort kills
// the whole group (ninja and every compiler under it).
import { spawn } from 'node:child_process';
import { BuildError } from './errors.js';

/** Where build progress goes: the worker's job log, or the CLI's stderr. */
export interface BuildLog {
  /** A complete message from the builder itself. */
  system(text: string): void;
  /** A chunk of a tool's output (may end mid-line). */
  write(stream: 'stdout' | 'stderr', chunk: string | Buffer): void;
}

export interface ToolExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  signal: AbortSignal;
  log: BuildLog;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Give the child an IPC channel (Node task modules use it to learn that their parent died). */
  ipc?: boolean;
}

/** Spawns `command`; resolves with its exit, whatever it is, and rejects only when it cannot start or is aborted. */
export function runLogged(command: string, args: string[], opts: SpawnOptions): Promise<ToolExit> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return reject(opts.signal.reason);
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const kill = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    opts.signal.addEventListener('abort', kill, { once: true });
    child.stdout?.on('data', (d: Buffer) => opts.log.write('stdout', d));
    child.stderr?.on('data', (d: Buffer) => opts.log.write('stderr', d));
    child.on('error', (err) => {
      opts.signal.removeEventListener('abort', kill);
      reject(new BuildError(`could not start ${command}: ${err.message}`, 'infrastructure'));
    });
    child.on('close', (code, signal) => {
      opts.signal.removeEventListener('abort', kill);
      if (opts.signal.aborted) reject(opts.signal.reason);
      else resolve({ code, signal });
    });
  });
}

/** Runs a tool and fails with `what` and the exit when it does not exit 0. */
export async function runChecked(what: string, command: string, args: string[], opts: SpawnOptions): Promise<void> {
  const exit = await runLogged(command, args, opts);
  if (exit.code !== 0)
    throw new BuildError(
      `${what} ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`}; see the build log`,
      'infrastructure',
    );
}
