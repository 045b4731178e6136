// OpenCL tuning files on devices: what the device's GPU driver is (`mace_run --opencl_info`), the
// fingerprint tuned files are valid for, finding stored tuned files for a fingerprint, and the
// mace_run / benchmark_model arguments that make a GPU model run with them.
//
// MACE's two tuning outputs (compiled programs and tuned work-group sizes) depend on the device,
// its OpenCL driver, the runtime's kernel sources and the model's graph: a file made for another
// driver is ignored by the runtime (with a log line), so the service re-tunes when any of these
// changed and reuses the files when none did.
import type { ModelConfig } from '@mace/config';
import type { Artifact, Db, Device } from '@mace/db';
import { UserJobError, type JobContext } from '@mace/pipeline';
import type { ArtifactRef, OpenCLFingerprint, TuneJobResult } from '@mace/protocol';
import type { ArtifactStore } from '@mace/storage';
import { execStagedTool, type StagedJob } from './device-job.js';

/** What `mace_run --opencl_info` says about the device the GPU engine opens. */
export interface OpenCLInfo {
  openclDevice: string;
  driver: string;
  runtime: string;
}

/** The `opencl engine device:`, `opencl driver:` and `opencl runtime:` lines; null when one is missing. */
export function parseOpenCLInfo(stdout: string): OpenCLInfo | null {
  const line = (key: string): string | undefined =>
    new RegExp(`^opencl ${key}: (.*)$`, 'm').exec(stdout)?.[1]?.trim() || undefined;
  const openclDevice = line('engine device');
  const driver = line('driver');
  const runtime = line('runtime');
  return openclDevice && driver && runtime ? { openclDevice, driver, runtime } : null;
}

export type TuningDevice = Pick<Device, 'id' | 'serial' | 'model' | 'soc'>;

export async function jobDevice(ctx: JobContext): Promise<TuningDevice> {
  const id = ctx.job.deviceId;
  const device = id
    ? await ctx.db.device.findUnique({ where: { id }, select: { id: true, serial: true, model: true, soc: true } })
    : null;
  if (!device) throw new Error(`job ${ctx.job.id} has no device row (device ${id ?? 'none'})`);
  return device;
}

/**
 * Runs the staged mace_run with --opencl_info. A device without OpenCL (exit 2, `opencl:
 * unavailable: <reason>`) cannot run a GPU model: a user error that says what to do.
 */
export async function readOpenCLInfo(
  ctx: JobContext,
  staged: StagedJob,
  device: TuningDevice,
  model: ModelConfig,
): Promise<OpenCLInfo> {
  const r = await execStagedTool(ctx, staged, ['--opencl_info']);
  const info = r.code === 0 ? parseOpenCLInfo(r.stdout) : null;
  if (info) return info;
  const reason = /^opencl: (.*)$/m.exec(r.stdout)?.[1]?.trim() || (r.stderr || r.stdout).trim() || `exit ${r.code}`;
  throw new UserJobError(
    `device ${device.serial} has no OpenCL driver (${reason}), so model ${model.tag} (runtime ${model.runtime}) ` +
      'cannot run on its GPU; select devices with a GPU driver (the run\'s "devices" selector) ' +
      `or set runtime: cpu for ${model.tag} in the deployment file`,
  );
}

export function fingerprintOf(device: TuningDevice, info: OpenCLInfo, graphSha256: string): OpenCLFingerprint {
  return {
    deviceModel: device.model,
    soc: device.soc,
    openclDevice: info.openclDevice,
    driver: info.driver,
    runtime: info.runtime,
    graphSha256,
  };
}

/** The metadata of a tuned_binary / tuned_parameters artifact (the fingerprint plus what made it). */
export interface TunedMetadata extends OpenCLFingerprint {
  modelTag: string;
  libraryName: string;
  tuneMs: number;
  /** Set on rows that record a reuse: where the files were tuned. */
  reusedFrom?: { runId: string | null; jobId: string | null };
}

/** A binary + parameters pair stored by one tune job. */
export interface TunedFiles {
  binary: Artifact;
  parameters: Artifact;
  metadata: TunedMetadata;
  /** The run that tuned them (not the one that last reused them). */
  tunedInRunId: string | null;
}

export const TUNED_KINDS = ['tuned_binary', 'tuned_parameters'] as const;

const ref = (a: Artifact): ArtifactRef => ({ name: a.name, sha256: a.sha256, size: Number(a.size) });

