// The build job: the host runtime (libmace.a/.so, headers, mace_run, benchmark_model) for one ABI,
// from the build cache or compiled, stored as a tar.gz artifact with a manifest of sha256s.
// Cross ABIs need toolchains that arrive with the device farm: they fail with that reason.
import type { Prisma } from '@mace/db';
import { UserJobError, type JobContext, type SuccessInput } from '@mace/pipeline';
import type { BuildJobResult } from '@mace/protocol';
import type { ArtifactStore } from '@mace/storage';
import { ensureHostPackage } from './cache.js';

/** ABIs this worker builds natively: 'host' and the machine's own. */
export function hostAbis(): string[] {
  const own = process.arch === 'x64' ? ['x86_64'] : process.arch === 'arm64' ? ['arm64-v8a', 'aarch64'] : [];
  return ['host', ...own];
}

export function buildHandler(store: ArtifactStore) {
  return async function buildJob(ctx: JobContext): Promise<SuccessInput> {
    const abi = ctx.payload.abi ?? ctx.job.abi ?? 'host';
    if (!hostAbis().includes(abi))
      throw new UserJobError(
        `no toolchain for ABI ${abi} on this worker yet (it builds ${hostAbis().join(', ')}); cross builds arrive with the device farm — use target_abis: [host] for now`,
      );
    const pkg = await ensureHostPackage({ abi, log: ctx.log, signal: ctx.signal });
    const blob = await store.putFile(pkg.archive);
    const name = `mace-${abi}-${pkg.manifest.nativeSourceHash.slice(0, 16)}.tar.gz`;
    const result: BuildJobResult = {
      abi,
      nativeSourceHash: pkg.manifest.nativeSourceHash,
      cacheHit: pkg.origin === 'cache',
      origin: pkg.origin,
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
            nativeSourceHash: pkg.manifest.nativeSourceHash,
            origin: pkg.origin,
            files: pkg.manifest.files,
          } as unknown as Prisma.InputJsonValue,
        },
      ],
    };
  };
}
