// The benchmark job: benchmark_model --json on the reference inputs; the summary goes to a
// BenchmarkResult row with its per-op (OpStat) and per-type (OpTypeStat) rows, the whole document
// to an artifact.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Prisma } from '@mace/db';
import { findModel, loadRunDeployment, UserJobError, type JobContext, type SuccessInput } from '@mace/pipeline';
import {
  BenchmarkResultError,
  isGpuRuntime,
  parseBenchmarkResult,
  type BenchmarkJobResult,
  type BenchmarkResult,
} from '@mace/protocol';
import type { ArtifactStore } from '@mace/storage';
import { coolDown } from './cool-down.js';
import { runStagedTool, stageJob } from './device-job.js';
import type { DeviceTransport } from './devices/transport.js';
import { gpuToolArgs } from './opencl-tuning.js';

/** benchmark_model's own default, MACE's too. */
const DEFAULT_MAX_TIME_S = 10;

export function benchmarkHandler(store: ArtifactStore, transport: DeviceTransport) {
  return async function benchmarkJob(ctx: JobContext): Promise<SuccessInput> {
    const { job, log } = ctx;
    const { config } = await loadRunDeployment(ctx.db, job.runId);
    const model = findModel(config, job.modelTag);
    await coolDown(ctx, transport);
    const staged = await stageJob(ctx, store, transport, 'benchmark_model');
    const options = ctx.payload.options ?? {};
    const round = options.round ?? 20;
    const work = await mkdtemp(path.join(os.tmpdir(), 'mace-benchmark-'));
    try {
      const remoteJson = `${staged.dir}/result.json`;
      const args = [
        ...staged.modelArgs,
        `--round=${round}`,
        `--max_time=${options.maxTime ?? DEFAULT_MAX_TIME_S}`,
        `--warmup_runs=${options.warmupRuns ?? 1}`,
        `--omp_num_threads=${options.threads ?? -1}`,
        `--cpu_affinity_policy=${options.cpuAffinityPolicy ?? 0}`,
        `--json=${remoteJson}`,
        // GPU models: --device=GPU with the tuned OpenCL files of this device and driver
        ...(isGpuRuntime(model.runtime) ? await gpuToolArgs(ctx, store, staged, model) : []),
      ];
      const code = await runStagedTool(ctx, staged, args);
      if (code !== 0) throw new UserJobError(`benchmark_model failed on ${model.tag} (exit ${code}); see the job log`);
      const jsonFile = path.join(work, 'result.json');
      await transport.pull(remoteJson, jsonFile);
      const text = await readFile(jsonFile, 'utf8');
      let doc: BenchmarkResult;
      try {
        doc = parseBenchmarkResult(JSON.parse(text));
      } catch (err) {
        if (err instanceof BenchmarkResultError || err instanceof SyntaxError)
          throw new Error(`benchmark_model wrote an invalid --json document: ${err.message}`);
        throw err;
      }
      const blob = await store.putBytes(Buffer.from(text));
      const result: BenchmarkJobResult = {
        modelTag: model.tag,
        medianMs: doc.runs.median_ms,
        initMs: doc.init_ms,
        threads: doc.threads,
      };
      if (doc.runs.count < round)
        log.system(
          `${model.tag}: benchmark_model stopped after ${doc.runs.count} of ${round} runs at its time limit ` +
            `(${options.maxTime ?? DEFAULT_MAX_TIME_S} s); raise options.maxTime (mace --max_time) for all ${round}`,
        );
      log.system(
        `${model.tag}: median ${doc.runs.median_ms.toFixed(3)} ms over ${doc.runs.count} runs, init ${doc.init_ms.toFixed(1)} ms, ${doc.threads} thread(s)`,
      );
      return {
        result: result as unknown as Prisma.InputJsonValue,
        artifacts: [{ kind: 'other', name: `${model.tag}.benchmark.json`, ...blob, contentType: 'application/json' }],
        async commit(tx) {
          await tx.benchmarkResult.deleteMany({ where: { jobId: job.id } });
          await tx.benchmarkResult.create({
            data: {
              jobId: job.id,
              runId: job.runId,
              deviceId: job.deviceId,
              modelTag: model.tag,
              initMs: doc.init_ms,
              firstMs: doc.first_ms,
              minMs: doc.runs.min_ms,
              medianMs: doc.runs.median_ms,
              p90Ms: doc.runs.p90_ms,
              p99Ms: doc.runs.p99_ms,
              maxMs: doc.runs.max_ms,
              meanMs: doc.runs.mean_ms,
              stdMs: doc.runs.std_ms,
              count: doc.runs.count,
              peakRssKb: doc.peak_rss_kb,
              macs: BigInt(Math.round(doc.macs)),
              threads: doc.threads,
              raw: doc as unknown as Prisma.InputJsonValue,
              ops: {
                create: doc.ops.map((op, index) => ({
                  index,
                  name: op.name,
                  type: op.type,
                  startMs: op.start_ms,
                  avgMs: op.avg_ms,
                  pct: op.pct,
                  cdfPct: op.cdf_pct,
                  macs: BigInt(Math.round(op.macs)),
                  gmacps: op.gmacps,
                  outputShape: op.output_shape,
                })),
              },
              opTypes: {
                create: doc.by_type.map((t) => ({
                  type: t.type,
                  count: t.count,
                  avgMs: t.avg_ms,
                  pct: t.pct,
                  cdfPct: t.cdf_pct,
                  macs: BigInt(Math.round(t.macs)),
                  gmacps: t.gmacps,
                })),
              },
            },
          });
        },
      };
    } finally {
      await rm(work, { recursive: true, force: true });
      await staged.files.removeJobDir(staged.dir);
    }
  };
}
