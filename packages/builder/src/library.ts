// One library package for one ABI: the cached runtime, the code-model library when the
// deployment asks for it, assembled and packed. The worker's build job and `mace build` both
// come here, so a package is the same wherever it is built.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BuildPackageManifest } from '@mace/protocol';
import { buildCodeModels } from './code-model.js';
import { assemblePackage, packFolder, type PackageModel } from './package.js';
import { ensureRuntime, type BuilderPaths, type RuntimeBuild, type Runtimes } from './runtime.js';
import type { BuildLog } from './spawn.js';

export interface LibraryRequest {
  abi: string;
  libraryName: string;
  runtimes: Runtimes;
  modelGraphFormat: 'file' | 'code';
  modelDataFormat: 'file' | 'code';
  models: PackageModel[];
  paths: BuilderPaths;
  /** An empty or absent folder the package is written into. */
  dest: string;
  /** Where the .tar.gz goes. */
  archive: string;
  log: BuildLog;
  signal: AbortSignal;
  /** See RuntimeRequest.reuseSetupBuild. */
  reuseSetupBuild?: boolean;
}

export interface LibraryPackage {
  dir: string;
  archive: string;
  manifest: BuildPackageManifest;
  runtime: RuntimeBuild;
}

export async function buildLibraryPackage(req: LibraryRequest): Promise<LibraryPackage> {
  const runtime = await ensureRuntime({
    abi: req.abi,
    runtimes: req.runtimes,
    paths: req.paths,
    log: req.log,
    signal: req.signal,
    reuseSetupBuild: req.reuseSetupBuild,
  });
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'mace-code-models-'));
  try {
    const codeModels =
      req.modelGraphFormat === 'code'
        ? await buildCodeModels({
            abi: req.abi,
            libraryName: req.libraryName,
            dataAsCode: req.modelDataFormat === 'code',
            models: req.models,
            nativeDir: req.paths.nativeDir,
            workDir: path.join(scratch, req.abi),
            log: req.log,
            signal: req.signal,
          })
        : undefined;
    await rm(req.dest, { recursive: true, force: true });
    await mkdir(req.dest, { recursive: true });
    const manifest = await assemblePackage(
      {
        libraryName: req.libraryName,
        runtime,
        includeDir: path.join(req.paths.nativeDir, 'include'),
        modelGraphFormat: req.modelGraphFormat,
        modelDataFormat: req.modelDataFormat,
        models: req.models,
        codeModels,
      },
      req.dest,
    );
    await packFolder(req.dest, req.archive);
    req.log.system(`packaged ${manifest.files.length} files for ${req.abi} into ${req.archive}`);
    return { dir: req.dest, archive: req.archive, manifest, runtime };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
