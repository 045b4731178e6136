// ensureRootfs: the arm64 root filesystem of the virtual devices, assembled from Debian
// packages with a private apt state. Idempotent (a complete rootfs is returned as is),
// offline after the first run (index and .debs are cached), and atomic (built in a sibling
// temp dir, checked, then renamed into place).
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PrivateApt, type IndexedPackage } from './apt.js';
import { defaultCacheDir } from './cache-dir.js';
import { DebCache } from './deb-cache.js';
import { withDirLock } from './dir-lock.js';
import { checkRootfs, layOutRootfs } from './layout.js';
import { OMITTED_DEPENDENCIES, ROOTFS_PACKAGES } from './packages.js';
import { runCommand, withHint } from './run-command.js';

/** Bump when the layout changes, so existing root filesystems are rebuilt. */
const RECIPE = 1;
const MANIFEST = 'etc/mace-rootfs.json';

export interface RootfsPackageInfo {
  name: string;
  version: string;
  /** SHA-256 of the .deb, as the signed index lists it. */
  sha256: string;
}

export interface Rootfs {
  dir: string;
  packages: RootfsPackageInfo[];
  /** True when `dir` was already complete and nothing was rebuilt. */
  reused: boolean;
  /** Packages fetched from the mirror by this call (empty when the cache had them all). */
  downloaded: string[];
}

export interface EnsureRootfsOptions {
  /** Where the rootfs lives; for the SSH board, a root-owned path outside /tmp. */
  dir: string;
  /** Package index and .deb cache, shared by every rootfs (default ~/.cache/mace-farm). */
  cacheDir?: string;
  log?: (line: string) => void;
  /** Re-download the package index and rebuild if a package has a newer version. */
  refresh?: boolean;
}

interface Manifest {
  recipe: number;
  architecture: string;
  packages: RootfsPackageInfo[];
}

async function readManifest(dir: string): Promise<Manifest | undefined> {
  const text = await readFile(path.join(dir, MANIFEST), 'utf8').catch(() => undefined);
  try {
    return text === undefined ? undefined : (JSON.parse(text) as Manifest);
  } catch {
    return undefined; // a torn manifest: treat the dir as foreign rather than trust it
  }
}

function isCurrent(manifest: Manifest | undefined): manifest is Manifest {
  if (manifest?.recipe !== RECIPE) return false;
  const have = manifest.packages.map((p) => p.name).sort();
  const want = ROOTFS_PACKAGES.map((p) => p.name).sort();
  return have.join(' ') === want.join(' ');
}

export async function ensureRootfs(opts: EnsureRootfsOptions): Promise<Rootfs> {
  const dir = path.resolve(opts.dir);
  const cacheDir = path.resolve(opts.cacheDir ?? defaultCacheDir());
  const log = opts.log ?? (() => {});

  const existing = await readManifest(dir);
  if (!opts.refresh && isCurrent(existing)) return { dir, packages: existing.packages, reused: true, downloaded: [] };

  await mkdir(cacheDir, { recursive: true });
  return withDirLock(
    path.join(cacheDir, '.lock'),
    async () => {
      // Another process may have finished this rootfs while we waited.
      const manifest = await readManifest(dir);
      if (!opts.refresh && isCurrent(manifest))
        return { dir, packages: manifest.packages, reused: true, downloaded: [] };

      if (manifest === undefined) await refuseForeignDir(dir);
      const { packages, downloaded, debs } = await fetchPackages(cacheDir, !!opts.refresh, log);
      if (isCurrent(manifest) && sameVersions(manifest.packages, packages)) {
        return { dir, packages: manifest.packages, reused: true, downloaded };
      }
      log(`assembling the arm64 rootfs in ${dir}`);
      await buildAndSwap(dir, debs, packages, log);
      return { dir, packages, reused: false, downloaded };
    },
    { onWait: () => log(`waiting for another process assembling with ${cacheDir}`) },
  );
}

function sameVersions(a: RootfsPackageInfo[], b: RootfsPackageInfo[]): boolean {
  const key = (list: RootfsPackageInfo[]): string =>
    list
      .map((p) => `${p.name}=${p.version}`)
      .sort()
      .join(' ');
  return key(a) === key(b);
}

/** Resolves candidate versions from the cached index and makes sure every .deb is cached. */
async function fetchPackages(
  cacheDir: string,
  refresh: boolean,
  log: (line: string) => void,
): Promise<{ packages: RootfsPackageInfo[]; downloaded: string[]; debs: string[] }> {
  const apt = new PrivateApt(path.join(cacheDir, 'apt'));
  const cache = new DebCache(path.join(cacheDir, 'debs'));
  await apt.prepare();
  let updated = false;
  if (refresh || !(await apt.hasIndex())) {
    log('downloading the Debian bookworm arm64 package index');
    await apt.update();
    updated = true;
  }
  for (;;) {
    const indexed = await apt.show(ROOTFS_PACKAGES.map((p) => p.name));
    checkDependencies(indexed);
    try {
      const downloaded = await cache.fill(apt, indexed);
      if (downloaded.length) log(`downloaded ${downloaded.join(', ')}`);
      const packages = indexed.map(({ name, version, sha256 }) => ({ name, version, sha256 }));
      return { packages, downloaded, debs: indexed.map((p) => cache.pathOf(p)) };
    } catch (err) {
      // A stale index names versions the mirror has dropped: refresh it once and retry.
      if (updated) throw err;
      log(`download failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); refreshing the index`);
      await apt.update();
      updated = true;
    }
  }
}

/** Every dependency of the set must be in the set, or deliberately left out. */
function checkDependencies(packages: IndexedPackage[]): void {
  const names = new Set(packages.map((p) => p.name));
  const unmet = packages.flatMap((p) =>
    p.depends
      .filter((alts) => !alts.some((a) => names.has(a) || OMITTED_DEPENDENCIES.has(a)))
      .map((alts) => `${p.name} needs ${alts.join(' | ')}`),
  );
  if (unmet.length) {
    throw new Error(`the rootfs package set is incomplete; add to ROOTFS_PACKAGES (packages.ts):\n${unmet.join('\n')}`);
  }
}

/** Only a rootfs this module made (or an empty dir) is ever replaced. */
async function refuseForeignDir(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => []);
  if (entries.length > 0) {
    throw new Error(`${dir} exists and is not a mace rootfs (no ${MANIFEST}): remove it or choose another dir`);
  }
}

async function buildAndSwap(
  dir: string,
  debs: string[],
  packages: RootfsPackageInfo[],
  log: (line: string) => void,
): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true });
  const build = await mkdtemp(`${dir}.build-`);
  try {
    for (const deb of debs) {
      await withHint(`could not unpack ${path.basename(deb)}`, runCommand('dpkg-deb', ['-x', deb, build]));
    }
    const { applets } = await layOutRootfs(build);
    await checkRootfs(build);
    const manifest: Manifest = { recipe: RECIPE, architecture: 'arm64', packages };
    await writeFile(path.join(build, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    log(`unpacked ${debs.length} packages, linked ${applets} busybox applets; uname -m in the chroot: aarch64`);

    // Swap: the old rootfs moves aside first, so `dir` is always either complete or absent.
    const old = `${dir}.old-${randomBytes(4).toString('hex')}`;
    const hadOld = await rename(dir, old).then(
      () => true,
      () => false,
    );
    try {
      await rename(build, dir);
    } catch (err) {
      if (hadOld) await rename(old, dir);
      throw err;
    }
    if (hadOld) await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(build, { recursive: true, force: true });
    throw err;
  }
}
