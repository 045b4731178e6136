// A lock folder that serializes builders of one cache on one machine. A lock whose owner
// process is gone, or that is older than an hour, is taken over.
import { mkdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuildLog } from './spawn.js';

const STALE_LOCK_MS = 3_600_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function withLock<T>(
  dir: string,
  name: string,
  signal: AbortSignal,
  log: BuildLog,
  body: () => Promise<T>,
): Promise<T> {
  const lock = path.join(dir, `${name}.lock`);
  await mkdir(dir, { recursive: true });
  let told = false;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(path.join(lock, 'owner'), `${process.pid}\n`);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age =
        Date.now() -
        (await stat(lock).then(
          (s) => s.mtimeMs,
          () => Date.now(),
        ));
      const owner = Number(await readFile(path.join(lock, 'owner'), 'utf8').catch(() => 'NaN'));
      if (age > STALE_LOCK_MS || (Number.isInteger(owner) && owner > 0 && !alive(owner))) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (!told) log.system(`waiting for another build of ${name} in ${dir} to finish`);
      told = true;
      if (signal.aborted) throw signal.reason;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await body();
  } finally {
    await rm(path.join(lock, 'owner'), { force: true });
    await rmdir(lock).catch(() => undefined);
  }
}
