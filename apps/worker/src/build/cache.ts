// The host build cache. A package folder per native source hash:
//   <cache>/host-<hash16>/{bin,lib,include,manifest.json,.package.tar.gz}
// filled once per hash, by one of (in order of preference):
//   cache     the folder exists: no compilation (the job log says so);
//   imported  `npm run setup`'s native/build/host is newer than every source file: its outputs are copied;
//   compiled  scripts/native-build.sh builds the package targets incrementally in <cache>/work-host
//             (one persistent CMake folder, so a source change recompiles only what it touches; ccache helps too).
// A lock folder serializes builders on one machine; older package folders beyond KEEP are removed.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobLogger } from '@mace/pipeline';
import { InfrastructureError } from '@mace/pipeline';
import type { BuildPackageManifest } from '@mace/protocol';
import { runLogged } from '../child.js';
import { buildCacheDir, nativeBuildScript, nativeDir, setupHostBuildDir } from '../paths.js';
import {
  ARCHIVE_FILE,
  assemblePackage,
  MANIFEST_FILE,
  PACKAGE_OUTPUTS,
  PACKAGE_TARGETS,
  packFolder,
} from './package.js';
import { nativeSourceSnapshot, type SourceSnapshot } from './source-hash.js';

/** Package folders kept (most recent first). */
const KEEP = 4;
/** A lock older than this belongs to a dead builder. */
const STALE_LOCK_MS = 3_600_000;

export interface HostPackage {
  dir: string;
  archive: string;
  manifest: BuildPackageManifest;
  origin: 'cache' | 'imported' | 'compiled';
}

export interface BuildRequest {
  abi: string;
  log: JobLogger;
  signal: AbortSignal;
}

function packageDir(hash: string): string {
  return path.join(buildCacheDir(), `host-${hash.slice(0, 16)}`);
}

async function readPackage(dir: string, hash: string): Promise<{ manifest: BuildPackageManifest } | null> {
  try {
    const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as BuildPackageManifest;
    if (manifest.nativeSourceHash !== hash || !existsSync(path.join(dir, ARCHIVE_FILE))) return null;
    return { manifest };
  } catch {
    return null;
  }
}

async function withLock<T>(name: string, signal: AbortSignal, log: JobLogger, body: () => Promise<T>): Promise<T> {
  const lock = path.join(buildCacheDir(), `${name}.lock`);
  await mkdir(buildCacheDir(), { recursive: true });
  let told = false;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(path.join(lock, 'owner'), `${process.pid}\n`);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age =
        Date.now() -
        (await stat(lock).then(
          (s) => s.mtimeMs,
          () => Date.now(),
        ));
      const owner = Number(await readFile(path.join(lock, 'owner'), 'utf8').catch(() => 'NaN'));
      const ownerAlive =
        Number.isInteger(owner) &&
        owner > 0 &&
        (() => {
          try {
            process.kill(owner, 0);
            return true;
          } catch {
            return false;
          }
        })();
      if (age > STALE_LOCK_MS || (Number.isInteger(owner) && owner > 0 && !ownerAlive)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (!told) log.system(`waiting for another build in ${buildCacheDir()} to finish`);
      told = true;
      if (signal.aborted) throw signal.reason;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await body();
  } finally {
    await rm(path.join(lock, 'owner'), { force: true });
    await rmdir(lock).catch(() => undefined);
  }
}

/** Whether setup's native/build/host holds Release outputs newer than every source file. */
async function setupBuildIsCurrent(snapshot: SourceSnapshot): Promise<boolean> {
  const dir = setupHostBuildDir();
  try {
    const cache = await readFile(path.join(dir, 'CMakeCache.txt'), 'utf8');
    if (!/^CMAKE_BUILD_TYPE:STRING=Release$/m.test(cache) || /^MACE_SANITIZE:BOOL=ON$/m.test(cache)) return false;
    for (const o of PACKAGE_OUTPUTS)
      if ((await stat(path.join(dir, o.from))).mtimeMs <= snapshot.newestMtimeMs) return false;
    return true;
  } catch {
    return false;
  }
}

async function compile(req: BuildRequest): Promise<string> {
  const work = path.join(buildCacheDir(), 'work-host');
  req.log.system(`compiling ${PACKAGE_TARGETS.join(', ')} in ${work} (incremental; ccache when installed)`);
  const exit = await runLogged('bash', [nativeBuildScript(), ...PACKAGE_TARGETS], {
    signal: req.signal,
    log: req.log,
    env: {
      ...process.env,
      MACE_NATIVE_BUILD_DIR: work,
      MACE_CMAKE_ARGS: `${process.env.MACE_CMAKE_ARGS ?? ''} -DMACE_BUILD_TESTS=OFF`.trim(),
    },
  });
  if (exit.code !== 0)
    throw new InfrastructureError(
      `scripts/native-build.sh ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`}; see the job log`,
    );
  return work;
}

async function evictOld(keep: string): Promise<void> {
  const root = buildCacheDir();
  const entries = (await readdir(root)).filter((n) => /^host-[0-9a-f]{16}$/.test(n) && path.join(root, n) !== keep);
  const dated = await Promise.all(entries.map(async (n) => ({ n, t: (await stat(path.join(root, n))).mtimeMs })));
  dated.sort((a, b) => b.t - a.t);
  for (const { n } of dated.slice(KEEP - 1)) await rm(path.join(root, n), { recursive: true, force: true });
}

/** The host package for the current native sources, built or reused. */
export async function ensureHostPackage(req: BuildRequest): Promise<HostPackage> {
  const snapshot = await nativeSourceSnapshot(nativeDir(), nativeBuildScript());
  const dir = packageDir(snapshot.hash);
  req.log.system(`native sources: ${snapshot.files} files, hash ${snapshot.hash}`);
  const cached = await readPackage(dir, snapshot.hash);
  if (cached) {
    req.log.system(`build cache hit: ${dir} already holds this source hash; skipping compilation`);
    return { dir, archive: path.join(dir, ARCHIVE_FILE), manifest: cached.manifest, origin: 'cache' };
  }
  return withLock('host', req.signal, req.log, async () => {
    const again = await readPackage(dir, snapshot.hash);
    if (again) {
      req.log.system(`build cache hit: another build filled ${dir} meanwhile; skipping compilation`);
      return { dir, archive: path.join(dir, ARCHIVE_FILE), manifest: again.manifest, origin: 'cache' as const };
    }
    let origin: 'imported' | 'compiled';
    let buildDir: string;
    if (await setupBuildIsCurrent(snapshot)) {
      buildDir = setupHostBuildDir();
      origin = 'imported';
      req.log.system(`${buildDir} is newer than every native source: reusing its outputs, no compilation`);
    } else {
      buildDir = await compile(req);
      origin = 'compiled';
    }
    const after = await nativeSourceSnapshot(nativeDir(), nativeBuildScript());
    if (after.hash !== snapshot.hash)
      throw new InfrastructureError(
        'the native sources changed during the build; the build is retried with the new sources',
      );
    const staging = `${dir}.tmp-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    const manifest = await assemblePackage(buildDir, path.join(nativeDir(), 'include'), staging, {
      abi: 'host',
      nativeSourceHash: snapshot.hash,
    });
    await packFolder(staging, path.join(staging, ARCHIVE_FILE));
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    await evictOld(dir);
    req.log.system(`packaged ${manifest.files.length} files into ${dir}`);
    return { dir, archive: path.join(dir, ARCHIVE_FILE), manifest, origin };
  });
}
