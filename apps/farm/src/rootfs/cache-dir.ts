// Where the farm keeps what is slow to make: ~/.cache/mace-farm (or $XDG_CACHE_HOME/mace-farm,
// or $MACE_FARM_CACHE_DIR). Outside node_modules, so `npm ci` does not throw it away.
import os from 'node:os';
import path from 'node:path';

export function defaultCacheDir(): string {
  if (process.env.MACE_FARM_CACHE_DIR) return path.resolve(process.env.MACE_FARM_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'mace-farm');
}

/**
 * The shared arm64 root filesystem. It must stay on a root-owned path that no group or
 * other user can write (sshd's ChrootDirectory rule), which rules out anything under /tmp.
 */
export function defaultRootfsDir(cacheDir = defaultCacheDir()): string {
  return path.join(cacheDir, 'rootfs-arm64');
}
