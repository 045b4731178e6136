// The validate job: runs the converted model with mace_run on the reference inputs and compares
// every output with the original framework's (cosine, SQNR, top-1; packages/protocol), storing a
// ValidationResult row per output. An output below its threshold fails the job (a user error).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ModelConfig } from '@mace/config';
import { readNpy } from '@mace/converter';
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
import { computeValidationMetrics, isGpuRuntime, type ValidateJobResult, type ValidationMetrics } from '@mace/protocol';
import type { ArtifactStore } from '@mace/storage';
import { runStagedTool, stageJob } from './device-job.js';
import { DeviceLostError, type DeviceTransport } from './devices/transport.js';
import { gpuToolArgs } from './opencl-tuning.js';

/** The tools' file name for a tensor (native/tools/common/flags.cc FileNameOf). */
export function tensorFileName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return s === '' || s === '.' || s === '..' ? `_${s}` : s;
}

function toFloat32(data: ArrayLike<number | bigint>): Float32Array {
  if (data instanceof Float32Array) return data;
  return Float32Array.from({ length: data.length }, (_, i) => Number(data[i]));
}

export function thresholdFor(model: ModelConfig): number {
  const t = model.subgraphs[0].validationThreshold;
  if (model.quantize || ['dsp', 'hta', 'apu'].includes(model.runtime)) return t.quantize;
  return model.runtime === 'gpu' ? t.gpu : t.cpu;
}

export function validateHandler(store: ArtifactStore, transport: DeviceTransport) {
  return async function validateJob(ctx: JobContext): Promise<SuccessInput> {
    const { job, log } = ctx;
    const { config } = await loadRunDeployment(ctx.db, job.runId);
    const model = findModel(config, job.modelTag);
    const staged = await stageJob(ctx, store, transport, 'mace_run');
    const { reference } = staged.inputs;
    const work = await mkdtemp(path.join(os.tmpdir(), 'mace-validate-'));
    try {
      const outDir = `${staged.dir}/out`;
      const args = [
        ...staged.modelArgs,
        `--output_dir=${outDir}`,
        '--round=1',
        `--omp_num_threads=${ctx.payload.options?.threads ?? -1}`,
        `--cpu_affinity_policy=${ctx.payload.options?.cpuAffinityPolicy ?? 0}`,
        // GPU models: --device=GPU with the tuned OpenCL files of this device and driver
        ...(isGpuRuntime(model.runtime) ? await gpuToolArgs(ctx, store, staged, model) : []),
      ];
      const code = await runStagedTool(ctx, staged, args);
      if (code !== 0) throw new UserJobError(`mace_run failed on ${model.tag} (exit ${code}); see the job log`);
      const threshold = thresholdFor(model);
      const metrics: ValidationMetrics[] = [];
      const artifacts: NewArtifact[] = [];
      for (const expected of reference.outputs) {
        const remote = `${outDir}/${tensorFileName(expected.name)}.npy`;
        const file = path.join(work, `${tensorFileName(expected.name)}.npy`);
        await transport.pull(remote, file).catch((err: unknown) => {
          if (err instanceof DeviceLostError) throw err;
          throw new InfrastructureError(`mace_run wrote no output file for '${expected.name}' (${remote})`);
        });
        const bytes = await readFile(file);
        const actual = readNpy(bytes);
        const want = readNpy(await store.readBytes(expected.sha256));
        if (actual.data.length !== want.data.length)
          throw new UserJobError(
            `output '${expected.name}' has ${actual.data.length} values ([${actual.dims}]) but the original model gives ${want.data.length} ([${expected.shape}])`,
          );
        metrics.push(
          computeValidationMetrics(
            toFloat32(actual.data as ArrayLike<number>),
            toFloat32(want.data as ArrayLike<number>),
            expected.shape,
            threshold,
            expected.name,
          ),
        );
        const blob = await store.putBytes(bytes);
        artifacts.push({
          kind: 'outputs',
          name: `${model.tag}.outputs/${tensorFileName(expected.name)}.npy`,
          ...blob,
          contentType: 'application/x-npy',
        });
      }
      for (const m of metrics)
        log.system(
          `${m.output}: cosine ${m.cosine.toFixed(6)}, SQNR ${Number.isFinite(m.sqnrDb) ? `${m.sqnrDb.toFixed(2)} dB` : 'inf'}, ` +
            `top-1 ${m.pixelAccuracy.toFixed(4)}, max |err| ${m.maxAbsError.toExponential(2)} → ${m.passed ? 'PASS' : 'FAIL'} (threshold ${m.threshold})`,
        );
      const rows = metrics.map((m) => ({
        jobId: job.id,
        runId: job.runId,
        deviceId: job.deviceId,
        modelTag: model.tag,
        output: m.output,
        cosine: Number.isNaN(m.cosine) ? -1 : m.cosine,
        sqnrDb: Number.isFinite(m.sqnrDb) ? m.sqnrDb : null,
        pixelAccuracy: m.pixelAccuracy,
        maxAbsError: Number.isNaN(m.maxAbsError) ? Number.MAX_VALUE : m.maxAbsError,
        threshold: m.threshold,
        passed: m.passed,
      }));
      // The rows are kept whether the job passes or not: they tell how far off a failing output is.
      await ctx.db.$transaction([
        ctx.db.validationResult.deleteMany({ where: { jobId: job.id } }),
        ctx.db.validationResult.createMany({ data: rows }),
      ]);
      const failing = metrics.filter((m) => !m.passed);
      if (failing.length)
        throw new UserJobError(
          `validation below threshold: ${failing.map((m) => `output '${m.output}' cosine ${m.cosine.toFixed(6)} < ${m.threshold}`).join('; ')}`,
        );
      const result: ValidateJobResult = {
        modelTag: model.tag,
        passed: true,
        outputs: rows.map((r) => ({
          output: r.output,
          cosine: r.cosine,
          sqnrDb: r.sqnrDb,
          pixelAccuracy: r.pixelAccuracy,
          maxAbsError: r.maxAbsError,
          threshold: r.threshold,
          passed: r.passed,
        })),
      };
      return { result: result as unknown as Prisma.InputJsonValue, artifacts };
    } finally {
      await rm(work, { recursive: true, force: true });
      await staged.files.removeJobDir(staged.dir);
    }
  };
}
