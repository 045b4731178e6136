// A private adb server for the virtual phone tests: its own port, HOME (so its own
// ~/.android/adbkey) and TMPDIR (its log), so it never touches anyone else's adb server.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Adb, type Client } from '@devicefarmer/adbkit';

export interface AdbResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface AdbServer {
  port: number;
  home: string;
  /** Runs the adb CLI against this server. */
  adb(args: string[], options?: { timeoutMs?: number }): Promise<AdbResult>;
  /** Runs the adb CLI and keeps its stdout as bytes. */
  adbBytes(args: string[]): Promise<{ code: number; stdout: Buffer }>;
  /** Starts a long-running adb CLI command. */
  spawnAdb(args: string[]): ChildProcess;
  /** adbkit talking to this server. */
  client: Client;
  /** This server's public key (adbkey.pub). */
  publicKey(): Promise<string>;
  /** The state `adb devices` shows for `serial`, or undefined when it is not listed. */
  deviceState(serial: string): Promise<string | undefined>;
  /** Polls `adb devices` until `serial` is in one of `states` (undefined: not listed). */
  waitForState(serial: string, states: (string | undefined)[], timeoutMs?: number): Promise<string | undefined>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startAdbServer(): Promise<AdbServer> {
  const home = await mkdtemp(path.join(tmpdir(), 'adb-server-'));
  const port = await freePort();
  const env = { ...process.env, HOME: home, ANDROID_SDK_HOME: home, TMPDIR: home, ADB_VENDOR_KEYS: '' };
  const adb = (args: string[], options: { timeoutMs?: number } = {}) =>
    new Promise<AdbResult>((resolve) => {
      execFile(
        'adb',
        ['-P', String(port), ...args],
        { env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  const started = await adb(['start-server']);
  if (started.code !== 0) throw new Error(`adb start-server failed: ${started.stderr}`);

  const deviceState = async (serial: string) => {
    const { stdout } = await adb(['devices']);
    for (const line of stdout.split('\n')) {
      const [name, state] = line.trim().split(/\s+/);
      if (name === serial) return state;
    }
    return undefined;
  };
  return {
    port,
    home,
    adb,
    adbBytes: (args) =>
      new Promise((resolve) => {
        execFile(
          'adb',
          ['-P', String(port), ...args],
          { env, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
          (error, stdout) => {
            resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout });
          },
        );
      }),
    spawnAdb: (args) => spawn('adb', ['-P', String(port), ...args], { env, stdio: 'pipe' }),
    client: Adb.createClient({ host: '127.0.0.1', port }),
    publicKey: () => readFile(path.join(home, '.android/adbkey.pub'), 'utf8'),
    deviceState,
    waitForState: async (serial, states, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const state = await deviceState(serial);
        if (states.includes(state)) return state;
        if (Date.now() > deadline) {
          throw new Error(`${serial} stayed "${state ?? 'not listed'}", expected ${states.map(String).join(' or ')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    stop: async () => {
      await adb(['kill-server']);
      await rm(home, { recursive: true, force: true });
    },
  };
}
