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
  parseBenchmarkResult,
  type BenchmarkJobResult,
  type BenchmarkResult,
} from '@mace/protocol';
import type { ArtifactStore } from '@mace/storage';
import { runTool } from './exec.js';
import { linkBlob, loadDeviceJobInputs, unpackRuntime } from './inputs.js';

export function benchmarkHandler(store: ArtifactStore) {
  return async function benchmarkJob(ctx: JobContext): Promise<SuccessInput> {
    const { job, log } = ctx;
    const { config } = await loadRunDeployment(ctx.db, job.runId);
    const model = findModel(config, job.modelTag);
    const { convert, build, reference } = await loadDeviceJobInputs(ctx.db, store, job);
    const runtime = await unpackRuntime(store, build);
    const options = ctx.payload.options ?? {};
    const work = await mkdtemp(path.join(os.tmpdir(), 'mace-benchmark-'));
    try {
      const inputs: string[] = [];
      for (const [i, t] of reference.inputs.entries())
        inputs.push(await linkBlob(store, t.sha256, path.join(work, `input_${i}.npy`)));
      const jsonFile = path.join(work, 'result.json');
      const args = [
        `--model_file=${store.pathOf(convert.graph.sha256)}`,
        `--model_data_file=${store.pathOf(convert.data.sha256)}`,
        `--input_node=${reference.inputs.map((t) => t.name).join(',')}`,
        `--output_node=${reference.outputs.map((t) => t.name).join(',')}`,
        `--input_file=${inputs.join(',')}`,
        `--round=${options.round ?? 20}`,
        `--warmup_runs=${options.warmupRuns ?? 1}`,
        `--omp_num_threads=${options.threads ?? -1}`,
        `--cpu_affinity_policy=${options.cpuAffinityPolicy ?? 0}`,
        `--json=${jsonFile}`,
      ];
      log.system(`benchmark_model ${args.join(' ')}`);
      const code = await runTool(runtime.benchmarkModel, args, { log, signal: ctx.signal });
      if (code !== 0) throw new UserJobError(`benchmark_model failed on ${model.tag} (exit ${code}); see the job log`);
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
    }
  };
}
