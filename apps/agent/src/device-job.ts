// The steps every device job shares: stage the tool, the model and the reference inputs on the
// device (pushed by sha256, skipped when there), give the job its folder, run a tool there under a
// device-side timeout with its output streamed into the job log, and clean up.
import { InfrastructureError, type JobContext } from '@mace/pipeline';
import type { ArtifactStore } from '@mace/storage';
import { DeviceFiles } from './devices/device-files.js';
import { shellQuote, type DeviceTransport, type ExecResult } from './devices/transport.js';
import { loadDeviceJobInputs, unpackRuntime, type DeviceJobInputs } from './inputs.js';

/** How long one tool run may take on a device (MACE_DEVICE_TOOL_TIMEOUT_S, default 15 minutes). */
export function toolTimeoutS(): number {
  return Number(process.env.MACE_DEVICE_TOOL_TIMEOUT_S ?? 900);
}

export interface StagedJob {
  inputs: DeviceJobInputs;
  files: DeviceFiles;
  /** The job's folder on the device. */
  dir: string;
  tool: string;
  /** --model_file, --model_data_file, --input_node, --output_node, --input_file */
  modelArgs: string[];
}

/** Stages `tool` (mace_run or benchmark_model of the job's ABI), the model and its inputs. */
export async function stageJob(
  ctx: JobContext,
  store: ArtifactStore,
  transport: DeviceTransport,
  tool: 'mace_run' | 'benchmark_model',
): Promise<StagedJob> {
  const inputs = await loadDeviceJobInputs(ctx.db, store, ctx.job);
  const { convert, build, reference } = inputs;
  const files = new DeviceFiles(transport, ctx.signal, ctx.log);
  const local = await unpackRuntime(store, build);
  const toolPath = `bin/${build.abi}/${tool}`;
  const toolSha = build.manifest.files.find((f) => f.path === toolPath)?.sha256;
  if (!toolSha) throw new InfrastructureError(`the ${build.abi} package lacks ${toolPath}`);
  const remoteTool = await files.blob(toolSha, tool === 'mace_run' ? local.maceRun : local.benchmarkModel, {
    // named after the tool too, so the job log says which one runs
    ext: `.${tool}`,
    mode: 0o755,
    what: `${tool} (${build.abi})`,
  });
  const graph = await files.blob(convert.graph.sha256, store.pathOf(convert.graph.sha256), {
    ext: '.mace',
    what: convert.graph.name,
  });
  const data = await files.blob(convert.data.sha256, store.pathOf(convert.data.sha256), {
    ext: '.data',
    what: convert.data.name,
  });
  const inputFiles: string[] = [];
  for (const t of reference.inputs)
    inputFiles.push(await files.blob(t.sha256, store.pathOf(t.sha256), { ext: '.npy', what: `input ${t.name}` }));
  const dir = await files.jobDir(ctx.job.id);
  return {
    inputs,
    files,
    dir,
    tool: remoteTool,
    modelArgs: [
      `--model_file=${graph}`,
      `--model_data_file=${data}`,
      `--input_node=${reference.inputs.map((t) => t.name).join(',')}`,
      `--output_node=${reference.outputs.map((t) => t.name).join(',')}`,
      `--input_file=${inputFiles.join(',')}`,
    ],
  };
}

/** Runs the staged tool with `args` in the job's folder; resolves with its exit status. */
export async function runStagedTool(ctx: JobContext, job: StagedJob, args: string[]): Promise<number> {
  return (await execStagedTool(ctx, job, args)).code;
}

/** Runs the staged tool with `args` in the job's folder, its output in the job log and returned. */
export async function execStagedTool(ctx: JobContext, job: StagedJob, args: string[]): Promise<ExecResult> {
  const command = `cd ${shellQuote(job.dir)} && ${[job.tool, ...args].map(shellQuote).join(' ')}`;
  ctx.log.system(`$ ${[job.tool, ...args].join(' ')}`);
  const timeoutS = toolTimeoutS();
  const r = await job.files.transport.exec(command, {
    timeoutS,
    signal: ctx.signal,
    onOutput: (stream, chunk) => ctx.log.write(stream, chunk),
  });
  if (r.code === 124) throw new InfrastructureError(`${job.tool} did not finish within ${timeoutS} s on the device`);
  return r;
}
