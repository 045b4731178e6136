// The build job: the library package for one ABI (runtime from the build cache or compiled,
// the run's converted models as files or compiled in as code), stored as a tar.gz artifact with
// a manifest of sha256s, toolchain and options. It runs after the run's convert jobs.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BuildError, buildLibraryPackage, runtimesFor, type PackageModel } from '@mace/builder';
import type { DeploymentConfig } from '@mace/config';
import type { Prisma } from '@mace/db';
import {
  InfrastructureError,
  loadRunDeployment,
  UserJobError,
  type JobContext,
  type SuccessInput,
} from '@mace/pipeline';
import type { BuildJobResult, ConvertJobResult } from '@mace/protocol';
import type { ArtifactStore } from '@mace/storage';
import { builderPaths } from '../paths.js';

async function convertedModels(
  ctx: JobContext,
  store: ArtifactStore,
  config: DeploymentConfig,
): Promise<PackageModel[]> {
  const deps = await ctx.db.jobDependency.findMany({ where: { jobId: ctx.job.id }, include: { dependsOn: true } });
  const results = new Map<string, ConvertJobResult>();
  for (const d of deps)
    if (d.dependsOn.kind === 'convert' && d.dependsOn.result) {
      const r = d.dependsOn.result as unknown as ConvertJobResult;
      results.set(r.modelTag, r);
    }
  return config.models.map((m) => {
    const r = results.get(m.tag);
    if (!r)
      throw new InfrastructureError(
        `build job ${ctx.job.id} runs before model ${m.tag} is converted; the reconciler will retry it`,
      );
    return { tag: m.tag, graphFile: store.pathOf(r.graph.sha256), dataFile: store.pathOf(r.data.sha256) };
  });
}

export function buildHandler(store: ArtifactStore) {
  return async function buildJob(ctx: JobContext): Promise<SuccessInput> {
    const abi = ctx.payload.abi ?? ctx.job.abi ?? 'host';
    const { config } = await loadRunDeployment(ctx.db, ctx.job.runId);
    const models = await convertedModels(ctx, store, config);
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'mace-build-'));
    try {
      const pkg = await buildLibraryPackage({
        abi,
        libraryName: config.libraryName,
        runtimes: runtimesFor(config.models),
        modelGraphFormat: config.modelGraphFormat,
        modelDataFormat: config.modelDataFormat,
        models,
        paths: builderPaths(),
        dest: path.join(scratch, 'package'),
        archive: path.join(scratch, 'package.tar.gz'),
        log: ctx.log,
        signal: ctx.signal,
      }).catch((err: unknown) => {
        if (err instanceof BuildError)
          throw err.kind === 'user' ? new UserJobError(err.message) : new InfrastructureError(err.message);
        throw err;
      });
      const blob = await store.putFile(pkg.archive);
      const name = `${config.libraryName}-${abi}.tar.gz`;
      const result: BuildJobResult = {
        abi,
        nativeSourceHash: pkg.manifest.nativeSourceHash,
        cacheHit: pkg.runtime.origin === 'cache',
        origin: pkg.runtime.origin,
        package: { name, ...blob },
        manifest: pkg.manifest,
      };
      ctx.log.system(`stored ${name} (${blob.size} B, sha256 ${blob.sha256})`);
      return {
        result: result as unknown as Prisma.InputJsonValue,
        artifacts: [
          {
            kind: 'library',
            name,
            sha256: blob.sha256,
            size: blob.size,
            contentType: 'application/gzip',
            metadata: {
              abi,
              libraryName: config.libraryName,
              runtimes: pkg.manifest.runtimes,
              modelGraphFormat: config.modelGraphFormat,
              modelDataFormat: config.modelDataFormat,
              nativeSourceHash: pkg.manifest.nativeSourceHash,
              buildKey: pkg.manifest.buildKey,
              origin: pkg.runtime.origin,
              files: pkg.manifest.files,
            } as unknown as Prisma.InputJsonValue,
          },
        ],
      };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  };
}
