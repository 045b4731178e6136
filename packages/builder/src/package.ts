// The library package for one ABI, in MACE's builds/<library_name>/ layout:
//   include/mace/public/mace.h
//   lib/<abi>/libmace.a, libmace.so             bin/<abi>/mace_run, benchmark_model
//   model/<tag>.mace, model/<tag>.data          (model_graph_format / model_data_format: file)
//   lib/<abi>/lib<library_name>.a, include/mace/public/mace_engine_factory.h,
//   include/mace/models/<tag>.h                 (model_graph_format: code)
//   manifest-<abi>.json                         sha256 of every file, toolchain, options, source hash
// Packages of several ABIs unpack into one folder side by side. The tar.gz is deterministic
// (sorted entries, mtime 0, no owners): the same inputs always give the same bytes.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { create as createTar } from 'tar';
import { packageManifestName, type BuildPackageManifest } from '@mace/protocol';
import type { CodeModelLibrary } from './code-model.js';
import type { RuntimeBuild } from './runtime.js';

export interface PackageModel {
  tag: string;
  graphFile: string;
  dataFile: string;
}

export interface PackageInput {
  libraryName: string;
  runtime: RuntimeBuild;
  /** native/include (the public headers). */
  includeDir: string;
  modelGraphFormat: 'file' | 'code';
  modelDataFormat: 'file' | 'code';
  models: PackageModel[];
  /** Required when modelGraphFormat is code. */
  codeModels?: CodeModelLibrary;
}

export async function sha256File(file: string): Promise<string> {
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

async function place(from: string, dest: string, rel: string, mode: number): Promise<void> {
  const target = path.join(dest, rel);
  await mkdir(path.dirname(target), { recursive: true });
  await copyFile(from, target);
  await chmod(target, mode);
}

/** Writes the package for `input.runtime.abi` into the empty folder `dest`; returns its manifest. */
export async function assemblePackage(input: PackageInput, dest: string): Promise<BuildPackageManifest> {
  const { runtime } = input;
  const abi = runtime.abi;
  for (const rel of await listFiles(input.includeDir))
    await place(path.join(input.includeDir, rel), dest, `include/${rel}`, 0o644);
  await place(path.join(runtime.dir, 'libmace.a'), dest, `lib/${abi}/libmace.a`, 0o644);
  await place(path.join(runtime.dir, 'libmace.so'), dest, `lib/${abi}/libmace.so`, 0o755);
  await place(path.join(runtime.dir, 'mace_run'), dest, `bin/${abi}/mace_run`, 0o755);
  await place(path.join(runtime.dir, 'benchmark_model'), dest, `bin/${abi}/benchmark_model`, 0o755);
  const models: BuildPackageManifest['models'] = [];
  for (const m of input.models) {
    if (input.modelGraphFormat === 'file') await place(m.graphFile, dest, `model/${m.tag}.mace`, 0o644);
    if (input.modelDataFormat === 'file') await place(m.dataFile, dest, `model/${m.tag}.data`, 0o644);
    models.push({ tag: m.tag, graphSha256: await sha256File(m.graphFile), dataSha256: await sha256File(m.dataFile) });
  }
  if (input.modelGraphFormat === 'code') {
    if (!input.codeModels)
      throw new Error('assemblePackage: model_graph_format is code but no code-model library was built');
    await place(input.codeModels.library, dest, `lib/${abi}/lib${input.libraryName}.a`, 0o644);
    for (const h of input.codeModels.headers) await place(h.file, dest, `include/${h.path}`, 0o644);
  }
  const manifestName = packageManifestName(abi);
  const files: BuildPackageManifest['files'] = [];
  for (const rel of await listFiles(dest)) {
    if (rel === manifestName) continue;
    const full = path.join(dest, rel);
    const st = await stat(full);
    files.push({ path: rel, sha256: await sha256File(full), size: st.size, mode: st.mode & 0o777 });
  }
  const manifest: BuildPackageManifest = {
    format: 'mace-library/1',
    libraryName: input.libraryName,
    abi,
    runtimes: runtime.runtimes,
    nativeSourceHash: runtime.nativeSourceHash,
    buildKey: runtime.key,
    toolchain: {
      kind: runtime.toolchain.kind,
      compiler: runtime.toolchain.compiler,
      version: runtime.toolchain.version,
      cmake: runtime.toolchain.cmake,
      ndk: runtime.toolchain.ndk,
    },
    cmakeOptions: runtime.cmakeOptions,
    modelGraphFormat: input.modelGraphFormat,
    modelDataFormat: input.modelDataFormat,
    models,
    files,
  };
  await writeFile(path.join(dest, manifestName), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** Writes the deterministic tar.gz of the folder `dir` (every file but dot-files) to `file`. */
export async function packFolder(dir: string, file: string): Promise<void> {
  const entries = await listFiles(dir);
  await createTar(
    { gzip: { level: 6 }, file, cwd: dir, portable: true, mtime: new Date(0), noDirRecurse: true },
    entries,
  );
}
