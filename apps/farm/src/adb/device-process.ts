// Starts the processes behind shell and exec services. With a root filesystem the
// command runs chrooted into it (arm64 binaries run through qemu-user binfmt); without
// one it runs on this machine with the phone root as working directory.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

/** Android's shell PATH, plus the Debian directories an arm64 Debian rootfs has. */
const DEVICE_PATH =
  '/product/bin:/apex/com.android.runtime/bin:/system/bin:/system/xbin:/odm/bin:/vendor/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin';

/** After SIGHUP, how long a command may take to exit before it gets SIGKILL. */
const HANGUP_GRACE_MS = 2000;

export interface ProcessPlacement {
  /** The phone root on this machine. */
  hostRoot: string;
  /** Run inside the root with chroot(8) rather than on this machine. */
  chroot: boolean;
  /** Environment every command of this phone gets. */
  env: Record<string, string>;
}

export interface DeviceCommand {
  /** The shell command line; undefined starts an interactive shell reading stdin. */
  command: string | undefined;
  /** Extra environment, such as TERM from a shell,v2 request. */
  env?: Record<string, string>;
}

export function spawnDeviceCommand(
  placement: ProcessPlacement,
  request: DeviceCommand,
): ChildProcessWithoutNullStreams {
  const shellArgs = request.command === undefined ? ['/bin/sh'] : ['/bin/sh', '-c', request.command];
  // A process group of its own, so hanging up reaches the whole pipeline the command starts.
  const options = { detached: true, stdio: 'pipe' as const };
  if (placement.chroot) {
    return spawn('chroot', [placement.hostRoot, ...shellArgs], {
      ...options,
      cwd: placement.hostRoot,
      env: {
        PATH: DEVICE_PATH,
        HOME: '/',
        TMPDIR: '/data/local/tmp',
        ANDROID_DATA: '/data',
        ANDROID_ROOT: '/system',
        ...placement.env,
        ...request.env,
      },
    });
  }
  return spawn(shellArgs[0], shellArgs.slice(1), {
    ...options,
    cwd: placement.hostRoot,
    env: {
      // The phone's /system/bin first, for its getprop and dumpsys.
      PATH: `${path.join(placement.hostRoot, 'system/bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: placement.hostRoot,
      TMPDIR: path.join(placement.hostRoot, 'data/local/tmp'),
      ...placement.env,
      ...request.env,
    },
  });
}

/** Hangs up a command like a closed terminal would, then kills what survives. */
export function hangUp(child: ChildProcessWithoutNullStreams): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const group = -child.pid;
  signalGroup(group, 'SIGHUP');
  const timer = setTimeout(() => signalGroup(group, 'SIGKILL'), HANGUP_GRACE_MS);
  timer.unref();
  child.once('exit', () => clearTimeout(timer));
}

/** Kills a command and every process it started, at once (the phone is being unplugged). */
export function killNow(child: ChildProcessWithoutNullStreams): void {
  if (child.pid !== undefined) signalGroup(-child.pid, 'SIGKILL');
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(group, signal);
  } catch {
    // The group is already gone.
  }
}
