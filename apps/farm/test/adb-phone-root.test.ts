// Device paths resolve inside the phone root as in a chroot, whatever the path or symlinks.
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OPENCL_MARKER, PhoneRoot } from '../src/adb/phone-root.js';

describe('phone root path resolution', () => {
  let workDir: string;
  let root: PhoneRoot;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'phone-root-'));
    root = await PhoneRoot.open(path.join(workDir, 'root'));
    await root.prepare({ openclLibrary: false });
    await mkdir(path.join(root.hostDir, 'vendor/lib64'), { recursive: true });
    await writeFile(path.join(root.hostDir, 'vendor/lib64/real.so'), 'x');
    await symlink('/vendor', path.join(root.hostDir, 'data/abs')); // absolute: from the phone root
    await symlink('../../../../../..', path.join(root.hostDir, 'data/up'));
    await symlink('loop-b', path.join(root.hostDir, 'data/loop-a'));
    await symlink('loop-a', path.join(root.hostDir, 'data/loop-b'));
    await writeFile(path.join(root.hostDir, 'data/file'), 'x');
  });

  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const resolve = (devicePath: string, followLast = true) => root.resolve(devicePath, { followLast });
  const inRoot = (...parts: string[]) => path.join(root.hostDir, ...parts);

  test('plain paths map under the root, relative ones from /', async () => {
    expect(await resolve('/data/local/tmp/x.bin')).toBe(inRoot('data/local/tmp/x.bin'));
    expect(await resolve('data/local/tmp')).toBe(inRoot('data/local/tmp'));
    expect(await resolve('/')).toBe(root.hostDir);
  });

  test('.. stops at the root', async () => {
    expect(await resolve('/../../../etc/passwd')).toBe(inRoot('etc/passwd'));
    expect(await resolve('/data/local/../../../../vendor')).toBe(inRoot('vendor'));
  });

  test('symlinks resolve inside the root, absolute or relative', async () => {
    expect(await resolve('/data/abs/lib64/real.so')).toBe(inRoot('vendor/lib64/real.so'));
    expect(await resolve('/data/up/etc/shadow')).toBe(inRoot('etc/shadow'));
    expect(await resolve('/data/up')).toBe(root.hostDir);
  });

  test('a final symlink is kept when not following it (lstat, push)', async () => {
    expect(await resolve('/data/abs', false)).toBe(inRoot('data/abs'));
  });

  test('loops, files used as directories and .. after a missing directory fail like the kernel', async () => {
    await expect(resolve('/data/loop-a')).rejects.toMatchObject({ code: 'ELOOP' });
    await expect(resolve('/data/file/x')).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(resolve('/data/missing/../file')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(resolve('/data/\0x')).rejects.toMatchObject({ code: 'EINVAL' });
  });

  test('the OpenCL marker is an empty file that prepare() adds and removes, with /system/vendor linked', async () => {
    await root.prepare({ openclLibrary: true });
    expect((await stat(inRoot(OPENCL_MARKER))).size).toBe(0);
    expect(await resolve('/system/vendor/lib64/libOpenCL.so')).toBe(inRoot('vendor/lib64/libOpenCL.so'));
    await root.prepare({ openclLibrary: false });
    await expect(stat(inRoot(OPENCL_MARKER))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
