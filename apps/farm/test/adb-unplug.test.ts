// Unplugging the virtual phone (kill) while a command runs, then plugging it back in.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startVirtualPhone, type VirtualPhone } from '../src/adb/index.js';
import { startAdbServer, type AdbServer } from './adb-harness.js';

let server: AdbServer;
let phone: VirtualPhone | undefined;
let dataDir: string;

beforeAll(async () => {
  server = await startAdbServer();
  dataDir = await mkdtemp(path.join(tmpdir(), 'virtual-phone-'));
});

afterAll(async () => {
  await phone?.close();
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('kill() drops a running command and the device goes offline, then a restarted phone reconnects', async () => {
  phone = await startVirtualPhone({ dataDir });
  const { serial, port } = phone;
  await server.adb(['connect', serial]);
  await server.waitForState(serial, ['device']);

  // Without a rootfs commands run with the phone root as working directory.
  const pidFile = path.join(phone.rootDir, 'data/local/tmp/sleeper.pid');
  const session = server.spawnAdb(['-s', serial, 'shell', 'echo $$ > data/local/tmp/sleeper.pid; exec sleep 600']);
  let sessionEnded = false;
  session.on('close', () => (sessionEnded = true));
  const pid = await waitFor('the command to start', async () => {
    const text = await readFile(pidFile, 'utf8').catch(() => '');
    return text.endsWith('\n') ? Number(text) : undefined;
  });
  expect(isAlive(pid)).toBe(true);

  await phone.kill();
  phone = undefined;
  // The adb client ends (adb 29 reports 0 when the transport vanishes without an exit code).
  await waitFor('the adb shell client to end', async () => sessionEnded || undefined);
  await waitFor('the command to be killed', async () => (isAlive(pid) ? undefined : true));
  expect(await server.waitForState(serial, ['offline', undefined])).not.toBe('device');

  // Plugged back in on the same port, the adb server's reconnect loop finds it again.
  phone = await startVirtualPhone({ dataDir, port });
  await server.waitForState(serial, ['device'], 60_000);
  const echo = await server.adb(['-s', serial, 'shell', 'echo back']);
  expect(echo).toEqual({ code: 0, stdout: 'back\n', stderr: '' });
});
