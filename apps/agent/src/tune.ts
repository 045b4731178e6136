// The tune job (GPU models): MACE's OpenCL tuning outputs for one device and model. The device's
// OpenCL device, driver and runtime (`mace_run --opencl_info`), its model and SoC and the
// converted graph make the fingerprint the files are valid for. Files stored for exactly this
// fingerprint are reused (new artifact rows for this job, same blobs: no tuning); otherwise —
// first time, or a driver or runtime update — `mace_run --tune` tunes every kernel launch and
// writes `<library>_compiled_opencl_kernel.<tag>.<soc>.bin` and
// `<library>_tuned_opencl_parameter.<tag>.<soc>.bin`, stored as tuned_binary / tuned_parameters.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Prisma } from '@mace/db';
import {
  findModel,
  InfrastructureError,
  loadRunDeployment,
  UserJobError,
  type JobContext,
  type NewArtifact,
  type SuccessInput,
} from '@mace/pipeline';
import { isGpuRuntime, type TuneJobResult } from '@mace/protocol';
import type { ArtifactStore } from '@mace/storage';
import { runStagedTool, stageJob } from './device-job.js';
import { DeviceLostError, type DeviceTransport } from './devices/transport.js';
import {
  artifactRefOf,
  findTunedFiles,
  fingerprintOf,
  jobDevice,
  readOpenCLInfo,
  type TunedMetadata,
} from './opencl-tuning.js';

/** Timed runs of the tuned model after the search (MACE tunes during the first run). */
const TUNE_ROUNDS = 3;

/** A name part made of [a-z0-9_] (mace_run's own default SoC is the OpenCL device name, so made). */
export function fileNamePart(s: string): string {
  return s.replace(/[^A-Za-z0-9]/g, '_').toLowerCase() || 'unknown';
}

export function tuneHandler(store: ArtifactStore, transport: DeviceTransport) {
  return async function tuneJob(ctx: JobContext): Promise<SuccessInput> {
    const { job, log } = ctx;
    const { config } = await loadRunDeployment(ctx.db, job.runId);
    const model = findModel(config, job.modelTag);
    if (!isGpuRuntime(model.runtime))
      throw new UserJobError(
        `model ${model.tag} has runtime ${model.runtime}: only GPU models (runtime gpu or cpu+gpu) are tuned`,
      );
    const device = await jobDevice(ctx);
    const staged = await stageJob(ctx, store, transport, 'mace_run');
    const work = await mkdtemp(path.join(os.tmpdir(), 'mace-tune-'));
    try {
      const info = await readOpenCLInfo(ctx, staged, device, model);
      const graph = staged.inputs.convert.graph;
      const fingerprint = fingerprintOf(device, info, graph.sha256);
      const found = await findTunedFiles(ctx.db, fingerprint);

      if (found.exact) {
        const { binary, parameters, metadata, tunedInRunId } = found.exact;
        log.system(`reusing tuned OpenCL files from run ${tunedInRunId ?? '?'} (driver ${fingerprint.driver})`);
        const reusedMetadata: TunedMetadata = {
          ...fingerprint,
          modelTag: model.tag,
          libraryName: metadata.libraryName,
          tuneMs: metadata.tuneMs,
          reusedFrom: { runId: tunedInRunId, jobId: metadata.reusedFrom?.jobId ?? binary.jobId },
        };
        const result: TuneJobResult = {
          modelTag: model.tag,
          reused: true,
          ...(tunedInRunId ? { reusedFromRunId: tunedInRunId } : {}),
          fingerprint,
          binary: artifactRefOf(binary),
          parameters: artifactRefOf(parameters),
        };
        return {
          result: result as unknown as Prisma.InputJsonValue,
          artifacts: [binary, parameters].map((a) => ({
            kind: a.kind,
            name: a.name,
            sha256: a.sha256,
            size: Number(a.size),
            contentType: a.contentType,
            metadata: reusedMetadata as unknown as Prisma.InputJsonValue,
            deviceId: device.id,
          })),
        };
      }

      if (found.other) {
        const m = found.other.metadata;
        log.system(
          `tuned files are for driver ${m.driver}, runtime ${m.runtime}; ` +
            `this device has driver ${fingerprint.driver}, runtime ${fingerprint.runtime}: tuning again`,
        );
      } else {
        log.system(
          `no tuned OpenCL files for ${device.model ?? device.serial} (${info.openclDevice}, driver ${info.driver}) ` +
            `and this graph of ${model.tag} yet: tuning`,
        );
      }
      const soc = fileNamePart(device.soc ?? info.openclDevice);
      const outDir = `${staged.dir}/tuned`;
      const names = {
        binary: `${config.libraryName}_compiled_opencl_kernel.${model.tag}.${soc}.bin`,
        parameters: `${config.libraryName}_tuned_opencl_parameter.${model.tag}.${soc}.bin`,
      };
      const args = [
        ...staged.modelArgs,
        '--device=GPU',
        '--tune',
        `--tune_output_dir=${outDir}`,
        `--library_name=${config.libraryName}`,
        `--model_tag=${model.tag}`,
        `--soc=${soc}`,
        ...(model.limitOpenclKernelTime ? ['--limit_opencl_kernel_time=1'] : []),
        `--round=${TUNE_ROUNDS}`,
        `--omp_num_threads=${ctx.payload.options?.threads ?? -1}`,
        `--cpu_affinity_policy=${ctx.payload.options?.cpuAffinityPolicy ?? 0}`,
      ];
      const t0 = Date.now();
      const code = await runStagedTool(ctx, staged, args);
      const tuneMs = Date.now() - t0;
      if (code !== 0) throw new UserJobError(`mace_run --tune failed on ${model.tag} (exit ${code}); see the job log`);

      const metadata: TunedMetadata = { ...fingerprint, modelTag: model.tag, libraryName: config.libraryName, tuneMs };
      const artifacts: NewArtifact[] = [];
      const refs: Partial<Record<'binary' | 'parameters', TuneJobResult['binary']>> = {};
      for (const which of ['binary', 'parameters'] as const) {
        const name = names[which];
        const file = path.join(work, name);
        await transport.pull(`${outDir}/${name}`, file).catch((err: unknown) => {
          if (err instanceof DeviceLostError) throw err;
          throw new InfrastructureError(`mace_run --tune exited 0 but wrote no ${outDir}/${name}`);
        });
        const blob = await store.putFile(file);
        refs[which] = { name, sha256: blob.sha256, size: blob.size };
        artifacts.push({
          kind: which === 'binary' ? 'tuned_binary' : 'tuned_parameters',
          name,
          ...blob,
          metadata: metadata as unknown as Prisma.InputJsonValue,
          deviceId: device.id,
        });
      }
      log.system(`tuned ${model.tag} in ${tuneMs} ms: stored ${names.binary} and ${names.parameters}`);
      const result: TuneJobResult = {
        modelTag: model.tag,
        reused: false,
        fingerprint,
        binary: refs.binary!,
        parameters: refs.parameters!,
      };
      return { result: result as unknown as Prisma.InputJsonValue, artifacts };
    } finally {
      await rm(work, { recursive: true, force: true });
      await staged.files.removeJobDir(staged.dir);
    }
  };
}