/**
 * The newest stored tuned files for this graph on this device model and SoC: `exact` when the
 * whole fingerprint matches (reusable), else `other` (another driver, OpenCL device or runtime).
 */
export async function findTunedFiles(
  db: Db,
  fp: OpenCLFingerprint,
): Promise<{ exact: TunedFiles | null; other: TunedFiles | null }> {
  // Narrowed in the query by graph, device model and SoC (when known); compared exactly below.
  const same = (key: keyof OpenCLFingerprint, value: string | null) =>
    value === null ? [] : [{ metadata: { path: [key], equals: value } }];
  const rows = await db.artifact.findMany({
    where: {
      kind: { in: [...TUNED_KINDS] },
      AND: [...same('graphSha256', fp.graphSha256), ...same('deviceModel', fp.deviceModel), ...same('soc', fp.soc)],
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 500,
  });
  const groups = new Map<string, Artifact[]>();
  for (const row of rows) {
    const key = row.jobId ?? row.id;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  let exact: TunedFiles | null = null;
  let other: TunedFiles | null = null;
  // Map iteration follows insertion: newest group first.
  for (const group of groups.values()) {
    const binary = group.find((a) => a.kind === 'tuned_binary');
    const parameters = group.find((a) => a.kind === 'tuned_parameters');
    if (!binary || !parameters) continue;
    const metadata = binary.metadata as unknown as TunedMetadata;
    if (metadata.deviceModel !== fp.deviceModel || metadata.soc !== fp.soc) continue;
    const files: TunedFiles = {
      binary,
      parameters,
      metadata,
      tunedInRunId: metadata.reusedFrom ? metadata.reusedFrom.runId : binary.runId,
    };
    const exactMatch =
      metadata.openclDevice === fp.openclDevice && metadata.driver === fp.driver && metadata.runtime === fp.runtime;
    if (exactMatch) {
      exact ??= files;
      break;
    }
    other ??= files;
  }
  return { exact, other };
}

/**
 * The OpenCL arguments of a GPU model's validate or benchmark job: --device=GPU, and the tuned
 * files of this run's tune job for the same device and model (else the newest stored ones for
 * this device's current fingerprint), pushed to the device by sha256.
 */
export async function gpuToolArgs(
  ctx: JobContext,
  store: ArtifactStore,
  staged: StagedJob,
  model: ModelConfig,
): Promise<string[]> {
  const { job, log } = ctx;
  let binary: ArtifactRef | null = null;
  let parameters: ArtifactRef | null = null;
  const tuneJob = await ctx.db.job.findFirst({
    where: { runId: job.runId, kind: 'tune', deviceId: job.deviceId, modelTag: job.modelTag, status: 'succeeded' },
    orderBy: { createdAt: 'desc' },
  });
  if (tuneJob?.result) {
    const tuned = tuneJob.result as unknown as TuneJobResult;
    ({ binary, parameters } = tuned);
    log.system(
      `using the tuned OpenCL files of this run's tune job ` +
        `(${tuned.reused ? `reused from run ${tuned.reusedFromRunId ?? '?'}` : 'tuned in this run'}; ` +
        `driver ${tuned.fingerprint.driver})`,
    );
  } else {
    const device = await jobDevice(ctx);
    const info = await readOpenCLInfo(ctx, staged, device, model);
    const { exact } = await findTunedFiles(ctx.db, fingerprintOf(device, info, staged.inputs.convert.graph.sha256));
    if (exact) {
      ({ binary, parameters } = { binary: ref(exact.binary), parameters: ref(exact.parameters) });
      log.system(`using tuned OpenCL files from run ${exact.tunedInRunId ?? '?'} (driver ${info.driver})`);
    } else {
      log.system(
        `no tuned OpenCL files for this device, driver ${info.driver} and model: ` +
          'the GPU kernels run with the driver\'s work-group sizes (run "tune" to tune them)',
      );
    }
  }
  if (!binary || !parameters) return ['--device=GPU'];
  const binaryFile = await staged.files.blob(binary.sha256, store.pathOf(binary.sha256), {
    ext: '.bin',
    what: binary.name,
  });
  const parameterFile = await staged.files.blob(parameters.sha256, store.pathOf(parameters.sha256), {
    ext: '.bin',
    what: parameters.name,
  });
  log.system(`OpenCL binary file: ${binary.name}; OpenCL parameter file: ${parameters.name}`);
  return ['--device=GPU', `--opencl_binary_file=${binaryFile}`, `--opencl_parameter_file=${parameterFile}`];
}

export { ref as artifactRefOf };
