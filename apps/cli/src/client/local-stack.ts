// The whole service on this machine as a child process — `node scripts/start.mjs` (migrations,
// then api + worker + agent) — with its output in a log file, ready once GET /readyz answers 200;
// stopped with SIGTERM (start.mjs forwards it) and waited for. For demos and end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface LocalStackOptions {
  /** The repository root (holds scripts/start.mjs and the built apps). */
  root: string;
  /** Added to this process's environment: DATABASE_URL, REDIS_URL, ARTIFACT_DIR, MACE_QUEUE_PREFIX, … */
  env: Record<string, string>;
  /** Where the stack's output goes (truncated at start). */
  logFile: string;
  /** Listen here (default: a free port on 127.0.0.1). */
  port?: number;
  /** How long to wait for /readyz (default 120 s: migrations and three processes on a busy machine). */
  readyTimeoutMs?: number;
}

export interface LocalStack {
  baseUrl: string;
  logFile: string;
  /** The last `lines` lines of the stack's output. */
  logTail(lines?: number): string;
  /** SIGTERM, then wait (SIGKILL after `timeoutMs`, default 30 s); resolves with the exit status. */
  stop(timeoutMs?: number): Promise<number | null>;
}

const STOP_TIMEOUT_MS = 30_000;

/** A TCP port nobody listens on right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function tailOf(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const logFd = openSync(options.logFile, 'w');
  const child = spawn(process.execPath, [path.join(options.root, 'scripts/start.mjs')], {
    cwd: options.root,
    env: { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const exited = exitOf(child);
  const logTail = (lines = 25): string => tailOf(options.logFile, lines);

  const stop = async (timeoutMs = STOP_TIMEOUT_MS): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  let lastProblem = 'no answer yet';
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the service stopped before it was ready (exit ${child.exitCode ?? child.signalCode}); its output (${options.logFile}):\n${logTail()}`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(3_000) });
      if (res.status === 200) break;
      lastProblem = `/readyz answered ${res.status}: ${await res.text()}`;
    } catch (err) {
      lastProblem = (err as { cause?: Error }).cause?.message ?? (err as Error).message;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `the service at ${baseUrl} was not ready in time (${lastProblem}); its output (${options.logFile}):\n${logTail()}`,
      );
    }
    await Promise.race([new Promise((r) => setTimeout(r, 250)), exited]);
  }
  return { baseUrl, logFile: options.logFile, logTail, stop };
}
