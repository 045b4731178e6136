// The virtual ARM board through the npm ssh2 client, the way the agent talks to a real board:
// pinned host key, key auth, exec, SFTP.
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir, defaultRootfsDir, ensureRootfs } from '../src/rootfs/index.js';
import { fingerprintOf, fingerprintOfBlob, startSshBoard, type SshBoard } from '../src/ssh/index.js';
import { ensureKeyPair } from '../src/ssh/keys.js';

const exec = promisify(execFile);

interface Pin {
  fingerprint: string;
  /** The fingerprints the client was shown, to prove pinning (not something else) decided. */
  seen: string[];
}

async function connect(
  board: SshBoard,
  opts: { pin?: string; privateKeyPath?: string } = {},
): Promise<{ client: ssh2.Client; pin: Pin }> {
  const pin: Pin = { fingerprint: opts.pin ?? board.hostKeyFingerprint, seen: [] };
  const privateKey = await readFile(opts.privateKeyPath ?? board.privateKeyPath);
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({
      host: board.host,
      port: board.port,
      username: board.username,
      privateKey,
      readyTimeout: 30_000,
      hostVerifier: (key: Buffer) => {
        const fingerprint = fingerprintOfBlob(key);
        pin.seen.push(fingerprint);
        return fingerprint === pin.fingerprint;
      },
    });
  });
  return { client, pin };
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(client: ssh2.Client, command: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      stream.on('data', (d: Buffer) => (stdout += d.toString()));
      stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      stream.on('exit', (c: number | null) => (code = c));
      stream.on('close', () => resolve({ code, stdout, stderr }));
    });
  });
}

function sftp(client: ssh2.Client): Promise<ssh2.SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((err, s) => (err ? reject(err) : resolve(s))));
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

async function liveProcessesMatching(text: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((n) => /^\d+$/.test(n))) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (!stat || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
    if (cmdline.includes(text)) found.push(`${pid}: ${cmdline}`);
  }
  return found;
}

let rootfs: string;
const stateDirs: string[] = [];
async function newStateDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mace-ssh-'));
  stateDirs.push(dir);
  return dir;
}

beforeAll(async () => {
  const cacheDir = defaultCacheDir();
  rootfs = (await ensureRootfs({ dir: defaultRootfsDir(cacheDir), cacheDir })).dir;
}, 600_000);

afterAll(async () => {
  for (const dir of stateDirs) await rm(dir, { recursive: true, force: true });
});

