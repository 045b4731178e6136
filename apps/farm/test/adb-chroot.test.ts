// With a root filesystem, commands run chrooted into it and device paths name its files.
// The rootfs here is a minimal one made of this machine's dash and ls with their libraries.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startVirtualPhone, type VirtualPhone } from '../src/adb/index.js';
import { startAdbServer, type AdbServer } from './adb-harness.js';

/** Copies `binary` and the shared libraries ldd lists for it into `rootfs`, at the same paths. */
async function installWithLibraries(rootfs: string, binary: string): Promise<void> {
  const { stdout } = await promisify(execFile)('ldd', [binary]);
  const files = [binary, ...[...stdout.matchAll(/(\/\S+) \(0x/g)].map((match) => match[1])];
  for (const file of files) {
    await mkdir(path.join(rootfs, path.dirname(file)), { recursive: true });
    await copyFile(file, path.join(rootfs, file));
  }
}

describe.skipIf(process.getuid?.() !== 0)('virtual phone with a chroot rootfs', () => {
  let server: AdbServer;
  let workDir: string;
  const phones: VirtualPhone[] = [];

  beforeAll(async () => {
    server = await startAdbServer();
    workDir = await mkdtemp(path.join(tmpdir(), 'virtual-phone-rootfs-'));
    const rootfs = path.join(workDir, 'rootfs');
    await installWithLibraries(rootfs, '/bin/sh');
    await installWithLibraries(rootfs, '/bin/ls');
  });

  afterAll(async () => {
    for (const phone of phones) await phone.close();
    await server?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  async function connectPhone(name: string, openclLibrary: boolean) {
    const phone = await startVirtualPhone({
      dataDir: path.join(workDir, name),
      rootfs: path.join(workDir, 'rootfs'),
      openclLibrary,
    });
    phones.push(phone);
    await server.adb(['connect', phone.serial]);
    await server.waitForState(phone.serial, ['device']);
    return phone;
  }

  test('commands run inside the rootfs and see pushed files at their device paths', async () => {
    const phone = await connectPhone('with-opencl', true);
    const source = new PassThrough();
    source.end('pushed line\n');
    const transfer = await server.client.getDevice(phone.serial).push(source, '/data/local/tmp/note.txt');
    await new Promise<void>((resolve, reject) => transfer.on('end', resolve).on('error', reject));

    const result = await server.adb([
      '-s',
      phone.serial,
      'shell',
      'pwd; read line < /data/local/tmp/note.txt; echo "$line"',
    ]);
    expect(result).toEqual({ code: 0, stdout: '/\npushed line\n', stderr: '' });
    const opencl = await server.adb(['-s', phone.serial, 'shell', 'ls /system/vendor/lib64/libOpenCL.so']);
    expect(opencl).toEqual({ code: 0, stdout: '/system/vendor/lib64/libOpenCL.so\n', stderr: '' });
  });

  test('getprop and dumpsys battery inside a command line run from the rootfs', async () => {
    const phone = await connectPhone('system-commands', false);
    phone.setBattery({ temperature: 399 });
    const result = await server.adb([
      '-s',
      phone.serial,
      'shell',
      'getprop ro.serialno && dumpsys battery | { read first; echo "$first"; }',
    ]);
    expect(result).toEqual({ code: 0, stdout: `vphone-${phone.port}\nCurrent Battery Service state:\n`, stderr: '' });
    const temperature = await server.adb([
      '-s',
      phone.serial,
      'shell',
      'dumpsys battery | while read -r line; do case $line in temp*) echo "$line";; esac; done',
    ]);
    expect(temperature.stdout).toBe('temperature: 399\n');
  });

  test('without the OpenCL marker, ls fails like on a phone without the library', async () => {
    const phone = await connectPhone('without-opencl', false);
    const opencl = await server.adb(['-s', phone.serial, 'shell', 'ls /vendor/lib64/libOpenCL.so']);
    expect(opencl.code).not.toBe(0);
    expect(opencl.stderr).toContain('No such file or directory');
  });
});
