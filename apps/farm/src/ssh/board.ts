// startSshBoard: a virtual ARM Linux board reachable over SSH, i.e. the machine's OpenSSH
// sshd with its own config, keys and pid file, chrooting every session into the arm64 rootfs.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { checkChrootDirectory } from './chroot-check.js';
import { ensureKeyPair, fingerprintOf } from './keys.js';
import { sessionProcesses, signal } from './processes.js';
import { readBoardConfig, renderSshdConfig } from './sshd-config.js';
import {
  checkSshdConfig,
  findSshd,
  launchSshd,
  PortInUseError,
  stopSshd,
  waitGone,
  type SshdFiles,
} from './sshd-process.js';

export interface SshBoardOptions {
  /** The arm64 rootfs (from ensureRootfs) on a root-owned path that is not group/world-writable. */
  rootfs: string;
  /** Keys, config, pid file and log live in `<stateDir>/ssh-board/`; the host key persists there. */
  stateDir: string;
  /** Defaults to a free port. */
  port?: number;
}

/** What an agent needs to connect, as it would to a real board. */
export interface SshBoardFacts {
  host: string;
  port: number;
  username: string;
  privateKeyPath: string;
  /** Pin this: "SHA256:…" of the host key, as `ssh-keygen -lf` prints it (see keys.ts for ssh2). */
  hostKeyFingerprint: string;
  /** "ssh-ed25519 AAAA…" */
  hostPublicKey: string;
  pid: number;
  logPath: string;
}

export interface SshBoard extends SshBoardFacts {
  /** Stops sshd and every session under it; safe to call twice. */
  stop(): Promise<void>;
}

export function boardFiles(stateDir: string): SshdFiles & {
  dir: string;
  hostKeyPath: string;
  clientKeyPath: string;
  authorizedKeysPath: string;
} {
  const dir = path.join(path.resolve(stateDir), 'ssh-board');
  return {
    dir,
    configPath: path.join(dir, 'sshd_config'),
    pidFile: path.join(dir, 'sshd.pid'),
    logPath: path.join(dir, 'sshd.log'),
    hostKeyPath: path.join(dir, 'ssh_host_ed25519_key'),
    clientKeyPath: path.join(dir, 'client_ed25519'),
    authorizedKeysPath: path.join(dir, 'authorized_keys'),
  };
}

/** Stops the board whose state is in `stateDir`; returns whether its sshd was running. */
export function stopSshBoard(stateDir: string): Promise<boolean> {
  return stopBoard(boardFiles(stateDir));
}

/** sshd with its sessions, then whatever disconnected sessions left running in the chroot. */
async function stopBoard(files: SshdFiles): Promise<boolean> {
  const config = readBoardConfig(await readFile(files.configPath, 'utf8').catch(() => ''));
  const wasRunning = await stopSshd(files);
  if (config) {
    const leftovers = await sessionProcesses(config.port, config.rootfs);
    for (const pid of leftovers) signal(pid, 'SIGKILL');
    if (!(await waitGone(leftovers, 5_000))) throw new Error(`processes ${leftovers.join(' ')} did not exit`);
  }
  return wasRunning;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** (Re)starts the board of `stateDir`: a board still running from it is stopped first. */
export async function startSshBoard(opts: SshBoardOptions): Promise<SshBoard> {
  if (process.getuid?.() !== 0) {
    throw new Error('the SSH board needs root: sshd chroots every session into the rootfs (ChrootDirectory)');
  }
  const sshd = await findSshd();
  const files = boardFiles(opts.stateDir);
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  const user = os.userInfo();
  const rootfs = await checkChrootDirectory(opts.rootfs, user.shell ?? '/bin/sh');

  const hostKey = await ensureKeyPair(files.hostKeyPath, 'mace-farm-board-host');
  const clientKey = await ensureKeyPair(files.clientKeyPath, 'mace-farm-agent');
  await writeFile(files.authorizedKeysPath, `${clientKey.publicKey} mace-farm-agent\n`);
  await chmod(files.authorizedKeysPath, 0o600); // sshd reads it as the session user (root)

  await stopBoard(files);
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege-separation dir

  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    const config = renderSshdConfig({
      port,
      user: user.username,
      rootfs,
      hostKeyPath: files.hostKeyPath,
      authorizedKeysPath: files.authorizedKeysPath,
      pidFile: files.pidFile,
    });
    await writeFile(files.configPath, config, { mode: 0o600 });
    await checkSshdConfig(sshd, files);
    try {
      const pid = await launchSshd(sshd, files);
      return {
        host: '127.0.0.1',
        port,
        username: user.username,
        privateKeyPath: clientKey.privateKeyPath,
        hostKeyFingerprint: fingerprintOf(hostKey.publicKey),
        hostPublicKey: hostKey.publicKey,
        pid,
        logPath: files.logPath,
        stop: async () => void (await stopBoard(files)),
      };
    } catch (err) {
      // A free port can be taken between probing and binding; only then is retrying right.
      if (!(err instanceof PortInUseError) || opts.port !== undefined || attempt >= 3) {
        throw err instanceof PortInUseError ? new Error(`port ${port} is in use: pick another (--port)`) : err;
      }
    }
  }
}