describe('SSH board', () => {
  let board: SshBoard;
  let client: ssh2.Client;

  beforeAll(async () => {
    board = await startSshBoard({ rootfs, stateDir: await newStateDir() });
    ({ client } = await connect(board));
  }, 120_000);

  afterAll(async () => {
    client?.end();
    await board?.stop();
  });

  it('reports the host key fingerprint as ssh-keygen -lf prints it', async () => {
    expect(board.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(fingerprintOf(board.hostPublicKey)).toBe(board.hostKeyFingerprint);
    const pubFile = path.join(path.dirname(board.privateKeyPath), 'ssh_host_ed25519_key.pub');
    const { stdout } = await exec('ssh-keygen', ['-lf', pubFile]);
    expect(stdout.split(' ')[1]).toBe(board.hostKeyFingerprint);
  });

  it('runs commands on an aarch64 machine, chrooted into the rootfs', async () => {
    const ran = await run(client, 'uname -m; cat /etc/hostname');
    expect(ran).toEqual({ code: 0, stdout: 'aarch64\nmace-board\n', stderr: '' });
  });

  it('propagates exit codes and keeps stderr apart from stdout', async () => {
    expect(await run(client, 'echo out; echo err >&2; exit 3')).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    expect((await run(client, 'false')).code).toBe(1);
  });

  it('ends a command wrapped in timeout with exit 124', async () => {
    const started = Date.now();
    const ran = await run(client, 'timeout 1 sleep 5');
    expect(ran.code).toBe(124);
    expect(Date.now() - started).toBeLessThan(4_500);
  });

  it('round-trips a 2 MB file through SFTP into the chroot', async () => {
    const work = await newStateDir();
    const blob = randomBytes(2 * 1024 * 1024);
    await writeFile(path.join(work, 'up.bin'), blob);
    const channel = await sftp(client);
    const remote = '/data/local/tmp/sftp-roundtrip.bin';
    await promisify(channel.fastPut.bind(channel))(path.join(work, 'up.bin'), remote);
    await promisify(channel.fastGet.bind(channel))(remote, path.join(work, 'down.bin'));
    channel.end();
    expect(sha256(await readFile(path.join(work, 'down.bin')))).toBe(sha256(blob));
    // The file landed inside the rootfs, where remote commands see it.
    const ran = await run(client, `sha256sum ${remote} && rm ${remote}`);
    expect(ran.stdout.split(' ')[0]).toBe(sha256(blob));
    await expect(access(path.join(rootfs, remote))).rejects.toThrow();
  });

  it('is refused by a client pinned to a different host key', async () => {
    const other = await ensureKeyPair(path.join(await newStateDir(), 'other_host_key'), 'other');
    const wrongPin = fingerprintOf(other.publicKey);
    expect(wrongPin).not.toBe(board.hostKeyFingerprint);
    let pin: Pin | undefined;
    const attempt = connect(board, { pin: wrongPin }).then((c) => {
      pin = c.pin;
      c.client.end();
    });
    await expect(attempt).rejects.toThrow(/verification failed/i);
    expect(pin).toBeUndefined();
  });

  it('refuses a client key that is not authorized', async () => {
    const stranger = await ensureKeyPair(path.join(await newStateDir(), 'stranger'), 'stranger');
    await expect(connect(board, { privateKeyPath: stranger.privateKeyPath })).rejects.toThrow(/authentication/i);
  });
});

describe('SSH board stop()', () => {
  async function startRemoteSleep(client: ssh2.Client): Promise<string> {
    const marker = `sleep 31.${randomBytes(3).readUIntBE(0, 3)}`;
    run(client, marker).catch(() => {});
    const deadline = Date.now() + 20_000;
    while ((await liveProcessesMatching(marker)).length === 0) {
      if (Date.now() > deadline) throw new Error(`the remote ${marker} never started`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return marker;
  }

  it('ends sshd, every session and what disconnected clients left running; keeps the host key', async () => {
    const stateDir = await newStateDir();
    const board = await startSshBoard({ rootfs, stateDir });
    const live = (await connect(board)).client;
    live.on('error', () => {}); // the board goes away under it
    const inSession = await startRemoteSleep(live);
    // A client that disconnects leaves its command running, outside sshd's process tree.
    const gone = (await connect(board)).client;
    const abandoned = await startRemoteSleep(gone);
    gone.end();
    await new Promise((r) => setTimeout(r, 500));
    expect(await liveProcessesMatching(abandoned)).toHaveLength(1);

    await board.stop();

    expect(await liveProcessesMatching(inSession)).toEqual([]);
    expect(await liveProcessesMatching(abandoned)).toEqual([]);
    expect(await liveProcessesMatching(path.join(stateDir, 'ssh-board'))).toEqual([]);
    await expect(access(`/proc/${board.pid}`)).rejects.toThrow(); // not even a zombie: we reaped it
    await expect(access(path.join(stateDir, 'ssh-board', 'sshd.pid'))).rejects.toThrow();
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(board.port, board.host);
      socket.once('connect', () => (socket.destroy(), resolve(false)));
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    await board.stop(); // idempotent

    const again = await startSshBoard({ rootfs, stateDir });
    try {
      expect(again.hostKeyFingerprint).toBe(board.hostKeyFingerprint);
      expect(again.privateKeyPath).toBe(board.privateKeyPath);
    } finally {
      await again.stop();
    }
    expect(await liveProcessesMatching(path.join(stateDir, 'ssh-board'))).toEqual([]);
  });

  it('refuses a rootfs under a world-writable directory, saying why', async () => {
    const stateDir = await newStateDir();
    await expect(startSshBoard({ rootfs: stateDir, stateDir })).rejects.toThrow(
      /ChrootDirectory needs.*not under \/tmp/s,
    );
  });
});
