// The phone's root directory on this machine and the mapping of device paths into it.
// Paths are resolved the way the kernel would inside a chroot at that directory: `..`
// stops at the root and a symlink's absolute target starts again from the root, so no
// path the host sends can name a file outside the phone.
import { lstat, mkdir, readlink, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PosixError } from './errors.js';

/** Linux's limit on symlinks followed while resolving one path. */
const MAX_SYMLINK_HOPS = 40;

export const OPENCL_MARKER = '/vendor/lib64/libOpenCL.so';

export interface ResolveOptions {
  /** Follow a symlink in the last component (stat, RECV) or not (lstat, SEND). */
  followLast: boolean;
}

export class PhoneRoot {
  private constructor(readonly hostDir: string) {}

  /** Creates the directory when needed; `hostDir` is canonical so comparisons are exact. */
  static async open(hostDir: string): Promise<PhoneRoot> {
    await mkdir(hostDir, { recursive: true });
    return new PhoneRoot(await realpath(hostDir));
  }

  /** The host path of `devicePath`; its missing tail (a file about to be created) is kept as is. */
  async resolve(devicePath: string, options: ResolveOptions): Promise<string> {
    if (devicePath.includes('\0')) throw new PosixError('EINVAL', devicePath);
    const pending = splitPath(devicePath);
    const resolved: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const name = pending.shift() as string;
      if (name === '..') {
        resolved.pop();
        continue;
      }
      const isLast = pending.length === 0;
      const hostPath = path.join(this.hostDir, ...resolved, name);
      const stats = await lstat(hostPath).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (!stats) {
        // A missing directory cannot be walked through, so `..` after it is an error as in the kernel.
        if (pending.includes('..')) throw new PosixError('ENOENT', devicePath);
        return path.join(hostPath, ...pending);
      }
      if (stats.isSymbolicLink() && (!isLast || options.followLast)) {
        if (++hops > MAX_SYMLINK_HOPS) throw new PosixError('ELOOP', devicePath);
        const target = await readlink(hostPath);
        if (target.startsWith('/')) resolved.length = 0;
        pending.unshift(...splitPath(target));
        continue;
      }
      if (!isLast && !stats.isDirectory()) throw new PosixError('ENOTDIR', devicePath);
      resolved.push(name);
    }
    return path.join(this.hostDir, ...resolved);
  }

  /** Directories every Android phone has, and the optional OpenCL presence marker. */
  async prepare(options: { openclLibrary: boolean }): Promise<void> {
    await mkdir(path.join(this.hostDir, 'data/local/tmp'), { recursive: true });
    const marker = path.join(this.hostDir, OPENCL_MARKER);
    if (options.openclLibrary) {
      await mkdir(path.dirname(marker), { recursive: true });
      await writeFile(marker, '', { flag: 'a' });
      // Android keeps vendor files under /vendor and links /system/vendor to it.
      await mkdir(path.join(this.hostDir, 'system'), { recursive: true });
      await symlink('../vendor', path.join(this.hostDir, 'system/vendor')).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    } else {
      // Remove a marker left by an earlier run, never a real (non-empty) library.
      const stats = await lstat(marker).catch(() => undefined);
      if (stats?.isFile() && stats.size === 0) await rm(marker);
    }
  }
}

function splitPath(devicePath: string): string[] {
  return devicePath.split('/').filter((name) => name !== '' && name !== '.');
}
