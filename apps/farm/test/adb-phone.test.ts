// The virtual phone driven through the real adb server (Debian adb 29) and adbkit, the
// way the agent drives a real phone.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { Adb } from '@devicefarmer/adbkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startVirtualPhone, type VirtualPhone } from '../src/adb/index.js';
import { startAdbServer, type AdbServer } from './adb-harness.js';

describe('virtual phone through the real adb server', () => {
  let server: AdbServer;
  let phone: VirtualPhone;
  let dataDir: string;

  beforeAll(async () => {
    server = await startAdbServer();
    dataDir = await mkdtemp(path.join(tmpdir(), 'virtual-phone-'));
    phone = await startVirtualPhone({
      dataDir,
      properties: { 'ro.product.model': 'Pixel Test 3', 'ro.board.platform': 'sm8150', 'ro.hardware': 'qcom' },
      battery: { level: 64, temperature: 305 },
    });
    const connected = await server.adb(['connect', phone.serial]);
    expect(connected.stdout).toContain(`connected to ${phone.serial}`);
    await server.waitForState(phone.serial, ['device']);
  });

  afterAll(async () => {
    await phone?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const device = () => server.client.getDevice(phone.serial);
  const shellOutput = async (command: string) => (await Adb.util.readAll(await device().shell(command))).toString();
  /** Pushes bytes through adbkit's sync client (a byte stream, so adbkit cuts it in 64 KiB DATA chunks). */
  const pushBytes = async (content: Buffer, devicePath: string, mode?: number) => {
    const source = new PassThrough();
    source.end(content);
    const transfer = await device().push(source, devicePath, mode);
    await new Promise<void>((resolve, reject) => transfer.on('end', resolve).on('error', reject));
  };

  test('adb devices -l lists the phone as a device with its model', async () => {
    const { stdout } = await server.adb(['devices', '-l']);
    const line = stdout.split('\n').find((entry) => entry.startsWith(phone.serial));
    expect(line).toMatch(/\sdevice\s/);
    expect(line).toContain('model:Pixel_Test_3');
    expect(line).toContain('product:virtual_phone');
  });

  test('adbkit lists the phone as a device', async () => {
    const devices = await server.client.listDevices();
    expect(devices).toContainEqual({ id: phone.serial, type: 'device' });
  });

  test('getProperties returns the configured ABI, SoC and model', async () => {
    const properties = await device().getProperties();
    expect(properties['ro.product.cpu.abi']).toBe('arm64-v8a');
    expect(properties['ro.product.cpu.abilist']).toBe('arm64-v8a,armeabi-v7a,armeabi');
    expect(properties['ro.board.platform']).toBe('sm8150');
    expect(properties['ro.product.model']).toBe('Pixel Test 3');
    expect(properties['ro.build.version.sdk']).toBe('29');
    expect(properties['ro.serialno']).toBe(`vphone-${phone.port}`);
  });

  test('an oversized DATA chunk fails the push like adbd does', async () => {
    // adbkit sends an object-mode chunk whole; adbd refuses DATA over 64 KiB.
    const transfer = await device().push(Readable.from([randomBytes(100_000)]), '/data/local/tmp/oversize.bin');
    await expect(
      new Promise<void>((resolve, reject) => transfer.on('end', resolve).on('error', reject)),
    ).rejects.toThrow(/oversize data message/);
    await expect(device().stat('/data/local/tmp/oversize.bin')).rejects.toThrow(/ENOENT/);
  });

  test('adbkit shell returns the output of a command (the legacy service has no exit code)', async () => {
    expect(await shellOutput('echo hi; exit 3')).toBe('hi\n');
  });

  test('adb shell uses shell v2: the exit code propagates and stderr stays separate', async () => {
    const exit = await server.adb(['-s', phone.serial, 'shell', 'exit 7']);
    expect(exit.code).toBe(7);
    const streams = await server.adb(['-s', phone.serial, 'shell', 'echo out; echo err >&2; exit 0']);
    expect(streams).toEqual({ code: 0, stdout: 'out\n', stderr: 'err\n' });
  });

  test('adb shell passes stdin to the command', async () => {
    const child = server.spawnAdb(['-s', phone.serial, 'shell', 'read line; echo "got $line"']);
    child.stdin?.end('hello phone\n');
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect({ code, output }).toEqual({ code: 0, output: 'got hello phone\n' });
  });

  test('exec-out sends stdout only, byte for byte', async () => {
    const { code, stdout } = await server.adbBytes([
      '-s',
      phone.serial,
      'exec-out',
      'printf "a\\000\\r\\n\\377"; echo err >&2',
    ]);
    expect(code).toBe(0);
    expect([...stdout]).toEqual([0x61, 0x00, 0x0d, 0x0a, 0xff]);
  });

  test('large outputs arrive complete through exec and shell v2 (flow control)', async () => {
    const exec = await server.adbBytes(['-s', phone.serial, 'exec-out', 'head -c 8000000 /dev/zero']);
    expect(exec.stdout.length).toBe(8_000_000);
    const shell = await server.adb(['-s', phone.serial, 'shell', 'seq 1 300000; exit 4']);
    expect(shell.code).toBe(4);
    expect(shell.stdout.split('\n').at(-2)).toBe('300000');
    expect(shell.stdout.length).toBe(1_988_895); // the bytes of seq 1 300000
  });

  test('concurrent streams on one connection do not mix', async () => {
    const outputs = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => shellOutput(`sleep 0.$n; seq ${n} ${n + 2000}`)));
    outputs.forEach((output, index) => {
      const lines = output.trim().split('\n');
      expect(lines[0]).toBe(String(index + 1));
      expect(lines).toHaveLength(2001);
    });
  });

  test('push a 3 MB random file and pull it back byte-identical', async () => {
    const content = randomBytes(3 * 1024 * 1024);
    const local = path.join(dataDir, 'random.bin');
    await writeFile(local, content);
    const transfer = await device().push(local, '/data/local/tmp/payload/random.bin', 0o644);
    await new Promise<void>((resolve, reject) => transfer.on('end', resolve).on('error', reject));
    expect((await readFile(path.join(phone.rootDir, 'data/local/tmp/payload/random.bin'))).equals(content)).toBe(true);

    const pulled = await Adb.util.readAll(await device().pull('/data/local/tmp/payload/random.bin'));
    expect(pulled.length).toBe(content.length);
    expect(pulled.equals(content)).toBe(true);
  });

  test('stat reports the size and type of files and directories', async () => {
    await pushBytes(Buffer.from('12345'), '/data/local/tmp/stat-me.txt', 0o600);
    const file = await device().stat('/data/local/tmp/stat-me.txt');
    expect(file.isFile()).toBe(true);
    expect(file.size).toBe(5);
    expect(file.mode & 0o777).toBe(0o666); // adbd copies the owner's bits to group and others
    expect((await device().stat('/data/local/tmp')).isDirectory()).toBe(true);
    await expect(device().stat('/data/local/tmp/missing')).rejects.toThrow(/ENOENT/);
  });

  test('readdir lists a directory', async () => {
    await mkdir(path.join(phone.rootDir, 'data/local/tmp/listing/sub'), { recursive: true });
    await pushBytes(Buffer.from('x'), '/data/local/tmp/listing/a.txt');
    const entries = await device().readdir('/data/local/tmp/listing');
    const summary = entries.map((entry) => [entry.name, entry.isDirectory(), entry.size]).sort();
    expect(summary).toEqual([
      ['a.txt', false, 1],
      ['sub', true, 4096],
    ]);
  });

  test('adb push and pull of the CLI work too (stat_v2, directory creation)', async () => {
    const local = path.join(dataDir, 'cli-upload.bin');
    const content = randomBytes(200_000);
    await writeFile(local, content);
    const push = await server.adb(['-s', phone.serial, 'push', local, '/data/local/tmp/cli/deep/upload.bin']);
    expect(push.code, push.stderr).toBe(0);
    const back = path.join(dataDir, 'cli-download.bin');
    const pull = await server.adb(['-s', phone.serial, 'pull', '/data/local/tmp/cli/deep/upload.bin', back]);
    expect(pull.code, pull.stderr).toBe(0);
    expect((await readFile(back)).equals(content)).toBe(true);
    const missing = await server.adb(['-s', phone.serial, 'pull', '/data/local/tmp/none', back]);
    expect(missing.code).not.toBe(0);
    expect(missing.stdout + missing.stderr).toContain('No such file or directory');
  });

  test('dumpsys battery reports the level, and a temperature changed at run time', async () => {
    const parse = (dump: string) => ({
      level: Number(/^\s*level: (\d+)$/m.exec(dump)?.[1]),
      temperature: Number(/^\s*temperature: (\d+)$/m.exec(dump)?.[1]),
    });
    const before = await shellOutput('dumpsys battery');
    expect(before).toMatch(/^Current Battery Service state:\n {2}AC powered: false\n/);
    expect(parse(before)).toEqual({ level: 64, temperature: 305 });
    phone.setBattery({ temperature: 455 });
    expect(parse(await shellOutput('dumpsys battery'))).toEqual({ level: 64, temperature: 455 });
  });

  test('getprop answers one property, with a default for an unknown one', async () => {
    const one = await server.adb(['-s', phone.serial, 'shell', 'getprop ro.board.platform']);
    expect(one).toEqual({ code: 0, stdout: 'sm8150\n', stderr: '' });
    const fallback = await server.adb(['-s', phone.serial, 'shell', 'getprop', 'no.such.prop', 'dflt']);
    expect(fallback.stdout).toBe('dflt\n');
  });

  test('getprop and dumpsys also work inside command lines, as the agent wraps them', async () => {
    // The agent's AdbTransport runs `timeout N sh -c CMD 2>&1; printf '\n__MACE_EXIT__%d\n' $?`.
    const wrapped = (command: string) => `timeout 30 sh -c '${command}' 2>&1; printf '\\n__MACE_EXIT__%d\\n' $?`;
    const all = await shellOutput(wrapped('getprop'));
    expect(all).toContain('[ro.board.platform]: [sm8150]\n');
    expect(all).toContain('[ro.product.model]: [Pixel Test 3]\n');
    expect(all).toMatch(/\n__MACE_EXIT__0\n$/);
    expect(await shellOutput('getprop ro.product.model; getprop no.such.prop dflt; getprop no.such.prop')).toBe(
      'Pixel Test 3\ndflt\n\n',
    );
    phone.setBattery({ level: 33, temperature: 481 });
    const battery = await shellOutput(wrapped('dumpsys battery'));
    expect(battery).toMatch(/^Current Battery Service state:\n/);
    expect(battery).toMatch(/\n {2}level: 33\n[\s\S]*\n {2}temperature: 481\n/);
  });

  test('an unknown service is refused', async () => {
    const result = await server.adb(['-s', phone.serial, 'reverse', '--list']);
    expect(result.code).not.toBe(0);
  });

  test('sync paths cannot leave the phone root, through .. or symlinks', async () => {
    const marker = `escape-${process.pid}-${Date.now()}.txt`;
    const tmpInPhone = path.join(phone.rootDir, 'data/local/tmp');
    await symlink('/tmp', path.join(tmpInPhone, 'abs-link'));
    await symlink('../../../../../../../../..', path.join(tmpInPhone, 'rel-link'));
    const push = (devicePath: string) => pushBytes(Buffer.from('inside'), devicePath);
    await push(`/../../../../tmp/${marker}`);
    await push(`/data/local/tmp/abs-link/a-${marker}`);
    await push(`/data/local/tmp/rel-link/tmp/r-${marker}`);
    for (const name of [marker, `a-${marker}`, `r-${marker}`]) {
      expect(await readFile(path.join(phone.rootDir, 'tmp', name), 'utf8')).toBe('inside');
      await expect(readFile(path.join('/tmp', name))).rejects.toThrow(/ENOENT/);
    }
    // /etc/hostname exists on this machine but not in the phone.
    await expect(device().stat('/data/local/tmp/rel-link/etc/hostname')).rejects.toThrow(/ENOENT/);
    const pull = await server.adb(['-s', phone.serial, 'pull', '/data/local/tmp/abs-link/../etc/hostname', dataDir]);
    expect(pull.code).not.toBe(0);
  });
});
