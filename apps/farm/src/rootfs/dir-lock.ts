// A lock between processes (vitest runs test files in parallel forks, the phone and the board
// may assemble at once): mkdir is atomic, the owner's pid is written inside, and a lock whose
// owner died is taken over.
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isStale(lockDir: string): Promise<boolean> {
  const owner = Number(await readFile(path.join(lockDir, 'pid'), 'utf8').catch(() => ''));
  if (owner > 0) return !isProcessAlive(owner);
  // No pid yet: the owner is between mkdir and writeFile, unless it died right there.
  const made = await stat(lockDir).then(
    (s) => s.mtimeMs,
    () => Date.now(),
  );
  return Date.now() - made > 30_000;
}

export async function withDirLock<T>(
  lockDir: string,
  work: () => Promise<T>,
  opts: { timeoutMs?: number; onWait?: () => void } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20 * 60_000);
  let waited = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await isStale(lockDir)) {
      // Rename before removing, so two waiters cannot both take over the same stale lock.
      const grave = `${lockDir}.stale-${process.pid}`;
      if (
        await rename(lockDir, grave).then(
          () => true,
          () => false,
        )
      )
        await rm(grave, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${lockDir}; if no other process is assembling, remove it`);
    }
    if (!waited) opts.onWait?.();
    waited = true;
    await sleep(250);
  }
  try {
    await writeFile(path.join(lockDir, 'pid'), String(process.pid));
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
