// Runs the real `mace` command (the built CLI) as a user would, for end-to-end tests.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const corpus = resolve(repoRoot, '../shared/corpus');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function mace(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [join(repoRoot, 'apps/cli/bin/mace.js'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 600_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
