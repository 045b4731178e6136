// The runtime build cache: libmace.a, libmace.so, mace_run and benchmark_model for one
// (ABI, runtimes, native source hash, toolchain, options), in
//   <cache>/runtime-<abi>-<runtimes>-<key16>/
// filled once per key, by one of (in order of preference):
//   cache     the folder exists: no compilation (the build log says so);
//   imported  `npm run setup`'s / the tests' native/build/<abi> has the same options and is newer
//             than every source file: its outputs are copied;
//   compiled  scripts/native-build.sh builds the targets in <cache>/work-<abi>-<runtimes> (one
//             persistent CMake folder per ABI, so a source change recompiles only what it touches).
// Outputs are byte-identical wherever they are built (native/CMakeLists.txt maps every path away).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { abiTarget } from './abi.js';
import { BuildError } from './errors.js';
import { withLock } from './lock.js';
import { nativeSourceSnapshot, type SourceSnapshot } from './source-hash.js';
import { runChecked, type BuildLog } from './spawn.js';
import { toolchainFor, type Toolchain } from './toolchain.js';

export type Runtimes = 'cpu' | 'cpu+gpu';

/** The runtimes a deployment's models need: cpu+gpu (OpenCL compiled in) when any model runs on the GPU. */
export function runtimesFor(models: readonly { runtime: string }[]): Runtimes {
  return models.some((m) => m.runtime === 'gpu' || m.runtime === 'cpu+gpu') ? 'cpu+gpu' : 'cpu';
}

export interface BuilderPaths {
  /** The native/ source tree. */
  nativeDir: string;
  /** scripts/native-build.sh. */
  buildScript: string;
  /** Where runtime builds are cached. */
  cacheDir: string;
}

/**
 * The paths of a checkout at `repoRoot`; MACE_NATIVE_DIR and MACE_BUILD_CACHE_DIR override the
 * native/ tree and the cache (default native/build/pipeline, shared by the worker and the CLI).
 */
export function builderPaths(repoRoot: string): BuilderPaths {
  const nativeDir = path.resolve(process.env.MACE_NATIVE_DIR ?? path.join(repoRoot, 'native'));
  return {
    nativeDir,
    buildScript: path.join(repoRoot, 'scripts', 'native-build.sh'),
    cacheDir: path.resolve(process.env.MACE_BUILD_CACHE_DIR ?? path.join(nativeDir, 'build', 'pipeline')),
  };
}

export interface RuntimeRequest {
  abi: string;
  runtimes: Runtimes;
  paths: BuilderPaths;
  log: BuildLog;
  signal: AbortSignal;
  /** Copy an up-to-date native/build/<abi> instead of compiling (default true). */
  reuseSetupBuild?: boolean;
}

export interface RuntimeBuild {
  abi: string;
  runtimes: Runtimes;
  /** Folder holding RUNTIME_OUTPUTS. */
  dir: string;
  key: string;
  nativeSourceHash: string;
  toolchain: Toolchain;
  cmakeOptions: string[];
  origin: 'cache' | 'imported' | 'compiled';
}

export const RUNTIME_OUTPUTS = ['libmace.a', 'libmace.so', 'mace_run', 'benchmark_model'];
const TARGETS = ['mace_static', 'mace_shared', 'mace_run', 'benchmark_model'];
/** Runtime folders kept per cache (most recent first). */
const KEEP = 8;
const INFO_FILE = 'runtime.json';

function cmakeOptions(runtimes: Runtimes): string[] {
  return ['-DCMAKE_BUILD_TYPE=Release', `-DMACE_ENABLE_OPENCL=${runtimes === 'cpu+gpu' ? 'ON' : 'OFF'}`];
}

function buildKey(snapshot: SourceSnapshot, abi: string, runtimes: Runtimes, tc: Toolchain, options: string[]): string {
  const id = { nativeSourceHash: snapshot.hash, abi, runtimes, options, compiler: tc.version, ndk: tc.ndk };
  return createHash('sha256').update(JSON.stringify(id)).digest('hex');
}

function runtimeDir(req: RuntimeRequest, key: string): string {
  return path.join(req.paths.cacheDir, `runtime-${req.abi}-${req.runtimes.replace('+', '_')}-${key.slice(0, 16)}`);
}

async function isComplete(dir: string, key: string): Promise<boolean> {
  try {
    const info = JSON.parse(await readFile(path.join(dir, INFO_FILE), 'utf8')) as { key: string };
    return info.key === key && RUNTIME_OUTPUTS.every((o) => existsSync(path.join(dir, o)));
  } catch {
    return false;
  }
}

/**
 * A build of setup's or the tests' (native/build/<abi>, or native/build/<abi>-opencl for
 * cpu+gpu) that holds these options' outputs, newer than every source; null when none.
 */
async function importableBuild(req: RuntimeRequest, tc: Toolchain, snapshot: SourceSnapshot): Promise<string | null> {
  if (tc.kind !== 'gcc') return null;
  const names = req.runtimes === 'cpu+gpu' ? [`${req.abi}-opencl`, req.abi] : [req.abi];
  for (const name of names) {
    const dir = await importable(path.join(req.paths.nativeDir, 'build', name), req, snapshot);
    if (dir) return dir;
  }
  return null;
}

