// The host build package: a folder bin/ lib/ include/ manifest.json, and its deterministic
// tar.gz (sorted entries, mtime 0, no owner names), so one build always has one sha256.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, cp, mkdir, readdir, stat, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { create as createTar } from 'tar';
import type { BuildPackageManifest } from '@mace/protocol';

/** Build outputs (relative to a CMake build folder) → their place in the package. */
export const PACKAGE_OUTPUTS: { from: string; to: string; mode: number }[] = [
  { from: 'mace_run', to: 'bin/mace_run', mode: 0o755 },
  { from: 'benchmark_model', to: 'bin/benchmark_model', mode: 0o755 },
  { from: 'libmace.a', to: 'lib/libmace.a', mode: 0o644 },
  { from: 'libmace.so', to: 'lib/libmace.so', mode: 0o755 },
];
/** CMake targets producing PACKAGE_OUTPUTS. */
export const PACKAGE_TARGETS = ['mace_run', 'benchmark_model', 'mace_static', 'mace_shared'];
export const MANIFEST_FILE = 'manifest.json';
/** The packed archive, cached beside the files (not part of the archive). */
export const ARCHIVE_FILE = '.package.tar.gz';

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(file), h);
  return h.digest('hex');
}

async function listFiles(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(root, rel), { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(root, r)));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

/** Copies a build folder's outputs and the public headers into `dest`, and writes the manifest. */
export async function assemblePackage(
  buildDir: string,
  includeDir: string,
  dest: string,
  info: { abi: string; nativeSourceHash: string },
): Promise<BuildPackageManifest> {
  for (const o of PACKAGE_OUTPUTS) {
    const target = path.join(dest, o.to);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(buildDir, o.from), target);
    await chmod(target, o.mode);
  }
  await cp(includeDir, path.join(dest, 'include'), { recursive: true });
  const files: BuildPackageManifest['files'] = [];
  for (const rel of await listFiles(dest)) {
    if (rel === MANIFEST_FILE) continue;
    const full = path.join(dest, rel);
    const st = await stat(full);
    files.push({ path: rel, sha256: await sha256File(full), size: st.size, mode: st.mode & 0o777 });
  }
  const manifest: BuildPackageManifest = {
    format: 'mace-build/1',
    abi: info.abi,
    nativeSourceHash: info.nativeSourceHash,
    files,
  };
  await writeFile(path.join(dest, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** Writes the deterministic tar.gz of the package folder `dir` to `file`. */
export async function packFolder(dir: string, file: string): Promise<void> {
  const entries = await listFiles(dir);
  await createTar(
    { gzip: { level: 6 }, file, cwd: dir, portable: true, mtime: new Date(0), noDirRecurse: true },
    entries,
  );
}
