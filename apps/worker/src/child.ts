// Runs a job's heavy work in a child process, so that the worker's event loop stays free to
// renew leases, a converter crash cannot take the worker down, and cancellation can kill it.
// Output goes to the job log; abort kills the child's whole process group.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { JobLogger } from '@mace/pipeline';
import { InfrastructureError } from '@mace/pipeline';
import { repoRoot } from './paths.js';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  signal: AbortSignal;
  log: JobLogger;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Give the child an IPC channel: it exits when the worker dies (see onParentExit). */
  ipc?: boolean;
}

/** Spawns `command` in its own process group; resolves with its exit, whatever it is. */
export function runLogged(command: string, args: string[], opts: SpawnOptions): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return reject(opts.signal.reason);
    const child = spawn(command, args, {
      cwd: opts.cwd ?? repoRoot,
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
      reject(new InfrastructureError(`could not start ${command}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      opts.signal.removeEventListener('abort', kill);
      if (opts.signal.aborted) reject(opts.signal.reason);
      else resolve({ code, signal });
    });
  });
}

/**
 * Runs a Node task module (a sibling .js file, or .ts under tests and development, through tsx
 * with the workspace "source" condition) with an IPC channel.
 */
export function runNodeTask(moduleUrl: URL, args: string[], opts: Omit<SpawnOptions, 'ipc'>): Promise<ChildResult> {
  const file = fileURLToPath(moduleUrl);
  const loader = file.endsWith('.ts') ? ['--conditions=source', '--import', 'tsx'] : [];
  return runLogged(process.execPath, [...loader, file, ...args], { ...opts, ipc: true });
}
