// Host authentication against the real adb server: its key signs our token (RSA with a
// SHA-1 DigestInfo), and an unknown key leaves the phone "unauthorized" until allowed.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { formatAdbPublicKey } from '../src/adb/auth.js';
import { startVirtualPhone, type VirtualPhone, type VirtualPhoneOptions } from '../src/adb/index.js';
import { startAdbServer, type AdbServer } from './adb-harness.js';

describe('adb authentication', () => {
  let server: AdbServer;
  let dataDir: string;
  let hostKey: string;
  let phone: VirtualPhone | undefined;
  let log: string[];

  beforeAll(async () => {
    server = await startAdbServer();
    hostKey = await server.publicKey();
    dataDir = await mkdtemp(path.join(tmpdir(), 'virtual-phone-'));
  });

  afterEach(async () => {
    if (phone) await server.adb(['disconnect', phone.serial]);
    await phone?.close();
    phone = undefined;
  });

  afterAll(async () => {
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function connect(options: Omit<VirtualPhoneOptions, 'dataDir'>) {
    log = [];
    phone = await startVirtualPhone({ dataDir, ...options, log: (line) => log.push(line) });
    return { phone, connect: await server.adb(['connect', phone.serial]) };
  }

  const otherKey = () =>
    formatAdbPublicKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, 'other@host');

  test('an unknown host key leaves the phone unauthorized until the user allows it', async () => {
    const { phone, connect: result } = await connect({ requireAuth: true, allowedKeys: [otherKey()] });
    expect(result.stdout).toContain(`failed to authenticate to ${phone.serial}`);
    expect(await server.waitForState(phone.serial, ['unauthorized'])).toBe('unauthorized');
    const refused = await server.adb(['-s', phone.serial, 'shell', 'echo hi']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('unauthorized');

    phone.allowKey(hostKey);
    await server.waitForState(phone.serial, ['device']);
    expect(await server.adb(['-s', phone.serial, 'shell', 'echo hi'])).toMatchObject({ code: 0, stdout: 'hi\n' });
    expect(log.some((line) => line.includes('the user allowed the key'))).toBe(true);
  });

  test('a pre-allowed host key authenticates by signing the token', async () => {
    const { phone, connect: result } = await connect({ requireAuth: true, allowedKeys: [otherKey(), hostKey] });
    expect(result.stdout).toContain(`connected to ${phone.serial}`);
    await server.waitForState(phone.serial, ['device']);
    // The signature alone got it in: the host never had to offer its public key.
    expect(log.some((line) => line.includes('authenticated the host by the signature'))).toBe(true);
    expect(log.some((line) => line.includes('offered key'))).toBe(false);
  });

  test('autoAccept trusts the key the host offers', async () => {
    const { phone } = await connect({ requireAuth: true, autoAccept: true });
    await server.waitForState(phone.serial, ['device']);
    expect(log.some((line) => line.includes('accepted the offered key'))).toBe(true);
  });
});
