// What a device job needs from earlier jobs of its run: the converted model and reference
// outputs (its convert job's result) and the runtime package (its build job's result, unpacked
// once per package sha256 into the agent's cache).
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { extract } from 'tar';
import type { Db, Job } from '@mace/db';
import { InfrastructureError } from '@mace/pipeline';
import {
  packageManifestName,
  type BuildJobResult,
  type ConvertJobResult,
  type ReferenceOutputsManifest,
} from '@mace/protocol';
import type { ArtifactStore } from '@mace/storage';

export function agentCacheDir(): string {
  return path.resolve(process.env.MACE_AGENT_CACHE_DIR ?? path.join(os.tmpdir(), 'mace-agent-cache'));
}

export interface DeviceJobInputs {
  convert: ConvertJobResult;
  build: BuildJobResult;
  reference: ReferenceOutputsManifest;
}

export async function loadDeviceJobInputs(db: Db, store: ArtifactStore, job: Job): Promise<DeviceJobInputs> {
  const deps = await db.jobDependency.findMany({ where: { jobId: job.id }, include: { dependsOn: true } });
  const convertJob = deps.map((d) => d.dependsOn).find((d) => d.kind === 'convert');
  const buildJob = deps.map((d) => d.dependsOn).find((d) => d.kind === 'build');
  if (!convertJob?.result || !buildJob?.result)
    throw new InfrastructureError(
      `job ${job.id} runs before its convert and build jobs have results; the reconciler will retry it`,
    );
  const convert = convertJob.result as unknown as ConvertJobResult;
  const build = buildJob.result as unknown as BuildJobResult;
  const reference = JSON.parse(
    Buffer.from(await store.readBytes(convert.referenceOutputs.sha256)).toString('utf8'),
  ) as ReferenceOutputsManifest;
  return { convert, build, reference };
}

export interface RuntimeTools {
  maceRun: string;
  benchmarkModel: string;
}

/** The unpacked library package (bin/<abi>/, lib/<abi>/, include/), extracted once per sha256. */
export async function unpackRuntime(store: ArtifactStore, build: BuildJobResult): Promise<RuntimeTools> {
  const dir = path.join(agentCacheDir(), 'runtime', build.package.sha256);
  const manifestFile = packageManifestName(build.abi);
  const tools = {
    maceRun: path.join(dir, 'bin', build.abi, 'mace_run'),
    benchmarkModel: path.join(dir, 'bin', build.abi, 'benchmark_model'),
  };
  if (existsSync(path.join(dir, manifestFile))) return tools;
  const staging = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(staging, { recursive: true });
  try {
    await extract({ file: store.pathOf(build.package.sha256), cwd: staging, strict: true });
    const manifest = JSON.parse(await readFile(path.join(staging, manifestFile), 'utf8')) as {
      files: { path: string }[];
    };
    for (const f of manifest.files)
      if (!existsSync(path.join(staging, f.path)))
        throw new InfrastructureError(`runtime package ${build.package.sha256} lacks ${f.path}`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  return tools;
}

/** Gives stored blobs the file names the tools expect (.npy inputs) in a work folder, as symlinks. */
export async function linkBlob(store: ArtifactStore, sha256: string, file: string): Promise<string> {
  await symlink(store.pathOf(sha256), file);
  return file;
}
