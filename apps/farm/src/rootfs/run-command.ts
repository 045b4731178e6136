// Runs a host tool to completion and returns its output; failures become errors that quote
// the command and the tail of its stderr, so callers only add what to do next.
import { execFile } from 'node:child_process';

export interface CommandOutput {
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export function runCommand(
  command: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs ?? 0, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr });
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          return reject(new CommandError(`${command} not found on this machine`, null, ''));
        }
        const exitCode = typeof code === 'number' ? code : null;
        const tail = stderr.trim().split('\n').slice(-8).join('\n');
        const how = err.killed ? 'timed out' : `exit ${exitCode ?? err.message}`;
        reject(
          new CommandError(`${command} ${args.join(' ')} failed (${how})${tail ? `:\n${tail}` : ''}`, exitCode, stderr),
        );
      },
    );
  });
}

/** Puts `hint` in front of a failed command's message, keeping the command's own words. */
export async function withHint<T>(hint: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw new Error(`${hint}\n${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
