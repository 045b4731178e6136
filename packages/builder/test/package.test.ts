// Library packages with the real toolchain: the same inputs give byte-identical packages even
// when the second build compiles everything again in another folder without ccache; a third
// request is a cache hit that compiles nothing and says so; the layout and manifest are MACE's.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLibraryPackage, builderPaths, type BuildLog, type LibraryRequest } from '../src/index.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const sha = async (file: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
let work: string;
let models: LibraryRequest['models'];

function collect(): BuildLog & { text: () => string } {
  const lines: string[] = [];
  return {
    system: (t) => lines.push(t),
    write: () => undefined,
    text: () => lines.join('\n'),
  };
}

function request(cacheDir: string, name: string, log: BuildLog): LibraryRequest {
  return {
    abi: 'host',
    libraryName: 'repro',
    runtimes: 'cpu',
    modelGraphFormat: 'code',
    modelDataFormat: 'code',
    models,
    paths: { ...builderPaths(repoRoot), cacheDir },
    dest: path.join(work, `${name}-pkg`),
    archive: path.join(work, `${name}.tar.gz`),
    log,
    signal: new AbortController().signal,
  };
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'mace-builder-test-'));
  // The builder embeds bytes; what they mean is the engine's business (test/api-packages.test.ts).
  await writeFile(path.join(work, 'net.mace'), randomBytes(4_000));
  await writeFile(path.join(work, 'net.data'), randomBytes(100_000));
  models = [{ tag: 'net', graphFile: path.join(work, 'net.mace'), dataFile: path.join(work, 'net.data') }];
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('library packages', () => {
  it('are byte-identical when built twice, and a cache hit compiles nothing', { timeout: 1_200_000 }, async () => {
    const first = await buildLibraryPackage(request(path.join(work, 'cache-a'), 'a', collect()));
    expect(first.manifest.files.map((f) => f.path)).toEqual([
      'bin/host/benchmark_model',
      'bin/host/mace_run',
      'include/mace/models/net.h',
      'include/mace/public/mace.h',
      'include/mace/public/mace_engine_factory.h',
      'lib/host/libmace.a',
      'lib/host/libmace.so',
      'lib/host/librepro.a',
    ]);
    expect(first.manifest).toMatchObject({
      format: 'mace-library/1',
      abi: 'host',
      runtimes: 'cpu',
      modelGraphFormat: 'code',
      modelDataFormat: 'code',
      cmakeOptions: ['-DCMAKE_BUILD_TYPE=Release', '-DMACE_ENABLE_OPENCL=OFF'],
    });
    expect(first.manifest.toolchain.version).toMatch(/g\+\+/);
    for (const f of first.manifest.files) expect(await sha(path.join(first.dir, f.path))).toBe(f.sha256);

    // Everything compiled again, elsewhere, without ccache: paths must not leak into binaries.
    const saved = process.env.CCACHE_DISABLE;
    process.env.CCACHE_DISABLE = '1';
    const log = collect();
    let second;
    try {
      second = await buildLibraryPackage({
        ...request(path.join(work, 'cache-b'), 'b', log),
        reuseSetupBuild: false,
      });
    } finally {
      if (saved === undefined) delete process.env.CCACHE_DISABLE;
      else process.env.CCACHE_DISABLE = saved;
    }
    expect(second.runtime.origin).toBe('compiled');
    expect(log.text()).toMatch(/compiling mace_static, mace_shared, mace_run, benchmark_model for host/);
    const differing = second.manifest.files
      .filter((f, i) => f.sha256 !== first.manifest.files[i]?.sha256)
      .map((f) => f.path);
    expect(differing).toEqual([]);
    expect(await sha(second.archive)).toBe(await sha(first.archive));

    const hitLog = collect();
    const third = await buildLibraryPackage(request(path.join(work, 'cache-b'), 'c', hitLog));
    expect(third.runtime.origin).toBe('cache');
    expect(hitLog.text()).toMatch(/build cache hit: .* skipping compilation/);
    expect(hitLog.text()).not.toMatch(/compiling mace_static/);
    expect(await sha(third.archive)).toBe(await sha(first.archive));
  });
});