async function importable(dir: string, req: RuntimeRequest, snapshot: SourceSnapshot): Promise<string | null> {
  try {
    const cache = await readFile(path.join(dir, 'CMakeCache.txt'), 'utf8');
    const opencl = /^MACE_ENABLE_OPENCL:BOOL=ON$/m.test(cache);
    if (!/^CMAKE_BUILD_TYPE:STRING=Release$/m.test(cache) || /^MACE_SANITIZE:BOOL=ON$/m.test(cache)) return null;
    if (opencl !== (req.runtimes === 'cpu+gpu')) return null;
    for (const o of RUNTIME_OUTPUTS) if ((await stat(path.join(dir, o))).mtimeMs <= snapshot.newestMtimeMs) return null;
    return dir;
  } catch {
    return null;
  }
}

async function compile(req: RuntimeRequest, options: string[]): Promise<string> {
  const work = path.join(req.paths.cacheDir, `work-${req.abi}-${req.runtimes.replace('+', '_')}`);
  req.log.system(`compiling ${TARGETS.join(', ')} for ${req.abi} in ${work} (incremental; ccache when installed)`);
  await runChecked('scripts/native-build.sh', 'bash', [req.paths.buildScript, req.abi, ...TARGETS], {
    signal: req.signal,
    log: req.log,
    env: {
      ...process.env,
      MACE_NATIVE_BUILD_DIR: work,
      MACE_CMAKE_ARGS: [process.env.MACE_CMAKE_ARGS ?? '', '-DMACE_BUILD_TESTS=OFF', ...options].join(' ').trim(),
    },
  });
  return work;
}

async function evictOld(cacheDir: string, keep: string): Promise<void> {
  const names = (await readdir(cacheDir)).filter((n) => n.startsWith('runtime-') && path.join(cacheDir, n) !== keep);
  const dated = await Promise.all(names.map(async (n) => ({ n, t: (await stat(path.join(cacheDir, n))).mtimeMs })));
  dated.sort((a, b) => b.t - a.t);
  for (const { n } of dated.slice(KEEP - 1)) await rm(path.join(cacheDir, n), { recursive: true, force: true });
}

/** The runtime for the current native sources, from the cache or built. */
export async function ensureRuntime(req: RuntimeRequest): Promise<RuntimeBuild> {
  abiTarget(req.abi);
  const tc = toolchainFor(req.abi);
  const options = cmakeOptions(req.runtimes);
  const snapshot = await nativeSourceSnapshot(req.paths.nativeDir, req.paths.buildScript);
  const key = buildKey(snapshot, req.abi, req.runtimes, tc, options);
  const dir = runtimeDir(req, key);
  const result = (origin: RuntimeBuild['origin']): RuntimeBuild => ({
    abi: req.abi,
    runtimes: req.runtimes,
    dir,
    key,
    nativeSourceHash: snapshot.hash,
    toolchain: tc,
    cmakeOptions: options,
    origin,
  });
  req.log.system(
    `runtime ${req.abi} (${req.runtimes}): native sources ${snapshot.files} files, hash ${snapshot.hash.slice(0, 16)}; ` +
      `${tc.version}; build key ${key.slice(0, 16)}`,
  );
  if (await isComplete(dir, key)) {
    req.log.system(`build cache hit: ${dir} holds build key ${key.slice(0, 16)}; skipping compilation`);
    return result('cache');
  }
  return withLock(req.paths.cacheDir, `runtime-${req.abi}`, req.signal, req.log, async () => {
    if (await isComplete(dir, key)) {
      req.log.system(`build cache hit: another build filled ${dir} meanwhile; skipping compilation`);
      return result('cache');
    }
    const imported = req.reuseSetupBuild === false ? null : await importableBuild(req, tc, snapshot);
    let origin: 'imported' | 'compiled';
    let from: string;
    if (imported) {
      from = imported;
      origin = 'imported';
      req.log.system(
        `${imported} is newer than every native source and has these options: reusing its outputs, no compilation`,
      );
    } else {
      from = await compile(req, options);
      origin = 'compiled';
    }
    const after = await nativeSourceSnapshot(req.paths.nativeDir, req.paths.buildScript);
    if (after.hash !== snapshot.hash)
      throw new BuildError(
        'the native sources changed during the build; build again with the new sources',
        'infrastructure',
      );
    const staging = `${dir}.tmp-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    for (const o of RUNTIME_OUTPUTS) await copyFile(path.join(from, o), path.join(staging, o));
    // Shipped stripped (the static library keeps its symbols: the user's linker needs them).
    const stripped = RUNTIME_OUTPUTS.filter((o) => !o.endsWith('.a')).map((o) => path.join(staging, o));
    await runChecked(tc.strip, tc.strip, ['--strip-unneeded', ...stripped], { signal: req.signal, log: req.log });
    await writeFile(
      path.join(staging, INFO_FILE),
      JSON.stringify({ key, abi: req.abi, runtimes: req.runtimes }) + '\n',
    );
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    await evictOld(req.paths.cacheDir, dir);
    return result(origin);
  });
}
