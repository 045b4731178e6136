// mace benchmark: converts and runs benchmark_model on this host (or a target ABI's under
// qemu-user), printing MACE's report.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeNpy } from '@mace/converter';
import { MAX_TIME_LIMIT_S, parseBenchmarkResult } from '@mace/protocol';
import { intOption, secondsOption, UsageError, UserError, type Command } from '../command.js';
import { convertModel, loadDeployment } from '../deployment.js';
import { runtimesFor } from '@mace/builder';
import { deviceFor, ensureAbiTools, TARGET_ABI_OPTION } from '../native.js';
import { prepareInputs } from '../tensors.js';

export const benchmarkCommand: Command = {
  name: 'benchmark',
  summary: 'Converts each model of a deployment file and benchmarks it on this host (per-op statistics).',
  usage: 'mace benchmark --config FILE.yml [--target_abi ABI] [--round N] [--omp_num_threads N] [--json FILE]',
  options: {
    config: { type: 'string', value: 'FILE', description: 'the deployment file (MACE YAML)' },
    target_abi: TARGET_ABI_OPTION,
    round: { type: 'string', value: 'N', description: 'number of timed runs', default: '100' },
    max_time: {
      type: 'string',
      value: 'S',
      description: 'time limit in seconds for the timed runs: stops early after at least one (raise for slow devices)',
      default: '10',
    },
    warmup_runs: { type: 'string', value: 'N', description: 'untimed runs first', default: '1' },
    omp_num_threads: { type: 'string', value: 'N', description: 'CPU threads (default: one per core)' },
    cpu_affinity_policy: {
      type: 'string',
      value: 'P',
      description: '0 none, 1 big cores, 2 little cores',
      default: '0',
    },
    json: { type: 'string', value: 'FILE', description: 'write the benchmark result(s) as JSON' },
    out: { type: 'string', value: 'DIR', description: 'folder for converted models', default: 'builds' },
  },
  async run(values) {
    if (!values.config) throw new UsageError('--config is required');
    const rounds = intOption(values, 'round') ?? 100;
    const warmup = intOption(values, 'warmup_runs', 0) ?? 1;
    const maxTime = secondsOption(values, 'max_time', MAX_TIME_LIMIT_S) ?? 10;
    const threads = intOption(values, 'omp_num_threads');
    const policy = intOption(values, 'cpu_affinity_policy', 0) ?? 0;
    const dep = await loadDeployment(String(values.config));
    const tools = await ensureAbiTools(String(values.target_abi), runtimesFor(dep.config.models));
    const results: unknown[] = [];
    for (const model of dep.config.models) {
      const converted = await convertModel(dep, model, resolve(String(values.out)));
      const sg = model.subgraphs[0];
      const work = mkdtempSync(join(tmpdir(), 'mace-bench-'));
      try {
        const inputFiles = prepareInputs(dep, sg).map((inp, i) => {
          const f = join(work, `input_${i}.npy`);
          writeFileSync(f, writeNpy({ dtype: 'float32', dims: inp.shape, data: inp.data }));
          return f;
        });
        const jsonFile = join(work, 'result.json');
        process.stdout.write(`== ${model.tag}\n`);
        const [command, ...prefix] = tools.benchmarkModel;
        const r = spawnSync(
          command,
          [
            ...prefix,
            `--model_file=${converted.macePath}`,
            `--model_data_file=${converted.dataPath}`,
            `--input_node=${sg.inputTensors.join(',')}`,
            `--output_node=${sg.outputTensors.join(',')}`,
            `--input_file=${inputFiles.join(',')}`,
            `--round=${rounds}`,
            `--max_time=${maxTime}`,
            `--warmup_runs=${warmup}`,
            `--omp_num_threads=${threads ?? -1}`,
            `--cpu_affinity_policy=${policy}`,
            `--json=${jsonFile}`,
            `--device=${deviceFor(model)}`,
          ],
          { stdio: ['ignore', 'inherit', 'inherit'] },
        );
        if (r.status !== 0) throw new UserError(`model ${model.tag}: benchmark_model failed (exit ${r.status})`);
        results.push({
          ...parseBenchmarkResult(JSON.parse(readFileSync(jsonFile, 'utf8'))),
          model: model.tag,
          modelFile: converted.macePath,
        });
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }
    if (values.json)
      writeFileSync(String(values.json), JSON.stringify(results.length === 1 ? results[0] : results, null, 2) + '\n');
    return 0;
  },
};
