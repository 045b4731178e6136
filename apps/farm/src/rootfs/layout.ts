// What turns unpacked packages into a bootable-looking board: the busybox applet links,
// the directories a phone or board has, device nodes, and the few /etc files base-files
// and the maintainer scripts would have written.
import { chmod, lstat, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand, withHint } from './run-command.js';

const BINFMT_HINT =
  'arm64 binaries do not run in a chroot here: register the qemu-user binfmt handlers with the F (fix-binary) flag ' +
  '(apt-get install qemu-user-static, then bash scripts/setup.sh)';

/** Runs an arm64 program of the root filesystem through chroot (and the kernel's binfmt handler). */
export async function runInRootfs(rootfs: string, argv: readonly string[]): Promise<string> {
  const { stdout } = await withHint(BINFMT_HINT, runCommand('chroot', [rootfs, ...argv], { timeoutMs: 60_000 }));
  return stdout;
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}

/** A relative link to /bin/busybox for every applet whose canonical path no package filled. */
async function linkBusyboxApplets(rootfs: string): Promise<number> {
  const applets = (await runInRootfs(rootfs, ['/bin/busybox', '--list-full']))
    .split('\n')
    .filter((applet) => applet.includes('bin/')); // not /linuxrc: nothing here boots through it
  let linked = 0;
  for (const applet of applets) {
    const link = path.join(rootfs, applet);
    if (await exists(link)) continue;
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(path.relative(path.dirname(link), path.join(rootfs, 'bin/busybox')), link);
    linked++;
  }
  return linked;
}

const DIRECTORIES: readonly [string, number][] = [
  ['.', 0o755], // mkdtemp made it 0700; sshd's ChrootDirectory and other users need 0755
  ['tmp', 0o1777],
  ['var/tmp', 0o1777],
  ['data', 0o771],
  ['data/local', 0o751],
  ['data/local/tmp', 0o1777], // where adb push and benchmark tools put files on a phone
  ['root', 0o700],
  ['home', 0o755],
  ['run', 0o755],
  ['proc', 0o555], // an empty mount point: /proc is not mounted (see docs/virtual-board.md)
  ['sys', 0o555],
  ['dev', 0o755],
];

// Real nodes (mknod) rather than bind mounts: nothing to unmount, and they survive the rename.
const DEVICE_NODES: readonly [string, number, number][] = [
  ['null', 1, 3],
  ['zero', 1, 5],
  ['full', 1, 7],
  ['random', 1, 8],
  ['urandom', 1, 9],
  ['tty', 5, 0],
];

const ETC_FILES: Record<string, string> = {
  'etc/passwd': 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
  'etc/group': 'root:x:0:\nnogroup:x:65534:\n',
  'etc/hostname': 'mace-board\n',
  'etc/shells': '/bin/sh\n/bin/bash\n',
  'etc/profile':
    'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nexport PS1="\\u@mace-board:\\w\\$ "\n',
};

export async function layOutRootfs(rootfs: string): Promise<{ applets: number }> {
  for (const [dir, mode] of DIRECTORIES) {
    await mkdir(path.join(rootfs, dir), { recursive: true });
    await chmod(path.join(rootfs, dir), mode); // explicit: mkdir's mode is masked by the umask
  }
  for (const [name, major, minor] of DEVICE_NODES) {
    await withHint(
      'could not create device nodes: assembling the root filesystem needs root with CAP_MKNOD',
      runCommand('mknod', ['-m', '666', path.join(rootfs, 'dev', name), 'c', String(major), String(minor)]),
    );
  }
  for (const [file, text] of Object.entries(ETC_FILES)) await writeFile(path.join(rootfs, file), text);
  return { applets: await linkBusyboxApplets(rootfs) };
}

/** Proves the rootfs works before it replaces anything: a dynamic binary and the shell run. */
export async function checkRootfs(rootfs: string): Promise<void> {
  const machine = (await runInRootfs(rootfs, ['/bin/uname', '-m'])).trim();
  if (machine !== 'aarch64') throw new Error(`${BINFMT_HINT}\n(/bin/uname -m printed "${machine}", not aarch64)`);
  const echoed = (await runInRootfs(rootfs, ['/bin/sh', '-c', 'echo ok > /dev/null && echo ok'])).trim();
  if (echoed !== 'ok') throw new Error(`/bin/sh in ${rootfs} does not work (printed "${echoed}")`);
}
