// Runs a device tool with its output in the job log; abort kills it.
import { spawn } from 'node:child_process';
import { InfrastructureError, type JobLogger } from '@mace/pipeline';

export function runTool(
  command: string,
  args: string[],
  opts: { log: JobLogger; signal: AbortSignal; cwd?: string },
): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return reject(opts.signal.reason);
    const child = spawn(command, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const kill = (): void => void child.kill('SIGKILL');
    opts.signal.addEventListener('abort', kill, { once: true });
    child.stdout.on('data', (d: Buffer) => opts.log.write('stdout', d));
    child.stderr.on('data', (d: Buffer) => opts.log.write('stderr', d));
    child.on('error', (err) => {
      opts.signal.removeEventListener('abort', kill);
      reject(new InfrastructureError(`could not start ${command}: ${err.message}`));
    });
    child.on('close', (code) => {
      opts.signal.removeEventListener('abort', kill);
      if (opts.signal.aborted) reject(opts.signal.reason);
      else resolve(code);
    });
  });
}
