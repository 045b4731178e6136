// sshd's ChrootDirectory rules, checked up front so a bad rootfs fails with a reason instead
// of a closed connection and a line in the sshd log.
import { lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** Returns the rootfs's real path after checking every component and the login shell. */
export async function checkChrootDirectory(rootfs: string, loginShell: string): Promise<string> {
  const real = await realpath(rootfs).catch(() => {
    throw new Error(`rootfs ${rootfs} does not exist: build it with ensureRootfs() (apps/farm/src/rootfs)`);
  });
  for (let dir = real; ; dir = path.dirname(dir)) {
    const s = await stat(dir);
    if (s.uid !== 0 || (s.mode & 0o022) !== 0) {
      throw new Error(
        `sshd's ChrootDirectory needs every component of ${real} root-owned and not group/world-writable, ` +
          `but ${dir} is uid ${s.uid} mode ${(s.mode & 0o7777).toString(8)}: ` +
          'keep the rootfs on such a path, e.g. the default ~/.cache/mace-farm/rootfs-arm64 (not under /tmp)',
      );
    }
    if (dir === path.dirname(dir)) break;
  }
  // sshd runs every command as `<login shell> -c …` inside the chroot.
  for (const program of [loginShell, '/bin/sh']) {
    await lstat(path.join(real, program)).catch(() => {
      throw new Error(`${real} has no ${program}, which sshd runs sessions with: rebuild it with ensureRootfs()`);
    });
  }
  return real;
}
