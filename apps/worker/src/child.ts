// Runs a job's heavy work in a child process, so that the worker's event loop stays free to
// renew leases, a converter crash cannot take the worker down, and cancellation can kill it.
// Output goes to the job log; abort kills the child's whole process group (@mace/builder's runLogged).
import { fileURLToPath } from 'node:url';
import { runLogged, type SpawnOptions, type ToolExit } from '@mace/builder';
import { repoRoot } from './paths.js';

/**
 * Runs a Node task module (a sibling .js file, or .ts under tests and development, through tsx
 * with the workspace "source" condition) with an IPC channel.
 */
export function runNodeTask(
  moduleUrl: URL,
  args: string[],
  opts: Omit<SpawnOptions, 'ipc' | 'cwd'>,
): Promise<ToolExit> {
  const file = fileURLToPath(moduleUrl);
  const loader = file.endsWith('.ts') ? ['--conditions=source', '--import', 'tsx'] : [];
  return runLogged(process.execPath, [...loader, file, ...args], { ...opts, cwd: repoRoot, ipc: true });
}
