// mace run: converts, runs the model with the runtime of a target ABI (the host's by default;
// ARM ABIs under qemu-user when this CPU cannot run them), writes outputs and optionally
// validates them against the original framework (onnxruntime).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readNpy, writeNpy } from '@mace/converter';
import { computeValidationMetrics, type ValidationMetrics } from '@mace/protocol';
import { intOption, UsageError, UserError, type Command } from '../command.js';
import { convertModel, loadDeployment } from '../deployment.js';
import { runtimesFor } from '@mace/builder';
import { deviceFor, ensureAbiTools, TARGET_ABI_OPTION } from '../native.js';
import { runOnnxReference } from '../reference.js';
import { NCHW_TO_NHWC, NHWC_TO_NCHW, prepareInputs, toFloat32, transpose4d } from '../tensors.js';
import { printTable } from '../table.js';

/** Output file name the native tools use for a tensor name. */
export function tensorFileName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return s === '' || s === '.' || s === '..' ? `_${s}` : s;
}

export const runCommand: Command = {
  name: 'run',
  summary:
    'Converts and runs each model of a deployment file on this host (or a target ABI under qemu-user); --validate compares with the original framework.',
  usage:
    'mace run --config FILE.yml [--target_abi ABI] [--validate] [--round N] [--output-dir DIR] [--json FILE] [--omp_num_threads N] [--cpu_affinity_policy 0|1|2]',
  options: {
    config: { type: 'string', value: 'FILE', description: 'the deployment file (MACE YAML)' },
    target_abi: TARGET_ABI_OPTION,
    validate: {
      type: 'boolean',
      description: 'compare outputs with onnxruntime (cosine, SQNR, top-1); exit 1 if any output fails',
    },
    round: { type: 'string', value: 'N', description: 'number of runs', default: '1' },
    'output-dir': { type: 'string', value: 'DIR', description: 'write <output name>.npy per output' },
    json: { type: 'string', value: 'FILE', description: 'write timings and validation metrics as JSON' },
    omp_num_threads: { type: 'string', value: 'N', description: 'CPU threads (default: one per core)' },
    cpu_affinity_policy: {
      type: 'string',
      value: 'P',
      description: '0 none, 1 big cores, 2 little cores',
      default: '0',
    },
    out: { type: 'string', value: 'DIR', description: 'folder for converted models', default: 'builds' },
  },
  async run(values) {
    if (!values.config) throw new UsageError('--config is required');
    const rounds = intOption(values, 'round') ?? 1;
    const threads = intOption(values, 'omp_num_threads');
    const policy = intOption(values, 'cpu_affinity_policy', 0) ?? 0;
    if (policy > 2) throw new UsageError('--cpu_affinity_policy must be 0, 1 or 2');
    const dep = await loadDeployment(String(values.config));
    const tools = await ensureAbiTools(String(values.target_abi), runtimesFor(dep.config.models));
    const report: Record<string, unknown>[] = [];
    let allPassed = true;
    for (const model of dep.config.models) {
      const converted = await convertModel(dep, model, resolve(String(values.out)));
      const sg = model.subgraphs[0];
      const inputs = prepareInputs(dep, sg);
      const work = mkdtempSync(join(tmpdir(), 'mace-run-'));
      try {
        const inputFiles = inputs.map((inp, i) => {
          const f = join(work, `input_${i}.npy`);
          writeFileSync(f, writeNpy({ dtype: 'float32', dims: inp.shape, data: inp.data }));
          return f;
        });
        const outDir = join(work, 'out');
        const timingFile = join(work, 'timing.json');
        const args = [
          `--model_file=${converted.macePath}`,
          `--model_data_file=${converted.dataPath}`,
          `--input_node=${sg.inputTensors.join(',')}`,
          `--output_node=${sg.outputTensors.join(',')}`,
          `--input_file=${inputFiles.join(',')}`,
          `--output_dir=${outDir}`,
          `--round=${rounds}`,
          `--omp_num_threads=${threads ?? -1}`,
          `--cpu_affinity_policy=${policy}`,
          `--json=${timingFile}`,
          `--device=${deviceFor(model)}`,
        ];
        const [command, ...prefix] = tools.maceRun;
        const r = spawnSync(command, [...prefix, ...args], { encoding: 'utf8' });
        if (r.status !== 0)
          throw new UserError(`model ${model.tag}: mace_run failed:\n${(r.stderr || r.stdout).trim()}`);
        process.stdout.write(`${model.tag}:\n${r.stdout.trimEnd().replace(/^/gm, '  ')}\n`);
        const timing = JSON.parse(readFileSync(timingFile, 'utf8')) as {
          init_ms: number;
          run_ms: number[];
          peak_rss_kb: number;
        };
        const outputs = new Map<string, { data: Float32Array; shape: number[] }>();
        for (const name of sg.outputTensors) {
          const file = join(outDir, `${tensorFileName(name)}.npy`);
          const t = readNpy(readFileSync(file));
          outputs.set(name, { data: toFloat32(t), shape: t.dims });
          if (values['output-dir']) {
            mkdirSync(String(values['output-dir']), { recursive: true });
            copyFileSync(file, join(String(values['output-dir']), `${tensorFileName(name)}.npy`));
          }
        }
        const entry: Record<string, unknown> = { model: model.tag, ...timing };
        if (values.validate) {
          const metrics = await validate(
            converted.modelBytes,
            inputs,
            sg,
            outputs,
            model.runtime === 'gpu' ? sg.validationThreshold.gpu : sg.validationThreshold.cpu,
          );
          printTable(
            ['output', 'cosine', 'SQNR (dB)', 'top-1', 'max |err|', 'threshold', 'result'],
            metrics.map((m) => [
              m.output,
              m.cosine.toFixed(6),
              Number.isFinite(m.sqnrDb) ? m.sqnrDb.toFixed(2) : 'inf',
              m.pixelAccuracy.toFixed(4),
              m.maxAbsError.toExponential(2),
              String(m.threshold),
              m.passed ? 'PASS' : 'FAIL',
            ]),
          );
          entry.validation = metrics;
          if (!metrics.every((m) => m.passed)) allPassed = false;
        }
        report.push(entry);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }
    if (values.json) writeFileSync(String(values.json), JSON.stringify({ models: report }, null, 2) + '\n');
    if (values.validate && !allPassed) {
      process.stderr.write('validation failed: at least one output is below its threshold\n');
      return 1;
    }
    return 0;
  },
};

async function validate(
  modelBytes: Uint8Array,
  inputs: ReturnType<typeof prepareInputs>,
  sg: Parameters<typeof prepareInputs>[1],
  outputs: Map<string, { data: Float32Array; shape: number[] }>,
  threshold: number,
): Promise<ValidationMetrics[]> {
  // The original model takes NCHW: undo the deployment file's NHWC layout for it.
  const refInputs = inputs.map((inp, i) =>
    sg.inputDataFormats[i] === 'NHWC' && inp.shape.length === 4
      ? { name: inp.name, ...transpose4d(inp.data, inp.shape, NHWC_TO_NCHW) }
      : inp,
  );
  const ref = await runOnnxReference(modelBytes, refInputs, sg.outputTensors);
  return sg.outputTensors.map((name, i) => {
    let expected = ref.get(name)!;
    if (sg.outputDataFormats[i] === 'NHWC' && expected.shape.length === 4)
      expected = transpose4d(expected.data, expected.shape, NCHW_TO_NHWC);
    const actual = outputs.get(name)!;
    if (actual.data.length !== expected.data.length)
      throw new UserError(
        `output '${name}' has ${actual.data.length} values ([${actual.shape}]) but the original model gives ${expected.data.length} ([${expected.shape}])`,
      );
    return computeValidationMetrics(actual.data, expected.data, expected.shape, threshold, name);
  });
}
