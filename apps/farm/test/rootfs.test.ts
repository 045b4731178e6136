// The arm64 root filesystem: assembled from Debian packages once, then from the .deb cache
// offline, and runnable through chroot (qemu-user binfmt). The first run downloads ~9 MB.
import { execFile } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir, defaultRootfsDir, ensureRootfs, ROOTFS_PACKAGES, type Rootfs } from '../src/rootfs/index.js';
import { sha256File } from '../src/rootfs/deb-cache.js';

const exec = promisify(execFile);
const cacheDir = defaultCacheDir();
const chroot = async (rootfs: string, ...argv: string[]): Promise<string> =>
  (await exec('chroot', [rootfs, ...argv])).stdout;

describe('ensureRootfs', () => {
  let work: string;
  let shared: Rootfs;
  let fresh: Rootfs;
  let freshDir: string;

  beforeAll(async () => {
    shared = await ensureRootfs({ dir: defaultRootfsDir(cacheDir), cacheDir });
    work = await mkdtemp(path.join(os.tmpdir(), 'mace-rootfs-'));
    freshDir = path.join(work, 'rootfs');
    fresh = await ensureRootfs({ dir: freshDir, cacheDir });
  }, 600_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('assembles a new rootfs from the cached .debs without downloading', () => {
    expect(fresh.reused).toBe(false);
    expect(fresh.downloaded).toEqual([]);
    expect(fresh.dir).toBe(freshDir);
    expect(fresh.packages).toEqual(shared.packages);
  });

  it('returns a complete rootfs as is on a second run, quickly', async () => {
    const started = Date.now();
    const again = await ensureRootfs({ dir: freshDir, cacheDir });
    expect(again).toEqual({ ...fresh, reused: true, downloaded: [] });
    expect(Date.now() - started).toBeLessThan(1_000);
    // Atomic build: no temp or old directory is left beside it.
    expect((await readdir(work)).sort()).toEqual(['rootfs']);
  });

  it('lists every package with the SHA-256 of its cached .deb', async () => {
    expect(fresh.packages.map((p) => p.name).sort()).toEqual(ROOTFS_PACKAGES.map((p) => p.name).sort());
    const debs = await readdir(path.join(cacheDir, 'debs'));
    for (const pkg of fresh.packages) {
      const deb = debs.find((name) => name === `${pkg.name}_${pkg.version.replace(/:/g, '%3a')}_arm64.deb`);
      expect(deb, `${pkg.name} ${pkg.version} in the cache`).toBeDefined();
      expect(await sha256File(path.join(cacheDir, 'debs', deb!))).toBe(pkg.sha256);
    }
  });

  it('runs arm64 binaries in the chroot: uname -m prints aarch64', async () => {
    expect((await chroot(freshDir, '/bin/uname', '-m')).trim()).toBe('aarch64');
    expect((await chroot(freshDir, '/bin/sh', '-c', 'uname -m; echo $((6 * 7))')).split('\n')).toEqual([
      'aarch64',
      '42',
      '',
    ]);
  });

  it('has busybox applets, GNU timeout (exit 124) and bash', async () => {
    for (const applet of ['bin/sh', 'bin/ps', 'usr/bin/wget', 'bin/vi']) {
      expect((await lstat(path.join(freshDir, applet))).isSymbolicLink(), applet).toBe(true);
    }
    const out = await chroot(freshDir, '/bin/bash', '-c', 'timeout 1 sleep 5; echo "rc=$?"; echo hi | sha256sum');
    expect(out).toContain('rc=124');
    expect(out).toContain('98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4');
  });

  it('has phone-like directories and real device nodes', async () => {
    for (const dir of ['tmp', 'data/local/tmp']) {
      expect((await stat(path.join(freshDir, dir))).mode & 0o7777, dir).toBe(0o1777);
    }
    expect((await stat(path.join(freshDir, 'root'))).isDirectory()).toBe(true);
    for (const node of ['null', 'zero', 'urandom']) {
      expect((await stat(path.join(freshDir, 'dev', node))).isCharacterDevice(), node).toBe(true);
    }
    const out = await chroot(freshDir, '/bin/sh', '-c', 'head -c 16 /dev/urandom | wc -c; echo gone > /dev/null');
    expect(out.trim()).toBe('16');
  });

  it('runs a dynamically linked C++ arm64 binary', async (ctx) => {
    const cxx = await exec('which', ['aarch64-linux-gnu-g++']).catch(() => undefined);
    if (!cxx) return ctx.skip('aarch64-linux-gnu-g++ is not installed (bash scripts/setup.sh installs it)');
    const source = path.join(work, 'hello.cc');
    await writeFile(source, '#include <iostream>\nint main() { std::cout << "hello from c++" << std::endl; }\n');
    await mkdir(path.join(freshDir, 'data/local/tmp'), { recursive: true });
    await exec('aarch64-linux-gnu-g++', ['-O1', '-o', path.join(freshDir, 'data/local/tmp/hello'), source]);
    expect((await chroot(freshDir, '/data/local/tmp/hello')).trim()).toBe('hello from c++');
  });

  it('refuses to replace a directory that is not a rootfs', async () => {
    const foreign = path.join(work, 'foreign');
    await mkdir(foreign);
    await writeFile(path.join(foreign, 'precious.txt'), 'keep me');
    await expect(ensureRootfs({ dir: foreign, cacheDir })).rejects.toThrow(/is not a mace rootfs/);
    expect((await readdir(foreign)).sort()).toEqual(['precious.txt']);
    await rm(foreign, { recursive: true });
  });
});
